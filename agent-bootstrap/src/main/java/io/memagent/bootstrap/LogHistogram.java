package io.memagent.bootstrap;

/**
 * The bucket layout of the per-thread byte histograms: log-linear, like HdrHistogram's, with 32
 * linear sub-buckets per power of two. Values below 32 are counted exactly (row 0); a value
 * {@code v >= 32} falls in row {@code bitLength(v) - 5}, whose 32 sub-buckets are each
 * {@code 2^(row-1)} wide, so a sub-bucket spans at most 1/32 of its values. Reporting a
 * sub-bucket by its middle ({@link #middle}) is within 1/64 (1.6%) of every value in it.
 *
 * <p>A histogram is an {@code int[ROWS][]} whose rows are made on first use (a row is 144 bytes):
 * an operation whose calls span three powers of two holds three rows, not sixty.
 */
public final class LogHistogram {
    public static final int SUB_BUCKETS = 32;
    private static final int SUB_BITS = 5;
    /** Row 0 (0..31) and one row per power of two from 2^5 to 2^63. */
    public static final int ROWS = 64 - SUB_BITS + 1;

    private LogHistogram() {
    }

    /** The row of a value (negative values count as 0). */
    public static int row(long v) {
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(v, 0));
        return bits <= SUB_BITS ? 0 : bits - SUB_BITS;
    }

    /** The sub-bucket of a value within {@link #row}. */
    public static int column(long v, int row) {
        return row == 0 ? (int) Math.max(v, 0) : (int) (v >>> (row - 1)) & (SUB_BUCKETS - 1);
    }

    /** The lowest value of a sub-bucket. */
    public static long lowest(int row, int column) {
        return row == 0 ? column : (long) (SUB_BUCKETS + column) << (row - 1);
    }

    /** How many values a sub-bucket holds. */
    public static long width(int row) {
        return row <= 1 ? 1 : 1L << (row - 1);
    }

    /** The value that stands for a sub-bucket: its middle, within 1/64 of every value in it. */
    public static long middle(int row, int column) {
        return lowest(row, column) + (width(row) - 1) / 2;
    }
}
