package io.memagent.bootstrap;

/**
 * The layout of one open call: {@link #LONGS} longs in a thread's frames ({@link OpenCalls}) and in
 * a parked virtual thread's saved frames ({@link ParkedFrames}). Every reader and writer goes through
 * these helpers, so the layout lives in one place, as {@link CallRecord}'s does for the ring.
 * Static and tiny: the JIT inlines them, so the hot path reads and writes the same array slots it
 * would by hand.
 */
final class CallFrame {
    static final int LONGS = 5;
    /** The allocation counter at entry (in a saved frame: minus the call's bytes so far). */
    private static final int START_BYTES = 0;
    private static final int START_NANOS = 1;
    /** {@link HotPath}'s GC epoch at entry. */
    private static final int START_GC = 2;
    /** Inclusive bytes of the profiled calls finished inside this one so far. */
    private static final int CHILD_BYTES = 3;
    /** A carrier's frames only: the mount number (high 32 bits) and the call's token ({@link CarrierFrames}). */
    private static final int TAG = 4;

    private CallFrame() {
    }

    /** Everything but the start bytes, which the caller stores last: nothing of ours after it. */
    static void open(long[] f, int at, long gcEpoch, long startNanos) {
        f[at + CHILD_BYTES] = 0;
        f[at + START_GC] = gcEpoch;
        f[at + START_NANOS] = startNanos;
    }

    static void setStartBytes(long[] f, int at, long counter) {
        f[at + START_BYTES] = counter;
    }

    static long startBytes(long[] f, int at) {
        return f[at + START_BYTES];
    }

    static long startNanos(long[] f, int at) {
        return f[at + START_NANOS];
    }

    static long startGc(long[] f, int at) {
        return f[at + START_GC];
    }

    static long childBytes(long[] f, int at) {
        return f[at + CHILD_BYTES];
    }

    static void addChildBytes(long[] f, int at, long bytes) {
        f[at + CHILD_BYTES] += bytes;
    }

    /** Moves the start marks on, so the call is not charged for {@code bytes} and {@code nanos}. */
    static void shiftStart(long[] f, int at, long bytes, long nanos) {
        f[at + START_BYTES] += bytes;
        f[at + START_NANOS] += nanos;
    }

    static void shiftStartBytes(long[] f, int at, long bytes) {
        f[at + START_BYTES] += bytes;
    }

    static long tag(long[] f, int at) {
        return f[at + TAG];
    }

    static void setTag(long[] f, int at, long tag) {
        f[at + TAG] = tag;
    }

    /** The tag of a call with this token under this mount number. */
    static long tagOf(int mounts, int token) {
        return ((long) mounts << 32) | (token & 0xFFFFFFFFL);
    }

    /** The same call's tag under another mount number. */
    static long retagged(long tag, int mounts) {
        return ((long) mounts << 32) | (tag & 0xFFFFFFFFL);
    }
}
