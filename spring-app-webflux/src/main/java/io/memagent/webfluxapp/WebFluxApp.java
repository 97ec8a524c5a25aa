package io.memagent.webfluxapp;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A small Spring Boot 4 WebFlux app on Reactor Netty for memagent's end-to-end tests: an annotated
 * controller ({@link Hops}) and a {@code RouterFunction} route ({@link RouteHandler}), each
 * allocating a known array on the event loop and another on {@code boundedElastic}, and reporting
 * what it measured itself around each ({@link AppCounter}). Once it answers it prints
 * {@code webflux-app-ready port=N} on stdout.
 */
@SpringBootApplication
public class WebFluxApp {
    public static void main(String[] args) {
        SpringApplication.run(WebFluxApp.class, args);
    }

    /** {@code /route/{n}}, and {@code /warm/route/{n}}: the same handler under another template, for warming up. */
    @Bean
    RouterFunction<ServerResponse> routes(RouteHandler handler) {
        return RouterFunctions.route(GET("/route/{n}"), handler::handle)
                .andRoute(GET("/warm/route/{n}"), handler::handle);
    }

    @Bean
    ApplicationRunner ready(Environment env) {
        return args -> System.out.println("webflux-app-ready port=" + env.getProperty("local.server.port"));
    }
}
