package io.memagent.agent.store;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/** The writer's counters. Every dropped row is counted here under a reason. */
public final class WriterStats {
    public static final String QUEUE_FULL = "queue_full";
    public static final String AGGREGATE_QUEUE_FULL = "aggregate_queue_full";
    public static final String REJECTED = "rejected_by_database";
    public static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";
    public static final String WRITER_FAILED = "writer_failed";
    public static final String MEMORY_PRESSURE = "memory_pressure";
    /** A call over memagent.calls.min.bytes found its thread's ring of such calls full: its figures count, its row is not made. */
    public static final String CALLS_TOO_FAST = "calls_too_fast";
    /** Every reason a row can be dropped for: /metrics shows each, at 0 until it happens. */
    public static final java.util.List<String> REASONS =
            java.util.List.of(QUEUE_FULL, AGGREGATE_QUEUE_FULL, REJECTED, SHUTDOWN_TIMEOUT, WRITER_FAILED, MEMORY_PRESSURE,
                    CALLS_TOO_FAST);

    private final String mode;
    private final IntSupplier queueDepth;
    private final int queueCapacity;
    final AtomicLong rowsOffered = new AtomicLong();
    final AtomicLong rowsWritten = new AtomicLong();
    final AtomicLong batchesWritten = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> drops = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> dropsByTable = new ConcurrentHashMap<>();
    private volatile String lastError;
    private volatile long lastErrorAtMs;

    public WriterStats(String mode, int queueCapacity, IntSupplier queueDepth) {
        this.mode = mode;
        this.queueCapacity = queueCapacity;
        this.queueDepth = queueDepth;
    }

    public void dropped(String reason, long rows) {
        if (rows > 0) {
            drops.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(rows);
        }
    }

    /** Counts {@code rows} of {@code table} dropped for {@code reason}. */
    public void dropped(String reason, Table table, long rows) {
        dropped(reason, rows);
        if (rows > 0) {
            dropsByTable.computeIfAbsent(table.tableName(), t -> new AtomicLong()).addAndGet(rows);
        }
    }

    /**
     * A row the agent chose not to make (it sheds work under memory pressure): counted as made and
     * dropped, so that rows made = written + dropped + held still holds.
     */
    public void notMade(String reason, Table table) {
        rowsOffered.incrementAndGet();
        dropped(reason, table, 1);
    }

    public Map<String, Long> dropsByTable() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, AtomicLong> e : dropsByTable.entrySet()) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }

    void failed(String error) {
        failures.incrementAndGet();
        lastError = error;
        lastErrorAtMs = System.currentTimeMillis();
    }

    /** {@code postgresql} or {@code memory}. */
    public String mode() {
        return mode;
    }

    public int queueDepth() {
        return queueDepth.getAsInt();
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** Every row handed to the sink: written + dropped + still held. */
    public long rowsOffered() {
        return rowsOffered.get();
    }

    public long rowsWritten() {
        return rowsWritten.get();
    }

    public long batchesWritten() {
        return batchesWritten.get();
    }

    public long failures() {
        return failures.get();
    }

    public String lastError() {
        return lastError;
    }

    public long lastErrorAtMs() {
        return lastErrorAtMs;
    }

    public Map<String, Long> dropsByReason() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, AtomicLong> e : drops.entrySet()) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }

    public long droppedTotal() {
        long sum = 0;
        for (AtomicLong v : drops.values()) {
            sum += v.get();
        }
        return sum;
    }
}
