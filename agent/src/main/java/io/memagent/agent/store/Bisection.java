package io.memagent.agent.store;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Names;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the writer does with a batch PostgreSQL refused for a data error (SQLState class 22 or
 * 23): it writes the batch again in halves, and halves of the halves that fail, until each bad row
 * is alone; only those rows are dropped, counted as {@link WriterStats.REJECTED}, and logged
 * (at most one line a minute, the database's message shortened and escaped). Each part is a batch
 * of its own, with its own id, so a part whose COMMIT may have gone through before a connection
 * died is not written twice. A connection error keeps the parts left for the writer's next try.
 */
final class Bisection {
    /** Writes one batch in one transaction (the writer's {@code writeBatch}). */
    interface BatchWrite {
        void write(List<Row> rows, UUID batchId, boolean mayBeCommitted) throws SQLException;
    }

    private record Part(List<Row> rows, UUID id, boolean mayBeCommitted) {
    }

    private final ArrayDeque<Part> parts = new ArrayDeque<>();
    private final WriterStats stats;

    Bisection(WriterStats stats) {
        this.stats = stats;
    }

    boolean active() {
        return !parts.isEmpty();
    }

    /** Takes over a refused batch (its rows were not written: the transaction rolled back). */
    void start(List<Row> refused, Throwable why) {
        if (refused.size() == 1) {
            drop(refused.get(0), why);
            return;
        }
        split(refused);
    }

    private void split(List<Row> rows) {
        int half = rows.size() / 2;
        // pushed to the front, first half first
        parts.addFirst(new Part(new ArrayList<>(rows.subList(half, rows.size())), UUID.randomUUID(), false));
        parts.addFirst(new Part(new ArrayList<>(rows.subList(0, half)), UUID.randomUUID(), false));
    }

    /**
     * Writes the parts left; on an error that is not the data's (the connection, a timeout) marks
     * the part as possibly committed and rethrows, keeping it and the rest for the next try.
     */
    void run(BatchWrite writer, java.util.function.Predicate<Throwable> retryable) throws SQLException {
        while (!parts.isEmpty()) {
            Part part = parts.peekFirst();
            try {
                writer.write(part.rows(), part.id(), part.mayBeCommitted());
            } catch (SQLException | RuntimeException e) {
                if (retryable.test(e)) {
                    parts.removeFirst();
                    parts.addFirst(new Part(part.rows(), part.id(), true));
                    throw e;
                }
                parts.removeFirst();
                start(part.rows(), e);
                continue;
            }
            parts.removeFirst();
            stats.rowsWritten.addAndGet(part.rows().size());
            stats.batchesWritten.incrementAndGet();
        }
    }

    private void drop(Row row, Throwable why) {
        stats.dropped(WriterStats.REJECTED, row.table(), 1);
        String state = why instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        AgentLog.errorAtMostEvery("writer-rejected-row", 60_000, "PostgreSQL refused one " + row.table().tableName()
                + " row; it alone is dropped and counted (" + WriterStats.REJECTED + "), the rest of its batch is"
                + " written: " + why.getClass().getSimpleName() + ": " + Names.forLog(String.valueOf(why.getMessage()), 300) + state);
    }

    /** Rows not yet written, for the writer's count of what a shutdown leaves behind. */
    List<Row> held() {
        List<Row> out = new ArrayList<>();
        for (Part p : parts) {
            out.addAll(p.rows());
        }
        return out;
    }
}
