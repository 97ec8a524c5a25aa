-- From a call or a spike to its trace: the W3C trace id (32 hex digits) and span id (16) of the
-- OpenTelemetry span open on the call's thread when the call ended (the span started last and not
-- yet ended there, as memagent-otel reports spans to the agent). Null when no span was open, when
-- memagent-otel is not in use, for heap-level spikes, and in rows written before V10.
-- Added to the parent tables: PostgreSQL adds them to every partition, existing and future.
ALTER TABLE memory_allocations ADD COLUMN trace_id text, ADD COLUMN span_id text;
ALTER TABLE memory_spikes ADD COLUMN trace_id text, ADD COLUMN span_id text;
