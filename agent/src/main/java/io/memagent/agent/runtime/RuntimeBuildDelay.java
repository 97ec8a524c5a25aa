package io.memagent.agent.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * memagent-init's wait between premain's end and building the runtime (MXBeans, detectors, sink, threads): the app's
 * own start gets the CPU first, and a JVM that lives shorter (a tool, a job, a test) never pays for the runtime.
 * Recording needs none of it: calls made meanwhile are in the threads' figures (a thread's call details beyond its ring
 * are counted as dropped, as when the drain is held up).
 *
 * <p>How long: at least {@link #AFTER_PREMAIN_MS}, then for as long as the app is still loading classes, which is what
 * an app's start mostly is (a Spring Boot app loads some 6,000 in its first seconds, about two a millisecond), and at
 * most {@link #AT_MOST_MS}. The app counts as started once fewer than {@link #QUIET_LOADS} classes loaded on its
 * threads in each of the last {@link #QUIET_POLLS} stretches of {@link #POLL_MS} (the agent's transformer counts
 * them: {@code AgentOverhead#classes}); after a Spring Boot app's {@code Started} line, none load until its first
 * request. So the runtime's build, its class loading and the JIT compiling its periodic code come after the app's
 * start on the cores the start would otherwise share, not within it; an app that loads few classes gets it within
 * {@code AFTER_PREMAIN_MS + POLL_MS}.
 *
 * <p>The shutdown hook cuts the wait short ({@link #wake}): a JVM exiting within it is reported without the runtime
 * (memory mode) or builds it at once (PostgreSQL).
 */
final class RuntimeBuildDelay {
    /** Measured on 2 cores: a trivial app's start and exit 20 ms shorter on JDK 17 and 25 than building it at once. */
    static final long AFTER_PREMAIN_MS = 100;
    /** How often the app's class loads are read, after {@link #AFTER_PREMAIN_MS}. */
    static final long POLL_MS = 100;
    /**
     * Fewer class loads than this in {@link #POLL_MS} is a quiet poll: a start loads hundreds in that time, and the
     * slowest stretches of a Spring Boot start read off its class loads loaded 8 to 50 (what it did then not known).
     */
    static final long QUIET_LOADS = 10;
    /** Quiet polls in a row that make the app started: one quiet stretch within a start is not its end. */
    static final int QUIET_POLLS = 2;
    /**
     * The longest wait, for an app that never stops loading classes: beyond it the runtime is built beside the app's
     * work, as it would be at once. Bounded so that the HTTP API, the sampler and the detectors are never far behind.
     */
    static final long AT_MOST_MS = 10_000;

    private RuntimeBuildDelay() {
    }

    /**
     * On memagent-init, once premain is done: waits as the class comment says, reading {@code appClassLoads} (a count
     * that only grows); false if the JVM is exiting.
     */
    static boolean awaitAppStart(AtomicBoolean exiting, LongSupplier appClassLoads) {
        return awaitAppStart(exiting, appClassLoads, AFTER_PREMAIN_MS, POLL_MS, AT_MOST_MS);
    }

    /** As above, with the times given (tests). */
    static boolean awaitAppStart(AtomicBoolean exiting, LongSupplier appClassLoads, long afterPremainMs, long pollMs,
                                 long atMostMs) {
        long start = System.nanoTime();
        long last = appClassLoads.getAsLong();
        if (!sleepUntil(start + afterPremainMs * 1_000_000L, exiting)) {
            return false;
        }
        long deadline = start + atMostMs * 1_000_000L;
        for (int quiet = 0; ; ) {
            long now = appClassLoads.getAsLong();
            // Quiet since the last reading (the first: since premain's end, over the first afterPremainMs).
            quiet = now - last < QUIET_LOADS ? quiet + 1 : 0;
            if (quiet >= QUIET_POLLS || System.nanoTime() - deadline >= 0) {
                return true;
            }
            last = now;
            long next = System.nanoTime() + pollMs * 1_000_000L;
            if (!sleepUntil(next - deadline > 0 ? deadline : next, exiting)) { // nanoTime: compared by difference
                return false;
            }
        }
    }

    /** Parks until {@code deadlineNanos}; false as soon as the JVM is exiting. */
    private static boolean sleepUntil(long deadlineNanos, AtomicBoolean exiting) {
        for (long left; !exiting.get() && (left = deadlineNanos - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
        return !exiting.get();
    }

    /** The shutdown hook, after setting {@code exiting}: ends {@code init}'s wait, if it is in it. */
    static void wake(Thread init) {
        LockSupport.unpark(init);
    }
}
