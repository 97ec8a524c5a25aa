package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JAX-RS resources on Jersey inside Spring Boot's Tomcat (spring-app-jersey) with HTTP attribution:
 * each request one call of an operation named by the resource's {@code @Path} templates, class and
 * method joined, whatever the ids; a resource that throws is an error; a path no resource matches
 * falls back to the path with its values as {@code {id}}.
 */
class JerseyIT {
    static final List<String> IDS = List.of("1", "2", "42", "abc1", "ord-7", "x");

    static TestDatabase db;
    static String schema;
    static WebAppSession session;

    @BeforeAll
    static void runTheApp() throws Exception {
        db = TestDatabase.get();
        schema = db.newSchema();
        session = WebAppSession.run(WebAppSession.jar("memagenttest.springJerseyJar"), "jersey-app-ready port=", db,
                schema, "jersey", s -> {
                    for (String id : IDS) {
                        s.send("GET", "/orders/" + id, "HTTP GET /orders/{id}", 200);
                        s.send("POST", "/orders/" + id, "HTTP POST /orders/{id}", 200);
                        s.send("GET", "/orders/" + id + "/items/i" + id, "HTTP GET /orders/{id}/items/{item}", 200);
                        s.send("GET", "/users/u" + id + "/orders", "HTTP GET /users/{user}/orders", 200);
                    }
                    s.send("GET", "/orders/missing1", "HTTP GET /orders/{id}", 404); // the resource's own 404
                    for (int i = 1; i <= 2; i++) {
                        s.send("GET", "/orders/" + i + "/fail", "HTTP GET /orders/{id}/fail", 500);
                    }
                    s.send("GET", "/nothing/42", "HTTP GET /nothing/{id}", 404); // no resource: the path
                });
        System.out.println("JerseyIT on JDK " + AppRun.javaFeatureVersion() + ": sent " + session.sentCounts()
                + ", stored " + WebAppSession.httpCalls(db, schema));
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            db.dropSchema(schema);
        }
    }

    @Test
    void everyRequestIsOneCallOfItsPathTemplate() {
        assertEquals(session.sentCounts(), WebAppSession.httpCalls(db, schema),
                "calls per request operation, and no other request operation\n" + session.stderr);
    }

    @Test
    void aResourceThatThrowsIsAnErrorAndEveryRequestIsMeasured() {
        for (String op : session.sentCounts().keySet()) {
            Map<String, Object> f = db.operationFigures(schema, op, session);
            assertEquals(op.endsWith("/fail") ? 2 : 0, TestDatabase.n(f, "errors"), op + ": " + f);
            assertEquals(0, TestDatabase.n(f, "unmeasured"), op + ": " + f);
            assertTrue(TestDatabase.n(f, "min") > 0, op + ": " + f);
        }
        assertEquals(List.of(), session.agentProblems(), session.stderr);
        assertEquals(143, session.exitCode, "128 + SIGTERM\n" + session);
    }
}
