package io.memagent.agent.http;

import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.aggregate.ProfiledTotals;
import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.store.RecentRows;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.store.WriterStats;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/memory/status}: the memory of the process now (heap, resident set, container, native
 * memory, GC), what was profiled, what the agent cost, and what it detected; the dashboard's header
 * and the first part of {@code /report}. Reads the JVM's beans and the latest sample, in memory.
 */
final class MemoryStatus {
    private MemoryStatus() {
    }

    static Map<String, Object> of(ApiSources src) {
        Map<String, Object> m = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        m.put("service", src.run().serviceName());
        m.put("process_id", src.run().processId());
        m.put("run_id", src.run().runId().toString());
        m.put("host", src.run().host());
        m.put("jvm_version", src.run().jvmVersion());
        m.put("agent_version", src.run().agentVersion());
        m.put("mode", src.rows().stats().mode());
        m.put("virtual_threads", src.virtualThreads().get());
        m.put("started_at", Instant.ofEpochMilli(src.run().startedAtMs()).toString());
        m.put("uptime_seconds", (now - src.run().startedAtMs()) / 1000.0);
        MemoryUsage heap = PlatformBeans.memory().getHeapMemoryUsage();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("used_bytes", heap.getUsed());
        h.put("committed_bytes", heap.getCommitted());
        h.put("max_bytes", heap.getMax() > 0 ? heap.getMax() : null);
        JvmSample last = src.jvm().latest();
        h.put("utilization_pct", last == null ? null : last.utilizationPct());
        h.put("state", last == null ? null : last.memoryState());
        h.put("high_water_bytes", src.jvm().heapUsedHighWater());
        m.put("heap", h);
        m.put("process", process(src.jvm(), last));
        m.put("container", container(src.jvm(), last));
        m.put("native_memory", nativeMemory(src.jvm()));
        long gcCount = 0;
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : PlatformBeans.garbageCollectors()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        m.put("gc", Map.of("collections", gcCount, "time_ms", gcMs));
        m.put("threads", PlatformBeans.threads().getThreadCount());
        m.put("loaded_classes", PlatformBeans.classLoading().getLoadedClassCount());
        List<OperationSummary> ops = src.operations().get();
        ProfiledTotals t = ProfiledTotals.of(ops); // self bytes: each byte once however deep calls nest
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("operations", t.operations());
        p.put("calls", t.calls());
        p.put("cold_calls", t.coldCalls());
        p.put("self_bytes", t.selfBytes());
        p.put("top_operation", ops.isEmpty() ? null : ops.get(0).name());
        m.put("profiled", p);
        m.put("agent_overhead", agentOverhead());
        m.put("spikes_detected", src.rows().made(Table.MEMORY_SPIKES));
        m.put("open_leaks", openLeaks(src.rows()));
        m.put("alerts_raised", src.rows().made(Table.SYSTEM_ALERTS));
        m.put("risk", src.risk().current());
        WriterStats w = src.rows().stats();
        m.put("writer", Map.of("queue_depth", w.queueDepth(), "rows_dropped", w.droppedTotal()));
        return m;
    }

    /**
     * The resident set at the last sample (null where the platform does not say), its high-water mark, and the
     * heap's committed size beside it (whose pages count in the resident set once touched).
     */
    static Map<String, Object> process(JvmHistory jvm, JvmSample last) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("resident_bytes", last == null ? null : last.processRssBytes());
        p.put("resident_high_water_bytes", jvm.rssHighWater() > 0 ? jvm.rssHighWater() : null);
        p.put("heap_committed_bytes", last == null ? null : last.heapCommittedBytes());
        return p;
    }

    /**
     * The container's memory at the last sample: its limit (null when unlimited) and usage, and the
     * resident set's utilization and state against the limit, or against physical memory without one.
     */
    static Map<String, Object> container(JvmHistory jvm, JvmSample last) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("limit_bytes", last == null ? null : last.containerLimitBytes());
        c.put("used_bytes", last == null ? null : last.containerUsedBytes());
        c.put("measured_against_bytes", jvm.containerLimitAgainstBytes() > 0 ? jvm.containerLimitAgainstBytes() : null);
        c.put("limit_source", jvm.containerLimitSource());
        c.put("utilization_pct", last == null ? null : last.containerUtilizationPct());
        c.put("state", last == null ? null : last.containerState());
        return c;
    }

    /** NMT's latest reading by category, or null without -XX:NativeMemoryTracking. */
    static Map<String, Object> nativeMemory(JvmHistory jvm) {
        io.memagent.agent.jvm.NativeMemory.Reading r = jvm.nativeMemory();
        if (r == null) {
            return null;
        }
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("read_at", Instant.ofEpochMilli(r.atMs()).toString());
        n.put("committed_bytes", r.totalCommittedBytes());
        n.put("committed_outside_heap_bytes", r.outsideHeapBytes());
        n.put("categories", r.committedByCategory());
        n.put("readings", jvm.nativeReadings());
        n.put("read_cost_micros", jvm.nativeReadMicros());
        n.put("first_read_cost_micros", jvm.nativeFirstReadMicros());
        return n;
    }

    /**
     * What the agent cost the app's threads (weaving classes as they load, naming operations,
     * per-thread state), already taken off every profiled call: the app's own allocation counter
     * equals the profiled bytes plus these bytes.
     */
    static Map<String, Object> agentOverhead() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("bytes", io.memagent.bootstrap.AgentOverhead.bytes());
        o.put("time_ms", io.memagent.bootstrap.AgentOverhead.nanos() / 1e6);
        o.put("class_loads_seen", io.memagent.bootstrap.AgentOverhead.classes());
        return o;
    }

    /** Leaks among the recent rows that are not resolved. */
    static long openLeaks(RecentRows rows) {
        long open = 0;
        for (Row r : rows.recent(Table.MEMORY_LEAK_DETECTION)) {
            if (!Boolean.TRUE.equals(r.values().get("resolved"))) {
                open++;
            }
        }
        return open;
    }

}
