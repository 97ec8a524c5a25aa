package io.memagent.testapps;

import io.memagent.api.MemoryProfiler;
import io.memagent.api.MemorySpike;
import io.memagent.api.ProfileMemory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Calls allocating 30, 60 and 120 MiB (medium, high, critical by default), separated by small
 * calls of the same operation (which end a run of spikes), then four 30 MiB calls in a row, and two operations with their own thresholds. A spike
 * listener collects what the agent reports; a second listener always throws. Prints what the
 * listener saw. With the argument {@code critical}: only one 120 MiB call.
 */
public class SpikeApp {
    static volatile Object sink;
    static final List<MemorySpike> HEARD = new CopyOnWriteArrayList<>();

    @ProfileMemory
    static void alloc(int mib) {
        sink = new byte[mib << 20];
    }

    /** Its own threshold of 5 MiB: 12 MiB is high (2x), below critical (4x). */
    @ProfileMemory(spikeMb = 5)
    static void watched() {
        sink = new byte[12 << 20];
    }

    /** Its own threshold of 500 MiB: 120 MiB is no spike here. */
    @ProfileMemory(spikeMb = 500)
    static void expectedBig() {
        sink = new byte[120 << 20];
    }

    public static void main(String[] args) throws Exception {
        MemoryProfiler.onSpike(HEARD::add);
        MemoryProfiler.onSpike(s -> {
            throw new IllegalStateException("a listener that always fails");
        });
        int expected;
        if (args.length > 0 && args[0].equals("critical")) {
            alloc(120);
            sink = null;
            expected = 1;
        } else {
            Truth.print("truth30", Truth.bytesOf(() -> new byte[30 << 20]));
            Truth.sink = null;
            alloc(30);
            alloc(1);
            alloc(60);
            alloc(1);
            alloc(120);
            alloc(1);
            for (int i = 0; i < 4; i++) {
                alloc(30);
            }
            alloc(1);
            watched();
            expectedBig();
            sink = null;
            expected = 8;
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (HEARD.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // a spike too many would arrive now
        Truth.print("heard", HEARD.size());
        for (MemorySpike s : HEARD) {
            System.out.println("spike=" + s.operation() + " " + s.severity() + " " + s.allocatedBytes() + " "
                    + s.thresholdBytes() + " " + s.threadName() + " " + (s.stackTrace() != null
                    && s.stackTrace().startsWith("\tat io.memagent.testapps.SpikeApp.")) + " " + s.heapDumpPath());
        }
    }
}
