package io.memagent.agent.jvm;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;

/**
 * One {@code memory_metrics} row: the JVM's memory at one instant. Nullable figures are those
 * some JVMs or collectors do not have (an undefined max heap, no metaspace pool, no old
 * generation seen collected yet, no allocation rate on the first sample), or that the platform
 * does not give: the resident set outside Linux, a container limit where none is set, native
 * memory by category without {@code -XX:NativeMemoryTracking} (and on the samples between two
 * readings of it, which come at their own, slower interval).
 *
 * @param containerLimitBytes the container's limit (or the configured override); null when unlimited or unknown
 * @param containerUtilizationPct the resident set over the limit, or over physical memory without one
 * @param nativeCommittedBytes NMT's total committed (the Java heap included); null when not read at this sample
 * @param nativeMemoryJson NMT's committed bytes per category, a JSON object; null when not read at this sample
 */
public record JvmSample(long recordedAtMs, long heapCommittedBytes, long heapUsedBytes, Long heapMaxBytes,
                        long nonHeapUsedBytes, Long metaspaceUsedBytes, Long oldGenUsedAfterGcBytes,
                        Long directBufferBytes, Long mappedBufferBytes, long gcCount, long gcTimeMs, int threadCount,
                        int loadedClassCount, Long allocationRateBytesPerSec, double utilizationPct,
                        String memoryState, Long processRssBytes, Long containerLimitBytes, Long containerUsedBytes,
                        Double containerUtilizationPct, String containerState, Long nativeCommittedBytes,
                        String nativeMemoryJson) implements Row {

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
                .text(memoryState).number(processRssBytes).number(containerLimitBytes).number(containerUsedBytes)
                .decimal(containerUtilizationPct).text(containerState).number(nativeCommittedBytes)
                .jsonOrNull(nativeMemoryJson).timestamp(recordedAtMs);
    }
}
