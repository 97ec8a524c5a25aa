package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.TomcatJakartaApp;
import io.memagent.testapps.TomcatJavaxApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code memagent.attribute.http} in real servlet containers: embedded Tomcat 10.1
 * ({@code jakarta.servlet}) and Tomcat 9 ({@code javax.servlet}), each app with its own Tomcat
 * jar. A request is one {@code HTTP GET /path-template} call whose bytes are what the app measured
 * around its outermost servlet-API call: the servlet's {@code service}, or the filter in front of it.
 */
class ServletAttributionIT {
    static final int REQUESTS = 40;
    static final int HEALTH_CHECKS = 3;
    static TestDatabase db;
    static String jakartaSchema;
    static String javaxSchema;
    static AppRun.Result jakarta;
    static AppRun.Result javax;

    @BeforeAll
    static void runApps() throws Exception {
        db = TestDatabase.get();
        jakartaSchema = db.newSchema();
        jakarta = run(TomcatJakartaApp.class, jakartaSchema, "tomcat10");
        javaxSchema = db.newSchema();
        javax = run(TomcatJavaxApp.class, javaxSchema, "tomcat9");
    }

    private static AppRun.Result run(Class<?> app, String schema, String tomcat) throws Exception {
        return AppRun.main(app)
                .classpath(Path.of(AppRun.APP_LIBS, tomcat + "-embed-core.jar").toString())
                .classpath(Path.of(AppRun.APP_LIBS, tomcat + "-annotations-api.jar").toString())
                .database(db, schema, "servlet-" + tomcat)
                .prop("memagent.flush.interval.ms", 200)
                .prop("memagent.attribute.http", true)
                .args(String.valueOf(HEALTH_CHECKS), String.valueOf(REQUESTS))
                .run()
                .assertOk();
    }

    @AfterAll
    static void dropSchemas() {
        if (jakartaSchema != null) {
            db.dropSchema(jakartaSchema);
        }
        if (javaxSchema != null) {
            db.dropSchema(javaxSchema);
        }
    }

    @Test
    void tomcat10JakartaRequestsCarryTheOutermostServletCallsBytes() {
        assertAttributed(jakarta, jakartaSchema);
    }

    @Test
    void tomcat9JavaxRequestsCarryTheOutermostServletCallsBytes() {
        assertAttributed(javax, javaxSchema);
    }

    private static void assertAttributed(AppRun.Result run, String schema) {
        assertEquals(REQUESTS, run.value("orders"), run.toString());
        assertEquals(REQUESTS, run.value("audited"));
        assertEquals(HEALTH_CHECKS, run.value("health"));
        assertEquals(2 * 4000L * REQUESTS, run.value("received"));

        // Servlet implementing the interface: its own service() is the agent's window.
        Map<String, Object> orders = stats(schema, "HTTP GET /orders/{id}");
        assertEquals((long) REQUESTS, orders.get("calls"), run.toString());
        assertEquals(0L, orders.get("errors"));
        assertEquals("http", orders.get("kind"));
        assertEquals(run.value("orders.bytes"), orders.get("total"));
        // A filter in front: the filter is outermost; the servlet's service inside it is not counted again.
        Map<String, Object> audited = stats(schema, "HTTP GET /audited/{id}");
        assertEquals((long) REQUESTS, audited.get("calls"));
        assertEquals(run.value("audited.bytes"), audited.get("total"));
        // HttpServlet subclass whose service() calls super.service(): two woven calls, one request.
        assertEquals((long) HEALTH_CHECKS, stats(schema, "HTTP GET /health").get("calls"));

        Set<String> ops = db.query("SELECT DISTINCT operation_type FROM " + schema + ".method_allocation_stats")
                .stream().map(r -> (String) r.get("operation_type")).collect(Collectors.toSet());
        // A 404 the servlet decides is one request; the container's ERROR dispatch to /error is not another.
        assertEquals(5L, stats(schema, "HTTP GET /orders/gone/{id}").get("calls"), run.toString());
        // Named by the route the framework matched, not by the path's values.
        assertEquals(3L, stats(schema, "HTTP GET /routed/{name}").get("calls"));
        assertEquals(Set.of("HTTP GET /orders/{id}", "HTTP GET /audited/{id}", "HTTP GET /health",
                "HTTP GET /orders/warmup", "HTTP GET /orders/gone/{id}", "HTTP GET /routed/{name}"), ops);
        assertEquals(List.of(), run.agentLines().stream().filter(l -> l.contains("could not")).toList());
    }

    private static Map<String, Object> stats(String schema, String operation) {
        return db.operationFigures(schema, operation, operation + " was not recorded");
    }
}
