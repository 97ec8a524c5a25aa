package io.memagent.agent.aggregate;

/** A row or summary that carries one operation's {@link OperationFigures}, read through it by name. */
public interface WithFigures {
    OperationFigures figures();

    default long calls() {
        return figures().calls();
    }

    default long errors() {
        return figures().errors();
    }

    default long unmeasuredCalls() {
        return figures().unmeasuredCalls();
    }

    default long coldCalls() {
        return figures().coldCalls();
    }

    default long measuredCalls() {
        return figures().measuredCalls();
    }

    default long totalBytes() {
        return figures().totalBytes();
    }

    default long selfBytes() {
        return figures().selfBytes();
    }

    default long averageBytes() {
        return figures().averageBytes();
    }

    default Long minBytes() {
        return figures().minBytes();
    }

    default Long maxBytes() {
        return figures().maxBytes();
    }

    default Long p50Bytes() {
        return figures().p50Bytes();
    }

    default Long p95Bytes() {
        return figures().p95Bytes();
    }

    default Long p99Bytes() {
        return figures().p99Bytes();
    }

    default long totalDurationNs() {
        return figures().totalDurationNs();
    }

    default long maxDurationNs() {
        return figures().maxDurationNs();
    }
}
