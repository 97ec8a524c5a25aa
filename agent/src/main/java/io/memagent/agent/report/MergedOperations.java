package io.memagent.agent.report;

import io.memagent.agent.aggregate.Histograms;
import io.memagent.agent.aggregate.OperationFigures;
import io.memagent.agent.aggregate.OperationSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One service's operations over a window, summed over JVMs, buckets and rollup levels
 * ({@link ReportWindow}): counts and bytes are sums, min/max the extremes, and p50/p95/p99 are
 * read from the merge of every row's histogram (exact merge, within the histograms' 1/128).
 * Rows written before migration V8 have no histogram: where an operation has such rows, each
 * percentile is the higher of the merged one and the highest of theirs (an upper bound, as
 * before V8), and {@link #anyUnmerged()} says so.
 */
final class MergedOperations {
    private final Connection c;
    private final String schema;
    private final String service;
    private final boolean withHistograms;
    private final Map<String, Acc> byOperation = new LinkedHashMap<>();
    private boolean anyUnmerged;

    private static final class Acc {
        String method;
        String kind;
        long calls;
        long errors;
        long unmeasuredCalls;
        long coldCalls;
        long totalBytes;
        long selfBytes;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long totalDurationNs;
        long maxDurationNs;
        final long[] unmergedPercentiles = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
        Histogram merged;
    }

    MergedOperations(Connection c, String quotedSchema, String service, boolean withHistograms) {
        this.c = c;
        this.schema = quotedSchema;
        this.service = service;
        this.withHistograms = withHistograms;
    }

    void read(ReportWindow.Part part, long sinceMs) throws SQLException {
        String noHistogram = withHistograms ? " FILTER (WHERE histogram IS NULL)" : "";
        // An operation's histograms as one bytea, one encoding after another: one scan, one row per operation,
        // and walked by their own lengths (array_agg's bytea[] is parsed by the driver from its text form, which
        // cost more than the whole merge: a day of 240,000 histograms, ~0.6 s of the report).
        String histograms = withHistograms ? "string_agg(histogram, ''::bytea) FILTER (WHERE histogram IS NOT NULL)"
                : "NULL::bytea";
        String sql = "SELECT operation_type, min(method), min(kind), sum(calls), sum(errors), sum(unmeasured_calls),"
                + " sum(total_bytes), sum(self_bytes), min(min_bytes), max(max_bytes), max(p50_bytes)" + noHistogram + ","
                + " max(p95_bytes)" + noHistogram + ", max(p99_bytes)" + noHistogram + ", sum(total_duration_ns),"
                + " max(max_duration_ns), " + histograms + ", sum(cold_calls)" + where(part) + " GROUP BY operation_type";
        try (PreparedStatement ps = prepare(sql, part, sinceMs); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String operation = rs.getString(1);
                Acc a = add(operation, rs);
                a.coldCalls += rs.getLong(17);
                byte[] all = rs.getBytes(16);
                if (all != null) {
                    if (a.merged == null) {
                        a.merged = Histograms.newForMerging();
                    }
                    if (!Histograms.addConcatenated(a.merged, all)) {
                        oneByOne(part, sinceMs, operation, a.merged);
                    }
                }
            }
        }
    }

    /** An operation whose histograms are not all this agent's encoding: each decoded by the library. */
    private void oneByOne(ReportWindow.Part part, long sinceMs, String operation, Histogram into) throws SQLException {
        try (PreparedStatement ps = prepare("SELECT histogram" + where(part) + " AND operation_type = ?"
                + " AND histogram IS NOT NULL", part, sinceMs)) {
            ps.setString(4, operation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Histograms.addEncoded(into, rs.getBytes(1));
                }
            }
        }
    }

    private String where(ReportWindow.Part part) {
        return " FROM " + schema + "." + part.table() + " WHERE service_name = ? AND "
                + (part.sinceByEnd() ? "bucket_end > ?" : "bucket_start >= ?") + " AND bucket_start < ?";
    }

    private PreparedStatement prepare(String sql, ReportWindow.Part part, long sinceMs) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setString(1, service);
        ps.setTimestamp(2, new Timestamp(part.sinceByEnd() ? sinceMs : part.fromMs()));
        ps.setTimestamp(3, new Timestamp(part.toMs()));
        return ps;
    }

    /** Adds a row's sums and extremes to its operation's figures, and returns them. */
    private Acc add(String operation, ResultSet rs) throws SQLException {
        Acc a = byOperation.computeIfAbsent(operation, k -> new Acc());
        a.method = a.method == null ? rs.getString(2) : a.method;
        a.kind = a.kind == null ? rs.getString(3) : a.kind;
        a.calls += rs.getLong(4);
        a.errors += rs.getLong(5);
        a.unmeasuredCalls += rs.getLong(6);
        a.totalBytes += rs.getLong(7);
        a.selfBytes += rs.getLong(8);
        long min = rs.getLong(9);
        if (!rs.wasNull()) {
            a.min = Math.min(a.min, min);
        }
        long max = rs.getLong(10);
        if (!rs.wasNull()) {
            a.max = Math.max(a.max, max);
        }
        for (int i = 0; i < 3; i++) {
            long p = rs.getLong(11 + i);
            if (!rs.wasNull()) {
                a.unmergedPercentiles[i] = Math.max(a.unmergedPercentiles[i], p);
                anyUnmerged = true;
            }
        }
        a.totalDurationNs += rs.getLong(14);
        a.maxDurationNs = Math.max(a.maxDurationNs, rs.getLong(15));
        return a;
    }

    /** Some figure includes rows without a histogram (written before V8): its percentiles are upper bounds. */
    boolean anyUnmerged() {
        return anyUnmerged;
    }

    /** By total bytes, then name. */
    List<OperationSummary> summaries() {
        List<OperationSummary> out = new ArrayList<>();
        byOperation.forEach((name, a) -> {
            boolean measured = a.max != Long.MIN_VALUE;
            Long[] p = new Long[3];
            double[] at = {50, 95, 99};
            for (int i = 0; i < 3; i++) {
                Long merged = measured ? Histograms.percentile(a.merged, at[i], a.min, a.max) : null;
                long unmerged = a.unmergedPercentiles[i];
                p[i] = unmerged == Long.MIN_VALUE ? merged : Long.valueOf(merged == null ? unmerged : Math.max(merged, unmerged));
            }
            out.add(new OperationSummary(name, a.method, a.kind, new OperationFigures(a.calls, a.errors, a.unmeasuredCalls,
                    a.coldCalls, a.totalBytes, a.selfBytes, measured ? a.min : null, measured ? a.max : null, p[0], p[1], p[2],
                    a.totalDurationNs, a.maxDurationNs)));
        });
        out.sort((x, y) -> x.totalBytes() != y.totalBytes() ? Long.compare(y.totalBytes(), x.totalBytes())
                : x.name().compareTo(y.name()));
        return out;
    }
}
