import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `auth.user_status`. */
export const UserStatus = C.enumOf("auth.user_status", [
  "pending",
  "active",
  "inactive",
  "suspended",
  "archived",
])

/** `auth.tenants`: one school; tenant-owned rows point at its `code`. */
export const Tenants = Table.make("auth.tenants", {
  ...Table.id,
  code: C.text,
  name: C.text,
  timezone: C.text,
  is_active: C.boolean,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `auth.tenants`. */
export type Tenant = Table.Row<typeof Tenants>

/** `auth.users`: every person with a portal account. */
export const Users = Table.make("auth.users", {
  ...Table.id,
  ...Table.tenant,
  email: C.nullable(C.text),
  username: C.nullable(C.text),
  password_hash: C.nullable(C.text),
  password_algorithm: C.nullable(C.text),
  must_reset_password: C.boolean,
  first_name: C.text,
  last_name: C.nullable(C.text),
  /** The full name as on a certificate or identity card (Gibbon's `officialName`). */
  official_name: C.nullable(C.text),
  /** The name in the person's own script: Jawi, Arabic, Chinese, Tamil (Gibbon's `nameInCharacters`). */
  name_in_script: C.nullable(C.text),
  phone: C.nullable(C.text),
  avatar_url: C.nullable(C.text),
  status: UserStatus,
  email_verified: C.boolean,
  last_login_at: C.nullable(C.timestamptz),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `auth.users`. */
export type User = Table.Row<typeof Users>

/** `auth.roles`: the role catalog, shared by all tenants. */
export const Roles = Table.make("auth.roles", {
  ...Table.id,
  code: C.text,
  name: C.text,
  description: C.nullable(C.text),
  is_system: C.boolean,
  priority: C.integer,
  ...Table.timestamps,
})
/** A row of `auth.roles`. */
export type Role = Table.Row<typeof Roles>

/** `auth.permissions`: `resource:action` codes, shared by all tenants. */
export const Permissions = Table.make("auth.permissions", {
  ...Table.id,
  code: C.text,
  resource: C.text,
  action: C.text,
  description: C.nullable(C.text),
  ...Table.timestamps,
})
/** A row of `auth.permissions`. */
export type Permission = Table.Row<typeof Permissions>

/** `auth.role_permissions`: which permissions a role grants. */
export const RolePermissions = Table.make("auth.role_permissions", {
  ...Table.id,
  role_id: C.uuid,
  permission_id: C.uuid,
  ...Table.timestamps,
})
/** A row of `auth.role_permissions`. */
export type RolePermission = Table.Row<typeof RolePermissions>

/** `auth.user_roles`: a user's roles in their tenant. */
export const UserRoles = Table.make("auth.user_roles", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.uuid,
  role_id: C.uuid,
  ...Table.legacy,
  ...Table.timestamps,
})
/** A row of `auth.user_roles`. */
export type UserRole = Table.Row<typeof UserRoles>

/** `auth.sessions`: signed-in sessions (runtime state, never migrated). */
export const Sessions = Table.make("auth.sessions", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.uuid,
  token_hash: C.text,
  ip_address: C.nullable(C.text),
  user_agent: C.nullable(C.text),
  expires_at: C.timestamptz,
  revoked_at: C.nullable(C.timestamptz),
  ...Table.timestamps,
})
/** A row of `auth.sessions`. */
export type Session = Table.Row<typeof Sessions>

/** `auth.refresh_tokens`: hashes of refresh tokens (runtime state, never migrated). */
export const RefreshTokens = Table.make("auth.refresh_tokens", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.uuid,
  session_id: C.nullable(C.uuid),
  token_hash: C.text,
  expires_at: C.timestamptz,
  revoked_at: C.nullable(C.timestamptz),
  ...Table.timestamps,
})
/** A row of `auth.refresh_tokens`. */
export type RefreshToken = Table.Row<typeof RefreshTokens>
