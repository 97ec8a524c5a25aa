package io.memagent.agent.aggregate;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.util.RandomIds;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code memory_allocations}: one call at or above {@code memagent.calls.min.bytes}.
 *
 * <p>Up to {@code memagent.queue.capacity} of these wait in memory while the database is down,
 * so a row holds only primitives and references to strings it shares with its operation and
 * thread; the id's text and the {@code allocation_pattern} JSON are made when the row is written.
 *
 * @param idHigh          the most significant bits of {@code operation_id} (a random UUID)
 * @param idLow           the least significant bits of {@code operation_id}
 * @param gcCountDuring   collections that ran while the call was open
 * @param traceId         the trace id of the tracing span open on the call's thread when it ended; null when none
 * @param spanId          that span's id; null when none
 */
public record AllocationRow(long idHigh, long idLow, String operationType, String method, String kind,
                            String threadName, long allocatedBytes, long selfBytes, long durationNs, boolean threw,
                            long gcCountDuring, long createdAtMs, String traceId, String spanId) implements Row {
    /** A row with a new random id: a version-4 UUID's bits, without the UUID object (rows may wait long in the queue). */
    static AllocationRow withRandomId(String operationType, String method, String kind, String threadName,
                                      long allocatedBytes, long selfBytes, long durationNs, boolean threw,
                                      long gcCountDuring, long createdAtMs, String traceId, String spanId) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new AllocationRow(RandomIds.high(r.nextLong()), RandomIds.low(r.nextLong()), operationType, method, kind, threadName, allocatedBytes, selfBytes,
                durationNs, threw, gcCountDuring, createdAtMs, traceId, spanId);
    }

    @Override
    public Table table() {
        return Table.MEMORY_ALLOCATIONS;
    }

    public UUID operationId() {
        return new UUID(idHigh, idLow);
    }

    /** {@code allocation_pattern}: what else the call's bytes say about it. */
    public String allocationPatternJson() {
        return "{\"gc_count_during\":" + gcCountDuring + ",\"nested_profiled_bytes\":" + (allocatedBytes - selfBytes)
                + ",\"bytes_per_ms\":" + (durationNs > 0 ? allocatedBytes * 1_000_000L / durationNs : allocatedBytes) + "}";
    }

    @Override
    public void writeTo(CopyLine l) {
        l.uuid(operationId()).text(operationType).text(method).text(kind).text(threadName).number(allocatedBytes)
                .number(selfBytes).number(durationNs).bool(threw).json(allocationPatternJson()).timestamp(createdAtMs)
                .text(traceId).text(spanId);
    }
}
