package io.memagent.bootstrap;

/**
 * The layout of one call in a thread's ring ({@link DetailRing#publish}): the few calls
 * that need a row of their own (at least {@code memagent.calls.min.bytes}, spikes, JFR
 * {@code memagent.Call} events). Five longs: the packed header, inclusive bytes, self bytes,
 * duration and the operation's call number on its thread. Every reader and writer goes through
 * these helpers, so the bits live in one place.
 */
public final class CallRecord {
    public static final int LONGS = 5;
    private static final int HEADER = 0;
    private static final int INCLUSIVE = 1;
    private static final int SELF = 2;
    private static final int NANOS = 3;
    private static final int CALL_NUMBER = 4;

    private static final long GC_MASK = 0xFFFFFFL;

    private CallRecord() {
    }

    /** Operation id (32 bits), collections during the call (24 bits, saturating), flags (8 bits). */
    private static long header(int op, long gcs, int flags) {
        return ((long) op << 32) | (Math.min(gcs, GC_MASK) << 8) | (flags & 0xFF);
    }

    /** Owner: one call into the record at {@code at}, before the ring's head publishes it. */
    static void write(long[] ring, int at, int op, int flags, long gcs, long inclusive, long self, long nanos,
                      long callNumber) {
        ring[at + HEADER] = header(op, gcs, flags);
        ring[at + INCLUSIVE] = inclusive;
        ring[at + SELF] = self;
        ring[at + NANOS] = nanos;
        ring[at + CALL_NUMBER] = callNumber;
    }

    public static int op(long[] ring, int at) {
        return (int) (ring[at + HEADER] >>> 32);
    }

    public static int flags(long[] ring, int at) {
        return (int) (ring[at + HEADER] & 0xFF);
    }

    public static long gcs(long[] ring, int at) {
        return (ring[at + HEADER] >>> 8) & GC_MASK;
    }

    public static long inclusive(long[] ring, int at) {
        return ring[at + INCLUSIVE];
    }

    public static long self(long[] ring, int at) {
        return ring[at + SELF];
    }

    public static long nanos(long[] ring, int at) {
        return ring[at + NANOS];
    }

    public static long callNumber(long[] ring, int at) {
        return ring[at + CALL_NUMBER];
    }
}
