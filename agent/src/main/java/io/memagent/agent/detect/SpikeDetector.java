package io.memagent.agent.detect;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.DaemonThreads;
import io.memagent.agent.util.Json;
import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.instrument.Operation;
import io.memagent.agent.util.RandomIds;
import io.memagent.agent.util.Ring;
import io.memagent.agent.store.RowSink;
import io.memagent.bootstrap.RecordingThresholds;
import io.memagent.bootstrap.SpikeListeners;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Per-call spikes: a drained call whose inclusive bytes reach its operation's medium / high /
 * critical threshold (25 / 50 / 100 MiB, or {@code @ProfileMemory(spikeMb)}: 1x / 2x / 4x) and is not
 * cold (its thread loaded no class during it, {@link io.memagent.bootstrap.HotPath#FLAG_COLD}) becomes
 * a {@code memory_spikes} row with the stack captured at the call's exit. When
 * {@code memagent.spike.consecutive.limit} calls of one operation in a row are spikes, one
 * {@code system_alerts} row ({@code spike_consecutive}) is raised; a non-spike call of the
 * operation ends the run, and the next run can raise again.
 *
 * <p>Classifying and counting happen on the drain thread (a few compares); the rest (stack text,
 * heap dump, the row, the application's listeners) on the {@code memagent-spikes} thread, so a
 * slow dump or listener never holds up draining. Its queue is bounded; a spike that finds it full
 * is counted and logged once.
 */
public final class SpikeDetector implements Aggregator.CallObserver {
    static final int MAX_FRAMES = 64;
    static final int QUEUE = 1_000;

    private final SpikeThresholds thresholds;
    private final boolean heapdumpOnCritical;
    private final RowSink sink;
    private final HeapDumper dumper;
    private final Map<Integer, long[]> runs = new HashMap<>(); // op -> {last spike's call number, run length}
    private final Ring<SpikeRow> recent = new Ring<>(100);
    private final AtomicLong[] bySeverity = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    private final AtomicLong droppedSpikes = new AtomicLong();
    private final Map<Consumer<Object[]>, Boolean> failedListeners = new java.util.IdentityHashMap<>();
    private final ThreadPoolExecutor worker;

    /** @param heapdumpOnCritical {@code memagent.heapdump.on.critical}: a critical spike dumps the heap */
    public SpikeDetector(SpikeThresholds thresholds, boolean heapdumpOnCritical, RowSink sink, HeapDumper dumper) {
        this.thresholds = thresholds;
        this.heapdumpOnCritical = heapdumpOnCritical;
        this.sink = sink;
        this.dumper = dumper;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                new DaemonThreads("memagent-spikes"), new RejectedExecutionHandler() { // not a lambda: DaemonThreads says why
                    @Override
                    public void rejectedExecution(Runnable r, ThreadPoolExecutor executor) {
                        droppedSpikes.incrementAndGet();
                        AgentLog.once("spikes-full", "more spikes than the agent's spike queue holds (" + QUEUE
                                + "): the excess is counted, not recorded");
                    }
                });
    }

    /** The lowest threshold of any operation: the same one the hot path captures stacks from. */
    @Override
    public long minBytes() {
        return RecordingThresholds.stackMinBytes();
    }

    /** Medium, high and critical thresholds in bytes for one operation. */
    long[] thresholds(Operation op) {
        long own = op.spikeMediumBytes();
        if (own > 0) {
            return new long[] {own, own * 2, own * 4};
        }
        return thresholds.bytes();
    }

    @Override
    public void onCall(Operation op, Thread thread, long inclusive, long self, long durationNs, boolean threw,
                       boolean cold, long nowMs, long callSeq, StackTraceElement[] stack, String traceId,
                       String spanId) {
        long[] t = thresholds(op);
        // A cold call (its thread loaded classes during it: a first request, a first use of a rare path) pays
        // one-off costs; an alert on every deploy gets ignored. It neither raises a spike nor ends a run.
        if (inclusive < t[0] || cold) {
            return;
        }
        int level = inclusive >= t[2] ? 2 : inclusive >= t[1] ? 1 : 0;
        String severity = level == 2 ? "critical" : level == 1 ? "high" : "medium";
        // Consecutive means consecutive calls of the operation on one thread (threads number their own calls).
        long[] run = runs.computeIfAbsent(op.id(), k -> new long[3]);
        long threadKey = thread.getId();
        run[1] = callSeq == run[0] + 1 && threadKey == run[2] ? run[1] + 1 : 1;
        run[0] = callSeq;
        run[2] = threadKey;
        boolean alert = run[1] == thresholds.consecutiveLimit();
        long runLength = run[1];
        String threadName = thread.getName();
        worker.execute(() -> record(op, severity, inclusive, t[level], threadName, stack, nowMs, alert, runLength,
                traceId, spanId));
    }

    private void record(Operation op, String severity, long bytes, long threshold, String threadName,
                        StackTraceElement[] stack, long nowMs, boolean alert, long runLength, String traceId,
                        String spanId) {
        try {
            String dumpPath = null;
            if ("critical".equals(severity) && heapdumpOnCritical) {
                try {
                    Path p = dumper.dump("critical-spike");
                    dumpPath = p.toString();
                } catch (HeapDumper.DumpRefused e) {
                    AgentLog.info("no heap dump for the critical spike of " + op.name() + ": " + e.getMessage());
                } catch (Exception e) {
                    AgentLog.errorAtMostEvery("heapdump", 60_000, "heap dump failed: " + e);
                }
            }
            String stackText = stackText(stack);
            SpikeRow row = new SpikeRow(RandomIds.uuid(), op.name(), op.method(), severity, bytes, threshold, threadName,
                    stackText, dumpPath, nowMs, traceId, spanId);
            sink.offer(row);
            recent.add(row);
            bySeverity["critical".equals(severity) ? 2 : "high".equals(severity) ? 1 : 0].incrementAndGet();
            if (alert) {
                String message = String.format(Locale.ROOT, "%d consecutive allocation spikes of %s (the last: %d bytes, %s)",
                        runLength, op.name(), bytes, severity);
                String context = "{\"operation\":" + Json.string(op.name()) + ",\"method\":" + Json.string(op.method())
                        + ",\"consecutive_spikes\":" + runLength + ",\"last_allocated_bytes\":" + bytes
                        + ",\"last_severity\":\"" + severity + "\"}";
                sink.offer(new AlertRow(RandomIds.uuid(), "spike_consecutive", severity, message, context, nowMs));
            }
            notifyListeners(new Object[] {op.name(), op.method(), severity, bytes, threshold, threadName, stackText,
                    dumpPath, nowMs});
        } catch (Throwable e) {
            AgentLog.errorAtMostEvery("spikes", 60_000, "recording a spike failed: " + e);
        }
    }

    /**
     * A heap-level spike (see {@link HeapSpikes}): the same row, listeners and counts as a call's,
     * with operation and method {@code (heap)}, no thread of its own and no heap dump.
     */
    void recordHeapSpike(String severity, long bytes, long threshold, String topOperations, long nowMs) {
        worker.execute(() -> {
            try {
                SpikeRow row = new SpikeRow(RandomIds.uuid(), HeapSpikes.OPERATION, HeapSpikes.OPERATION, severity, bytes,
                        threshold, "(all threads)", topOperations, null, nowMs);
                sink.offer(row);
                recent.add(row);
                bySeverity["critical".equals(severity) ? 2 : "high".equals(severity) ? 1 : 0].incrementAndGet();
                notifyListeners(new Object[] {row.operationType(), row.method(), severity, bytes, threshold,
                        row.threadName(), topOperations, null, nowMs});
            } catch (Throwable e) {
                AgentLog.errorAtMostEvery("spikes", 60_000, "recording a spike failed: " + e);
            }
        });
    }

    private void notifyListeners(Object[] spike) {
        for (Consumer<Object[]> l : SpikeListeners.all()) {
            try {
                l.accept(spike.clone()); // each its own copy: a listener cannot change what the next one sees
            } catch (Throwable e) {
                if (failedListeners.put(l, Boolean.TRUE) == null) {
                    AgentLog.warn("a spike listener threw " + e + " (" + l + "); logged once, it is still called");
                }
            }
        }
    }

    /** The stack at the call's exit, from the profiled method down, one frame a line. */
    static String stackText(StackTraceElement[] stack) {
        if (stack == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int written = 0;
        for (StackTraceElement e : stack) {
            if (written == 0 && e.getClassName().startsWith("io.memagent.bootstrap.")) {
                continue; // the agent's own frames at the top
            }
            if (written == MAX_FRAMES) {
                sb.append("\t... ").append(stack.length - MAX_FRAMES).append(" more\n");
                break;
            }
            sb.append("\tat ").append(e).append('\n');
            written++;
        }
        return sb.toString();
    }

    /** The latest spikes, oldest first (at most 100). */
    public List<SpikeRow> recent() {
        return recent.list();
    }

    /** Spikes recorded so far: medium, high, critical. */
    public long[] countsBySeverity() {
        return new long[] {bySeverity[0].get(), bySeverity[1].get(), bySeverity[2].get()};
    }

    public long droppedSpikes() {
        return droppedSpikes.get();
    }

    /** Lets queued spikes finish (at exit), within {@code timeoutMs}. */
    public void stop(long timeoutMs) {
        worker.shutdown();
        try {
            worker.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
