package io.memagent.agent.jvm;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;

/**
 * One {@code memory_metrics} row: the JVM's memory at one instant. Nullable figures are those
 * some JVMs or collectors do not have (an undefined max heap, no metaspace pool, no old
 * generation seen collected yet, no allocation rate on the first sample).
 */
public record JvmSample(long recordedAtMs, long heapCommittedBytes, long heapUsedBytes, Long heapMaxBytes,
                        long nonHeapUsedBytes, Long metaspaceUsedBytes, Long oldGenUsedAfterGcBytes,
                        Long directBufferBytes, Long mappedBufferBytes, long gcCount, long gcTimeMs, int threadCount,
                        int loadedClassCount, Long allocationRateBytesPerSec, double utilizationPct,
                        String memoryState) implements Row {
    public long heapFreeBytes() {
        return heapCommittedBytes - heapUsedBytes;
    }

    @Override
    public Table table() {
        return Table.MEMORY_METRICS;
    }

    @Override
    public void writeTo(CopyLine l) {
        l.number(heapCommittedBytes).number(heapUsedBytes).number(heapFreeBytes()).number(heapMaxBytes)
                .number(nonHeapUsedBytes).number(metaspaceUsedBytes).number(oldGenUsedAfterGcBytes)
                .number(directBufferBytes).number(mappedBufferBytes).number(gcCount).number(gcTimeMs)
                .number(threadCount).number(loadedClassCount).number(allocationRateBytesPerSec).decimal(utilizationPct)
                .text(memoryState).timestamp(recordedAtMs);
    }
}
