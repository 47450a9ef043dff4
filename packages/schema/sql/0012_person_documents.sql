-- academic.person_documents: identity and other personal documents (passports, ID cards, visas,
-- birth certificates) of students, guardians and staff. A national id also lives on the person's row
-- (students.national_id, guardians.national_id) for lookups; this table keeps each document itself,
-- with its dates and scan, so nothing a source held about a document is lost.

create table academic.person_documents (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       text not null references auth.tenants (code) on update cascade,
  -- The holder: at least one of these. A guardian without a login has no user row.
  user_id         uuid references auth.users (id),
  student_id      uuid references academic.students (id) on delete cascade,
  guardian_id     uuid references academic.guardians (id) on delete cascade,
  document_type   text not null check (document_type in ('passport', 'id_card', 'visa', 'document')),
  -- The source's own name of the kind of document, e.g. 'Primary Passport', 'Birth Certificate'.
  title           text,
  -- A visa's or residency permit's type, where the document says one.
  subtype         text,
  holder_name     text,
  document_number text,
  -- ISO 3166-1 alpha-2 code of the issuing country.
  country         text check (country ~ '^[A-Z]{2}$'),
  issued_on       date,
  expires_on      date,
  file_path       text,
  legacy_source   text,
  legacy_id       text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  deleted_at      timestamptz,
  check (user_id is not null or student_id is not null or guardian_id is not null),
  check (expires_on is null or issued_on is null or expires_on >= issued_on)
);
create index person_documents_tenant on academic.person_documents (tenant_id);
create index person_documents_user on academic.person_documents (user_id);
create index person_documents_student on academic.person_documents (student_id);
create index person_documents_guardian on academic.person_documents (guardian_id);
create index person_documents_number on academic.person_documents (document_number) where document_number is not null;
create index person_documents_legacy on academic.person_documents (legacy_source, legacy_id) where legacy_id is not null;

-- What 0009_tenancy and 0010_audit give every tenant table (they ran before this table existed).
grant select, insert, update, delete on academic.person_documents to schoolbridge_app, schoolbridge_migrator;
alter table academic.person_documents enable row level security;
create policy tenant_isolation on academic.person_documents
  using (tenant_id = (select current_setting('app.tenant_id', true)))
  with check (tenant_id = (select current_setting('app.tenant_id', true)));
select audit.attach('academic.person_documents');
