package io.memagent.agent.detect;

import io.memagent.agent.aggregate.OperationSummary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What each operation did between two samples: calls and bytes, from the difference of the run's
 * totals. Shared by the heap-level spikes and the anomaly detector; sampler thread only.
 */
public final class OperationDeltas {
    /** A class, not a lambda: the JDK generates a class for a lambda when it first runs, here on the agent's first sample. */
    private static final java.util.Comparator<Delta> MOST_BYTES_FIRST = new java.util.Comparator<Delta>() {
        @Override
        public int compare(Delta a, Delta b) {
            return Long.compare(b.bytes(), a.bytes());
        }
    };

    /** One operation's calls (cold ones among them) and measured bytes in one interval. */
    record Delta(String name, long calls, long measuredCalls, long bytes, long coldCalls) {
        double bytesPerCall() {
            return measuredCalls == 0 ? 0 : (double) bytes / measuredCalls;
        }
    }

    private final Supplier<List<OperationSummary>> operations;
    /** The run's totals at the start of the current interval, and at its end. */
    private Map<String, long[]> base = new HashMap<>();
    private Map<String, long[]> last = new HashMap<>();
    private long lastAtMs = Long.MIN_VALUE;
    private boolean first = true;
    private List<Delta> current = List.of();

    public OperationDeltas(Supplier<List<OperationSummary>> operations) {
        this.operations = operations;
    }

    /** Advances to the sample at {@code atMs} (once per sample, however many detectors ask). */
    List<Delta> at(long atMs) {
        if (atMs == lastAtMs) {
            return current;
        }
        first = lastAtMs == Long.MIN_VALUE;
        lastAtMs = atMs;
        base = last;
        return recount();
    }

    /**
     * The current interval again, its end moved to now: calls that ended (or were collected) since it was
     * counted join it. Its start stays, so the next interval starts where this one now ends.
     */
    List<Delta> recount() {
        Map<String, long[]> now = new HashMap<>();
        List<Delta> out = new java.util.ArrayList<>();
        for (OperationSummary s : operations.get()) {
            String key = s.name() + '\u0000' + s.method() + '\u0000' + s.kind();
            long[] v = {s.calls(), s.measuredCalls(), s.totalBytes(), s.coldCalls()};
            now.put(key, v);
            long[] before = base.getOrDefault(key, new long[4]);
            if (v[0] > before[0]) {
                out.add(new Delta(s.name(), v[0] - before[0], v[1] - before[1], v[2] - before[2], v[3] - before[3]));
            }
        }
        last = now;
        out.sort(MOST_BYTES_FIRST);
        current = first ? List.of() : out; // the first interval is everything since start, not one interval
        return current;
    }
}
