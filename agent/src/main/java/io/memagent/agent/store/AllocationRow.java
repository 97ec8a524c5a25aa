package io.memagent.agent.store;

import java.util.UUID;

/** {@code memory_allocations}: one call at or above {@code memagent.calls.min.bytes}. */
public record AllocationRow(UUID operationId, String operationType, String method, String kind, String threadName,
                            long allocatedBytes, long selfBytes, long durationNs, boolean threw,
                            String allocationPatternJson, long createdAtMs) implements Row {
    @Override
    public Table table() {
        return Table.MEMORY_ALLOCATIONS;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(operationId).text(operationType).text(method).text(kind).text(threadName).number(allocatedBytes)
                .number(selfBytes).number(durationNs).bool(threw).json(allocationPatternJson).timestamp(createdAtMs);
    }
}
