package io.memagent.bootstrap;

/**
 * One operation's figures on one thread for one collection period: what the thread's calls added
 * while the thread's epoch had this period's parity (see {@link PeriodHandoff}). The owner thread
 * adds to it; once the reader has moved the epoch on and seen the thread leave the call it was
 * recording, {@link PeriodHandoff} hands the period to the reader and resets it, before the epoch
 * comes back.
 */
public final class Period {
    long calls;
    long errors;
    long unmeasuredCalls;
    long coldCalls;
    long totalBytes;
    long selfBytes;
    long totalDurationNs;
    long minBytes = Long.MAX_VALUE;
    long maxBytes = Long.MIN_VALUE;
    long maxDurationNs;
    private static final int[][] NO_ROWS = new int[0][];
    /**
     * Bytes per measured call, see {@link LogHistogram}: rows up to the highest used, each made on
     * first use. Replaced whole (copy on write, rare) by the owner inside its record section, so
     * the reader, reading after the section's release, always sees a consistent array.
     */
    private int[][] rows = NO_ROWS;

    Period() {
    }

    /**
     * Whether a call of these bytes has its histogram row here (an unmeasured call needs none).
     * Owner thread only, inside the record section.
     */
    boolean hasRow(int flags, int r) {
        if ((flags & (HotPath.FLAG_UNMEASURED | HotPath.FLAG_COLD)) != 0) { // neither is in the histogram
            return true;
        }
        int[][] rs = rows;
        return r < rs.length && rs[r] != null;
    }

    /** Makes row {@code r} if it is not there. Owner thread only. */
    void ensureRow(int r) {
        int[][] rs = rows;
        if (r < rs.length && rs[r] != null) {
            return;
        }
        int[][] copy = java.util.Arrays.copyOf(rs, Math.max(rs.length, r + 1));
        copy[r] = new int[LogHistogram.SUB_BUCKETS];
        rows = copy;
    }

    /** Owner thread only, inside the thread's record section; row {@code r} of {@code inclusive} exists. */
    void add(int flags, long inclusive, int r, long self, long nanos) {
        calls++;
        if ((flags & HotPath.FLAG_THREW) != 0) {
            errors++;
        }
        totalDurationNs += nanos;
        if (nanos > maxDurationNs) {
            maxDurationNs = nanos;
        }
        if ((flags & HotPath.FLAG_COLD) != 0) {
            coldCalls++;
        }
        if ((flags & HotPath.FLAG_UNMEASURED) != 0) {
            unmeasuredCalls++;
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
        if ((flags & HotPath.FLAG_COLD) == 0) { // percentiles are over warm calls
            rows[r][LogHistogram.column(inclusive, r)]++;
        }
    }

    // ---- the reader's: read only while the hand-off has handed the period over ----

    public long calls() {
        return calls;
    }

    public long errors() {
        return errors;
    }

    public long unmeasuredCalls() {
        return unmeasuredCalls;
    }

    /** Calls during which their thread loaded a class ({@link HotPath#FLAG_COLD}); in every other count too. */
    public long coldCalls() {
        return coldCalls;
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long selfBytes() {
        return selfBytes;
    }

    public long totalDurationNs() {
        return totalDurationNs;
    }

    /** Long.MAX_VALUE when no call was measured. */
    public long minBytes() {
        return minBytes;
    }

    /** Long.MIN_VALUE when no call was measured. */
    public long maxBytes() {
        return maxBytes;
    }

    public long maxDurationNs() {
        return maxDurationNs;
    }

    /** Count of sub-bucket {@code column} of row {@code row}, 0 for a row never used. */
    public int count(int row, int column) {
        int[][] rs = rows;
        int[] r = row < rs.length ? rs[row] : null;
        return r == null ? 0 : r[column];
    }

    /** Whether row {@code row} has ever been used (its counts may all be 0 again). */
    public boolean hasRow(int row) {
        int[][] rs = rows;
        return row < rs.length && rs[row] != null;
    }

    /** The hand-off empties the period for its next turn, once folded; rows stay, zeroed, so the owner never allocates them again. */
    void reset() {
        calls = 0;
        errors = 0;
        unmeasuredCalls = 0;
        coldCalls = 0;
        totalBytes = 0;
        selfBytes = 0;
        totalDurationNs = 0;
        minBytes = Long.MAX_VALUE;
        maxBytes = Long.MIN_VALUE;
        maxDurationNs = 0;
        for (int[] row : rows) {
            if (row != null) {
                java.util.Arrays.fill(row, 0);
            }
        }
    }
}
