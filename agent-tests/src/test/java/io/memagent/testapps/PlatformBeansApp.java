package io.memagent.testapps;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.NotificationEmitter;

/**
 * Uses the JDK's management API the way an app or its metrics library does, while the agent runs beside it with the
 * platform beans it took from the JDK's own factory: holds a 1,000,000-byte direct buffer, listens for GC
 * notifications itself, reads a JVM flag through {@code HotSpotDiagnosticMXBean}.
 *
 * <p>Waits 1.5 s first (the agent's runtime and its sampler start within that), then prints
 * {@code app.gc.notified} (1: its own listener heard the {@code System.gc()} within 5 s), {@code app.nmt.summary}
 * (1: the flag reads {@code summary}, as the JVM was started) and {@code app.direct.bytes} (the {@code direct} pool's
 * memory used, by the platform's bean), and stays up 0.8 s more for the agent's next samples.
 */
public class PlatformBeansApp {
    public static volatile ByteBuffer held;

    public static void main(String[] args) throws Exception {
        held = ByteBuffer.allocateDirect(1_000_000);
        CountDownLatch heard = new CountDownLatch(1);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> heard.countDown(),
                    n -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()), null);
        }
        Thread.sleep(1500);
        System.gc();
        Truth.print("app.gc.notified", heard.await(5, TimeUnit.SECONDS) ? 1 : 0);
        String nmt = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("NativeMemoryTracking").getValue();
        Truth.print("app.nmt.summary", nmt.equals("summary") ? 1 : 0);
        long direct = -1;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        Truth.print("app.direct.bytes", direct);
        Thread.sleep(800);
    }
}
