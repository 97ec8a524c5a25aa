package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The hot path: what inlined advice calls on application threads. This class (and its nested
 * class) is appended to the bootstrap class path at start, so advice woven into classes of any
 * class loader can reach it; it depends on nothing but the JDK.
 *
 * <p>Per call it does: one thread-local lookup and two reads each of the thread's allocation
 * counter and of the clock, a few stores into this thread's own arrays, and one release store
 * that publishes the record to the agent's drain thread. It allocates nothing after the thread's
 * first call, takes no lock and never waits. Everything else (names, histograms, buckets,
 * storage) happens on the agent's threads.
 */
public final class Recorder {
    /** Record layout in {@link ThreadState#ring}: 4 longs per call. */
    public static final int RECORD_LONGS = 4;
    /** Calls a thread can have published but not yet drained; beyond it, calls only update totals. */
    public static final int RING_RECORDS = 1024;
    /** Deepest nesting of profiled calls tracked on one thread; deeper calls are not recorded. */
    public static final int MAX_DEPTH = 1 << 16;

    public static final int FLAG_THREW = 1;
    public static final int FLAG_UNMEASURED = 2;
    /** The record has a stack captured at its exit, see {@link ThreadState#takeStack}. */
    public static final int FLAG_STACK = 4;

    /** Overflow totals per operation: calls, errors, unmeasured, bytes, self bytes, duration. */
    public static final int OVF_STRIDE = 6;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Every thread that ever recorded a call and has not yet been retired by the drainer. */
    private static final ConcurrentLinkedQueue<ThreadState> STATES = new ConcurrentLinkedQueue<>();

    private static final ThreadLocal<ThreadState> STATE = new ThreadLocal<>();

    /** {@code Thread::isVirtual} on JDK 21+, null before. */
    private static final java.lang.invoke.MethodHandle IS_VIRTUAL = findIsVirtual();

    /** Flipped by the agent once it is ready, and off again if it disables itself. */
    private static volatile boolean enabled;

    /**
     * A measured call whose inclusive bytes reach this gets its stack captured at its exit (the
     * lowest spike threshold of any operation). Every other call pays one compare. Plain field:
     * written at start and when an annotation with a lower threshold is woven, before the
     * woven code runs.
     */
    private static long stackMinBytes = Long.MAX_VALUE;

    /** Incremented by the agent on every GC notification, read at entry and exit. */
    private static volatile long gcEpoch;

    /** Resolves run-time operation names (the API's blocks and tracks); set by the agent before it enables. */
    private static volatile OperationNames names;

    private Recorder() {
    }

    public static void setEnabled(boolean on) {
        enabled = on;
    }

    public static boolean isEnabled() {
        return enabled;
    }

    public static void setOperationNames(OperationNames resolver) {
        names = resolver;
    }

    /**
     * Operation ids for names known only at run time: {@code MemoryProfiler.block/track}. The API
     * calls this through a method handle (it cannot link against the agent).
     */
    public interface OperationNames {
        /** The id of a name already registered under this kind, or -1. Must not allocate. */
        int known(String name, String kind);

        /** The id for the name, registering it on first sight (may allocate). */
        int register(String name, String kind);

        /** The operation name of an id (any kind), or null. */
        String nameOf(int id);

        /** The id for a SQL statement's operation ({@code DB.SELECT.users}), -1 for none. May allocate. */
        int sql(String sql);

        /** The id for an HTTP request's operation ({@code HTTP GET /path}), -1 for none. May allocate. */
        int http(String method, String path);
    }

    /** A JDBC statement: the outermost one on a thread is recorded (a pool's proxy, not also its driver's). */
    public static final int SCOPE_DB = 1;
    /** An HTTP request: the outermost handler on a thread is recorded (a filter chain, not every servlet). */
    public static final int SCOPE_HTTP = 2;

    /** Prepared statements' operation ids by identity hash: {@code hash << 32 | id}; bounded, lock-free. */
    private static final java.util.concurrent.atomic.AtomicLongArray PREPARED =
            new java.util.concurrent.atomic.AtomicLongArray(1 << 13);

    /**
     * Enter for a call whose operation is known only now (a SQL statement, an HTTP request),
     * recorded only if no call of the same scope is open on this thread. Returns
     * {@code operationId << 32 | token} for {@link #exitScoped}, or 0 when not recorded.
     */
    public static long enterScoped(int operationId, int scope) {
        if (operationId < 0 || !enabled) {
            return 0;
        }
        ThreadState s = STATE.get();
        if (s != null && (s.openScopes & scope) != 0) {
            return 0;
        }
        int token = enter();
        if (token == 0) {
            return 0;
        }
        STATE.get().openScopes |= scope; // a field store: nothing allocated inside the window
        return ((long) operationId << 32) | token;
    }

    /**
     * Whether {@link #enterScoped} could record a call of this scope now (recording, and none open
     * on this thread), so nested advice can skip naming the request. Allocation-free.
     */
    public static boolean canEnterScoped(int scope) {
        if (!enabled) {
            return false;
        }
        ThreadState s = STATE.get();
        return s == null || (s.openScopes & scope) == 0;
    }

    public static void exitScoped(long entered, int scope, boolean threw) {
        if (entered == 0) {
            return;
        }
        ThreadState s = STATE.get();
        if (s != null) {
            s.openScopes &= ~scope;
        }
        exit((int) (entered >>> 32), (int) entered, threw);
    }

    /** The operation id of a SQL text (allocation-free once cached); -1 when not recording. */
    public static int sqlOperationId(String sql) {
        OperationNames n = names;
        if (!enabled || n == null || sql == null) {
            return -1;
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        int id = n.sql(sql);
        compensateOpenCalls(before);
        return id;
    }

    /** The operation id of an HTTP request; -1 when not recording. */
    public static int httpOperationId(String method, String path) {
        OperationNames n = names;
        if (!enabled || n == null || method == null || path == null) {
            return -1;
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        int id = n.http(method, path);
        compensateOpenCalls(before);
        return id;
    }

    /** Remembers a prepared statement's SQL operation (advice on {@code Connection.prepareStatement}). */
    public static void statementPrepared(Object statement, String sql) {
        if (statement == null) {
            return;
        }
        int id = sqlOperationId(sql);
        if (id >= 0) {
            int h = System.identityHashCode(statement);
            PREPARED.set(h & (PREPARED.length() - 1), ((long) h << 32) | id);
        }
    }

    /** A prepared statement's operation id, or the generic {@code DB.EXECUTE} one if it was not seen prepared. */
    public static int statementOperationId(Object statement) {
        if (!enabled || statement == null) {
            return -1;
        }
        int h = System.identityHashCode(statement);
        long e = PREPARED.get(h & (PREPARED.length() - 1));
        if ((int) (e >>> 32) == h && e != 0) {
            return (int) e;
        }
        return sqlOperationId("");
    }

    /** The agent's bookkeeping allocated {@code since} the counter read {@code before}: not the app's calls'. */
    private static void compensateOpenCalls(long before) {
        ThreadState s = STATE.get();
        if (s != null) {
            s.compensate(before);
        }
    }

    /**
     * How many calls this thread has published to its ring so far (-1 before its first): a mark
     * for {@link #biggestOperationsSince}. For test tooling (memagent-junit's failure messages).
     */
    public static long callsFinishedOnThisThread() {
        ThreadState s = STATE.get();
        return s == null ? (enabled ? 0 : -1) : s.head;
    }

    /**
     * The operations this thread finished since {@code mark}, by self bytes, biggest first: up to
     * {@code limit} triples (operation id, calls, self bytes). Reads the thread's own ring, whose
     * last {@link #RING_RECORDS} records stay intact until this thread overwrites them; calls
     * beyond those, or that found the ring full, are not listed. Allocates: call it outside any
     * measured window.
     */
    public static long[] biggestOperationsSince(long mark, int limit) {
        ThreadState s = STATE.get();
        if (s == null || mark < 0 || s.ringRecords == 0) {
            return new long[0];
        }
        long head = s.head;
        long from = Math.max(mark, head - s.ringRecords);
        // Few distinct operations in a test's window: parallel arrays, no lambdas (this class is
        // defined straight into the boot loader).
        int[] ops = new int[16];
        long[] calls = new long[16];
        long[] self = new long[16];
        int size = 0;
        for (long n = from; n < head; n++) {
            int i = (int) (n & (s.ringRecords - 1)) * RECORD_LONGS;
            long word = s.ring[i];
            if ((word & FLAG_UNMEASURED) != 0) {
                continue;
            }
            int op = (int) (word >>> 32);
            int k = 0;
            while (k < size && ops[k] != op) {
                k++;
            }
            if (k == size) {
                if (size == ops.length) {
                    ops = java.util.Arrays.copyOf(ops, size * 2);
                    calls = java.util.Arrays.copyOf(calls, size * 2);
                    self = java.util.Arrays.copyOf(self, size * 2);
                }
                ops[k] = op;
                size++;
            }
            calls[k]++;
            self[k] += s.ring[i + 2];
        }
        int n = Math.min(Math.max(limit, 0), size);
        long[] out = new long[n * 3];
        for (int k = 0; k < n; k++) { // selection of the n biggest
            int best = k;
            for (int m = k + 1; m < size; m++) {
                if (self[m] > self[best]) {
                    best = m;
                }
            }
            int o = ops[best];
            long c = calls[best];
            long b = self[best];
            ops[best] = ops[k];
            calls[best] = calls[k];
            self[best] = self[k];
            ops[k] = o;
            calls[k] = c;
            self[k] = b;
            out[k * 3] = o;
            out[k * 3 + 1] = c;
            out[k * 3 + 2] = b;
        }
        return out;
    }

    /** The name of an operation id, for {@link #biggestOperationsSince}'s callers. */
    public static String operationName(int id) {
        OperationNames n = names;
        String name = n == null ? null : n.nameOf(id);
        return name != null ? name : "operation #" + id;
    }

    /**
     * The operation id for {@code name} of {@code kind}, or -1 when the agent is not recording.
     * Called before the measured window opens. A known name costs a hash lookup and allocates
     * nothing; a new name is registered, and what that allocates is taken off any profiled calls
     * open on this thread, so an enclosing call is not charged for the agent's bookkeeping.
     */
    public static int operationId(String name, String kind) {
        OperationNames n = names;
        if (!enabled || n == null || name == null || kind == null) {
            return -1;
        }
        int id = n.known(name, kind);
        if (id >= 0) {
            return id;
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        id = n.register(name, kind);
        ThreadState s = STATE.get();
        if (s != null) {
            s.compensate(before);
        }
        return id;
    }

    /** {@link #enter()} for an id from {@link #operationId}: -1 means "not recorded" (token 0). */
    public static int enter(int operationId) {
        return operationId < 0 ? 0 : enter();
    }

    /** Lowers (never raises) the bytes at which a call's stack is captured at its exit. */
    public static synchronized void captureStacksFrom(long bytes) {
        if (bytes > 0 && bytes < stackMinBytes) {
            stackMinBytes = bytes;
        }
    }

    public static long stackMinBytes() {
        return stackMinBytes;
    }

    public static void gcHappened() {
        gcEpoch++; // single writer: the agent's GC listener thread
    }

    /**
     * Runs the publishing paths once on throw-away state, so the JVM links their
     * {@code VarHandle} call sites now. Linking allocates; done lazily it would land inside the
     * measured window of the first nested call ever made. Call before {@link #setEnabled}.
     */
    public static void warmUp() {
        ThreadState ring = new ThreadState(Thread.currentThread(), 2);
        for (int i = 0; i < 4; i++) {
            ring.publish(0, 0, 0, 0, 0, 0); // the last two find the ring full: getAcquire, then totals
        }
        ring.release(ring.publishedHead());
        ring.publish(0, 0, 0, 0, 0, 0);
        new ThreadState(Thread.currentThread(), 0).publish(0, FLAG_THREW | FLAG_UNMEASURED, 0, 0, 0, 0);
        PREPARED.set(0, PREPARED.get(0)); // its VarHandle call sites too (nothing is prepared before enabling)
    }

    /** The thread states to drain. Only the agent's drain thread iterates or removes. */
    public static ConcurrentLinkedQueue<ThreadState> states() {
        return STATES;
    }

    /** Whether the JVM counts per-thread allocation at all (enabled and supported). */
    public static boolean allocationCountingSupported() {
        try {
            if (!THREADS.isThreadAllocatedMemorySupported()) {
                return false;
            }
            if (!THREADS.isThreadAllocatedMemoryEnabled()) {
                THREADS.setThreadAllocatedMemoryEnabled(true);
            }
            return THREADS.getCurrentThreadAllocatedBytes() >= 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Called by advice at method entry. Returns a token for {@link #exit}: 0 means "not
     * recorded", otherwise the nesting depth + 1 of this call.
     */
    public static int enter() {
        if (!enabled) {
            return 0;
        }
        ThreadState s = STATE.get();
        if (s == null) {
            s = newState(); // the thread's first profiled call: the one allocation it ever costs
        }
        int d = s.depth;
        if (d == s.startBytes.length && !s.grow()) {
            return 0;
        }
        s.depth = d + 1;
        s.childBytes[d] = 0;
        s.startGc[d] = gcEpoch;
        s.startNanos[d] = System.nanoTime();
        s.startBytes[d] = THREADS.getCurrentThreadAllocatedBytes(); // last: nothing of ours after it
        return d + 1;
    }

    /**
     * Called by advice at method exit (normal or exceptional) with the operation id the
     * instrumentation assigned to the method and {@link #enter}'s token.
     */
    public static void exit(int operationId, int token, boolean threw) {
        if (token == 0) {
            return;
        }
        long endBytes = THREADS.getCurrentThreadAllocatedBytes(); // first: nothing of ours before it
        long endNanos = System.nanoTime();
        ThreadState s = STATE.get();
        if (s == null) {
            return;
        }
        int d = token - 1;
        if (s.depth != token) {
            // An exit without its entry (an exception escaped an inner advice): trust the token.
            if (d >= s.startBytes.length) {
                return;
            }
        }
        long start = s.startBytes[d];
        long inclusive;
        long self;
        int flags = threw ? FLAG_THREW : 0;
        if (start < 0 || endBytes < 0) {
            flags |= FLAG_UNMEASURED; // virtual thread or unsupported JVM: never report 0 bytes
            inclusive = 0;
            self = 0;
        } else {
            inclusive = endBytes - start;
            self = inclusive - s.childBytes[d];
        }
        s.depth = d;
        if (d > 0) {
            s.childBytes[d - 1] += inclusive;
        }
        if (inclusive >= stackMinBytes) {
            flags |= captureStack(s); // a spike: rare, and after this call's counter was read
        }
        long gcs = gcEpoch - s.startGc[d];
        s.publish(operationId, flags, gcs, inclusive, self, endNanos - s.startNanos[d]);
    }

    /**
     * Captures the calling thread's stack for the call that is exiting, for the drainer. Runs on
     * the app thread only for calls that already allocated at least the lowest spike threshold,
     * after their own counter was read; what the capture allocates is taken off the enclosing
     * open calls ({@link ThreadState#compensate}), so every measured figure stays exact.
     */
    private static int captureStack(ThreadState s) {
        if (s.ringRecords == 0) {
            return 0;
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            if (s.stacks == null) {
                s.stacks = new Object[s.ringRecords];
            }
            s.pendingStack = new Throwable().getStackTrace();
        } catch (Throwable t) {
            s.pendingStack = null;
        }
        s.compensate(before);
        return s.pendingStack != null ? FLAG_STACK : 0;
    }

    private static ThreadState newState() {
        Thread t = Thread.currentThread();
        // A virtual thread's counter reads -1 (unmeasured) and there may be millions of them:
        // give it no ring, so its calls go straight to the small per-operation totals.
        ThreadState s = new ThreadState(t, isVirtual(t) ? 0 : RING_RECORDS);
        STATE.set(s);
        STATES.add(s);
        return s;
    }

    private static java.lang.invoke.MethodHandle findIsVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    java.lang.invoke.MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static boolean isVirtual(Thread t) {
        try {
            return IS_VIRTUAL != null && (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * One application thread's nesting stack and its single-producer/single-consumer ring of
     * finished calls. The owner thread writes; the agent's drain thread reads.
     */
    public static final class ThreadState {
        private static final VarHandle HEAD;
        private static final VarHandle TAIL;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                HEAD = l.findVarHandle(ThreadState.class, "head", long.class);
                TAIL = l.findVarHandle(ThreadState.class, "tail", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Thread owner;
        private int depth;
        /** {@link #SCOPE_DB} / {@link #SCOPE_HTTP} bits of the scoped calls open on this thread. */
        private int openScopes;
        private long[] startBytes = new long[16];
        private long[] startNanos = new long[16];
        private long[] startGc = new long[16];
        private long[] childBytes = new long[16];

        private final long[] ring;
        private final int ringRecords;
        /** Next record the owner writes; published with release semantics. */
        private long head;
        /** Next record the drainer reads; published with release semantics. */
        private long tail;
        /** The owner's last view of {@link #tail}, so it reads the shared field only when full. */
        private long cachedTail;
        /**
         * Stacks captured at the exit of spiking calls, one slot per ring slot, made on the
         * thread's first spike. The owner writes a slot before publishing its record (release)
         * and the drainer takes it after reading the record (acquire): no lock, and a slot is
         * never reused before the drainer has released it.
         */
        private Object[] stacks;
        private Object pendingStack;

        /**
         * Totals of calls that found the ring full, per operation id, cumulative. Written by
         * the owner only; the drainer reads them and keeps what it has seen in
         * {@link #overflowSeen}, so totals stay exact even when the drainer falls behind.
         */
        private volatile long[] overflow = new long[0];
        private long overflowCalls;
        /** Drainer-owned copy of the overflow totals already folded in. */
        public long[] overflowSeen = new long[0];

        ThreadState(Thread owner, int ringRecords) {
            this.owner = owner;
            this.ringRecords = ringRecords;
            this.ring = new long[ringRecords * RECORD_LONGS];
        }

        public Thread owner() {
            return owner;
        }

        private boolean grow() {
            int n = startBytes.length;
            if (n >= MAX_DEPTH) {
                return false;
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            startBytes = java.util.Arrays.copyOf(startBytes, n * 2);
            startNanos = java.util.Arrays.copyOf(startNanos, n * 2);
            startGc = java.util.Arrays.copyOf(startGc, n * 2);
            childBytes = java.util.Arrays.copyOf(childBytes, n * 2);
            compensate(before);
            return true;
        }

        /**
         * The agent just allocated (rarely: a deeper stack, a bigger totals table) while calls
         * are open on this thread; move their start marks so none of them is charged for it.
         */
        private void compensate(long counterBefore) {
            long spent = THREADS.getCurrentThreadAllocatedBytes() - counterBefore;
            if (counterBefore < 0 || spent <= 0) {
                return;
            }
            for (int i = 0; i < depth; i++) {
                startBytes[i] += spent;
            }
        }

        private void publish(int op, int flags, long gcs, long inclusive, long self, long nanos) {
            long h = head;
            if (h - cachedTail >= ringRecords) {
                cachedTail = (long) TAIL.getAcquire(this);
                if (h - cachedTail >= ringRecords) {
                    pendingStack = null; // its record goes to the totals only: no detail, no spike
                    addOverflow(op, flags, inclusive, self, nanos);
                    return;
                }
            }
            if ((flags & FLAG_STACK) != 0) {
                stacks[(int) (h & (ringRecords - 1))] = pendingStack;
                pendingStack = null;
            }
            int i = (int) (h & (ringRecords - 1)) * RECORD_LONGS;
            long[] r = ring;
            r[i] = ((long) op << 32) | (Math.min(gcs, 0xFFFFFFL) << 8) | flags;
            r[i + 1] = inclusive;
            r[i + 2] = self;
            r[i + 3] = nanos;
            HEAD.setRelease(this, h + 1);
        }

        private void addOverflow(int op, int flags, long inclusive, long self, long nanos) {
            long[] o = overflow;
            int base = op * OVF_STRIDE;
            if (base + OVF_STRIDE > o.length) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                long[] bigger = java.util.Arrays.copyOf(o, Math.max(base + OVF_STRIDE, o.length * 2));
                overflow = bigger;
                o = bigger;
                compensate(before);
            }
            o[base]++;
            if ((flags & FLAG_THREW) != 0) {
                o[base + 1]++;
            }
            if ((flags & FLAG_UNMEASURED) != 0) {
                o[base + 2]++;
            }
            o[base + 3] += inclusive;
            o[base + 4] += self;
            o[base + 5] += nanos;
            overflowCalls++;
        }

        // ---- drainer side (agent thread only) ----

        /** First record not yet drained. */
        public long tail() {
            return tail;
        }

        /** One past the last published record. */
        public long publishedHead() {
            return (long) HEAD.getAcquire(this);
        }

        /** The ring; record {@code n} starts at {@code (n & (ringRecords-1)) * RECORD_LONGS}. */
        public long[] ring() {
            return ring;
        }

        public int ringRecords() {
            return ringRecords;
        }

        /** Frees ring slots up to {@code newTail}. */
        public void release(long newTail) {
            TAIL.setRelease(this, newTail);
        }

        /**
         * The stack captured for record {@code n} (flagged {@link #FLAG_STACK}), as
         * {@code StackTraceElement[]}; clears the slot. Drainer only, before {@link #release}.
         */
        public StackTraceElement[] takeStack(long n) {
            Object[] st = stacks;
            if (st == null) {
                return null;
            }
            int slot = (int) (n & (ringRecords - 1));
            Object o = st[slot];
            st[slot] = null;
            return (StackTraceElement[]) o;
        }

        public long[] overflowTotals() {
            return overflow;
        }

        /** Calls that found the ring full (their totals counted, their detail not). */
        public long overflowCalls() {
            return overflowCalls;
        }
    }
}
