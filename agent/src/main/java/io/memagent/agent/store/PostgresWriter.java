package io.memagent.agent.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.memagent.agent.util.AgentLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The one thread that talks to PostgreSQL. Rows wait in two bounded queues (detail rows, and
 * aggregates that must survive an outage, see {@link Table#aggregate()}); every
 * {@code memagent.flush.interval.ms} the writer takes what is there and writes it in one
 * transaction: COPY per table, plus a {@code memagent_batches} row with the batch's id. If the
 * connection dies, the same batch (same id) is retried; a retry first looks for that id, so a
 * batch whose COMMIT went through before the connection died is not written twice.
 *
 * <p>Connecting, migrating and inserting the {@code agent_runs} row happen here too, never on
 * the thread that started the JVM. While the database is unreachable the writer backs off with
 * jitter (up to a minute) and logs at most once a minute; the queue bounds what is held.
 */
public final class PostgresWriter implements RowSink {
    static final int MAX_BATCH_ROWS = 20_000;
    private static final long MAX_BACKOFF_MS = 60_000;

    private final DatabaseSettings settings;
    private final RunInfo run;
    private final String schema;
    private final ArrayBlockingQueue<Row> queue;
    private final ArrayBlockingQueue<Row> aggregates;
    private final WriterStats stats;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final String rowPrefix;
    private final Retention retention;
    private final SchemaSetup schemaSetup;
    private final Bisection bisection;

    /** How long close waits for a writer that never reached the database (an attempt may just be succeeding). */
    static final long NEVER_REACHED_WAIT_MS = 100;
    private volatile boolean closing;
    private volatile long closeDeadlineNanos;
    private volatile boolean runRowWritten;
    private HikariDataSource dataSource;
    private volatile boolean ready;
    private List<Row> pending;
    private UUID pendingBatchId;
    private boolean pendingMayBeCommitted;
    /** The last batch was full: more rows are waiting, so the next one goes without waiting a flush interval. */
    private boolean backlog;

    public PostgresWriter(DatabaseSettings settings, RunInfo run) {
        this.settings = settings;
        this.run = run;
        this.schema = '"' + settings.schema() + '"';
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.aggregates = new ArrayBlockingQueue<>(aggregateCapacity(settings.queueCapacity(), settings.operationsMax()));
        this.stats = new WriterStats("postgresql", settings.queueCapacity(), () -> queue.size() + aggregates.size());
        StringBuilder prefix = new StringBuilder();
        new CopyLine(prefix).uuid(run.runId()).text(run.serviceName()).number(run.processId());
        this.rowPrefix = prefix.toString();
        this.retention = new Retention(settings.schema(), run.serviceName(), Map.of(Retention.RAW, settings.retentionDays(),
                Retention.MINUTES, settings.retentionMinutesDays(), Retention.HOURS, settings.retentionHoursDays()));
        this.schemaSetup = new SchemaSetup(settings);
        this.bisection = new Bisection(stats);
        this.thread = new Thread(this::runLoop, "memagent-writer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Room reserved for aggregates on top of {@code memagent.queue.capacity}: a tenth, at least
     * 1,000, and at least four rows of every operation there can be ({@code memagent.operations.max}):
     * a bucket close that also closes a minute and an hour makes three, plus the previous close's
     * one still waiting, so a close never drops a statistics row while the writer keeps up. Only
     * the array of references is made up front (8 bytes a slot).
     */
    static int aggregateCapacity(int queueCapacity, int operationsMax) {
        return Math.max(Math.max(1_000, queueCapacity / 10), 4 * operationsMax);
    }

    @Override
    public void offer(Row row) {
        stats.rowsOffered.incrementAndGet();
        if (row.table().aggregate()) {
            if (!aggregates.offer(row)) {
                stats.dropped(WriterStats.AGGREGATE_QUEUE_FULL, row.table(), 1);
            }
        } else if (!queue.offer(row)) {
            stats.dropped(WriterStats.QUEUE_FULL, row.table(), 1);
        }
    }

    @Override
    public boolean storesRollups() {
        return true;
    }

    @Override
    public WriterStats stats() {
        return stats;
    }

    @Override
    public void close(long timeoutMs) {
        // Down since start (never connected, and an attempt failed): waiting cannot write anything,
        // so the JVM exits at once and what is held is counted as dropped.
        boolean neverReached = !ready && stats.failures() > 0;
        long waitMs = neverReached ? Math.min(timeoutMs, NEVER_REACHED_WAIT_MS) : timeoutMs;
        closeDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        closing = true;
        LockSupport.unpark(thread);
        try {
            boolean done = finished.await(waitMs, TimeUnit.MILLISECONDS);
            // Whatever is still held now will never be written: count it, whatever the reason.
            List<Row> held = new ArrayList<>(aggregates);
            held.addAll(queue);
            List<Row> unwritten = pending;
            if (unwritten != null) {
                held.addAll(unwritten);
            }
            held.addAll(bisection.held());
            long lost = held.size();
            if (lost > 0) {
                String reason = done || neverReached ? WriterStats.WRITER_FAILED : WriterStats.SHUTDOWN_TIMEOUT;
                for (Row r : held) {
                    stats.dropped(reason, r.table(), 1);
                }
                if (neverReached) {
                    AgentLog.error("PostgreSQL was not reachable at any time since start (" + stats.lastError()
                            + "): " + lost + " rows are counted as dropped (" + reason + ") and the JVM exits without waiting");
                } else {
                    AgentLog.error("could not write " + lost + " rows to PostgreSQL within memagent.shutdown.timeout.ms = "
                            + settings.shutdownTimeoutMs() + "; they are counted as dropped (" + reason + ")");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean pastDeadline() {
        return closing && System.nanoTime() - closeDeadlineNanos > 0;
    }

    private void runLoop() {
        long backoffMs = 0;
        try {
            while (true) {
                try {
                    if (!ready) {
                        prepare();
                        ready = true;
                    }
                    if (bisection.active()) {
                        bisection.run(this::writeBatch, PostgresWriter::retryable);
                        backoffMs = 0;
                        continue;
                    }
                    if (!closing && pending == null && retention.due(System.currentTimeMillis())) {
                        Retention.Result r = retention.run(dataSource, System.currentTimeMillis());
                        if (r.rowsDeleted() > 0 || !r.partitionsDropped().isEmpty()) {
                            AgentLog.info("retention: dropped partitions " + r.partitionsDropped() + ", deleted "
                                    + r.rowsDeleted() + " rows (memagent.retention.days = " + settings.retentionDays()
                                    + ", .minutes.days = " + settings.retentionMinutesDays() + ", .hours.days = "
                                    + settings.retentionHoursDays() + ")");
                        }
                    }
                    if (pending == null) {
                        // Waiting a flush interval between batches would cap the writer at MAX_BATCH_ROWS
                        // per interval (20,000 rows/s by default) whatever the database takes: after a full
                        // batch, the next goes at once (benchmarks/WriterRun measures this against a bare COPY).
                        if (!closing && !backlog) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.flushIntervalMs()));
                        }
                        List<Row> batch = new ArrayList<>(Math.min(queue.size() + aggregates.size(), MAX_BATCH_ROWS));
                        aggregates.drainTo(batch, MAX_BATCH_ROWS);
                        queue.drainTo(batch, MAX_BATCH_ROWS - batch.size());
                        backlog = batch.size() >= MAX_BATCH_ROWS;
                        if (batch.isEmpty()) {
                            if (closing) {
                                break;
                            }
                            continue;
                        }
                        pending = batch;
                        pendingBatchId = UUID.randomUUID();
                        pendingMayBeCommitted = false;
                    }
                    writeBatch(pending, pendingBatchId, pendingMayBeCommitted);
                    stats.rowsWritten.addAndGet(pending.size());
                    stats.batchesWritten.incrementAndGet();
                    pending = null;
                    backoffMs = 0;
                } catch (SQLException | RuntimeException | Error e) {
                    // An Error here is most likely the app's full heap (OutOfMemoryError) reaching our
                    // thread: keep what we hold, back off, and try again once the app frees memory.
                    if (pending != null && !retryable(e)) {
                        // A data error: write the batch again in halves, dropping only the rows refused alone.
                        bisection.start(pending, e);
                        pending = null;
                        continue;
                    }
                    if (pending != null) {
                        pendingMayBeCommitted = true; // we cannot tell whether COMMIT reached the server
                    }
                    stats.failed(describe(e));
                    AgentLog.errorAtMostEvery("writer", 60_000, "cannot write to PostgreSQL at "
                            + io.memagent.agent.util.Secrets.mask(settings.jdbcUrl()) + " (" + describe(e) + "); holding up to "
                            + settings.queueCapacity() + " rows and retrying with backoff");
                    if (pastDeadline()) {
                        break;
                    }
                    backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
                    long sleep = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
                    if (closing) {
                        sleep = Math.min(sleep, 200);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(sleep));
                    if (pastDeadline()) {
                        break;
                    }
                }
            }
            if (closing) {
                finishRun();
            }
        } catch (Throwable t) {
            AgentLog.error("the PostgreSQL writer stopped: " + t);
        } finally {
            finished.countDown();
            if (dataSource != null) {
                dataSource.close();
            }
        }
    }

    private static boolean retryable(Throwable e) {
        if (!(e instanceof SQLException sql)) {
            return true;
        }
        String state = sql.getSQLState();
        // Data and constraint errors (classes 22 and 23) will fail the same way again.
        return state == null || !(state.startsWith("22") || state.startsWith("23"));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String state = e instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        return e.getClass().getSimpleName() + ": " + (m == null ? "" : io.memagent.agent.util.Secrets.mask(m.replaceAll("\\s+", " ")))
                + state;
    }

    private void prepare() throws SQLException {
        if (dataSource == null) {
            dataSource = createDataSource();
        }
        schemaSetup.run(dataSource, System.currentTimeMillis());
        insertRunRow();
    }

    private HikariDataSource createDataSource() throws SQLException {
        DriverLog.install(); // the driver's java.util.logging lines go to the agent's log
        // Loading pgjdbc registers it with DriverManager, in its static initializer, and DriverManager gives a URL
        // to the first registered driver that accepts it: while registered, the shaded copy could serve the app's
        // own jdbc:postgresql: URLs (seen once: an app opening its first connection as the agent started got
        // ours). So DriverManager first loads the app's drivers (its ServiceLoader, on first use), which puts them
        // ahead of ours; then ours is taken back out, since the pool instantiates it directly.
        java.sql.DriverManager.getDrivers();
        if (org.postgresql.Driver.isRegistered()) {
            org.postgresql.Driver.deregister();
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("memagent-writer");
        hc.setDriverClassName(org.postgresql.Driver.class.getName());
        hc.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            hc.setUsername(settings.user());
        }
        if (settings.password() != null) {
            hc.setPassword(settings.password());
        }
        // Two for Flyway at start (it may hold a second connection); after that the writer's one thread
        // uses one at a time, and no idle spare is kept: fifty JVMs must not take PostgreSQL's default
        // 100 connections (benchmarks/scale.sh found them exhausted at 49 with a spare each).
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(0);
        hc.setIdleTimeout(10_000);
        hc.setConnectionTimeout(5_000);
        hc.setValidationTimeout(2_000);
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("ApplicationName", "memagent");
        hc.addDataSourceProperty("connectTimeout", "5");
        hc.addDataSourceProperty("socketTimeout", "60");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(hc);
    }

    private void insertRunRow() throws SQLException {
        if (runRowWritten) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".agent_runs (run_id, service_name,"
                     + " process_id, host, jvm_version, agent_version, config, started_at) VALUES (?, ?, ?, ?, ?, ?,"
                     + " ?::jsonb, ?) ON CONFLICT (run_id) DO NOTHING")) {
            ps.setObject(1, run.runId());
            ps.setString(2, run.serviceName());
            ps.setLong(3, run.processId());
            ps.setString(4, run.host());
            ps.setString(5, run.jvmVersion());
            ps.setString(6, run.agentVersion());
            ps.setString(7, run.configJson());
            ps.setTimestamp(8, new Timestamp(run.startedAtMs()));
            ps.executeUpdate();
        }
        runRowWritten = true;
    }

    private void finishRun() {
        if (!runRowWritten || dataSource == null) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + schema + ".agent_runs SET stopped_at = ?,"
                     + " records_dropped = ?, drops_by_reason = ?::jsonb, drops_by_table = ?::jsonb,"
                     + " agent_overhead_bytes = ?, agent_overhead_ns = ? WHERE run_id = ?")) {
            ps.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
            ps.setLong(2, stats.droppedTotal());
            ps.setString(3, dropsJson(stats.dropsByReason()));
            ps.setString(4, dropsJson(stats.dropsByTable()));
            ps.setLong(5, io.memagent.bootstrap.AgentOverhead.bytes());
            ps.setLong(6, io.memagent.bootstrap.AgentOverhead.nanos());
            ps.setObject(7, run.runId());
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            AgentLog.error("could not record the end of this run in agent_runs: " + describe(e));
        }
    }

    static String dropsJson(Map<String, Long> drops) {
        StringBuilder sb = new StringBuilder("{");
        drops.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return sb.append('}').toString();
    }

    private void writeBatch(List<Row> rows, UUID batchId, boolean mayBeCommitted) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (mayBeCommitted && alreadyCommitted(c, batchId)) {
                    c.rollback();
                    return;
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema
                        + ".memagent_batches (batch_id, run_id, row_count) VALUES (?, ?, ?)")) {
                    ps.setObject(1, batchId);
                    ps.setObject(2, run.runId());
                    ps.setInt(3, rows.size());
                    ps.executeUpdate();
                }
                Map<Table, StringBuilder> byTable = new EnumMap<>(Table.class);
                for (Row row : rows) {
                    StringBuilder sb = byTable.computeIfAbsent(row.table(), t -> new StringBuilder(1 << 14));
                    sb.append(rowPrefix).append('\t');
                    CopyLine line = new CopyLine(sb);
                    row.writeTo(line);
                    line.end();
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (Map.Entry<Table, StringBuilder> e : byTable.entrySet()) {
                    copyTable(c, copy, e.getKey(), e.getValue());
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the pool will discard it
                }
                throw e;
            }
        }
    }

    private boolean alreadyCommitted(Connection c, UUID batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + schema + ".memagent_batches WHERE batch_id = ?")) {
            ps.setObject(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void copyTable(Connection c, CopyManager copy, Table table, StringBuilder data) throws SQLException {
        String columns = "run_id, service_name, process_id, " + String.join(", ", table.columns());
        // Encoded here, whole: pgjdbc's copyIn(Reader) encodes each 64K-char chunk on its own, and a
        // surrogate pair split by a chunk boundary would arrive as "??" (DataIntegrityIT found it).
        byte[] utf8 = data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (table.conflictClause() == null) {
                copy.copyIn("COPY " + schema + "." + table.tableName() + " (" + columns + ") FROM STDIN",
                        new java.io.ByteArrayInputStream(utf8));
                return;
            }
            String stage = "memagent_stage_" + table.tableName();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " (LIKE " + schema + "." + table.tableName()
                        + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            }
            copy.copyIn("COPY " + stage + " (" + columns + ") FROM STDIN", new java.io.ByteArrayInputStream(utf8));
            try (Statement st = c.createStatement()) {
                // An updated row (a leak) may come twice in one batch: only its latest version, or
                // ON CONFLICT DO UPDATE would refuse to touch the same row twice.
                String select = table == Table.MEMORY_LEAK_DETECTION
                        ? "SELECT DISTINCT ON (leak_id) " + columns + " FROM " + stage + " ORDER BY leak_id, updated_at DESC"
                        : "SELECT " + columns + " FROM " + stage;
                st.execute("INSERT INTO " + schema + "." + table.tableName() + " (" + columns + ") " + select + " "
                        + table.conflictClause());
            }
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into " + table.tableName() + " failed: " + e.getMessage(), "08006", e);
        }
    }
}
