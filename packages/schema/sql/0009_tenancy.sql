-- Roles, grants and row-level security.
--
-- Two roles (cluster-wide, so created only when missing: a DBA may create them first, and then this
-- migration needs no superuser; test databases on one server share them). Neither owns anything:
-- tables stay owned by whoever runs the schema migrations. Neither gets a password here; operators
-- set one with `alter role … password …`.
--
--   schoolbridge_migrator  the bulk loader and sync agent. BYPASSRLS: it loads every tenant in one
--                          run. Reads and writes the portal tables and the `migration` ledger.
--   schoolbridge_app       the portal applications. Subject to row-level security: a session sees
--                          and writes only the rows of the tenant in its setting `app.tenant_id`
--                          (a tenant code), e.g. `select set_config('app.tenant_id', 'SMA1', false)`.
--                          Without the setting it sees no tenant-owned rows at all.

do $$ begin
  create role schoolbridge_migrator login bypassrls;
-- Two databases migrating at once race on the catalog: the loser sees a unique violation.
exception when duplicate_object or unique_violation then null;
end $$;

do $$ begin
  create role schoolbridge_app login;
exception when duplicate_object or unique_violation then null;
end $$;

grant usage on schema auth, academic, islamic, financial, communication, content, analytics
  to schoolbridge_app, schoolbridge_migrator;
grant select, insert, update, delete on all tables in schema auth, academic, islamic, financial, communication, content, analytics
  to schoolbridge_app, schoolbridge_migrator;
-- Tenants and the role/permission catalog are set up by operators and seeds, read by applications.
revoke insert, update, delete on auth.tenants, auth.roles, auth.permissions, auth.role_permissions from schoolbridge_app;

grant usage on schema migration to schoolbridge_migrator;
grant select, insert, update, delete on all tables in schema migration to schoolbridge_migrator;
grant usage, select on all sequences in schema migration to schoolbridge_migrator;
-- The sink rebuilds migration.legacy_id_map after registering a target; replacing a view takes its
-- owner, so the function runs as its owner rather than making the migrator own the view.
alter function migration.refresh_legacy_id_map() security definer set search_path = pg_catalog, pg_temp;
revoke execute on function migration.refresh_legacy_id_map() from public;
grant execute on function migration.refresh_legacy_id_map() to schoolbridge_migrator;

-- Every table with a tenant_id column gets the same policy. `(select current_setting(…))` is
-- evaluated once per statement, not per row; the missing setting reads as null and matches nothing.
do $$
declare
  t regclass;
begin
  for t in
    select c.oid::regclass
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where n.nspname in ('auth', 'academic', 'islamic', 'financial', 'communication', 'content', 'analytics')
       and c.relkind in ('r', 'p')
  loop
    execute format('alter table %s enable row level security', t);
    execute format(
      'create policy tenant_isolation on %s
         using (tenant_id = (select current_setting(''app.tenant_id'', true)))
         with check (tenant_id = (select current_setting(''app.tenant_id'', true)))',
      t);
  end loop;
end $$;

alter table auth.tenants enable row level security;
create policy tenant_isolation on auth.tenants
  using (code = (select current_setting('app.tenant_id', true)));
