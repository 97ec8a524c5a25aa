package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

/**
 * 5,000 operations registered, then 10,000 live virtual threads each using the last one once:
 * the heap's growth while they are all alive, after a full GC. Run with and without the agent,
 * the difference is what the agent holds for them.
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
        long before = heapAfterGc();
        Thread[] all = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            all[i] = (Thread) start.invokeExact(work);
        }
        used.await();
        long during = heapAfterGc();
        release.countDown();
        for (Thread t : all) {
            t.join();
        }
        Truth.print("heapGrowth", during - before);
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
