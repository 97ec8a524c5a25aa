package io.memagent.bootstrap;

/**
 * Exact bytes per tracing span: what a thread allocated between a span's start and its end on that
 * same thread, the agent's own allocations left out. Called by memagent's OpenTelemetry span
 * processor (the {@code memagent-otel} jar, loaded by the OpenTelemetry agent's extension class
 * loader or by the app), which knows nothing of the agent's state: it passes the span's ids, JDK
 * types only, so this class stays in the boot loader with the rest of the hot path.
 *
 * <p>{@link #started} reads the counter last, {@link #ending} first: what the processor and the
 * agent do around them is outside the window, and what they allocate on the thread (the thread's
 * first span makes its {@link OpenSpans}; the attribute's value and map entry) is charged to the
 * agent's own bytes on the thread ({@link AgentOwnBytes#compensate}), so neither an enclosing span
 * nor an enclosing profiled call counts it. A span that ends on another thread than it started on,
 * or on a virtual thread that unmounted in between (its carrier's counter then counts others'
 * bytes), or while the agent is not recording, is unmeasured ({@link #UNMEASURED}), never a wrong
 * number. Allocation-free once the thread has its {@link OpenSpans}; no lock, no I/O.
 */
public final class SpanWindows {
    /** {@link #ending}'s answer for a span whose bytes cannot be known exactly. */
    public static final long UNMEASURED = -1;

    private SpanWindows() {
    }

    /**
     * A span with these ids (the span context's own strings) started on this thread: its window
     * opens now. The last read in here is the counter's.
     */
    public static void started(String traceId, String spanId) {
        ThreadState s = HotPath.currentState(); // a thread's first: its state is made, at the agent's cost
        if (s == null) {
            return; // not recording: the span ends unmeasured
        }
        OpenSpans spans = s.openSpans();
        if (spans == null) { // the thread's first span: its OpenSpans is the agent's own
            long before = HotPath.ownCounter();
            if (before < 0) {
                return;
            }
            spans = new OpenSpans();
            s.setOpenSpans(spans);
            s.compensate(before);
        }
        spans.push(traceId, spanId, s.mounts()); // allocation-free
        long now = HotPath.ownCounter(); // last: nothing of ours after it
        spans.markNewest(now < 0 ? -1 : now - s.agentBytes());
    }

    /**
     * The span with this id is ending on this thread: the bytes allocated on it since the span's
     * {@link #started}, less the agent's own, or {@link #UNMEASURED}. The counter is read first.
     * Call {@link #ended} once the caller has stored the figure.
     */
    public static long ending(String spanId) {
        long now = HotPath.ownCounter(); // first: nothing of ours before it
        ThreadState s = HotPath.ownState();
        if (s == null || now < 0) {
            OpenSpans.endedElsewhere(spanId); // if it started on another thread, that one drops it
            return UNMEASURED;
        }
        OpenSpans spans = s.openSpans();
        if (spans == null) { // no span started here: made now so that ended() charges it and the attribute to the agent
            spans = new OpenSpans();
            s.setOpenSpans(spans);
            spans.endingRead = now;
            OpenSpans.endedElsewhere(spanId);
            return UNMEASURED;
        }
        spans.endingRead = now;
        int at = spans.find(spanId);
        if (at < 0) {
            OpenSpans.endedElsewhere(spanId); // its starting thread drops it before naming its current span
            return UNMEASURED; // started on another thread, or dropped
        }
        long mark = spans.markAt(at);
        int mounts = spans.mountsAt(at);
        spans.removeAt(at);
        if (mark < 0 || mounts != s.mounts()) {
            return UNMEASURED; // a virtual thread that unmounted: the carrier counted other threads' bytes too
        }
        long bytes = now - s.agentBytes() - mark;
        return bytes >= 0 ? bytes : UNMEASURED;
    }

    /**
     * After {@link #ending}: what the caller allocated on this thread since (the attribute) is the
     * agent's own, not an enclosing span's or call's.
     */
    public static void ended() {
        ThreadState s = HotPath.ownState();
        OpenSpans spans = s == null ? null : s.openSpans();
        if (spans == null || spans.endingRead < 0) {
            return;
        }
        long before = spans.endingRead;
        spans.endingRead = -1;
        s.compensate(before);
    }

    /** The span id of the span started last and not yet ended on this thread; null when none. */
    public static String currentSpanId() {
        ThreadState s = HotPath.ownState();
        OpenSpans spans = s == null ? null : s.openSpans();
        if (spans == null) {
            return null;
        }
        spans.dropEndedElsewhere();
        int at = spans.newestOfMount(s.mounts());
        return at < 0 ? null : spans.spanIdAt(at);
    }
}
