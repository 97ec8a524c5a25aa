package io.memagent.agent.util;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A result made once and waited for on other threads: what a {@code CompletableFuture} would be, built from a latch,
 * because a {@code CompletableFuture}'s first use initializes the JDK's common pool ({@code ForkJoinPool} and what it
 * needs), about 4 ms of a cold JVM's thread, and premain, on the app's main thread, makes two of these.
 *
 * <p>Contract: {@link #complete} and {@link #fail} may be called on any thread, any number of times; the first call
 * wins (a compare-and-set on {@link #settled}) and the others change nothing. The winner writes {@link #value} or
 * {@link #failure} with plain writes, then counts the latch down; {@link #get} reads them only after the latch's await
 * has returned, and a count-down happens-before the return of an await it releases, so the reader sees the write.
 * {@link #isDone} is true from that count-down on, not from the compare-and-set: for the moment between the two a
 * caller that asks sees "not yet" and waits, which returns at once.
 */
public final class OneShot<T> {
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean settled = new AtomicBoolean();
    /** Written once by the winner before the count-down; read only after an await. */
    private T value;
    /** As {@link #value}: the failure, or null. */
    private Throwable failure;

    /** Sets the result, unless it was set or failed already: whether this call did it. */
    public boolean complete(T result) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        value = result;
        done.countDown();
        return true;
    }

    /** Fails the result with {@code why}, unless it was set or failed already: whether this call did it. */
    public boolean fail(Throwable why) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        failure = why;
        done.countDown();
        return true;
    }

    /** Whether it is set or failed: a {@link #get} returns at once. */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** The result, waiting as long as it takes; an {@link ExecutionException} with the failure as its cause. */
    public T get() throws InterruptedException, ExecutionException {
        done.await();
        return result();
    }

    /** The result, waiting at most {@code timeout}; a {@link TimeoutException} when it is not there by then. */
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!done.await(timeout, unit)) {
            throw new TimeoutException("not set within " + timeout + " " + unit.name().toLowerCase(java.util.Locale.ROOT));
        }
        return result();
    }

    private T result() throws ExecutionException {
        if (failure != null) {
            throw new ExecutionException(failure);
        }
        return value;
    }
}
