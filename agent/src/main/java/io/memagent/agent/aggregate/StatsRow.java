package io.memagent.agent.aggregate;

import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;

/**
 * {@code method_allocation_stats} (or one of its rollups, {@code table}): one operation in one
 * bucket (minute, hour). Byte figures of unmeasured calls are not in the totals or percentiles;
 * min/max/percentiles and {@code histogram} are null when no call in the bucket was measured.
 *
 * @param histogram the bucket's histogram of bytes per measured call, encoded as the column holds
 *                  it ({@link Histograms})
 */
public record StatsRow(Table table, String operationType, String method, String kind, long bucketStartMs,
                       long bucketEndMs, OperationFigures figures, byte[] histogram) implements Row, WithFigures {
    @Override
    public void writeTo(CopyLine l) {
        l.text(operationType).text(method).text(kind).timestamp(bucketStartMs).timestamp(bucketEndMs);
        figures.writeTo(l);
        l.bytes(histogram);
    }
}
