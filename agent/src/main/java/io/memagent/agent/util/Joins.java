package io.memagent.agent.util;

/** Waiting for one of the agent's own short-lived threads. */
public final class Joins {
    private Joins() {
    }

    /**
     * Waits until {@code thread} has ended, even if this thread is interrupted meanwhile: what it computes must be
     * complete before the caller goes on. The interrupt is kept (set again) for the caller's code to see.
     */
    public static void uninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until {@code thread} has ended or {@code millis} have passed, whichever comes first, even if this
     * thread is interrupted meanwhile (the interrupt is kept for the caller's code to see). Whether it ended.
     */
    public static boolean atMost(Thread thread, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        boolean interrupted = false;
        long left;
        while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
            try {
                thread.join(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
