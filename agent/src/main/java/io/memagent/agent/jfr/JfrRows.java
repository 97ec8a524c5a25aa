package io.memagent.agent.jfr;

import io.memagent.agent.detect.LeakRow;
import io.memagent.agent.detect.SpikeRow;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.RowSink;
import io.memagent.agent.store.WriterStats;

/**
 * Every spike and leak the detectors record becomes a {@code memagent.Spike} or
 * {@code memagent.Leak} event too, when a recording wants one: the rows are the one place both
 * kinds of detection pass through, so no detector needs to know about JFR. Rows come from agent
 * threads only. Check that the {@code jdk.jfr} module is present before using this class.
 */
public final class JfrRows implements RowSink {
    private final RowSink delegate;

    public JfrRows(RowSink delegate) {
        this.delegate = delegate;
    }

    @Override
    public void offer(Row row) {
        try {
            if (row instanceof SpikeRow s) {
                JfrEvents.spike(s.operationType(), s.method(), s.severity(), s.allocatedBytes(), s.thresholdBytes(),
                        s.threadName(), s.traceId(), s.spanId());
            } else if (row instanceof LeakRow l && !l.resolved()) {
                JfrEvents.leak(l.leakType(), l.leakSource(), l.detectionMethod(), l.severity(), l.leakedBytes());
            }
        } finally {
            delegate.offer(row);
        }
    }

    @Override
    public WriterStats stats() {
        return delegate.stats();
    }

    @Override
    public void close(long timeoutMs) {
        delegate.close(timeoutMs);
    }
}
