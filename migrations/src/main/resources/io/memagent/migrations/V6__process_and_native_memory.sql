-- Memory beyond the heap, per sample: the process's resident set (Linux /proc/self/status VmRSS),
-- the container's memory limit and usage (cgroup v2 memory.max / memory.current, v1
-- memory.limit_in_bytes / memory.usage_in_bytes; null when unlimited or absent), the resident set's
-- utilization of the limit (or of physical memory without one) and its state (normal, elevated,
-- warning, critical), and, with -XX:NativeMemoryTracking, the JVM's committed native memory: the
-- total and, in native_memory, the bytes committed per NMT category. NMT is read at its own, slower
-- interval: only the samples taken at a reading carry it. All nullable: rows written before this
-- migration, and JVMs that lack a figure, keep nulls.
ALTER TABLE memory_metrics ADD COLUMN process_rss_bytes bigint;
ALTER TABLE memory_metrics ADD COLUMN container_memory_limit_bytes bigint;
ALTER TABLE memory_metrics ADD COLUMN container_memory_used_bytes bigint;
ALTER TABLE memory_metrics ADD COLUMN container_memory_utilization_pct double precision;
ALTER TABLE memory_metrics ADD COLUMN container_memory_state text;
ALTER TABLE memory_metrics ADD COLUMN native_memory_committed_bytes bigint;
ALTER TABLE memory_metrics ADD COLUMN native_memory jsonb;

-- Grafana's heap panel gets the resident set and the limit beside the heap (columns appended, as
-- CREATE OR REPLACE VIEW requires).
CREATE OR REPLACE VIEW memagent_heap_over_time AS
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
       memory_state,
       process_rss_bytes,
       container_memory_limit_bytes,
       container_memory_state,
       native_memory_committed_bytes
FROM memory_metrics;
