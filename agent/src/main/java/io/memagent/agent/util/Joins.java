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
}
