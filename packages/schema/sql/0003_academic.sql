-- academic: years, people (students, guardians, teachers), classes, enrollments, attendance, and
-- assessments with their results (the high-volume table of a migration).

create schema if not exists academic;

create type academic.gender_type as enum ('male', 'female');
create type academic.student_status as enum ('active', 'graduated', 'withdrawn', 'expelled', 'transferred', 'on_leave');
create type academic.attendance_status as enum ('present', 'absent', 'late', 'excused', 'sick', 'holiday');

create table academic.academic_years (
  id                 uuid primary key default gen_random_uuid(),
  tenant_id          text not null references auth.tenants (code) on update cascade,
  name               text not null,
  code               text,
  start_date         date not null,
  end_date           date not null,
  is_current         boolean not null default false,
  is_enrollment_open boolean not null default false,
  legacy_source      text,
  legacy_id          text,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  deleted_at         timestamptz,
  unique (tenant_id, name),
  check (end_date >= start_date)
);
create index academic_years_legacy on academic.academic_years (legacy_source, legacy_id) where legacy_id is not null;

-- Structured address, the shape of cleansers' MalaysianAddress: line1, line2, city, state, postcode, country.
create table academic.students (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      text not null references auth.tenants (code) on update cascade,
  user_id        uuid not null references auth.users (id),
  student_number text not null,
  date_of_birth  date,
  gender         academic.gender_type,
  nationality    text,
  national_id    text,
  blood_type     text check (blood_type in ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-')),
  medical_notes  text,
  admission_date date,
  status         academic.student_status not null default 'active',
  address        jsonb,
  legacy_source  text,
  legacy_id      text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  deleted_at     timestamptz,
  unique (tenant_id, student_number)
);
create index students_user on academic.students (user_id);
create index students_national_id on academic.students (national_id) where national_id is not null;
create index students_legacy on academic.students (legacy_source, legacy_id) where legacy_id is not null;

-- A guardian may have no portal account (a parent known only as a contact), hence own name and contact columns.
create table academic.guardians (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  user_id       uuid references auth.users (id),
  first_name    text not null,
  last_name     text,
  email         text check (email = lower(email)),
  phone         text,
  national_id   text,
  occupation    text,
  address       jsonb,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz
);
create index guardians_tenant on academic.guardians (tenant_id);
create index guardians_user on academic.guardians (user_id);
create index guardians_legacy on academic.guardians (legacy_source, legacy_id) where legacy_id is not null;

create table academic.student_guardians (
  id                   uuid primary key default gen_random_uuid(),
  tenant_id            text not null references auth.tenants (code) on update cascade,
  student_id           uuid not null references academic.students (id) on delete cascade,
  guardian_id          uuid not null references academic.guardians (id) on delete cascade,
  relationship         text not null,
  is_primary           boolean not null default false,
  -- 1 is called first (Gibbon's family contact priority).
  contact_priority     smallint check (contact_priority >= 1),
  is_emergency_contact boolean not null default false,
  legacy_source        text,
  legacy_id            text,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  deleted_at           timestamptz,
  unique (student_id, guardian_id)
);
create index student_guardians_tenant on academic.student_guardians (tenant_id);
create index student_guardians_guardian on academic.student_guardians (guardian_id);
create index student_guardians_legacy on academic.student_guardians (legacy_source, legacy_id) where legacy_id is not null;

create table academic.teachers (
  id                uuid primary key default gen_random_uuid(),
  tenant_id         text not null references auth.tenants (code) on update cascade,
  user_id           uuid not null references auth.users (id),
  staff_number      text,
  specialization    text,
  qualification     text,
  hire_date         date,
  employment_status text not null default 'active'
                    check (employment_status in ('active', 'on_leave', 'resigned', 'retired', 'terminated')),
  legacy_source     text,
  legacy_id         text,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  deleted_at        timestamptz
);
create index teachers_tenant on academic.teachers (tenant_id);
create unique index teachers_tenant_staff_number on academic.teachers (tenant_id, staff_number) where staff_number is not null;
create index teachers_user on academic.teachers (user_id);
create index teachers_legacy on academic.teachers (legacy_source, legacy_id) where legacy_id is not null;

-- A class is a form group, a subject class or an LMS course; a course may belong to no academic year.
create table academic.classes (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           text not null references auth.tenants (code) on update cascade,
  academic_year_id    uuid references academic.academic_years (id),
  code                text,
  name                text not null,
  grade_level         text,
  homeroom_teacher_id uuid references academic.teachers (id),
  capacity            integer check (capacity > 0),
  room                text,
  legacy_source       text,
  legacy_id           text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  deleted_at          timestamptz
);
create index classes_tenant on academic.classes (tenant_id);
create index classes_academic_year on academic.classes (academic_year_id);
create index classes_homeroom_teacher on academic.classes (homeroom_teacher_id);
create index classes_legacy on academic.classes (legacy_source, legacy_id) where legacy_id is not null;

create table academic.enrollments (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       text not null references auth.tenants (code) on update cascade,
  student_id      uuid not null references academic.students (id),
  class_id        uuid not null references academic.classes (id),
  enrollment_date date not null,
  end_date        date,
  status          text not null default 'active' check (status in ('active', 'completed', 'withdrawn', 'transferred')),
  legacy_source   text,
  legacy_id       text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  deleted_at      timestamptz
);
create index enrollments_tenant on academic.enrollments (tenant_id);
create index enrollments_student on academic.enrollments (student_id);
create index enrollments_class on academic.enrollments (class_id);
create index enrollments_legacy on academic.enrollments (legacy_source, legacy_id) where legacy_id is not null;

create table academic.attendance (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       text not null references auth.tenants (code) on update cascade,
  student_id      uuid not null references academic.students (id),
  class_id        uuid references academic.classes (id),
  attendance_date date not null,
  status          academic.attendance_status not null,
  remarks         text,
  recorded_by     uuid references auth.users (id),
  legacy_source   text,
  legacy_id       text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  deleted_at      timestamptz
);
create index attendance_tenant on academic.attendance (tenant_id);
create index attendance_student_date on academic.attendance (student_id, attendance_date);
create index attendance_class on academic.attendance (class_id);
create index attendance_recorded_by on academic.attendance (recorded_by);
create index attendance_legacy on academic.attendance (legacy_source, legacy_id) where legacy_id is not null;

create table academic.assessments (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  academic_year_id uuid references academic.academic_years (id),
  class_id         uuid references academic.classes (id),
  name             text not null,
  category         text,
  term             text,
  max_score        numeric(10,2) not null default 100 check (max_score > 0),
  weight           numeric(6,3) check (weight >= 0),
  assessed_on      date,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index assessments_tenant on academic.assessments (tenant_id);
create index assessments_academic_year on academic.assessments (academic_year_id);
create index assessments_class on academic.assessments (class_id);
create index assessments_legacy on academic.assessments (legacy_source, legacy_id) where legacy_id is not null;

-- Millions of rows: one per student per assessment. `percentage` is the score scaled to 0-100
-- (Moodle grades have per-item ranges), so results of different assessments compare.
create table academic.assessment_results (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  assessment_id uuid not null references academic.assessments (id) on delete cascade,
  student_id    uuid not null references academic.students (id),
  score         numeric(10,2),
  percentage    numeric(5,2) check (percentage between 0 and 100),
  grade         text,
  feedback      text,
  graded_by     uuid references auth.users (id),
  graded_at     timestamptz,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz,
  unique (assessment_id, student_id)
);
create index assessment_results_tenant on academic.assessment_results (tenant_id);
create index assessment_results_student on academic.assessment_results (student_id);
create index assessment_results_graded_by on academic.assessment_results (graded_by);
create index assessment_results_legacy on academic.assessment_results (legacy_source, legacy_id) where legacy_id is not null;
