package io.memagent.agent.store;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Hands every row on to the real sink and keeps, in memory, the most recent rows of the few
 * tables the HTTP API serves (spikes, large calls, leaks, alerts, recommendations), in either
 * mode: the API never reads the database on a request, and new row types of those tables appear
 * without code in the API. A row that updates an earlier one (a leak's {@code ON CONFLICT
 * (leak_id)}) replaces it here too. It also counts every row made per table, for /metrics.
 *
 * <p>{@link #offer} takes a short lock on the agent's own threads only (the drain, sampler and
 * GC notification threads); rows never come from an app thread.
 */
public final class RecentRows implements RowSink {
    public static final int PER_TABLE = 500;
    /**
     * The tables kept. {@code memory_allocations} (calls at or above {@code memagent.calls.min.bytes}) may be
     * busy, but its rows hold primitives and shared strings (an {@code AllocationRow} is about 100 bytes): 500
     * of them and their map entries are under 100 KB.
     */
    static final Set<Table> KEPT = EnumSet.of(Table.MEMORY_SPIKES, Table.MEMORY_ALLOCATIONS, Table.MEMORY_LEAK_DETECTION,
            Table.SYSTEM_ALERTS, Table.MEMORY_OPTIMIZATION_RECOMMENDATIONS);

    private final RowSink delegate;
    private final int perTable;
    /** Per table: key (the row's id when later rows update it, else a fresh object) -> row, oldest first. */
    private final Map<Table, LinkedHashMap<Object, Row>> recent = new EnumMap<>(Table.class);
    private final AtomicLongArray made = new AtomicLongArray(Table.values().length);

    public RecentRows(RowSink delegate, int perTable) {
        this.delegate = delegate;
        this.perTable = perTable;
        for (Table t : KEPT) {
            recent.put(t, new LinkedHashMap<>());
        }
    }

    public RowSink delegate() {
        return delegate;
    }

    @Override
    public boolean storesRollups() {
        return delegate.storesRollups();
    }

    @Override
    public void offer(Row row) {
        made.incrementAndGet(row.table().ordinal());
        LinkedHashMap<Object, Row> rows = recent.get(row.table());
        if (rows != null) {
            Object key = updatesById(row.table()) ? Objects.requireNonNullElse(row.values().get(row.table().columns().get(0)),
                    new Object()) : new Object();
            synchronized (rows) {
                rows.remove(key); // an update moves to the end: most recently changed last
                rows.put(key, row);
                if (rows.size() > perTable) {
                    Iterator<Object> it = rows.keySet().iterator();
                    it.next();
                    it.remove();
                }
            }
        }
        delegate.offer(row);
    }

    /** Rows whose table's conflict clause updates by the first column (its id) replace their earlier version. */
    static boolean updatesById(Table t) {
        String clause = t.conflictClause();
        return clause != null && clause.startsWith("ON CONFLICT (" + t.columns().get(0) + ")");
    }

    /** The most recent rows of a kept table, oldest first; empty for tables not kept. */
    public List<Row> recent(Table table) {
        LinkedHashMap<Object, Row> rows = recent.get(table);
        if (rows == null) {
            return List.of();
        }
        synchronized (rows) {
            return new ArrayList<>(rows.values());
        }
    }

    /** Rows of {@code table} made since the agent started (written, held or dropped). */
    public long made(Table table) {
        return made.get(table.ordinal());
    }

    @Override
    public WriterStats stats() {
        return delegate.stats();
    }

    @Override
    public void close(long timeoutMs) {
        delegate.close(timeoutMs);
    }
}
