package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code leak SECONDS}: keeps ~8 MB/s (800,000 bytes every 100 ms) for good, next to
 * ~32 MB/s of short-lived garbage. {@code steady SECONDS}: the same garbage and the same 8 MB/s,
 * but into a flat live set of 100 slots that are replaced in turn (each array lives ~1 s, long
 * enough to survive young collections): heavy garbage, no leak.
 */
public class LeakApp {
    static volatile Object sink;
    static final List<byte[]> RETAINED = new ArrayList<>();
    static final byte[][] SLOTS = new byte[100][];
    static int next;

    /** Eight 100,000-byte arrays: small enough to be born young and promoted (not G1 humongous objects). */
    @ProfileMemory
    static void retain() {
        for (int i = 0; i < 8; i++) {
            RETAINED.add(new byte[100_000]);
        }
    }

    @ProfileMemory
    static void replace() {
        SLOTS[next] = new byte[80_000];
        next = (next + 1) % SLOTS.length;
    }

    public static void main(String[] args) throws Exception {
        boolean leak = args[0].equals("leak");
        long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        Truth.print("leakStartMs", System.currentTimeMillis());
        while (System.nanoTime() < end) {
            if (leak) {
                retain();
            }
            for (int i = 0; i < 10; i++) {
                if (!leak) {
                    replace();
                }
                for (int j = 0; j < 5; j++) {
                    sink = new byte[64 * 1024];
                }
                Thread.sleep(10);
            }
        }
        sink = SLOTS;
        Truth.print("retainedBytes", 100_000L * RETAINED.size());
    }
}
