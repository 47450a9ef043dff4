-- When the entity of each batch began loading in its run (the run's own clock for the entity's rows
-- per second): `status` then computes rows/s as `run` does, from the entity's start, not the run's.
-- Batches committed before this migration have none.

alter table migration.batches add column started_at timestamptz;
