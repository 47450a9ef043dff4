-- The SDMS client's read-through cache: one table per record kind, keyed by the SDMS id (or the
-- school code). A row with a null body is a negative entry: SDMS said there is no such record.
-- fetched_at is when SDMS last confirmed the answer; expires_at until when it answers alone;
-- last_error why the last refresh failed while the row was served stale. SDMS data is national,
-- not a tenant's, so these tables carry no tenant_id.

create schema if not exists sdms;

create table sdms.students (
  id             text primary key,
  body           jsonb,
  etag           text,
  fetched_at     timestamptz not null,
  expires_at     timestamptz not null,
  last_error     text,
  last_error_at  timestamptz,
  check (body is null or jsonb_typeof(body) = 'object')
);

create table sdms.staff (like sdms.students including all);
create table sdms.schools (like sdms.students including all);

-- What an operator looks at when SDMS is down: which entries are being served stale, and why.
create index students_last_error on sdms.students (last_error_at) where last_error is not null;
create index staff_last_error on sdms.staff (last_error_at) where last_error is not null;
create index schools_last_error on sdms.schools (last_error_at) where last_error is not null;

grant usage on schema sdms to schoolbridge_app, schoolbridge_migrator;
grant select, insert, update, delete on all tables in schema sdms to schoolbridge_app, schoolbridge_migrator;
