package io.memagent.webfluxapp;

import java.time.Duration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The annotated controller: event loop, then a {@code publishOn(boundedElastic)} hop. */
@RestController
class Hops {
    @GetMapping({"/flux/{n}", "/warm/flux/{n}"})
    Mono<String> flux(@PathVariable int n) {
        Segments.Reading loop = Segments.loop(n);
        return Mono.just(n)
                .publishOn(Schedulers.boundedElastic())
                .map(k -> Segments.json(k, loop, Segments.worker(k)));
    }

    /**
     * What the server's threads (Reactor Netty's event loops, Reactor's schedulers) have allocated in
     * all, by the JVM's per-thread counters: over a run of requests, the most any per-request figure can
     * add up to, the agent's own work and the server's work outside the handler included.
     */
    @GetMapping("/threads")
    String threads() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.startsWith("reactor-http-") || name.startsWith("boundedElastic-") || name.startsWith("parallel-")) {
                sum += AppCounter.bytesOf(t);
            }
        }
        return "{\"serverThreadBytes\":" + sum + "}";
    }

    /** A server error: the handler throws, the response is a 500. */
    @GetMapping("/fail/{n}")
    Mono<String> fail(@PathVariable int n) {
        throw new IllegalStateException("failing on purpose: " + n);
    }

    /** Answers after {@code ms} milliseconds, waiting on Reactor's parallel scheduler. */
    @GetMapping("/slow/{ms}")
    Mono<String> slow(@PathVariable int ms) {
        return Mono.delay(Duration.ofMillis(ms)).map(x -> "slept " + ms);
    }
}
