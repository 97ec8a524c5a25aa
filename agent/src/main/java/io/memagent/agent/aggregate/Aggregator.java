package io.memagent.agent.aggregate;

import io.memagent.agent.AgentLog;
import io.memagent.agent.config.Config;
import io.memagent.agent.instrument.Operation;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.AllocationRow;
import io.memagent.agent.store.RowSink;
import io.memagent.agent.store.StatsRow;
import io.memagent.agent.store.Table;
import io.memagent.agent.store.WriterStats;
import io.memagent.bootstrap.Recorder;
import io.memagent.bootstrap.Recorder.ThreadState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The agent's drain thread: every few milliseconds it empties each application thread's ring
 * (see {@link Recorder}) and folds the calls into per-operation figures for the current
 * statistics bucket and for the whole run. When a bucket ends it hands one
 * {@code method_allocation_stats} row per active operation to the sink; a call at or above
 * {@code memagent.calls.min.bytes} becomes a {@code memory_allocations} row as it is drained.
 *
 * <p>Calls are put in the bucket in which they are drained (within {@link #DRAIN_INTERVAL_MS}
 * of their end), so no call is split or lost at a bucket boundary.
 */
public final class Aggregator {
    static final long DRAIN_INTERVAL_MS = 10;
    /**
     * The pause after a drain that found a ring at least a quarter full or calls that missed the
     * ring. A ring holds {@link Recorder#RING_RECORDS} calls: at 5M calls/s a thread fills it in
     * 0.2 ms, so draining every 10 ms would leave almost every call without detail. Draining
     * sooner only while threads are that busy keeps the ring, the hot path and the idle cost as
     * they are (benchmarks/AggregationRun measures it).
     */
    static final long BUSY_DRAIN_INTERVAL_NS = 50_000;

    private final Config config;
    private final OperationRegistry registry;
    private final RowSink sink;
    private final LongSupplier clockMs;
    private final long intervalMs;
    private final long minCallBytes;
    private final List<CallObserver> observers = new ArrayList<>();

    private Figures[] bucket = new Figures[64];
    private Figures[] total = new Figures[64];
    /** Per operation, calls drained with detail (for "consecutive" spikes). */
    private long[] callSeq = new long[64];
    private long bucketStartMs = Long.MIN_VALUE;
    private long callsWithoutDetail;
    /** The last drain found a ring a quarter full or calls that missed their ring: drain again soon. */
    private boolean busy;
    /** Reused to merge a run's and the open bucket's figures when summaries are asked for. */
    private final Figures scratch = new Figures();
    private volatile boolean running;
    /** Set while the app's heap is nearly full (see {@code jvm.MemoryPressure}): detail is shed, counters kept. */
    private volatile boolean shedding;
    private Thread thread;

    public Aggregator(Config config, OperationRegistry registry, RowSink sink, LongSupplier clockMs) {
        this.config = config;
        this.registry = registry;
        this.sink = sink;
        this.clockMs = clockMs;
        this.intervalMs = config.statsIntervalMs();
        this.minCallBytes = config.callsMinBytes();
    }

    /**
     * Sees every drained measured call whose inclusive bytes reach {@code minBytes()}, on the
     * drain thread (the detectors use this for spikes).
     */
    public interface CallObserver {
        long minBytes();

        /**
         * @param callSeq        the operation's drained calls so far, this one included: consecutive
         *                       calls of one operation have consecutive numbers
         * @param stackAtExit    the app thread's stack at the call's exit, when its bytes reached
         *                       the capture threshold ({@link Recorder#captureStacksFrom}); else null
         */
        void onCall(Operation operation, Thread thread, long inclusiveBytes, long selfBytes, long durationNs,
                    boolean threw, long nowMs, long callSeq, StackTraceElement[] stackAtExit);
    }

    /**
     * While on, calls still count in every total and extreme, but make no {@code memory_allocations}
     * row (counted as dropped, {@code memory_pressure}) and no histogram entry.
     */
    public void shed(boolean on) {
        shedding = on;
    }

    /** Register before {@link #start}. */
    public void addObserver(CallObserver observer) {
        observers.add(observer);
    }

    public void start() {
        running = true;
        thread = new Thread(this::loop, "memagent-aggregator");
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
                    : TimeUnit.MILLISECONDS.toNanos(DRAIN_INTERVAL_MS));
        }
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

    private synchronized void finalDrain() {
        drainOnce();
        closeBucket(bucketStartMs + intervalMs);
    }

    /** Drains every thread's ring once. Runs on the drain thread (or a test's). */
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
        Iterator<ThreadState> it = Recorder.states().iterator();
        while (it.hasNext()) {
            ThreadState s = it.next();
            // Read liveness first: a thread seen dead has published everything it ever will.
            boolean dead = !s.owner().isAlive();
            drainRing(s, now);
            drainOverflow(s);
            if (dead) {
                it.remove();
            }
        }
    }

    private void drainRing(ThreadState s, long now) {
        long tail = s.tail();
        long head = s.publishedHead();
        if (head == tail) {
            return;
        }
        if ((head - tail) * 4 >= s.ringRecords()) {
            busy = true;
        }
        long[] ring = s.ring();
        int mask = s.ringRecords() - 1;
        boolean shed = shedding;
        for (long n = tail; n < head; n++) {
            int i = (int) (n & mask) * Recorder.RECORD_LONGS;
            long word = ring[i];
            int op = (int) (word >>> 32);
            int flags = (int) (word & 0xFF);
            long gcs = (word >>> 8) & 0xFFFFFF;
            long inclusive = ring[i + 1];
            long self = ring[i + 2];
            long nanos = ring[i + 3];
            boolean threw = (flags & Recorder.FLAG_THREW) != 0;
            boolean measured = (flags & Recorder.FLAG_UNMEASURED) == 0;
            figures(op).record(threw, measured, inclusive, self, nanos, !shed);
            long seq = ++callSeq[Math.max(op, 0)];
            StackTraceElement[] stack = (flags & Recorder.FLAG_STACK) != 0 ? s.takeStack(n) : null;
            if (!measured) {
                sayUnmeasuredOnce();
            }
            if (measured && inclusive >= minCallBytes) {
                if (shed) {
                    sink.stats().notMade(WriterStats.MEMORY_PRESSURE, Table.MEMORY_ALLOCATIONS);
                } else {
                    perCallRow(op, s.owner(), inclusive, self, nanos, threw, gcs, now);
                }
            }
            if (measured && !observers.isEmpty()) {
                Operation o = null;
                for (CallObserver obs : observers) {
                    if (inclusive >= obs.minBytes()) {
                        if (o == null) {
                            o = operation(op);
                        }
                        obs.onCall(o, s.owner(), inclusive, self, nanos, threw, now, seq, stack);
                    }
                }
            }
        }
        s.release(head);
    }

    private void drainOverflow(ThreadState s) {
        long[] totals = s.overflowTotals();
        if (totals.length == 0) {
            return;
        }
        long[] seen = s.overflowSeen;
        if (seen.length < totals.length) {
            seen = Arrays.copyOf(seen, totals.length);
            s.overflowSeen = seen;
        }
        long[] now = new long[Recorder.OVF_STRIDE];
        for (int base = 0; base + Recorder.OVF_STRIDE <= totals.length; base += Recorder.OVF_STRIDE) {
            // The owner thread may be adding to these right now: read each total exactly once, and
            // remember what was read, so a call counted between two reads is never lost.
            for (int k = 0; k < Recorder.OVF_STRIDE; k++) {
                now[k] = totals[base + k];
            }
            long calls = now[0] - seen[base];
            if (calls == 0) {
                continue;
            }
            long unmeasured = now[2] - seen[base + 2];
            figures(base / Recorder.OVF_STRIDE).addTotals(calls, now[1] - seen[base + 1], unmeasured,
                    now[3] - seen[base + 3], now[4] - seen[base + 4], now[5] - seen[base + 5]);
            if (unmeasured > 0) {
                sayUnmeasuredOnce();
            }
            callsWithoutDetail += calls;
            busy = true;
            System.arraycopy(now, 0, seen, base, Recorder.OVF_STRIDE);
        }
    }

    private static void sayUnmeasuredOnce() {
        AgentLog.once("unmeasured", "some profiled calls ran where the JVM cannot count a thread's allocated bytes"
                + " (virtual threads): they are counted as unmeasured_calls, never as 0 bytes");
    }

    private void perCallRow(int op, Thread owner, long inclusive, long self, long nanos, boolean threw, long gcs,
                            long now) {
        Operation o = operation(op);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // A version-4 UUID's bits, without the UUID object: rows may wait long in the queue.
        long high = (r.nextLong() & ~0xF000L) | 0x4000L;
        long low = (r.nextLong() & ~(3L << 62)) | (2L << 62);
        sink.offer(new AllocationRow(high, low, o.name(), o.method(), o.kind(), owner.getName(), inclusive, self, nanos,
                threw, gcs, now));
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
            callSeq = Arrays.copyOf(callSeq, n);
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
        for (int op = 0; op < bucket.length; op++) {
            Figures f = bucket[op];
            if (f == null || f.calls == 0) {
                continue;
            }
            Operation o = operation(op);
            sink.offer(new StatsRow(o.name(), o.method(), o.kind(), bucketStartMs, bucketEndMs, f.calls, f.errors,
                    f.unmeasured, f.totalBytes, f.selfBytes, f.min(), f.max(), f.percentile(50), f.percentile(95),
                    f.percentile(99), f.totalDurationNs, f.maxDurationNs));
            total[op].addAll(f);
            f.reset();
        }
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
            out.add(new OperationSummary(o.name(), o.method(), o.kind(), f.calls, f.errors, f.unmeasured, f.totalBytes,
                    f.selfBytes, f.min(), f.max(), f.percentile(50), f.percentile(95), f.percentile(99),
                    f.totalDurationNs, f.maxDurationNs));
        }
        out.sort((a, b) -> Long.compare(b.totalBytes(), a.totalBytes()));
        return Collections.unmodifiableList(out);
    }

    /** Calls whose ring was full: in every total, but not in per-call rows, extremes or percentiles. */
    public synchronized long callsWithoutDetail() {
        return callsWithoutDetail;
    }
}
