package io.memagent.agent.jvm;

/** The heap's state from its utilization, at the configured 60 / 75 / 90 % by default. */
public enum HeapState {
    NORMAL, ELEVATED, WARNING, CRITICAL;

    public static HeapState of(double utilizationPct, HeapThresholds config) {
        if (utilizationPct >= config.criticalPct()) {
            return CRITICAL;
        }
        if (utilizationPct >= config.warningPct()) {
            return WARNING;
        }
        if (utilizationPct >= config.elevatedPct()) {
            return ELEVATED;
        }
        return NORMAL;
    }

    /** As stored in {@code memory_state}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
