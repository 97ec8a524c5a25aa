package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.reflect.Modifier;
import java.util.concurrent.CountDownLatch;

/**
 * Profiled {@code synchronized} methods (instance and static) called while another thread holds
 * their monitor for {@code HOLD_MS}: the calls' durations must include that wait. The JVM's
 * semantics must survive the agent's rewrite: mutual exclusion under contention, the monitor held
 * inside ({@code holdsLock}, {@code wait}), released when the method throws.
 */
public class SynchronizedApp {
    public static final long HOLD_MS = 500;
    public static final int THREADS = 4;
    public static final int ADDS_PER_THREAD = 10_000;
    static volatile Object sink;

    static final class Counter {
        long value;

        @ProfileMemory
        synchronized byte[] add(long n) {
            value += n;
            return new byte[1000];
        }

        @ProfileMemory
        static synchronized double staticWork(double x) {
            sink = new byte[1000];
            return x * 2;
        }

        @ProfileMemory
        synchronized void fail() {
            sink = new byte[1000];
            throw new IllegalStateException("fails while holding the monitor");
        }

        @ProfileMemory
        synchronized boolean holdsItsMonitor() throws InterruptedException {
            wait(1); // IllegalMonitorStateException unless the monitor is held
            return Thread.holdsLock(this);
        }
    }

    public static void main(String[] args) throws Exception {
        Counter c = new Counter();
        Truth.print("truth.add", Truth.bytesOf(() -> new byte[1000]));

        Truth.print("contended.instance.wallNs", whileHeld(c, () -> sink = c.add(1)));
        Truth.print("contended.static.wallNs", whileHeld(Counter.class, () -> sink = Counter.staticWork(1.5)));

        Thread[] adders = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            adders[t] = new Thread(() -> {
                for (int i = 0; i < ADDS_PER_THREAD; i++) {
                    sink = c.add(1);
                }
            });
            adders[t].start();
        }
        for (Thread t : adders) {
            t.join();
        }
        Truth.print("counter.value", c.value);

        try {
            c.fail();
        } catch (IllegalStateException expected) {
            Truth.print("fail.threw", 1);
        }
        Thread taker = new Thread(() -> {
            synchronized (c) {
                sink = "taken";
            }
        });
        taker.start();
        taker.join(5_000);
        Truth.print("fail.releasedMonitor", taker.isAlive() ? 0 : 1);
        Truth.print("holdsItsMonitor", c.holdsItsMonitor() ? 1 : 0);
        Truth.print("add.flagSynchronized",
                Modifier.isSynchronized(Counter.class.getDeclaredMethod("add", long.class).getModifiers()) ? 1 : 0);
        if (taker.isAlive()) {
            System.exit(3); // a leaked monitor: do not hang the test
        }
    }

    /** Calls {@code call} while another thread holds {@code lock} for HOLD_MS; the call's wall time. */
    private static long whileHeld(Object lock, Runnable call) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (lock) {
                held.countDown();
                try {
                    Thread.sleep(HOLD_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holder.start();
        held.await();
        long t0 = System.nanoTime();
        call.run();
        long wall = System.nanoTime() - t0;
        holder.join();
        return wall;
    }
}
