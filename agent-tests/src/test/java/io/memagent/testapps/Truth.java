package io.memagent.testapps;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * What an allocation really costs, measured in the app's own JVM around a plain (not
 * profiled) twin, so tests compare the agent with the truth instead of hard-coding object
 * header sizes.
 */
public final class Truth {
    public static volatile Object sink;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** {@code io.memagent.bootstrap.WindowProbe.agentBytesOnThisThread()} when the agent is attached, else null. */
    private static final java.lang.invoke.MethodHandle AGENT_BYTES = findAgentBytes();

    static {
        // Link the call site, and pass the JDK's customization threshold (~127 invocations of a
        // handle, which allocates), before any measurement.
        for (int i = 0; i < 300; i++) {
            appBytesNow();
        }
    }

    private Truth() {
    }

    private static java.lang.invoke.MethodHandle findAgentBytes() {
        try {
            return java.lang.invoke.MethodHandles.publicLookup().findStatic(
                    Class.forName("io.memagent.bootstrap.WindowProbe", false, null), "agentBytesOnThisThread",
                    java.lang.invoke.MethodType.methodType(long.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * This thread's allocation counter less what the agent itself allocated on it (its per-thread
     * state, a slot on a thread's first call of an operation): what the app allocated, the figure
     * the agent's own numbers must equal. Without the agent, the plain counter.
     */
    public static long appBytesNow() {
        long agent = 0;
        if (AGENT_BYTES != null) {
            try {
                agent = (long) AGENT_BYTES.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - agent;
    }

    /** This thread's allocation counter, the agent's bytes included. */
    public static long rawNow() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    public static long bytesOf(Supplier<Object> plainTwin) {
        long last = -1;
        for (int i = 0; i < 5; i++) { // the first calls may load classes; the last is the steady cost
            long before = THREADS.getCurrentThreadAllocatedBytes();
            sink = plainTwin.get();
            last = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return last;
    }

    public static void print(String key, long value) {
        System.out.println(key + "=" + value);
    }
}
