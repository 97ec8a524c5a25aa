package io.memagent.agent.http;

import io.memagent.agent.util.ReadableMethod;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.jvm.GcEvent;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.report.OperationTable;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.store.WriterStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's answers as plain maps and lists (Jackson writes them): one method per endpoint, so
 * {@code /report} is the others put together. Row-backed answers (spikes, large calls, leaks, alerts,
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
    private final RowJson rowJson;

    Endpoints(ApiSources src, java.util.function.Supplier<ObjectMapper> mapper) {
        this.src = src;
        this.rowJson = new RowJson(mapper);
    }

    Map<String, Object> status() {
        return MemoryStatus.of(src);
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

    Map<String, Object> history(Long sinceMs) {
        JvmHistory h = src.jvm();
        List<JvmSample> samples = h.samples();
        List<GcEvent> gcs = h.gcEvents();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("since", sinceMs == null ? null : Instant.ofEpochMilli(sinceMs).toString());
        List<Object> s = rowJson.rows(samples, sinceMs);
        Collections.reverse(s); // a time series: oldest first
        List<Object> g = rowJson.rows(gcs, sinceMs);
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detected_total", src.rows().made(Table.MEMORY_SPIKES));
        m.put("spikes", withReadableMethods(Table.MEMORY_SPIKES, limit));
        return m;
    }

    /**
     * {@code /calls}: the most recent {@code memory_allocations} rows, the calls at or above
     * {@code memagent.calls.min.bytes}, each with the trace and span ids of the span it ended in (or nulls).
     */
    Map<String, Object> calls(int limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recorded_total", src.rows().made(Table.MEMORY_ALLOCATIONS));
        m.put("calls", withReadableMethods(Table.MEMORY_ALLOCATIONS, limit));
        return m;
    }

    /** The table's recent rows, newest first, at most {@code limit}, the method as people write it. */
    private List<Object> withReadableMethods(Table table, int limit) {
        List<Object> rows = rowJson.rows(src.rows().recent(table), null);
        rows = rows.subList(0, Math.min(limit, rows.size()));
        for (Object o : rows) {
            // The table keeps the JVM's form (pkg.Class#name(descriptor)); people read Class.name(ArgType, ...).
            @SuppressWarnings("unchecked")
            Map<String, Object> row = (Map<String, Object>) o;
            Object raw = row.get("method");
            if (raw instanceof String jvm) {
                row.put("method", ReadableMethod.of(jvm));
                row.put("jvm_method", jvm);
            }
        }
        return rows;
    }

    Map<String, Object> leaks(String status) {
        List<Object> out = new ArrayList<>();
        for (Object o : rowJson.rows(src.rows().recent(Table.MEMORY_LEAK_DETECTION), null)) {
            @SuppressWarnings("unchecked")
            boolean resolved = Boolean.TRUE.equals(((Map<String, Object>) o).get("resolved"));
            if (status.equals("all") || (status.equals("open") != resolved)) {
                out.add(o);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", MemoryStatus.openLeaks(src.rows()));
        m.put("leaks", out);
        return m;
    }

    Map<String, Object> alerts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alerts", rowJson.rows(src.rows().recent(Table.SYSTEM_ALERTS), null));
        m.put("recommendations", rowJson.rows(src.rows().recent(Table.MEMORY_OPTIMIZATION_RECOMMENDATIONS), null));
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
        m.put("config", src.settings().shownConfig());
        m.put("sources", src.settings().configSources());
        return m;
    }

    Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status());
        m.put("top_consumers", topConsumers(MAX_LIMIT, "total_bytes"));
        m.put("spikes", spikes(MAX_LIMIT));
        m.put("calls", calls(MAX_LIMIT));
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

    static Set<String> set(String... s) {
        return new LinkedHashSet<>(List.of(s));
    }
}
