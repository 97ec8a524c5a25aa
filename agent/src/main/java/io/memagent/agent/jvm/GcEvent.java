package io.memagent.agent.jvm;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;

/** One {@code gc_events} row: a collection the JVM reported. Heap figures are summed over heap pools. */
public record GcEvent(long gcId, String gcName, String gcAction, String gcCause, long durationMs,
                      long heapBeforeBytes, long heapAfterBytes, long occurredAtMs) implements Row {
    @Override
    public Table table() {
        return Table.GC_EVENTS;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.number(gcId).text(gcName).text(gcAction).text(gcCause).number(durationMs).number(heapBeforeBytes)
                .number(heapAfterBytes).timestamp(occurredAtMs);
    }
}
