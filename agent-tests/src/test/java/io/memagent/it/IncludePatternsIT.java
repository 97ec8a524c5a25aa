package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.memagent.testapps.IncludePatternsApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code memagent.include} on a third-party jar (Jackson 2.12.7 from the app's class path) and on
 * the app's own classes by wildcard: the agent's bytes equal, to the byte, what the app measured
 * around the same calls.
 */
class IncludePatternsIT {
    static final int CALLS = 100;

    @RegisterExtension
    static final AppPerClass app = AppPerClass.of(a -> {
        AppRun run = AppRun.main(IncludePatternsApp.class)
                .database(a.db(), a.schema(), "include-patterns")
                .prop("memagent.flush.interval.ms", 200)
                .prop("memagent.include", "com.fasterxml.jackson.databind.ObjectMapper#readTree;"
                        + "io.memagent.testapps.IncludePatternsApp$*Service#process*")
                .args(String.valueOf(CALLS));
        for (String jar : List.of("own-jackson-databind.jar", "own-jackson-core.jar", "own-jackson-annotations.jar")) {
            run.classpath(Path.of(AppRun.APP_LIBS, jar).toString());
        }
        return run;
    });

    @Test
    void jacksonReadTreeIsProfiledToTheByteOfWhatTheAppMeasured() {
        Map<String, Object> s = app.stats("ObjectMapper.readTree");
        assertEquals(CALLS, n(s, "calls"));
        assertEquals(app.run().value("readTree.bytes"), n(s, "total"), "total bytes of " + CALLS + " readTree calls");
        assertEquals(app.run().value("readTree.min"), n(s, "min"));
        assertEquals(app.run().value("readTree.max"), n(s, "max"));
        assertNotEquals(n(s, "min"), n(s, "max"), "documents of different sizes");
        assertEquals("method", s.get("kind"));
        // The pattern matches every readTree overload: one operation, whose method names them all.
        assertEquals("com.fasterxml.jackson.databind.ObjectMapper#readTree(..)", s.get("method"));
        assertEquals(3L * CALLS, app.run().value("fields"));
    }

    @Test
    void wildcardsMatchTheAppsOwnMethodsAndNothingElse() {
        Map<String, Object> order = app.stats("OrderService.processOrder");
        assertEquals(CALLS, n(order, "calls"));
        assertEquals(app.run().value("processOrder.bytes"), n(order, "total"));
        Map<String, Object> refund = app.stats("OrderService.processRefund");
        assertEquals(CALLS, n(refund, "calls"));
        assertEquals(CALLS * app.run().value("truth.twoThousandBytes"), n(refund, "total"));
        List<Map<String, Object>> ops = app.db().query("SELECT DISTINCT operation_type FROM " + app.schema()
                + ".method_allocation_stats ORDER BY 1");
        assertEquals(java.util.Set.of("OrderService.processOrder", "OrderService.processRefund", "ObjectMapper.readTree",
                        "IncludePatternsApp.firstProfiledCallOfTheThread"),
                ops.stream().map(r -> (String) r.get("operation_type")).collect(java.util.stream.Collectors.toSet()),
                "handle() and Jackson's other methods are not profiled");
    }
}
