package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.aggregate.OperationFigures;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.config.Config;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.JvmSampleBuilder;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Heap-level spikes wait for start-up to settle: a framework's context fills the heap by design. */
class HeapSpikesTest {
    static final long MB = 1L << 20;

    // Each test gets its own (JUnit makes an instance per test): the default thresholds, rows kept in memory.
    final SpikeThresholds thresholds = new SpikeThresholds(25 * MB, 50 * MB, 100 * MB, 3);
    final InMemorySink rows = new InMemorySink(100);
    final SpikeDetector spikes = new SpikeDetector(thresholds, false, rows, new HeapDumper("unused", 0, "t", () -> 0L));

    static JvmSample sample(long atMs, long usedBytes) {
        return JvmSampleBuilder.sampleAt(atMs).heapCommittedBytes(1024 * MB).heapUsedBytes(usedBytes)
                .heapMaxBytes(1024 * MB).nonHeapUsedBytes(1).metaspaceUsedBytes(1L).oldGenUsedAfterGcBytes(1L).gcTimeMs(0)
                .allocationRateBytesPerSec(1L).utilizationPct(usedBytes * 100.0 / (1024 * MB)).memoryState("NORMAL")
                .build();
    }

    @Test
    void aJumpDuringTheWarmUpOnlyMovesTheBaseline() throws Exception {
        HeapSpikes heap = new HeapSpikes(thresholds, spikes, new OperationDeltas(List::of), () -> { }, 10_000);
        heap.onSample(sample(1_000, 10 * MB));
        heap.onSample(sample(2_000, 130 * MB)); // +120 MiB while starting: no spike
        heap.onSample(sample(11_000, 131 * MB));
        heap.onSample(sample(12_000, 171 * MB)); // +40 MiB after the warm-up: medium
        spikes.stop(5_000);
        List<Row> spikeRows = rows.rows(Table.MEMORY_SPIKES);
        assertEquals(1, spikeRows.size(), spikeRows.toString());
        assertEquals("medium", spikeRows.get(0).values().get("severity"));
        assertEquals(40 * MB, ((Number) spikeRows.get(0).values().get("allocated_bytes")).longValue());
    }

    /**
     * The call that made the jump ends (is collected) only at the fourth collection: the spike waits for it, up to
     * {@code MAX_SETTLES} looks, and names it with exactly its bytes, not the calls of the interval before.
     */
    @Test
    void aCallStillRunningAtTheSampleIsWaitedForAndNamed() throws Exception {
        java.util.concurrent.atomic.AtomicInteger collections = new java.util.concurrent.atomic.AtomicInteger();
        long burst = (40L << 20) + 16;
        OperationDeltas deltas = new OperationDeltas(() -> collections.get() < 4
                ? List.of(summary("App.small", 10, 10_000))
                : List.of(summary("App.small", 12, 12_000), summary("App.burst", 1, burst)));
        HeapSpikes heap = new HeapSpikes(thresholds, spikes, deltas, collections::incrementAndGet, 0);
        heap.onSample(sample(1_000, 10 * MB));
        heap.onSample(sample(2_000, 51 * MB)); // +41 MiB, the call not collected yet
        spikes.stop(5_000);
        assertEquals(4, collections.get(), "collected until the call was in");
        List<Row> spikeRows = rows.rows(Table.MEMORY_SPIKES);
        assertEquals(1, spikeRows.size(), spikeRows.toString());
        String top = (String) spikeRows.get(0).values().get("stack_trace");
        assertEquals("heap used rose by " + (41 * MB) + " bytes since the previous sample (to " + (51 * MB)
                + "); operations that allocated most in the interval:\n\tApp.burst: " + burst + " bytes in 1 calls\n"
                + "\tApp.small: 2000 bytes in 2 calls\n", top.replace(System.lineSeparator(), "\n"));
        // The next interval starts where the recounted one ended: nothing counted twice.
        assertEquals(List.of(), deltas.at(3_000));
    }

    static OperationSummary summary(String name, long calls, long bytes) {
        return summary(name, calls, 0, bytes);
    }

    static OperationSummary summary(String name, long calls, long coldCalls, long bytes) {
        return new OperationSummary(name, "x." + name + "()V", "method",
                new OperationFigures(calls, 0, 0, coldCalls, bytes, bytes, null, null, null, null, null, 0, 0));
    }

    /** A jump made mostly by an operation's cold call (its first use loaded classes) is no spike; a warm one is. */
    @Test
    void aJumpMadeByAColdCallIsNoSpike() throws Exception {
        java.util.concurrent.atomic.AtomicInteger step = new java.util.concurrent.atomic.AtomicInteger();
        long burst = 40L << 20;
        OperationDeltas deltas = new OperationDeltas(() -> switch (step.get()) {
            case 0 -> List.of(summary("App.small", 10, 10_000));
            case 1 -> List.of(summary("App.small", 10, 10_000), summary("App.lazy", 1, 1, burst));
            default -> List.of(summary("App.small", 10, 10_000), summary("App.lazy", 2, 1, 2 * burst));
        });
        HeapSpikes heap = new HeapSpikes(thresholds, spikes, deltas, () -> { }, 0);
        heap.onSample(sample(1_000, 10 * MB));
        heap.onSample(sample(2_000, 11 * MB));
        step.set(1);
        heap.onSample(sample(3_000, 51 * MB)); // +40 MiB, App.lazy's cold first call: no spike
        step.set(2);
        heap.onSample(sample(4_000, 91 * MB)); // +40 MiB, App.lazy's warm second call: medium
        spikes.stop(5_000);
        List<Row> spikeRows = rows.rows(Table.MEMORY_SPIKES);
        assertEquals(1, spikeRows.size(), spikeRows.toString());
        assertEquals(40 * MB, ((Number) spikeRows.get(0).values().get("allocated_bytes")).longValue());
        assertEquals("heap used rose by " + (40 * MB) + " bytes since the previous sample (to " + (91 * MB)
                + "); operations that allocated most in the interval:\n\tApp.lazy: " + burst + " bytes in 1 calls\n",
                ((String) spikeRows.get(0).values().get("stack_trace")).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void theWarmUpDefaultsToThirtySecondsAndCanBeOff() throws Exception {
        assertEquals(30_000, Config.load(null, new Properties(), Map.of()).heapSpikeWarmupMs());
        Properties p = new Properties();
        p.setProperty("memagent.spike.heap.warmup.ms", "0");
        assertEquals(0, Config.load(null, p, Map.of()).heapSpikeWarmupMs());
    }
}
