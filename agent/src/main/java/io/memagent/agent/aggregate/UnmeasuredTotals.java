package io.memagent.agent.aggregate;

import io.memagent.agent.util.AgentLog;
import io.memagent.bootstrap.UnmeasuredCounters;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Calls that could not be measured exactly (virtual threads parked with too many open calls, or
 * before the carrier hooks are in place) are counted in {@link UnmeasuredCounters}' shared, striped
 * running totals rather than in a thread's period: this folds what is new since the last drain
 * into the operations' figures, and says once that such calls exist. Drain thread only.
 */
final class UnmeasuredTotals {
    /** Per chunk of {@link UnmeasuredCounters}: the totals already folded in. */
    private final long[][] seenByChunk = new long[UnmeasuredCounters.maxChunks()][];

    /** Virtual threads' calls: running totals in shared stripes, folded in by difference. */
    void collect(IntFunction<Figures> figures) {
        for (int chunk = 0, used = UnmeasuredCounters.chunksInUse(); chunk < used; chunk++) {
            AtomicLongArray c = UnmeasuredCounters.chunk(chunk);
            if (c == null) {
                continue;
            }
            long[] seen = seenByChunk[chunk];
            if (seen == null) {
                seen = new long[UnmeasuredCounters.CHUNK_OPS * UnmeasuredCounters.FIELDS];
                seenByChunk[chunk] = seen;
            }
            for (int op = 0; op < UnmeasuredCounters.CHUNK_OPS; op++) {
                long calls = 0;
                long errors = 0;
                long nanos = 0;
                for (int stripe = 0; stripe < UnmeasuredCounters.STRIPES; stripe++) {
                    int at = UnmeasuredCounters.index(op, stripe);
                    // errors and time before calls: a call counted here has its error and time in too,
                    // or they show up next time; calls never run ahead of them
                    errors += c.get(at + 1);
                    nanos += c.get(at + 2);
                    calls += c.get(at);
                }
                int base = op * UnmeasuredCounters.FIELDS;
                if (calls == seen[base]) {
                    continue;
                }
                figures.apply(chunk * UnmeasuredCounters.CHUNK_OPS + op).addUnmeasured(calls - seen[base],
                        errors - seen[base + 1], nanos - seen[base + 2]);
                seen[base] = calls;
                seen[base + 1] = errors;
                seen[base + 2] = nanos;
                sayOnce();
            }
        }
    }

    /** Said once per run, by whichever path finds an unmeasured call first. */
    static void sayOnce() {
        AgentLog.once("unmeasured", "some profiled calls could not be measured exactly (on a virtual thread: it"
                + " unmounted during the call, or its carrier cannot be read): they are counted as unmeasured_calls,"
                + " never as 0 bytes");
    }
}
