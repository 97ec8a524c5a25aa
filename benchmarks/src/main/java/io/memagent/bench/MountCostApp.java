package io.memagent.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CountDownLatch;

/**
 * Virtual threads that do nothing but {@code Thread.yield()}: each yield is one unmount and one
 * mount, where the agent's hooks run. Prints {@code nsPerYield=N} for the fastest of the rounds
 * after warm-up. With the argument {@code profiled}, every virtual thread first makes one profiled
 * call (so the carriers have recording states and the hooks do their whole work); without it, no
 * profiled call is made: what the hooks cost virtual threads that never call profiled code.
 */
public final class MountCostApp {
    private MountCostApp() {
    }

    public static void main(String[] args) throws Throwable {
        boolean profiled = args.length > 0 && args[0].equals("profiled");
        int threads = 4;
        int yields = 200_000;
        var start = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                MethodType.methodType(Thread.class, Runnable.class));
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 8; round++) {
            CountDownLatch done = new CountDownLatch(threads);
            Runnable work = () -> {
                if (profiled) {
                    Profiled.empty();
                }
                for (int k = 0; k < yields; k++) {
                    Thread.yield();
                }
                done.countDown();
            };
            long t0 = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                Thread t = (Thread) start.invokeExact(work);
            }
            done.await();
            long ns = (System.nanoTime() - t0) * 10 / ((long) threads * yields);
            if (round >= 3) {
                best = Math.min(best, ns);
            }
        }
        System.out.println("nsPerYieldTenths=" + best);
    }
}
