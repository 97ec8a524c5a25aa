package io.memagent.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The daily partitions of the tables that grow with traffic (migration V7, and V8's rollups):
 * partition {@code <table>_pYYYYMMDD} holds the rows of one UTC day. The agent creates them
 * {@link #DAYS_AHEAD} days ahead and drops those past retention, always under the schema's
 * migration advisory lock, so of many JVMs one does it at a time (the others skip: the work is
 * the same). Nothing here is needed on a schema older than V7: a table that is not partitioned
 * is left alone (retention then deletes its rows as before).
 *
 * <p>Every statement runs with a {@code lock_timeout}: creating or dropping a partition takes a
 * short exclusive lock on the parent, and waiting behind a long dashboard query must not stall
 * the other JVMs' writers queued behind it. What times out is done at the next run (hourly).
 */
final class Partitions {
    /** Partitioned tables, by the column their partitions are ranged on. */
    static final List<String> TABLES = List.of("memory_allocations", "method_allocation_stats", "memory_metrics",
            "gc_events", "method_allocation_stats_1m", "method_allocation_stats_1h");
    /** Days after today that have a partition already (rows from clocks a little ahead, and no gap at midnight). */
    static final int DAYS_AHEAD = 3;
    static final String LOCK_TIMEOUT = "2s";
    private static final long DAY_MS = 86_400_000L;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    /** One partition; {@code from} is null for a partition that starts at MINVALUE (V7's converted table). */
    record Partition(String name, Instant from, Instant to) {
    }

    private final String schemaName;
    private final String quotedSchema;

    Partitions(String schemaName) {
        this.schemaName = schemaName;
        this.quotedSchema = '"' + schemaName + '"';
    }

    boolean isPartitioned(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relkind = 'p' FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schemaName);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The table's partitions, oldest first, with their bounds read from the catalog. */
    List<Partition> list(Connection c, String table) throws SQLException {
        String bound = "pg_get_expr(c.relpartbound, c.oid)";
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname,"
                + " substring(" + bound + " FROM 'FROM \\(''([^'']+)''\\)')::timestamptz,"
                + " substring(" + bound + " FROM 'TO \\(''([^'']+)''\\)')::timestamptz"
                + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent"
                + " JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = ? AND p.relname = ? ORDER BY 3")) {
            ps.setString(1, schemaName);
            ps.setString(2, table);
            List<Partition> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp from = rs.getTimestamp(2);
                    Timestamp to = rs.getTimestamp(3);
                    out.add(new Partition(rs.getString(1), from == null ? null : from.toInstant(),
                            to == null ? null : to.toInstant()));
                }
            }
            return out;
        }
    }

    /**
     * Creates the daily partitions from the end of the newest one (or from yesterday) through
     * today + {@link #DAYS_AHEAD}, for every partitioned table. Returns how many were created.
     */
    int ensure(Connection c, long nowMs) throws SQLException {
        int created = 0;
        long today = Math.floorDiv(nowMs, DAY_MS) * DAY_MS;
        long last = today + (DAYS_AHEAD + 1) * DAY_MS;
        lockTimeout(c, true);
        try {
            for (String table : TABLES) {
                created += ensure(c, table, today, last);
            }
        } finally {
            lockTimeout(c, false);
        }
        return created;
    }

    private int ensure(Connection c, String table, long today, long last) throws SQLException {
        if (!isPartitioned(c, table)) {
            return 0;
        }
        int created = 0;
        long from = today - DAY_MS;
        for (Partition p : list(c, table)) {
            if (p.to() != null) {
                from = Math.max(from, p.to().toEpochMilli());
            }
        }
        for (long day = from; day + DAY_MS <= last; day += DAY_MS) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + quotedSchema + ".\"" + partitionName(table, day)
                        + "\" PARTITION OF " + quotedSchema + "." + table + " FOR VALUES FROM ('"
                        + Instant.ofEpochMilli(day) + "') TO ('" + Instant.ofEpochMilli(day + DAY_MS) + "')");
            }
            created++;
        }
        return created;
    }

    /** Drops the table's partitions whose every row is older than {@code cutoff}; returns their names. */
    List<String> dropOlderThan(Connection c, String table, Instant cutoff) throws SQLException {
        List<String> dropped = new ArrayList<>();
        lockTimeout(c, true);
        try {
            for (Partition p : list(c, table)) {
                if (p.to() != null && !p.to().isAfter(cutoff)) {
                    try (Statement st = c.createStatement()) {
                        st.execute("DROP TABLE " + quotedSchema + ".\"" + p.name() + "\"");
                    }
                    dropped.add(p.name());
                }
            }
        } finally {
            lockTimeout(c, false);
        }
        return dropped;
    }

    static String partitionName(String table, long dayStartMs) {
        return table + "_p" + DAY.format(LocalDate.ofInstant(Instant.ofEpochMilli(dayStartMs), ZoneOffset.UTC));
    }

    /** On for the maintenance statements only: the pool's connection goes back to the writer's COPYs after. */
    private static void lockTimeout(Connection c, boolean on) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(on ? "SET lock_timeout = '" + LOCK_TIMEOUT + "'" : "RESET lock_timeout");
        }
    }
}
