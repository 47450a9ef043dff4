-- audit: the change log of the portal tables, written by statement-level triggers, and the switch
-- the migrator uses to load in bulk without logging every row.
--
-- The switch is the session setting `app.audit`, set through audit.disable_triggers() and
-- audit.enable_triggers(). A setting dies with its session, so a migrator that crashes mid-load
-- leaves nothing switched off behind it (ALTER TABLE … DISABLE TRIGGER, across a load of many
-- committed batches, would stay off, and lock each table against the parallel loads besides).
-- The trigger honours the setting only for members of schoolbridge_migrator, so an application
-- session cannot silence its own audit trail.

create schema if not exists audit;

create type audit.audit_operation as enum ('INSERT', 'UPDATE', 'DELETE');

-- tenant_id has no foreign key on purpose: the log outlives the rows and tenants it describes.
create table audit.audit_log (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      text,
  operation      audit.audit_operation not null,
  table_name     text not null,
  row_id         uuid,
  old_data       jsonb,
  new_data       jsonb,
  actor          text not null,
  transaction_id bigint not null default txid_current(),
  occurred_at    timestamptz not null default now()
);
create index audit_log_row on audit.audit_log (table_name, row_id);
create index audit_log_tenant_time on audit.audit_log (tenant_id, occurred_at);

-- Switches auditing off for this session, or only until the end of the current transaction.
create function audit.disable_triggers(for_transaction boolean default false) returns void
language sql volatile as $$ select set_config('app.audit', 'off', for_transaction) $$;

-- Switches auditing back on for this session.
create function audit.enable_triggers() returns void
language sql volatile as $$ select set_config('app.audit', 'on', false) $$;

-- Whether changes made in this session are logged now.
create function audit.triggers_enabled() returns boolean
language sql stable as $$
  select coalesce(current_setting('app.audit', true), '') <> 'off'
      or not pg_has_role(session_user, 'schoolbridge_migrator', 'member')
$$;

-- Replaces the values of the named keys (secrets such as password hashes) by "redacted".
create function audit.redact(data jsonb, keys text[]) returns jsonb
language sql immutable as $$
  select data || coalesce((select jsonb_object_agg(k, 'redacted') from unnest(keys) k where data ? k), '{}'::jsonb)
$$;

-- One call per statement, reading the transition tables: a COPY of a million rows costs one
-- setting check when auditing is off, and one set-based insert when it is on. Trigger arguments
-- name columns to redact. Updates that change nothing are not logged.
create function audit.log_changes() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  secret text[] := coalesce(tg_argv, '{}');
  who text := coalesce(nullif(current_setting('app.actor', true), ''), session_user);
  tbl text := tg_table_schema || '.' || tg_table_name;
begin
  if not audit.triggers_enabled() then
    return null;
  end if;
  if tg_op = 'INSERT' then
    insert into audit.audit_log (tenant_id, operation, table_name, row_id, new_data, actor)
    select j ->> 'tenant_id', 'INSERT', tbl, (j ->> 'id')::uuid, audit.redact(j, secret), who
      from (select to_jsonb(r) as j from new_rows r) n;
  elsif tg_op = 'UPDATE' then
    insert into audit.audit_log (tenant_id, operation, table_name, row_id, old_data, new_data, actor)
    select coalesce(n.j ->> 'tenant_id', o.j ->> 'tenant_id'), 'UPDATE', tbl, (n.j ->> 'id')::uuid,
           audit.redact(o.j, secret), audit.redact(n.j, secret), who
      from (select to_jsonb(r) as j from old_rows r) o
      join (select to_jsonb(r) as j from new_rows r) n on n.j -> 'id' = o.j -> 'id'
     where o.j <> n.j;
  else
    insert into audit.audit_log (tenant_id, operation, table_name, row_id, old_data, actor)
    select j ->> 'tenant_id', 'DELETE', tbl, (j ->> 'id')::uuid, audit.redact(j, secret), who
      from (select to_jsonb(r) as j from old_rows r) o;
  end if;
  return null;
end $$;

-- Keeps updated_at current on application updates; an update that sets updated_at itself (a sync
-- carrying the source's time) keeps its value. Inserts are left alone, so migrated rows keep theirs.
create function audit.touch_updated_at() returns trigger
language plpgsql as $$
begin
  if new.updated_at is not distinct from old.updated_at then
    new.updated_at := now();
  end if;
  return new;
end $$;

-- Attaches the audit triggers (and the updated_at trigger) to a table; `secret` names columns to redact.
create function audit.attach(target regclass, secret text[] default '{}') returns void
language plpgsql as $$
declare
  args text := (select coalesce(string_agg(quote_literal(s), ', '), '') from unnest(secret) s);
begin
  execute format('create trigger audit_insert after insert on %s referencing new table as new_rows
                  for each statement execute function audit.log_changes(%s)', target, args);
  execute format('create trigger audit_update after update on %s referencing old table as old_rows new table as new_rows
                  for each statement execute function audit.log_changes(%s)', target, args);
  execute format('create trigger audit_delete after delete on %s referencing old table as old_rows
                  for each statement execute function audit.log_changes(%s)', target, args);
  execute format('create trigger touch_updated_at before update on %s
                  for each row execute function audit.touch_updated_at()', target);
end $$;

-- Audited: every portal table except runtime state (sessions, refresh tokens) and derived
-- analytics, which change constantly and are rebuilt from audited data.
do $$
declare
  t regclass;
begin
  for t in
    select c.oid::regclass
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('auth', 'academic', 'islamic', 'financial', 'communication', 'content')
       and c.relkind = 'r'
       and c.oid not in ('auth.sessions'::regclass, 'auth.refresh_tokens'::regclass)
     order by 1
  loop
    perform audit.attach(t, case when t = 'auth.users'::regclass then array['password_hash'] else '{}' end);
  end loop;
end $$;

revoke execute on function audit.disable_triggers(boolean), audit.enable_triggers(), audit.log_changes(),
  audit.attach(regclass, text[]) from public;
grant usage on schema audit to schoolbridge_app, schoolbridge_migrator;
grant select on audit.audit_log to schoolbridge_app, schoolbridge_migrator;
grant execute on function audit.disable_triggers(boolean), audit.enable_triggers() to schoolbridge_migrator;

alter table audit.audit_log enable row level security;
create policy tenant_isolation on audit.audit_log
  using (tenant_id = (select current_setting('app.tenant_id', true)));
