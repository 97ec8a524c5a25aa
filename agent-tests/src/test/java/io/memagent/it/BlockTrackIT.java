package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.BlockTrackApp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code MemoryProfiler.block} and {@code track}: exact bytes with the agent, a no-op without it. */
class BlockTrackIT {
    static final int CALLS = 200;

    @RegisterExtension
    static final AppPerClass app = AppPerClass.of(a -> AppRun.main(BlockTrackApp.class)
            .database(a.db(), a.schema(), "block-track")
            .prop("memagent.flush.interval.ms", 200)
            .args(String.valueOf(CALLS)));

    private static void assertExact(String operation, String kind, long perCall, long calls) {
        Map<String, Object> s = app.stats(operation);
        assertEquals(kind, s.get("kind"), operation);
        assertEquals(calls, n(s, "calls"), operation + " calls");
        assertEquals(0, n(s, "unmeasured"), operation + " unmeasured");
        assertEquals(perCall * calls, n(s, "total"), operation + " total bytes");
        assertEquals(perCall * calls, n(s, "self"), operation + " self bytes");
        assertEquals(perCall, n(s, "min"), operation + " min bytes");
        assertEquals(perCall, n(s, "max"), operation + " max bytes");
    }

    @Test
    void aBlockAroundFourThousandBytesReports4016PerUse() {
        assertEquals(4_016, app.run().value("truth.fourThousandBytes"), "default heap layout");
        assertExact("four-thousand", "block", 4_016, CALLS);
        assertEquals("io.memagent.api.MemoryProfiler#block(four-thousand)", app.stats("four-thousand").get("method"));
        assertEquals(CALLS, app.run().value("ran"));
    }

    @Test
    void tracksRecordExactBytesAndReturnTheWorksResult() {
        assertExact("track.supplier", "track", app.run().value("truth.fourThousandBytes"), CALLS);
        assertExact("track.runnable", "track", app.run().value("truth.thousandLongs"), CALLS);
        assertEquals(4000L * CALLS, app.run().value("returned"));
    }

    @Test
    void aThrowingTrackIsAnErrorAndTheExceptionArrivesUnchanged() {
        assertEquals(CALLS, app.run().value("caught"));
        Map<String, Object> s = app.stats("track.throws");
        assertEquals(CALLS, n(s, "calls"));
        assertEquals(CALLS, n(s, "errors"));
    }

    @Test
    void aBlockClosedTwiceRecordsOnceAndANullNameNothing() {
        assertExact("closed-twice", "block", 4_016, 1);
        assertEquals(7, app.run().value("nullName"));
        assertEquals(0, app.db().queryLong("SELECT count(*) FROM " + app.schema() + ".method_allocation_stats"
                + " WHERE operation_type NOT IN ('four-thousand', 'track.supplier', 'track.runnable', 'track.throws',"
                + " 'closed-twice', 'BlockTrackApp.ready')"));
    }

    @Test
    void withoutTheAgentTheAppRunsWithOnlyTheApiJarAndEverythingIsANoOp() throws Exception {
        AppRun.Result plain = AppRun.main(BlockTrackApp.class).withoutAgent().args("50").run().assertOk();
        assertEquals(50, plain.value("ran"));
        assertEquals(50, plain.value("caught"));
        assertEquals(4000L * 50, plain.value("returned"));
        assertEquals(7, plain.value("nullName"));
        assertEquals("", plain.stderr(), "nothing printed without the agent");
    }
}
