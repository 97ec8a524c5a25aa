package io.memagent.agent.http;

import io.memagent.agent.detect.ClassHistogram;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.jvm.GcEvent;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.report.OperationTable;
import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.RecentRows;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.store.WriterStats;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The API's answers as plain maps and lists (Jackson writes them): one method per endpoint, so
 * {@code /report} is the others put together. Row-backed answers (spikes, leaks, alerts,
 * recommendations, samples, GC events) use the rows' own column names, the tables' contract.
 */
final class Endpoints {
    static final int MAX_LIMIT = 10_000;
    static final String DB_PREFIX = "DB.";
    /** Sort keys of /top-consumers: the operation's figure to sort by, largest first. */
    static final Map<String, Comparator<OperationSummary>> SORTS = new LinkedHashMap<>();

    static {
        SORTS.put("total_bytes", Comparator.comparingLong(OperationSummary::totalBytes));
        SORTS.put("self_bytes", Comparator.comparingLong(OperationSummary::selfBytes));
        SORTS.put("average_bytes", Comparator.comparingLong(OperationSummary::averageBytes));
        SORTS.put("p99_bytes", Comparator.comparing(o -> o.p99Bytes() == null ? -1L : o.p99Bytes()));
        SORTS.put("max_bytes", Comparator.comparing(o -> o.maxBytes() == null ? -1L : o.maxBytes()));
        SORTS.put("calls", Comparator.comparingLong(OperationSummary::calls));
        SORTS.put("errors", Comparator.comparingLong(OperationSummary::errors));
        SORTS.put("total_duration_ns", Comparator.comparingLong(OperationSummary::totalDurationNs));
    }

    private final ApiSources src;
    private final ObjectMapper mapper;
    private final AtomicBoolean dumping = new AtomicBoolean();

    Endpoints(ApiSources src, ObjectMapper mapper) {
        this.src = src;
        this.mapper = mapper;
    }

    Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("service", src.run().serviceName());
        m.put("process_id", src.run().processId());
        return m;
    }

    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        m.put("service", src.run().serviceName());
        m.put("process_id", src.run().processId());
        m.put("run_id", src.run().runId().toString());
        m.put("host", src.run().host());
        m.put("jvm_version", src.run().jvmVersion());
        m.put("agent_version", src.run().agentVersion());
        m.put("mode", src.rows().stats().mode());
        m.put("started_at", Instant.ofEpochMilli(src.run().startedAtMs()).toString());
        m.put("uptime_seconds", (now - src.run().startedAtMs()) / 1000.0);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
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
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        m.put("gc", Map.of("collections", gcCount, "time_ms", gcMs));
        m.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        m.put("loaded_classes", ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        List<OperationSummary> ops = src.operations().get();
        long calls = 0;
        long bytes = 0;
        for (OperationSummary o : ops) {
            calls += o.calls();
            bytes += o.totalBytes();
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("operations", ops.size());
        p.put("calls", calls);
        p.put("allocated_bytes", bytes);
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

    static Map<String, Object> operation(OperationSummary o) {
        return OperationTable.fields(o);
    }

    List<OperationSummary> sorted(String sort) {
        List<OperationSummary> ops = new ArrayList<>(src.operations().get());
        ops.sort(SORTS.get(sort).reversed().thenComparing(OperationSummary::name));
        return ops;
    }

    Map<String, Object> topConsumers(int limit, String sort) {
        List<OperationSummary> ops = sorted(sort);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, ops.size()); i++) {
            out.add(operation(ops.get(i)));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sort", sort);
        m.put("limit", limit);
        m.put("operations_total", ops.size());
        m.put("operations", out);
        return m;
    }

    /** A row's columns for JSON: instants as ISO-8601 text, ids as text, jsonb columns as JSON. */
    Map<String, Object> row(Row r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : r.values().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Instant i) {
                v = i.toString();
            } else if (v instanceof UUID u) {
                v = u.toString();
            } else if (v instanceof CopyLine.JsonText j) {
                try {
                    v = mapper.readTree(j.json());
                } catch (Exception ex) {
                    v = j.json();
                }
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** Rows newest first, optionally only those at or after {@code sinceMs} (by their last timestamp column). */
    List<Object> rows(List<? extends Row> rows, Long sinceMs) {
        List<Object> out = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row r = rows.get(i);
            if (sinceMs != null && timeOf(r) < sinceMs) {
                continue;
            }
            out.add(row(r));
        }
        return out;
    }

    /** The row's own time: its last timestamp column (recorded_at, detected_at, created_at, ...). */
    static long timeOf(Row r) {
        long t = Long.MIN_VALUE;
        for (Object v : r.values().values()) {
            if (v instanceof Instant i) {
                t = i.toEpochMilli();
            }
        }
        return t;
    }

    Map<String, Object> history(Long sinceMs) {
        JvmHistory h = src.jvm();
        List<JvmSample> samples = h.samples();
        List<GcEvent> gcs = h.gcEvents();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("since", sinceMs == null ? null : Instant.ofEpochMilli(sinceMs).toString());
        List<Object> s = rows(samples, sinceMs);
        Collections.reverse(s); // a time series: oldest first
        List<Object> g = rows(gcs, sinceMs);
        Collections.reverse(g);
        m.put("samples", s);
        m.put("gc_events", g);
        m.put("state_changes", stateChanges(h.stateChanges(), sinceMs));
        m.put("container_state_changes", stateChanges(h.containerStateChanges(), sinceMs));
        return m;
    }

    /** The heap's or the container's state changes since {@code sinceMs} (null: all), as JSON objects. */
    private static List<Object> stateChanges(List<JvmHistory.StateChange> all, Long sinceMs) {
        List<Object> out = new ArrayList<>();
        for (JvmHistory.StateChange c : all) {
            if (sinceMs == null || c.atMs() >= sinceMs) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("at", Instant.ofEpochMilli(c.atMs()).toString());
                cm.put("from", c.from());
                cm.put("to", c.to());
                cm.put("utilization_pct", c.utilizationPct());
                out.add(cm);
            }
        }
        return out;
    }

    Map<String, Object> spikes(int limit) {
        List<Object> rows = rows(src.rows().recent(Table.MEMORY_SPIKES), null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detected_total", src.rows().made(Table.MEMORY_SPIKES));
        m.put("spikes", rows.subList(0, Math.min(limit, rows.size())));
        return m;
    }

    Map<String, Object> leaks(String status) {
        List<Object> out = new ArrayList<>();
        for (Object o : rows(src.rows().recent(Table.MEMORY_LEAK_DETECTION), null)) {
            @SuppressWarnings("unchecked")
            boolean resolved = Boolean.TRUE.equals(((Map<String, Object>) o).get("resolved"));
            if (status.equals("all") || (status.equals("open") != resolved)) {
                out.add(o);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", openLeaks(src.rows()));
        m.put("leaks", out);
        return m;
    }

    Map<String, Object> alerts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alerts", rows(src.rows().recent(Table.SYSTEM_ALERTS), null));
        m.put("recommendations", rows(src.rows().recent(Table.MEMORY_OPTIMIZATION_RECOMMENDATIONS), null));
        return m;
    }

    /** {@code POST /api/memory/heap-analysis}: a new class histogram (a full collection), served as GET serves it. */
    Map<String, Object> takeHeapAnalysis(int limit) throws Exception {
        src.classHistogram().take();
        return lastHeapAnalysis(limit);
    }

    /** {@code GET /api/memory/heap-analysis}: the last histogram taken, with each class's growth since the one before. */
    Map<String, Object> lastHeapAnalysis(int limit) throws BadRequest {
        List<ClassHistogram.Snapshot> two = src.classHistogram().latestTwo();
        if (two.isEmpty()) {
            throw new BadRequest(404, "no class histogram has been taken yet: POST /api/memory/heap-analysis takes one"
                    + " (it runs a full collection and needs the token)");
        }
        ClassHistogram.Snapshot snapshot = two.get(0);
        ClassHistogram.Snapshot previous = two.size() > 1 ? two.get(1) : null;
        Map<String, ClassHistogram.Entry> before = new HashMap<>();
        if (previous != null) {
            for (ClassHistogram.Entry e : previous.entries()) {
                before.put(e.className(), e);
            }
        }
        List<ClassHistogram.Entry> entries = snapshot.entries();
        List<Object> classes = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, entries.size()); i++) {
            ClassHistogram.Entry e = entries.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("class", e.className());
            c.put("instances", e.instances());
            c.put("bytes", e.bytes());
            ClassHistogram.Entry p = before.get(e.className());
            c.put("instances_growth", previous == null ? null : e.instances() - (p == null ? 0 : p.instances()));
            c.put("bytes_growth", previous == null ? null : e.bytes() - (p == null ? 0 : p.bytes()));
            classes.add(c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taken_at", Instant.ofEpochMilli(snapshot.takenAtMs()).toString());
        m.put("previous_taken_at", previous == null ? null : Instant.ofEpochMilli(previous.takenAtMs()).toString());
        m.put("classes_listed", entries.size());
        m.put("instances_total", snapshot.totalInstances());
        m.put("bytes_total", snapshot.totalBytes());
        m.put("classes", classes);
        // The growth between the first snapshot of the run and the latest (periodic ones included).
        m.put("growth_since_first_snapshot", src.classHistogram().latestDiff());
        return m;
    }

    Map<String, Object> database() {
        List<Object> ops = new ArrayList<>();
        for (OperationSummary o : src.operations().get()) {
            if (o.name().startsWith(DB_PREFIX)) {
                ops.add(operation(o));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operations", ops);
        m.put("writer", writer(src.rows().stats()));
        return m;
    }

    static Map<String, Object> writer(WriterStats w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", w.mode());
        m.put("queue_depth", w.queueDepth());
        m.put("queue_capacity", w.queueCapacity());
        m.put("rows_offered", w.rowsOffered());
        m.put("rows_written", w.rowsWritten());
        m.put("batches_written", w.batchesWritten());
        m.put("failures", w.failures());
        m.put("rows_dropped", w.droppedTotal());
        m.put("dropped_by_reason", w.dropsByReason());
        m.put("dropped_by_table", w.dropsByTable());
        m.put("last_error", w.lastError());
        m.put("last_error_at", w.lastError() == null ? null : Instant.ofEpochMilli(w.lastErrorAtMs()).toString());
        return m;
    }

    Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", src.config().masked());
        m.put("sources", src.config().sources());
        return m;
    }

    Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status());
        m.put("top_consumers", topConsumers(MAX_LIMIT, "total_bytes"));
        m.put("spikes", spikes(MAX_LIMIT));
        m.put("leaks", leaks("all"));
        Map<String, Object> a = alerts();
        m.put("alerts", a.get("alerts"));
        m.put("recommendations", a.get("recommendations"));
        m.put("database", database());
        m.put("history", history(null));
        m.put("config", config());
        return m;
    }

    /** The report's per-operation table as CSV (RFC 4180), by total bytes. */
    String reportCsv() {
        return OperationTable.csv(sorted("total_bytes"));
    }

    /** {@code POST /api/memory/gc}: a full collection through the DiagnosticCommand MBean, even under DisableExplicitGC. */
    Map<String, Object> gc() throws Exception {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean disabled = Boolean.parseBoolean(hs.getVMOption("DisableExplicitGC").getValue());
        long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long t0 = System.nanoTime();
        DiagnosticCommands.gcRun();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ran", true);
        m.put("via", "DiagnosticCommand GC.run");
        m.put("explicit_gc_disabled", disabled);
        m.put("note", disabled ? "-XX:+DisableExplicitGC is set: System.gc() would do nothing, so the collection ran"
                + " through the DiagnosticCommand MBean (as jcmd GC.run does)" : "ran through the DiagnosticCommand MBean"
                + " (as jcmd GC.run does), which also works under -XX:+DisableExplicitGC");
        m.put("heap_used_before_bytes", before);
        m.put("heap_used_after_bytes", after);
        m.put("duration_ms", tookMs);
        return m;
    }

    /** {@code POST /api/memory/snapshot}: one dump at a time, to the agent's chosen path. */
    Map<String, Object> snapshot() throws Exception {
        if (!dumping.compareAndSet(false, true)) {
            throw new BadRequest(409, "a heap dump is already being written; try again when it is done");
        }
        try {
            long t0 = System.nanoTime();
            Path file = src.heapDumper().dump();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", file.toString());
            m.put("size_bytes", Files.size(file));
            m.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
            return m;
        } catch (io.memagent.agent.detect.HeapDumper.DumpRefused e) {
            throw new BadRequest(429, e.getMessage());
        } finally {
            dumping.set(false);
        }
    }

    static Set<String> set(String... s) {
        return new LinkedHashSet<>(List.of(s));
    }
}
