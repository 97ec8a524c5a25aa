package io.memagent.agent.detect;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.UUID;

/** One {@code memory_spikes} row: a profiled call that reached its operation's spike threshold. */
public record SpikeRow(UUID spikeId, String operationType, String method, String severity, long allocatedBytes,
                       long thresholdBytes, String threadName, String stackTrace, String heapDumpPath,
                       long detectedAtMs) implements Row {
    @Override
    public Table table() {
        return Table.MEMORY_SPIKES;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(spikeId).text(operationType).text(method).text(severity).number(allocatedBytes).number(thresholdBytes)
                .text(threadName).text(stackTrace).text(heapDumpPath).timestamp(detectedAtMs);
    }
}
