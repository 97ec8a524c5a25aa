package io.memagent.testapps;

import java.lang.management.ManagementFactory;

/**
 * Reads which allocation counter the agent gave its hot path ({@code io.memagent.bootstrap.ThreadCounterSource},
 * in the boot loader), and what that counter and the platform's {@code ThreadMXBean} each read around one
 * {@code new byte[1000]} on this thread.
 *
 * <p>Prints {@code offered} (1: the agent made the bean itself, without {@code ManagementFactory}), {@code hotspot}
 * (1: it is the JDK's {@code HotSpotThreadImpl}), {@code distinct} (1: not the platform's instance), and
 * {@code own.bytes} and {@code platform.bytes}, the two counters' differences around the array (the platform's
 * window holds the agent counter's reads too: they allocate nothing).
 */
public class ThreadCounterApp {
    public static volatile Object sink;

    public static void main(String[] args) throws Exception {
        Class<?> source = Class.forName("io.memagent.bootstrap.ThreadCounterSource", false, null);
        java.lang.reflect.Field field = source.getDeclaredField("offered");
        field.setAccessible(true);
        Object offered = field.get(null);
        com.sun.management.ThreadMXBean platform =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Truth.print("offered", offered != null ? 1 : 0);
        Truth.print("hotspot", offered != null
                && offered.getClass().getName().equals("com.sun.management.internal.HotSpotThreadImpl") ? 1 : 0);
        Truth.print("distinct", offered != platform ? 1 : 0);
        com.sun.management.ThreadMXBean own = offered != null ? (com.sun.management.ThreadMXBean) offered : platform;
        long ownBytes = 0;
        long platformBytes = 0;
        for (int i = 0; i < 5; i++) { // the last pass, with every read linked and warm
            long p0 = platform.getCurrentThreadAllocatedBytes();
            long o0 = own.getCurrentThreadAllocatedBytes();
            sink = new byte[1000];
            long o1 = own.getCurrentThreadAllocatedBytes();
            long p1 = platform.getCurrentThreadAllocatedBytes();
            ownBytes = o1 - o0;
            platformBytes = p1 - p0;
        }
        Truth.print("own.bytes", ownBytes);
        Truth.print("platform.bytes", platformBytes);
    }
}
