package io.memagent.agent.report;

import static io.memagent.agent.HotPathCalls.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.TestPostgres;
import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.config.Config;
import io.memagent.agent.runtime.Settings;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.PostgresWriter;
import io.memagent.agent.store.RunInfo;
import io.memagent.agent.RecorderReset;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rollups end to end, against the real PostgreSQL: calls recorded through the agent's own hot
 * path and drain (a simulated clock runs the buckets through three and a half hours), written by a
 * real {@link PostgresWriter}, read back by the report command's {@link DbReport}. The report
 * over the window reads hour and minute rollups where they answer, and its percentiles, merged
 * from the rollups' histograms, are within the histograms' precision of the exact percentiles
 * of the calls made, and equal to those merged from the raw buckets.
 */
@ExtendWith(RecorderReset.class)
class RollupReportTest {
    private static final long HOUR = 3_600_000L;
    static volatile Object sink;

    private TestPostgres db;
    private String schema;

    @AfterEach
    void tearDown() throws Exception {
        if (db != null) {
            db.dropSchema(schema);
        }
    }

    /** Nearest rank: the smallest value with at least p% of the calls at or below it. */
    private static long exactPercentile(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    @Test
    void theReportOverAWindowReadsRollupsAndMergesPercentilesExactly() throws Exception {
        db = TestPostgres.get();
        schema = TestPostgres.newSchema();
        Properties p = new Properties();
        p.setProperty("memagent.jdbc.url", db.url);
        if (db.user != null) {
            p.setProperty("memagent.jdbc.user", db.user);
        }
        if (db.password != null) {
            p.setProperty("memagent.jdbc.password", db.password);
        }
        p.setProperty("memagent.db.schema", schema);
        p.setProperty("memagent.flush.interval.ms", "20");
        p.setProperty("memagent.calls.min.bytes", "100000000");
        Config config = Config.load(null, p, Map.of());
        RecordingThresholds.configure(config.callsMinBytes(), 0);
        HotPath.setEnabled(true);
        OperationRegistry registry = new OperationRegistry(20_000);
        AtomicLong clock = new AtomicLong();
        long now = System.currentTimeMillis();
        long start = Math.floorDiv(now, HOUR) * HOUR - 4 * HOUR + 25 * 60_000 + 3_000;
        long end = Math.floorDiv(now, HOUR) * HOUR - 10 * 60_000;
        clock.set(start);

        PostgresWriter writer = new PostgresWriter(Settings.database(config), new RunInfo(UUID.randomUUID(), "rollups", 42, "h", "j", "t",
                "{}", start));
        writer.start();
        Aggregator aggregator = new Aggregator(config.statsIntervalMs(), config.callsMinBytes(), registry, writer, clock::get);
        int op = registry.register("Sizes.vary", "T#vary()V", "method");
        int[] sizes = {100, 1_000, 5_000, 20_000, 100_000, 333_333};
        long[] truth = new long[sizes.length];
        Runnable[] bodies = new Runnable[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            bodies[i] = () -> sink = new byte[n];
            truth[i] = truthOf(bodies[i]);
        }
        List<Long> exact = new ArrayList<>();
        long seed = 7;
        for (long t = start; t < end; t += 10_000) {
            clock.set(t);
            int calls = 2 + (int) ((t / 10_000) % 4);
            for (int c = 0; c < calls; c++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                int r = (int) ((seed >>> 33) % 100);
                // mostly small calls, a tail of big ones: p50, p95 and p99 fall on different sizes
                int i = r < 40 ? 0 : r < 70 ? 1 : r < 85 ? 2 : r < 94 ? 3 : r < 98 ? 4 : 5;
                Runnable body = bodies[i];
                int token = HotPath.enter();
                body.run();
                HotPath.exit(op, token, false);
                exact.add(truth[i]);
            }
            aggregator.collectNow();
        }
        aggregator.stop();
        writer.close(60_000);
        assertEquals(0, writer.stats().droppedTotal(), writer.stats().dropsByReason().toString());

        Collections.sort(exact);
        long sum = exact.stream().mapToLong(Long::longValue).sum();
        try (Connection c = db.connect()) {
            // Every level holds every call: the rollups are sums of the same buckets.
            for (String table : List.of(ReportWindow.RAW, ReportWindow.MINUTES, ReportWindow.HOURS)) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT sum(calls), sum(total_bytes),"
                        + " count(*) FILTER (WHERE histogram IS NULL) FROM " + schema + "." + table)) {
                    rs.next();
                    assertEquals(exact.size(), rs.getLong(1), table);
                    assertEquals(sum, rs.getLong(2), table);
                    assertEquals(0, rs.getLong(3), table + ": every row has its histogram");
                }
            }
            long since = start - 5 * 60_000;
            long until = end + 5 * 60_000;
            DbReport report = new DbReport(c, schema, "rollups", since, until, now);
            OperationSummary merged = report.operations().get(0);
            List<ReportWindow.Part> parts = report.parts();
            long hourFrom = Math.floorDiv(now, HOUR) * HOUR - 3 * HOUR;
            assertEquals(new ReportWindow.Part(ReportWindow.HOURS, hourFrom, hourFrom + 2 * HOUR, false), parts.stream()
                    .filter(x -> x.table().equals(ReportWindow.HOURS)).findFirst().orElseThrow(), parts.toString());
            assertEquals(2, parts.stream().filter(x -> x.table().equals(ReportWindow.MINUTES)).count(), parts.toString());

            assertEquals(exact.size(), merged.calls());
            assertEquals(sum, merged.totalBytes());
            assertEquals(exact.get(0), merged.minBytes());
            assertEquals(exact.get(exact.size() - 1), merged.maxBytes());
            double[] at = {50, 95, 99};
            Long[] got = {merged.p50Bytes(), merged.p95Bytes(), merged.p99Bytes()};
            for (int i = 0; i < 3; i++) {
                long want = exactPercentile(exact, at[i]);
                // Within the histograms' precision: a thread's cell (1/64) entered by its middle, then
                // 2 significant digits (1/128), as for a single bucket.
                assertTrue(Math.abs(got[i] - want) <= want * 0.024, "p" + at[i] + ": merged " + got[i] + ", exact " + want);
            }
            assertEquals(List.of(truth[1], truth[4], truth[5]), List.of(exactPercentile(exact, 50),
                    exactPercentile(exact, 95), exactPercentile(exact, 99)), "the three percentiles are three sizes");

            // Merging is exact: the same window read from the raw buckets only gives the same figures.
            DbReport raw = new DbReport(c, schema, "rollups", since, until, since);
            OperationSummary fromRaw = raw.operations().get(0);
            assertEquals(List.of(new ReportWindow.Part(ReportWindow.RAW, since, until, true)), raw.parts());
            assertEquals(merged, fromRaw);
        }
    }
}
