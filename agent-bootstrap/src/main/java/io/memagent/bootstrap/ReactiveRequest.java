package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One reactive request (Spring WebFlux): its work runs in segments on event-loop and scheduler
 * threads ({@link ReactiveRequests}), each measured by its own thread's counter as an open frame of
 * that thread's {@link ThreadState}, and added here when the segment closes. The request ends when
 * the server's {@code Mono<Void>} terminates ({@code doFinally}, this object as its consumer); it is
 * recorded once its last open segment has closed, by whichever thread closes it or ends it.
 *
 * <p>{@link #state} holds how many segments are open and whether the request has ended; exactly one
 * thread sees "ended, none open" and records. Bytes are added before a segment's count is taken
 * back (both volatile), so the recording thread sees every segment's bytes. A segment that would
 * start after the end is not the request's and is not counted. Boot loader, JDK types only.
 */
public final class ReactiveRequest implements java.util.function.Consumer<Object> {
    private static final int ENDED = 1 << 30;
    private static final int OPEN_MASK = ENDED - 1;
    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);
    private static final VarHandle INCLUSIVE = VarHandles.field(MethodHandles.lookup(), "inclusive", long.class);
    private static final VarHandle SELF = VarHandles.field(MethodHandles.lookup(), "self", long.class);
    /** {@code SignalType.ON_ERROR.name()}: the request's publisher failed. */
    private static final String ON_ERROR;
    /** WebFlux's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}: the matched route template. */
    private static final String BEST_MATCHING_PATTERN;
    /** {@code RouterFunctions.MATCHING_PATTERN_ATTRIBUTE}: a functional route's template. */
    private static final String MATCHING_PATTERN;

    static {
        ON_ERROR = "ON_ERROR";
        BEST_MATCHING_PATTERN = "org.springframework.web.reactive.HandlerMapping.bestMatchingPattern";
        MATCHING_PATTERN = "org.springframework.web.reactive.function.server.RouterFunctions.matchingPattern";
    }

    final long startNanos;
    final long startGc;
    private volatile int state;
    private volatile long inclusive;
    private volatile long self;
    /** A segment ran where it could not be measured (a virtual thread): the request's bytes are unmeasured. */
    private volatile boolean unmeasured;
    /** A segment loaded classes: the request is cold, like a profiled call that loads classes. */
    private volatile boolean cold;
    /** Set once, from the exchange, on the thread that starts the request, before any segment could end it. */
    volatile java.util.Map<?, ?> attributes;
    volatile Object response;
    volatile String method;
    volatile String path;
    /** The segment {@link ReactiveRequests#start} opened itself (no server scope around it), closed when handle returns. */
    int ownToken;
    /** Set when the request ends, read by the recording thread after it saw {@link #state}. */
    private int operationId = -1;
    private boolean failed;
    private long nanos;

    ReactiveRequest(long startNanos, long startGc) {
        this.startNanos = startNanos;
        this.startGc = startGc;
    }

    /** A segment of this request starts; false if the request has ended (the work is not the request's). */
    boolean segmentStarts() {
        for (;;) {
            int s = state;
            if ((s & ENDED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** A segment closed with these bytes; records the request if it had ended and this was its last segment. */
    void segmentEnds(long inclusiveBytes, long selfBytes, boolean coldSegment) {
        long unused = (long) INCLUSIVE.getAndAdd(this, inclusiveBytes);
        unused = (long) SELF.getAndAdd(this, selfBytes);
        if (coldSegment) {
            cold = true;
        }
        if ((int) STATE.getAndAdd(this, -1) - 1 == ENDED) {
            record();
        }
    }

    void unmeasurable() {
        unmeasured = true;
    }

    /**
     * {@code doFinally}: the server's publisher for the request terminated (complete, error or
     * cancel), on whatever thread it did. Names the request from the exchange (the route template
     * Spring matched, else the path), reads the response's status (5xx is an error, as an error
     * signal is), and records it now or when its last open segment closes. What this allocates is the
     * agent's. Never throws.
     */
    @Override
    public void accept(Object signal) {
        finish(signal instanceof Enum && ON_ERROR.equals(((Enum<?>) signal).name()));
    }

    /** The request is over ({@code error}: it failed); named and recorded as {@link #accept} says. Never throws. */
    void finish(boolean error) {
        try {
            long endNanos = System.nanoTime();
            long before = HotPath.ownCounter();
            int status = ResponseStatus.of(response);
            java.util.Map<?, ?> attrs = attributes;
            Object route = attrs == null ? null : attrs.get(BEST_MATCHING_PATTERN);
            if (route == null && attrs != null) {
                route = attrs.get(MATCHING_PATTERN);
            }
            int id = RuntimeNames.requestOperationId(method, path, route == null ? null : route.toString());
            RuntimeNames.agentWorkDone(before);
            end(id, error || status >= 500, endNanos - startNanos);
        } catch (Throwable t) {
            // never into the app: the request goes unrecorded
        }
    }

    /** The request is over (from {@link #accept}, or its handler threw): records it unless a segment is still open. */
    void end(int id, boolean threw, long durationNanos) {
        operationId = id;
        failed = threw;
        nanos = durationNanos;
        if (((int) STATE.getAndBitwiseOr(this, ENDED) & OPEN_MASK) == 0) {
            record();
        }
    }

    /** Exactly once, on the thread that saw the request ended with no segment open. */
    private void record() {
        if (operationId < 0 || !HotPath.enabled) {
            return;
        }
        ThreadState s = HotPath.currentState();
        if (s == null) {
            return;
        }
        int flags = (failed ? HotPath.FLAG_THREW : 0) | (cold ? HotPath.FLAG_COLD : 0);
        long incl = inclusive;
        long own = self;
        if (unmeasured || incl < 0) {
            flags |= HotPath.FLAG_UNMEASURED; // never a wrong number
            incl = 0;
            own = 0;
        }
        long callNumber = s.record(operationId, flags, incl, own, nanos);
        if (incl >= RecordingThresholds.detailMinBytes && (flags & HotPath.FLAG_UNMEASURED) == 0
                && !s.publish(operationId, flags, HotPath.gcEpoch() - startGc, incl, own, nanos, callNumber)) {
            s.detailLost(incl);
        }
    }
}
