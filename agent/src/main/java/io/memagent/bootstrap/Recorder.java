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
 *
 * <p>Only the path every profiled call takes lives here: {@link #enter()}/{@link #exit}, the
 * thread's state and ring, the overflow totals and the stack capture for spikes. Calls whose
 * operation is named at run time ({@code MemoryProfiler} blocks, JDBC statements, HTTP requests)
 * enter through {@link NamedCalls}; memagent-junit reads a thread's finished calls through
 * {@link ThreadCalls}. Both end up in {@link #enter()} and {@link #exit}.
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

    /**
     * Package-private, like {@link #STATE}, {@link #enabled} and some of {@link ThreadState}'s
     * members: {@link NamedCalls} and {@link ThreadCalls} use them.
     */
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Every thread that ever recorded a call and has not yet been retired by the drainer. */
    private static final ConcurrentLinkedQueue<ThreadState> STATES = new ConcurrentLinkedQueue<>();

    static final ThreadLocal<ThreadState> STATE = new ThreadLocal<>();

    /** {@code Thread::isVirtual} on JDK 21+, null before. */
    private static final java.lang.invoke.MethodHandle IS_VIRTUAL = findIsVirtual();

    /** Flipped by the agent once it is ready, and off again if it disables itself. */
    static volatile boolean enabled;

    /**
     * A measured call whose inclusive bytes reach this gets its stack captured at its exit (the
     * lowest spike threshold of any operation). Every other call pays one compare. Plain field:
     * written at start and when an annotation with a lower threshold is woven, before the
     * woven code runs.
     */
    private static long stackMinBytes = Long.MAX_VALUE;

    /** Incremented by the agent on every GC notification, read at entry and exit. */
    private static volatile long gcEpoch;

    private Recorder() {
    }

    public static void setEnabled(boolean on) {
        enabled = on;
    }

    public static boolean isEnabled() {
        return enabled;
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
     * measured window of the first nested call ever made. It warms {@link NamedCalls} too, so that
     * class's initialization (its prepared-statement table) is not paid inside the window of a
     * profiled call that makes the first JDBC call. Call before {@link #setEnabled}.
     */
    public static void warmUp() {
        ThreadState ring = new ThreadState(Thread.currentThread(), 2);
        for (int i = 0; i < 4; i++) {
            ring.publish(0, 0, 0, 0, 0, 0); // the last two find the ring full: getAcquire, then totals
        }
        ring.release(ring.publishedHead());
        ring.publish(0, 0, 0, 0, 0, 0);
        new ThreadState(Thread.currentThread(), 0).publish(0, FLAG_THREW | FLAG_UNMEASURED, 0, 0, 0, 0);
        NamedCalls.warmUp(); // initialized now too, and its own VarHandle call sites linked
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
        /** {@link NamedCalls#SCOPE_DB} / {@link NamedCalls#SCOPE_HTTP} bits of the scoped calls open on this thread. */
        int openScopes;
        private long[] startBytes = new long[16];
        private long[] startNanos = new long[16];
        private long[] startGc = new long[16];
        private long[] childBytes = new long[16];

        final long[] ring;
        final int ringRecords;
        /** Next record the owner writes; published with release semantics. */
        long head;
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
        void compensate(long counterBefore) {
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
