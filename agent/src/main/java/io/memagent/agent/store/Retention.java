package io.memagent.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Deletes this service's rows older than {@code memagent.retention.days}, in batches of
 * {@link #BATCH} rows so no statement holds locks for long. Runs on the writer's thread, between
 * batches: once when the writer is ready, then every hour. Each service deletes only its own
 * rows, so services with different retention settings can share the tables.
 */
final class Retention {
    static final int BATCH = 5_000;
    static final long EVERY_MS = 3_600_000;
    /** Table -> the column that says how old a row is. */
    private static final Map<String, String> AGE = new LinkedHashMap<>();

    static {
        AGE.put("memory_allocations", "created_at");
        AGE.put("method_allocation_stats", "bucket_end");
        AGE.put("memory_metrics", "recorded_at");
        AGE.put("gc_events", "occurred_at");
        AGE.put("memory_spikes", "detected_at");
        AGE.put("memory_leak_detection", "updated_at");
        AGE.put("memory_optimization_recommendations", "created_at");
        AGE.put("system_alerts", "created_at");
        AGE.put("agent_runs", "coalesce(stopped_at, started_at)");
    }

    private final String schema;
    private final String service;
    private final int days;
    private long nextRunMs;

    Retention(String quotedSchema, String service, int days) {
        this.schema = quotedSchema;
        this.service = service;
        this.days = days;
    }

    boolean due(long nowMs) {
        return nowMs >= nextRunMs;
    }

    /** Returns the rows deleted. */
    long run(DataSource dataSource, long nowMs) throws SQLException {
        nextRunMs = nowMs + EVERY_MS;
        Timestamp cutoff = new Timestamp(nowMs - days * 86_400_000L);
        long deleted = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            for (Map.Entry<String, String> t : AGE.entrySet()) {
                String table = schema + "." + t.getKey();
                // agent_runs rows still running (no stopped_at) are never deleted.
                String stillRunning = t.getKey().equals("agent_runs") ? " AND stopped_at IS NOT NULL" : "";
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM "
                        + table + " WHERE service_name = ? AND " + t.getValue() + " < ?" + stillRunning + " LIMIT " + BATCH + ")")) {
                    ps.setString(1, service);
                    ps.setTimestamp(2, cutoff);
                    int n;
                    do {
                        n = ps.executeUpdate();
                        deleted += n;
                    } while (n == BATCH);
                }
            }
            // Only this service's batch ids (and those of runs whose agent_runs row is gone): another
            // service's may be younger than its own retention, and a retry looks for them.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema + ".memagent_batches b WHERE"
                    + " b.committed_at < ? AND NOT EXISTS (SELECT 1 FROM " + schema + ".agent_runs r WHERE r.run_id = b.run_id"
                    + " AND r.service_name <> ?)")) {
                ps.setTimestamp(1, cutoff);
                ps.setString(2, service);
                deleted += ps.executeUpdate();
            }
        }
        return deleted;
    }
}
