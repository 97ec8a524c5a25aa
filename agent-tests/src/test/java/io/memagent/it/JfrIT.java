package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.JfrApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JFR: with a flight recording on, profiled calls at or above {@code memagent.calls.min.bytes}
 * become {@code memagent.Call} events with exact bytes, read back with the JDK's own
 * {@code jfr print --events}; without a recording the event classes are not even loaded.
 */
class JfrIT {
    static final int CALLS = 20;

    @Test
    void aRecordingHoldsOneMemagentCallEventPerCallAboveTheThresholdWithExactBytes(@TempDir Path dir)
            throws Exception {
        Path jfr = dir.resolve("run.jfr");
        AppRun.Result r = AppRun.main(JfrApp.class)
                .jvmArg("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true")
                .args(String.valueOf(CALLS))
                .run()
                .assertOk();
        assertEquals(2 * CALLS, r.value("streamed"), r.toString());
        long truth = r.value("truth.twoMillionBytes");
        assertEquals(2_000_016, truth, "default heap layout");

        // What a user sees: one block per event.
        String printed = jfrPrint("--events", "memagent.Call", jfr.toString());
        assertEquals(2 * CALLS, count(printed, "memagent.Call {"), printed);
        assertTrue(printed.contains("callThread = \"main\""), printed);
        // The same events as JSON, where byte amounts are exact numbers rather than "1.9 MB".
        String json = jfrPrint("--json", "--events", "memagent.Call", jfr.toString());
        String[] events = json.split("\"type\": \"memagent.Call\"");
        assertEquals(2 * CALLS + 1, events.length, json);
        int methods = 0;
        int blocks = 0;
        for (int i = 1; i < events.length; i++) {
            String e = events[i];
            assertTrue(e.contains("\"allocatedBytes\": " + truth + ","), e);
            assertTrue(e.contains("\"selfBytes\": " + truth + ","), e);
            assertTrue(e.contains("\"threw\": false"), e);
            assertTrue(e.contains("\"javaName\": \"memagent-aggregator\""), "committed on the drain thread: " + e);
            if (e.contains("\"operation\": \"JfrApp.twoMillionBytes\"") && e.contains("\"kind\": \"method\"")
                    && e.contains("\"method\": \"io.memagent.testapps.JfrApp#twoMillionBytes()[I\"")) {
                methods++;
            } else if (e.contains("\"operation\": \"jfr-block\"") && e.contains("\"kind\": \"block\"")) {
                blocks++;
            }
        }
        assertEquals(CALLS, methods, json);
        assertEquals(CALLS, blocks, json);
        assertFalse(json.contains("JfrApp.small"), "100-byte calls are below memagent.calls.min.bytes");
    }

    @Test
    void aSpikeIsAMemagentSpikeEventWithExactBytes(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("spike.jfr");
        AppRun.Result r = AppRun.main(io.memagent.testapps.SpikeApp.class).jvmArg("-Xmx512m")
                .jvmArg("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true")
                .args("critical")
                .run()
                .assertOk();
        assertEquals(1, r.value("heard"), r.toString());
        String json = jfrPrint("--json", "--events", "memagent.Spike", jfr.toString());
        String[] events = json.split("\"type\": \"memagent.Spike\"");
        assertEquals(2, events.length, "exactly one spike event: " + json);
        String e = events[1];
        assertTrue(e.contains("\"operation\": \"SpikeApp.alloc\""), e);
        assertTrue(e.contains("\"severity\": \"critical\""), e);
        assertTrue(e.contains("\"allocatedBytes\": " + ((120L << 20) + 16) + ","), "120 MiB and the array header: " + e);
        assertTrue(e.contains("\"thresholdBytes\": " + (100L << 20) + ","), e);
        assertTrue(e.contains("\"threadName\": \"main\""), e);
    }

    @Test
    void withoutARecordingTheEventClassesAreNeverLoaded(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("classes.log");
        AppRun.Result r = AppRun.main(JfrApp.class)
                .jvmArg("-Xlog:class+load=info:file=" + log)
                .args(String.valueOf(CALLS), "nostream")
                .run()
                .assertOk();
        String loaded = Files.readString(log);
        assertTrue(loaded.contains("io.memagent.testapps.JfrApp "), "the log works: " + r);
        assertFalse(loaded.contains("io.memagent.agent.jfr.CallEvent"), "no event class without a recording");
        assertFalse(loaded.contains("jdk.jfr.Event "), "nothing of JFR's event machinery either");
    }

    /** Runs the app JDK's own {@code jfr} tool. */
    static String jfrPrint(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(AppRun.javaHome(), "bin", "jfr").toString());
        cmd.add("print");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
