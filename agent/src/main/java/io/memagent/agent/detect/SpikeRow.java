package io.memagent.agent.detect;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import java.util.UUID;

/**
 * One {@code memory_spikes} row: a profiled call that reached its operation's spike threshold, with
 * the trace and span ids of the tracing span open on its thread when it ended (null when none, and
 * for a heap-level spike).
 */
public record SpikeRow(UUID spikeId, String operationType, String method, String severity, long allocatedBytes,
                       long thresholdBytes, String threadName, String stackTrace, String heapDumpPath,
                       long detectedAtMs, String traceId, String spanId) implements Row {
    /** A spike outside any tracing span. */
    public SpikeRow(UUID spikeId, String operationType, String method, String severity, long allocatedBytes,
                    long thresholdBytes, String threadName, String stackTrace, String heapDumpPath, long detectedAtMs) {
        this(spikeId, operationType, method, severity, allocatedBytes, thresholdBytes, threadName, stackTrace,
                heapDumpPath, detectedAtMs, null, null);
    }

    @Override
    public Table table() {
        return Table.MEMORY_SPIKES;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(spikeId).text(operationType).text(method).text(severity).number(allocatedBytes).number(thresholdBytes)
                .text(threadName).text(stackTrace).text(heapDumpPath).timestamp(detectedAtMs).text(traceId).text(spanId);
    }
}
