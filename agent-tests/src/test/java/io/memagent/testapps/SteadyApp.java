package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two threads calling a profiled method about every millisecond for a given time, each
 * timing every call: prints the calls made and the longest call, so a test can show the app
 * never waited on the agent (for example while the database was down).
 */
public class SteadyApp {
    static volatile Object sink;

    @ProfileMemory
    static void work() {
        sink = new byte[1000];
    }

    public static void main(String[] args) throws Exception {
        long runMs = Long.parseLong(args[0]);
        AtomicLong calls = new AtomicLong();
        AtomicLong maxCallNs = new AtomicLong();
        long end = System.nanoTime() + runMs * 1_000_000L;
        Runnable loop = () -> {
            long n = 0;
            long max = 0;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                work();
                long took = System.nanoTime() - t0;
                max = Math.max(max, took);
                n++;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            calls.addAndGet(n);
            maxCallNs.accumulateAndGet(max, Math::max);
        };
        Thread a = new Thread(loop, "steady-a");
        Thread b = new Thread(loop, "steady-b");
        System.out.println("running");
        a.start();
        b.start();
        a.join();
        b.join();
        Truth.print("calls", calls.get());
        Truth.print("maxCallMicros", maxCallNs.get() / 1000);
    }
}
