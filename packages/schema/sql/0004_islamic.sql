-- islamic: Quran programs, enrolments in them, memorisation (hifz) progress per surah, revision
-- (murajaah) sessions, tajweed assessments and Islamic studies grades.

create schema if not exists islamic;

create type islamic.memorization_status as enum ('not_started', 'in_progress', 'completed', 'under_review', 'certified');
create type islamic.quality_rating as enum ('excellent', 'very_good', 'good', 'satisfactory', 'needs_improvement', 'poor');

-- target_juz / target_surahs are jsonb arrays of numbers rather than smallint[]: the engine's COPY
-- encoder writes arrays as JSON, which a jsonb column reads as it is.
create table islamic.quran_programs (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       text not null references auth.tenants (code) on update cascade,
  code            text not null,
  name            text not null,
  program_type    text not null check (program_type in ('hifz_full', 'hifz_partial', 'tilawah', 'tajweed')),
  description     text,
  target_juz      jsonb,
  target_surahs   jsonb,
  duration_months integer check (duration_months > 0),
  prerequisites   text,
  is_active       boolean not null default true,
  legacy_source   text,
  legacy_id       text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  deleted_at      timestamptz,
  unique (tenant_id, code)
);
create index quran_programs_legacy on islamic.quran_programs (legacy_source, legacy_id) where legacy_id is not null;

create table islamic.quran_enrollments (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  student_id       uuid not null references academic.students (id),
  program_id       uuid not null references islamic.quran_programs (id),
  academic_year_id uuid references academic.academic_years (id),
  teacher_id       uuid references academic.teachers (id),
  enrollment_date  date not null,
  status           text not null default 'active' check (status in ('active', 'completed', 'withdrawn')),
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index quran_enrollments_tenant on islamic.quran_enrollments (tenant_id);
create index quran_enrollments_student on islamic.quran_enrollments (student_id);
create index quran_enrollments_program on islamic.quran_enrollments (program_id);
create index quran_enrollments_academic_year on islamic.quran_enrollments (academic_year_id);
create index quran_enrollments_teacher on islamic.quran_enrollments (teacher_id);
create index quran_enrollments_legacy on islamic.quran_enrollments (legacy_source, legacy_id) where legacy_id is not null;

-- One row per surah of an enrolment. total_verses is the surah's verse count (a mapper looks it
-- up); the juz is derived from the memorised range by the mapper, since a surah can span several.
create table islamic.hafiz_progress (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  enrollment_id    uuid not null references islamic.quran_enrollments (id) on delete cascade,
  surah_number     smallint not null check (surah_number between 1 and 114),
  juz_number       smallint check (juz_number between 1 and 30),
  status           islamic.memorization_status not null default 'not_started',
  verses_memorized integer not null default 0 check (verses_memorized >= 0),
  total_verses     integer not null check (total_verses between 3 and 286),
  quality_score    numeric(5,2) check (quality_score between 0 and 100),
  start_date       date,
  completion_date  date,
  last_reviewed_at date,
  review_count     integer not null default 0 check (review_count >= 0),
  teacher_notes    text,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz,
  unique (enrollment_id, surah_number),
  check (verses_memorized <= total_verses)
);
create index hafiz_progress_tenant on islamic.hafiz_progress (tenant_id);
create index hafiz_progress_legacy on islamic.hafiz_progress (legacy_source, legacy_id) where legacy_id is not null;

-- A revision session covers a range from (surah_from, verse_from) to (surah_to, verse_to).
create table islamic.murajaah_sessions (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  enrollment_id    uuid not null references islamic.quran_enrollments (id) on delete cascade,
  teacher_id       uuid references academic.teachers (id),
  session_date     date not null,
  surah_from       smallint check (surah_from between 1 and 114),
  verse_from       smallint check (verse_from >= 1),
  surah_to         smallint check (surah_to between 1 and 114),
  verse_to         smallint check (verse_to >= 1),
  juz_number       smallint check (juz_number between 1 and 30),
  quality          islamic.quality_rating,
  mistakes_count   integer not null default 0 check (mistakes_count >= 0),
  duration_minutes integer check (duration_minutes > 0),
  notes            text,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index murajaah_sessions_tenant on islamic.murajaah_sessions (tenant_id);
create index murajaah_sessions_enrollment on islamic.murajaah_sessions (enrollment_id, session_date);
create index murajaah_sessions_teacher on islamic.murajaah_sessions (teacher_id);
create index murajaah_sessions_legacy on islamic.murajaah_sessions (legacy_source, legacy_id) where legacy_id is not null;

create table islamic.tajweed_assessments (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      text not null references auth.tenants (code) on update cascade,
  student_id     uuid not null references academic.students (id),
  enrollment_id  uuid references islamic.quran_enrollments (id),
  assessor_id    uuid references academic.teachers (id),
  assessed_on    date not null,
  surah_number   smallint check (surah_number between 1 and 114),
  overall_rating islamic.quality_rating not null,
  score          numeric(5,2) check (score between 0 and 100),
  -- Per-rule ratings (makharij, sifat, ahkam, ...), as the school's rubric names them.
  criteria       jsonb,
  notes          text,
  legacy_source  text,
  legacy_id      text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  deleted_at     timestamptz
);
create index tajweed_assessments_tenant on islamic.tajweed_assessments (tenant_id);
create index tajweed_assessments_student on islamic.tajweed_assessments (student_id);
create index tajweed_assessments_enrollment on islamic.tajweed_assessments (enrollment_id);
create index tajweed_assessments_assessor on islamic.tajweed_assessments (assessor_id);
create index tajweed_assessments_legacy on islamic.tajweed_assessments (legacy_source, legacy_id) where legacy_id is not null;

create table islamic.islamic_studies_grades (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  student_id       uuid not null references academic.students (id),
  academic_year_id uuid references academic.academic_years (id),
  class_id         uuid references academic.classes (id),
  teacher_id       uuid references academic.teachers (id),
  subject          text not null,
  term             text,
  score            numeric(5,2) check (score between 0 and 100),
  grade            text,
  remarks          text,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index islamic_studies_grades_tenant on islamic.islamic_studies_grades (tenant_id);
create index islamic_studies_grades_student on islamic.islamic_studies_grades (student_id);
create index islamic_studies_grades_academic_year on islamic.islamic_studies_grades (academic_year_id);
create index islamic_studies_grades_class on islamic.islamic_studies_grades (class_id);
create index islamic_studies_grades_teacher on islamic.islamic_studies_grades (teacher_id);
create index islamic_studies_grades_legacy on islamic.islamic_studies_grades (legacy_source, legacy_id) where legacy_id is not null;
