package io.memagent.agent.detect;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.UUID;

/** One {@code memory_optimization_recommendations} row. {@code strategyJson} is a JSON object. */
public record RecommendationRow(UUID recommendationId, String recommendationType, long currentUsageBytes,
                                Long recommendedLimitBytes, String strategyJson, Long estimatedSavingsBytes,
                                String implementationPriority, long createdAtMs) implements Row {
    @Override
    public Table table() {
        return Table.MEMORY_OPTIMIZATION_RECOMMENDATIONS;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(recommendationId).text(recommendationType).number(currentUsageBytes).number(recommendedLimitBytes)
                .json(strategyJson).number(estimatedSavingsBytes).text(implementationPriority).timestamp(createdAtMs);
    }
}
