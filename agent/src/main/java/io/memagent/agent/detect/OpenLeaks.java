package io.memagent.agent.detect;

import io.memagent.agent.store.RowSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A detector's open leaks, one {@code memory_leak_detection} row each, updated in place: a leak is
 * opened at its first sight, its row offered again on a new severity or every 30 s while it lasts,
 * and once more, resolved, when the detector says it is over. {@code updated_at} always moves on, so
 * a later version of a row is never taken for an older one. Used under the detector's lock.
 */
final class OpenLeaks {
    private static final class Open {
        final UUID id = UUID.randomUUID();
        final long detectedAtMs;
        final String source;
        final String method;
        long leakingAtMs;
        String severity;
        long offeredAtMs;
        long updatedMs;
        LeakRow row;

        Open(long detectedAtMs, String source, String method) {
            this.detectedAtMs = detectedAtMs;
            this.source = source;
            this.method = method;
        }
    }

    private final RowSink sink;
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final Map<UUID, LeakRow> seen = new LinkedHashMap<>();

    OpenLeaks(RowSink sink) {
        this.sink = sink;
    }

    /** The leak under {@code key} is there now; its source and method are those of its first sight. */
    void leaking(String key, String type, String source, String method, long bytes, String context, long now) {
        Open o = open.get(key);
        if (o == null) {
            o = new Open(now, source, method);
            open.put(key, o);
        }
        o.leakingAtMs = now;
        String severity = LeakRow.severityOf(bytes);
        o.row = new LeakRow(o.id, type, o.source, bytes, o.method, null, context, severity, false, null, o.detectedAtMs,
                0);
        if (o.severity == null || !severity.equals(o.severity) || now - o.offeredAtMs >= LeakDetector.UPDATE_EVERY_MS) {
            o.severity = severity;
            offer(o, o.row, now);
        }
    }

    /** When the leak under {@code key} was last seen leaking, or null if none is open. */
    Long leakingAtMs(String key) {
        Open o = open.get(key);
        return o == null ? null : o.leakingAtMs;
    }

    /** The leak under {@code key} is over: its last row, resolved. Nothing if none is open. */
    void resolve(String key, String type, long now) {
        Open o = open.remove(key);
        if (o != null) {
            LeakRow r = o.row;
            offer(o, new LeakRow(o.id, type, o.source, r.leakedBytes(), o.method, null, r.contextJson(), r.severity(),
                    true, now, o.detectedAtMs, 0), now);
        }
    }

    private void offer(Open o, LeakRow r, long now) {
        long updated = Math.max(now, o.updatedMs + 1);
        o.updatedMs = updated;
        o.offeredAtMs = now;
        LeakRow row = new LeakRow(r.leakId(), r.leakType(), r.leakSource(), r.leakedBytes(), r.detectionMethod(),
                r.stackTrace(), r.contextJson(), r.severity(), r.resolved(), r.resolvedAtMs(), r.detectedAtMs(), updated);
        o.row = row;
        seen.put(row.leakId(), row);
        sink.offer(row);
    }

    /** The latest version of each leak seen in this run. */
    List<LeakRow> all() {
        List<LeakRow> out = new ArrayList<>(seen.values());
        for (Open o : open.values()) {
            out.removeIf(r -> r.leakId().equals(o.id));
            out.add(o.row);
        }
        return out;
    }

    int count() {
        return open.size();
    }

    /** At exit: the open leaks' latest figures. */
    void flush(long nowMs) {
        for (Open o : open.values()) {
            if (o.row != seen.get(o.id)) {
                offer(o, o.row, nowMs);
            }
        }
    }
}
