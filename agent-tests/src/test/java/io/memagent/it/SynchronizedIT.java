package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.RetransformedSynchronizedApp;
import io.memagent.testapps.RetransformingAgent;
import io.memagent.testapps.SynchronizedApp;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profiled {@code synchronized} method's duration includes the wait for its monitor, and the
 * rewrite that makes it so keeps the JVM's semantics (mutual exclusion, the monitor held inside,
 * released on an exception) and exact bytes.
 */
class SynchronizedIT extends SchemaPerTest {
    /** The wait is HOLD_MS less the time between the holder's latch and the call (a few ms at most). */
    private static final long MIN_WAIT_NS = (SynchronizedApp.HOLD_MS - 100) * 1_000_000L;

    @Test
    void aCallWaitingForItsMonitorIsTimedFromItsStartAndStaysExact() throws Exception {
        // Every call of Counter.add allocates exactly 1,016 B: one over that gets a per-call row (its thread, whether
        // it was cold), which the failure message shows.
        AppRun.Result r = AppRun.main(SynchronizedApp.class).database(db, schema, "synchronized")
                .prop("memagent.calls.min.bytes", 1017).run().assertOk();
        // The app saw the wait itself: the premise of the test.
        assertTrue(r.value("contended.instance.wallNs") >= MIN_WAIT_NS, r.toString());
        assertTrue(r.value("contended.static.wallNs") >= MIN_WAIT_NS, r.toString());

        long maxAdd = db.queryLong("SELECT max(max_duration_ns) FROM " + schema
                + ".method_allocation_stats WHERE operation_type = 'Counter.add'");
        long maxStatic = db.queryLong("SELECT max(max_duration_ns) FROM " + schema
                + ".method_allocation_stats WHERE operation_type = 'Counter.staticWork'");
        assertTrue(maxAdd >= MIN_WAIT_NS && maxAdd <= r.value("contended.instance.wallNs"),
                "Counter.add's longest call " + maxAdd + " ns must include the monitor wait\n" + r);
        assertTrue(maxStatic >= MIN_WAIT_NS && maxStatic <= r.value("contended.static.wallNs"),
                "Counter.staticWork's longest call " + maxStatic + " ns must include the monitor wait\n" + r);

        // Semantics: no lost update under contention, the monitor held inside, released on a throw.
        long adds = 1 + (long) SynchronizedApp.THREADS * SynchronizedApp.ADDS_PER_THREAD;
        assertEquals(adds, r.value("counter.value"), r.toString());
        assertEquals(1, r.value("fail.threw"));
        assertEquals(1, r.value("fail.releasedMonitor"));
        assertEquals(1, r.value("holdsItsMonitor"));
        assertEquals(0, r.value("add.flagSynchronized"), "the rewrite drops the flag at load");

        // Exact bytes, errors counted, every call once.
        Map<String, Object> add = db.operationFigures(schema, "Counter.add", r);
        long truth = r.value("truth.add");
        assertEquals(adds, n(add, "calls"));
        assertEquals(adds * truth, n(add, "total"), () -> "calls over " + truth + " B: " + db.query("SELECT * FROM "
                + schema + ".memory_allocations WHERE operation_type = 'Counter.add'") + "\n" + r);
        assertEquals(truth, n(add, "max"));
        Map<String, Object> fail = db.operationFigures(schema, "Counter.fail", r);
        assertEquals(1, n(fail, "calls"));
        assertEquals(1, n(fail, "errors"));
        assertEquals(1, n(db.operationFigures(schema, "Counter.staticWork", r), "calls"));
        assertEquals(1, n(db.operationFigures(schema, "Counter.holdsItsMonitor", r), "calls"));
    }

    /** Without the same rewrite on retransformation the JVM refuses it: "attempted to change method modifiers". */
    @Test
    void anotherAgentCanRetransformARewrittenClass(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("retransforming-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", RetransformingAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        String entry = RetransformingAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.putNextEntry(new JarEntry(entry));
            try (var in = RetransformingAgent.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(j);
            }
        }
        AppRun.Result r = AppRun.main(RetransformedSynchronizedApp.class).jvmArg("-javaagent:" + jar).run().assertOk();
        assertEquals(1, r.value("retransformed"), r.toString());
        assertEquals(2, r.value("entries"));
        assertEquals(2L, ClassLoadersIT.reportCalls(r).get("Ledger.record"), "still profiled after the retransformation\n" + r);
    }
}
