package io.memagent.agent.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.bootstrap.DetailRing;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The drain's pause while no ring fills: long enough to wake rarely, short enough that no ring overflows. */
class DrainPauseTest {
    @Test
    void theDefaultThresholdWakesTheDrainTwentyTimesASecond() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), Aggregator.pauseNanos(1L << 20));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), Aggregator.pauseNanos(Long.MAX_VALUE), "nothing published");
    }

    @Test
    void smallThresholdsKeepTheShortPause() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), Aggregator.pauseNanos(0));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), Aggregator.pauseNanos(4_000));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(26), Aggregator.pauseNanos(512 * 1024));
    }

    @Test
    void aPauseLongerThanTheShortestHoldsAtMostHalfARingOfCallsAtTheHighestRate() {
        for (long threshold : new long[] {300_000, 512 * 1024, 1L << 20, 25L << 20}) {
            long pause = Aggregator.pauseNanos(threshold);
            assertTrue(pause > TimeUnit.MILLISECONDS.toNanos(Aggregator.DRAIN_INTERVAL_MS), threshold + " B");
            double calls = pause / 1e9 * Aggregator.MAX_THREAD_BYTES_PER_SEC / threshold;
            assertTrue(calls <= DetailRing.RING_RECORDS / 2.0, threshold + " B: " + calls + " calls in one pause");
        }
    }
}
