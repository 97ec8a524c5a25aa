package io.memagent.agent.report;

import io.memagent.agent.aggregate.OperationSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One operation's figures as named fields: the JSON of the HTTP API and report command, and their CSV. */
public final class OperationTable {
    public static final List<String> COLUMNS = List.of("operation", "method", "kind", "calls", "errors",
            "unmeasured_calls", "cold_calls", "total_bytes", "self_bytes", "average_bytes", "min_bytes", "max_bytes", "p50_bytes",
            "p95_bytes", "p99_bytes", "total_duration_ns", "max_duration_ns");

    private OperationTable() {
    }

    public static Map<String, Object> fields(OperationSummary o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", o.name());
        m.put("method", o.method());
        m.put("kind", o.kind());
        m.put("calls", o.calls());
        m.put("errors", o.errors());
        m.put("unmeasured_calls", o.unmeasuredCalls());
        m.put("cold_calls", o.coldCalls());
        m.put("total_bytes", o.totalBytes());
        m.put("self_bytes", o.selfBytes());
        m.put("average_bytes", o.averageBytes());
        m.put("min_bytes", o.minBytes());
        m.put("max_bytes", o.maxBytes());
        m.put("p50_bytes", o.p50Bytes());
        m.put("p95_bytes", o.p95Bytes());
        m.put("p99_bytes", o.p99Bytes());
        m.put("total_duration_ns", o.totalDurationNs());
        m.put("max_duration_ns", o.maxDurationNs());
        return m;
    }

    /** RFC 4180 CSV: a header line, then one line per operation in the given order. */
    public static String csv(List<OperationSummary> ops) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (OperationSummary o : ops) {
            Map<String, Object> m = fields(o);
            boolean first = true;
            for (String c : COLUMNS) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(cell(m.get(c)));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = String.valueOf(v);
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
