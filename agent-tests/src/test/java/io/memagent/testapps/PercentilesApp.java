package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.util.Arrays;

/**
 * Calls whose bytes are known: call i allocates {@code new byte[(i % 100 + 1) * 1000]}, and the
 * app prints the exact min, max and percentiles of what they allocated (each size measured
 * around a plain twin). Then two threads call an empty profiled method flat out.
 */
public class PercentilesApp {
    static volatile Object sink;

    @ProfileMemory(name = "sized")
    static void sized(int n) {
        sink = new byte[n];
    }

    @ProfileMemory(name = "empty")
    static void empty() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        long flatOutMs = Long.parseLong(args[1]);
        long[] truth = new long[100];
        for (int k = 0; k < 100; k++) {
            int n = (k + 1) * 1000;
            truth[k] = Truth.bytesOf(() -> new byte[n]);
        }
        long[] values = new long[calls];
        for (int i = 0; i < calls; i++) {
            sized((i % 100 + 1) * 1000);
            values[i] = truth[i % 100];
        }
        Arrays.sort(values);
        Truth.print("exact.min", values[0]);
        Truth.print("exact.max", values[calls - 1]);
        Truth.print("exact.total", Arrays.stream(values).sum());
        for (int p : new int[] {50, 95, 99}) {
            Truth.print("exact.p" + p, values[(int) Math.ceil(p / 100.0 * calls) - 1]);
        }
        long[] counts = new long[2];
        Thread[] t = new Thread[2];
        for (int k = 0; k < 2; k++) {
            int me = k;
            t[k] = new Thread(() -> {
                long end = System.nanoTime() + flatOutMs * 1_000_000;
                long n = 0;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1000; i++) {
                        empty();
                    }
                    n += 1000;
                }
                counts[me] = n;
            });
            t[k].start();
        }
        for (Thread th : t) {
            th.join();
        }
        Truth.print("emptyCalls", counts[0] + counts[1]);
    }
}
