package io.memagent.bootstrap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agent itself costs on the app's threads: the bytes it allocates and the time it spends
 * there weaving and matching classes as they load, naming operations, making a thread's state or
 * an operation's slot, capturing stacks. Each such cost is also taken off every call open on that
 * thread ({@link AgentOwnBytes#compensate}), so a profiled call reports only the app's bytes, and
 * the user can reconcile: the app's own counter = profiled bytes + agent overhead.
 *
 * <p>Never on the hot path of a call that is already set up: class loads, first calls and
 * registrations only. Boot loader, JDK types only.
 */
public final class AgentOverhead {
    private static final AtomicLong BYTES = new AtomicLong();
    private static final AtomicLong NANOS = new AtomicLong();
    private static final AtomicLong CLASSES = new AtomicLong();

    private AgentOverhead() {
    }

    /**
     * This thread's allocation counter, for {@link #classLoadWork} (a virtual thread's carrier's);
     * -1 where unsupported.
     */
    public static long counter() {
        return HotPath.ownCounter();
    }

    /**
     * The agent's class-file transformer ran on this thread (a class loaded by app code): what it
     * allocated and the time it took since {@code counterBefore}/{@code nanosBefore} are the agent's,
     * never the enclosing calls', and so are {@code handOffBytes}, what the JVM allocated on this
     * thread just before, to hand the class to a Java agent at all (see the transformer). Every
     * call open on this thread becomes cold ({@link HotPath#FLAG_COLD}).
     */
    public static void classLoadWork(long counterBefore, long nanosBefore, long handOffBytes) {
        CLASSES.incrementAndGet();
        spent(counterBefore, nanosBefore, handOffBytes);
    }

    /**
     * The agent did one-off work on this thread since {@code counterBefore}/{@code nanosBefore} (setting up what
     * measures virtual threads as the first one is made): the agent's, as in {@link #classLoadWork}.
     */
    public static void oneOffWork(long counterBefore, long nanosBefore) {
        spent(counterBefore, nanosBefore, 0);
    }

    private static void spent(long counterBefore, long nanosBefore, long extraBytes) {
        long nanos = System.nanoTime() - nanosBefore;
        long bytes = counterBefore < 0 ? 0 : Math.max(0, counter() - counterBefore) + extraBytes;
        ThreadState s = HotPath.ownState();
        if (s != null) {
            s.compensate(bytes, nanos);
            s.markOpenCallsCold(); // a call that loads classes pays a one-off cost: see OpenCalls#markOpenCallsCold
        } else {
            add(bytes, nanos); // no state: no call is open on this thread
        }
    }

    static void add(long bytes, long nanos) {
        if (bytes > 0) {
            BYTES.addAndGet(bytes);
        }
        if (nanos > 0) {
            NANOS.addAndGet(nanos);
        }
    }

    /** Bytes the agent allocated on app threads since start. */
    public static long bytes() {
        return BYTES.get();
    }

    /** Nanoseconds the agent spent on app threads weaving classes since start. */
    public static long nanos() {
        return NANOS.get();
    }

    /** Class loads on app threads the agent's transformer saw (most pass its byte filter untouched). */
    public static long classes() {
        return CLASSES.get();
    }
}
