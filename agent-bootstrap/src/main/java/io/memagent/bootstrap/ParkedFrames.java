package io.memagent.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The open calls of virtual threads that are unmounted: what lets a call that sleeps, waits on the
 * database or blocks on a lock be measured exactly, across carriers.
 *
 * <p>When a virtual thread with open calls unmounts ({@link Carriers#unmounting}), its frames are
 * taken off its carrier's state into an entry of this table, each call's start mark turned into
 * "bytes so far" against the carrier's counter at that moment; when it mounts again, on any
 * carrier ({@link Carriers#mounted}), they are put back onto that carrier's state, the marks
 * rebased on that carrier's counter and retagged with its mount number. So a call's bytes are what
 * its virtual thread allocated while mounted, on whichever carriers, and nothing the carriers did
 * in between. That includes what the JDK allocates on the thread's behalf to park and resume it
 * (a timer for a sleep, the stack chunk that holds its frames meanwhile): the thread did allocate
 * it, as a platform thread's counter would count its own.
 *
 * <p>Bounded: {@link #CAPACITY} entries (virtual threads parked with open profiled calls at the
 * same moment), each of at most {@link #MAX_FRAMES} calls, an entry's frames made on its first
 * use (320 bytes) and kept. A virtual thread that finds no free entry near its hash, or has more
 * calls open, leaves its frames behind: they go stale at the next mount and its open calls count
 * as unmeasured ({@link #lost}). Entries are found by identity hash in a window of {@link #WINDOW}
 * slots; a virtual thread owns its entry from its unmount to its next mount, and the JDK's own
 * hand-off between the two (the thread's state, the scheduler's queue) orders the frames' writes
 * before their reads.
 */
final class ParkedFrames {
    static final int CAPACITY = 1 << 12;
    static final int WINDOW = 8;
    static final int MAX_FRAMES = 8;

    private static final AtomicReferenceArray<Thread> OWNERS = new AtomicReferenceArray<>(CAPACITY);
    private static final long[][] FRAMES = new long[CAPACITY][];
    private static final int[] DEPTHS = new int[CAPACITY];
    /** How many of an entry's outermost calls were cold when saved ({@link OpenCalls#coldDepth}). */
    private static final int[] COLD_DEPTHS = new int[CAPACITY];
    /** Entries in use: a mount looks the table up only while some are. */
    private static final AtomicInteger SAVED = new AtomicInteger();
    private static final AtomicLong LOST = new AtomicLong();

    private ParkedFrames() {
    }

    /** Called at the unmount of {@code vthread} whose calls are open on {@code s}; the counter is read first. */
    static void save(Thread vthread, ThreadState s, long counterNow) {
        int depth = s.depth();
        if (counterNow < 0 || depth > MAX_FRAMES) {
            LOST.incrementAndGet();
            return;
        }
        int i = claim(vthread);
        if (i < 0) {
            LOST.incrementAndGet();
            return;
        }
        long[] saved = FRAMES[i];
        if (saved == null) {
            saved = new long[MAX_FRAMES * CallFrame.LONGS]; // between the thread's mounts: in no call
            FRAMES[i] = saved;
        }
        COLD_DEPTHS[i] = s.coldDepth();
        s.saveInto(saved, counterNow);
        DEPTHS[i] = depth;
    }

    /** Whether any virtual thread is unmounted with saved calls. */
    static boolean any() {
        return SAVED.get() > 0;
    }

    /**
     * Called at the mount of {@code vthread} on the carrier whose state is {@code s}, after its
     * mount number moved on. A carrier without a state yet (none of its virtual threads has made a
     * profiled call) gets one now, as on a call.
     */
    static void restore(Thread vthread, ThreadState s) {
        int i = find(vthread);
        if (i < 0) {
            return;
        }
        if (s == null) {
            s = ThreadStates.attachCarrier();
        }
        int depth = DEPTHS[i];
        if (s == null || !s.fits(depth)) {
            release(i);
            LOST.incrementAndGet();
            return;
        }
        s.copyIn(FRAMES[i], depth);
        int cold = COLD_DEPTHS[i];
        release(i);
        s.reopenRestored(depth, cold, Carriers.allocated()); // the counter read last: nothing of ours after it
    }

    /** Open calls left unmeasured because their thread found no entry, or had too many open. */
    static long lost() {
        return LOST.get();
    }

    private static int claim(Thread vthread) {
        int h = hash(vthread);
        int free = -1;
        for (int k = 0; k < WINDOW; k++) {
            int i = (h + k) & (CAPACITY - 1);
            Thread owner = OWNERS.get(i);
            if (owner == vthread) {
                return i; // left over from a mount that did not restore: reuse it
            }
            if (owner == null && free < 0) {
                free = i;
            }
        }
        for (int k = 0; k < WINDOW && free >= 0; k++) {
            int i = (h + k) & (CAPACITY - 1);
            if (OWNERS.get(i) == null && OWNERS.compareAndSet(i, null, vthread)) {
                SAVED.incrementAndGet();
                return i;
            }
        }
        return -1;
    }

    private static int find(Thread vthread) {
        int h = hash(vthread);
        for (int k = 0; k < WINDOW; k++) {
            int i = (h + k) & (CAPACITY - 1);
            if (OWNERS.get(i) == vthread) {
                return i;
            }
        }
        return -1;
    }

    private static void release(int i) {
        OWNERS.set(i, null);
        SAVED.decrementAndGet();
    }

    private static int hash(Thread t) {
        return System.identityHashCode(t) * 0x9E3779B9 >>> 20;
    }
}
