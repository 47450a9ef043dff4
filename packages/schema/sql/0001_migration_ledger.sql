-- The migration ledger: runs, batches with their checkpoints and the target keys each one loaded,
-- row errors, and the legacy-id map. Data and ledger rows of a batch commit in one transaction.

create schema if not exists migration;

create table migration.runs (
  run_id       bigint generated always as identity primary key,
  label        text,
  status       text not null default 'running'
               check (status in ('running', 'completed', 'failed', 'interrupted', 'rolled_back')),
  dry_run      boolean not null default false,
  options      jsonb not null default '{}'::jsonb,
  started_at   timestamptz not null default now(),
  finished_at  timestamptz,
  message      text
);

-- One row per committed batch. cursor_to is the checkpoint: the source position after the batch.
-- The target rows a batch inserted are found again through id_ranges (pairs lo, hi of ordered ids)
-- or, where the loaded ids do not form ranges, through ids.
create table migration.batches (
  batch_id        bigint generated always as identity primary key,
  run_id          bigint not null references migration.runs (run_id) on delete cascade,
  entity          text not null,
  partition_key   text not null,
  seq             integer not null check (seq > 0),
  cursor_from     jsonb,
  cursor_to       jsonb not null,
  target_table    text not null,
  mode            text not null check (mode in ('copy', 'merge')),
  id_ranges       uuid[] not null default '{}',
  ids             uuid[] not null default '{}',
  read_count      integer not null check (read_count >= 0),
  loaded_count    integer not null check (loaded_count >= 0),
  rejected_count  integer not null check (rejected_count >= 0),
  skipped_count   integer not null check (skipped_count >= 0),
  skipped_reason  text,
  committed_at    timestamptz not null default now(),
  rolled_back_at  timestamptz,
  unique (run_id, entity, partition_key, seq),
  check (read_count = loaded_count + rejected_count + skipped_count)
);
create index batches_entity_partition on migration.batches (entity, partition_key) where rolled_back_at is null;

-- Rejected rows (with every reason), skipped rows and data notes (a zero date read as null, ...).
create table migration.row_errors (
  error_id      bigint generated always as identity primary key,
  run_id        bigint not null references migration.runs (run_id) on delete cascade,
  batch_id      bigint not null references migration.batches (batch_id) on delete cascade,
  entity        text not null,
  partition_key text not null,
  kind          text not null check (kind in ('rejected', 'skipped', 'note')),
  source_key    text,
  column_name   text,
  rule          text not null,
  message       text not null,
  raw           jsonb,
  created_at    timestamptz not null default now()
);
create index row_errors_run on migration.row_errors (run_id, entity);
create index row_errors_batch on migration.row_errors (batch_id);

-- Target tables the engine has loaded, so the legacy-id map can be a view over their own
-- legacy_source / legacy_id columns instead of a second write per row.
create table migration.targets (
  target_table   text primary key,
  id_column      text not null,
  tenant_column  text,
  -- false for tables without legacy_source / legacy_id: rollback still works, the id-map view skips them
  legacy_columns boolean not null,
  registered_at  timestamptz not null default now()
);

-- Identities that cannot be derived from (tenant, entity, legacy id): matches by natural key.
create table migration.id_map (
  tenant     text not null,
  entity     text not null,
  legacy_id  text not null,
  target_id  uuid not null,
  batch_id   bigint not null references migration.batches (batch_id) on delete cascade,
  primary key (tenant, entity, legacy_id)
);
create index id_map_batch on migration.id_map (batch_id);

-- Every rollback, for the record: what was asked and what it removed.
create table migration.rollbacks (
  rollback_id  bigint generated always as identity primary key,
  scope        text not null,
  batches      integer not null,
  removed      jsonb not null,
  done_at      timestamptz not null default now()
);

-- (Re)builds migration.legacy_id_map over every registered target table plus migration.id_map.
create function migration.refresh_legacy_id_map() returns void
language plpgsql as $$
declare
  body text := 'select tenant, entity, legacy_id, target_id, ''map''::text as origin from migration.id_map';
  t record;
begin
  for t in select target_table, id_column, tenant_column from migration.targets where legacy_columns order by target_table loop
    body := body || format(
      ' union all select %s, legacy_source, legacy_id, %I, %L from %s where legacy_id is not null',
      coalesce(quote_ident(t.tenant_column) || '::text', 'null::text'), t.id_column, t.target_table, t.target_table);
  end loop;
  execute 'create or replace view migration.legacy_id_map as ' || body;
end $$;

select migration.refresh_legacy_id_map();
