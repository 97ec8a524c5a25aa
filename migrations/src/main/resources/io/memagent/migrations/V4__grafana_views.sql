-- Views a Grafana PostgreSQL panel (or any SQL client) can use as they are: a `time` column for
-- $__timeFilter(time), one row per service (and operation) per interval, bytes as bigint.
-- No behaviour lives here: they only reshape what the agent writes.

-- Per operation per statistics bucket, summed over the service's JVMs. Percentiles cannot be
-- merged from buckets, so p99_bytes is the highest p99 of any JVM's bucket (an upper bound).
CREATE VIEW memagent_top_consumers_per_interval AS
SELECT bucket_start                                                    AS time,
       service_name,
       operation_type                                                  AS operation,
       sum(calls)::bigint                                              AS calls,
       sum(errors)::bigint                                             AS errors,
       sum(total_bytes)::bigint                                        AS total_bytes,
       sum(self_bytes)::bigint                                         AS self_bytes,
       (sum(total_bytes) / NULLIF(sum(calls - unmeasured_calls), 0))::bigint AS average_bytes,
       max(max_bytes)                                                  AS max_bytes,
       max(p99_bytes)                                                  AS p99_bytes,
       sum(total_duration_ns)::bigint                                  AS total_duration_ns
FROM method_allocation_stats
GROUP BY bucket_start, service_name, operation_type;

-- The heap of every JVM of every service, one row per sample.
CREATE VIEW memagent_heap_over_time AS
SELECT recorded_at                AS time,
       service_name,
       process_id,
       run_id,
       heap_used_bytes,
       heap_size_bytes            AS heap_committed_bytes,
       heap_max_bytes,
       old_gen_used_after_gc_bytes,
       gc_count,
       gc_duration_ms,
       memory_utilization_pct,
       memory_state
FROM memory_metrics;
