package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.JvmSampleBuilder;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thread, class-loader and direct-buffer leaks on synthetic samples. */
class ResourceLeaksTest {
    static final long MB = 1L << 20;
    final InMemorySink rows = new InMemorySink(10_000);

    ResourceLeaks detector() throws Exception {
        return new ResourceLeaks(new LeakRules(60_000, 50L << 20), 50, 1000, rows);
    }

    static JvmSample sample(long atMs, int threads, int classes, long metaspace, long direct, long oldGen) {
        return JvmSampleBuilder.sampleAt(atMs).metaspaceUsedBytes(metaspace).oldGenUsedAfterGcBytes(oldGen)
                .directBufferBytes(direct).threadCount(threads).loadedClassCount(classes).build();
    }

    /** The context of the {@code i}th row written. */
    String context(int i) {
        return ((LeakRow) rows.rows(Table.MEMORY_LEAK_DETECTION).get(i)).contextJson();
    }

    List<String> summary() {
        return rows.rows(Table.MEMORY_LEAK_DETECTION).stream().map(r -> (LeakRow) r)
                .map(r -> r.leakType() + " " + r.severity() + " " + r.leakedBytes() + (r.resolved() ? " resolved" : ""))
                .toList();
    }

    @Test
    void threadsPastTheThresholdOverTheBaselineThenBack() throws Exception {
        ResourceLeaks d = detector();
        long t = 0;
        for (int i = 0; i < 60; i++, t += 1000) {
            d.onSample(sample(t, 20, 5000, 30 * MB, 0, 40 * MB)); // baseline: 20 threads
        }
        for (int i = 0; i <= 60; i++, t += 1000) {
            d.onSample(sample(t, 20 + i, 5000, 30 * MB, 0, 40 * MB)); // one more thread a second
        }
        d.onSample(sample(t, 40, 5000, 30 * MB, 0, 40 * MB)); // pool shrank back: 20 over, within half the threshold
        // Opened at 51 extra threads; the resolved row keeps the last figures seen while it was open (60 extra).
        assertEquals(List.of("thread_growth high " + 51 * MB, "thread_growth high " + 60 * MB + " resolved"), summary());
        assertEquals("{\"threads\":71,\"baseline_threads\":20,\"threshold\":50,"
                + "\"stack_bytes_per_thread_estimate\":1048576}", context(0));
    }

    @Test
    void classesRisingPastTheThresholdWithoutUnloading() throws Exception {
        ResourceLeaks d = detector();
        long t = 0;
        for (int i = 0; i < 100; i++, t += 1000) {
            d.onSample(sample(t, 20, 5000 + i * 20, 30 * MB + i * 100_000L, 0, 40 * MB));
        }
        // 1,000 over the baseline is crossed at i = 51 (6,020 classes), metaspace then 5.1 MB above the baseline's.
        assertEquals(List.of("class_growth medium 5100000", "class_growth medium 8100000"), summary().subList(0, 2),
                "then updated 30 s later");
        assertEquals(1, d.openLeaks());
        assertEquals("{\"loaded_classes\":6020,\"baseline_classes\":5000,\"threshold\":1000,"
                + "\"classes_a_window_ago\":5000,\"metaspace_growth_bytes\":5100000}", context(0));
    }

    @Test
    void directBuffersGrowingFasterThanTheHeap() throws Exception {
        ResourceLeaks d = detector();
        long t = 0;
        for (int i = 0; i < 40; i++, t += 1000) {
            d.onSample(sample(t, 20, 5000, 30 * MB, i * MB, 40 * MB)); // 1 MiB/s of direct buffers, a flat heap
        }
        assertEquals(List.of("direct_buffer_growth high " + 30 * MB), summary());
        // Opened at the 31st sample (30 s spanned, half the window): 30 MiB, 3,600 MiB an hour, a perfect fit.
        assertEquals("{\"direct_bytes\":31457280,\"direct_slope_bytes_per_hour\":3774873600,\"r2\":1.0000,"
                + "\"heap_slope_bytes_per_hour\":0,\"window_ms\":60000}", context(0));
    }

    @Test
    void directBuffersGrowingWithTheHeapAreNotSingledOut() throws Exception {
        ResourceLeaks d = detector();
        long t = 0;
        for (int i = 0; i < 40; i++, t += 1000) {
            d.onSample(sample(t, 20, 5000, 30 * MB, i * MB, 40 * MB + 2 * i * MB));
        }
        assertEquals(List.of(), summary());
    }
}
