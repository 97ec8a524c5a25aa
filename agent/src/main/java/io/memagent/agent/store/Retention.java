package io.memagent.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Removes rows older than their retention: {@code memagent.retention.days} for the detail tables,
 * {@code memagent.retention.minutes.days} and {@code memagent.retention.hours.days} for the 1-minute
 * and 1-hour rollups. Runs on the writer's thread, between batches: once when the writer is ready,
 * then every hour.
 *
 * <p>A partitioned table (schema V7 and later) loses whole days: a partition is dropped once all
 * its rows are older than the <em>longest</em> retention any service sharing the schema asks for
 * (read from the {@code config} of the runs in {@code agent_runs} that still count: running, or
 * stopped within their own retention), so one service's short setting never drops another's rows.
 * Only the JVM holding the schema's lock drops partitions. A service whose own retention is shorter
 * than that longest one, and every table that is not partitioned, deletes its own rows past its
 * retention, in batches of {@link #BATCH} rows so no statement holds locks for long.
 */
final class Retention {
    static final int BATCH = 5_000;
    static final long EVERY_MS = 3_600_000;
    static final String RAW = "memagent.retention.days";
    static final String MINUTES = "memagent.retention.minutes.days";
    static final String HOURS = "memagent.retention.hours.days";

    /** A table, the column that says how old a row is, and the key that says how old it may get. */
    private record Aged(String table, String ageColumn, String key) {
    }

    private static final List<Aged> AGED = List.of(
            new Aged("memory_allocations", "created_at", RAW),
            new Aged("method_allocation_stats", "bucket_end", RAW),
            new Aged("method_allocation_stats_1m", "bucket_end", MINUTES),
            new Aged("method_allocation_stats_1h", "bucket_end", HOURS),
            new Aged("memory_metrics", "recorded_at", RAW),
            new Aged("gc_events", "occurred_at", RAW),
            new Aged("memory_spikes", "detected_at", RAW),
            new Aged("memory_leak_detection", "updated_at", RAW),
            new Aged("memory_optimization_recommendations", "created_at", RAW),
            new Aged("system_alerts", "created_at", RAW),
            new Aged("agent_runs", "coalesce(stopped_at, started_at)", RAW));

    /** What one run removed. */
    record Result(long rowsDeleted, List<String> partitionsDropped) {
    }

    private final String schemaName;
    private final String schema;
    private final String service;
    private final Map<String, Integer> days;
    private final Partitions partitions;
    private long nextRunMs;

    /** @param days retention in days by key ({@link #RAW}, {@link #MINUTES}, {@link #HOURS}) */
    Retention(String schemaName, String service, Map<String, Integer> days) {
        this.schemaName = schemaName;
        this.schema = '"' + schemaName + '"';
        this.service = service;
        this.days = days;
        this.partitions = new Partitions(schemaName);
    }

    boolean due(long nowMs) {
        return nowMs >= nextRunMs;
    }

    Result run(DataSource dataSource, long nowMs) throws SQLException {
        nextRunMs = nowMs + EVERY_MS;
        long deleted = 0;
        List<String> dropped = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            boolean locked = SchemaLock.tryLock(c, schemaName);
            try {
                if (locked) {
                    partitions.ensure(c, nowMs);
                }
                for (Aged t : AGED) {
                    if (!exists(c, t.table())) {
                        continue; // a rollup table on a schema older than V8
                    }
                    int own = days.get(t.key());
                    if (partitions.isPartitioned(c, t.table())) {
                        int longest = Math.max(own, longestRetention(c, t.key()));
                        if (locked) {
                            dropped.addAll(partitions.dropOlderThan(c, t.table(), cutoff(nowMs, longest).toInstant()));
                        }
                        if (own >= longest) {
                            continue;
                        }
                    }
                    deleted += deleteOwnRows(c, t, cutoff(nowMs, own));
                }
            } finally {
                if (locked) {
                    SchemaLock.unlock(c, schemaName);
                }
            }
            // Only this service's batch ids (and those of runs whose agent_runs row is gone): another
            // service's may be younger than its own retention, and a retry looks for them.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema + ".memagent_batches b WHERE"
                    + " b.committed_at < ? AND NOT EXISTS (SELECT 1 FROM " + schema + ".agent_runs r WHERE r.run_id = b.run_id"
                    + " AND r.service_name <> ?)")) {
                ps.setTimestamp(1, cutoff(nowMs, days.get(RAW)));
                ps.setString(2, service);
                deleted += ps.executeUpdate();
            }
        }
        return new Result(deleted, dropped);
    }

    private static Timestamp cutoff(long nowMs, int days) {
        return new Timestamp(nowMs - days * 86_400_000L);
    }

    private boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, schema + "." + table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * The longest retention for {@code key} of the runs that still count: running (no
     * {@code stopped_at}), or stopped within their own {@code memagent.retention.days}. A run of an
     * agent too old to know the key does not count.
     */
    private int longestRetention(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max((config->>?)::int) FROM " + schema + ".agent_runs"
                + " WHERE stopped_at IS NULL OR stopped_at >= now() - interval '1 day'"
                + " * coalesce((config->>'" + RAW + "')::int, 7)")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** This service's rows older than {@code cutoff}, in batches (tableoid too: ctids repeat across partitions). */
    private long deleteOwnRows(Connection c, Aged t, Timestamp cutoff) throws SQLException {
        String table = schema + "." + t.table();
        // agent_runs rows still running (no stopped_at) are never deleted.
        String stillRunning = t.table().equals("agent_runs") ? " AND stopped_at IS NOT NULL" : "";
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE (tableoid, ctid) IN (SELECT"
                + " tableoid, ctid FROM " + table + " WHERE service_name = ? AND " + t.ageColumn() + " < ?" + stillRunning
                + " LIMIT " + BATCH + ")")) {
            ps.setString(1, service);
            ps.setTimestamp(2, cutoff);
            int n;
            do {
                n = ps.executeUpdate();
                deleted += n;
            } while (n == BATCH);
        }
        return deleted;
    }
}
