package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes profiled calls in three phases: before, while and after its old generation is nearly
 * full of live data. Run with -XX:+UseSerialGC: one old pool, whose usage after System.gc() is
 * the live set. Arguments: calls per phase (before, during, after), the go-file to wait for.
 */
public class PressureApp {
    static volatile Object sink;
    static volatile List<byte[]> retained;

    @ProfileMemory
    static byte[] fourThousandBytes() {
        return new byte[4000];
    }

    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[3]);
        while (!Files.exists(go)) {
            Thread.sleep(20);
        }
        calls(Integer.parseInt(args[0]));

        MemoryPoolMXBean old = oldPool();
        System.gc();
        long target = (long) (old.getUsage().getMax() * 0.97) - old.getCollectionUsage().getUsed();
        List<byte[]> keep = new ArrayList<>();
        for (long kept = 0; kept + 256 * 1024 <= target; kept += 256 * 1024) {
            keep.add(new byte[256 * 1024 - 16]);
        }
        retained = keep;
        System.gc();
        System.gc();
        Thread.sleep(300); // GC notifications arrive on the JVM's own thread
        Truth.print("oldPctDuring", 100 * old.getCollectionUsage().getUsed() / old.getUsage().getMax());
        calls(Integer.parseInt(args[1]));

        retained = null;
        keep = null;
        System.gc();
        Thread.sleep(300);
        Truth.print("oldPctAfter", 100 * old.getCollectionUsage().getUsed() / old.getUsage().getMax());
        calls(Integer.parseInt(args[2]));
        Truth.print("done", 1);
    }

    private static void calls(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            sink = fourThousandBytes();
        }
        Thread.sleep(300); // drained (every 10 ms) while the phase's state holds
    }

    private static MemoryPoolMXBean oldPool() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported()) {
                return p;
            }
        }
        throw new IllegalStateException("no old generation pool");
    }
}
