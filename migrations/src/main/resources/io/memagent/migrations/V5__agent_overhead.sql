-- What the agent cost the app's threads over the run (class weaving as classes load, naming
-- operations, per-thread state): bytes allocated and time spent there, never in any operation's
-- figures. The app's own allocation counter = profiled bytes + agent_overhead_bytes.
ALTER TABLE agent_runs ADD COLUMN agent_overhead_bytes bigint NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN agent_overhead_ns bigint NOT NULL DEFAULT 0;
