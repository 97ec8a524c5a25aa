package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.ExactBytesApp;
import io.memagent.testapps.NoCallsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without memagent.jdbc.url the agent keeps data in memory and prints the report at exit. */
class InMemoryReportIT {
    @Test
    void theExitReportListsOperationsByBytesWithCallsAndSelf() throws Exception {
        AppRun.Result r = AppRun.main(ExactBytesApp.class).args("100").run().assertOk();
        assertTrue(r.stderr().contains("==== memagent report: service ExactBytesApp"), r.toString());
        assertTrue(r.stderr().contains("in-memory mode"), r.stderr());
        Map<String, Long> calls = ClassLoadersIT.reportCalls(r);
        assertEquals(200L, calls.get("ExactBytesApp.oneMillionBytes"), r.stderr());
        assertEquals(100L, calls.get("ExactBytesApp.twoMillionBytesOfInts"), r.stderr());
        assertEquals(100L, calls.get("Nested.outer"), r.stderr());
        assertEquals(100L, calls.get("ExactBytesApp.fails"), r.stderr());
        // Ordered by total bytes: 200 x 1,000,016 B first, then 100 x 2,000,016 B, then Nested.outer.
        List<String> order = List.copyOf(calls.keySet());
        assertEquals("ExactBytesApp.oneMillionBytes", order.get(0));
        assertEquals("ExactBytesApp.twoMillionBytesOfInts", order.get(1));
        assertEquals("Nested.outer", order.get(2));
        // name, calls, total, average, min, max, p99, self, errors, unmeasured, cold: every call allocates the
        // app's own measurement of new byte[1_000_000] plus new byte[1000], shown to the byte.
        String each = String.format(Locale.ROOT, "%,d", r.value("truth.oneMillionBytes") + r.value("truth.oneThousandBytes"));
        assertEquals("1,001,032", each, "the default heap layout: 1,000,016 + 1,016 bytes");
        assertTrue(r.stderr().matches("(?s).*\\nNested\\.outer\\s+100\\s+95\\.5 MiB\\s+" + each + "\\s+" + each + "\\s+"
                + each + "\\s+977\\.6 KiB\\s+99\\.2 KiB\\s+0\\s+0\\s+0\\n.*"),
                r.stderr());
    }

    @Test
    void theSampleAppRunsWithTheAgentAndReports() throws Exception {
        Path jar = Path.of(AppRun.SAMPLE_JAR);
        assertTrue(Files.exists(jar), "sample-app.jar is built before agent-tests: " + jar);
        AppRun.Result r = AppRun.jar(AppRun.SAMPLE_JAR).run().assertOk();
        assertTrue(r.stderr().contains("==== memagent report: service sample-app"), r.toString());
        assertTrue(ClassLoadersIT.reportCalls(r).size() >= 5, r.stderr());
        // Its first track runs while the agent is still starting: counted from premain, all 6 are there.
        assertEquals(6L, ClassLoadersIT.reportCalls(r).get("clicks.generate"), r.stderr());
    }

    /**
     * A short tool that makes no profiled call gets its report at once, without waiting for the rest of the
     * agent's start (its MXBeans and detectors have nothing to say yet); one that runs long enough for the agent
     * to finish starting gets the whole report.
     */
    @Test
    void aToolThatMadeNoProfiledCallGetsItsReportWithoutWaitingForTheRestOfTheStart() throws Exception {
        AppRun.Result quick = AppRun.main(NoCallsApp.class).args("0").run().assertOk();
        String err = quick.stderr();
        String report = err.substring(err.indexOf("\n==== memagent report: service NoCallsApp, pid "));
        assertTrue(report.matches("(?s)\n==== memagent report: service NoCallsApp, pid \\d+, \\d+\\.\\d s ====\n"
                + "No profiled calls were recorded\\. Annotate methods with @io\\.memagent\\.api\\.ProfileMemory or set"
                + " memagent\\.include\\.\n"
                + "Agent overhead on app threads: [\\d,]+ bytes, \\d+\\.\\d ms \\(weaving classes as they load, naming"
                + " operations, per-thread state\\); in no operation's figures\\.\n"
                + "JVM and detection: none; the JVM exited before the agent's first sample\\.\n"), quick.toString());

        AppRun.Result stayed = AppRun.main(NoCallsApp.class).args("1500").run().assertOk();
        assertTrue(stayed.stderr().contains("No profiled calls were recorded."), stayed.toString());
        assertTrue(stayed.stderr().contains("\nJVM:\n  heap high-water mark: "), stayed.toString());
        assertTrue(stayed.stderr().contains("\nDetection:\n  spikes: 0 medium, 0 high, 0 critical\n"), stayed.toString());
        assertTrue(!stayed.stderr().contains("JVM and detection: none"), stayed.toString());
    }
}
