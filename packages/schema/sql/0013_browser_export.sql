-- academic.private_lessons: one-to-one lessons a teacher gives a student outside the class
-- timetable, with their fee. The browser app (seed 003) keeps them as its own domain and no other
-- portal table holds a lesson that belongs to one student rather than to a class.

create table academic.private_lessons (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  student_id       uuid not null references academic.students (id),
  teacher_id       uuid references academic.teachers (id),
  subject          text,
  lesson_date      date not null,
  -- Local wall-clock time in the tenant's zone, `HH:MM`; null when the source has only the day.
  start_time       text check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  duration_minutes integer check (duration_minutes > 0),
  fee              numeric(12,2) check (fee >= 0),
  currency         text not null default 'MYR' check (currency ~ '^[A-Z]{3}$'),
  status           text not null default 'scheduled'
                   check (status in ('scheduled', 'completed', 'cancelled', 'no_show')),
  notes            text,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index private_lessons_tenant on academic.private_lessons (tenant_id);
create index private_lessons_student_date on academic.private_lessons (student_id, lesson_date);
create index private_lessons_teacher on academic.private_lessons (teacher_id);
create index private_lessons_legacy on academic.private_lessons (legacy_source, legacy_id) where legacy_id is not null;

-- What 0009_tenancy and 0010_audit give every tenant table (they ran before this table existed).
grant select, insert, update, delete on academic.private_lessons to schoolbridge_app, schoolbridge_migrator;
alter table academic.private_lessons enable row level security;
create policy tenant_isolation on academic.private_lessons
  using (tenant_id = (select current_setting('app.tenant_id', true)))
  with check (tenant_id = (select current_setting('app.tenant_id', true)));
select audit.attach('academic.private_lessons');
