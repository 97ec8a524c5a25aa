package io.memagent.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The latch-built one-shot result premain hands to the agent's threads: first call wins, waits see it. */
class OneShotTest {
    @Test
    void theFirstCallWinsAndLaterOnesChangeNothing() throws Exception {
        OneShot<String> shot = new OneShot<>();
        assertFalse(shot.isDone());
        assertTrue(shot.complete("first"));
        assertFalse(shot.complete("second"));
        assertFalse(shot.fail(new IllegalStateException("late")));
        assertTrue(shot.isDone());
        assertEquals("first", shot.get());
        assertEquals("first", shot.get(0, TimeUnit.SECONDS));
    }

    @Test
    void aFailureIsThrownToEveryWaiterAsTheCauseOfAnExecutionException() {
        OneShot<String> shot = new OneShot<>();
        IllegalStateException why = new IllegalStateException("premain failed");
        assertTrue(shot.fail(why));
        assertFalse(shot.complete("too late"));
        assertSame(why, assertThrows(ExecutionException.class, shot::get).getCause());
        assertSame(why, assertThrows(ExecutionException.class, () -> shot.get(1, TimeUnit.SECONDS)).getCause());
    }

    @Test
    void aBoundedWaitTimesOutWhileNothingIsSet() {
        OneShot<String> shot = new OneShot<>();
        long start = System.nanoTime();
        TimeoutException e = assertThrows(TimeoutException.class, () -> shot.get(50, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "waited the whole bound");
        assertEquals("not set within 50 milliseconds", e.getMessage());
        assertFalse(shot.isDone());
    }

    @Test
    void aThreadWaitingSeesTheValueSetOnAnother() throws Exception {
        OneShot<int[]> shot = new OneShot<>();
        AtomicReference<int[]> seen = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                seen.set(shot.get());
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
        });
        waiter.start();
        int[] made = {42};
        assertTrue(shot.complete(made));
        waiter.join(10_000);
        assertFalse(waiter.isAlive());
        assertSame(made, seen.get());
        assertEquals(42, seen.get()[0]);
    }
}
