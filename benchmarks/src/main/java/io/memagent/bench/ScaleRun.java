package io.memagent.bench;

import io.memagent.agent.aggregate.Histograms;
import io.memagent.agent.config.Config;
import io.memagent.agent.runtime.Settings;
import io.memagent.agent.aggregate.AllocationRow;
import io.memagent.agent.store.PostgresWriter;
import io.memagent.agent.store.RunInfo;
import io.memagent.agent.aggregate.OperationFigures;
import io.memagent.agent.aggregate.StatsRow;
import io.memagent.agent.store.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The fleet load test (issue 16). Part 1: N simulated agents, each a real {@link PostgresWriter}
 * with its own pool, run id and service ({@code svc-0} .. {@code svc-9}, five JVMs each at 50),
 * fed at the rates of a busy JVM: every 10 s bucket, one {@code method_allocation_stats} row per
 * active operation (with its encoded histogram), the 1-minute rollup of each at every minute, a
 * JVM sample every 5 s and a few per-call rows a second. Reports rows/s written, writer lag (a
 * bucket's close to the commit of its last row), drops, PostgreSQL's CPU, and the size on disk a
 * day at that rate. Part 2: a week of one service's history made by SQL (hour rollups of 5 JVMs x
 * the operations for 7 days, a day of raw buckets in one partition) and the dashboard's queries
 * timed on it, plus dropping a day's partition.
 *
 * <p>Arguments: {@code <jdbc url> <user> <agents> <seconds> <operations per agent>}. Run with
 * {@code agent/target/memagent.jar} on the class path (the writer's shaded classes), by
 * {@code benchmarks/scale.sh}. Works in schemas of its own and drops them.
 */
public final class ScaleRun {
    static final long BUCKET_MS = 10_000;

    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int agents = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int ops = Integer.parseInt(args[4]);
        long pid = ProcessHandle.current().pid();
        String live = "bench_scale_live_" + pid;
        String week = "bench_scale_week_" + pid;
        List<String[]> table = new ArrayList<>();
        try {
            int free = freeConnections(url, user);
            if (agents > free - 20) {
                System.out.printf("only %d connections free of max_connections: running %d agents, leaving 20%n", free,
                        Math.max(1, free - 20));
                agents = Math.max(1, free - 20);
            }
            LoadResult r = live(url, user, live, agents, seconds, ops);
            table.add(row("agents writing at once", String.valueOf(agents), ">= 50", agents >= 50));
            table.add(row("rows/s written (stats + rollups + detail)", fmt(r.rowsPerSecond), "all offered", r.written == r.offered));
            table.add(row("rows dropped", String.valueOf(r.dropped), "0", r.dropped == 0));
            table.add(row("writer lag, bucket close to commit: median / p99 / max (ms)",
                    r.lagMedianMs + " / " + r.lagP99Ms + " / " + r.lagMaxMs, "< 10000 (one bucket)", r.lagMaxMs < BUCKET_MS));
            table.add(row("PostgreSQL CPU (cores busy, of " + Runtime.getRuntime().availableProcessors() + ")",
                    String.format(Locale.ROOT, "%.2f", r.dbCores), "-", true));
            table.add(row("size on disk per day at this rate", gib(r.bytesPerDay), "-", true));
            WeekResult w = week(url, user, week, ops);
            table.add(row("top consumers per hour, 7 days (ms)", String.valueOf(w.topMs), "< 1000", w.topMs < 1000));
            table.add(row("one operation's 7-day history (ms)", String.valueOf(w.historyMs), "< 1000", w.historyMs < 1000));
            table.add(row("report command for a day (ms)", String.valueOf(w.reportMs), "< 1000", w.reportMs < 1000));
            table.add(row("retention: drop a day's partition (" + w.partitionRows + " rows) (ms)", String.valueOf(w.dropMs),
                    "< 1000", w.dropMs < 1000));
        } finally {
            try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + live + " CASCADE");
                if (Boolean.getBoolean("bench.keepWeek")) { // -Dbench.keepWeek=true: keep it to try queries on
                    System.out.println("kept the week's schema: " + week);
                } else {
                    st.execute("DROP SCHEMA IF EXISTS " + week + " CASCADE");
                }
            }
        }
        System.out.printf("%n%-62s %-28s %-22s %s%n", "measure", "measured", "target", "");
        for (String[] t : table) {
            System.out.printf("%-62s %-28s %-22s %s%n", (Object[]) t);
            System.out.println("SUMMARY|scale: " + t[0] + "|" + t[1] + "|" + t[2] + "|" + t[3]);
        }
    }

    private static String[] row(String what, String measured, String target, boolean met) {
        return new String[] {what, measured, target, target.equals("-") ? "" : met ? "met" : "MISSED"};
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String gib(double bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30));
    }

    private static int freeConnections(String url, String user) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A histogram as an operation's bucket would have: a few dozen calls over a few sizes. */
    static byte[] histogram(SplittableRandom r) {
        long base = 100 + r.nextLong(500_000);
        long[] bytes = new long[6];
        long[] counts = new long[6];
        for (int i = 0; i < 6; i++) {
            bytes[i] = base + r.nextLong(base);
            counts[i] = 1 + r.nextInt(20);
        }
        return Histograms.encodeCalls(bytes, counts);
    }

    record LoadResult(long offered, long written, long dropped, double rowsPerSecond, long lagMedianMs, long lagP99Ms,
                      long lagMaxMs, double dbCores, double bytesPerDay) {
    }

    /** One simulated agent: its writer, and what it offered up to each bucket close (to time the lag). */
    private static final class Agent {
        final PostgresWriter writer;
        final String service;
        final List<long[]> pendingCloses = new ArrayList<>(); // {rows offered up to the close, close time}

        Agent(PostgresWriter writer, String service) {
            this.writer = writer;
            this.service = service;
        }
    }

    private static LoadResult live(String url, String user, String schema, int n, int seconds, int ops) throws Exception {
        SplittableRandom r = new SplittableRandom(16);
        byte[][] histograms = new byte[ops][];
        for (int i = 0; i < ops; i++) {
            histograms[i] = histogram(r);
        }
        List<Agent> agents = new ArrayList<>();
        // One at a time: each migrates (the first) or waits for the schema's lock on a connection of its own.
        for (int i = 0; i < n; i++) {
            Properties p = new Properties();
            p.setProperty("memagent.jdbc.url", url);
            p.setProperty("memagent.jdbc.user", user);
            p.setProperty("memagent.db.schema", schema);
            p.setProperty("memagent.shutdown.timeout.ms", "120000");
            String service = "svc-" + (i % 10);
            PostgresWriter w = new PostgresWriter(Settings.database(Config.load(null, p, Map.of())), new RunInfo(UUID.randomUUID(), service,
                    1000 + i, "bench-host", System.getProperty("java.version"), "bench", "{\"memagent.retention.days\": \"7\"}",
                    System.currentTimeMillis()));
            w.start();
            w.offer(metrics(System.currentTimeMillis()));
            while (w.stats().rowsWritten() < 1) {
                if (w.stats().failures() > 0) {
                    throw new IllegalStateException("agent " + i + " cannot write: " + w.stats().lastError());
                }
                Thread.sleep(5);
            }
            agents.add(new Agent(w, service));
        }
        System.out.printf("%d agents ready; %d operations each, %d s%n", n, ops, seconds);
        long cpu0 = DbCpu.cpuTicks();
        long size0 = schemaBytes(url, user, schema);
        long t0 = System.currentTimeMillis();
        long firstBucket = Math.floorDiv(t0, BUCKET_MS) * BUCKET_MS + BUCKET_MS;
        long end = t0 + seconds * 1000L;
        List<Long> lags = new ArrayList<>();
        long offered0 = 0;
        for (Agent a : agents) {
            offered0 += a.writer.stats().rowsOffered();
        }
        long nextBucket = firstBucket;
        long nextSample = t0;
        long seq = 0;
        while (System.currentTimeMillis() < end) {
            long now = System.currentTimeMillis();
            if (now >= nextBucket) {
                long start = nextBucket - BUCKET_MS;
                boolean minute = nextBucket % 60_000 == 0;
                for (Agent a : agents) {
                    for (int op = 0; op < ops; op++) {
                        a.writer.offer(stats(Table.METHOD_ALLOCATION_STATS, op, start, nextBucket, histograms[op], r));
                        if (minute) {
                            a.writer.offer(stats(Table.METHOD_ALLOCATION_STATS_1M, op, nextBucket - 60_000, nextBucket,
                                    histograms[op], r));
                        }
                    }
                    a.pendingCloses.add(new long[] {a.writer.stats().rowsOffered(), nextBucket});
                }
                nextBucket += BUCKET_MS;
            }
            if (now >= nextSample) {
                for (Agent a : agents) {
                    a.writer.offer(metrics(now));
                    for (int k = 0; k < 5; k++) { // five 1 MiB+ calls a second
                        a.writer.offer(call(seq++, now, r));
                    }
                }
                nextSample += 1_000;
            }
            for (Agent a : agents) {
                long written = a.writer.stats().rowsWritten();
                while (!a.pendingCloses.isEmpty() && written >= a.pendingCloses.get(0)[0]) {
                    lags.add(System.currentTimeMillis() - a.pendingCloses.remove(0)[1]);
                }
            }
            Thread.sleep(20);
        }
        // Let the writers finish what they hold, still timing the lag of the last closes.
        long deadline = System.currentTimeMillis() + 120_000;
        boolean pending = true;
        while (pending && System.currentTimeMillis() < deadline) {
            pending = false;
            for (Agent a : agents) {
                long written = a.writer.stats().rowsWritten();
                while (!a.pendingCloses.isEmpty() && written >= a.pendingCloses.get(0)[0]) {
                    lags.add(System.currentTimeMillis() - a.pendingCloses.remove(0)[1]);
                }
                pending |= written < a.writer.stats().rowsOffered();
            }
            Thread.sleep(20);
        }
        long t1 = System.currentTimeMillis();
        long cpu1 = DbCpu.cpuTicks();
        long offered = -offered0;
        long written = -offered0;
        long dropped = 0;
        for (Agent a : agents) {
            offered += a.writer.stats().rowsOffered();
            written += a.writer.stats().rowsWritten();
            a.writer.close(120_000);
            dropped += a.writer.stats().droppedTotal();
        }
        long size1 = schemaBytes(url, user, schema);
        lags.sort(null);
        double wall = (t1 - t0) / 1000.0;
        long lagMedian = lags.isEmpty() ? -1 : lags.get(lags.size() / 2);
        long lagP99 = lags.isEmpty() ? -1 : lags.get(Math.min(lags.size() - 1, (int) Math.ceil(lags.size() * 0.99) - 1));
        long lagMax = lags.isEmpty() ? -1 : lags.get(lags.size() - 1);
        double cores = (cpu1 - cpu0) / (double) DbCpu.TICKS_PER_SECOND / wall;
        System.out.printf(Locale.ROOT, "live: %,d rows offered, %,d written, %d dropped in %.1f s; %d bucket closes timed%n",
                offered, written, dropped, wall, lags.size());
        return new LoadResult(offered, written, dropped, written / wall, lagMedian, lagP99, lagMax, cores,
                (size1 - size0) / wall * 86_400);
    }

    static StatsRow stats(Table table, int op, long start, long end, byte[] histogram, SplittableRandom r) {
        long calls = 1 + r.nextInt(50);
        long bytes = calls * (100 + r.nextLong(500_000));
        return new StatsRow(table, "Op." + op, "com.example.Service" + (op % 50) + "#op" + op + "()V", "method", start,
                end, new OperationFigures(calls, r.nextInt(2), 0, 0, bytes, bytes / 2, 100L, 600_000L, 200_000L, 500_000L,
                590_000L, calls * 1_000_000, 3_000_000), histogram);
    }

    static AllocationRow call(long seq, long now, SplittableRandom r) {
        long bytes = 1_048_576 + r.nextLong(20_000_000);
        return new AllocationRow(r.nextLong(), r.nextLong(), "Op." + (seq % 20), "com.example.Big#op()V", "method",
                "http-nio-8080-exec-" + (seq % 8), bytes, bytes, 2_000_000, false, 0, now, null, null);
    }

    static io.memagent.agent.store.Row metrics(long now) {
        return new io.memagent.agent.jvm.JvmSample(now, 512L << 20, 300L << 20, 1024L << 20, 80L << 20, 60L << 20,
                120L << 20, 1L << 20, 0L, now / 1000 % 100_000, now / 100 % 100_000, 60, 12_000, 40_000_000L, 29.3, "normal",
                null, null, null, null, null, null, null); // no resident set, container or native memory figures
    }

    static long schemaBytes(String url, String user, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, null); PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    record WeekResult(long topMs, long historyMs, long reportMs, long dropMs, long partitionRows) {
    }

    private static WeekResult week(String url, String user, String schema, int ops) throws Exception {
        return WeekHistory.run(url, user, schema, ops);
    }
}
