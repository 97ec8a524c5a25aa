package io.memagent.agent.jvm;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.util.AgentLog;
import io.memagent.agent.store.RowSink;
import io.memagent.bootstrap.HotPath;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * One {@code gc_events} row per collection, from the JVM's GC notifications (no polling). The
 * JVM calls this on its own notification thread, never on an app thread. It also tells the hot
 * path a GC happened, and keeps the bytes collections freed, from which the sampler derives the
 * allocation rate.
 */
final class GcListener implements NotificationListener {
    private final JvmHistory history;
    private final RowSink sink;
    private final long jvmStartMs = PlatformBeans.runtime().getStartTime();
    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong freedBytes = new AtomicLong();

    GcListener(JvmHistory history, RowSink sink) {
        this.history = history;
        this.sink = sink;
        for (MemoryPoolMXBean pool : PlatformBeans.memoryPools()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    void install() {
        for (GarbageCollectorMXBean gc : PlatformBeans.garbageCollectors()) {
            if (gc instanceof NotificationEmitter emitter) {
                // No filter: a NotificationFilter lambda is serializable, one of the costliest classes the JDK
                // generates at start; the type is checked in handleNotification instead.
                emitter.addNotificationListener(this, null, null);
            }
        }
    }

    /** At shutdown, before the writer's last batch: a collection then would make a row nobody writes. */
    void uninstall() {
        for (GarbageCollectorMXBean gc : PlatformBeans.garbageCollectors()) {
            if (gc instanceof NotificationEmitter emitter) {
                try {
                    emitter.removeNotificationListener(this);
                } catch (javax.management.ListenerNotFoundException e) {
                    // never installed on this one
                }
            }
        }
    }

    /** Bytes freed by all collections so far (heap used before minus after, summed). */
    long freedBytes() {
        return freedBytes.get();
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        HotPath.gcHappened();
        try {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            GcInfo gc = info.getGcInfo();
            long before = heapTotal(gc.getMemoryUsageBeforeGc());
            long after = heapTotal(gc.getMemoryUsageAfterGc());
            if (before > after) {
                freedBytes.addAndGet(before - after);
            }
            GcEvent e = new GcEvent(gc.getId(), info.getGcName(), info.getGcAction(), info.getGcCause(),
                    gc.getDuration(), before, after, jvmStartMs + gc.getStartTime());
            history.addGcEvent(e);
            sink.offer(e);
        } catch (Throwable ex) { // never let our failure reach the JVM's notification thread
            AgentLog.once("gc-notification", "could not read a GC notification; GC events are incomplete: " + ex);
        }
    }

    private long heapTotal(Map<String, MemoryUsage> usage) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                sum += e.getValue().getUsed();
            }
        }
        return sum;
    }
}
