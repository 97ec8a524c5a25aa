package io.memagent.agent.detect;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.UUID;

/**
 * One version of a {@code memory_leak_detection} row. A leak keeps its {@code leakId} while open;
 * each new version replaces the stored one ({@code ON CONFLICT (leak_id) DO UPDATE}).
 */
public record LeakRow(UUID leakId, String leakType, String leakSource, long leakedBytes, String detectionMethod,
                      String stackTrace, String contextJson, String severity, boolean resolved, Long resolvedAtMs,
                      long detectedAtMs, long updatedAtMs) implements Row {
    @Override
    public Table table() {
        return Table.MEMORY_LEAK_DETECTION;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(leakId).text(leakType).text(leakSource).number(leakedBytes).text(detectionMethod).text(stackTrace)
                .json(contextJson).text(severity).bool(resolved).timestamp(resolvedAtMs).timestamp(detectedAtMs)
                .timestamp(updatedAtMs);
    }

    /** The SPEC's severities by leaked bytes: low < 1 MB, medium >= 1 MB, high >= 10 MB, critical >= 100 MB. */
    public static String severityOf(long bytes) {
        if (bytes >= 100L << 20) {
            return "critical";
        }
        if (bytes >= 10L << 20) {
            return "high";
        }
        if (bytes >= 1L << 20) {
            return "medium";
        }
        return "low";
    }
}
