package io.memagent.testapps;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills its heap to a target utilization (live data after a GC plus retained chunks), holds it
 * for a while, releases it, and holds again.
 */
public class FillHeapApp {
    static volatile Object sink;
    /**
     * 4 MiB minus the array header and a little: with G1's 1 MiB regions (heaps below 2 GiB) a
     * humongous object that fills exactly four regions, allocated straight into the old
     * generation, never copied by young collections, so filling to 77% needs no copy space.
     */
    static final int CHUNK = 4 * 1024 * 1024 - 32;

    public static void main(String[] args) throws Exception {
        double target = Double.parseDouble(args[0]);
        long holdMs = Long.parseLong(args[1]);
        if (args.length > 2) { // wait for the test's go-ahead (a file), e.g. until the agent is ready
            java.nio.file.Path go = java.nio.file.Path.of(args[2]);
            while (!java.nio.file.Files.exists(go)) {
                Thread.sleep(20);
            }
        }
        List<byte[]> retained = new ArrayList<>();
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        System.gc(); // start from what is really live (the app's and the agent's), without garbage
        long held = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        while (held < target * max) { // count what is retained, not "used", which includes garbage
            retained.add(new byte[CHUNK]);
            held += CHUNK + 32;
        }
        Truth.print("filledPct", 100 * ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / max);
        Thread.sleep(holdMs);
        sink = retained.size();
        retained.clear();
        System.gc();
        Thread.sleep(holdMs);
        Truth.print("done", 1);
    }
}
