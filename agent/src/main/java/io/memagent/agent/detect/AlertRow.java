package io.memagent.agent.detect;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.UUID;

/** One {@code system_alerts} row. {@code contextJson} is a JSON object. */
public record AlertRow(UUID alertId, String alertType, String severity, String message, String contextJson,
                       long createdAtMs) implements Row {
    @Override
    public Table table() {
        return Table.SYSTEM_ALERTS;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(alertId).text(alertType).text(severity).text(message).json(contextJson).timestamp(createdAtMs);
    }
}
