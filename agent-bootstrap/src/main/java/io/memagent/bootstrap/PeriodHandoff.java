package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Hands a thread's figures to the agent's reader without a lock and without the thread ever
 * waiting: both halves, the owner's ({@link #record}) and the reader's ({@link #collect},
 * {@link #advanceNow}, {@link #collectAll}), modelled on HdrHistogram's {@code WriterReaderPhaser}.
 * The fourth layer of {@link ThreadState}.
 *
 * <p><b>Who writes what.</b> Each {@link OpSlot} has two {@link Period}s. The owner thread writes
 * {@code seq} and the period its {@code epoch}'s parity selects. The reader (one thread at a time:
 * the drain thread, or an agent thread holding the drain's lock) writes {@code epoch}, its own
 * hand-off fields ({@code pending}, {@code advancedAtNanos}, {@code seqAtAdvance}), and a period
 * only while it holds it: to reset it once folded.
 *
 * <p><b>Accesses</b> (prefixes as in JCTools: {@code lp} plain load, {@code lv} load with acquire,
 * {@code so} store with release, {@code sv} volatile store; opaque ones said in words). Owner, per
 * call: (1) {@code seq} made odd, an opaque store, then a store-store fence, so (1) is ordered before
 * the period's writes; (2) {@code epoch} read, an opaque load; the period's writes, plain; (3)
 * {@code seq} made even again, a release store ({@code soSeq}) that publishes them. Nothing orders
 * (1) before (2): (2) may load while (1) still sits in the core's store buffer; only the assumption
 * below covers that. Reader: moves the epoch on ({@code svEpoch}), waits the grace period, then reads
 * {@code seq} with acquire ({@code lvSeq}, after the wait), then the slot table with acquire, then
 * folds the old period and resets it.
 *
 * <p><b>Assumption (the grace period).</b> The reader's epoch move takes to reach the owner, plus
 * the owner's (1) takes to reach the reader, less than {@link #HANDOFF_NANOS} (1 ms) in all; and the
 * JIT does not move (2) above (1) (HotSpot keeps opaque accesses in program order: it compiles them
 * with compiler-order barriers). The Java memory model bounds no such time; the hardware does, by
 * orders of magnitude: the move is a volatile store, which drains the reader's store buffer before
 * the reader goes on, and the owner's store buffer drains in well under a microsecond (a context
 * switch drains it too). The owner pays two stores and a store-store fence per call, no store-load
 * fence: that is what the assumption buys.
 *
 * <p><b>Guarantees, under the assumption.</b>
 * <ol>
 * <li>The reader folds a period only when no call is writing it and none can start to: a call that
 * read the old epoch did its (2), and before it its (1), before the move reached the owner, so its
 * (1) has reached the reader by the reader's {@code lvSeq}, which therefore sees {@code seq} odd (the
 * reader waits) or an even value that the call's (3) or a later one published, with the call's
 * writes. A call whose (2) comes later reads the new epoch.</li>
 * <li>Every call is folded exactly once: it is in exactly one period; the reader resets a period
 * before it moves the epoch back to it.</li>
 * <li>A call held inside its section (descheduled, or a test's hook between (1) and (2)) for any
 * time is late, not lost: {@code seq} stays odd, the reader folds nothing and retries at its next
 * turn; the call then reads the new epoch if the move came before (2), or finishes in the old
 * period before the reader takes it.</li>
 * <li>The owner never waits; the reader waits only its own grace period.</li>
 * </ol>
 *
 * <p><b>When the assumption fails</b> (a store invisible for longer than the grace period), a call
 * that read the old epoch can still be writing its period while the reader folds it: the call may
 * be folded now; or on the period's next turn, if its writes land after the reset (late, not lost);
 * or lost, if they land between the reader's fold and its reset, which zeroes them, and a fold
 * that reads the period mid-write can see a minimum, maximum or histogram row of that call without
 * its count. Nothing detects it; it touches no other thread's figures and costs the app nothing.
 */
public abstract class PeriodHandoff extends OperationSlots {
    /** The grace period: how long after moving a thread's epoch the reader waits before reading the old period. */
    public static final long HANDOFF_NANOS = 1_000_000;

    private static final VarHandle SEQ = VarHandles.field(MethodHandles.lookup(), "seq", long.class);
    private static final VarHandle EPOCH = VarHandles.field(MethodHandles.lookup(), "epoch", int.class);

    /**
     * The test hook between (1) and (2), for {@code PeriodHandoffTest}: compiled in only when the
     * class is initialized with this system property (a static final: the JIT folds the check away).
     */
    private static final boolean HOOKED = Boolean.getBoolean("io.memagent.bootstrap.PeriodHandoff.hook");
    /** Run by the owner between (1) and (2) when {@link #HOOKED}. */
    static volatile Runnable betweenSeqAndEpoch;

    /** Odd while the owner records a call. Written by the owner only. */
    private long seq;
    /** Which period the owner adds to. Written by the reader only. */
    private int epoch;

    // ---- the reader's own ----
    /** The epoch was moved on and the old period not folded yet. */
    private boolean pending;
    private long advancedAtNanos;
    /** {@code seq} when the epoch was last moved on: the same value later means no call since. */
    private long seqAtAdvance;

    PeriodHandoff() {
    }

    /** What the reader does with a period it was handed; the hand-off resets the period after. */
    public interface Folder {
        void fold(int op, Period period);
    }

    // ---- the owner's half ----

    /**
     * Adds one finished call to its operation's current period and returns the operation's call
     * number on this thread. Allocates only for an operation, or a power of two of bytes, this
     * thread has not recorded before, and takes that off the open calls.
     */
    final long record(int op, int flags, long inclusive, long self, long nanos) {
        OpSlot slot = slotOf(op);
        long q = seq; // lpSeq: the owner is its only writer
        SEQ.setOpaque(this, q + 1); // (1)
        VarHandle.storeStoreFence();
        if (HOOKED) {
            Runnable hook = betweenSeqAndEpoch;
            if (hook != null) {
                hook.run();
            }
        }
        Period p = slot.period((int) EPOCH.getOpaque(this)); // (2)
        int r = LogHistogram.row(inclusive);
        if (!p.hasRow(flags, r)) {
            long before = HotPath.ownCounter();
            slot.ensureRow(r); // in both periods: the next call may be in the other
            compensate(before);
        }
        p.add(flags, inclusive, r, self, nanos);
        long n = slot.countCall(self);
        SEQ.setRelease(this, q + 2); // (3) soSeq
        return n;
    }

    // ---- the reader's half ----

    /**
     * The reader's turn, at every drain: folds the old period once the grace period has passed and
     * the owner is outside a call's section; then, if the owner recorded calls since the last move,
     * moves the epoch on again. Never waits. Returns whether it folded.
     */
    public final boolean collect(Folder folder) {
        boolean folded = false;
        if (pending && System.nanoTime() - advancedAtNanos < HANDOFF_NANOS) {
            return false; // next turn
        }
        long q = lvSeq(); // after the grace period
        if (pending) {
            if ((q & 1) != 0) {
                return false; // a call in its section: next turn
            }
            foldParity(epoch - 1, folder);
            pending = false;
            folded = true;
        }
        if (q != seqAtAdvance) {
            svEpochOnward(q);
        }
        return folded;
    }

    /**
     * Moves the epoch on now unless a move is already waiting for its fold, so the reader's next
     * {@link #collect} after the grace period takes every call finished before this (the exit
     * report and the sampler's {@code collectNow}).
     */
    public final void advanceNow() {
        if (!pending) {
            svEpochOnward(lvSeq()); // the seq before the move: a call after it moves the epoch again
        }
    }

    /**
     * Whether a {@link #collect} could still fold calls of this thread: a move waits for its fold, or
     * the owner has begun a call's section since the last move. False: both periods are folded or
     * empty, and an {@link #advanceNow} would only make the reader wait a grace period for nothing.
     * Reader only, like {@link #collect}.
     */
    public final boolean hasUnfolded() {
        return pending || lvSeq() != seqAtAdvance;
    }

    /** The owner has died (its {@code isAlive()} was seen false: it has recorded all it ever will): both periods. */
    public final void collectAll(Folder folder) {
        foldParity(0, folder);
        foldParity(1, folder);
        pending = false;
    }

    private void svEpochOnward(long seqNow) {
        seqAtAdvance = seqNow;
        EPOCH.setVolatile(this, epoch + 1); // svEpoch; epoch's only writer reads it plain
        pending = true;
        advancedAtNanos = System.nanoTime();
    }

    private long lvSeq() {
        return (long) SEQ.getAcquire(this);
    }

    /** Hands one parity of every slot to the folder and resets it. The table is loaded after {@code lvSeq}. */
    private void foldParity(int parity, Folder folder) {
        OpSlot[] slots = lvTable();
        for (int i = 0; i < slots.length; i++) {
            OpSlot slot = lvSlot(slots, i);
            if (slot == null) {
                continue;
            }
            Period p = slot.period(parity);
            if (p.calls() != 0) {
                folder.fold(slot.op, p);
                p.reset();
            }
        }
    }

    /** Links the VarHandle call sites, on a state no thread owns and no reader sees. */
    final void warmUpHandoff() {
        lvSeq();
        EPOCH.setVolatile(this, epoch + 1);
    }
}
