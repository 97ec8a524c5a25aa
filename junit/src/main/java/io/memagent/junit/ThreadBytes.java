package io.memagent.junit;

import java.lang.management.ManagementFactory;

/** The current thread's allocation counter, the same one the memagent agent reads. */
final class ThreadBytes {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private ThreadBytes() {
    }

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
        if (!(t instanceof com.sun.management.ThreadMXBean)) {
            return null;
        }
        com.sun.management.ThreadMXBean s = (com.sun.management.ThreadMXBean) t;
        if (s.isThreadAllocatedMemorySupported() && !s.isThreadAllocatedMemoryEnabled()) {
            s.setThreadAllocatedMemoryEnabled(true);
        }
        return s;
    }

    /**
     * Bytes this thread allocated so far, less what the memagent agent itself allocated on it (its
     * per-thread state, a slot on the thread's first call of an operation): so a window's
     * difference is the app's bytes, with or without the agent. -1 where the JVM cannot count them
     * (virtual threads).
     */
    static long now() {
        if (THREADS == null) {
            return -1;
        }
        long agent = AgentCalls.agentBytes();
        long counter = THREADS.getCurrentThreadAllocatedBytes();
        return counter < 0 ? -1 : counter - agent;
    }

    static String unsupported() {
        return "this thread's allocated bytes cannot be counted here (a virtual thread, or a JVM without"
                + " com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes)";
    }
}
