-- The four tables that grow with traffic become range-partitioned by day (UTC) on their time
-- column, so retention drops a whole day's partition instead of deleting rows, and queries over
-- a window read only that window's partitions. The conversion happens in place, without copying
-- a row: each existing table is renamed and attached, as it is, as the partition holding
-- everything before the end of the current day ("<table>_before_YYYYMMDD"); the agent creates
-- the daily partitions after it, a few days ahead, under the migration advisory lock (see
-- io.memagent.agent.store.Partitions). Attaching reads the old table once to check its rows fall
-- within that range; its indexes are reused where they match the new ones.
--
-- A partitioned table's primary key must include the partition column: memory_allocations'
-- becomes (operation_id, created_at) (operation ids are random UUIDs), gc_events' becomes
-- (run_id, gc_name, gc_id, occurred_at). Every other column, default and index is as before.
DROP VIEW memagent_top_consumers_per_interval;
DROP VIEW memagent_heap_over_time;

DO $$
DECLARE
    t       record;
    idx     record;
    newest  timestamptz;
    bound   timestamptz;
    legacy  text;
BEGIN
    FOR t IN SELECT * FROM (VALUES
            ('memory_allocations', 'created_at', 'operation_id, created_at', true),
            ('method_allocation_stats', 'bucket_start', 'run_id, operation_type, method, kind, bucket_start', false),
            ('memory_metrics', 'recorded_at', 'run_id, recorded_at', false),
            ('gc_events', 'occurred_at', 'run_id, gc_name, gc_id, occurred_at', true)
        ) AS v(name, col, pk, pk_changes)
    LOOP
        -- The end of the UTC day of the newest row, or of today: rows written after this migration
        -- by agents still running an older version (same columns) land here too until then.
        EXECUTE format('SELECT max(%I) FROM %I', t.col, t.name) INTO newest;
        bound := (date_trunc('day', greatest(newest, now()) AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC';
        legacy := t.name || '_before_' || to_char(bound AT TIME ZONE 'UTC', 'YYYYMMDD');
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t.name, legacy);
        IF t.pk_changes THEN
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', legacy, t.name || '_pkey');
        ELSE
            EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', legacy, t.name || '_pkey', legacy || '_pkey');
        END IF;
        -- The old table's other indexes keep their definitions under the partition's name, so the
        -- parent can have V1's names and attaching reuses them instead of building new ones.
        FOR idx IN SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                   JOIN pg_class r ON r.oid = x.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                   WHERE n.nspname = current_schema() AND r.relname = legacy AND NOT x.indisprimary
        LOOP
            EXECUTE format('ALTER INDEX %I RENAME TO %I', idx.relname,
                           legacy || substr(idx.relname, length(t.name) + 1));
        END LOOP;
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS) PARTITION BY RANGE (%I)', t.name, legacy, t.col);
        EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (%s)', t.name, t.pk);
        IF t.name = 'memory_allocations' THEN
            CREATE INDEX memory_allocations_service_created ON memory_allocations (service_name, created_at);
            CREATE INDEX memory_allocations_op ON memory_allocations (service_name, operation_type, created_at);
        ELSIF t.name = 'method_allocation_stats' THEN
            CREATE INDEX method_allocation_stats_service_bucket ON method_allocation_stats (service_name, bucket_start);
        ELSIF t.name = 'memory_metrics' THEN
            CREATE INDEX memory_metrics_service_recorded ON memory_metrics (service_name, recorded_at);
        ELSE
            CREATE INDEX gc_events_service_occurred ON gc_events (service_name, occurred_at);
        END IF;
        IF newest IS NULL THEN
            EXECUTE format('DROP TABLE %I', legacy);
        ELSE
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)', t.name, legacy, bound);
        END IF;
    END LOOP;
END
$$;

-- The views, as V4 and V6 made them, over the partitioned tables.
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
       memory_state,
       process_rss_bytes,
       container_memory_limit_bytes,
       container_memory_state,
       native_memory_committed_bytes
FROM memory_metrics;
