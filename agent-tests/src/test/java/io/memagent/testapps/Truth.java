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

    private Truth() {
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
