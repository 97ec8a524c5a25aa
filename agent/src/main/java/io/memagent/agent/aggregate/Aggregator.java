package io.memagent.agent.aggregate;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.instrument.Operation;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.RowSink;
import io.memagent.agent.store.Table;
import io.memagent.agent.store.WriterStats;
import io.memagent.bootstrap.CallRecord;
import io.memagent.bootstrap.DetailRing;
import io.memagent.bootstrap.Period;
import io.memagent.bootstrap.PeriodHandoff;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import io.memagent.bootstrap.ThreadState;
import io.memagent.bootstrap.ThreadStates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The agent's drain thread, the reader of every thread's {@link PeriodHandoff} and {@link DetailRing}.
 * Application threads sum their calls per operation themselves; every few milliseconds this thread
 * takes the periods the hand-off hands over, folds them into per-operation figures for the current statistics bucket and for the whole run,
 * and reads the few calls that need a row of their own from the threads' detail rings. When a
 * bucket ends it hands one {@code method_allocation_stats} row per active operation to the sink;
 * a call at or above {@code memagent.calls.min.bytes} becomes a {@code memory_allocations} row.
 *
 * <p>A thread's calls are put in the bucket in which their period is collected (one or two
 * drain intervals after they end), so no call is split or lost at a bucket boundary.
 */
public final class Aggregator {
    /** The shortest pause between drains: when calls of a few KB or less are published one by one. */
    static final long DRAIN_INTERVAL_MS = 10;
    /** The longest: with the default 1 MiB publishing threshold. */
    static final long MAX_DRAIN_INTERVAL_MS = 50;
    /**
     * Bytes per second one thread cannot allocate beyond (the memory a core zeroes for new arrays is a few GB/s):
     * at this rate half a ring of calls at the publishing threshold still takes longer than the pause.
     */
    static final long MAX_THREAD_BYTES_PER_SEC = 10_000_000_000L;
    /**
     * The pause after a drain that found a thread's ring of big calls a quarter full: a burst of
     * calls over {@code memagent.calls.min.bytes} could otherwise fill it within one interval.
     */
    static final long BUSY_DRAIN_INTERVAL_NS = 50_000;

    private final OperationRegistry registry;
    private final RowSink sink;
    private final LongSupplier clockMs;
    private final long intervalMs;
    private final long minCallBytes;
    private final List<CallObserver> observers = new ArrayList<>();
    /** The recent closed buckets' bytes per operation, for the dashboard. */
    private final BucketHistory history = new BucketHistory();
    /** Null when the sink keeps no rollups (in-memory mode). */
    private final Rollups rollups;

    private Figures[] bucket = new Figures[64];
    private Figures[] total = new Figures[64];
    private long bucketStartMs = Long.MIN_VALUE;
    /** Detailed calls of retired threads whose ring was full. */
    private long detailsLostRetired;
    /** The last drain found a ring a quarter full: drain again soon. */
    private boolean busy;
    /** Calls that could not be measured (virtual threads' fallbacks), folded in by difference. */
    private final UnmeasuredTotals unmeasured = new UnmeasuredTotals();
    // The callbacks below are inner classes, not method references: each reference is a class the JDK generates when
    // the aggregator is built, at the agent's start or in the exit of a JVM that ends before it (EarlyExit).
    private final java.util.function.IntFunction<Figures> figuresOf = new java.util.function.IntFunction<Figures>() {
        @Override
        public Figures apply(int op) {
            return figures(op);
        }
    };
    private final PeriodHandoff.Folder folder = new PeriodHandoff.Folder() {
        @Override
        public void fold(int op, Period period) {
            Aggregator.this.fold(op, period);
        }
    };
    /** The thread and drain time of the ring being read, for {@link #readDetail}. */
    private Thread detailOwner;
    private long detailNowMs;
    private boolean detailShed;
    private final DetailRing.Reader detailReader = new DetailRing.Reader() {
        @Override
        public void read(long[] ring, int at, StackTraceElement[] stackAtExit, String traceId, String spanId) {
            readDetail(ring, at, stackAtExit, traceId, spanId);
        }
    };
    /** Reused to merge a run's and the open bucket's figures when summaries are asked for. */
    private final Figures scratch = new Figures();
    private static final java.util.Comparator<OperationSummary> MOST_BYTES_FIRST =
            new java.util.Comparator<OperationSummary>() {
                @Override
                public int compare(OperationSummary a, OperationSummary b) {
                    return Long.compare(b.totalBytes(), a.totalBytes());
                }
            };
    private volatile boolean running;
    /** Set while the app's heap is nearly full (see {@code jvm.MemoryPressure}): detail is shed, counters kept. */
    private volatile boolean shedding;
    private Thread thread;

    /**
     * @param statsIntervalMs {@code memagent.stats.interval.ms}: one statistics bucket per operation per interval
     * @param callsMinBytes {@code memagent.calls.min.bytes}: calls from this size on are kept one by one
     */
    public Aggregator(long statsIntervalMs, long callsMinBytes, OperationRegistry registry, RowSink sink,
                      LongSupplier clockMs) {
        this.registry = registry;
        this.sink = sink;
        this.clockMs = clockMs;
        this.intervalMs = statsIntervalMs;
        this.minCallBytes = callsMinBytes;
        this.rollups = sink.storesRollups() ? new Rollups() : null;
    }

    /**
     * Sees every drained measured call whose inclusive bytes reach {@code minBytes()}, on the
     * drain thread (the detectors use this for spikes).
     */
    public interface CallObserver {
        long minBytes();

        /**
         * @param callSeq        the operation's call number on {@code thread}: consecutive calls of one
         *                       operation on one thread have consecutive numbers
         * @param cold           its thread loaded a class during the call ({@link HotPath#FLAG_COLD}): never a spike
         * @param stackAtExit    the app thread's stack at the call's exit, when its bytes reached
         *                       the capture threshold ({@link RecordingThresholds#stackMinBytes}); else null
         * @param traceId        the trace id of the tracing span open on the thread when the call ended; null when none
         * @param spanId         that span's id; null when none
         */
        void onCall(Operation operation, Thread thread, long inclusiveBytes, long selfBytes, long durationNs,
                    boolean threw, boolean cold, long nowMs, long callSeq, StackTraceElement[] stackAtExit,
                    String traceId, String spanId);
    }

    /**
     * While on, calls still count in every total and extreme, but make no {@code memory_allocations}
     * row (counted as dropped, {@code memory_pressure}) and no histogram entry.
     */
    public void shed(boolean on) {
        shedding = on;
    }

    /**
     * Register before {@link #start}. The observer sees the calls the threads publish, from
     * {@link RecordingThresholds}' sizes on: its {@code minBytes()} must not be below them.
     */
    public void addObserver(CallObserver observer) {
        observers.add(observer);
    }

    public void start() {
        running = true;
        thread = new Thread(new Runnable() {
            @Override
            public void run() {
                loop();
            }
        }, "memagent-aggregator");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                drainOnce();
            } catch (Throwable t) {
                AgentLog.errorAtMostEvery("aggregator", 60_000, "the aggregator failed and will retry: " + t);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(busy ? BUSY_DRAIN_INTERVAL_NS
                    : pauseNanos(RecordingThresholds.detailMinBytes()));
        }
    }

    /**
     * The pause between drains while no ring is filling: as long as half a thread's ring of calls at the publishing
     * threshold ({@code detailMinBytes}) takes at the most one thread can allocate, between 10 and 50 ms. A drain
     * that finds a ring a quarter full drains again at once ({@link #BUSY_DRAIN_INTERVAL_NS}), so no call loses its
     * detail; a longer pause only wakes the thread less often (with the default 1 MiB threshold, 20 times a second
     * instead of 100: every wake-up is a context switch on an app's busy cores, and a walk over every thread).
     */
    static long pauseNanos(long detailMinBytes) {
        double seconds = (double) detailMinBytes * (DetailRing.RING_RECORDS / 2) / MAX_THREAD_BYTES_PER_SEC;
        long ms = (long) Math.min(MAX_DRAIN_INTERVAL_MS, Math.max(DRAIN_INTERVAL_MS, seconds * 1000));
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** Stops the drain thread, drains what is left, and closes the current bucket. */
    public void stop() {
        running = false;
        if (thread != null) {
            java.util.concurrent.locks.LockSupport.unpark(thread);
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        finalDrain();
    }

    /** Everything recorded so far, whatever the threads are doing; then the open bucket closes. */
    private synchronized void finalDrain() {
        collectNow();
        collectNow(); // a thread that was recording a call during the first
        closeBucket(bucketStartMs + intervalMs);
        if (rollups != null) {
            rollups.closeAll(this::offerStats);
        }
    }

    /**
     * Brings every call that has ended into the figures now, instead of within the next two drain
     * intervals: moves every thread on to its other period, waits the hand-off, collects. Blocks the
     * caller about four milliseconds (an agent thread: the sampler, the shutdown hook), or not at all
     * when no live thread has calls left to fold.
     */
    public synchronized void collectNow() {
        // Two rounds: a thread whose old period was still being handed off at the first round has
        // its current one moved on at the second. A round waits the grace period only for threads with
        // calls not yet folded: at exit the app's threads have mostly died, and the drain has just folded
        // and retired them, so the report does not sleep for nothing.
        for (int round = 0; round < 2; round++) {
            drainOnce();
            boolean moved = false;
            for (ThreadState s : ThreadStates.all()) {
                if (s.hasUnfolded()) {
                    s.advanceNow();
                    moved = true;
                }
            }
            if (!moved) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2 * PeriodHandoff.HANDOFF_NANOS);
        }
        drainOnce();
    }

    /** Drains every thread once. Runs on the drain thread (or a test's). */
    public synchronized void drainOnce() {
        long now = clockMs.getAsLong();
        if (bucketStartMs == Long.MIN_VALUE) {
            bucketStartMs = now - Math.floorMod(now, intervalMs);
        }
        if (now >= bucketStartMs + intervalMs) {
            closeBucket(bucketStartMs + intervalMs);
            bucketStartMs = now - Math.floorMod(now, intervalMs);
        }
        busy = false;
        Iterator<ThreadState> it = ThreadStates.all().iterator();
        while (it.hasNext()) {
            ThreadState s = it.next();
            // Read liveness first: a thread seen dead has recorded everything it ever will.
            boolean dead = !s.owner().isAlive();
            drainDetails(s, now);
            for (long n = s.newRowsLost(); n > 0; n--) {
                sink.stats().notMade(WriterStats.CALLS_TOO_FAST, Table.MEMORY_ALLOCATIONS);
            }
            if (dead) {
                s.collectAll(folder);
                detailsLostRetired += s.detailsLost();
                ThreadStates.retire(s);
            } else {
                s.collect(folder);
            }
        }
        unmeasured.collect(figuresOf);
    }

    /** What the hand-off hands over: one operation's period, folded into the open bucket (it resets it after). */
    private void fold(int op, Period p) {
        if (p.unmeasuredCalls() > 0) {
            UnmeasuredTotals.sayOnce();
        }
        figures(op).merge(p, !shedding);
    }

    /** The few calls that need a row of their own (per-call rows, spikes, JFR events). */
    private void drainDetails(ThreadState s, long now) {
        detailOwner = s.owner();
        detailNowMs = now;
        detailShed = shedding;
        if (s.drainDetails(detailReader) * 4 >= DetailRing.RING_RECORDS) {
            busy = true;
        }
    }

    private void readDetail(long[] ring, int at, StackTraceElement[] stack, String traceId, String spanId) {
        int op = CallRecord.op(ring, at);
        int flags = CallRecord.flags(ring, at);
        long inclusive = CallRecord.inclusive(ring, at);
        long self = CallRecord.self(ring, at);
        long nanos = CallRecord.nanos(ring, at);
        boolean threw = (flags & HotPath.FLAG_THREW) != 0;
        long now = detailNowMs;
        if (inclusive >= minCallBytes) {
            if (detailShed) {
                sink.stats().notMade(WriterStats.MEMORY_PRESSURE, Table.MEMORY_ALLOCATIONS);
            } else {
                perCallRow(op, detailOwner, inclusive, self, nanos, threw, CallRecord.gcs(ring, at), now, traceId, spanId);
            }
        }
        Operation o = null;
        for (CallObserver obs : observers) {
            if (inclusive >= obs.minBytes()) {
                if (o == null) {
                    o = operation(op);
                }
                obs.onCall(o, detailOwner, inclusive, self, nanos, threw, (flags & HotPath.FLAG_COLD) != 0, now, CallRecord.callNumber(ring, at), stack, traceId, spanId);
            }
        }
    }

    private void perCallRow(int op, Thread owner, long inclusive, long self, long nanos, boolean threw, long gcs,
                            long now, String traceId, String spanId) {
        Operation o = operation(op);
        sink.offer(AllocationRow.withRandomId(o.name(), o.method(), o.kind(), owner.getName(), inclusive, self, nanos,
                threw, gcs, now, traceId, spanId));
    }

    private Operation operation(int id) {
        Operation o = registry.get(id);
        return o != null ? o : registry.get(0);
    }

    private Figures figures(int op) {
        if (op < 0) {
            op = 0;
        }
        if (op >= bucket.length) {
            int n = Math.max(op + 1, bucket.length * 2);
            bucket = Arrays.copyOf(bucket, n);
            total = Arrays.copyOf(total, n);
        }
        Figures f = bucket[op];
        if (f == null) {
            f = new Figures();
            bucket[op] = f;
            total[op] = new Figures();
        }
        return f;
    }

    private void closeBucket(long bucketEndMs) {
        if (bucketStartMs == Long.MIN_VALUE) {
            return;
        }
        if (rollups != null) {
            rollups.beginBucket(bucketStartMs, this::offerStats);
        }
        for (int op = 0; op < bucket.length; op++) {
            Figures f = bucket[op];
            if (f == null || f.calls == 0) {
                continue;
            }
            offerStats(Table.METHOD_ALLOCATION_STATS, op, f, bucketStartMs, bucketEndMs);
            history.add(operation(op).name(), f.selfBytes); // self: a byte counts once in the sums
            if (rollups != null) {
                rollups.add(op, f);
            }
            total[op].addAll(f);
            f.reset();
        }
        history.close(bucketStartMs, bucketEndMs);
        if (rollups != null) {
            rollups.endBucket(bucketEndMs, this::offerStats);
        }
    }

    /** The recent closed buckets, each with its largest operations' bytes. */
    public BucketHistory history() {
        return history;
    }

    private void offerStats(Table table, int op, Figures f, long startMs, long endMs) {
        Operation o = operation(op);
        sink.offer(new StatsRow(table, o.name(), o.method(), o.kind(), startMs, endMs, f.figures(), f.encodedHistogram()));
    }

    /**
     * The run's figures per operation (closed buckets plus the open one), by total bytes. Built
     * when asked (exit report, HTTP), under the drain's lock: a few milliseconds of the agent's
     * own threads, nothing on the app's.
     */
    public synchronized List<OperationSummary> summaries() {
        List<OperationSummary> out = new ArrayList<>();
        for (int op = 0; op < total.length; op++) {
            if (total[op] == null) {
                continue;
            }
            Figures f = scratch;
            f.reset();
            f.addAll(total[op]);
            f.addAll(bucket[op]);
            if (f.calls == 0) {
                continue;
            }
            Operation o = operation(op);
            out.add(new OperationSummary(o.name(), o.method(), o.kind(), f.figures()));
        }
        out.sort(MOST_BYTES_FIRST);
        return Collections.unmodifiableList(out);
    }

    /**
     * Calls that needed a row of their own but found their thread's detail ring full: in every
     * figure, but without their {@code memory_allocations} row, spike check or JFR event.
     */
    public synchronized long detailsLost() {
        long n = detailsLostRetired;
        for (ThreadState s : ThreadStates.all()) {
            n += s.detailsLost();
        }
        return n;
    }
}
