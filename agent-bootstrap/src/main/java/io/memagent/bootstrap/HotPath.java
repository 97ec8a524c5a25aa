package io.memagent.bootstrap;

/**
 * The hot path: what inlined advice calls on application threads. The agent defines this
 * package in the boot loader at start, so advice woven into classes of any class loader can reach
 * it; it depends on nothing but the JDK.
 *
 * <p>Per call: one thread-local lookup, two reads each of the thread's allocation counter and of
 * the clock, and an update of the thread's own figures for the operation ({@link PeriodHandoff#record}:
 * counters, extremes, one histogram cell, between two stores that hand the figures to the agent's
 * drain thread without a lock). It allocates nothing once the thread has used the operation, and
 * never waits. Calls that need a row of their own (from {@link RecordingThresholds}' sizes on) are also
 * published, one by one, through the thread's small ring.
 *
 * <p>Recording is on from {@code premain}: the agent's other threads (drain, writer, sampler,
 * HTTP) start later, and find every call made meanwhile in the threads' figures.
 */
public final class HotPath {
    /** Deepest nesting of profiled calls tracked on one thread; deeper calls are not recorded. */
    public static final int MAX_DEPTH = 1 << 16;

    public static final int FLAG_THREW = 1;
    public static final int FLAG_UNMEASURED = 2;
    /** The ring record has a stack captured at its exit, see {@link DetailRing#drainDetails}. */
    public static final int FLAG_STACK = 4;
    /**
     * A cold call: its thread loaded or defined a class while it was open ({@link OpenCalls#markOpenCallsCold}).
     * Counted in every total, never a spike, and left out of the percentiles.
     */
    public static final int FLAG_COLD = 8;

    static final com.sun.management.ThreadMXBean THREADS = ThreadCounterSource.threads();

    static final ThreadLocal<ThreadState> STATE = new ThreadLocal<>();

    /** On from premain; off again at shutdown or if the agent disables itself. */
    static volatile boolean enabled;

    /** Incremented by the agent on every GC notification, read at entry and exit. */
    private static volatile long gcEpoch;

    private HotPath() {
    }

    public static void setEnabled(boolean on) {
        enabled = on;
    }

    public static boolean isEnabled() {
        return enabled;
    }

    /** The GC epoch now: a call's row carries how many collections happened while it was open. */
    static long gcEpoch() {
        return gcEpoch;
    }

    public static void gcHappened() {
        gcEpoch++; // single writer: the agent's GC listener thread
    }

    /**
     * Runs the recording paths once on throw-away state, so the JVM links their {@code VarHandle}
     * call sites now: linking allocates, and done lazily it would land inside the measured window
     * of some nested call; loads the classes of named calls too. Call before {@link #setEnabled}.
     */
    public static void warmUp() {
        PreparedStatements.warmUp();
        RuntimeNames.init();
        NamedWindows.init();
        Attribution.init();
        OpenScopes.init();
        ReactiveRequests.warmUp();
        ThreadState.warmUp();
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
     * This thread's state for {@link #enter(ThreadState)} and {@link #exit(int, ThreadState, int, boolean)},
     * which advice keeps in a local variable between the two, so a call looks its thread up once.
     * Null when not recording. On a virtual thread, its carrier's state ({@link CarrierFrames}), or
     * null where carriers cannot be read (a get() of {@link #STATE} would give each virtual thread a
     * map of its own; on JDK 17 the check is a constant false).
     */
    public static ThreadState currentState() {
        if (!enabled) {
            return null;
        }
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            return CarrierFrames.state();
        }
        ThreadState s = STATE.get();
        return s != null ? s : ThreadStates.attach();
    }

    /**
     * The allocation counter of the thread running this code, for taking the agent's own work off
     * the open calls: a platform thread's own, a virtual thread's carrier's (-1 where that cannot
     * be read). Not on the hot path.
     */
    static long ownCounter() {
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            return CarrierFrames.on ? Carriers.allocated() : -1;
        }
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * The state whose open calls this code runs inside, if any (a virtual thread's carrier's);
     * never makes one. Not on the hot path. Carriers is not touched before the agent enabled it.
     */
    static ThreadState ownState() {
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            return CarrierFrames.on ? Carriers.STATE.get() : null;
        }
        return STATE.get();
    }

    /**
     * Called by advice at method entry. Returns a token for {@link #exit}: 0 means "not
     * recorded", a positive token is the nesting depth + 1 of this call on a platform thread, a
     * negative one a call on a virtual thread ({@link CarrierFrames}, {@link UnmeasuredCounters}).
     */
    public static int enter() {
        return enter(currentState());
    }

    /** {@link #enter()} with the thread's state already looked up ({@link #currentState()}). */
    public static int enter(ThreadState s) {
        if (s == null) {
            return enabled ? UnmeasuredCounters.enter() : 0;
        }
        if (s.onCarrier()) {
            return CarrierFrames.enter(s, gcEpoch);
        }
        return s.open(gcEpoch); // the counter read last: nothing of ours after it
    }

    /**
     * Called by advice at method exit (normal or exceptional) with the operation id the
     * instrumentation assigned to the method and {@link #enter}'s token.
     */
    public static void exit(int operationId, int token, boolean threw) {
        exit(operationId, token > 0 ? STATE.get() : (token & CarrierFrames.MOUNTED) != 0 ? ownState() : null, token,
                threw);
    }

    /** {@link #exit(int, int, boolean)} with the state {@link #currentState()} gave the call's entry. */
    public static void exit(int operationId, ThreadState s, int token, boolean threw) {
        if (token <= 0) {
            if ((token & CarrierFrames.MOUNTED) != 0) {
                CarrierFrames.exit(operationId, s, token, threw);
            } else if (token < 0) {
                UnmeasuredCounters.exit(operationId, token, threw);
            }
            return;
        }
        long endBytes = THREADS.getCurrentThreadAllocatedBytes(); // first: nothing of ours before it
        long endNanos = System.nanoTime();
        if (s == null) {
            s = ThreadStates.attach(); // a pool wiped the thread-locals inside the call
        }
        int at = (token - 1) * CallFrame.LONGS;
        long[] f = s.frames();
        if (at >= f.length) {
            return;
        }
        finish(operationId, s, at, endBytes, endNanos, threw,
                endBytes >= 0 && CallFrame.startBytes(f, at) >= 0); // -1: an unsupported JVM
    }

    /**
     * Records a call whose counters were read at its exit, from its frame at {@code at} of the
     * state's open calls; pops it, and any frames above it whose exits were missed. Not
     * {@code measured}: the JVM could not count its bytes, and it is recorded as unmeasured (a
     * virtual thread's start mark may be below 0 once rebased on another carrier: the caller knows).
     */
    static void finish(int operationId, ThreadState s, int at, long endBytes, long endNanos, boolean threw,
                       boolean measured) {
        long[] f = s.frames();
        long inclusive;
        long self;
        int flags = threw ? FLAG_THREW : 0;
        if (!measured) {
            flags |= FLAG_UNMEASURED; // never report 0 bytes
            inclusive = 0;
            self = 0;
        } else {
            inclusive = endBytes - CallFrame.startBytes(f, at);
            self = inclusive - CallFrame.childBytes(f, at);
        }
        flags |= s.close(at, inclusive); // an exit without its entry (an exception escaped an inner advice): trust the token
        long nanos = endNanos - CallFrame.startNanos(f, at);
        if (inclusive < RecordingThresholds.detailMinBytes || (flags & FLAG_UNMEASURED) != 0) {
            s.record(operationId, flags, inclusive, self, nanos); // almost every call ends here
            return;
        }
        if (inclusive >= RecordingThresholds.stackMinBytes) {
            flags |= captureStack(s); // a spike: rare, and after this call's counter was read
        }
        long callNumber = s.record(operationId, flags, inclusive, self, nanos);
        if (!s.publish(operationId, flags, gcEpoch - CallFrame.startGc(f, at), inclusive, self, nanos,
                callNumber)) {
            s.detailLost(inclusive);
        }
    }

    /**
     * Captures the calling thread's stack for the call that is exiting. Runs on the app thread
     * only for calls that already allocated at least the lowest spike threshold, after their own
     * counter was read; what the capture allocates is taken off the enclosing open calls.
     */
    private static int captureStack(ThreadState s) {
        long before = ownCounter();
        Object stack;
        try {
            stack = new Throwable().getStackTrace();
        } catch (Throwable t) {
            stack = null;
        }
        s.stackForNextDetail(stack);
        s.compensate(before);
        return stack != null ? FLAG_STACK : 0;
    }
}
