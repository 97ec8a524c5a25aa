package io.memagent.bench;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two threads call an empty profiled method as fast as they can for the given seconds; run with
 * {@code -javaagent}. It prints the calls it made and their rate; the agent's exit report then
 * says how many calls it counted and how many lost their detail (came faster than it drained).
 * Arguments: {@code <seconds> [threads]}.
 */
public final class AggregationApp {
    private AggregationApp() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        // Warm up on this thread (and give the agent's Byte Buddy time to be ready) before the timed part.
        long warm = System.nanoTime() + 1_000_000_000L;
        long warmCalls = 0;
        while (System.nanoTime() < warm) {
            Profiled.empty();
            warmCalls++;
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        long[] counts = new long[threads * 16];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int slot = t * 16;
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0;
                while (!stop.get()) {
                    for (int i = 0; i < 1000; i++) {
                        Profiled.empty();
                    }
                    n += 1000;
                }
                counts[slot] = n;
            }, "caller-" + t);
            ts[t].start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        long total = 0;
        for (Thread t : ts) {
            t.join();
        }
        long t1 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            total += counts[t * 16];
        }
        System.out.printf(Locale.ROOT, "calls=%d%nwarmupCalls=%d%nrate=%.0f%n", total, warmCalls, total / ((t1 - t0) / 1e9));
    }
}
