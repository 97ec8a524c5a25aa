package io.memagent.agent;

import io.memagent.bootstrap.HotPath;
import java.lang.management.ManagementFactory;

/**
 * Calls through the agent's own hot path, without weaving, and the truth to compare them with:
 * what the same body allocates by the thread's own counter, as the app would measure it.
 */
public final class HotPathCalls {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private HotPathCalls() {
    }

    /** The body's bytes by the thread's counter, on the fifth run (the first ones may link and warm up). */
    public static long truthOf(Runnable body) {
        long last = 0;
        for (int i = 0; i < 5; i++) {
            long b = THREADS.getCurrentThreadAllocatedBytes();
            body.run();
            last = THREADS.getCurrentThreadAllocatedBytes() - b;
        }
        return last;
    }

    /** The body as operation {@code op}, entered and exited as the woven advice does (threw if it throws). */
    public static void profiled(int op, Runnable body) {
        int token = HotPath.enter();
        boolean threw = true;
        try {
            body.run();
            threw = false;
        } finally {
            HotPath.exit(op, token, threw);
        }
    }
}
