package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.CommonPoolApp;
import io.memagent.testapps.FirstCallApp;
import io.memagent.testapps.PercentilesApp;
import io.memagent.testapps.QuickExitApp;
import io.memagent.testapps.VirtualStateApp;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The recording core where real runtimes strain it: a JVM that exits at once, the ForkJoin
 * common pool wiping thread-locals, thousands of live virtual threads, calls faster than any
 * drain, and each thread's first call. Forked JVMs with the real jar, figures from PostgreSQL.
 */
class RecordingCoreIT extends SchemaPerTest {
    /** One bucket for the whole run: run-wide percentiles are then the bucket's. */
    static final long ONE_DAY_MS = 86_400_000L;

    private Map<String, Object> figures(String operation, AppRun.Result run) {
        return db.operationFigures(schema, operation, run);
    }

    @Test
    void aJvmThatExitsAtOnceReportsEveryCallToPostgres() throws Exception {
        int n = 5_000;
        AppRun.Result r = AppRun.main(QuickExitApp.class).database(db, schema, "quick-exit").args(String.valueOf(n))
                .run().assertOk();
        long each = r.value("truth.hundredBytes");
        for (String op : new String[] {"quick.block", "quick.track", "quick.annotated"}) {
            Map<String, Object> f = figures(op, r);
            assertEquals(n, n(f, "calls"), op + "\n" + r);
            assertEquals(0, n(f, "unmeasured"), op);
            // Not the total: the JIT may deoptimize the app's loop inside some window and re-allocate the
            // objects it had scalar-replaced there (seen once: 64 bytes in 5,000 calls). Those are the app's.
            assertEquals(each, n(f, "min"), op);
        }
        assertFalse(r.stderr().contains("nothing was recorded"), r.stderr());
    }

    @Test
    void aJvmThatExitsAtOnceShowsEveryCallInItsExitReport() throws Exception {
        AppRun.Result r = AppRun.main(QuickExitApp.class).args("5000").run().assertOk();
        for (String op : new String[] {"quick.block", "quick.track", "quick.annotated"}) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(op) + "\\s+(\\d+)\\s").matcher(r.stderr());
            assertTrue(m.find(), op + " missing from the exit report\n" + r);
            assertEquals(5000, Long.parseLong(m.group(1)), op + "\n" + r);
        }
    }

    @Test
    void theCommonPoolStaysBoundedAndEveryTaskIsCountedExactly() throws Exception {
        int bursts = 10_000;
        int streamed = 100_000;
        AppRun.Result r = AppRun.main(CommonPoolApp.class).database(db, schema, "common-pool").jvmArg("-Xmx256m")
                .args(String.valueOf(bursts), String.valueOf(streamed)).run().assertOk();
        long each = r.value("truth.task");
        Map<String, Object> tasks = figures("pool.task", r);
        assertEquals(4L * bursts, n(tasks, "calls"), r.toString());
        assertEquals(4L * bursts * each, n(tasks, "total"));
        Map<String, Object> stream = figures("pool.stream", r);
        assertEquals(streamed, n(stream, "calls"));
        assertEquals(streamed * each, n(stream, "total"));
        // One state per thread that ever recorded (workers, main), however often the pool wipes them.
        assertTrue(r.value("threadStates") <= r.value("parallelism") + 1, r.stdout());
        assertTrue(r.value("agentHeapBytes") <= 1_048_576, "agent's objects after a full GC: " + r.stdout());
    }

    @Test
    void tenThousandLiveVirtualThreadsGetNoAgentStateAndAreMeasuredOnTheirCarriers() throws Exception {
        Assumptions.assumeTrue(AppRun.javaFeatureVersion() >= 21, "virtual threads need JDK 21+ for the app JVM");
        // Samples every 100 ms: the sampler's per-operation view of the 5,000 operations (about 1 MB,
        // there however many threads) is made before the app's baseline, not during the measured part.
        // One bucket for the run: a bucket close would build the run totals' histograms of the 5,000
        // operations (3.5 MB, seen once) in the middle of the measured part.
        // Without C2's scalar replacement, so no deoptimization inside a window can re-create eliminated objects
        // there. Once, 3 runs in 14 with it had one of the 10,000 cold calls read 216 bytes (+96, and 9-130 us
        // instead of ~1). Those 96 bytes were most likely the agent's: a C2 compile request for
        // Carriers.allocated() resolved that class's one unused string constant (a String and its byte[]) on the
        // app's thread, inside the call.
        // It is resolved at class init now; since then 0 runs in 16 with scalar replacement read more than 120.
        // This test is about the state per virtual thread, not about the JIT.
        AppRun.Result with = AppRun.main(VirtualStateApp.class).database(db, schema, "virtual-state")
                .jvmArg("-XX:-EliminateAllocations")
                .prop("memagent.sample.interval.ms", 100).prop("memagent.stats.interval.ms", ONE_DAY_MS)
                .args("5000", "10000").run().assertOk();
        AppRun.Result without = AppRun.main(VirtualStateApp.class).withoutAgent().jvmArg("-XX:-EliminateAllocations")
                .args("5000", "10000").run().assertOk();
        long agent = with.value("heapGrowth") - without.value("heapGrowth");
        String figures = "heap growth with the agent minus without: " + agent + "\n" + with.stdout() + without.stdout();
        // Exact: no object of the agent's per virtual thread (the one chunk of shared counters aside),
        // and no thread-local map given to them.
        assertTrue(with.value("agentObjectsGrowth") <= 64 * 1024, figures);
        assertTrue(with.value("threadLocalMapsGrowth") < 100, figures);
        // The whole heap's difference after full GCs is printed, not asserted: it moves by 1-2 MB between
        // runs (stack chunks, GC filler, the sampler rebuilding its 5,000-operation view when the GC
        // runs); measured 0.2-2.7 MB here.
        System.out.println("RecordingCoreIT: " + figures.replace('\n', ' '));
        Map<String, Object> f = figures("op-4999", with);
        assertEquals(10_001, n(f, "calls"), "10,000 virtual threads and the registering call");
        // Each block stays mounted: exact on its carrier, new byte[100] (120 bytes, 8-aligned) each.
        assertEquals(0, n(f, "unmeasured"), f.toString());
        assertEquals(10_000 * 120L, n(f, "total"), f.toString());
        assertEquals(120, n(f, "max"), f.toString());
    }

    @Test
    void percentilesAreWithinTheirPrecisionExtremesExactAndNoCallLosesItsDetail() throws Exception {
        AppRun.Result r = AppRun.main(PercentilesApp.class).database(db, schema, "percentiles")
                .prop("memagent.stats.interval.ms", ONE_DAY_MS).args("10000", "2000").run().assertOk();
        Map<String, Object> row = db.query("SELECT calls, min_bytes, max_bytes, total_bytes, p50_bytes, p95_bytes,"
                + " p99_bytes FROM " + schema + ".method_allocation_stats WHERE operation_type = 'sized'").get(0);
        assertEquals(10_000, n(row, "calls"));
        assertEquals(r.value("exact.min"), n(row, "min_bytes"));
        assertEquals(r.value("exact.max"), n(row, "max_bytes"));
        assertEquals(r.value("exact.total"), n(row, "total_bytes"));
        for (String p : new String[] {"p50", "p95", "p99"}) {
            long exact = r.value("exact." + p);
            long reported = n(row, p + "_bytes");
            assertTrue(Math.abs(reported - exact) <= exact * (1.0 / 64 + 1.0 / 128),
                    p + ": exact " + exact + ", reported " + reported);
        }
        // Two threads flat out: every call counted, and every one in the extremes and percentiles.
        Map<String, Object> empty = figures("empty", r);
        assertEquals(r.value("emptyCalls"), n(empty, "calls"), r.toString());
        assertEquals(0, n(empty, "unmeasured"));
        assertEquals(0, n(empty, "max"));
        assertFalse(r.stderr().contains("came faster than the agent drained"), r.stderr());
    }

    @Test
    void aThreadsStateCostsUnderTwoKilobytesASlotUnderOneAndLaterCallsNothing() throws Exception {
        AppRun.Result r = AppRun.main(FirstCallApp.class).args("200").run().assertOk();
        assertEquals(0, r.value("maxPlainBytes"), r.stdout());
        assertEquals(0, r.value("maxLaterCallsBytes"), r.stdout());
        assertTrue(r.value("medianStateBytes") <= 1024, r.stdout());
        // Every thread, not just most: the thread-to-state map is sized so no first call below 768 threads
        // resizes it, and what its counter needs when an app thread's put races the reader's remove is
        // loaded at premain (loaded on that thread it cost it 40 KB of class files, about once in 100 runs).
        assertTrue(r.value("maxStateBytes") <= 2048, r.stdout());
        assertTrue(r.value("maxSlotBytes") <= 1024, r.stdout());
    }
}
