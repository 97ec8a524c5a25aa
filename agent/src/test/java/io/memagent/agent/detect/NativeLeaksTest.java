package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.JvmSampleBuilder;
import io.memagent.agent.jvm.NativeMemory;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Native leaks on synthetic series: NMT and resident-set growth with a flat heap, and what is not a leak. */
class NativeLeaksTest {
    static final long MB = 1L << 20;
    final InMemorySink rows = new InMemorySink(10_000);
    NativeMemory.Reading latest;

    NativeLeaks detector(long warmupMs) throws Exception {
        return new NativeLeaks(new LeakRules(60_000, 50 * MB), warmupMs, rows, 0, () -> latest);
    }

    /** A sample; with {@code other} >= 0 an NMT reading is taken with it (Other = direct buffers, Unsafe). */
    JvmSample sample(long t, long oldGen, long rss, long other) {
        return sample(t, oldGen, rss, other, 20 * MB);
    }

    JvmSample sample(long t, long oldGen, long rss, long other, long classBytes) {
        Long nmtTotal = null;
        if (other >= 0) {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("Java Heap", 256 * MB);
            c.put("Class", classBytes);
            c.put("Thread", 10 * MB);
            c.put("Code", 8 * MB);
            c.put("Other", other);
            long total = c.values().stream().mapToLong(Long::longValue).sum();
            latest = new NativeMemory.Reading(t, total, c, 0);
            nmtTotal = total;
        }
        return JvmSampleBuilder.sampleAt(t).heapCommittedBytes(256 * MB).heapUsedBytes(oldGen + 20 * MB)
                .heapMaxBytes(1024 * MB).nonHeapUsedBytes(40 * MB).metaspaceUsedBytes(30 * MB).oldGenUsedAfterGcBytes(oldGen)
                .gcCount(t / 1000).threadCount(20).loadedClassCount(5000).processRssBytes(rss)
                .containerUtilizationPct(10.0).containerState("normal").nativeMemory(nmtTotal, nmtTotal == null ? null : "{}")
                .build();
    }

    List<String> summary() {
        return rows.rows(Table.MEMORY_LEAK_DETECTION).stream().map(r -> (LeakRow) r)
                .map(r -> r.leakType() + " | " + r.leakSource() + " | " + r.detectionMethod() + " | " + r.severity()
                        + " | " + r.detectedAtMs() + (r.resolved() ? " | resolved" : "")).toList();
    }

    @Test
    void nmtOtherGrowingWithAFlatHeapIsANativeLeakNamingTheCategory() throws Exception {
        NativeLeaks d = detector(0);
        long t = 0;
        for (int i = 0; i < 120; i++, t += 1000) { // 1 MiB/s into Other for 2 minutes, NMT read every 2 s
            d.onSample(sample(t, 50 * MB + (i % 5) * MB, 400 * MB + i * MB, i % 2 == 0 ? i * MB : -1));
        }
        List<String> s = summary();
        assertEquals("native_memory_growth | native memory (NMT category Other) | least_squares_slope | high | 30000",
                s.get(0), "at half a window of readings: " + s);
        assertTrue(s.stream().allMatch(x -> x.contains("NMT category Other")), "the resident set's twin is not reported: " + s);
        LeakRow last = (LeakRow) rows.rows(Table.MEMORY_LEAK_DETECTION).get(rows.rows(Table.MEMORY_LEAK_DETECTION).size() - 1);
        assertTrue(last.contextJson().contains("\"category\":\"Other\"") && last.contextJson().contains("\"r2\":1.0000"),
                last.contextJson());
        // The larger of the slope over the window (~59 MiB) and the rise within 5 minutes (the 2 minutes so far).
        assertTrue(last.leakedBytes() >= 58 * MB && last.leakedBytes() <= 120 * MB, "growth: " + last.leakedBytes());
        assertEquals(1, d.openLeaks());
        // Growth stops: the slope rule fails once the window is flat, but the 120 MiB stand 100 MiB above the lowest
        // point of the last 5 minutes until it leaves them; resolved half a window after neither rule holds.
        for (int i = 0; i < 200; i++, t += 1000) {
            d.onSample(sample(t, 50 * MB, 520 * MB, i % 2 == 0 ? 120 * MB : -1));
        }
        assertEquals(1, d.openLeaks(), "still within 5 minutes of the low point");
        for (int i = 0; i < 140; i++, t += 1000) {
            d.onSample(sample(t, 50 * MB, 520 * MB, i % 2 == 0 ? 120 * MB : -1));
        }
        assertTrue(summary().get(summary().size() - 1).endsWith("resolved"), summary().toString());
        assertEquals(0, d.openLeaks());
    }

    @Test
    void nativeGrowingWithTheHeapIsTheHeapsLeak() throws Exception {
        NativeLeaks d = detector(0);
        for (int i = 0; i < 120; i++) { // old generation +2 MiB/s, native +1 MiB/s: the heap's pages, the heap's leak
            d.onSample(sample(i * 1000L, 50 * MB + 2 * i * MB, 400 * MB + 3 * i * MB, i % 2 == 0 ? i * MB : -1));
        }
        assertEquals(List.of(), summary());
    }

    @Test
    void buffersFreedAtEachCollectionSawAndAreNoLeak() throws Exception {
        NativeLeaks d = detector(0);
        for (int i = 0; i < 300; i++) { // 2 MiB/s of buffers, all freed every 20 s
            long other = (i % 20) * 2 * MB;
            d.onSample(sample(i * 1000L, 50 * MB, 400 * MB + other, i % 2 == 0 ? other : -1));
        }
        assertEquals(List.of(), summary());
    }

    @Test
    void startUpGrowthIsNotLookedAt() throws Exception {
        NativeLeaks d = detector(300_000);
        for (int i = 0; i < 400; i++) { // 1 MiB/s for the first 5 minutes (JIT, classes), then flat
            long grown = Math.min(i, 300) * MB;
            d.onSample(sample(i * 1000L, 50 * MB, 400 * MB + grown, i % 2 == 0 ? grown : -1));
        }
        assertEquals(List.of(), summary());
    }

    @Test
    void residentSetGrowingOutsideWhatNmtSeesIsReportedAsSuch() throws Exception {
        NativeLeaks d = detector(0);
        for (int i = 0; i < 60; i++) { // NMT flat; RSS +1 MiB/s: a native library's own malloc
            d.onSample(sample(i * 1000L, 50 * MB, 400 * MB + i * MB, i % 2 == 0 ? 5 * MB : -1));
        }
        List<String> s = summary();
        assertEquals(1, s.size(), s.toString());
        assertTrue(s.get(0).startsWith("native_memory_growth | process resident memory outside the heap | least_squares_slope"),
                s.toString());
        LeakRow r = (LeakRow) rows.rows(Table.MEMORY_LEAK_DETECTION).get(0);
        assertTrue(r.contextJson().contains("\"native_memory_tracking\":true"), r.contextJson());
    }

    @Test
    void residentSetGrowthThatNmtCategoriesShowIsNoLeakEvenWhenFreedBuffersPullNmtsTotalDown() throws Exception {
        NativeLeaks d = detector(0);
        for (int i = 0; i < 60; i++) { // Class +1 MiB/s (RSS with it), Other falls 2 MiB/s as buffers are freed
            long other = (120 - 2 * i) * MB; // freed pages that glibc keeps: the resident set does not fall with it
            d.onSample(sample(i * 1000L, 50 * MB, 400 * MB + i * MB, i % 2 == 0 ? other : -1, 20 * MB + i * MB));
        }
        assertEquals(List.of(), summary(), "NMT saw the growth (category Class), only its total fell");
        // The same resident set without the Class growth in NMT is memory NMT does not see.
        NativeLeaks unseen = detector(0);
        for (int i = 0; i < 60; i++) {
            unseen.onSample(sample(i * 1000L, 50 * MB, 400 * MB + i * MB, i % 2 == 0 ? (120 - 2 * i) * MB : -1));
        }
        assertEquals(1, summary().size(), summary().toString());
        assertTrue(summary().get(0).contains("process resident memory outside the heap"), summary().toString());
    }

    @Test
    void fastRuleWithoutNmt() throws Exception {
        NativeLeaks d = detector(0);
        for (int i = 0; i < 30; i++) { // 10 MiB/s of resident set, no NMT: 100 MiB within 5 minutes before half a window
            d.onSample(sample(i * 1000L, 50 * MB, 400 * MB + 10 * i * MB, -1));
        }
        List<String> s = summary();
        assertTrue(s.get(0).startsWith("native_memory_growth | process resident memory outside the heap | growth_100mb_5min"
                + " | critical"), s.toString());
    }
}
