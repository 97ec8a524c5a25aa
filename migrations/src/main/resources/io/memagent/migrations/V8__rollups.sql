-- Per-operation rollups at 1 minute and 1 hour, and each bucket's histogram, so percentiles over
-- any window are merged, not maxed.
--
-- histogram: the bucket's histogram of bytes per measured call, in HdrHistogram's own binary
-- encoding (AbstractHistogram.encodeIntoByteBuffer: a header, then counts as ZigZag LEB128 with
-- runs of empty cells collapsed; 2 significant digits, so a percentile read from it is within
-- 1/128 of the value entered). Null when no call was measured (and in rows written before V8).
-- Histograms of one operation merge exactly (HdrHistogram.add), which is how the report command
-- reads p50/p95/p99 over many buckets, JVMs and rollup rows.
ALTER TABLE method_allocation_stats ADD COLUMN histogram bytea;

-- One row per JVM (run) per operation per UTC minute / hour, written by that JVM's agent as the
-- minute or hour closes (io.memagent.agent.aggregate.Rollups): the same columns as
-- method_allocation_stats, summed over the buckets whose bucket_start falls in it; min/max over
-- them; p50/p95/p99 read from the merged histogram. bucket_end is the end of the last bucket in
-- it, at most the minute's or hour's end (less for a run's last, partial one). Partitioned by day
-- like the table they roll up; kept memagent.retention.minutes.days / .hours.days.
CREATE TABLE method_allocation_stats_1m (LIKE method_allocation_stats INCLUDING DEFAULTS) PARTITION BY RANGE (bucket_start);
ALTER TABLE method_allocation_stats_1m ADD PRIMARY KEY (run_id, operation_type, method, kind, bucket_start);
CREATE INDEX method_allocation_stats_1m_service_bucket ON method_allocation_stats_1m (service_name, bucket_start);
-- One operation's history (a Grafana panel, the HTTP history of one operation) reads only its rows.
CREATE INDEX method_allocation_stats_1m_service_op ON method_allocation_stats_1m (service_name, operation_type, bucket_start);

CREATE TABLE method_allocation_stats_1h (LIKE method_allocation_stats INCLUDING DEFAULTS) PARTITION BY RANGE (bucket_start);
ALTER TABLE method_allocation_stats_1h ADD PRIMARY KEY (run_id, operation_type, method, kind, bucket_start);
CREATE INDEX method_allocation_stats_1h_service_bucket ON method_allocation_stats_1h (service_name, bucket_start);
CREATE INDEX method_allocation_stats_1h_service_op ON method_allocation_stats_1h (service_name, operation_type, bucket_start);

-- Rows written before this migration get their rollups here, so a week's report reads them too.
-- They have no histogram: their percentiles are the highest of their buckets' (an upper bound,
-- as before V8), and the report says when a figure includes such rows.
DO $$
DECLARE
    level   record;
    newest  timestamptz;
    bound   timestamptz;
BEGIN
    SELECT max(bucket_start) INTO newest FROM method_allocation_stats;
    IF newest IS NULL THEN
        RETURN;
    END IF;
    bound := (date_trunc('day', greatest(newest, now()) AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC';
    FOR level IN SELECT * FROM (VALUES ('method_allocation_stats_1m', 'minute', interval '1 minute'),
                                       ('method_allocation_stats_1h', 'hour', interval '1 hour')) AS v(name, unit, width)
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (MINVALUE) TO (%L)',
                       level.name || '_before_' || to_char(bound AT TIME ZONE 'UTC', 'YYYYMMDD'), level.name, bound);
        EXECUTE format('INSERT INTO %I (run_id, service_name, process_id, operation_type, method, kind, bucket_start,'
            ' bucket_end, calls, errors, unmeasured_calls, total_bytes, self_bytes, min_bytes, max_bytes, p50_bytes,'
            ' p95_bytes, p99_bytes, total_duration_ns, max_duration_ns)'
            ' SELECT run_id, min(service_name), min(process_id), operation_type, method, kind, w,'
            ' least(max(bucket_end), w + %L::interval), sum(calls), sum(errors), sum(unmeasured_calls), sum(total_bytes),'
            ' sum(self_bytes), min(min_bytes), max(max_bytes), max(p50_bytes), max(p95_bytes), max(p99_bytes),'
            ' sum(total_duration_ns), max(max_duration_ns)'
            ' FROM (SELECT *, date_trunc(%L, bucket_start AT TIME ZONE ''UTC'') AT TIME ZONE ''UTC'' AS w'
            '       FROM method_allocation_stats) s'
            ' GROUP BY run_id, operation_type, method, kind, w', level.name, level.width, level.unit);
    END LOOP;
END
$$;

-- Grafana: the same shape as memagent_top_consumers_per_interval, one row per service, operation
-- and minute / hour (JVMs summed). A view cannot merge histograms, so across JVMs p99_bytes is the
-- highest of the JVMs' (each JVM's own is merged over its minute or hour); for one JVM it is exact.
CREATE VIEW memagent_top_consumers_per_minute AS
SELECT bucket_start AS time, service_name, operation_type AS operation, sum(calls)::bigint AS calls,
       sum(errors)::bigint AS errors, sum(total_bytes)::bigint AS total_bytes, sum(self_bytes)::bigint AS self_bytes,
       (sum(total_bytes) / NULLIF(sum(calls - unmeasured_calls), 0))::bigint AS average_bytes,
       max(max_bytes) AS max_bytes, max(p99_bytes) AS p99_bytes, sum(total_duration_ns)::bigint AS total_duration_ns
FROM method_allocation_stats_1m
GROUP BY bucket_start, service_name, operation_type;

CREATE VIEW memagent_top_consumers_per_hour AS
SELECT bucket_start AS time, service_name, operation_type AS operation, sum(calls)::bigint AS calls,
       sum(errors)::bigint AS errors, sum(total_bytes)::bigint AS total_bytes, sum(self_bytes)::bigint AS self_bytes,
       (sum(total_bytes) / NULLIF(sum(calls - unmeasured_calls), 0))::bigint AS average_bytes,
       max(max_bytes) AS max_bytes, max(p99_bytes) AS p99_bytes, sum(total_duration_ns)::bigint AS total_duration_ns
FROM method_allocation_stats_1h
GROUP BY bucket_start, service_name, operation_type;

-- For a Grafana panel whose resolution varies with the time range: the coarsest level whose width
-- is at most the panel's step ($__interval), e.g.
--   SELECT time, operation AS metric, total_bytes AS value
--   FROM memagent_top_consumers($__timeFrom(), $__timeTo(), '$__interval') WHERE service_name = '$service'
-- A single SQL statement, so PostgreSQL inlines it: the service filter and the time bounds reach
-- the tables' indexes and partitions, and only the chosen level is read.
CREATE FUNCTION memagent_top_consumers(from_time timestamptz, to_time timestamptz, step interval)
RETURNS SETOF memagent_top_consumers_per_interval
LANGUAGE sql STABLE AS $$
    SELECT * FROM memagent_top_consumers_per_hour
    WHERE step >= interval '1 hour' AND time >= from_time AND time < to_time
    UNION ALL
    SELECT * FROM memagent_top_consumers_per_minute
    WHERE step >= interval '1 minute' AND step < interval '1 hour' AND time >= from_time AND time < to_time
    UNION ALL
    SELECT * FROM memagent_top_consumers_per_interval
    WHERE step < interval '1 minute' AND time >= from_time AND time < to_time
$$;
