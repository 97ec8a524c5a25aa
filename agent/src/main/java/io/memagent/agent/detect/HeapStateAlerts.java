package io.memagent.agent.detect;

import io.memagent.agent.jvm.HeapState;
import io.memagent.agent.store.RowSink;
import java.util.Locale;
import java.util.UUID;

/**
 * Raises a {@code system_alerts} row when a state rises into {@code warning} or {@code critical}:
 * once per entry, not once per sample. Falling back and rising again is a new entry. One instance
 * per state: the heap's ({@code heap_warning}, {@code heap_critical}) and the container's
 * ({@code container_memory_warning}, {@code container_memory_critical}). Runs on the sampler's
 * thread only.
 */
public final class HeapStateAlerts {
    /** What an alert says: its message and its context (a JSON object). */
    public record Text(String message, String contextJson) {
    }

    /** Builds an alert's text from the state left and the one entered; called only when an alert is raised. */
    public interface Describe {
        Text describe(HeapState from, HeapState to);
    }

    private final RowSink sink;
    private final String alertPrefix;
    private HeapState current = HeapState.NORMAL;

    public HeapStateAlerts(RowSink sink) {
        this(sink, "heap_");
    }

    /** @param alertPrefix {@code alert_type} is this plus the state's label */
    public HeapStateAlerts(RowSink sink, String alertPrefix) {
        this.sink = sink;
        this.alertPrefix = alertPrefix;
    }

    /** The heap's state. Returns the previous state if it changed, else null. */
    public HeapState observe(HeapState state, double utilizationPct, long usedBytes, Long maxBytes, long nowMs) {
        if (state == current) {
            return null; // nearly every sample: nothing to describe
        }
        return observe(state, nowMs, new HeapText(utilizationPct, usedBytes, maxBytes));
    }

    /**
     * The heap's alert text. A class, not a lambda: the JDK generates a class for every lambda the first time it
     * runs, and this one runs on the agent's first sample, during the app's start.
     */
    private static final class HeapText implements Describe {
        private final double utilizationPct;
        private final long usedBytes;
        private final Long maxBytes;

        HeapText(double utilizationPct, long usedBytes, Long maxBytes) {
            this.utilizationPct = utilizationPct;
            this.usedBytes = usedBytes;
            this.maxBytes = maxBytes;
        }

        @Override
        public Text describe(HeapState before, HeapState to) {
            return new Text(
                    String.format(Locale.ROOT, "heap utilization %.1f%% entered %s (was %s)", utilizationPct,
                            to.label(), before.label()),
                    String.format(Locale.ROOT,
                            "{\"utilization_pct\":%.2f,\"heap_used_bytes\":%d,\"heap_max_bytes\":%s,\"previous_state\":\"%s\"}",
                            utilizationPct, usedBytes, maxBytes == null ? "null" : maxBytes.toString(), before.label()));
        }
    }

    /** Any state. Returns the previous state if it changed, else null. */
    public HeapState observe(HeapState state, long nowMs, Describe describe) {
        HeapState before = current;
        if (state == before) {
            return null;
        }
        current = state;
        if (state.ordinal() > before.ordinal() && (state == HeapState.WARNING || state == HeapState.CRITICAL)) {
            Text t = describe.describe(before, state);
            sink.offer(new AlertRow(UUID.randomUUID(), alertPrefix + state.label(), state.label(), t.message(),
                    t.contextJson(), nowMs));
        }
        return before;
    }

    public HeapState current() {
        return current;
    }
}
