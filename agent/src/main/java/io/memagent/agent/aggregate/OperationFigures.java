package io.memagent.agent.aggregate;

import io.memagent.agent.store.CopyLine;

/**
 * One operation's figures, over a bucket or the whole run: the one spelling of them from a
 * thread's {@link io.memagent.bootstrap.Period} (through {@link Figures}) to the
 * {@code method_allocation_stats} columns, the report, the HTTP API and the metrics. Byte figures
 * cover measured calls only; {@code unmeasuredCalls} were counted but their bytes are unknown.
 * Min/max/average are over every measured call; p50/p95/p99 over the warm ones only (not
 * {@code coldCalls}, during which their thread loaded classes), null when none was measured warm.
 */
public record OperationFigures(long calls, long errors, long unmeasuredCalls, long coldCalls, long totalBytes,
                               long selfBytes,
                               Long minBytes, Long maxBytes, Long p50Bytes, Long p95Bytes, Long p99Bytes,
                               long totalDurationNs, long maxDurationNs) {
    public long measuredCalls() {
        return calls - unmeasuredCalls;
    }

    /** Mean bytes per measured call, or 0 when none was measured. */
    public long averageBytes() {
        long n = measuredCalls();
        return n == 0 ? 0 : totalBytes / n;
    }

    /** Two operations' figures as one: counters add, the minimum takes the lower, the rest the higher. */
    public OperationFigures mergedWith(OperationFigures b) {
        return new OperationFigures(calls + b.calls, errors + b.errors, unmeasuredCalls + b.unmeasuredCalls,
                coldCalls + b.coldCalls, totalBytes + b.totalBytes, selfBytes + b.selfBytes, pick(minBytes, b.minBytes, false),
                pick(maxBytes, b.maxBytes, true), pick(p50Bytes, b.p50Bytes, true), pick(p95Bytes, b.p95Bytes, true),
                pick(p99Bytes, b.p99Bytes, true), totalDurationNs + b.totalDurationNs,
                Math.max(maxDurationNs, b.maxDurationNs));
    }

    /** The statistics tables' columns from {@code calls} to {@code max_duration_ns}, in their order. */
    void writeTo(CopyLine l) {
        l.number(calls).number(errors).number(unmeasuredCalls).number(coldCalls).number(totalBytes).number(selfBytes).number(minBytes)
                .number(maxBytes).number(p50Bytes).number(p95Bytes).number(p99Bytes).number(totalDurationNs)
                .number(maxDurationNs);
    }

    private static Long pick(Long a, Long b, boolean higher) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return higher ? Math.max(a, b) : Math.min(a, b);
    }
}
