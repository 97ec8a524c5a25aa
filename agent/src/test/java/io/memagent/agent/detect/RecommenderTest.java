package io.memagent.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.aggregate.OperationFigures;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.jvm.HeapState;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.JvmSampleBuilder;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recommendations from a fed hour of samples, and never twice a day. */
class RecommenderTest {
    static final long GIB = 1L << 30;
    static final long DAY_START = 1_795_000_000_000L - Math.floorMod(1_795_000_000_000L, 86_400_000L); // a UTC midnight

    final InMemorySink sink = new InMemorySink(1000);
    List<OperationSummary> ops = List.of();
    final Recommender recommender = new Recommender(sink, () -> ops);

    static JvmSample sample(long atMs, double pct, long gcTimeMs) {
        long used = Math.round(GIB * pct / 100);
        return JvmSampleBuilder.sampleAt(atMs).heapCommittedBytes(GIB).heapUsedBytes(used).heapMaxBytes(GIB)
                .nonHeapUsedBytes(1).metaspaceUsedBytes(1L).oldGenUsedAfterGcBytes(1L).gcTimeMs(gcTimeMs)
                .allocationRateBytesPerSec(1L).utilizationPct(pct).memoryState("x").build();
    }

    /** One sample every 30 s from {@code fromMs} for {@code minutes}. */
    void feed(long fromMs, int minutes, double pct, long gcMsPerMinute) {
        for (int i = 0; i < minutes * 2; i++) {
            recommender.onSample(sample(fromMs + i * 30_000L, pct, i / 2 * gcMsPerMinute));
        }
    }

    List<RecommendationRow> recommendations() {
        return sink.rows(Table.MEMORY_OPTIMIZATION_RECOMMENDATIONS).stream().map(r -> (RecommendationRow) r).toList();
    }

    @Test
    void nothingBeforeAnHourOfSamples() {
        feed(DAY_START, 50, 90, 0);
        assertEquals(List.of(), recommendations());
    }

    @Test
    void highUtilizationForAnHourRecommendsOneAndAHalfTimesTheHeapOncePerDay() {
        feed(DAY_START, 61, 80, 0);
        List<RecommendationRow> r = recommendations();
        assertEquals(1, r.size(), r.toString());
        RecommendationRow inc = r.get(0);
        assertEquals("increase_heap_size", inc.recommendationType());
        assertEquals(GIB, inc.currentUsageBytes());
        assertEquals(Math.round(GIB * 1.5), inc.recommendedLimitBytes());
        assertEquals("high", inc.implementationPriority());
        assertTrue(inc.strategyJson().contains("\"current_avg_utilization\":80.00"), inc.strategyJson());
        feed(DAY_START + 61 * 60_000L, 600, 80, 0); // ten more hours the same day
        assertEquals(1, recommendations().size(), "not repeated within the day");
        feed(DAY_START + 86_400_000L, 61, 80, 0); // the next day
        assertEquals(2, recommendations().size());
    }

    @Test
    void lowUtilizationRecommendsSixTenthsWithFourTenthsSaved() {
        feed(DAY_START, 61, 20, 0);
        RecommendationRow red = recommendations().get(0);
        assertEquals("reduce_heap_size", red.recommendationType());
        assertEquals(Math.round(GIB * 0.6), red.recommendedLimitBytes());
        assertEquals(Math.round(GIB * 0.4), red.estimatedSavingsBytes());
        assertEquals("medium", red.implementationPriority());
    }

    @Test
    void middlingUtilizationRecommendsNothingButAHighGcShareAsksForTuning() {
        feed(DAY_START, 61, 50, 0);
        assertEquals(List.of(), recommendations());
        feed(DAY_START + 86_400_000L, 61, 50, 9_000); // 9 s of GC a minute: 15%
        List<RecommendationRow> r = recommendations();
        assertEquals(1, r.size());
        assertEquals("gc_tuning", r.get(0).recommendationType());
        assertEquals("medium", r.get(0).implementationPriority());
        assertTrue(r.get(0).strategyJson().contains("\"gc_time_share_pct\":15.00"), r.get(0).strategyJson());
        assertNull(r.get(0).recommendedLimitBytes());
    }

    @Test
    void theTopAllocatingOperationIsNamed() {
        ops = List.of(new OperationSummary("Big.op", "a.Big#op()V", "method",
                        new OperationFigures(10, 0, 0, 0, 7_000, 7_000, 700L, 700L, 700L, 700L, 700L, 1, 1)),
                new OperationSummary("Small.op", "a.Small#op()V", "method",
                        new OperationFigures(10, 0, 0, 0, 3_000, 3_000, 300L, 300L, 300L, 300L, 300L, 1, 1)));
        feed(DAY_START, 61, 50, 0);
        List<RecommendationRow> r = recommendations();
        assertEquals(1, r.size());
        assertEquals("reduce_allocation", r.get(0).recommendationType());
        assertEquals(7_000, r.get(0).currentUsageBytes());
        assertEquals("medium", r.get(0).implementationPriority());
        assertTrue(r.get(0).strategyJson().contains("\"operation\":\"Big.op\"") && r.get(0).strategyJson()
                .contains("\"share_of_profiled_bytes_pct\":70.00"), r.get(0).strategyJson());
    }

    @Test
    void stateAlertsFireOncePerEntryIntoWarningOrCritical() {
        HeapStateAlerts alerts = new HeapStateAlerts(sink);
        HeapState[] walk = {HeapState.NORMAL, HeapState.ELEVATED, HeapState.WARNING, HeapState.WARNING, HeapState.WARNING,
            HeapState.CRITICAL, HeapState.CRITICAL, HeapState.WARNING, HeapState.NORMAL, HeapState.WARNING};
        for (HeapState s : walk) {
            alerts.observe(s, 80, 1, 2L, 0);
        }
        List<Row> rows = sink.rows(Table.SYSTEM_ALERTS);
        assertEquals(List.of("heap_warning", "heap_critical", "heap_warning"),
                rows.stream().map(r -> ((AlertRow) r).alertType()).toList());
    }
}
