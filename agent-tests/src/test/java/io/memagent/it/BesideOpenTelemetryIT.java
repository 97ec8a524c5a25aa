package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot test app (Tomcat, JdbcTemplate, HikariCP, pgjdbc; HTTP and JDBC attribution on)
 * with the OpenTelemetry Java agent attached too, in either {@code -javaagent} order: memagent
 * weaves none of the other agent's classes and says nothing about them, and steady calls stay
 * exact to the byte against the app's own counter. The service name comes from the sources a
 * team already set, in memagent's order.
 */
class BesideOpenTelemetryIT {
    static final String OTEL_AGENT = Path.of(AppRun.APP_LIBS, "opentelemetry-javaagent.jar").toString();

    static TestDatabase db;
    static final List<String> schemas = new ArrayList<>();

    @BeforeAll
    static void database() {
        db = TestDatabase.get();
    }

    @AfterAll
    static void dropSchemas() {
        for (String s : schemas) {
            db.dropSchema(s);
        }
    }

    private static SpringBootIT.Session run(boolean otelFirst, boolean otelServiceName) throws Exception {
        String schema = db.newSchema();
        schemas.add(schema);
        schemas.add(schema + "_app");
        SpringBootIT.db = db;
        SpringBootIT.Session s = SpringBootIT.Session.run(schema, schema + "_app", SpringChecks::traffic, r -> {
            String otel = "-javaagent:" + OTEL_AGENT;
            if (otelFirst) {
                r.jvmArgBeforeAgent(otel);
            } else {
                r.jvmArg(otel);
            }
            // No exporter: the spans are made and dropped, nothing leaves the machine.
            r.prop("otel.traces.exporter", "none").prop("otel.metrics.exporter", "none").prop("otel.logs.exporter", "none")
                    .withoutProp("memagent.service.name");
            if (otelServiceName) {
                r.prop("otel.service.name", "orders-otel");
            }
        });
        assertTrue(s.stderr.contains("opentelemetry-javaagent - version: "), "the OpenTelemetry agent ran: " + s);
        List<String> agentLines = SpringChecks.quietAgentLines(s);
        assertEquals(List.of(), agentLines.stream().filter(l -> l.contains("opentelemetry")).toList(),
                "nothing about the other agent");
        SpringChecks.assertAttributedAndExact(db, schema, s);
        return s;
    }

    @Test
    void openTelemetryFirstThenMemagent() throws Exception {
        SpringBootIT.Session s = run(true, true);
        assertTrue(s.stderr.contains(" started for service 'orders-otel' (from otel.service.name): writing to "), s.stderr);
    }

    @Test
    void memagentFirstThenOpenTelemetry() throws Exception {
        SpringBootIT.Session s = run(false, false);
        assertTrue(s.stderr.contains(" started for service 'orders-app' (from spring.application.name in"
                + " spring-app.jar!/BOOT-INF/classes/application.*): writing to "), s.stderr);
    }
}
