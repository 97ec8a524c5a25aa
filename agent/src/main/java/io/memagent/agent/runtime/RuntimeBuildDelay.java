package io.memagent.agent.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * memagent-init's wait between premain's end and building the runtime (MXBeans, detectors, sink, threads): the app's
 * own start gets the CPU first, and a JVM that lives shorter (a tool, a job, a test) never pays for the runtime.
 * Recording needs none of it: calls made meanwhile are in the threads' figures. The shutdown hook cuts the wait short
 * ({@link #wake}): a JVM exiting within it is reported without the runtime (memory mode) or builds it at once
 * (PostgreSQL).
 */
final class RuntimeBuildDelay {
    /** Measured on 2 cores: a trivial app's start and exit 20 ms shorter on JDK 17 and 25 than building it at once. */
    static final long AFTER_PREMAIN_MS = 100;

    private RuntimeBuildDelay() {
    }

    /** On memagent-init, once premain is done: waits {@link #AFTER_PREMAIN_MS}; false if the JVM is exiting. */
    static boolean awaitAppStart(AtomicBoolean exiting) {
        long deadline = System.nanoTime() + AFTER_PREMAIN_MS * 1_000_000L;
        for (long left; !exiting.get() && (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
        return !exiting.get();
    }

    /** The shutdown hook, after setting {@code exiting}: ends {@code init}'s wait, if it is in it. */
    static void wake(Thread init) {
        LockSupport.unpark(init);
    }
}
