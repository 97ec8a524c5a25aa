package io.memagent.agent.jvm;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.util.AgentLog;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * Tells the agent to shed its own optional work while the app's heap is nearly full, so that an
 * app fighting for memory does not also feed the agent's per-call rows and histograms.
 *
 * <p>Measured after every collection (GC notifications, on the JVM's notification thread): the
 * old generation's usage after its last collection over its max, the live set the app cannot
 * free. Shedding starts when that is at or above {@value #ENTER_PCT}% after
 * {@value #ENTER_AFTER} collections in a row (one full heap can be a passing peak; two in a row
 * is the app's state) and stops at the first collection below {@value #EXIT_PCT}%. The gap keeps
 * it from flapping. Each change is logged once and counted.
 */
public final class MemoryPressure implements NotificationListener {
    static final double ENTER_PCT = 95;
    static final double EXIT_PCT = 75;
    static final int ENTER_AFTER = 2;

    private final List<MemoryPoolMXBean> oldPools = new ArrayList<>();
    private final long heapMax = PlatformBeans.memory().getHeapMemoryUsage().getMax();
    private final Consumer<Boolean> onChange;
    private int collectionsAbove;
    private boolean shedding;
    private long episodes;

    /** @param onChange told {@code true} when shedding starts and {@code false} when it stops */
    public MemoryPressure(Consumer<Boolean> onChange) {
        this.onChange = onChange;
        for (MemoryPoolMXBean pool : PlatformBeans.memoryPools()) {
            if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported()) {
                oldPools.add(pool); // the old generation, found by role as in JvmSampler
            }
        }
    }

    public void install() {
        for (GarbageCollectorMXBean gc : PlatformBeans.garbageCollectors()) {
            if (gc instanceof NotificationEmitter emitter) {
                // No filter: a NotificationFilter lambda is serializable, one of the costliest classes the JDK
                // generates at start; the type is checked in handleNotification instead.
                emitter.addNotificationListener(this, null, null);
            }
        }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        try {
            double pct = oldGenerationAfterGcPct();
            if (pct >= 0) {
                observe(pct);
            }
        } catch (Throwable t) { // never let our failure reach the JVM's notification thread
            AgentLog.once("memory-pressure", "could not read the heap after a collection; memory-pressure shedding is off: " + t);
        }
    }

    /** The old generation's usage after its last collection, in % of its max; -1 if unknown. */
    private double oldGenerationAfterGcPct() {
        long used = 0;
        long max = 0;
        for (MemoryPoolMXBean pool : oldPools) {
            MemoryUsage after = pool.getCollectionUsage();
            if (after == null) {
                continue;
            }
            used += after.getUsed();
            max += after.getMax() > 0 ? after.getMax() : Math.max(0, heapMax);
        }
        return max > 0 ? 100.0 * used / max : -1;
    }

    /** One collection's figure. Package-private for the unit test of the hysteresis. */
    synchronized void observe(double pct) {
        if (!shedding) {
            collectionsAbove = pct >= ENTER_PCT ? collectionsAbove + 1 : 0;
            if (collectionsAbove >= ENTER_AFTER) {
                shedding = true;
                episodes++;
                AgentLog.warn(String.format("memory pressure: the old generation is %.1f%% full after %d collections in a"
                        + " row; the agent sheds its own work (no memory_allocations rows, no percentiles; counters kept)"
                        + " until it is below %.0f%%", pct, collectionsAbove, EXIT_PCT));
                onChange.accept(true);
            }
        } else if (pct < EXIT_PCT) {
            shedding = false;
            collectionsAbove = 0;
            AgentLog.info(String.format("memory pressure is over: the old generation is %.1f%% full after a collection;"
                    + " the agent resumes its full work", pct));
            onChange.accept(false);
        }
    }

    public synchronized boolean shedding() {
        return shedding;
    }

    /** How many times shedding started in this run. */
    public synchronized long episodes() {
        return episodes;
    }
}
