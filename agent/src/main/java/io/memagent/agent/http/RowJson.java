package io.memagent.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rows (spikes, leaks, alerts, samples, GC events) as the API shows them: the tables' own column
 * names, instants as ISO-8601 text, ids as text, jsonb columns as JSON, newest first.
 */
final class RowJson {
    private final java.util.function.Supplier<ObjectMapper> mapper;

    RowJson(java.util.function.Supplier<ObjectMapper> mapper) {
        this.mapper = mapper;
    }

    /** A row's columns for JSON: instants as ISO-8601 text, ids as text, jsonb columns as JSON. */
    Map<String, Object> row(Row r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : r.values().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Instant i) {
                v = i.toString();
            } else if (v instanceof UUID u) {
                v = u.toString();
            } else if (v instanceof CopyLine.JsonText j) {
                try {
                    v = mapper.get().readTree(j.json());
                } catch (Exception ex) {
                    v = j.json();
                }
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** Rows newest first, optionally only those at or after {@code sinceMs} (by their last timestamp column). */
    List<Object> rows(List<? extends Row> rows, Long sinceMs) {
        List<Object> out = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row r = rows.get(i);
            if (sinceMs != null && timeOf(r) < sinceMs) {
                continue;
            }
            out.add(row(r));
        }
        return out;
    }

    /** The row's own time: its last timestamp column (recorded_at, detected_at, created_at, ...). */
    static long timeOf(Row r) {
        long t = Long.MIN_VALUE;
        for (Object v : r.values().values()) {
            if (v instanceof Instant i) {
                t = i.toEpochMilli();
            }
        }
        return t;
    }

}
