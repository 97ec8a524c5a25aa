package io.memagent.agent.aggregate;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Running figures of one operation over some period: counts, sums, extremes and a histogram
 * of bytes per call (2 significant digits, auto-resizing, 4-byte counts: a few KB at most).
 * Percentiles are clamped to the exact min and max, so an operation whose calls all allocate
 * the same bytes reports exactly that for every percentile.
 */
final class Figures {
    long calls;
    long errors;
    long unmeasured;
    long totalBytes;
    long selfBytes;
    long minBytes = Long.MAX_VALUE;
    long maxBytes = Long.MIN_VALUE;
    long totalDurationNs;
    long maxDurationNs;
    private AbstractHistogram histogram;

    /** @param withHistogram false while the agent sheds work under memory pressure: no percentile entry */
    void record(boolean threw, boolean measured, long inclusive, long self, long durationNs, boolean withHistogram) {
        calls++;
        if (threw) {
            errors++;
        }
        totalDurationNs += durationNs;
        if (durationNs > maxDurationNs) {
            maxDurationNs = durationNs;
        }
        if (!measured) {
            unmeasured++;
            return;
        }
        totalBytes += inclusive;
        selfBytes += self;
        if (inclusive < minBytes) {
            minBytes = inclusive;
        }
        if (inclusive > maxBytes) {
            maxBytes = inclusive;
        }
        if (!withHistogram) {
            return;
        }
        if (histogram == null) {
            histogram = new IntCountsHistogram(2);
        }
        histogram.recordValue(Math.max(0, inclusive));
    }

    /** Calls known only by their totals (the thread's ring was full): no extremes, no histogram. */
    void addTotals(long calls, long errors, long unmeasured, long bytes, long self, long durationNs) {
        this.calls += calls;
        this.errors += errors;
        this.unmeasured += unmeasured;
        this.totalBytes += bytes;
        this.selfBytes += self;
        this.totalDurationNs += durationNs;
    }

    void addAll(Figures other) {
        calls += other.calls;
        errors += other.errors;
        unmeasured += other.unmeasured;
        totalBytes += other.totalBytes;
        selfBytes += other.selfBytes;
        minBytes = Math.min(minBytes, other.minBytes);
        maxBytes = Math.max(maxBytes, other.maxBytes);
        totalDurationNs += other.totalDurationNs;
        maxDurationNs = Math.max(maxDurationNs, other.maxDurationNs);
        if (other.histogram != null) {
            if (histogram == null) {
                histogram = new IntCountsHistogram(2);
            }
            histogram.add(other.histogram);
        }
    }

    void reset() {
        calls = 0;
        errors = 0;
        unmeasured = 0;
        totalBytes = 0;
        selfBytes = 0;
        minBytes = Long.MAX_VALUE;
        maxBytes = Long.MIN_VALUE;
        totalDurationNs = 0;
        maxDurationNs = 0;
        if (histogram != null) {
            histogram.reset();
        }
    }

    Long min() {
        return maxBytes == Long.MIN_VALUE ? null : minBytes;
    }

    Long max() {
        return maxBytes == Long.MIN_VALUE ? null : maxBytes;
    }

    Long percentile(double p) {
        if (histogram == null || histogram.getTotalCount() == 0) {
            return null;
        }
        long v = histogram.getValueAtPercentile(p);
        return Math.max(minBytes, Math.min(maxBytes, v));
    }
}
