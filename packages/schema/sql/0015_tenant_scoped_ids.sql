-- Which way a run derived its target ids. 1: from (entity, legacy id) alone when the source was one
-- school's (runs before this migration); 2: from (tenant, entity, legacy id) with the tenant's key
-- (see docs/concepts/engine.md). Rows loaded under scheme 1 would be loaded again under other ids by
-- a rerun, so the migrator refuses to rerun their entities until those runs are rolled back.

alter table migration.runs add column id_scheme smallint not null default 1 check (id_scheme in (1, 2));
alter table migration.runs alter column id_scheme set default 2;
