package io.memagent.testapps;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory outside the heap.
 * <ul>
 * <li>{@code idle STOPFILE}: a small heap in use, then waits (sleeping) until STOPFILE exists (60 s at most).</li>
 * <li>{@code leak SECONDS MB}: MB MiB of 1 MiB direct buffers over SECONDS, kept for good, at an even
 * pace (every 100 ms), next to ~10 MB/s of short-lived heap garbage: native memory grows, the heap's
 * live set stays flat.</li>
 * <li>{@code steady SECONDS MB}: the same buffers at the same pace, and the same garbage, but each
 * buffer is dropped at once: the collector's cleaner frees it, native memory saws around a level.</li>
 * </ul>
 */
public class NativeMemoryApp {
    static volatile Object sink;
    static final List<ByteBuffer> KEPT = new ArrayList<>();
    static final List<byte[]> LIVE = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 16; i++) {
            LIVE.add(new byte[1 << 20]); // a small live set, the same in every mode
        }
        if (args[0].equals("idle")) {
            Path stop = Path.of(args[1]);
            System.out.println("ready");
            long end = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(stop) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            System.out.println("done");
            return;
        }
        boolean leak = args[0].equals("leak");
        long seconds = Long.parseLong(args[1]);
        int buffers = Integer.parseInt(args[2]);
        long stepNs = seconds * 1_000_000_000L / buffers;
        long start = System.nanoTime();
        Truth.print("leakStartMs", System.currentTimeMillis());
        for (int i = 0; i < buffers; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20); // zeroed: every page touched, so resident
            if (leak) {
                KEPT.add(b);
            } else {
                sink = b;
            }
            while (System.nanoTime() < start + (i + 1) * stepNs) {
                for (int j = 0; j < 16; j++) {
                    sink = new byte[64 * 1024];
                }
                Thread.sleep(10);
            }
        }
        sink = null;
        Truth.print("keptBytes", (long) KEPT.size() << 20);
    }
}
