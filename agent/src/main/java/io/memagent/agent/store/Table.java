package io.memagent.agent.store;

import java.util.List;

/**
 * A table the writer fills, with the columns a row supplies in order. Every table also has
 * {@code run_id, service_name, process_id}, which the writer puts first. Append-only tables are
 * written by COPY; tables whose rows are updated later (leaks) or must stay unique per day
 * (recommendations) go through a staging table and {@code INSERT ... ON CONFLICT}.
 */
public enum Table {
    MEMORY_ALLOCATIONS("memory_allocations", false, null, "operation_id", "operation_type", "method", "kind", "thread_name",
            "allocated_bytes", "self_bytes", "duration_ns", "threw", "allocation_pattern", "created_at", "trace_id", "span_id"),
    METHOD_ALLOCATION_STATS("method_allocation_stats", true, null, Stats.COLUMNS),
    /** Rollups of {@link #METHOD_ALLOCATION_STATS} per UTC minute and hour, same columns (migration V8). */
    METHOD_ALLOCATION_STATS_1M("method_allocation_stats_1m", true, null, Stats.COLUMNS),
    METHOD_ALLOCATION_STATS_1H("method_allocation_stats_1h", true, null, Stats.COLUMNS),
    MEMORY_METRICS("memory_metrics", false, null, "heap_size_bytes", "heap_used_bytes", "heap_free_bytes", "heap_max_bytes",
            "non_heap_used_bytes", "metaspace_used_bytes", "old_gen_used_after_gc_bytes", "direct_buffer_bytes",
            "mapped_buffer_bytes", "gc_count", "gc_duration_ms", "thread_count", "loaded_class_count",
            "allocation_rate_bytes_per_sec", "memory_utilization_pct", "memory_state", "process_rss_bytes",
            "container_memory_limit_bytes", "container_memory_used_bytes", "container_memory_utilization_pct",
            "container_memory_state", "native_memory_committed_bytes", "native_memory", "recorded_at"),
    GC_EVENTS("gc_events", false, null, "gc_id", "gc_name", "gc_action", "gc_cause", "duration_ms", "heap_before_bytes",
            "heap_after_bytes", "occurred_at"),
    MEMORY_SPIKES("memory_spikes", false, null, "spike_id", "operation_type", "method", "severity", "allocated_bytes",
            "threshold_bytes", "thread_name", "stack_trace", "heap_dump_path", "detected_at", "trace_id", "span_id"),
    MEMORY_LEAK_DETECTION("memory_leak_detection", true,
            "ON CONFLICT (leak_id) DO UPDATE SET leaked_bytes = EXCLUDED.leaked_bytes, severity = EXCLUDED.severity,"
                    + " operation_context = EXCLUDED.operation_context, resolved = EXCLUDED.resolved,"
                    + " resolved_at = EXCLUDED.resolved_at, updated_at = EXCLUDED.updated_at",
            "leak_id", "leak_type", "leak_source", "leaked_bytes", "detection_method", "stack_trace",
            "operation_context", "severity", "resolved", "resolved_at", "detected_at", "updated_at"),
    MEMORY_OPTIMIZATION_RECOMMENDATIONS("memory_optimization_recommendations", true, "ON CONFLICT DO NOTHING",
            "recommendation_id", "recommendation_type", "current_usage_bytes", "recommended_limit_bytes",
            "optimization_strategy", "estimated_savings_bytes", "implementation_priority", "created_at"),
    SYSTEM_ALERTS("system_alerts", true, null, "alert_id", "alert_type", "severity", "message", "context", "created_at");

    private static final class Stats {
        static final String[] COLUMNS = {"operation_type", "method", "kind", "bucket_start", "bucket_end", "calls",
            "errors", "unmeasured_calls", "cold_calls", "total_bytes", "self_bytes", "min_bytes", "max_bytes", "p50_bytes", "p95_bytes",
            "p99_bytes", "total_duration_ns", "max_duration_ns", "histogram"};
    }

    private final String tableName;
    private final boolean aggregate;
    private final String conflictClause;
    private final List<String> columns;

    Table(String tableName, boolean aggregate, String conflictClause, String... columns) {
        this.tableName = tableName;
        this.aggregate = aggregate;
        this.conflictClause = conflictClause;
        this.columns = List.of(columns);
    }

    public String tableName() {
        return tableName;
    }

    /**
     * Aggregates (per-bucket statistics, alerts, leaks, recommendations) are few and must all
     * reach the database after an outage, so they wait in their own reserved queue; detail rows
     * (per-call rows, samples, GC events, spikes) are what a long outage drops first.
     */
    public boolean aggregate() {
        return aggregate;
    }

    /** Null for plain COPY; otherwise the clause used when inserting from the staging table. */
    public String conflictClause() {
        return conflictClause;
    }

    public List<String> columns() {
        return columns;
    }
}
