package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.CarrierCounterApp;
import io.memagent.testapps.VirtualBytesApp;
import io.memagent.testapps.VirtualThreadApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads (JDK 21+: these run in the jdk25 execution): a call is measured on its carrier's
 * counter, exactly, also when its virtual thread unmounts and wakes on another carrier; a call the
 * agent cannot follow is counted as unmeasured, never with a wrong number and never as 0 bytes.
 */
class VirtualThreadsIT {
    private static final String EXACT_MODE = "virtual threads: exact, also across unmounts";

    @BeforeEach
    void needsVirtualThreads() {
        Assumptions.assumeTrue(AppRun.javaFeatureVersion() >= 21, "virtual threads need JDK 21+ for the app JVM");
    }

    @Test
    void callsThatStayMountedAreExactAndTheModeIsSaidAtStart() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            AppRun.Result r = AppRun.main(VirtualThreadApp.class).database(db, schema, "virtual").run().assertOk();
            Map<String, Object> s = db.operationFigures(schema, "VirtualThreadApp.onVirtualThread", r);
            assertEquals(25, n(s, "calls"), r.toString());
            assertEquals(0, n(s, "unmeasured"), r.toString());
            assertEquals(25 * 4016L, n(s, "total"), "new byte[4000] is 4,016 bytes, 25 times");
            // Set up when the app made its first virtual thread, not at start, and done before that thread ran.
            assertEquals(1, r.value("setUpAtFirstVirtualThread"), r.toString());
            assertEquals(1, r.value("measuringWhenItRan"), r.toString());
            assertEquals(4016, n(s, "min"));
            assertEquals(4016, n(s, "max"));
            assertEquals(1, r.agentLines().stream().filter(l -> l.contains(EXACT_MODE)).count(), r.toString());
        } finally {
            db.dropSchema(schema);
        }
    }

    /**
     * On 2 carriers. One virtual thread that never blocks: every call equals the app's own
     * measurement around it, read from the public ThreadMXBean on the carrier. Calls that sleep
     * (unmount) are exact too: what the thread allocated while mounted, whichever carrier it woke on.
     * Sleeping costs a warmed-up virtual thread a few bytes of the JDK's (its timer), so a call that
     * allocates 5,584 bytes around a sleep reads exactly 5,584 plus what a bare sleep reads. 200
     * virtual threads doing it at once over the 2 carriers each read the same figure: not one byte
     * of another thread's. A thread with more calls open than the agent keeps across an unmount
     * has them counted as unmeasured, with no bytes.
     */
    @Test
    void callsAreExactAcrossUnmountsAndCarriersOrUnmeasuredNeverWrong() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            AppRun.Result r = AppRun.main(VirtualBytesApp.class).database(db, schema, "virtual-bytes")
                    .jvmArg("-Djdk.virtualThreadScheduler.parallelism=2")
                    .jvmArg("--add-opens=java.base/java.lang=ALL-UNNAMED")
                    .prop("memagent.calls.min.bytes", 0) // a row per call
                    .run().assertOk();
            long own = r.value("own.alloc1000");
            assertEquals(1016, own, "the app's own carrier counter around new byte[1000]\n" + r);
            assertEquals(35, r.value("own.sameCarrier"), r.toString());
            assertExact(db.operationFigures(schema, "VirtualBytesApp.alloc1000", r), 80, own, own, r);
            // outer: Object[2] (24 B) and long[100] (816 B) of its own, plus alloc1000's 1,016 B.
            assertExact(db.operationFigures(schema, "VirtualBytesApp.outer", r), 40, 24 + 816 + own, 24 + 816, r);

            // Object[3] (32 B), byte[2000] (2,016 B), byte[3000] (3,016 B), afterSleep's byte[500] (520 B).
            long allocations = 32 + 2016 + 3016 + 520;
            long sleep = mostCommon(db, schema, "VirtualBytesApp.sleepOnly", 20);
            long oneAtATime = mostCommon(db, schema, "VirtualBytesApp.oneAtATime", 20);
            assertEquals(allocations + sleep, oneAtATime, "a bare sleep reads " + sleep + "\n" + r);

            Map<String, Object> all = db.operationFigures(schema, "VirtualBytesApp.allocSleepAlloc", r);
            assertEquals(200, n(all, "calls"), r.toString());
            assertEquals(0, n(all, "unmeasured"), all.toString());
            long each = n(all, "min");
            assertEquals(each, n(all, "max"), "200 threads at once, each its own bytes and no other's: " + all);
            assertEquals(200 * each, n(all, "total"));
            assertEquals(200 * (each - 520), n(all, "self"), "afterSleep's 520 bytes are its own");
            assertTrue(each >= allocations + sleep, all.toString());
            assertExact(db.operationFigures(schema, "VirtualBytesApp.afterSleep", r), 220, 520, 520, r);

            Map<String, Object> deep = db.operationFigures(schema, "VirtualBytesApp.deep", r);
            assertEquals(10, n(deep, "calls"), deep.toString());
            assertEquals(10, n(deep, "unmeasured"), "10 calls open across a sleep, more than the 8 kept\n" + deep);
            assertEquals(0, n(deep, "total"), deep.toString());
            assertEquals(null, deep.get("min"), "no figures for unmeasured calls");
            assertEquals(0, db.queryLong("SELECT count(*) FROM " + schema + ".memory_allocations"
                    + " WHERE operation_type = 'VirtualBytesApp.deep'"), "no per-call rows for unmeasured calls");
        } finally {
            db.dropSchema(schema);
        }
    }

    /**
     * 5,000 fresh virtual threads on 2 carriers each make one call of {@code new byte[1000]} (1,016
     * bytes) and stay alive. Around each call the app reads, itself, the counter the agent reads: its
     * carrier's, by the same native read, minus what the agent says it allocated itself on that
     * carrier meanwhile. Each carrier's first call makes the carrier's recording state and is not
     * compared (2 carriers, sometimes a third the scheduler adds to compensate a pinned thread); every other call stays mounted, and reads 1,016 bytes by the agent and by the app.
     *
     * <p>What this guards: when a method's compile at C2's tier is requested, HotSpot first resolves
     * the unresolved string constants of the method's class on the requesting thread (a String and
     * its byte[] each), and the request comes at the method's entry, in whatever call is open. The
     * agent's {@code Carriers} had one, a 50-character message (96 bytes), and the request for
     * {@code Carriers.allocated()} came at the exit of some call, between the agent's two reads: about
     * 1 call in 20,000 (once per JVM) read 1,112 bytes, by the agent and by the app alike. The app's
     * profiled method is in a class without string constants for the same reason: declared in the
     * app's main class, its compile request resolved that class's 11 strings (760 bytes) in the app's
     * window.
     */
    @Test
    void everyCallEqualsTheAppsOwnReadingOfItsCarriersCounter() throws Exception {
        int threads = 5_000;
        AppRun.Result r = AppRun.main(CarrierCounterApp.class)
                .jvmArg("-Djdk.virtualThreadScheduler.parallelism=2")
                .jvmArg("--add-opens=java.base/java.lang=ALL-UNNAMED")
                .jvmArg("--add-opens=java.management/sun.management=ALL-UNNAMED")
                .args(String.valueOf(threads)).run().assertOk();
        long compared = r.value("compared");
        assertEquals(threads, compared + r.value("notCompared"), r.stdout());
        // Each carrier's first call makes its recording state and is not compared; no other call is left out.
        // The scheduler runs 2 carriers here, and may add one to compensate a pinned thread.
        assertEquals(r.value("carriers"), r.value("firstOnCarrier"), "one first call per carrier: " + r.stdout());
        assertEquals(r.value("firstOnCarrier"), r.value("notCompared"), "only each carrier's first call: " + r.stdout());
        assertTrue(r.value("carriers") <= 4, r.stdout());
        assertEquals(0, r.value("agentAbove"), r.stdout());
        assertEquals(0, r.value("ownAbove"), r.stdout());
        assertEquals(compared, r.value("agent.1016"), "new byte[1000] is 1,016 bytes, every call\n" + r.stdout());
        assertEquals(compared, r.value("own.1016"), r.stdout());
    }

    /** The figure most of an operation's per-call rows read (a virtual thread's first sleep costs more). */
    private static long mostCommon(TestDatabase db, String schema, String op, int calls) {
        List<Map<String, Object>> rows = db.query("SELECT allocated_bytes, count(*) AS n FROM " + schema
                + ".memory_allocations WHERE operation_type = ? GROUP BY 1 ORDER BY 2 DESC", op);
        assertEquals(calls, rows.stream().mapToLong(m -> n(m, "n")).sum(), op + ": " + rows);
        assertTrue(n(rows.get(0), "n") >= calls - 3, op + ": " + rows);
        return n(rows.get(0), "allocated_bytes");
    }

    private static void assertExact(Map<String, Object> s, long calls, long inclusive, long self, Object context) {
        assertEquals(calls, n(s, "calls"), s + "\n" + context);
        assertEquals(0, n(s, "unmeasured"), s + "\n" + context);
        assertEquals(calls * inclusive, n(s, "total"), s + "\n" + context);
        assertEquals(calls * self, n(s, "self"), s + "\n" + context);
        assertEquals(inclusive, n(s, "min"), s.toString());
        assertEquals(inclusive, n(s, "max"), s.toString());
        assertTrue(n(s, "buckets") >= 1);
    }
}
