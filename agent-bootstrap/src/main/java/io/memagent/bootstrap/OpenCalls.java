package io.memagent.bootstrap;

/**
 * A thread's open profiled calls, innermost last, one {@link CallFrame} each in one array (one
 * bounds check per access); on a carrier, the open calls of the virtual threads mounted on it,
 * each frame tagged with the carrier's mount number. Owner thread only. The first layer of
 * {@link ThreadState}: the layers are classes so each owns its fields, and one object so the hot
 * path reaches every field from the one reference the advice holds.
 */
abstract class OpenCalls {
    /** Open calls in {@link #frames}. */
    private int depth;
    /** A carrier's: moved on by every virtual thread mounted on it ({@link Carriers#mounted}). */
    private int mounts;
    /**
     * The open calls at {@code [0, coldDepth)} are cold: their thread loaded a class while they were
     * open ({@link #markOpenCallsCold}). A class load makes every open call cold, so the cold calls
     * are always the outermost ones and one number holds them all: the frames need no extra slot, and
     * an exit pays one read and compare ({@link #close}).
     */
    private int coldDepth;
    private long[] frames = new long[8 * CallFrame.LONGS];

    /** The agent allocated on this thread since the counter read {@code counterBefore}: not the open calls'. */
    abstract void compensate(long counterBefore);

    final long[] frames() {
        return frames;
    }

    final int depth() {
        return depth;
    }

    final int mounts() {
        return mounts;
    }

    /**
     * A platform thread's call opens: returns its token (depth + 1), or 0 when nested too deep to
     * track. The counter is read last: nothing of ours after it.
     */
    final int open(long gcEpoch) {
        int d = depth;
        long[] f = frames;
        int at = d * CallFrame.LONGS;
        if (at == f.length) {
            if (!grow()) {
                return 0;
            }
            f = frames;
        }
        depth = d + 1;
        CallFrame.open(f, at, gcEpoch, System.nanoTime());
        CallFrame.setStartBytes(f, at, HotPath.THREADS.getCurrentThreadAllocatedBytes());
        return d + 1;
    }

    /** A virtual thread's call opens on this carrier's state; false when nested too deep to track. */
    final boolean openMounted(long gcEpoch, int token, long startNanos) {
        int d = depth;
        long[] f = frames;
        int at = d * CallFrame.LONGS;
        if (at == f.length) {
            if (!grow()) {
                return false;
            }
            f = frames;
        }
        depth = d + 1;
        CallFrame.open(f, at, gcEpoch, startNanos);
        CallFrame.setTag(f, at, CallFrame.tagOf(mounts, token));
        CallFrame.setStartBytes(f, at, Carriers.allocated()); // last: nothing of ours after it
        return true;
    }

    /**
     * The call whose frame is at {@code at} has finished with {@code inclusive} bytes: pops it, and
     * any frames above it whose exits were missed (an exception escaped an inner advice: the token
     * is trusted), and adds its bytes to the enclosing call's nested bytes.
     */
    final int close(int at, long inclusive) {
        int d = at / CallFrame.LONGS;
        depth = d;
        if (d > 0) {
            CallFrame.addChildBytes(frames, at - CallFrame.LONGS, inclusive);
        }
        if (d < coldDepth) {
            coldDepth = d; // a call opened at this depth later starts warm
            return HotPath.FLAG_COLD;
        }
        return 0;
    }

    /**
     * This thread is loading (or defining) a class: every call open on it is cold. Called from the
     * agent's class-file transformer, which the JVM runs on the loading thread for every class load,
     * so the mark costs class loads only and the hot path pays one compare at exit. Why cold calls
     * are set apart: loading classes (and the first-use set-up that comes with it) allocates, often
     * far more than the call's steady work, so a first call would otherwise read as a spike on every
     * start.
     */
    final void markOpenCallsCold() {
        coldDepth = depth;
    }

    /** How many of the outermost open calls are cold. */
    final int coldDepth() {
        return coldDepth;
    }

    /** Where a mounted call's frame is, or -1 if it is gone (the carrier has mounted since). Innermost first. */
    final int frameOf(int token) {
        long tag = CallFrame.tagOf(mounts, token);
        long[] f = frames;
        for (int at = (depth - 1) * CallFrame.LONGS; at >= 0; at -= CallFrame.LONGS) {
            if (CallFrame.tag(f, at) == tag) {
                return at;
            }
        }
        return -1;
    }

    /** A virtual thread has mounted on this carrier: the calls open on it are another's, unmeasurable now. */
    final void carrierMounted() {
        mounts++;
        depth = 0;
        coldDepth = 0;
    }

    /** No open call is charged for {@code bytes} and {@code nanos} the agent spent. */
    final void moveStartMarks(long bytes, long nanos) {
        long[] f = frames;
        for (int i = 0; i < depth; i++) {
            CallFrame.shiftStart(f, i * CallFrame.LONGS, bytes, nanos);
        }
    }

    /**
     * An unmounting virtual thread takes its open calls along ({@link ParkedFrames}): copies them to
     * {@code saved}, each start mark turned into "bytes so far" against {@code counterNow}, and
     * leaves this carrier with none.
     */
    final void saveInto(long[] saved, long counterNow) {
        int n = depth * CallFrame.LONGS;
        System.arraycopy(frames, 0, saved, 0, n);
        for (int at = 0; at < n; at += CallFrame.LONGS) {
            CallFrame.shiftStartBytes(saved, at, -counterNow); // minus the bytes so far
        }
        depth = 0;
        coldDepth = 0;
    }

    /** Whether {@code n} saved calls fit without growing (a mount must not allocate). */
    final boolean fits(int n) {
        return frames.length >= n * CallFrame.LONGS;
    }

    /** First half of a restore: the saved calls copied in, not yet open ({@link #reopenRestored}). */
    final void copyIn(long[] saved, int n) {
        System.arraycopy(saved, 0, frames, 0, n * CallFrame.LONGS);
    }

    /**
     * Second half: rebased on this carrier's counter, read last by the caller, and retagged with its
     * mount number; the outermost {@code cold} of them were cold when saved.
     */
    final void reopenRestored(int n, int cold, long counterNow) {
        coldDepth = cold;
        long[] f = frames;
        for (int at = 0; at < n * CallFrame.LONGS; at += CallFrame.LONGS) {
            CallFrame.shiftStartBytes(f, at, counterNow);
            CallFrame.setTag(f, at, CallFrame.retagged(CallFrame.tag(f, at), mounts));
        }
        depth = n;
    }

    private boolean grow() {
        int n = frames.length;
        if (n >= HotPath.MAX_DEPTH * CallFrame.LONGS) {
            return false;
        }
        long before = HotPath.ownCounter();
        frames = java.util.Arrays.copyOf(frames, n * 2);
        compensate(before);
        return true;
    }
}
