package io.memagent.agent.aggregate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The most recent closed statistics buckets, each with the self bytes (nested profiled calls'
 * left out, so each byte counts once in a sum) its largest operations allocated: what the dashboard's "bytes/s per operation" chart is drawn from, in either mode
 * (in PostgreSQL mode the buckets' rows are not otherwise kept in memory). Bounded: at most
 * {@link #MAX_BUCKETS} buckets (an hour at the default 10 s interval) of at most
 * {@link #PER_BUCKET} operations each, the rest of a bucket summed into its total. Filled by the
 * drain thread when a bucket closes, read by the HTTP threads: both are the agent's own.
 */
public final class BucketHistory {
    public static final int MAX_BUCKETS = 360;
    public static final int PER_BUCKET = 20;

    /**
     * One closed bucket: its {@code operations} (largest first) with the self bytes they allocated
     * in it, and {@code selfBytes} of every operation, the ones not listed included.
     */
    public record Bucket(long startMs, long endMs, List<String> operations, long[] bytes, long selfBytes) {
    }

    private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();
    // Filled while a bucket closes (drain thread only), then reset.
    private final List<String> names = new ArrayList<>();
    private long[] sizes = new long[64];

    /** One operation's self bytes in the bucket being closed. */
    void add(String operation, long selfBytes) {
        if (names.size() == sizes.length) {
            sizes = Arrays.copyOf(sizes, sizes.length * 2);
        }
        sizes[names.size()] = selfBytes;
        names.add(operation);
    }

    /**
     * Keeps the bucket [startMs, endMs) with the operations {@link #add}ed since the last close.
     * A stretch without a closed bucket (no drain crossed its end: an idle app) is kept as an
     * empty bucket, so the chart reads zero there rather than drawing a line across it.
     */
    void close(long startMs, long endMs) {
        Integer[] order = new Integer[names.size()];
        long total = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            total += sizes[i];
        }
        Arrays.sort(order, new java.util.Comparator<Integer>() { // not a lambda: see Aggregator's callbacks
            @Override
            public int compare(Integer a, Integer b) {
                return Long.compare(sizes[b], sizes[a]);
            }
        });
        int kept = Math.min(PER_BUCKET, order.length);
        List<String> ops = new ArrayList<>(kept);
        long[] bytes = new long[kept];
        for (int i = 0; i < kept; i++) {
            ops.add(names.get(order[i]));
            bytes[i] = sizes[order[i]];
        }
        names.clear();
        synchronized (buckets) {
            Bucket last = buckets.peekLast();
            if (last != null && startMs > last.endMs()) {
                keep(new Bucket(last.endMs(), startMs, List.of(), new long[0], 0));
            }
            if (last == null || startMs >= last.endMs()) { // a clock stepping back never repeats a bucket
                keep(new Bucket(startMs, endMs, List.copyOf(ops), bytes, total));
            }
        }
    }

    private void keep(Bucket b) {
        buckets.addLast(b);
        if (buckets.size() > MAX_BUCKETS) {
            buckets.removeFirst();
        }
    }

    /** The buckets that ended after {@code sinceMs}, oldest first. */
    public List<Bucket> since(long sinceMs) {
        List<Bucket> out = new ArrayList<>();
        synchronized (buckets) {
            for (Bucket b : buckets) {
                if (b.endMs() > sinceMs) {
                    out.add(b);
                }
            }
        }
        return out;
    }
}
