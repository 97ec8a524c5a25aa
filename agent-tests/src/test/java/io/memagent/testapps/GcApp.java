package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** Calls System.gc() a given number of times, then keeps allocating for a given time. */
public class GcApp {
    static volatile Object sink;

    @ProfileMemory
    static void churn() {
        sink = new byte[64 * 1024];
    }

    public static void main(String[] args) throws Exception {
        int gcs = Integer.parseInt(args[0]);
        long runMs = Long.parseLong(args[1]);
        if (args.length > 2) { // wait for the test's go-ahead (a file), e.g. until the agent's sampler runs
            java.nio.file.Path go = java.nio.file.Path.of(args[2]);
            while (!java.nio.file.Files.exists(go)) {
                Thread.sleep(20);
            }
        }
        Object retained = new byte[4 * 1024 * 1024]; // survives into the old generation
        for (int i = 0; i < gcs; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long end = System.nanoTime() + runMs * 1_000_000L;
        while (System.nanoTime() < end) {
            churn();
            Thread.sleep(1);
        }
        sink = retained;
        Truth.print("gcs", gcs);
    }
}
