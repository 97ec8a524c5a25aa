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

    /** Bytes this thread allocated so far; -1 where the JVM cannot count them (virtual threads). */
    static long now() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    static String unsupported() {
        return "this thread's allocated bytes cannot be counted here (a virtual thread, or a JVM without"
                + " com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes)";
    }
}
