package io.memagent.agent.aggregate;

import io.memagent.agent.store.Table;
import java.util.Arrays;

/**
 * The 1-minute and 1-hour rollups of one JVM's statistics buckets, built on the drain thread as
 * buckets close and handed to the sink when their minute or hour closes.
 *
 * <p>Why here and not in SQL: percentiles merge only through the histograms, which SQL cannot
 * decode; here each operation's figures of the open minute and hour are merged in memory
 * (histograms added exactly) as every bucket closes, so a rollup row costs no read of the
 * database, no lock and no coordination between JVMs, and lands in the same exactly-once
 * batches as the buckets. The price: two more figures per active operation (a few KB each at
 * most), and a JVM killed without its shutdown hook loses its open minute and hour (its buckets
 * are in the table; the report reads raw buckets where a rollup is missing only at the window's
 * edges, see {@code report.ReportWindow}).
 *
 * <p>A bucket belongs to the minute and hour its {@code bucket_start} falls in (UTC, epoch
 * aligned), whatever {@code memagent.stats.interval.ms} is; a rollup row's {@code bucket_end} is
 * the end of its last bucket, at most the minute's or hour's end.
 */
final class Rollups {
    /** Where a closed rollup goes: one row per operation with calls. */
    interface Emitter {
        void emit(Table table, int op, Figures figures, long startMs, long endMs);
    }

    private static final class Level {
        final Table table;
        final long widthMs;
        Figures[] byOp = new Figures[64];
        long startMs = Long.MIN_VALUE;
        long lastBucketEndMs;

        Level(Table table, long widthMs) {
            this.table = table;
            this.widthMs = widthMs;
        }
    }

    private final Level[] levels = {new Level(Table.METHOD_ALLOCATION_STATS_1M, 60_000L),
        new Level(Table.METHOD_ALLOCATION_STATS_1H, 3_600_000L)};

    /** Before a bucket's figures are added: a level whose open window the bucket is not in closes first. */
    void beginBucket(long bucketStartMs, Emitter out) {
        for (Level l : levels) {
            long window = Math.floorDiv(bucketStartMs, l.widthMs) * l.widthMs;
            if (l.startMs != Long.MIN_VALUE && l.startMs != window) {
                close(l, out);
            }
            l.startMs = window;
        }
    }

    void add(int op, Figures bucket) {
        for (Level l : levels) {
            if (op >= l.byOp.length) {
                l.byOp = Arrays.copyOf(l.byOp, Math.max(op + 1, l.byOp.length * 2));
            }
            Figures f = l.byOp[op];
            if (f == null) {
                f = new Figures();
                l.byOp[op] = f;
            }
            f.addAll(bucket);
        }
    }

    /** After a bucket's figures were added: a level whose window ends with it closes. */
    void endBucket(long bucketEndMs, Emitter out) {
        for (Level l : levels) {
            l.lastBucketEndMs = bucketEndMs;
            if (l.startMs != Long.MIN_VALUE && bucketEndMs >= l.startMs + l.widthMs) {
                close(l, out);
            }
        }
    }

    /** At the run's end: the open minute and hour, partial, as they are. */
    void closeAll(Emitter out) {
        for (Level l : levels) {
            if (l.startMs != Long.MIN_VALUE) {
                close(l, out);
            }
        }
    }

    private static void close(Level l, Emitter out) {
        long end = Math.min(l.lastBucketEndMs, l.startMs + l.widthMs);
        for (int op = 0; op < l.byOp.length; op++) {
            Figures f = l.byOp[op];
            if (f != null && f.calls > 0) {
                out.emit(l.table, op, f, l.startMs, end);
                f.reset();
            }
        }
        l.startMs = Long.MIN_VALUE;
    }
}
