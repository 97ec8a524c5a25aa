package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The few calls that need a row of their own (at least {@code memagent.calls.min.bytes}, spikes,
 * JFR {@code memagent.Call} events), published one by one from the owner to the reader through a
 * single-producer single-consumer ring of {@link CallRecord}s, with the stack captured at a spiking
 * call's exit beside it. The fifth layer of {@link ThreadState}.
 *
 * <p>The owner writes the records and {@code head} ({@code soHead}, release, after the record);
 * the reader loads {@code head} with acquire ({@code lvHead}), reads the records, and frees them by
 * storing {@code tail} with release ({@code soTail}); the owner reloads {@code tail} with acquire
 * ({@code lvTail}) only when its cached copy says the ring is full. A call that finds the ring full
 * keeps its figures (they are in its period) and loses only its row, which is counted.
 */
public abstract class DetailRing extends PeriodHandoff {
    /**
     * Calls that need a row of their own a thread can have published and not yet drained (the
     * ring is made on the thread's first call that needs it: 40 KB, only on threads that make calls
     * of {@code memagent.calls.min.bytes}). Beyond it a call keeps its figures and its row is
     * counted as dropped. The reader (the drain thread) comes back within 50 us while it finds a ring a quarter full;
     * 1,024 calls ride out a drain thread held up for 50 ms at 20,000 such calls a second.
     */
    public static final int RING_RECORDS = 1024;

    private static final VarHandle HEAD = VarHandles.field(MethodHandles.lookup(), "head", long.class);
    private static final VarHandle TAIL = VarHandles.field(MethodHandles.lookup(), "tail", long.class);

    /** {@link CallRecord#LONGS} longs a call; made by the owner on its first call that needs it, published by head. */
    private long[] ring;
    /** Stacks captured at the exit of spiking calls, one per ring slot: the owner sets, the reader takes. */
    private Object[] stacks;
    /** Next record the owner writes. Owner only, stored with release. */
    private long head;
    /** Next record the reader reads. Reader only, stored with release. */
    private long tail;
    /** The owner's copy of {@link #tail}, reloaded only when the ring looks full. */
    private long cachedTail;
    /** The stack for the call about to be published. Owner only. */
    private Object pendingStack;
    /**
     * Trace and span ids of the tracing span open when each published call ended, two per ring slot
     * (null: none); made on the thread's first such call. Owner sets, the reader takes.
     */
    private String[] spanIds;
    /** The tracing spans open on this thread ({@link SpanWindows}); made on its first span. Owner only. */
    private OpenSpans openSpans;
    /** Calls that needed the ring but found it full. Owner only. */
    private volatile long detailsLost;
    /** Of those, calls of at least {@link RecordingThresholds#rowMinBytes}: rows of {@code memory_allocations} never made. */
    private volatile long rowsLost;
    /** The reader's: {@link #rowsLost} it has already counted. */
    private long rowsLostCounted;

    DetailRing() {
    }

    /**
     * What the reader does with each published call: read it through {@link CallRecord} at {@code at};
     * {@code traceId} and {@code spanId} are those of the tracing span open on the thread when the
     * call ended (the one started last and not yet ended there), null when none.
     */
    public interface Reader {
        void read(long[] ring, int at, StackTraceElement[] stackAtExit, String traceId, String spanId);
    }

    final OpenSpans openSpans() {
        return openSpans;
    }

    final void setOpenSpans(OpenSpans spans) {
        openSpans = spans;
    }

    // ---- the owner's half ----

    /** A stack captured at the exit of the call about to be published with {@link HotPath#FLAG_STACK}. */
    final void stackForNextDetail(Object stack) {
        if (stacks == null) {
            stacks = new Object[RING_RECORDS]; // the caller takes this allocation off the open calls
        }
        pendingStack = stack;
    }

    /** Publishes a call; returns false, publishing nothing, if the ring is full. */
    final boolean publish(int op, int flags, long gcs, long inclusive, long self, long nanos, long callNumber) {
        long h = head;
        if (ring == null) {
            long before = HotPath.ownCounter();
            ring = new long[RING_RECORDS * CallRecord.LONGS];
            compensate(before);
        }
        if (h - cachedTail >= RING_RECORDS) {
            cachedTail = (long) TAIL.getAcquire(this); // lvTail
            if (h - cachedTail >= RING_RECORDS) {
                pendingStack = null;
                return false;
            }
        }
        int slot = (int) (h & (RING_RECORDS - 1));
        if ((flags & HotPath.FLAG_STACK) != 0) {
            stacks[slot] = pendingStack;
        }
        pendingStack = null;
        OpenSpans spans = openSpans;
        if (spans != null) {
            spans.dropEndedElsewhere();
        }
        int open = spans == null ? -1 : spans.newestOfMount(mounts());
        if (open >= 0) {
            if (spanIds == null) {
                long before = HotPath.ownCounter();
                spanIds = new String[RING_RECORDS * 2];
                compensate(before);
            }
            spanIds[slot * 2] = spans.traceIdAt(open);
            spanIds[slot * 2 + 1] = spans.spanIdAt(open);
        } else if (spanIds != null) {
            spanIds[slot * 2] = null;
            spanIds[slot * 2 + 1] = null;
        }
        CallRecord.write(ring, slot * CallRecord.LONGS, op, flags, gcs, inclusive, self, nanos, callNumber);
        HEAD.setRelease(this, h + 1); // soHead
        return true;
    }

    /** A call that needed the ring found it full (its figures are counted). */
    final void detailLost(long inclusive) {
        detailsLost++; // owner is the only writer
        if (inclusive >= RecordingThresholds.rowMinBytes) {
            rowsLost++;
        }
    }

    // ---- the reader's half ----

    /** Hands every published call to {@code reader} and frees them; returns how many. */
    public final long drainDetails(Reader reader) {
        long t = tail; // lpTail: the reader is its only writer
        long h = (long) HEAD.getAcquire(this); // lvHead: the records before it, and the ring, are whole
        if (h == t) {
            return 0;
        }
        long[] r = ring;
        String[] ids = spanIds; // written before head, like the records
        for (long n = t; n < h; n++) {
            int slot = (int) (n & (RING_RECORDS - 1));
            int at = slot * CallRecord.LONGS;
            StackTraceElement[] stack = null;
            if ((CallRecord.flags(r, at) & HotPath.FLAG_STACK) != 0 && stacks != null) {
                stack = (StackTraceElement[]) stacks[slot];
                stacks[slot] = null;
            }
            String traceId = null;
            String spanId = null;
            if (ids != null) {
                traceId = ids[slot * 2];
                spanId = ids[slot * 2 + 1];
            }
            reader.read(r, at, stack, traceId, spanId);
        }
        TAIL.setRelease(this, h); // soTail
        return h - t;
    }

    /** The reader's: rows lost to a full ring since its last call (each a {@code calls_too_fast} drop). */
    public final long newRowsLost() {
        long lost = rowsLost;
        long n = lost - rowsLostCounted;
        rowsLostCounted = lost;
        return n;
    }

    /** Any thread: calls that found the ring full, ever. */
    public final long detailsLost() {
        return detailsLost;
    }

    /** Links the VarHandle call sites, on a state no thread owns and no reader sees. */
    final void warmUpRing() {
        publish(0, 0, 0, 0, 0, 0, 0);
        drainDetails(IGNORE);
    }

    /** No lambdas in the boot loader's classes: linking one at premain would run the JDK's lambda bootstrap there. */
    private static final Reader IGNORE = new Reader() {
        @Override
        public void read(long[] ring, int at, StackTraceElement[] stackAtExit, String traceId, String spanId) {
        }
    };
}
