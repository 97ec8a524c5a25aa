package io.memagent.springapp;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A small Spring Boot app for memagent's end-to-end tests and start-up benchmark: embedded Tomcat,
 * JdbcTemplate over HikariCP and pgjdbc, a type-level {@code @Transactional} service (so Spring
 * proxies it with CGLIB), {@code @ProfileMemory} on controller and service methods.
 *
 * <p>Configuration is plain Spring: {@code --spring.datasource.url=...}, {@code username},
 * {@code password}, {@code --server.port=0}, and {@code --app.schema=...}, the PostgreSQL schema
 * its {@code orders} table lives in (created if missing). Once it answers it prints
 * {@code spring-app-ready port=N} on stdout.
 */
@SpringBootApplication
public class SpringApp {
    public static void main(String[] args) {
        SpringApplication.run(SpringApp.class, args);
    }

    /** Runs after the context is refreshed and Tomcat listens: makes the table, then says the port. */
    @Bean
    ApplicationRunner ready(OrderService orders, Environment env) {
        return args -> {
            orders.createTable();
            // Set by the web server once it listens (server.port=0 picks a free port).
            System.out.println("spring-app-ready port=" + env.getProperty("local.server.port"));
        };
    }
}
