package io.memagent.agent.aggregate;

import io.memagent.bootstrap.LogHistogram;
import io.memagent.bootstrap.Period;
import org.HdrHistogram.AbstractHistogram;

/**
 * Running figures of one operation over some period: counts, sums, extremes and a histogram
 * of bytes per call (2 significant digits, auto-resizing, 4-byte counts: a few KB at most).
 * Threads hand in their calls already summed ({@link #merge}): each of their histogram cells is
 * entered by its middle value, so a percentile is within 1/64 (thread cell) plus 1/128 (this
 * histogram) of the exact one, 2.4% at most. Percentiles are clamped to the exact min and max, so
 * an operation whose calls all allocate the same bytes reports exactly that for every percentile.
 */
final class Figures {
    long calls;
    long errors;
    long unmeasuredCalls;
    long coldCalls;
    long totalBytes;
    long selfBytes;
    long minBytes = Long.MAX_VALUE;
    long maxBytes = Long.MIN_VALUE;
    long totalDurationNs;
    long maxDurationNs;
    private AbstractHistogram histogram;

    /**
     * Adds one thread's period of one operation.
     *
     * @param withHistogram false while the agent sheds work under memory pressure: no percentile entry
     */
    void merge(Period p, boolean withHistogram) {
        calls += p.calls();
        errors += p.errors();
        unmeasuredCalls += p.unmeasuredCalls();
        coldCalls += p.coldCalls();
        totalBytes += p.totalBytes();
        selfBytes += p.selfBytes();
        totalDurationNs += p.totalDurationNs();
        maxDurationNs = Math.max(maxDurationNs, p.maxDurationNs());
        if (p.maxBytes() == Long.MIN_VALUE) {
            return; // no measured call
        }
        minBytes = Math.min(minBytes, p.minBytes());
        maxBytes = Math.max(maxBytes, p.maxBytes());
        if (!withHistogram) {
            return;
        }
        for (int row = 0; row < LogHistogram.ROWS; row++) {
            if (!p.hasRow(row)) {
                continue;
            }
            for (int col = 0; col < LogHistogram.SUB_BUCKETS; col++) {
                int n = p.count(row, col);
                if (n > 0) {
                    if (histogram == null) {
                        histogram = Histograms.newForCalls();
                    }
                    histogram.recordValueWithCount(LogHistogram.middle(row, col), n);
                }
            }
        }
    }

    /** Calls on virtual threads: counted, never measured. */
    void addUnmeasured(long calls, long errors, long durationNs) {
        this.calls += calls;
        this.errors += errors;
        this.unmeasuredCalls += calls;
        this.totalDurationNs += durationNs;
    }

    void addAll(Figures other) {
        calls += other.calls;
        errors += other.errors;
        unmeasuredCalls += other.unmeasuredCalls;
        coldCalls += other.coldCalls;
        totalBytes += other.totalBytes;
        selfBytes += other.selfBytes;
        minBytes = Math.min(minBytes, other.minBytes);
        maxBytes = Math.max(maxBytes, other.maxBytes);
        totalDurationNs += other.totalDurationNs;
        maxDurationNs = Math.max(maxDurationNs, other.maxDurationNs);
        if (other.histogram != null) {
            if (histogram == null) {
                histogram = Histograms.newForCalls();
            }
            histogram.add(other.histogram);
        }
    }

    void reset() {
        calls = 0;
        errors = 0;
        unmeasuredCalls = 0;
        coldCalls = 0;
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

    /** The figures as they stand, percentiles computed now. */
    OperationFigures figures() {
        return new OperationFigures(calls, errors, unmeasuredCalls, coldCalls, totalBytes, selfBytes, min(), max(),
                percentile(50), percentile(95), percentile(99), totalDurationNs, maxDurationNs);
    }

    Long percentile(double p) {
        return Histograms.percentile(histogram, p, minBytes, maxBytes);
    }

    /** The histogram in the {@code histogram} column's encoding; null when no call entered it. */
    byte[] encodedHistogram() {
        return Histograms.encode(histogram);
    }
}
