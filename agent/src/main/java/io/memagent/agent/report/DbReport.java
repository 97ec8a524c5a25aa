package io.memagent.agent.report;

import io.memagent.agent.util.Bytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.memagent.agent.aggregate.OperationSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code java -jar memagent.jar report}: the exit report, read back from PostgreSQL for one
 * service over a window: top operations (summed over buckets, rollups and JVMs, with percentiles
 * merged from their histograms: see {@link MergedOperations} and {@link ReportWindow}), spikes,
 * leaks, recommendations, a JVM summary and the runs with their drops.
 */
public final class DbReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Connection c;
    private final String schemaName;
    private final String schema;
    private final String service;
    private final Timestamp since;
    private final long untilMs;
    private final long nowMs;
    private List<ReportWindow.Part> parts;
    private boolean unmergedPercentiles;

    public DbReport(Connection c, String schema, String service, long sinceMs) {
        this(c, schema, service, sinceMs, System.currentTimeMillis(), System.currentTimeMillis());
    }

    /**
     * The operations over a window from {@code sinceMs} to {@code untilMs}, read at {@code nowMs}
     * (what is settled depends on it); the other sections read from {@code sinceMs} on.
     */
    public DbReport(Connection c, String schema, String service, long sinceMs, long untilMs, long nowMs) {
        this.c = c;
        this.schemaName = schema;
        this.schema = '"' + schema + '"';
        this.service = service;
        this.since = new Timestamp(sinceMs);
        this.untilMs = untilMs;
        this.nowMs = nowMs;
    }

    /** The service of the most recent run in the schema, or null when there is none. */
    public static String latestService(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT service_name FROM \"" + schema
                + "\".agent_runs ORDER BY started_at DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public List<OperationSummary> operations() throws SQLException {
        boolean v8 = hasRollups();
        parts = ReportWindow.plan(since.getTime(), untilMs, nowMs, v8);
        MergedOperations merged = new MergedOperations(c, schema, service, v8);
        for (ReportWindow.Part p : parts) {
            merged.read(p, since.getTime());
        }
        unmergedPercentiles = merged.anyUnmerged();
        return merged.summaries();
    }

    /** The tables and ranges the last {@link #operations()} read, coarsest level first where it answered. */
    public List<ReportWindow.Part> parts() {
        return parts;
    }

    private boolean hasRollups() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, schema + "." + ReportWindow.HOURS);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    /** Rows of a table as column -> value maps: times as ISO-8601 text, jsonb as JSON. */
    private List<Map<String, Object>> rows(String columns, String table, String timeColumn, int limit) throws SQLException {
        String sql = "SELECT " + columns + " FROM " + schema + "." + table + " WHERE service_name = ? AND " + timeColumn
                + " >= ? ORDER BY " + timeColumn + " DESC LIMIT " + limit;
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, service);
            ps.setTimestamp(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        if (v instanceof Timestamp t) {
                            v = t.toInstant().toString();
                        } else if (v instanceof UUID u) {
                            v = u.toString();
                        } else if (v != null && md.getColumnTypeName(i).equals("jsonb")) {
                            try {
                                v = JSON.readTree(rs.getString(i));
                            } catch (Exception e) {
                                v = rs.getString(i);
                            }
                        }
                        row.put(md.getColumnLabel(i), v);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    public List<Map<String, Object>> spikes() throws SQLException {
        return rows("operation_type, method, severity, allocated_bytes, threshold_bytes, thread_name, heap_dump_path,"
                + " detected_at", "memory_spikes", "detected_at", 50);
    }

    public List<Map<String, Object>> leaks() throws SQLException {
        return rows("leak_type, leak_source, leaked_bytes, detection_method, severity, resolved, resolved_at, detected_at",
                "memory_leak_detection", "detected_at", 50);
    }

    public List<Map<String, Object>> recommendations() throws SQLException {
        return rows("recommendation_type, implementation_priority, current_usage_bytes, recommended_limit_bytes,"
                + " estimated_savings_bytes, optimization_strategy, created_at", "memory_optimization_recommendations",
                "created_at", 50);
    }

    public List<Map<String, Object>> runs() throws SQLException {
        return rows("run_id, process_id, host, jvm_version, agent_version, started_at, stopped_at, records_dropped",
                "agent_runs", "coalesce(stopped_at, now())", 100);
    }

    public Map<String, Object> jvm() throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        String sql = "SELECT count(*), max(heap_used_bytes), max(heap_max_bytes), avg(memory_utilization_pct),"
                + " (SELECT memory_state FROM " + schema + ".memory_metrics WHERE service_name = ? AND recorded_at >= ?"
                + " ORDER BY recorded_at DESC LIMIT 1) FROM " + schema + ".memory_metrics WHERE service_name = ? AND recorded_at >= ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, service);
            ps.setTimestamp(2, since);
            ps.setString(3, service);
            ps.setTimestamp(4, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                m.put("samples", rs.getLong(1));
                m.put("heap_used_peak_bytes", nullableLong(rs, 2));
                m.put("heap_max_bytes", nullableLong(rs, 3));
                double avg = rs.getDouble(4);
                m.put("average_utilization_pct", rs.wasNull() ? null : avg);
                m.put("last_state", rs.getString(5));
            }
        }
        outsideHeap(m);
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(sum(duration_ms), 0),"
                + " coalesce(max(duration_ms), 0) FROM " + schema + ".gc_events WHERE service_name = ? AND occurred_at >= ?")) {
            ps.setString(1, service);
            ps.setTimestamp(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                m.put("gc_collections", rs.getLong(1));
                m.put("gc_time_ms", rs.getLong(2));
                m.put("gc_longest_ms", rs.getLong(3));
            }
        }
        return m;
    }

    /**
     * The resident set's peak, the container's limit, its highest utilization and last state, and
     * NMT's last total; nulls for a schema written before the columns existed (migration V6).
     */
    private void outsideHeap(Map<String, Object> m) throws SQLException {
        for (String k : List.of("process_rss_peak_bytes", "container_memory_limit_bytes", "container_memory_peak_utilization_pct",
                "container_memory_last_state", "native_memory_committed_bytes")) {
            m.put(k, null);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM information_schema.columns WHERE"
                + " table_schema = ? AND table_name = 'memory_metrics' AND column_name = 'process_rss_bytes'")) {
            ps.setString(1, schemaName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
        }
        String t = schema + ".memory_metrics WHERE service_name = ? AND recorded_at >= ?";
        String sql = "SELECT max(process_rss_bytes), max(container_memory_utilization_pct),"
                + " (SELECT container_memory_limit_bytes FROM " + t + " AND container_memory_limit_bytes IS NOT NULL"
                + " ORDER BY recorded_at DESC LIMIT 1),"
                + " (SELECT container_memory_state FROM " + t + " AND container_memory_state IS NOT NULL"
                + " ORDER BY recorded_at DESC LIMIT 1),"
                + " (SELECT native_memory_committed_bytes FROM " + t + " AND native_memory_committed_bytes IS NOT NULL"
                + " ORDER BY recorded_at DESC LIMIT 1) FROM " + t;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < 4; i++) {
                ps.setString(2 * i + 1, service);
                ps.setTimestamp(2 * i + 2, since);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                m.put("process_rss_peak_bytes", nullableLong(rs, 1));
                double pct = rs.getDouble(2);
                m.put("container_memory_peak_utilization_pct", rs.wasNull() ? null : pct);
                m.put("container_memory_limit_bytes", nullableLong(rs, 3));
                m.put("container_memory_last_state", rs.getString(4));
                m.put("native_memory_committed_bytes", nullableLong(rs, 5));
            }
        }
    }

    public String render(String format) throws SQLException {
        List<OperationSummary> ops = operations();
        switch (format) {
            case "csv":
                return OperationTable.csv(ops);
            case "json": {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("service", service);
                m.put("since", since.toInstant().toString());
                m.put("runs", runs());
                List<Object> list = new ArrayList<>();
                for (OperationSummary o : ops) {
                    list.add(OperationTable.fields(o));
                }
                m.put("operations", list);
                m.put("spikes", spikes());
                m.put("leaks", leaks());
                m.put("recommendations", recommendations());
                m.put("jvm", jvm());
                try {
                    return JSON.writeValueAsString(m) + "\n";
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            default:
                return text(ops);
        }
    }

    private String text(List<OperationSummary> ops) throws SQLException {
        List<Map<String, Object>> runs = runs();
        long dropped = 0;
        List<String> pids = new ArrayList<>();
        for (Map<String, Object> r : runs) {
            dropped += ((Number) r.get("records_dropped")).longValue();
            pids.add(String.valueOf(r.get("process_id")));
        }
        StringBuilder sb = new StringBuilder(TextReport.render("service " + service + ", " + runs.size() + " run(s) (pid "
                + String.join(", ", pids) + "), since " + since.toInstant(), ops, null, 0));
        sb.append(unmergedPercentiles ? "Percentiles include rows written before schema V8, which carry no histogram:"
                + " for those operations they are upper bounds (the highest of any bucket's).\n"
                : "Percentiles are merged from every bucket's and rollup's histogram (within 1/128).\n");
        List<Map<String, Object>> spikes = spikes();
        sb.append("Spikes: ").append(spikes.isEmpty() ? "none\n" : spikes.size() + " (newest first)\n");
        int width = DetectionReport.nameWidth(spikes.stream().map(s -> String.valueOf(s.get("operation_type"))).toList(), 40);
        for (Map<String, Object> s : spikes) {
            sb.append(String.format(Locale.ROOT, "  %-8s %-" + width + "s %11s  %s  %s%n", s.get("severity"),
                    DetectionReport.fit(String.valueOf(s.get("operation_type"))),
                    Bytes.format(((Number) s.get("allocated_bytes")).longValue()), s.get("thread_name"), s.get("detected_at")));
        }
        List<Map<String, Object>> leaks = leaks();
        sb.append("Leaks: ").append(leaks.isEmpty() ? "none\n" : leaks.size() + " (newest first)\n");
        for (Map<String, Object> l : leaks) {
            sb.append(String.format(Locale.ROOT, "  %-8s %-20s %-40s %11s  %s%s%n", l.get("severity"), l.get("leak_type"),
                    l.get("leak_source"), Bytes.format(((Number) l.get("leaked_bytes")).longValue()), l.get("detected_at"),
                    Boolean.TRUE.equals(l.get("resolved")) ? " (resolved)" : ""));
        }
        List<Map<String, Object>> recs = recommendations();
        sb.append("Recommendations: ").append(recs.isEmpty() ? "none\n" : recs.size() + "\n");
        for (Map<String, Object> r : recs) {
            sb.append(String.format(Locale.ROOT, "  %-20s priority %-6s current %s, limit %s, savings %s  %s%n",
                    r.get("recommendation_type"), r.get("implementation_priority"), bytes(r.get("current_usage_bytes")),
                    bytes(r.get("recommended_limit_bytes")), bytes(r.get("estimated_savings_bytes")), r.get("optimization_strategy")));
        }
        Map<String, Object> jvm = jvm();
        sb.append(String.format(Locale.ROOT, "JVM: %d samples, heap peak %s of max %s, average utilization %s, last state %s;"
                        + " %d collections, %d ms in GC, longest %d ms%n", (Long) jvm.get("samples"),
                bytes(jvm.get("heap_used_peak_bytes")), bytes(jvm.get("heap_max_bytes")),
                jvm.get("average_utilization_pct") == null ? "-" : String.format(Locale.ROOT, "%.1f%%",
                        (Double) jvm.get("average_utilization_pct")), jvm.get("last_state"), (Long) jvm.get("gc_collections"),
                (Long) jvm.get("gc_time_ms"), (Long) jvm.get("gc_longest_ms")));
        if (jvm.get("process_rss_peak_bytes") != null) {
            sb.append(String.format(Locale.ROOT, "Memory beyond the heap: resident set peak %s; container limit %s, resident set"
                            + " at most %s of it (or of physical memory), last state %s; native memory committed (NMT) %s%n",
                    bytes(jvm.get("process_rss_peak_bytes")), jvm.get("container_memory_limit_bytes") == null ? "none"
                            : bytes(jvm.get("container_memory_limit_bytes")),
                    jvm.get("container_memory_peak_utilization_pct") == null ? "-" : String.format(Locale.ROOT, "%.1f%%",
                            (Double) jvm.get("container_memory_peak_utilization_pct")),
                    jvm.get("container_memory_last_state"), jvm.get("native_memory_committed_bytes") == null ? "not tracked"
                            : bytes(jvm.get("native_memory_committed_bytes"))));
        }
        sb.append("Rows dropped by the agent: ").append(dropped).append('\n');
        return sb.toString();
    }

    private static String bytes(Object v) {
        return v == null ? "-" : Bytes.format(((Number) v).longValue());
    }

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}, or an ISO-8601 instant; null if neither. */
    public static Long parseSince(String text, long nowMs) {
        if (text.matches("\\d{1,9}(s|m|h|d)")) {
            long n = Long.parseLong(text.substring(0, text.length() - 1));
            long unit = switch (text.charAt(text.length() - 1)) {
                case 's' -> 1_000L;
                case 'm' -> 60_000L;
                case 'h' -> 3_600_000L;
                default -> 86_400_000L;
            };
            return nowMs - n * unit;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
