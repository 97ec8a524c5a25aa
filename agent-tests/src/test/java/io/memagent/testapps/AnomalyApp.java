package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * An operation allocating 10,000 bytes a call about a thousand times a second, doubling to
 * 20,000 halfway through; then, after a pause, one call that allocates and keeps 40 MiB (a jump
 * of the heap between two samples).
 */
public class AnomalyApp {
    static volatile Object sink;
    static Object kept;

    @ProfileMemory
    static void handle(int size) {
        sink = new byte[size];
    }

    @ProfileMemory
    static void burst() {
        kept = new byte[40 << 20];
    }

    public static void main(String[] args) throws Exception {
        long half = Long.parseLong(args[0]) * 1_000_000L;
        for (int size : new int[] {10_000, 20_000}) {
            long end = System.nanoTime() + half;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 10; i++) {
                    handle(size);
                }
                Thread.sleep(10);
            }
        }
        System.gc();
        Thread.sleep(500);
        burst();
        Thread.sleep(500);
        Truth.print("kept", ((byte[]) kept).length);
    }
}
