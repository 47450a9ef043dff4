-- auth: tenants, users, the role/permission catalog, sessions and refresh tokens.
--
-- Tenancy: one row of auth.tenants per school. Tenant-owned tables carry `tenant_id text`, a foreign
-- key to auth.tenants (code), not to its uuid. The code is what every source system knows (a Gibbon
-- custom field, a manifest entry) and what the engine partitions by, so rollback by tenant, the
-- legacy-id map and row-level security compare one value everywhere with no translation.

create schema if not exists auth;

create type auth.user_status as enum ('pending', 'active', 'inactive', 'suspended', 'archived');

create table auth.tenants (
  id            uuid primary key default gen_random_uuid(),
  code          text not null unique check (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
  name          text not null,
  timezone      text not null default 'Asia/Kuala_Lumpur',
  is_active     boolean not null default true,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz
);
create index tenants_legacy on auth.tenants (legacy_source, legacy_id) where legacy_id is not null;

create table auth.users (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           text not null references auth.tenants (code) on update cascade,
  email               text check (email = lower(email)),
  username            text,
  -- A hash only, never a password. `password_algorithm` says how to verify it: 'argon2id' for
  -- hashes we made, or a legacy tag (e.g. 'gibbon_sha256', 'django_pbkdf2_sha256') for carried-over
  -- hashes the portal verifies once and rehashes.
  password_hash       text,
  password_algorithm  text,
  must_reset_password boolean not null default false,
  first_name          text not null,
  last_name           text,
  phone               text,
  avatar_url          text,
  status              auth.user_status not null default 'pending',
  email_verified      boolean not null default false,
  last_login_at       timestamptz,
  legacy_source       text,
  legacy_id           text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  deleted_at          timestamptz,
  check ((password_hash is null) = (password_algorithm is null))
);
create unique index users_tenant_email on auth.users (tenant_id, email) where email is not null and deleted_at is null;
create unique index users_tenant_username on auth.users (tenant_id, username) where username is not null and deleted_at is null;
create index users_tenant on auth.users (tenant_id);
create index users_legacy on auth.users (legacy_source, legacy_id) where legacy_id is not null;

-- The role and permission catalog is shared by every tenant (seeded, not migrated); a user's
-- roles are per tenant (auth.user_roles).
create table auth.roles (
  id          uuid primary key default gen_random_uuid(),
  code        text not null unique,
  name        text not null,
  description text,
  is_system   boolean not null default false,
  priority    integer not null default 0,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table auth.permissions (
  id          uuid primary key default gen_random_uuid(),
  code        text not null unique,
  resource    text not null,
  action      text not null,
  description text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  check (code = resource || ':' || action)
);

create table auth.role_permissions (
  id            uuid primary key default gen_random_uuid(),
  role_id       uuid not null references auth.roles (id) on delete cascade,
  permission_id uuid not null references auth.permissions (id) on delete cascade,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  unique (role_id, permission_id)
);
create index role_permissions_permission on auth.role_permissions (permission_id);

create table auth.user_roles (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  user_id       uuid not null references auth.users (id) on delete cascade,
  role_id       uuid not null references auth.roles (id),
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  unique (user_id, role_id)
);
create index user_roles_tenant on auth.user_roles (tenant_id);
create index user_roles_role on auth.user_roles (role_id);
create index user_roles_legacy on auth.user_roles (legacy_source, legacy_id) where legacy_id is not null;

-- Sessions and refresh tokens are runtime state: never migrated, so no legacy columns.
create table auth.sessions (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    text not null references auth.tenants (code) on update cascade,
  user_id      uuid not null references auth.users (id) on delete cascade,
  token_hash   text not null unique,
  ip_address   text,
  user_agent   text,
  expires_at   timestamptz not null,
  revoked_at   timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index sessions_tenant on auth.sessions (tenant_id);
create index sessions_user on auth.sessions (user_id);

create table auth.refresh_tokens (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   text not null references auth.tenants (code) on update cascade,
  user_id     uuid not null references auth.users (id) on delete cascade,
  session_id  uuid references auth.sessions (id) on delete cascade,
  token_hash  text not null unique,
  expires_at  timestamptz not null,
  revoked_at  timestamptz,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index refresh_tokens_tenant on auth.refresh_tokens (tenant_id);
create index refresh_tokens_user on auth.refresh_tokens (user_id);
create index refresh_tokens_session on auth.refresh_tokens (session_id);
