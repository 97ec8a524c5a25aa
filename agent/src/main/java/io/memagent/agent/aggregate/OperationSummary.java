package io.memagent.agent.aggregate;

/**
 * One operation's figures since the agent started (or within one bucket). Byte figures cover
 * measured calls only; {@code unmeasuredCalls} were counted but their bytes are unknown.
 * Min/max/percentiles are null when no call was measured.
 */
public record OperationSummary(String name, String method, String kind, long calls, long errors, long unmeasuredCalls,
                               long totalBytes, long selfBytes, Long minBytes, Long maxBytes, Long p50Bytes,
                               Long p95Bytes, Long p99Bytes, long totalDurationNs, long maxDurationNs) {
    public long measuredCalls() {
        return calls - unmeasuredCalls;
    }

    /** Mean bytes per measured call, or 0 when none was measured. */
    public long averageBytes() {
        long n = measuredCalls();
        return n == 0 ? 0 : totalBytes / n;
    }
}
