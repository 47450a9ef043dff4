-- analytics: figures the metrics aggregator computes and dashboards read. Derived data, rebuilt
-- rather than migrated, so no legacy columns and no soft delete.

create schema if not exists analytics;

-- One figure per (metric, subject, period). subject_id names a user, class or course of the
-- tenant; it has no foreign key because its table depends on subject_type.
create table analytics.dashboard_metrics (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    text not null references auth.tenants (code) on update cascade,
  metric_key   text not null,
  subject_type text not null check (subject_type in ('tenant', 'user', 'class', 'course')),
  subject_id   uuid,
  period       text not null check (period in ('day', 'week', 'month', 'term', 'year')),
  period_start date not null,
  value        numeric not null,
  computed_at  timestamptz not null default now(),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  check ((subject_type = 'tenant') = (subject_id is null))
);
create unique index dashboard_metrics_key on analytics.dashboard_metrics
  (tenant_id, metric_key, subject_type, subject_id, period, period_start) nulls not distinct;

create table analytics.report_cache (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    text not null references auth.tenants (code) on update cascade,
  report_key   text not null,
  parameters   jsonb not null default '{}'::jsonb,
  payload      jsonb not null,
  generated_at timestamptz not null default now(),
  expires_at   timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  unique (tenant_id, report_key, parameters)
);
create index report_cache_expires on analytics.report_cache (expires_at) where expires_at is not null;
