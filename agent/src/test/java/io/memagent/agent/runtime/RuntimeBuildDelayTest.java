package io.memagent.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The runtime's build waits for the app's class loading to go quiet: how many readings of the class-load count it
 * takes, the bound on the wait and the exit cutting it short.
 */
class RuntimeBuildDelayTest {
    private static final long LONG_MS = TimeUnit.MINUTES.toMillis(5);

    /** Class-load counts read one after another, the last repeated; counts how often it was read. */
    private static final class Loads implements LongSupplier {
        final long[] counts;
        final AtomicInteger reads = new AtomicInteger();

        Loads(long... counts) {
            this.counts = counts;
        }

        @Override
        public long getAsLong() {
            int i = reads.getAndIncrement();
            return counts[Math.min(i, counts.length - 1)];
        }
    }

    @Test
    void anAppThatLoadsFewClassesIsTakenAsStartedAfterTheFirstWaitAndOnePoll() {
        long q = RuntimeBuildDelay.QUIET_LOADS;
        Loads loads = new Loads(500, 500 + q - 1, 500 + 2 * (q - 1));
        assertTrue(RuntimeBuildDelay.awaitAppStart(new AtomicBoolean(), loads, 1, 1, LONG_MS));
        assertEquals(1 + RuntimeBuildDelay.QUIET_POLLS, loads.reads.get(),
                "one reading at premain's end, one after the first wait, one a poll");
    }

    @Test
    void theWaitGoesOnWhileTheAppLoadsClassesAndEndsAfterTwoQuietPollsInARow() {
        long q = RuntimeBuildDelay.QUIET_LOADS;
        // Busy +100, +100; quiet +0; busy +q (not quiet); quiet +(q-1); quiet +0: the app has started.
        Loads loads = new Loads(0, 100, 200, 200, 200 + q, 200 + q + q - 1, 200 + q + q - 1, 10_000);
        assertTrue(RuntimeBuildDelay.awaitAppStart(new AtomicBoolean(), loads, 1, 1, LONG_MS));
        assertEquals(7, loads.reads.get());
    }

    @Test
    void anAppThatNeverStopsLoadingClassesGetsTheRuntimeAtTheLongestWait() {
        AtomicInteger reads = new AtomicInteger();
        LongSupplier busy = () -> 1_000L * reads.incrementAndGet();
        long start = System.nanoTime();
        assertTrue(RuntimeBuildDelay.awaitAppStart(new AtomicBoolean(), busy, 1, 5, 200));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 200, "waited " + waitedMs + " ms, not the longest wait of 200 ms");
        assertTrue(reads.get() >= 3, "read the count only " + reads.get() + " times in 200 ms, polling every 5 ms");
    }

    @Test
    void theJvmsExitEndsTheWaitAndSaysSo() throws Exception {
        AtomicBoolean exiting = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        LongSupplier busy = () -> 1_000L * reads.incrementAndGet();
        boolean[] result = {true};
        Thread init = new Thread(() -> result[0] = RuntimeBuildDelay.awaitAppStart(exiting, busy, 1, 10, LONG_MS));
        init.start();
        while (reads.get() < 3) { // in the polling
            Thread.onSpinWait();
        }
        exiting.set(true);
        RuntimeBuildDelay.wake(init);
        init.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(init.isAlive(), "the wait did not end at the exit");
        assertFalse(result[0]);

        Loads quiet = new Loads(0);
        assertFalse(RuntimeBuildDelay.awaitAppStart(exiting, quiet, LONG_MS, 1, LONG_MS), "already exiting");
    }
}
