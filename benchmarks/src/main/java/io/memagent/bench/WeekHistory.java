package io.memagent.bench;

import io.memagent.agent.config.Config;
import io.memagent.agent.runtime.Settings;
import io.memagent.agent.report.DbReport;
import io.memagent.agent.store.PostgresWriter;
import io.memagent.agent.store.RunInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Part 2 of {@link ScaleRun}: a week of one service's history, made by SQL in a schema the agent
 * migrated (5 JVMs x the operations x 168 hour rollups, each with a histogram; and one day of raw
 * buckets, in its own partition, to time retention), then the dashboard's queries timed on it
 * (median of three runs each).
 */
final class WeekHistory {
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    static final String SERVICE = "svc-0";

    private WeekHistory() {
    }

    static ScaleRun.WeekResult run(String url, String user, String schema, int ops) throws Exception {
        migrate(url, user, schema);
        long now = System.currentTimeMillis();
        long today = Math.floorDiv(now, DAY) * DAY;
        long hourNow = Math.floorDiv(now, HOUR) * HOUR;
        SplittableRandom r = new SplittableRandom(7);
        byte[][] histograms = new byte[16][];
        for (int i = 0; i < histograms.length; i++) {
            histograms[i] = ScaleRun.histogram(r);
        }
        long dropDay = today - 9 * DAY;
        long partitionRows;
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
            for (int d = 8; d >= 2; d--) {
                partition(st, schema, "method_allocation_stats_1h", today - d * DAY);
            }
            partition(st, schema, "method_allocation_stats", dropDay);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".method_allocation_stats_1h"
                    + " SELECT ('00000000-0000-0000-0000-00000000000' || j)::uuid, ?, 1000 + j, 'Op.' || op,"
                    + " 'com.example.Service' || (op % 50) || '#op' || op || '()V', 'method', h, h + interval '1 hour',"
                    + " 360 * (1 + op % 7), op % 3, 0, 360 * (1 + op % 7) * (1000 + op * 97), 180 * (1 + op % 7) * (1000 + op * 97),"
                    + " 100, 600000 + op, 200000, 500000, 590000, 3600000000, 3000000, (?::bytea[])[1 + op % 16]"
                    + " FROM generate_series(?::timestamptz, ?::timestamptz, interval '1 hour') h,"
                    + " generate_series(1, 5) j, generate_series(0, ? - 1) op")) {
                ps.setString(1, SERVICE);
                ps.setArray(2, c.createArrayOf("bytea", histograms));
                ps.setTimestamp(3, new java.sql.Timestamp(hourNow - 168 * HOUR));
                ps.setTimestamp(4, new java.sql.Timestamp(hourNow - HOUR));
                ps.setInt(5, ops);
                ps.executeUpdate();
            }
            // One day of raw buckets of the same JVMs, in the day's partition retention will drop
            // (a tenth of the buckets of a day: 864 per operation per JVM at 10 s, here 86).
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".method_allocation_stats"
                    + " SELECT ('00000000-0000-0000-0000-00000000000' || j)::uuid, ?, 1000 + j, 'Op.' || op, 'm()',"
                    + " 'method', b, b + interval '10 seconds', 5, 0, 0, 5000, 2500, 100, 2000, 900, 1500, 1900, 5000000,"
                    + " 3000000, (?::bytea[])[1 + op % 16] FROM generate_series(?::timestamptz, ?::timestamptz,"
                    + " interval '1000 seconds') b, generate_series(1, 5) j, generate_series(0, ? - 1) op")) {
                ps.setString(1, SERVICE);
                ps.setArray(2, c.createArrayOf("bytea", histograms));
                ps.setTimestamp(3, new java.sql.Timestamp(dropDay));
                ps.setTimestamp(4, new java.sql.Timestamp(dropDay + DAY - 1000));
                ps.setInt(5, ops);
                ps.executeUpdate();
            }
            st.execute("ANALYZE " + schema + ".method_allocation_stats_1h");
            st.execute("ANALYZE " + schema + ".method_allocation_stats");
            try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM " + schema + ".method_allocation_stats_1h),"
                    + " (SELECT count(*) FROM " + schema + ".method_allocation_stats_p" + day(dropDay) + "),"
                    + " pg_total_relation_size('" + schema + ".method_allocation_stats_p" + day(dropDay) + "')")) {
                rs.next();
                partitionRows = rs.getLong(2);
                System.out.printf(Locale.ROOT, "week: %,d hour rollups of %s (5 JVMs x %d operations x 168 h) and %,d raw rows"
                        + " (%.0f MiB) in one day's partition, made in %.1f s%n", rs.getLong(1), SERVICE, ops, partitionRows,
                        rs.getLong(3) / 1048576.0, (System.nanoTime() - t0) / 1e9);
            }
            String week = "time >= '" + Instant.ofEpochMilli(hourNow - 168 * HOUR) + "'";
            // As docs/schema.md tells Grafana users: the top 10 from the hour table itself (one aggregation, not the
            // view's two), and their series through the view with "= ANY (ARRAY(...))", which the planner pushes into
            // the view and its (service_name, operation_type, bucket_start) index. With "IN (SELECT ... FROM top)"
            // through the view both ways, as first written, this took 3.1 to 4.0 s.
            String top = "WITH top AS (SELECT operation_type FROM " + schema + ".method_allocation_stats_1h WHERE"
                    + " service_name = '" + SERVICE + "' AND " + week.replace("time", "bucket_start")
                    + " GROUP BY operation_type ORDER BY sum(total_bytes) DESC LIMIT 10)"
                    + " SELECT time, operation, total_bytes, p99_bytes FROM " + schema + ".memagent_top_consumers_per_hour"
                    + " WHERE service_name = '" + SERVICE + "' AND " + week
                    + " AND operation = ANY (ARRAY(SELECT operation_type FROM top)) ORDER BY time, operation";
            long topMs = median(() -> rows(st, top), "top consumers per hour over 7 days", 168 * 10);
            String history = "SELECT time, calls, total_bytes, average_bytes, p99_bytes FROM " + schema
                    + ".memagent_top_consumers_per_hour WHERE service_name = '" + SERVICE + "' AND operation = 'Op.42' AND "
                    + week + " ORDER BY time";
            long historyMs = median(() -> rows(st, history), "one operation's history over 7 days", 168);
            long yesterday = today - DAY;
            // The operations table as the report command prints it (CSV: one line per operation after the header).
            long reportMs = median(() -> new DbReport(c, schema, SERVICE, yesterday, yesterday + DAY, now).render("csv")
                    .split("\r\n").length - 1, "report command for yesterday (" + Instant.ofEpochMilli(yesterday) + ", a day)", ops);
            long t1 = System.nanoTime();
            st.execute("DROP TABLE " + schema + ".method_allocation_stats_p" + day(dropDay));
            long dropMs = (System.nanoTime() - t1) / 1_000_000;
            return new ScaleRun.WeekResult(topMs, historyMs, reportMs, dropMs, partitionRows);
        }
    }

    interface Query {
        int run() throws Exception;
    }

    private static long median(Query q, String what, int expectedRows) throws Exception {
        long[] ms = new long[3];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            int n = q.run();
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            if (n != expectedRows) {
                throw new IllegalStateException(what + ": " + n + " rows, expected " + expectedRows);
            }
        }
        System.out.printf("%s: %s ms%n", what, Arrays.toString(ms));
        Arrays.sort(ms);
        return ms[1];
    }

    private static int rows(Statement st, String sql) throws Exception {
        int n = 0;
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    private static void partition(Statement st, String schema, String table, long dayStart) throws Exception {
        st.execute("CREATE TABLE IF NOT EXISTS " + schema + "." + table + "_p" + day(dayStart) + " PARTITION OF " + schema + "."
                + table + " FOR VALUES FROM ('" + Instant.ofEpochMilli(dayStart) + "') TO ('"
                + Instant.ofEpochMilli(dayStart + DAY) + "')");
    }

    static String day(long ms) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC).toString().replace("-", "");
    }

    /** The agent's own migrations and partitions, as a JVM starting on an empty schema makes them. */
    private static void migrate(String url, String user, String schema) throws Exception {
        Properties p = new Properties();
        p.setProperty("memagent.jdbc.url", url);
        p.setProperty("memagent.jdbc.user", user);
        p.setProperty("memagent.db.schema", schema);
        PostgresWriter w = new PostgresWriter(Settings.database(Config.load(null, p, Map.of())), new RunInfo(UUID.randomUUID(), SERVICE, 1,
                "bench-host", "j", "bench", "{}", System.currentTimeMillis()));
        w.start();
        w.offer(ScaleRun.metrics(System.currentTimeMillis()));
        while (w.stats().rowsWritten() < 1) {
            if (w.stats().failures() > 0) {
                throw new IllegalStateException("cannot migrate " + schema + ": " + w.stats().lastError());
            }
            Thread.sleep(5);
        }
        w.close(10_000);
    }
}
