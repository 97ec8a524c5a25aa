-- Rows the writer dropped, per table (drops_by_reason says why): so "stored + dropped = made"
-- can be checked table by table after an outage.
ALTER TABLE agent_runs ADD COLUMN drops_by_table jsonb NOT NULL DEFAULT '{}'::jsonb;
