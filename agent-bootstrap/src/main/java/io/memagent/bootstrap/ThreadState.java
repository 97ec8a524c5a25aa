package io.memagent.bootstrap;

/**
 * One platform thread's recording state (a carrier's: of the virtual threads mounted on it),
 * built in layers, one job and its fields to each class, in one object so the hot path reaches
 * every field it needs from the one reference the advice keeps:
 * <ol>
 * <li>{@link OpenCalls}: the open calls, one {@link CallFrame} each;</li>
 * <li>{@link AgentOwnBytes}: what the agent allocates here is taken off the open calls;</li>
 * <li>{@link OperationSlots}: one {@link OpSlot} per operation the thread called;</li>
 * <li>{@link PeriodHandoff}: the figures handed to the reader without a lock (its class comment
 * is the contract);</li>
 * <li>{@link DetailRing}: the few calls that need a row of their own;</li>
 * <li>this class: whose state it is, and the scopes and tracing spans open on it.</li>
 * </ol>
 * {@link ThreadStates} keeps every state, found again by its thread.
 */
public final class ThreadState extends DetailRing {
    private final Thread owner;
    /**
     * A carrier's state, which the virtual threads mounted on it record into ({@link CarrierFrames});
     * set before the state is published to any of them.
     */
    private boolean onCarrier;
    /** {@link NamedWindows#SCOPE_DB} / {@link NamedWindows#SCOPE_HTTP} bits of the scoped calls open on this thread. Owner only. */
    private int openScopes;
    /** The token of this thread's open reactive-request segment ({@link ReactiveRequests}), 0 for none. Owner only. */
    private int segmentToken;
    /** The request that segment works for; null while unbound (a server scope before its request started). Owner only. */
    private ReactiveRequest segmentRequest;
    /** A route template a framework matched for the HTTP request open here (JAX-RS), until the request ends. Owner only. */
    private String matchedRoute;

    ThreadState(Thread owner, boolean onCarrier) {
        this.owner = owner;
        this.onCarrier = onCarrier;
    }

    public Thread owner() {
        return owner;
    }

    boolean onCarrier() {
        return onCarrier;
    }

    /** Its thread is a carrier too (it may have recorded calls as a platform thread: the same JVM thread). */
    void serveAsCarrier() {
        onCarrier = true;
    }

    boolean scopeOpen(int scope) {
        return (openScopes & scope) != 0;
    }

    void setScope(int scope, boolean open) {
        openScopes = open ? openScopes | scope : openScopes & ~scope;
    }

    int segmentToken() {
        return segmentToken;
    }

    ReactiveRequest segmentRequest() {
        return segmentRequest;
    }

    /** A segment opened ({@code token} != 0, for {@code request} or unbound) or closed (0, null). */
    void openSegment(int token, ReactiveRequest request) {
        segmentToken = token;
        segmentRequest = request;
    }

    /** The open unbound segment now works for {@code request}. */
    void bindSegment(ReactiveRequest request) {
        segmentRequest = request;
    }

    String matchedRoute() {
        return matchedRoute;
    }

    void matchedRoute(String route) {
        matchedRoute = route;
    }

    /**
     * Runs every {@code VarHandle} access of the layers once, on a state no thread owns and no
     * reader sees, so their call sites are linked, and the layers' classes and {@link CallFrame}
     * loaded, before recording starts: done lazily, both allocate on the app's thread.
     */
    static void warmUp() {
        ThreadState s = new ThreadState(Thread.currentThread(), false);
        ThreadStates.warmUp(s); // while it has no figures a reader could fold
        s.open(0); // and CallFrame with it
        s.close(0, 0);
        for (int op = 0; op < 6; op++) { // past the first table's load limit: the resize path too
            s.record(op, HotPath.FLAG_THREW, 1L << (op * 4), 1, 1);
        }
        s.warmUpRing();
        lvSlot(s.lvTable(), 0);
        s.warmUpHandoff();
    }
}
