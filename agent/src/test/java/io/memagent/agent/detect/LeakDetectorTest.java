package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.JvmSampleBuilder;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Table;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The leak rules on synthetic series: what counts, what does not, one row per leak, resolution. */
class LeakDetectorTest {
    static final long MB = 1L << 20;
    final InMemorySink rows = new InMemorySink(10_000);
    final AtomicLong oldNow = new AtomicLong();
    long gcCount;

    LeakDetector detector(long windowMs) throws Exception {
        return new LeakDetector(new LeakRules(windowMs, 50 * MB), rows, new ClassHistogram(() -> 0), "old generation (test)",
                oldNow::get);
    }

    /** A sample after a young collection (old generation at {@code oldBytes} now) or an old one ({@code own}). */
    JvmSample sample(long atMs, long oldBytes, Long ownAfterGc) {
        oldNow.set(oldBytes);
        gcCount++;
        return JvmSampleBuilder.sampleAt(atMs).oldGenUsedAfterGcBytes(ownAfterGc).gcCount(gcCount).build();
    }

    List<LeakRow> leakRows() {
        return rows.rows(Table.MEMORY_LEAK_DETECTION).stream().map(r -> (LeakRow) r).toList();
    }

    @Test
    void steadyGrowthConfirmedByOldCollectionsIsOneLeakUpdatedThenResolved() throws Exception {
        LeakDetector d = detector(60_000);
        long t = 0;
        long own = 0;
        // 1 MiB a second for 2 minutes, an old-generation collection every 10 s.
        for (int i = 0; i < 120; i++, t += 1000) {
            long old = 50 * MB + i * MB;
            d.onSample(sample(t, old, i % 10 == 0 ? (own = old) : own == 0 ? null : own));
        }
        List<LeakRow> versions = leakRows();
        assertTrue(versions.size() >= 2, "detected, then updated: " + versions);
        assertEquals(1, versions.stream().map(LeakRow::leakId).distinct().count());
        LeakRow first = versions.get(0);
        assertEquals("least_squares_slope", first.detectionMethod());
        assertEquals(30_000, first.detectedAtMs(), "at half a window of points, confirmed by two old collections");
        LeakRow last = versions.get(versions.size() - 1);
        assertEquals("high", last.severity(), "~59 MiB over the last minute");
        assertTrue(last.contextJson().contains("\"r2\":1.0000"), last.contextJson());
        // Growth stops: resolved after half a window without the rule holding.
        for (int i = 0; i < 60; i++, t += 1000) {
            d.onSample(sample(t, 170 * MB, i % 10 == 0 ? 170 * MB : null));
        }
        LeakRow resolved = leakRows().get(leakRows().size() - 1);
        assertTrue(resolved.resolved());
        assertEquals(first.leakId(), resolved.leakId());
        assertEquals(0, d.openLeaks());
    }

    @Test
    void promotedGarbageThatOldCollectionsRemoveIsNoLeak() throws Exception {
        LeakDetector d = detector(60_000);
        long t = 0;
        // Young collections ramp the old generation up by 2 MiB a second; every 30 s an old
        // collection brings it back to the same 40 MiB live set.
        for (int i = 0; i < 300; i++, t += 1000) {
            boolean oldGc = i % 30 == 29;
            long old = oldGc ? 40 * MB : 40 * MB + (i % 30) * 2 * MB;
            d.onSample(sample(t, old, oldGc ? 40 * MB + (i % 2) : null)); // (+i%2: each collection reports anew)
        }
        assertEquals(List.of(), leakRows());
    }

    @Test
    void aLongRampWithoutAnyOldCollectionIsNotCalledALeakYet() throws Exception {
        LeakDetector d = detector(60_000);
        long t = 0;
        for (int i = 0; i < 200; i++, t += 1000) {
            d.onSample(sample(t, 40 * MB + i * MB, null));
        }
        assertEquals(List.of(), leakRows(), "only old collections prove the growth is live");
    }

    @Test
    void aHundredMegabytesInFiveMinutesIsALeakBeforeTheWindowFills() throws Exception {
        LeakDetector d = detector(3_600_000);
        long t = 0;
        for (int i = 0; i < 14; i++, t += 10_000) { // 10 MiB every 10 s
            long old = 50 * MB + i * 10 * MB;
            d.onSample(sample(t, old, old));
        }
        List<LeakRow> versions = leakRows();
        assertEquals(1, versions.size());
        assertEquals("growth_100mb_5min", versions.get(0).detectionMethod());
        assertEquals("critical", versions.get(0).severity());
        assertEquals(100 * MB, versions.get(0).leakedBytes(), "the last three points all 100 MiB above the lowest");
        assertNull(versions.get(0).resolvedAtMs());
    }

    @Test
    void severitiesFollowTheSpec() {
        assertEquals("low", LeakRow.severityOf(MB - 1));
        assertEquals("medium", LeakRow.severityOf(MB));
        assertEquals("high", LeakRow.severityOf(10 * MB));
        assertEquals("critical", LeakRow.severityOf(100 * MB));
    }

    @Test
    void histogramParsesTheJvmsOutputAndNamesWhatGrew() {
        String before = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          1000        1000000  [B (java.base@17.0.15)
                   2:           500          12000  java.lang.String (java.base@17.0.15)
                   3:            10            400  [[Ljava.lang.Object; (java.base@17.0.15)
                Total          1510        1012400
                """;
        String after = """
                   1:          3000       81000000  [B (java.base@17.0.15)
                   2:           600          14400  java.lang.String (java.base@17.0.15)
                   3:            10            400  [[Ljava.lang.Object; (java.base@17.0.15)
                   4:             5            120  com.acme.Cache$Entry
                Total          3615       81014920
                """;
        ClassHistogram.Snapshot a = ClassHistogram.parse(before, 1);
        ClassHistogram.Snapshot b = ClassHistogram.parse(after, 2);
        assertEquals(1510, a.totalInstances());
        assertEquals("java.lang.Object[][]", a.entries().get(2).className());
        ClassHistogram.Diff diff = ClassHistogram.diff(a, b);
        assertEquals(List.of(new ClassHistogram.Growth("byte[]", 2000, 80_000_000, 3000, 81_000_000),
                new ClassHistogram.Growth("java.lang.String", 100, 2400, 600, 14400),
                new ClassHistogram.Growth("com.acme.Cache$Entry", 5, 120, 5, 120)), diff.topGrowth());
        assertEquals(80_002_520, diff.totalBytesDelta());
    }
}
