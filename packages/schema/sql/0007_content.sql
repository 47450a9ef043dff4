-- content: CMS pages and media files (the bytes live in object storage under storage_key).

create schema if not exists content;

create table content.pages (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  slug          text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*$'),
  title         text not null,
  body          text,
  status        text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  author_id     uuid references auth.users (id),
  published_at  timestamptz,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz
);
create index pages_tenant on content.pages (tenant_id);
create unique index pages_tenant_slug on content.pages (tenant_id, slug) where deleted_at is null;
create index pages_author on content.pages (author_id);
create index pages_legacy on content.pages (legacy_source, legacy_id) where legacy_id is not null;

create table content.media (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  file_name     text not null,
  mime_type     text not null,
  size_bytes    bigint not null check (size_bytes >= 0),
  storage_key   text not null,
  url           text,
  alt_text      text,
  uploaded_by   uuid references auth.users (id),
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz,
  unique (tenant_id, storage_key)
);
create index media_uploaded_by on content.media (uploaded_by);
create index media_legacy on content.media (legacy_source, legacy_id) where legacy_id is not null;
