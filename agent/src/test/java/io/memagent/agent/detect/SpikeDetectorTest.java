package io.memagent.agent.detect;

import static io.memagent.agent.HotPathCalls.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.RecorderReset;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spikes in-process, through the real hot path and drain: the stack captured at a spiking call's
 * exit costs the enclosing calls nothing (their bytes stay exact), severities follow the
 * thresholds (and an operation's own), and a run of spikes raises one alert.
 */
@ExtendWith(RecorderReset.class)
class SpikeDetectorTest {
    static volatile Object sink;

    /**
     * As {@code HotPathCalls.profiled}, but here: the spike's stack text must start at the method that exited the
     * call, and this test names it.
     */
    static void profiled(int op, Runnable body) {
        int token = HotPath.enter();
        boolean threw = true;
        try {
            body.run();
            threw = false;
        } finally {
            HotPath.exit(op, token, threw);
        }
    }

    @Test
    void severitiesStacksConsecutiveAlertAndExactEnclosingBytes() throws Exception {
        SpikeBench bench = new SpikeBench(new SpikeThresholds(2L << 20, 4L << 20, 8L << 20, 2));
        OperationRegistry registry = bench.registry;
        InMemorySink rows = bench.rows;
        Aggregator aggregator = bench.aggregator;
        int outer = registry.register("outer", "T#outer()V", "method");
        int inner = registry.register("inner", "T#inner(I)V", "method");
        int own = registry.register("own", "T#own()V", "method", 1L << 20);
        Runnable three = () -> sink = new byte[3 << 20];
        Runnable five = () -> sink = new byte[5 << 20];
        Runnable small = () -> sink = new byte[1000];
        long threeTruth = truthOf(three);
        long fiveTruth = truthOf(five);
        long smallTruth = truthOf(small);
        profiled(outer, () -> {
            small.run();
            profiled(inner, three); // medium, its stack captured inside outer's window
            profiled(inner, five); // high, the second in a row: the alert
            profiled(inner, five); // high, third in a row: no second alert
        });
        // outer itself, 13 MiB inclusive, is a critical spike of its own operation
        profiled(inner, small); // ends the run
        profiled(inner, three); // a new run of one
        profiled(own, three); // own threshold 1 MiB: 3 MiB >= 2 MiB (high), < 4 MiB
        bench.stop();
        OperationSummary o = aggregator.summaries().stream().filter(s -> s.name().equals("outer")).findFirst().orElseThrow();
        assertEquals(smallTruth + threeTruth + 2 * fiveTruth, o.totalBytes(), "the captures cost outer nothing");
        assertEquals(smallTruth, o.selfBytes());

        List<Row> spikeRows = rows.rows(Table.MEMORY_SPIKES);
        assertEquals(List.of("inner medium " + threeTruth, "inner high " + fiveTruth, "inner high " + fiveTruth,
                "outer critical " + (smallTruth + threeTruth + 2 * fiveTruth), "inner medium " + threeTruth, "own high " + threeTruth), spikeRows.stream()
                .map(r -> ((SpikeRow) r).operationType() + " " + ((SpikeRow) r).severity() + " " + ((SpikeRow) r).allocatedBytes())
                .toList());
        SpikeRow firstSpike = (SpikeRow) spikeRows.get(0);
        assertEquals(2L << 20, firstSpike.thresholdBytes());
        assertEquals(2L << 20, ((SpikeRow) spikeRows.get(4)).thresholdBytes());
        assertTrue(firstSpike.stackTrace().startsWith("\tat io.memagent.agent.detect.SpikeDetectorTest.profiled("),
                firstSpike.stackTrace());
        assertTrue(firstSpike.stackTrace().contains("SpikeDetectorTest.severitiesStacksConsecutiveAlertAndExactEnclosingBytes("));
        List<Row> alerts = rows.rows(Table.SYSTEM_ALERTS);
        assertEquals(1, alerts.size());
        assertEquals("2 consecutive allocation spikes of inner (the last: " + fiveTruth + " bytes, high)",
                ((AlertRow) alerts.get(0)).message());
    }

    @Test
    void stackTextSkipsTheAgentsFramesAndIsCapped() {
        StackTraceElement[] st = new StackTraceElement[100];
        st[0] = new StackTraceElement("io.memagent.bootstrap.HotPath", "exit", "HotPath.java", 1);
        for (int i = 1; i < st.length; i++) {
            st[i] = new StackTraceElement("a.B", "m" + i, "B.java", i);
        }
        String text = SpikeDetector.stackText(st);
        assertTrue(text.startsWith("\tat a.B.m1(B.java:1)\n"), text);
        assertTrue(text.endsWith("\tat a.B.m64(B.java:64)\n\t... 36 more\n"), text);
    }
}
