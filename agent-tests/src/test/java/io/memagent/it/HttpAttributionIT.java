package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.memagent.testapps.HttpServerApp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code memagent.attribute.http}: requests to the JDK HTTP server's handlers are profiled as
 * {@code HTTP GET /orders/{id}}, with the bytes the handler measured over its own body.
 */
class HttpAttributionIT {
    static final int REQUESTS = 60;

    @RegisterExtension
    static final AppPerClass app = AppPerClass.of(a -> AppRun.main(HttpServerApp.class)
            .database(a.db(), a.schema(), "http-attribution")
            .prop("memagent.flush.interval.ms", 200)
            .prop("memagent.attribute.http", true)
            .args(String.valueOf(REQUESTS)));

    @Test
    void requestsAreAttributedToTheirPathTemplateWithTheHandlersBytes() {
        assertEquals(REQUESTS, app.run().value("orders"));
        assertEquals(4000L * REQUESTS, app.run().value("received"));
        List<Map<String, Object>> rows = app.db().query("SELECT sum(calls) AS calls, sum(errors) AS errors,"
                + " sum(total_bytes) AS total, min(min_bytes) AS min, string_agg(DISTINCT kind, ',') AS kind"
                + " FROM " + app.schema() + ".method_allocation_stats WHERE operation_type = 'HTTP GET /orders/{id}'");
        Map<String, Object> s = rows.get(0);
        assertNotNull(s.get("calls"), app.run().toString());
        assertEquals(REQUESTS, ((Number) s.get("calls")).longValue());
        assertEquals(0, ((Number) s.get("errors")).longValue());
        assertEquals("http", s.get("kind"));
        assertEquals(app.run().value("orders.bytes"), ((Number) s.get("total")).longValue());
        Set<String> ops = app.db().query("SELECT DISTINCT operation_type FROM " + app.schema() + ".method_allocation_stats").stream()
                .map(r -> (String) r.get("operation_type")).collect(Collectors.toSet());
        assertEquals(Set.of("HTTP GET /orders/{id}", "HTTP GET /health"), ops);
    }
}
