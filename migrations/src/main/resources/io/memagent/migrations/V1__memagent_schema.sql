-- memagent schema, version 1. Column names are public API (see SPEC.md "Tables").
-- Every table carries service_name and process_id (the OS pid) and run_id (the agent_runs
-- row of the JVM that wrote it: pids are reused, run ids are not).
-- Tables are created in the schema Flyway is pointed at (memagent.db.schema).

CREATE TABLE agent_runs (
    run_id          uuid PRIMARY KEY,
    service_name    text        NOT NULL,
    process_id      bigint      NOT NULL,
    host            text        NOT NULL,
    jvm_version     text        NOT NULL,
    agent_version   text        NOT NULL,
    config          jsonb       NOT NULL,
    started_at      timestamptz NOT NULL,
    stopped_at      timestamptz,
    records_dropped bigint      NOT NULL DEFAULT 0,
    drops_by_reason jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX agent_runs_service_started ON agent_runs (service_name, started_at);

-- One row per recorded call (calls at or above memagent.calls.min.bytes).
CREATE TABLE memory_allocations (
    operation_id       uuid PRIMARY KEY,
    run_id             uuid        NOT NULL,
    service_name       text        NOT NULL,
    process_id         bigint      NOT NULL,
    operation_type     text        NOT NULL,
    method             text        NOT NULL,
    kind               text        NOT NULL,
    thread_name        text        NOT NULL,
    allocated_bytes    bigint      NOT NULL,
    self_bytes         bigint      NOT NULL,
    duration_ns        bigint      NOT NULL,
    threw              boolean     NOT NULL,
    allocation_pattern jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at         timestamptz NOT NULL
);
CREATE INDEX memory_allocations_service_created ON memory_allocations (service_name, created_at);
CREATE INDEX memory_allocations_op ON memory_allocations (service_name, operation_type, created_at);

-- One row per operation per statistics bucket (memagent.stats.interval.ms wide).
CREATE TABLE method_allocation_stats (
    run_id            uuid        NOT NULL,
    service_name      text        NOT NULL,
    process_id        bigint      NOT NULL,
    operation_type    text        NOT NULL,
    method            text        NOT NULL,
    kind              text        NOT NULL,
    bucket_start      timestamptz NOT NULL,
    bucket_end        timestamptz NOT NULL,
    calls             bigint      NOT NULL,
    errors            bigint      NOT NULL,
    unmeasured_calls  bigint      NOT NULL,
    total_bytes       bigint      NOT NULL,
    self_bytes        bigint      NOT NULL,
    min_bytes         bigint,
    max_bytes         bigint,
    p50_bytes         bigint,
    p95_bytes         bigint,
    p99_bytes         bigint,
    total_duration_ns bigint      NOT NULL,
    max_duration_ns   bigint      NOT NULL,
    PRIMARY KEY (run_id, operation_type, method, kind, bucket_start)
);
CREATE INDEX method_allocation_stats_service_bucket ON method_allocation_stats (service_name, bucket_start);

-- One row per JVM memory sample.
CREATE TABLE memory_metrics (
    run_id                         uuid        NOT NULL,
    service_name                   text        NOT NULL,
    process_id                     bigint      NOT NULL,
    heap_size_bytes                bigint      NOT NULL,
    heap_used_bytes                bigint      NOT NULL,
    heap_free_bytes                bigint      NOT NULL,
    heap_max_bytes                 bigint,
    non_heap_used_bytes            bigint      NOT NULL,
    metaspace_used_bytes           bigint,
    old_gen_used_after_gc_bytes    bigint,
    direct_buffer_bytes            bigint,
    mapped_buffer_bytes            bigint,
    gc_count                       bigint      NOT NULL,
    gc_duration_ms                 bigint      NOT NULL,
    thread_count                   integer     NOT NULL,
    loaded_class_count             integer     NOT NULL,
    allocation_rate_bytes_per_sec  bigint,
    memory_utilization_pct         double precision NOT NULL,
    memory_state                   text        NOT NULL,
    recorded_at                    timestamptz NOT NULL,
    PRIMARY KEY (run_id, recorded_at)
);
CREATE INDEX memory_metrics_service_recorded ON memory_metrics (service_name, recorded_at);

-- One row per garbage collection (from the JVM's GC notifications).
CREATE TABLE gc_events (
    run_id            uuid        NOT NULL,
    service_name      text        NOT NULL,
    process_id        bigint      NOT NULL,
    gc_id             bigint      NOT NULL,
    gc_name           text        NOT NULL,
    gc_action         text        NOT NULL,
    gc_cause          text        NOT NULL,
    duration_ms       bigint      NOT NULL,
    heap_before_bytes bigint      NOT NULL,
    heap_after_bytes  bigint      NOT NULL,
    occurred_at       timestamptz NOT NULL,
    PRIMARY KEY (run_id, gc_name, gc_id)
);
CREATE INDEX gc_events_service_occurred ON gc_events (service_name, occurred_at);

CREATE TABLE memory_spikes (
    spike_id        uuid PRIMARY KEY,
    run_id          uuid        NOT NULL,
    service_name    text        NOT NULL,
    process_id      bigint      NOT NULL,
    operation_type  text        NOT NULL,
    method          text        NOT NULL,
    severity        text        NOT NULL CHECK (severity IN ('medium', 'high', 'critical')),
    allocated_bytes bigint      NOT NULL,
    threshold_bytes bigint      NOT NULL,
    thread_name     text        NOT NULL,
    stack_trace     text,
    heap_dump_path  text,
    detected_at     timestamptz NOT NULL
);
CREATE INDEX memory_spikes_service_detected ON memory_spikes (service_name, detected_at);

CREATE TABLE memory_leak_detection (
    leak_id           uuid PRIMARY KEY,
    run_id            uuid        NOT NULL,
    service_name      text        NOT NULL,
    process_id        bigint      NOT NULL,
    leak_type         text        NOT NULL,
    leak_source       text        NOT NULL,
    leaked_bytes      bigint      NOT NULL,
    detection_method  text        NOT NULL,
    stack_trace       text,
    operation_context jsonb       NOT NULL DEFAULT '{}'::jsonb,
    severity          text        NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    resolved          boolean     NOT NULL DEFAULT false,
    resolved_at       timestamptz,
    detected_at       timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX memory_leak_detection_service_open ON memory_leak_detection (service_name, resolved, detected_at);

CREATE TABLE memory_optimization_recommendations (
    recommendation_id       uuid PRIMARY KEY,
    run_id                  uuid        NOT NULL,
    service_name            text        NOT NULL,
    process_id              bigint      NOT NULL,
    recommendation_type     text        NOT NULL,
    current_usage_bytes     bigint      NOT NULL,
    recommended_limit_bytes bigint,
    optimization_strategy   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    estimated_savings_bytes bigint,
    implementation_priority text        NOT NULL,
    implemented             boolean     NOT NULL DEFAULT false,
    implemented_at          timestamptz,
    created_at              timestamptz NOT NULL
);
-- "At most one open recommendation of a type per service per day", enforced by the database
-- too, so that several JVMs of one service cannot race past the agent's own check.
CREATE UNIQUE INDEX memory_optimization_recommendations_one_per_day
    ON memory_optimization_recommendations (service_name, recommendation_type, ((created_at AT TIME ZONE 'UTC')::date))
    WHERE NOT implemented;

CREATE TABLE system_alerts (
    alert_id     uuid PRIMARY KEY,
    run_id       uuid        NOT NULL,
    service_name text        NOT NULL,
    process_id   bigint      NOT NULL,
    alert_type   text        NOT NULL,
    severity     text        NOT NULL,
    message      text        NOT NULL,
    context      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL
);
CREATE INDEX system_alerts_service_created ON system_alerts (service_name, created_at);

-- Batches the writer has committed: a retry after a connection lost during COMMIT checks
-- here first, so a batch lands exactly once.
CREATE TABLE memagent_batches (
    batch_id     uuid PRIMARY KEY,
    run_id       uuid        NOT NULL,
    row_count    integer     NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now()
);
