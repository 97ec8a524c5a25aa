package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.TomcatJakartaApp;
import io.memagent.testapps.TomcatJavaxApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code memagent.attribute.http} in real servlet containers: embedded Tomcat 10.1
 * ({@code jakarta.servlet}) and Tomcat 9 ({@code javax.servlet}), each app with its own Tomcat
 * jar. A request is one {@code HTTP GET /path-template} call whose bytes are what the app measured
 * around its outermost servlet-API call: the servlet's {@code service}, or the filter in front of it.
 */
class ServletAttributionIT {
    static final int REQUESTS = 40;
    static final int HEALTH_CHECKS = 3;
    @RegisterExtension
    @Order(1)
    static final AppPerClass jakarta = AppPerClass.of(a -> app(TomcatJakartaApp.class, a, "tomcat10"));
    @RegisterExtension
    @Order(2)
    static final AppPerClass javax = AppPerClass.of(a -> app(TomcatJavaxApp.class, a, "tomcat9"));

    private static AppRun app(Class<?> main, AppPerClass c, String tomcat) {
        return AppRun.main(main)
                .classpath(Path.of(AppRun.APP_LIBS, tomcat + "-embed-core.jar").toString())
                .classpath(Path.of(AppRun.APP_LIBS, tomcat + "-annotations-api.jar").toString())
                .database(c.db(), c.schema(), "servlet-" + tomcat)
                .prop("memagent.flush.interval.ms", 200)
                .prop("memagent.attribute.http", true)
                .args(String.valueOf(HEALTH_CHECKS), String.valueOf(REQUESTS));
    }

    @Test
    void tomcat10JakartaRequestsCarryTheOutermostServletCallsBytes() {
        assertAttributed(jakarta);
    }

    @Test
    void tomcat9JavaxRequestsCarryTheOutermostServletCallsBytes() {
        assertAttributed(javax);
    }

    private static void assertAttributed(AppPerClass app) {
        AppRun.Result run = app.run();
        String schema = app.schema();
        assertEquals(REQUESTS, run.value("orders"), run.toString());
        assertEquals(REQUESTS, run.value("audited"));
        assertEquals(HEALTH_CHECKS, run.value("health"));
        assertEquals(2 * 4000L * REQUESTS, run.value("received"));

        // Servlet implementing the interface: its own service() is the agent's window.
        Map<String, Object> orders = stats(app, "HTTP GET /orders/{id}");
        assertEquals((long) REQUESTS, orders.get("calls"), run.toString());
        assertEquals(0L, orders.get("errors"));
        assertEquals("http", orders.get("kind"));
        assertEquals(run.value("orders.bytes"), orders.get("total"));
        // A filter in front: the filter is outermost; the servlet's service inside it is not counted again.
        Map<String, Object> audited = stats(app, "HTTP GET /audited/{id}");
        assertEquals((long) REQUESTS, audited.get("calls"));
        assertEquals(run.value("audited.bytes"), audited.get("total"));
        // HttpServlet subclass whose service() calls super.service(): two woven calls, one request.
        assertEquals((long) HEALTH_CHECKS, stats(app, "HTTP GET /health").get("calls"));

        Set<String> ops = app.db().query("SELECT DISTINCT operation_type FROM " + schema + ".method_allocation_stats")
                .stream().map(r -> (String) r.get("operation_type")).collect(Collectors.toSet());
        // A 404 the servlet decides is one request; the container's ERROR dispatch to /error is not another.
        assertEquals(5L, stats(app, "HTTP GET /orders/gone/{id}").get("calls"), run.toString());
        // Named by the route the framework matched, not by the path's values.
        assertEquals(3L, stats(app, "HTTP GET /routed/{name}").get("calls"));
        assertEquals(Set.of("HTTP GET /orders/{id}", "HTTP GET /audited/{id}", "HTTP GET /health",
                "HTTP GET /orders/warmup", "HTTP GET /orders/gone/{id}", "HTTP GET /routed/{name}"), ops);
        assertEquals(List.of(), run.agentLines().stream().filter(l -> l.contains("could not")).toList());
    }

    private static Map<String, Object> stats(AppPerClass app, String operation) {
        return app.db().operationFigures(app.schema(), operation, operation + " was not recorded");
    }
}
