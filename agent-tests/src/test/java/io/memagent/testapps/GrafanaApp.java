package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Known data for the Grafana dashboard's queries: 50 x {@code Orders.load} (a 1,000,000-byte array
 * each), 200 x {@code Cart.small} (1,000 longs), one {@code Batch.huge} of 30 MiB (a medium spike),
 * two {@code System.gc()}, then 20 idle threads (a thread leak where {@code memagent.leak.threads.growth}
 * is below 20). {@code GrafanaApp GO STOP}: prints the true sizes, waits for the file GO (the test
 * creates it once the agent samples), does the work printing when each part ran, prints {@code ready},
 * and exits once the file STOP exists.
 */
public class GrafanaApp {
    public static final int LOADS = 50;
    public static final int SMALLS = 200;
    public static final int THREADS = 20;
    static volatile Object sink;

    @ProfileMemory(name = "Orders.load")
    static byte[] load() {
        return new byte[1_000_000];
    }

    @ProfileMemory(name = "Cart.small")
    static long[] small() {
        return new long[1000];
    }

    @ProfileMemory(name = "Batch.huge")
    static byte[] huge() {
        return new byte[30 << 20];
    }

    public static void main(String[] args) throws Exception {
        Truth.print("truth.load", Truth.bytesOf(() -> new byte[1_000_000]));
        Truth.print("truth.small", Truth.bytesOf(() -> new long[1000]));
        Truth.print("truth.huge", Truth.bytesOf(() -> new byte[30 << 20]));
        Truth.sink = null;
        System.out.println("started");
        await(Path.of(args[0]));
        for (int i = 0; i < LOADS; i++) {
            sink = load();
            for (int j = 0; j < SMALLS / LOADS; j++) {
                sink = small();
            }
            Thread.sleep(20);
        }
        Truth.print("hugeStartMs", System.currentTimeMillis());
        sink = huge();
        Truth.print("hugeEndMs", System.currentTimeMillis());
        sink = null;
        System.gc();
        System.gc();
        CountDownLatch never = new CountDownLatch(1);
        Truth.print("threadsStartMs", System.currentTimeMillis());
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(() -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "idle-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(1500); // several samples with the extra threads
        System.out.println("ready");
        await(Path.of(args[1]));
    }

    private static void await(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + file + " within 120 s");
            }
            Thread.sleep(10);
        }
    }
}
