package io.memagent.agent.aggregate;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * The {@code histogram} column of {@code method_allocation_stats} and its rollups: a bucket's
 * histogram of bytes per measured call in HdrHistogram's own binary encoding
 * ({@link AbstractHistogram#encodeIntoByteBuffer}: counts as ZigZag LEB128, runs of empty cells
 * collapsed). Its compressed variant was measured too: on these sparse histograms (a few to a few
 * dozen filled cells) deflate saves nothing (59 bytes either way on average) and decoding costs
 * 1.6x as much, with a native {@code Inflater} per row; so the plain encoding.
 *
 * <p>Histograms of one operation merge exactly: every one is made with the same precision (2
 * significant digits), so adding them gives the histogram of all their calls, and a percentile
 * of the merge is within 1/128 of the value entered, like one read from a single bucket.
 */
public final class Histograms {
    static final int DIGITS = 2;

    private Histograms() {
    }

    static AbstractHistogram newForCalls() {
        return new IntCountsHistogram(DIGITS);
    }

    /** Null for an empty or absent histogram. */
    static byte[] encode(AbstractHistogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoByteBuffer(b);
        return Arrays.copyOf(b.array(), n);
    }

    /**
     * The column's encoding of calls with these byte values and counts (for tools and the load test,
     * which run against the shaded agent and so cannot name HdrHistogram's types themselves).
     */
    public static byte[] encodeCalls(long[] bytes, long[] counts) {
        AbstractHistogram h = newForCalls();
        for (int i = 0; i < bytes.length; i++) {
            h.recordValueWithCount(bytes[i], counts[i]);
        }
        return encode(h);
    }

    /** An empty histogram to merge encoded ones into: 64-bit counts, so a week of a busy operation cannot overflow. */
    public static Histogram newForMerging() {
        Histogram h = new Histogram(DIGITS);
        h.setAutoResize(true);
        return h;
    }

    /** Adds an encoded histogram to {@code into}; a value that is not one is refused with the reason. */
    public static void addEncoded(Histogram into, byte[] encoded) {
        try {
            into.add(IntCountsHistogram.decodeFromByteBuffer(ByteBuffer.wrap(encoded), 0));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an HdrHistogram encoding (" + encoded.length + " bytes): " + e, e);
        }
    }

    /**
     * The value at percentile {@code p}, clamped to the exact {@code min} and {@code max} (so calls
     * that all allocate the same bytes report exactly that); null when the histogram is empty.
     */
    public static Long percentile(AbstractHistogram h, double p, long min, long max) {
        if (h == null || h.getTotalCount() == 0) {
            return null;
        }
        return Math.max(min, Math.min(max, h.getValueAtPercentile(p)));
    }
}
