-- Cold calls: calls during which their thread loaded (or defined) a class, typically an operation's
-- first calls after start or a rarely used path's first call. They are counted in calls and their
-- bytes in every total, min and max; p50/p95/p99 are over the other (warm) calls only, and no cold
-- call is a spike. Rows written before V9 count none.
-- Added to the parent tables: PostgreSQL adds it to every partition, existing and future.
ALTER TABLE method_allocation_stats ADD COLUMN cold_calls bigint NOT NULL DEFAULT 0;
ALTER TABLE method_allocation_stats_1m ADD COLUMN cold_calls bigint NOT NULL DEFAULT 0;
ALTER TABLE method_allocation_stats_1h ADD COLUMN cold_calls bigint NOT NULL DEFAULT 0;
