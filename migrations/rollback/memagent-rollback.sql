-- Removes everything memagent's migrations created, in the schema given by search_path
-- (run it as: psql -v ON_ERROR_STOP=1 -c 'SET search_path TO <schema>' -f this-file, or
-- set search_path in the same session). Safe to run twice. Dropping a partitioned table drops
-- its partitions (the daily ones the agent created, and the converted "_before_" ones).
DROP FUNCTION IF EXISTS memagent_top_consumers(timestamptz, timestamptz, interval);
DROP VIEW IF EXISTS memagent_top_consumers_per_hour;
DROP VIEW IF EXISTS memagent_top_consumers_per_minute;
DROP VIEW IF EXISTS memagent_top_consumers_per_interval;
DROP VIEW IF EXISTS memagent_heap_over_time;
DROP TABLE IF EXISTS memagent_batches;
DROP TABLE IF EXISTS system_alerts;
DROP TABLE IF EXISTS memory_optimization_recommendations;
DROP TABLE IF EXISTS memory_leak_detection;
DROP TABLE IF EXISTS memory_spikes;
DROP TABLE IF EXISTS gc_events;
DROP TABLE IF EXISTS memory_metrics;
DROP TABLE IF EXISTS method_allocation_stats_1h;
DROP TABLE IF EXISTS method_allocation_stats_1m;
DROP TABLE IF EXISTS method_allocation_stats;
DROP TABLE IF EXISTS memory_allocations;
DROP TABLE IF EXISTS agent_runs;
DROP TABLE IF EXISTS memagent_schema_history;
