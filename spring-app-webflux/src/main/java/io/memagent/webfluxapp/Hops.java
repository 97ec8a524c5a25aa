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
