package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

/**
 * 5,000 operations registered, then 10,000 live virtual threads each using the last one once:
 * the heap's growth while they are all alive, after a full GC (run with and without the agent,
 * the difference is what the agent holds for them), and from the class histogram the growth of
 * the agent's own objects and of thread-local maps.
 */
public class VirtualStateApp {
    static volatile Object sink;

    public static void main(String[] args) throws Throwable {
        int ops = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        for (int i = 0; i < ops; i++) {
            try (MemoryBlock b = MemoryProfiler.block("op-" + i)) {
                sink = null;
            }
        }
        String last = "op-" + (ops - 1);
        CountDownLatch used = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        Runnable work = () -> {
            try (MemoryBlock b = MemoryProfiler.block(last)) {
                sink = new byte[100];
            }
            used.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        var start = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                MethodType.methodType(Thread.class, Runnable.class));
        Thread.sleep(300); // the agent folds the 5,000 registrations into its figures before the baseline
        long before = heapAfterGc();
        long[] before2 = steadyHistogram();
        Thread[] all = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            all[i] = (Thread) start.invokeExact(work);
        }
        used.await();
        long during = heapAfterGc();
        long[] during2 = steadyHistogram();
        release.countDown();
        for (Thread t : all) {
            t.join();
        }
        Truth.print("heapGrowth", during - before);
        Truth.print("agentObjectsGrowth", during2[0] - before2[0]);
        Truth.print("threadLocalMapsGrowth", during2[1] - before2[1]);
    }

    /**
     * The smallest of three histograms 150 ms apart: what the agent holds for good is in all three;
     * the sampler's transient per-operation view (about 200 KB for 5,000 operations, live only while
     * a sample is being taken) is not counted if one of them misses it.
     */
    static long[] steadyHistogram() throws Exception {
        long[] min = histogram();
        for (int i = 0; i < 2; i++) {
            Thread.sleep(150);
            long[] h = histogram();
            min[0] = Math.min(min[0], h[0]);
            min[1] = Math.min(min[1], h[1]);
        }
        return min;
    }

    /**
     * From the JVM's class histogram (after a full GC): bytes of the agent's own objects (its
     * classes, not the API's), and how many threads have a thread-local map.
     */
    static long[] histogram() throws Exception {
        String h = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long agent = 0;
        long maps = 0;
        for (String line : h.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue;
            }
            if (f[3].contains("io.memagent.") && !f[3].contains("io.memagent.api.")) {
                agent += Long.parseLong(f[2]);
            }
            if (f[3].equals("java.lang.ThreadLocal$ThreadLocalMap")) {
                maps = Long.parseLong(f[1]);
            }
        }
        return new long[] {agent, maps};
    }

    static long heapAfterGc() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
