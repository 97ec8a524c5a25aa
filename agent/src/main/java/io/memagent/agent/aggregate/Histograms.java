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

    /**
     * Adds an encoded histogram to {@code into}; a value that is not one is refused with the reason.
     * Ours (this precision, as {@link #encode} writes them) are read cell by cell straight into
     * {@code into}: the library's decode builds a whole histogram per value (counts array and all)
     * to add it, about 4 us each, and a day's report merges hundreds of thousands. Anything else goes
     * through the library.
     */
    public static void addEncoded(Histogram into, byte[] encoded) {
        if (addCells(into, encoded)) {
            return;
        }
        try {
            into.add(IntCountsHistogram.decodeFromByteBuffer(ByteBuffer.wrap(encoded), 0));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an HdrHistogram encoding (" + encoded.length + " bytes): " + e, e);
        }
    }

    // HdrHistogram's V2 encoding (AbstractHistogram#encodeIntoByteBuffer): a 40-byte header (cookie, payload
    // length, normalizing index offset, significant digits, lowest discernible value, highest trackable value,
    // integer-to-double ratio), then the counts array from index 0 as ZigZag LEB128 longs, a negative one being a
    // run of that many empty cells.
    private static final int HEADER = 40;
    /**
     * The cookie of our own encodings, read from one rather than written down; made when first decoding
     * (a holder class), not when the class is first used: an in-memory run's exit report never decodes.
     */
    private static final class Cookie {
        static final int VALUE = ByteBuffer.wrap(encodeCalls(new long[] {1}, new long[] {1})).getInt(0);
    }
    /** For 2 significant digits from 1: 256 sub-buckets of which the upper half repeats per power of two. */
    private static final int HALF_MAGNITUDE = 7;
    /** The last cell whose value fits a long at this precision (bucket 54: values below 2^62). */
    private static final int MAX_INDEX = (54 + 2 << HALF_MAGNITUDE) - 1;

    /** Reads our own encoding into {@code into}; false, adding nothing, for anything else or anything malformed. */
    static boolean addCells(Histogram into, byte[] e) {
        return e != null && ours(ByteBuffer.wrap(e), 0) == e.length && addConcatenated(into, e);
    }

    /**
     * Adds {@code all}, our encodings one after another (as {@code string_agg(histogram, '')} returns an
     * operation's), to {@code into}; false, adding nothing, if any of them is not ours or is malformed. The
     * cells are summed by index in a plain array first and recorded once each, highest first, so
     * {@code into} grows once, not at every new power of two (HdrHistogram resizes on an exception).
     */
    public static boolean addConcatenated(Histogram into, byte[] all) {
        ByteBuffer headers = ByteBuffer.wrap(all);
        long[] cells = new long[2 << HALF_MAGNITUDE]; // values up to 255; grown to the highest cell seen
        int top = -1;
        for (int at = 0; at < all.length; ) {
            int end = ours(headers, at);
            if (end < 0) {
                return false;
            }
            int pos = at + HEADER;
            long index = 0;
            while (pos < end) {
                long raw = 0;
                int shift = 0;
                while (true) {
                    if (pos >= end) {
                        return false;
                    }
                    int octet = all[pos++] & 0xFF;
                    if (shift == 56) { // the ninth byte carries eight bits
                        raw |= (long) octet << 56;
                        break;
                    }
                    raw |= (long) (octet & 0x7F) << shift;
                    if ((octet & 0x80) == 0) {
                        break;
                    }
                    shift += 7;
                }
                long count = (raw >>> 1) ^ -(raw & 1);
                if (count < 0) {
                    index -= count;
                    if (index < 0 || index > MAX_INDEX) {
                        return false;
                    }
                    continue;
                }
                if (count > 0) {
                    if (index > MAX_INDEX) {
                        return false;
                    }
                    int i = (int) index;
                    if (i >= cells.length) {
                        cells = java.util.Arrays.copyOf(cells, Math.max(i + 1, cells.length * 2));
                    }
                    cells[i] += count;
                    top = Math.max(top, i);
                }
                index++;
            }
            at = end;
        }
        for (int i = top; i >= 0; i--) {
            if (cells[i] != 0) {
                into.recordValueWithCount(valueAt(i), cells[i]);
            }
        }
        return true;
    }

    /** Where our encoding starting at {@code at} ends, or -1 if what starts there is not ours. */
    private static int ours(ByteBuffer b, int at) {
        if (b.limit() - at < HEADER) {
            return -1;
        }
        long end = (long) at + HEADER + b.getInt(at + 4);
        if (b.getInt(at) != Cookie.VALUE || b.getInt(at + 8) != 0 || b.getInt(at + 12) != DIGITS || b.getLong(at + 16) != 1
                || end < at + HEADER || end > b.limit()) {
            return -1;
        }
        return (int) end;
    }

    /** The lowest value of cell {@code index} (AbstractHistogram#valueFromIndex at this precision). */
    private static long valueAt(int index) {
        int bucket = (index >> HALF_MAGNITUDE) - 1;
        long subBucket = (index & ((1 << HALF_MAGNITUDE) - 1)) + (1 << HALF_MAGNITUDE);
        if (bucket < 0) {
            subBucket -= 1 << HALF_MAGNITUDE;
            bucket = 0;
        }
        return subBucket << bucket;
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
