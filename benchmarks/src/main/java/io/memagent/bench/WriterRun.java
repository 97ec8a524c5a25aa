package io.memagent.bench;

import io.memagent.agent.config.Config;
import io.memagent.agent.runtime.Settings;
import io.memagent.agent.aggregate.AllocationRow;
import io.memagent.agent.store.PostgresWriter;
import io.memagent.agent.store.RunInfo;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The agent's PostgreSQL writer against a bare COPY of the same rows, in one run, alternating:
 * {@link PostgresWriter} through its public API ({@code offer}, real {@link AllocationRow}s, default
 * flush interval) into the {@code memory_allocations} table it migrated, and a single
 * {@code CopyManager} COPY of the same rows, formatted by hand, into the same table. The schema is
 * the benchmark's own and is dropped at the end.
 *
 * <p>The writer's rate is taken from its first committed batch to its last, so the one flush
 * interval it waits before its first batch (its design: it batches) is not counted; the bare COPY's
 * rate includes formatting the rows. Run with {@code agent/target/memagent.jar} on the class path
 * (not as an agent). Arguments: {@code <jdbc url> <user> <rows> <trials>}.
 */
public final class WriterRun {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSxxx", Locale.ROOT).withZone(ZoneOffset.UTC);

    private WriterRun() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int rows = Integer.parseInt(args[2]);
        int trials = Integer.parseInt(args[3]);
        long pid = ProcessHandle.current().pid();
        String schema = "bench_writer_" + pid;
        List<AllocationRow> data = rows(rows, 42);
        double[] writer = new double[trials];
        double[] bare = new double[trials];
        try {
            for (int t = 0; t < trials; t++) {
                writer[t] = writerRate(url, user, schema, pid, data);
                truncate(url, user, schema);
                bare[t] = bareCopyRate(url, user, schema, data);
                truncate(url, user, schema);
                System.out.printf(Locale.ROOT, "trial %d: writer %,.0f rows/s, bare COPY %,.0f rows/s (%.0f%%)%n", t + 1,
                        writer[t], bare[t], 100 * writer[t] / bare[t]);
            }
        } finally {
            try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        double w = median(writer);
        double b = median(bare);
        // The verdict pairs each writer trial with the bare COPY right after it: the machine's load changes
        // between trials, far less within one pair.
        double[] paired = new double[trials];
        for (int t = 0; t < trials; t++) {
            paired[t] = writer[t] / bare[t];
        }
        double ratio = median(paired);
        System.out.printf(Locale.ROOT, "Writer, %,d per-call rows, median of %d alternating trials: writer %,.0f rows/s, "
                + "bare COPY %,.0f rows/s; median of the paired ratios %.0f%% (target >= 90%%); writer trials %s, bare trials %s%n",
                rows, trials, w, b, 100 * ratio, Arrays.toString(round(writer)), Arrays.toString(round(bare)));
        System.out.printf(Locale.ROOT, "SUMMARY|writer: per-call rows vs bare COPY (%,d rows)|%.0f%% (median of paired trials; medians %,.0f / %,.0f rows/s)"
                + "|>= 90%%|%s%n", rows, 100 * ratio, w, b, ratio >= 0.9 ? "met" : "MISSED");
    }

    /** Rows as the aggregator makes them: 1 MiB-plus calls of a few operations from a few threads. */
    static List<AllocationRow> rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] ops = {"CampaignService.generate", "ReportBuilder.export", "ClickAggregator.naive"};
        String[] threads = {"main", "http-nio-8080-exec-1", "worker-7"};
        long now = System.currentTimeMillis();
        List<AllocationRow> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String op = ops[i % ops.length];
            long bytes = 1_048_576 + r.nextLong(50_000_000);
            list.add(new AllocationRow((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & ~(3L << 62)) | (2L << 62),
                    op, "io.memagent.sample." + op.replace('.', '#') + "()", "method", threads[i % threads.length],
                    bytes, bytes - r.nextLong(1000), 100_000 + r.nextLong(10_000_000), i % 97 == 0, i % 5, now + i, null, null));
        }
        return list;
    }

    private static double writerRate(String url, String user, String schema, long pid, List<AllocationRow> data)
            throws Exception {
        Properties p = new Properties();
        p.setProperty("memagent.jdbc.url", url);
        p.setProperty("memagent.jdbc.user", user);
        p.setProperty("memagent.db.schema", schema);
        p.setProperty("memagent.queue.capacity", String.valueOf(Math.max(100, data.size())));
        p.setProperty("memagent.shutdown.timeout.ms", "600000");
        Config config = Config.load(null, p, Map.of());
        RunInfo run = new RunInfo(UUID.randomUUID(), "memagent-bench", pid, "localhost",
                System.getProperty("java.version"), "bench", "{}", System.currentTimeMillis());
        PostgresWriter w = new PostgresWriter(Settings.database(config), run);
        w.start();
        // Warm up: connect, migrate, the agent_runs row, one batch of one row.
        w.offer(rows(1, 7).get(0));
        while (w.stats().rowsWritten() < 1) {
            failIfStuck(w);
            Thread.sleep(5);
        }
        for (AllocationRow row : data) {
            w.offer(row);
        }
        long target = 1 + data.size();
        long firstBatchRows = 0;
        long t0 = 0;
        while (true) {
            long written = w.stats().rowsWritten();
            if (t0 == 0 && written > 1) {
                t0 = System.nanoTime();
                firstBatchRows = written - 1;
            }
            if (written >= target) {
                break;
            }
            failIfStuck(w);
            // Poll gently: a spinning thread here would take a core from the writer on a 2-core machine.
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        long t1 = System.nanoTime();
        w.close(10_000);
        if (w.stats().droppedTotal() != 0) {
            throw new IllegalStateException("the writer dropped rows: " + w.stats().dropsByReason());
        }
        if (firstBatchRows >= data.size()) {
            throw new IllegalStateException("all rows went in one batch: use more rows than a batch holds");
        }
        return (data.size() - firstBatchRows) / ((t1 - t0) / 1e9);
    }

    private static void failIfStuck(PostgresWriter w) {
        if (w.stats().failures() > 0 || w.stats().droppedTotal() > 0) {
            throw new IllegalStateException("the writer failed: " + w.stats().lastError() + ", dropped "
                    + w.stats().dropsByReason());
        }
    }

    private static double bareCopyRate(String url, String user, String schema, List<AllocationRow> data)
            throws Exception {
        UUID runId = UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(url, user, null)) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            StringBuilder sb = new StringBuilder(data.size() * 330);
            for (AllocationRow r : data) {
                sb.append(runId).append("\tmemagent-bench\t1\t").append(new UUID(r.idHigh(), r.idLow())).append('\t')
                        .append(r.operationType()).append('\t').append(r.method()).append('\t').append(r.kind())
                        .append('\t').append(r.threadName()).append('\t').append(r.allocatedBytes()).append('\t')
                        .append(r.selfBytes()).append('\t').append(r.durationNs()).append('\t').append(r.threw() ? 't' : 'f')
                        .append('\t').append(r.allocationPatternJson()).append('\t')
                        .append(TS.format(Instant.ofEpochMilli(r.createdAtMs()))).append('\n');
            }
            Reader in = new StringReader(sb.toString());
            long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + schema + ".memory_allocations (run_id,"
                    + " service_name, process_id, operation_id, operation_type, method, kind, thread_name, allocated_bytes,"
                    + " self_bytes, duration_ns, threw, allocation_pattern, created_at) FROM STDIN", in);
            c.commit();
            long t1 = System.nanoTime();
            if (n != data.size()) {
                throw new IllegalStateException("COPY stored " + n + " rows of " + data.size());
            }
            return data.size() / ((t1 - t0) / 1e9);
        }
    }

    private static void truncate(String url, String user, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + ".memory_allocations")) {
                rs.next();
            }
            st.execute("TRUNCATE " + schema + ".memory_allocations");
            st.execute("VACUUM " + schema + ".memory_allocations");
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long[] round(double[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i]);
        }
        return r;
    }
}
