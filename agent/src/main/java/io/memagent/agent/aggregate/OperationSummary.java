package io.memagent.agent.aggregate;

/** One operation and its figures since the agent started (or within one bucket). */
public record OperationSummary(String name, String method, String kind, OperationFigures figures)
        implements WithFigures {
}
