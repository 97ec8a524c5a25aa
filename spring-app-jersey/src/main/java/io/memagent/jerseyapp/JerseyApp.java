package io.memagent.jerseyapp;

import org.glassfish.jersey.server.ResourceConfig;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A small Spring Boot 4 app serving JAX-RS resources with Jersey on embedded Tomcat, for memagent's
 * end-to-end tests: {@link Orders} ({@code @Path("/orders")} with method templates) and
 * {@link UserOrders} (a template on the class itself). Once it answers it prints
 * {@code jersey-app-ready port=N} on stdout.
 */
@SpringBootApplication
public class JerseyApp {
    public static void main(String[] args) {
        SpringApplication.run(JerseyApp.class, args);
    }

    @Bean
    ResourceConfig jersey() {
        ResourceConfig config = new ResourceConfig();
        config.register(Orders.class);
        config.register(UserOrders.class);
        return config;
    }

    @Bean
    ApplicationRunner ready(Environment env) {
        return args -> System.out.println("jersey-app-ready port=" + env.getProperty("local.server.port"));
    }
}
