package io.memagent.agent.runtime;

import static io.memagent.agent.HotPathCalls.profiled;
import static io.memagent.agent.HotPathCalls.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.RecorderReset;
import io.memagent.agent.config.Config;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JVM that exits before the runtime is built: the hook's own aggregator reports every call the threads
 * recorded, exactly, and counts the calls that were large enough to be spikes.
 */
@ExtendWith(RecorderReset.class)
class EarlyExitTest {
    static volatile Object sink;

    @Test
    void everyRecordedCallIsReportedAndSpikeSizedCallsAreCounted() throws Exception {
        Config config = Config.load("spike.medium.mb=1", new java.util.Properties(), java.util.Map.of());
        RecordingThresholds.configure(config.callsMinBytes(), config.spikeMediumBytes());
        OperationRegistry registry = new OperationRegistry(100);
        int small = registry.register("early.small", "T#small()V", "method");
        int big = registry.register("early.big", "T#big()V", "method");
        Runnable smallBody = () -> sink = new byte[1000];
        Runnable bigBody = () -> sink = new byte[2 * 1024 * 1024];
        long smallTruth = truthOf(smallBody);
        long bigTruth = truthOf(bigBody);
        HotPath.setEnabled(true);
        for (int i = 0; i < 7; i++) {
            profiled(small, smallBody);
        }
        for (int i = 0; i < 3; i++) {
            profiled(big, bigBody);
        }
        String report = reportOf(() -> EarlyExit.report(config, registry, "service early, pid 1, 0.1 s"));

        assertFalse(HotPath.isEnabled(), "recording stops before the figures are collected");
        assertTrue(report.startsWith("\n==== memagent report: service early, pid 1, 0.1 s ====\n"), report);
        assertEquals(7, row(report, "early.small")[0], report);
        assertEquals(smallTruth, row(report, "early.small")[1], report);
        assertEquals(3, row(report, "early.big")[0], report);
        assertEquals(bigTruth, row(report, "early.big")[1], report);
        assertTrue(report.contains("JVM and detection: none; the JVM exited before the agent's first sample.\n"
                + "3 calls reached their operation's spike threshold before the detectors started: they are in the"
                + " figures above, without a spike of their own.\n"), report);
    }

    @Test
    void withoutAnOperationTheReportSaysSo() throws Exception {
        String report = reportOf(() -> EarlyExit.report(Config.defaults(), new OperationRegistry(100), "service none"));
        assertTrue(report.contains("No profiled calls were recorded."), report);
        assertTrue(report.endsWith("JVM and detection: none; the JVM exited before the agent's first sample.\n"),
                report);
    }

    /** The calls and the minimum bytes (the average, min and max columns) of the operation's line. */
    private static long[] row(String report, String operation) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(operation)
                + "\\s+(\\d+)\\s+\\S+ \\S+\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)").matcher(report);
        assertTrue(m.find(), operation + " in\n" + report);
        long min = Long.parseLong(m.group(3).replace(",", ""));
        assertEquals(m.group(2), m.group(4), "average and max equal min: every call alike");
        assertEquals(String.format(Locale.ROOT, "%,d", min), m.group(2));
        return new long[] {Long.parseLong(m.group(1)), min};
    }

    private static String reportOf(Runnable exit) {
        PrintStream err = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit.run();
        } finally {
            System.setErr(err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
