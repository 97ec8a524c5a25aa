package io.memagent.agent.jvm;

import io.memagent.agent.config.Config;

/** The heap's state from its utilization, at the configured 60 / 75 / 90 % by default. */
public enum HeapState {
    NORMAL, ELEVATED, WARNING, CRITICAL;

    public static HeapState of(double utilizationPct, Config config) {
        if (utilizationPct >= config.heapCriticalPct()) {
            return CRITICAL;
        }
        if (utilizationPct >= config.heapWarningPct()) {
            return WARNING;
        }
        if (utilizationPct >= config.heapElevatedPct()) {
            return ELEVATED;
        }
        return NORMAL;
    }

    /** As stored in {@code memory_state}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
