package io.memagent.springapp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;

/**
 * The app's own measurement: this thread's allocation counter
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}) and, when the agent is
 * attached, the bytes the agent itself allocated on this thread
 * ({@code io.memagent.bootstrap.WindowProbe.agentBytesOnThisThread()}, found by name in the boot
 * loader, so the app has no compile-time tie to the agent). Neither read allocates once warmed.
 */
final class AppCounter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final MethodHandle AGENT_BYTES = findAgentBytes();
    private static final MethodHandle CARRIER_MOUNTS = findAgent("carrierMounts");
    /** {@code io.memagent.bootstrap.SpanWindows.currentSpanId()}: the tracing span open on this thread, by memagent's record. */
    private static final MethodHandle CURRENT_SPAN_ID = findSpanId();
    /** {@code Thread.currentCarrierThread()}, when the JVM runs with {@code --add-opens java.base/java.lang=ALL-UNNAMED}. */
    private static final MethodHandle CURRENT_CARRIER = findCurrentCarrier();

    static {
        // Link the call sites and pass the JDK's method-handle customization threshold (~127
        // invocations, which allocates) before any measurement.
        for (int i = 0; i < 300; i++) {
            rawBytes();
            agentBytes();
            carrier();
            carrierMounts();
            currentSpanId();
        }
    }

    private AppCounter() {
    }

    private static MethodHandle findAgentBytes() {
        try {
            return MethodHandles.publicLookup().findStatic(
                    Class.forName("io.memagent.bootstrap.WindowProbe", false, null), "agentBytesOnThisThread",
                    MethodType.methodType(long.class));
        } catch (ReflectiveOperationException e) {
            return null; // no agent
        }
    }

    private static MethodHandle findAgent(String method) {
        try {
            return MethodHandles.publicLookup().findStatic(Class.forName("io.memagent.bootstrap.WindowProbe", false, null),
                    method, MethodType.methodType(long.class));
        } catch (ReflectiveOperationException e) {
            return null; // no agent
        }
    }

    private static MethodHandle findSpanId() {
        try {
            return MethodHandles.publicLookup().findStatic(Class.forName("io.memagent.bootstrap.SpanWindows", false, null),
                    "currentSpanId", MethodType.methodType(String.class));
        } catch (ReflectiveOperationException e) {
            return null; // no agent
        }
    }

    /** The id of the tracing span last started and not yet ended on this thread, by memagent's record; null when none. */
    static String currentSpanId() {
        if (CURRENT_SPAN_ID == null) {
            return null;
        }
        try {
            return (String) CURRENT_SPAN_ID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle findCurrentCarrier() {
        try {
            return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // JDK 17, or java.lang not opened to the app
        }
    }

    /**
     * The platform thread this code runs on: the current thread, or a virtual thread's carrier,
     * whose counter is where a mounted virtual thread's allocations are counted. Null when the
     * carrier cannot be read.
     */
    static Thread carrier() {
        if (CURRENT_CARRIER == null) {
            return null;
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A platform thread's allocation counter, read by id through the public ThreadMXBean. */
    static long bytesOf(Thread platformThread) {
        return THREADS.getThreadAllocatedBytes(platformThread.getId());
    }

    static boolean agentPresent() {
        return AGENT_BYTES != null;
    }

    /** The thread's allocation counter: everything allocated on it, the agent's bytes included. */
    static long rawBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** What the agent allocated on this thread so far; 0 without the agent. */
    static long agentBytes() {
        if (AGENT_BYTES == null) {
            return 0;
        }
        try {
            return (long) AGENT_BYTES.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * How many times a virtual thread has mounted on this code's carrier, by the agent's count; equal
     * before and after a window: the virtual thread never unmounted in it. -1 without the agent or on
     * a platform thread.
     */
    static long carrierMounts() {
        if (CARRIER_MOUNTS == null) {
            return -1;
        }
        try {
            return (long) CARRIER_MOUNTS.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
