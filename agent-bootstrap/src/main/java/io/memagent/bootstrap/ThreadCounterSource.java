package io.memagent.bootstrap;

import java.lang.management.ManagementFactory;

/**
 * Where {@link HotPath} gets the JVM's per-thread allocation counter from when it initializes.
 *
 * <p>The agent offers one it made directly ({@code new HotSpotThreadImpl(...)}, plain calls), before anything
 * initializes {@link HotPath}: asking {@link ManagementFactory} for it builds the JDK's whole platform-bean
 * registry first, about 20 ms of a cold JVM's start on the application's thread. Without an offer (a JDK that
 * lacks those internals, or a test) it is {@link ManagementFactory}'s, as before. Both read the same counter.
 */
public final class ThreadCounterSource {
    /** Written once by premain's thread, read once by whichever thread initializes {@link HotPath}. */
    private static volatile com.sun.management.ThreadMXBean offered;

    private ThreadCounterSource() {
    }

    /** Call before {@link HotPath} initializes; later offers are not seen. */
    public static void offer(com.sun.management.ThreadMXBean threads) {
        offered = threads;
    }

    /** The class of the bean the hot path reads (initializing {@link HotPath} if it is not yet). */
    public static Class<?> counterClass() {
        return HotPath.THREADS.getClass();
    }

    /** The offered bean, or the platform's. */
    static com.sun.management.ThreadMXBean threads() {
        com.sun.management.ThreadMXBean t = offered;
        return t != null ? t : (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }
}
