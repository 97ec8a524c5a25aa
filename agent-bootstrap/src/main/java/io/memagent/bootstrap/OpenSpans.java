package io.memagent.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The tracing spans started on one thread (a carrier's state: on the virtual threads mounted on it)
 * and not yet ended there, oldest first, for {@link SpanWindows}: each span's ids, its start mark
 * (the thread's allocation counter less the agent's own bytes on it) and the carrier's mount number
 * at its start. Fixed arrays of {@link #CAPACITY}, made on the thread's first span: pushing, finding
 * and removing allocate nothing. A span that ends on another thread stays here until the thread has
 * started {@link #CAPACITY} newer spans; then the oldest entry is dropped (a span whose entry was
 * dropped is reported unmeasured if it ends here after all). Owner thread only; the ids are the
 * span context's own strings, compared by identity first, so an entry holds no span.
 */
final class OpenSpans {
    /** Spans open at once on one thread that are tracked; deeper nesting drops the oldest. */
    static final int CAPACITY = 64;
    /** How many of the latest spans that ended on another thread than they started on are remembered. */
    static final int ENDED_ELSEWHERE_KEPT = 256;
    /**
     * The span ids of the latest spans that ended on another thread than they started on: their
     * entries stay on the starting thread, which drops them ({@link #dropEndedElsewhere}) before it
     * names its current span. A starting thread that asks only after {@link #ENDED_ELSEWHERE_KEPT}
     * more such ends may name a span that has ended.
     */
    private static final AtomicReferenceArray<String> ENDED_ELSEWHERE = new AtomicReferenceArray<>(ENDED_ELSEWHERE_KEPT);
    private static final AtomicInteger ENDED_ELSEWHERE_NEXT = new AtomicInteger();

    private final String[] traceIds = new String[CAPACITY];
    private final String[] spanIds = new String[CAPACITY];
    private final long[] marks = new long[CAPACITY];
    private final int[] mounts = new int[CAPACITY];
    private int size;
    /** {@code ENDED_ELSEWHERE_NEXT} at the last {@link #dropEndedElsewhere}. */
    private int endsSeen;
    /** An entry was removed since the last {@link #dropEndedElsewhere}: an older one is the newest now. */
    private boolean removed;
    /** The counter {@link SpanWindows#ending} read first, for {@link SpanWindows#ended}; -1 when none. */
    long endingRead = -1;

    /** Adds a span as the newest; its mark follows through {@link #markNewest}. */
    void push(String traceId, String spanId, int mountNumber) {
        if (size == CAPACITY) {
            removeAt(0);
        }
        traceIds[size] = traceId;
        spanIds[size] = spanId;
        mounts[size] = mountNumber;
        marks[size] = -1;
        size++;
    }

    void markNewest(long mark) {
        if (size > 0) {
            marks[size - 1] = mark;
        }
    }

    /** The entry of the span with this id, newest first; -1 when it is not open here. */
    int find(String spanId) {
        for (int i = size - 1; i >= 0; i--) {
            String id = spanIds[i];
            if (id == spanId || (id != null && id.equals(spanId))) {
                return i;
            }
        }
        return -1;
    }

    long markAt(int i) {
        return marks[i];
    }

    int mountsAt(int i) {
        return mounts[i];
    }

    void removeAt(int i) {
        int after = size - i - 1;
        if (after > 0) {
            System.arraycopy(traceIds, i + 1, traceIds, i, after);
            System.arraycopy(spanIds, i + 1, spanIds, i, after);
            System.arraycopy(marks, i + 1, marks, i, after);
            System.arraycopy(mounts, i + 1, mounts, i, after);
        }
        size--;
        removed = true;
        traceIds[size] = null;
        spanIds[size] = null;
    }

    /** Any thread: a span ended here that was not open here (it started on another thread). Allocation-free. */
    static void endedElsewhere(String spanId) {
        ENDED_ELSEWHERE.set(ENDED_ELSEWHERE_NEXT.getAndIncrement() & (ENDED_ELSEWHERE_KEPT - 1), spanId);
    }

    /** Owner: drops the newest entries whose spans have ended on another thread, as far as they are remembered. */
    void dropEndedElsewhere() {
        int ends = ENDED_ELSEWHERE_NEXT.get();
        if (ends == 0 || size == 0 || (ends == endsSeen && !removed)) {
            return; // nothing ended elsewhere, or nothing changed since the last look: one read
        }
        while (size > 0 && isEndedElsewhere(spanIds[size - 1])) {
            removeAt(size - 1);
        }
        endsSeen = ends;
        removed = false;
    }

    private static boolean isEndedElsewhere(String spanId) {
        for (int i = 0; i < ENDED_ELSEWHERE_KEPT; i++) {
            if (ENDED_ELSEWHERE.get(i) == spanId) {
                return true;
            }
        }
        return false;
    }

    /**
     * The newest entry if it was started during mount {@code mountNumber} (on a platform thread the
     * number never moves), else -1: on a carrier, older entries of the same mount are the same
     * virtual thread's, and an entry of another mount belongs to another virtual thread.
     */
    int newestOfMount(int mountNumber) {
        return size > 0 && mounts[size - 1] == mountNumber ? size - 1 : -1;
    }

    String traceIdAt(int i) {
        return traceIds[i];
    }

    String spanIdAt(int i) {
        return spanIds[i];
    }
}
