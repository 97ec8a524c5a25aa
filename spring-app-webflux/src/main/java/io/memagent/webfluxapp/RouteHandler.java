package io.memagent.webfluxapp;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The functional route: event loop, then {@code Mono.fromCallable} subscribed on boundedElastic. */
@Component
class RouteHandler {
    Mono<ServerResponse> handle(ServerRequest request) {
        int n = Integer.parseInt(request.pathVariable("n"));
        Segments.Reading loop = Segments.loop(n);
        return Mono.fromCallable(() -> Segments.json(n, loop, Segments.worker(n)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(json -> ServerResponse.ok().bodyValue(json));
    }
}
