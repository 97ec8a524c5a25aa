package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One platform thread's recording state: its stack of open calls, its per-operation
 * {@link OpSlot}s, and a small ring for the few calls that need a row of their own.
 *
 * <p><b>Handing figures to the drainer without stopping the thread.</b> Each slot has two
 * {@link Period}s; the owner adds a call to the one its {@link #epoch}'s parity selects, inside a
 * record section bracketed by {@link #seq} (odd while it writes, even after, a seqlock). To
 * collect, the drainer moves the epoch on, waits at least {@link #HANDOFF_NANOS}, and reads the
 * old period once {@link #seq} is even: every call that saw the old epoch has finished writing by
 * then (its opening store of {@code seq} precedes its read of the epoch and cannot stay invisible
 * for a millisecond), and every later call writes to the other period. The owner pays two stores
 * per call and never waits. Should a thread be descheduled between those two instructions for
 * longer than the hand-off, its call lands in the old period after the read and is collected on
 * that period's next turn: late, not lost.
 *
 * <p><b>Found again after a pool clears thread-locals.</b> States are kept by their
 * {@code Thread} in {@link #BY_THREAD}; a ThreadLocal miss looks there before making a new one, so
 * a ForkJoin worker keeps one state however often its thread-locals are wiped. The drainer removes
 * a state once its thread has died and its figures are folded in.
 */
public final class ThreadState {
    /** How long after moving a thread's epoch the drainer waits before reading the old period. */
    public static final long HANDOFF_NANOS = 1_000_000;
    /** Detail records a thread can have published and not yet drained; beyond, the call keeps only its figures. */
    public static final int DETAIL_RECORDS = 64;

    private static final VarHandle SEQ;
    private static final VarHandle EPOCH;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle TABLE;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(OpSlot[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEQ = l.findVarHandle(ThreadState.class, "seq", long.class);
            EPOCH = l.findVarHandle(ThreadState.class, "epoch", int.class);
            HEAD = l.findVarHandle(ThreadState.class, "head", long.class);
            TAIL = l.findVarHandle(ThreadState.class, "tail", long.class);
            TABLE = l.findVarHandle(ThreadState.class, "table", OpSlot[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Every platform thread that recorded a call and has not been retired by the drainer. */
    private static final ConcurrentHashMap<Thread, ThreadState> BY_THREAD = new ConcurrentHashMap<>();

    private final Thread owner;

    // ---- owner only ----
    int depth;
    /** {@link NamedCalls#SCOPE_DB} / {@link NamedCalls#SCOPE_HTTP} bits of the scoped calls open on this thread. */
    int openScopes;
    long[] startBytes = new long[16];
    long[] startNanos = new long[16];
    long[] startGc = new long[16];
    long[] childBytes = new long[16];
    /** The slot of the operation this thread recorded last: most calls hit it. */
    private OpSlot last;
    private int slotCount;
    /** The owner's view of {@link #tail}, read from the shared field only when the ring looks full. */
    private long cachedTail;
    private Object pendingStack;

    // ---- shared ----
    /** Odd while the owner records a call (see the class comment). */
    private long seq;
    /** Which period the owner adds to; moved on only by the drainer. */
    private int epoch;
    /** Open-addressed by operation id; published with release, entries too. */
    private OpSlot[] table = new OpSlot[8];
    /** Bytes the agent allocated on this thread (new slots, rows, stacks) and took off the open calls. */
    private volatile long agentBytes;
    /** The detail ring, {@link CallRecord#LONGS} longs a call; made on the thread's first detailed call. */
    private long[] ring;
    /** Stacks captured at the exit of spiking calls, one per ring slot. */
    private Object[] stacks;
    /** Next detail record the owner writes; published with release. */
    private long head;
    /** Next detail record the drainer reads; published with release. */
    private long tail;
    /** Detailed calls that found the ring full: their figures are in the slots, their rows are not. */
    private volatile long detailsLost;

    private ThreadState(Thread owner) {
        this.owner = owner;
    }

    /**
     * The ThreadLocal-miss path: this thread's state, found again or made now, or null on a
     * virtual thread (they record without any state, see {@link UnmeasuredCalls}). What it
     * allocates (the state, the map entries) is taken off any call open on this thread.
     */
    static ThreadState attach() {
        Thread t = Thread.currentThread();
        ThreadState s = BY_THREAD.get(t);
        if (s == null && VirtualThreads.isVirtual(t)) {
            return null;
        }
        long before = Recorder.THREADS.getCurrentThreadAllocatedBytes();
        if (s == null) {
            s = new ThreadState(t);
            BY_THREAD.put(t, s);
        }
        Recorder.STATE.set(s);
        s.compensate(before);
        return s;
    }

    /**
     * Runs every {@code VarHandle} access of this class once, on a state no thread owns and no
     * drainer sees, so their call sites are linked before recording starts.
     */
    static void warmUp() {
        ThreadState s = new ThreadState(Thread.currentThread());
        for (int op = 0; op < 6; op++) { // past the first table's load limit: the resize path too
            s.record(op, Recorder.FLAG_THREW, 1, 1, 1);
        }
        s.publishDetail(0, 0, 0, 0, 0, 0, 0);
        s.release(s.publishedHead());
        s.seqAcquire();
        slotAt(s.slots(), 0);
        s.advanceEpoch();
    }

    /** Every state to drain. Only the agent's drain thread iterates it. */
    public static Collection<ThreadState> all() {
        return BY_THREAD.values();
    }

    /** Called by the drainer once a dead thread's figures are folded in. */
    public static void retire(ThreadState s) {
        BY_THREAD.remove(s.owner, s);
    }

    public Thread owner() {
        return owner;
    }

    boolean grow() {
        int n = startBytes.length;
        if (n >= Recorder.MAX_DEPTH) {
            return false;
        }
        long before = Recorder.THREADS.getCurrentThreadAllocatedBytes();
        startBytes = java.util.Arrays.copyOf(startBytes, n * 2);
        startNanos = java.util.Arrays.copyOf(startNanos, n * 2);
        startGc = java.util.Arrays.copyOf(startGc, n * 2);
        childBytes = java.util.Arrays.copyOf(childBytes, n * 2);
        compensate(before);
        return true;
    }

    /**
     * The agent just allocated on this thread while calls may be open on it: move their start
     * marks so none of them is charged for it, and count it as the agent's own.
     */
    void compensate(long counterBefore) {
        long spent = Recorder.THREADS.getCurrentThreadAllocatedBytes() - counterBefore;
        if (counterBefore < 0 || spent <= 0) {
            return;
        }
        for (int i = 0; i < depth; i++) {
            startBytes[i] += spent;
        }
        agentBytes += spent; // owner is the only writer
    }

    /**
     * Adds one finished call to its operation's current period. Returns the operation's call
     * number on this thread. Allocates only for an operation or a power of two this thread has
     * not recorded before, and takes that off the open calls.
     */
    long record(int op, int flags, long inclusive, long self, long nanos) {
        OpSlot slot = last;
        if (slot == null || slot.op != op) {
            slot = slotFor(op);
            last = slot;
        }
        long q = seq;
        SEQ.setOpaque(this, q + 1);
        VarHandle.storeStoreFence();
        slot.period((int) EPOCH.getOpaque(this)).add(flags, inclusive, self, nanos, this);
        long n = ++slot.totalCalls;
        slot.totalSelfBytes += self;
        SEQ.setRelease(this, q + 2);
        return n;
    }

    private OpSlot slotFor(int op) {
        OpSlot[] t = table;
        int mask = t.length - 1;
        for (int i = mix(op) & mask; ; i = (i + 1) & mask) {
            OpSlot s = t[i];
            if (s == null) {
                break;
            }
            if (s.op == op) {
                return s;
            }
        }
        long before = Recorder.THREADS.getCurrentThreadAllocatedBytes();
        OpSlot s = new OpSlot(op);
        if ((slotCount + 1) * 2 > t.length) {
            OpSlot[] bigger = new OpSlot[t.length * 2];
            for (OpSlot o : t) {
                if (o != null) {
                    insert(bigger, o);
                }
            }
            insert(bigger, s);
            TABLE.setRelease(this, bigger);
        } else {
            insert(t, s);
        }
        slotCount++;
        compensate(before);
        return s;
    }

    private static void insert(OpSlot[] t, OpSlot s) {
        int mask = t.length - 1;
        int i = mix(s.op) & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        SLOTS.setRelease(t, i, s);
    }

    private static int mix(int op) {
        return op * 0x9E3779B9 >>> 7;
    }

    /** A stack captured at the exit of the call about to be published with {@link Recorder#FLAG_STACK}. */
    void stackForNextDetail(Object stack) {
        pendingStack = stack;
    }

    /**
     * Publishes a call that needs a row of its own to the drainer; if the ring is full the call
     * keeps only its figures (already recorded), and is counted in {@link #detailsLost}.
     */
    void publishDetail(int op, int flags, long gcs, long inclusive, long self, long nanos, long callNumber) {
        long h = head;
        if (ring == null) {
            long before = Recorder.THREADS.getCurrentThreadAllocatedBytes();
            ring = new long[DETAIL_RECORDS * CallRecord.LONGS];
            stacks = new Object[DETAIL_RECORDS];
            compensate(before);
        }
        if (h - cachedTail >= DETAIL_RECORDS) {
            cachedTail = (long) TAIL.getAcquire(this);
            if (h - cachedTail >= DETAIL_RECORDS) {
                pendingStack = null;
                detailsLost++; // owner is the only writer
                return;
            }
        }
        int slot = (int) (h % DETAIL_RECORDS);
        stacks[slot] = (flags & Recorder.FLAG_STACK) != 0 ? pendingStack : null;
        pendingStack = null;
        int at = slot * CallRecord.LONGS;
        long[] r = ring;
        r[at + CallRecord.HEADER] = CallRecord.header(op, gcs, flags);
        r[at + CallRecord.INCLUSIVE] = inclusive;
        r[at + CallRecord.SELF] = self;
        r[at + CallRecord.NANOS] = nanos;
        r[at + CallRecord.CALL_NUMBER] = callNumber;
        HEAD.setRelease(this, h + 1);
    }

    /** Owner only: this thread's slots, for memagent-junit's window summaries. */
    OpSlot[] ownSlots() {
        return table;
    }

    // ---- drainer side (the agent's drain thread only) ----

    /** The record-section counter, read with acquire: odd while the owner records a call. */
    public long seqAcquire() {
        return (long) SEQ.getAcquire(this);
    }

    public int epoch() {
        return epoch;
    }

    /** Moves the owner on to the other period; the old one becomes the drainer's after the hand-off. */
    public void advanceEpoch() {
        EPOCH.setVolatile(this, epoch + 1);
    }

    /** The slots (read after {@link #seqAcquire}); entries may be null. */
    public OpSlot[] slots() {
        return (OpSlot[]) TABLE.getAcquire(this);
    }

    /** Reads a slot entry published by the owner. */
    public static OpSlot slotAt(OpSlot[] slots, int i) {
        return (OpSlot) SLOTS.getAcquire(slots, i);
    }

    public long agentBytes() {
        return agentBytes;
    }

    public long detailsLost() {
        return detailsLost;
    }

    /** First detail record not yet drained. */
    public long tail() {
        return tail;
    }

    /** One past the last published detail record. */
    public long publishedHead() {
        return (long) HEAD.getAcquire(this);
    }

    /** The detail ring (null before the thread's first detailed call); record n starts at {@link #offset}. */
    public long[] ring() {
        return ring;
    }

    public static int offset(long n) {
        return (int) (n % DETAIL_RECORDS) * CallRecord.LONGS;
    }

    /** The stack captured for detail record n, or null; clears the slot. Before {@link #release}. */
    public StackTraceElement[] takeStack(long n) {
        Object[] st = stacks;
        if (st == null) {
            return null;
        }
        int slot = (int) (n % DETAIL_RECORDS);
        Object o = st[slot];
        st[slot] = null;
        return (StackTraceElement[]) o;
    }

    /** Frees detail records up to {@code newTail}. */
    public void release(long newTail) {
        TAIL.setRelease(this, newTail);
    }
}
