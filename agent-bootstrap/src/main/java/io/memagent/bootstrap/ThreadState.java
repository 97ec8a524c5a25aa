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
 * <p><b>What the agent allocates here is the agent's.</b> A thread's first call of an operation
 * makes its slot (about 0.55 KB), and its first call of a new power of two of bytes a histogram
 * row (144 bytes per period); both are taken off every call open on the thread and added to
 * {@link #agentBytes}, which memagent-junit and the tests subtract from the app's own counter.
 *
 * <p><b>Found again after a pool clears thread-locals.</b> States are kept by their
 * {@code Thread} in {@link #BY_THREAD}; a ThreadLocal miss looks there before making a new one, so
 * a ForkJoin worker keeps one state however often its thread-locals are wiped. The drainer removes
 * a state once its thread has died and its figures are folded in.
 */
public final class ThreadState {
    /** Longs per open call in {@link #frames}, and where each figure sits. */
    static final int FRAME = 5;
    static final int START_BYTES = 0;
    static final int START_NANOS = 1;
    static final int START_GC = 2;
    static final int CHILD_BYTES = 3;
    /** A carrier's frames only: the mount number and the call's token ({@link MountedCalls}). */
    static final int TAG = 4;
    /** How long after moving a thread's epoch the drainer waits before reading the old period. */
    public static final long HANDOFF_NANOS = 1_000_000;
    /**
     * Calls that need a row of their own a thread can have published and not yet drained (the
     * ring is made on the thread's first such call: 40 KB, only on threads that make calls of
     * {@code memagent.calls.min.bytes}). Beyond it a call keeps its figures and its row is counted
     * as dropped. The drainer comes back within 50 us while it finds a ring a quarter full; 1,024
     * calls ride out a drain thread held up for 50 ms at 20,000 such calls a second.
     */
    public static final int RING_RECORDS = 1024;

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

    /**
     * A carrier's state, which the virtual threads mounted on it record into ({@link MountedCalls});
     * set before the state is published to any of them.
     */
    boolean onCarrier;

    // ---- owner only ----
    int depth;
    /** A carrier's: moved on by every virtual thread mounted on it ({@link Carriers#mounted}). */
    int mounts;
    /** {@link NamedCalls#SCOPE_DB} / {@link NamedCalls#SCOPE_HTTP} bits of the scoped calls open on this thread. */
    int openScopes;
    /** The open calls, {@link #FRAME} longs each, innermost last: one array, one bounds check. */
    long[] frames = new long[8 * FRAME];
    /** The slot of the operation this thread recorded last: most calls hit it. */
    private OpSlot last;
    /** The owner's view of {@link #tail}, read from the shared field only when the ring looks full. */
    private long cachedTail;
    private Object pendingStack;

    // ---- shared ----
    /** Odd while the owner records a call (see the class comment). */
    private long seq;
    /** Which period the owner adds to; moved on only by the drainer. */
    private int epoch;
    /** Open-addressed by operation id; written by the owner only, published with release, entries too. */
    private OpSlot[] table = new OpSlot[8];
    /** Slots in {@link #table}, owner only. */
    private int tableCount;
    /** Bytes the agent allocated on this thread (new slots, rows, stacks) and took off the open calls. */
    private volatile long agentBytes;
    /** The ring, {@link CallRecord#LONGS} longs a call; made on the thread's first call that needs it. */
    private long[] ring;
    /** Stacks captured at the exit of spiking calls, one per ring slot. */
    private Object[] stacks;
    /** Next record the owner writes; published with release. */
    private long head;
    /** Next record the drainer reads; published with release. */
    private long tail;
    /** Calls that needed the ring but found it full: their figures are in the slots, their details are not. */
    private volatile long detailsLost;
    /** Of those, calls of at least {@link Recorder#rowMinBytes}: rows of {@code memory_allocations} never made. */
    private volatile long rowsLost;

    private ThreadState(Thread owner) {
        this.owner = owner;
    }

    /**
     * The ThreadLocal-miss path of a platform thread (virtual threads record in their carrier's
     * state, see {@link #attachCarrier}): this thread's state, found again or made now. What it
     * allocates (the state, the map entries) is taken off any call open on this thread.
     */
    static ThreadState attach() {
        Thread t = Thread.currentThread();
        ThreadState s = BY_THREAD.get(t);
        long before = Recorder.ownCounter();
        if (s == null) {
            s = new ThreadState(t);
            BY_THREAD.put(t, s);
        }
        Recorder.STATE.set(s);
        s.compensate(before);
        return s;
    }

    /**
     * The miss path of a virtual thread's {@link Carriers#STATE}: its carrier's state, found again
     * or made now (the carrier's own, should it have recorded calls as a platform thread, serves
     * both: it is the same JVM thread). Null if the virtual thread moved to another carrier
     * meanwhile (the map's lock may unmount it): that call is unmeasured, the next one attaches.
     */
    static ThreadState attachCarrier() {
        Thread carrier = Carriers.current();
        if (carrier == null) {
            return null;
        }
        long before = Carriers.allocated();
        ThreadState s = BY_THREAD.get(carrier);
        if (s == null) {
            s = new ThreadState(carrier);
            s.onCarrier = true;
            BY_THREAD.put(carrier, s);
        }
        if (Carriers.current() != carrier) {
            return null;
        }
        s.onCarrier = true;
        Carriers.STATE.set(s);
        MountedCalls.carrierStates = true;
        s.compensate(before);
        return s;
    }

    /** A virtual thread has mounted on this carrier: the calls open on it are another's, unmeasurable now. */
    void carrierMounted() {
        mounts++;
        depth = 0;
    }

    /**
     * Runs every {@code VarHandle} access of this class once, on a state no thread owns and no
     * drainer sees, so their call sites are linked before recording starts.
     */
    static void warmUp() {
        ThreadState s = new ThreadState(Thread.currentThread());
        for (int op = 0; op < 6; op++) { // past the first table's load limit: the resize path too
            s.record(op, Recorder.FLAG_THREW, 1L << (op * 4), 1, 1);
        }
        s.publish(0, 0, 0, 0, 0, 0, 0);
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
        int n = frames.length;
        if (n >= Recorder.MAX_DEPTH * FRAME) {
            return false;
        }
        long before = Recorder.ownCounter();
        frames = java.util.Arrays.copyOf(frames, n * 2);
        compensate(before);
        return true;
    }

    /**
     * The agent just allocated on this thread while calls may be open on it: move their start
     * marks so none of them is charged for it, and count it as the agent's own.
     */
    void compensate(long counterBefore) {
        long spent = Recorder.ownCounter() - counterBefore;
        if (counterBefore < 0 || spent <= 0) {
            return;
        }
        compensate(spent, 0);
    }

    /**
     * The agent spent {@code bytes} and {@code nanos} on this thread: no open call is charged for
     * them (their start marks move on), and they count as the agent's ({@link AgentOverhead}).
     */
    void compensate(long bytes, long nanos) {
        long[] f = frames;
        for (int i = 0; i < depth; i++) {
            f[i * FRAME + START_BYTES] += bytes;
            f[i * FRAME + START_NANOS] += nanos;
        }
        agentBytes += bytes; // owner is the only writer
        AgentOverhead.add(bytes, nanos);
    }

    /**
     * Adds one finished call to its operation's current period and returns the operation's call
     * number on this thread. Allocates only for an operation, or a power of two of bytes, this
     * thread has not recorded before, and takes that off the open calls.
     */
    long record(int op, int flags, long inclusive, long self, long nanos) {
        OpSlot slot = last;
        if (slot == null || slot.op != op) {
            slot = find(op);
            if (slot == null) {
                slot = newSlot(op);
            }
            last = slot;
        }
        long q = seq;
        SEQ.setOpaque(this, q + 1);
        VarHandle.storeStoreFence();
        Period p = slot.period((int) EPOCH.getOpaque(this));
        int r = LogHistogram.row(inclusive);
        if (!p.hasRow(flags, r)) {
            long before = Recorder.ownCounter();
            slot.ensureRow(r); // in both periods: the next call may be in the other
            compensate(before);
        }
        p.add(flags, inclusive, r, self, nanos);
        long n = ++slot.totalCalls;
        slot.totalSelfBytes += self;
        SEQ.setRelease(this, q + 2);
        return n;
    }

    private OpSlot find(int op) {
        OpSlot[] t = table;
        int mask = t.length - 1;
        for (int i = mix(op) & mask; ; i = (i + 1) & mask) {
            OpSlot s = t[i];
            if (s == null) {
                return null;
            }
            if (s.op == op) {
                return s;
            }
        }
    }

    private OpSlot newSlot(int op) {
        long before = Recorder.ownCounter();
        OpSlot slot = new OpSlot(op);
        OpSlot[] t = table;
        if ((tableCount + 1) * 2 > t.length) {
            OpSlot[] bigger = new OpSlot[t.length * 2];
            for (OpSlot o : t) {
                if (o != null) {
                    insert(bigger, o);
                }
            }
            insert(bigger, slot);
            TABLE.setRelease(this, bigger);
        } else {
            insert(t, slot);
        }
        tableCount++;
        compensate(before);
        return slot;
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
        if (stacks == null) {
            stacks = new Object[RING_RECORDS]; // the caller takes this allocation off the open calls
        }
        pendingStack = stack;
    }

    /**
     * Publishes a call that needs a row of its own to the drainer through the ring. Returns false,
     * publishing nothing, if the ring is full.
     */
    boolean publish(int op, int flags, long gcs, long inclusive, long self, long nanos, long callNumber) {
        long h = head;
        if (ring == null) {
            long before = Recorder.ownCounter();
            ring = new long[RING_RECORDS * CallRecord.LONGS];
            compensate(before);
        }
        if (h - cachedTail >= RING_RECORDS) {
            cachedTail = (long) TAIL.getAcquire(this);
            if (h - cachedTail >= RING_RECORDS) {
                pendingStack = null;
                return false;
            }
        }
        int slot = (int) (h & (RING_RECORDS - 1));
        if ((flags & Recorder.FLAG_STACK) != 0) {
            stacks[slot] = pendingStack;
        }
        pendingStack = null;
        int at = slot * CallRecord.LONGS;
        long[] r = ring;
        r[at + CallRecord.HEADER] = CallRecord.header(op, gcs, flags);
        r[at + CallRecord.INCLUSIVE] = inclusive;
        r[at + CallRecord.SELF] = self;
        r[at + CallRecord.NANOS] = nanos;
        r[at + CallRecord.CALL_NUMBER] = callNumber;
        HEAD.setRelease(this, h + 1);
        return true;
    }

    /** A call that needed the ring found it full (its figures are counted). */
    void detailLost(long inclusive) {
        detailsLost++; // owner is the only writer
        if (inclusive >= Recorder.rowMinBytes()) {
            rowsLost++;
        }
    }

    /** Owner only: this thread's slots, for memagent-junit's window summaries. */
    OpSlot[] ownerSlots() {
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

    /** The drainer's table of slots; entries may be null. */
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

    public long rowsLost() {
        return rowsLost;
    }

    /** First detail record not yet drained. */
    public long tail() {
        return tail;
    }

    /** One past the last published detail record. */
    public long publishedHead() {
        return (long) HEAD.getAcquire(this);
    }

    /** The ring (null before the thread's first call that needed it); record n starts at {@link #offset}. */
    public long[] ring() {
        return ring;
    }

    public static int offset(long n) {
        return (int) (n & (RING_RECORDS - 1)) * CallRecord.LONGS;
    }

    /** The stack captured for detail record n, or null; clears the slot. Before {@link #release}. */
    public StackTraceElement[] takeStack(long n) {
        Object[] st = stacks;
        if (st == null) {
            return null;
        }
        int slot = (int) (n & (RING_RECORDS - 1));
        Object o = st[slot];
        st[slot] = null;
        return (StackTraceElement[]) o;
    }

    /** Frees detail records up to {@code newTail}. */
    public void release(long newTail) {
        TAIL.setRelease(this, newTail);
    }
}
