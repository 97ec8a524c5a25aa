package io.memagent.agent.jvm;

/**
 * Heap utilization (percent of the max) at which a sample's {@link HeapState} becomes elevated,
 * warning and critical ({@code memagent.heap.elevated.pct}, {@code .warning.pct},
 * {@code .critical.pct}); ascending, which the configuration checks.
 */
public record HeapThresholds(int elevatedPct, int warningPct, int criticalPct) {
}
