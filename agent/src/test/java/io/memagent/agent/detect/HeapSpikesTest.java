package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    static JvmSample sample(long atMs, long usedBytes) {
        return JvmSampleBuilder.sampleAt(atMs).heapCommittedBytes(1024 * MB).heapUsedBytes(usedBytes)
                .heapMaxBytes(1024 * MB).nonHeapUsedBytes(1).metaspaceUsedBytes(1L).oldGenUsedAfterGcBytes(1L).gcTimeMs(0)
                .allocationRateBytesPerSec(1L).utilizationPct(usedBytes * 100.0 / (1024 * MB)).memoryState("NORMAL")
                .build();
    }

    @Test
    void aJumpDuringTheWarmUpOnlyMovesTheBaseline() throws Exception {
        SpikeThresholds thresholds = new SpikeThresholds(25 * MB, 50 * MB, 100 * MB, 3); // the defaults
        InMemorySink rows = new InMemorySink(100);
        SpikeDetector spikes = new SpikeDetector(thresholds, false, rows, new HeapDumper("unused", 0, "t", () -> 0L));
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

    @Test
    void theWarmUpDefaultsToThirtySecondsAndCanBeOff() throws Exception {
        assertEquals(30_000, Config.load(null, new Properties(), Map.of()).heapSpikeWarmupMs());
        Properties p = new Properties();
        p.setProperty("memagent.spike.heap.warmup.ms", "0");
        assertEquals(0, Config.load(null, p, Map.of()).heapSpikeWarmupMs());
    }
}
