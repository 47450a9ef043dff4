-- communication: per-user notifications, user-to-user messages (threaded by parent_id), announcements.

create schema if not exists communication;

create table communication.notifications (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  user_id       uuid not null references auth.users (id) on delete cascade,
  kind          text not null,
  title         text not null,
  body          text,
  data          jsonb,
  channel       text not null default 'in_app' check (channel in ('in_app', 'email', 'sms', 'push')),
  sent_at       timestamptz,
  read_at       timestamptz,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz
);
create index notifications_tenant on communication.notifications (tenant_id);
create index notifications_user on communication.notifications (user_id, created_at);
create index notifications_legacy on communication.notifications (legacy_source, legacy_id) where legacy_id is not null;

create table communication.messages (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  sender_id     uuid not null references auth.users (id),
  recipient_id  uuid not null references auth.users (id),
  parent_id     uuid references communication.messages (id),
  subject       text,
  body          text not null,
  read_at       timestamptz,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz
);
create index messages_tenant on communication.messages (tenant_id);
create index messages_sender on communication.messages (sender_id);
create index messages_recipient on communication.messages (recipient_id, created_at);
create index messages_parent on communication.messages (parent_id);
create index messages_legacy on communication.messages (legacy_source, legacy_id) where legacy_id is not null;

create table communication.announcements (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  author_id     uuid references auth.users (id),
  class_id      uuid references academic.classes (id),
  title         text not null,
  body          text not null,
  audience      text not null default 'all'
                check (audience in ('all', 'students', 'parents', 'teachers', 'staff', 'class')),
  is_pinned     boolean not null default false,
  published_at  timestamptz,
  expires_at    timestamptz,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz,
  check ((audience = 'class') = (class_id is not null))
);
create index announcements_tenant on communication.announcements (tenant_id, published_at);
create index announcements_author on communication.announcements (author_id);
create index announcements_class on communication.announcements (class_id);
create index announcements_legacy on communication.announcements (legacy_source, legacy_id) where legacy_id is not null;
