package io.memagent.agent.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory mode (no {@code memagent.jdbc.url}): keeps the most recent rows of each table in a
 * bounded ring, for the exit report and the HTTP API. Older rows fall off the ring (that is
 * history ageing out, not loss, so it is not counted as a drop).
 */
public final class InMemorySink implements RowSink {
    private final int perTable;
    private final Map<Table, ArrayDeque<Row>> rows = new EnumMap<>(Table.class);
    private final WriterStats stats;

    /** Nothing waits in memory mode. A class, not a lambda: the JDK generates one per lambda, at the agent's start. */
    private static final java.util.function.IntSupplier NO_QUEUE = new java.util.function.IntSupplier() {
        @Override
        public int getAsInt() {
            return 0;
        }
    };

    public InMemorySink(int perTable) {
        this.perTable = perTable;
        this.stats = new WriterStats("memory", perTable, NO_QUEUE);
        for (Table t : Table.values()) {
            rows.put(t, new ArrayDeque<>());
        }
    }

    @Override
    public synchronized void offer(Row row) {
        ArrayDeque<Row> q = rows.get(row.table());
        if (q.size() == perTable) {
            q.removeFirst();
        }
        q.addLast(row);
        stats.rowsOffered.incrementAndGet();
        stats.rowsWritten.incrementAndGet();
    }

    /** The rows of one table still held, oldest first. */
    public synchronized List<Row> rows(Table table) {
        return new ArrayList<>(rows.get(table));
    }

    @Override
    public WriterStats stats() {
        return stats;
    }

    @Override
    public void close(long timeoutMs) {
        // nothing to flush
    }
}
