package io.memagent.agent.detect;

import io.memagent.agent.store.RowSink;
import java.util.Locale;
import java.util.UUID;

/**
 * Raises a {@code system_alerts} row when the heap's state rises into {@code warning} or
 * {@code critical}: once per entry, not once per sample. Falling back and rising again is a new
 * entry. Runs on the sampler's thread only.
 */
public final class HeapStateAlerts {
    private final RowSink sink;
    private HeapState current = HeapState.NORMAL;

    public HeapStateAlerts(RowSink sink) {
        this.sink = sink;
    }

    /** Returns the previous state if it changed, else null. */
    public HeapState observe(HeapState state, double utilizationPct, long usedBytes, Long maxBytes, long nowMs) {
        HeapState before = current;
        if (state == before) {
            return null;
        }
        current = state;
        if (state.ordinal() > before.ordinal() && (state == HeapState.WARNING || state == HeapState.CRITICAL)) {
            String message = String.format(Locale.ROOT, "heap utilization %.1f%% entered %s (was %s)", utilizationPct,
                    state.label(), before.label());
            String context = String.format(Locale.ROOT,
                    "{\"utilization_pct\":%.2f,\"heap_used_bytes\":%d,\"heap_max_bytes\":%s,\"previous_state\":\"%s\"}",
                    utilizationPct, usedBytes, maxBytes == null ? "null" : maxBytes.toString(), before.label());
            sink.offer(new AlertRow(UUID.randomUUID(), "heap_" + state.label(), state.label(), message, context, nowMs));
        }
        return before;
    }

    public HeapState current() {
        return current;
    }
}
