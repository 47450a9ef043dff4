/**
 * `seed`: the reference data of a fresh installation (seed §2.1.1). It brings the portal schema up to
 * date like `run`, registers the tenants, writes the shared role and permission catalog, and gives
 * each tenant its current academic year, Quran programs, default fee structures and one initial
 * administrator (`--catalog-only`: the catalog alone). Every row has a deterministic id and goes in with ON CONFLICT DO NOTHING, so a
 * second run changes nothing; an administrator that exists is never touched, and its password is
 * only ever printed by the run that created it.
 */
import { randomBytes } from "node:crypto"
import { Command, Options } from "@effect/cli"
import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { TargetId } from "@schoolbridge/core"
import { Password } from "@schoolbridge/mappers"
import { Console, Effect, type Option, type Redacted } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import * as SeedData from "./SeedData.js"
import * as Target from "./Target.js"

// The library's const enum cannot be read under verbatimModuleSyntax; 2 is its Argon2id member.
/** What to seed. */
export interface SeedOptions {
  readonly tenants: ReadonlyArray<string>
  /** Picks the current academic year. */
  readonly now: Date
}

/** How the initial administrator of a tenant came out. */
export type Admin =
  | { readonly _tag: "Created"; readonly username: string; readonly password: string }
  | { readonly _tag: "Exists"; readonly username: string }

/** What one tenant got: counts of rows written by this run. */
export interface TenantOutcome {
  readonly tenant: string
  /** The tenant's current academic year, and whether this run created it. */
  readonly academicYear: { readonly name: string | null; readonly created: boolean }
  readonly quranPrograms: number
  readonly feeStructures: number
  readonly admin: Admin
}

/** What a seed run wrote. */
export interface Outcome {
  readonly roles: number
  readonly permissions: number
  readonly rolePermissions: number
  readonly tenants: ReadonlyArray<TenantOutcome>
}

// The same code as auth.tenants' check, so a bad code is a usage error before anything is written.
const tenantCode = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/

/** The tenants to seed: `--tenant`, else the manifest's; a usage error (exit 2) when none or a bad code. */
export const tenantsOf = (
  option: Option.Option<string>,
  loaded: Manifest.Loaded | null,
): Effect.Effect<ReadonlyArray<string>, Exit.CliError> => {
  const given = CommandLine.commaList(option) ?? loaded?.manifest.tenants ?? []
  const tenants = [...new Set(given)]
  if (tenants.length === 0)
    return Effect.fail(
      Exit.config("name the tenants to seed: --tenant CODE[,CODE…], or a manifest with `tenants: [CODE]`"),
    )
  const bad = tenants.filter((t) => !tenantCode.test(t))
  return bad.length > 0
    ? Effect.fail(Exit.config(`not a tenant code: ${bad.join(", ")} (letters, digits, _ . -, at most 63)`))
    : Effect.succeed(tenants)
}

const pgFailure = (e: { readonly message: string }) => Exit.failure(e.message)

// Ids are name-based, so every rerun gives a row the same id; a tenant's rows are keyed with its id
// key, so another tenant cannot work them out (the shared catalog has no tenant and no key).
const idOf = (entity: string, tenant: string | null, key: string, tenantKey?: string) =>
  TargetId.hashed(`seed.${entity}`, tenant, key, tenantKey)

/** The shared catalog: roles, permissions and the matrix, in one transaction. */
const seedCatalog = (db: PgClient.PgClientShape) =>
  db.transaction((conn) =>
    Effect.gen(function* () {
      const { roles, permissions, rolePermissions } = SeedData
      const r = yield* PgClient.query(
        conn,
        `insert into auth.roles (id, code, name, is_system, priority)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::integer[])
         on conflict do nothing returning id`,
        [
          roles.map((x) => idOf("roles", null, x.code)),
          roles.map((x) => x.code),
          roles.map((x) => x.name),
          roles.map((x) => x.isSystem),
          roles.map((x) => x.priority),
        ],
      )
      const p = yield* PgClient.query(
        conn,
        `insert into auth.permissions (id, code, resource, action, description)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         on conflict do nothing returning id`,
        [
          permissions.map((x) => idOf("permissions", null, x.code)),
          permissions.map((x) => x.code),
          permissions.map((x) => x.resource),
          permissions.map((x) => x.action),
          permissions.map((x) => x.description),
        ],
      )
      // Joined by code, not by our ids: a catalog row made before the seed keeps its own id.
      const rp = yield* PgClient.query(
        conn,
        `insert into auth.role_permissions (id, role_id, permission_id)
         select g.id, r.id, p.id
         from unnest($1::uuid[], $2::text[], $3::text[]) as g (id, role, permission)
         join auth.roles r on r.code = g.role
         join auth.permissions p on p.code = g.permission
         on conflict do nothing returning id`,
        [
          rolePermissions.map((x) => idOf("role_permissions", null, `${x.role}\u0000${x.permission}`)),
          rolePermissions.map((x) => x.role),
          rolePermissions.map((x) => x.permission),
        ],
      )
      return { roles: r.length, permissions: p.length, rolePermissions: rp.length }
    }),
  )

const json = (v: ReadonlyArray<number> | null) => (v === null ? null : JSON.stringify(v))

/** A random one-time password: 144 bits as 24 URL-safe characters. */
const newPassword = () => randomBytes(18).toString("base64url")

/** One tenant's rows, in one transaction: the password is printed only once its hash is committed. */
const seedTenant = (db: PgClient.PgClientShape, tenant: string, now: Date, key: string | undefined) =>
  db.transaction((conn) =>
    Effect.gen(function* () {
      const year = SeedData.currentAcademicYear(now)
      // A tenant that already has a current year (migrated, or set in the portal) keeps it.
      const createdYear = yield* PgClient.query(
        conn,
        `insert into academic.academic_years
           (id, tenant_id, name, code, start_date, end_date, is_current, is_enrollment_open)
         select $1, $2, $3, $4, $5, $6, true, true
         where not exists (select 1 from academic.academic_years
                           where tenant_id = $2 and is_current and deleted_at is null)
         on conflict do nothing returning id`,
        [
          idOf("academic_years", tenant, year.code, key),
          tenant,
          year.name,
          year.code,
          year.startDate,
          year.endDate,
        ],
      )
      const current = yield* PgClient.query<{ id: string; name: string }>(
        conn,
        `select id, name from academic.academic_years
         where tenant_id = $1 and is_current and deleted_at is null
         order by start_date desc limit 1`,
        [tenant],
      )
      // The default programs and fees are a fresh school's: a tenant that has any (migrated from its
      // legacy system, or made in the portal) gets none, so nothing seeded points at migrated rows
      // and a tenant rollback of the migration still goes through.
      const programs = SeedData.quranPrograms
      const createdPrograms = yield* PgClient.query(
        conn,
        `insert into islamic.quran_programs
           (id, tenant_id, code, name, program_type, description, target_juz, target_surahs,
            duration_months, prerequisites)
         select q.id, $1, q.code, q.name, q.program_type, q.description, q.target_juz::jsonb,
                q.target_surahs::jsonb, q.duration_months, q.prerequisites
         from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::integer[], $10::text[])
           as q (id, code, name, program_type, description, target_juz, target_surahs, duration_months,
                 prerequisites)
         where not exists (select 1 from islamic.quran_programs x
                           where x.tenant_id = $1 and x.deleted_at is null)
         on conflict do nothing returning id`,
        [
          tenant,
          programs.map((q) => idOf("quran_programs", tenant, q.code, key)),
          programs.map((q) => q.code),
          programs.map((q) => q.name),
          programs.map((q) => q.programType),
          programs.map((q) => q.description),
          programs.map((q) => json(q.targetJuz)),
          programs.map((q) => json(q.targetSurahs)),
          programs.map((q) => q.durationMonths),
          programs.map((q) => q.prerequisites),
        ],
      )
      // fee_structures has no unique key of its own: the deterministic id makes reruns no-ops.
      const fees = SeedData.feeStructures
      const createdFees = yield* PgClient.query(
        conn,
        `insert into financial.fee_structures
           (id, tenant_id, academic_year_id, code, name, description, amount, currency, frequency, is_active)
         select f.id, $1, $2, f.code, f.name, f.description, f.amount, f.currency, f.frequency, f.is_active
         from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::text[],
                     $10::boolean[])
           as f (id, code, name, description, amount, currency, frequency, is_active)
         where not exists (select 1 from financial.fee_structures x
                           where x.tenant_id = $1 and x.deleted_at is null)
         on conflict do nothing returning id`,
        [
          tenant,
          current[0]?.id ?? null,
          fees.map((f) => idOf("fee_structures", tenant, f.code, key)),
          fees.map((f) => f.code),
          fees.map((f) => f.name),
          fees.map((f) => f.description),
          fees.map((f) => f.amount),
          fees.map((f) => f.currency),
          fees.map((f) => f.frequency),
          fees.map((f) => f.isActive),
        ],
      )
      const admin = yield* seedAdmin(conn, tenant, key)
      return {
        tenant,
        academicYear: { name: current[0]?.name ?? null, created: createdYear.length > 0 },
        quranPrograms: createdPrograms.length,
        feeStructures: createdFees.length,
        admin,
      } satisfies TenantOutcome
    }),
  )

/** The initial administrator: created with a new one-time password only when the tenant has none. */
const seedAdmin = (conn: PgClient.Connection, tenant: string, key: string | undefined) =>
  Effect.gen(function* () {
    const username = SeedData.adminUsername
    const exists: Admin = { _tag: "Exists", username }
    const found = yield* PgClient.query(
      conn,
      "select 1 from auth.users where tenant_id = $1 and username = $2 and deleted_at is null",
      [tenant, username],
    )
    if (found.length > 0) return exists
    const password = newPassword()
    const passwordHash = yield* Effect.try({
      try: () => Password.hashSecret(password),
      catch: (e) => Exit.failure(`hashing the administrator's password failed: ${String(e)}`),
    })
    const created = yield* PgClient.query<{ id: string }>(
      conn,
      `insert into auth.users
         (id, tenant_id, username, password_hash, password_algorithm, must_reset_password, first_name,
          status)
       values ($1, $2, $3, $4, 'argon2id', true, 'Administrator', 'active')
       on conflict do nothing returning id`,
      [idOf("users", tenant, username, key), tenant, username, passwordHash],
    )
    const userId = created[0]?.id
    // No row: the id is taken (a deleted administrator of an earlier seed); a password that was not
    // stored must not be printed.
    if (userId === undefined) return exists
    yield* PgClient.query(
      conn,
      `insert into auth.user_roles (id, tenant_id, user_id, role_id)
       select $1, $2, $3, r.id from auth.roles r where r.code = $4
       on conflict do nothing`,
      [
        idOf("user_roles", tenant, `${username}\u0000${SeedData.adminRole}`, key),
        tenant,
        userId,
        SeedData.adminRole,
      ],
    )
    return { _tag: "Created", username, password } satisfies Admin
  })

/** Seeds the target: schema, tenants, catalog, then each tenant in its own transaction. */
export const seed = (
  target: Redacted.Redacted<string>,
  options: SeedOptions,
): Effect.Effect<Outcome, Exit.CliError> =>
  Effect.gen(function* () {
    const db = yield* PgClient.PgClient
    yield* PgLedger.migrateSchema
    yield* Target.registerTenants(options.tenants)
    const keys = yield* PgLedger.tenantKeys(options.tenants)
    const catalog = yield* seedCatalog(db)
    const tenants = yield* Effect.forEach(options.tenants, (t) => seedTenant(db, t, options.now, keys.get(t)))
    return { ...catalog, tenants }
  }).pipe(
    Effect.catchTags({
      PgError: (e) => Effect.fail(pgFailure(e)),
      MigratorError: (e) => Effect.fail(pgFailure(e)),
    }),
    Effect.provide(Target.layer(target)),
  )

const created = (n: number, of: number) => `${of} (${n} new)`

/** What the run did, one line per tenant, and the one line with each new administrator's password. */
export const render = (o: Outcome): string =>
  [
    `catalog: roles ${created(o.roles, SeedData.roles.length)}, permissions ${created(o.permissions, SeedData.permissions.length)}, role permissions ${created(o.rolePermissions, SeedData.rolePermissions.length)}`,
    ...o.tenants.flatMap((t) => [
      `tenant ${t.tenant}: academic year ${t.academicYear.name ?? "none current"}${t.academicYear.created ? " (new)" : ""}, Quran programs ${created(t.quranPrograms, SeedData.quranPrograms.length)}, fee structures ${created(t.feeStructures, SeedData.feeStructures.length)}`,
      t.admin._tag === "Created"
        ? `tenant ${t.tenant}: administrator "${t.admin.username}" created, one-time password: ${t.admin.password}`
        : `tenant ${t.tenant}: administrator "${t.admin.username}" already exists; its password is unchanged`,
    ]),
    ...(o.tenants.some((t) => t.admin._tag === "Created")
      ? [
          "",
          "Each one-time password is shown only now and stored only as an argon2id hash: hand it over securely. It must be changed at the first sign-in.",
        ]
      : []),
  ].join("\n")

/** The `seed` command. */
export const command = Command.make(
  "seed",
  {
    tenant: Options.text("tenant").pipe(
      Options.withDescription("The tenant(s) to seed, comma-separated; default: the manifest's tenants"),
      Options.optional,
    ),
    catalogOnly: Options.boolean("catalog-only").pipe(
      Options.withDescription(
        "Only the shared roles and permissions, no tenant: before migrating schools whose years, Quran programs and fees come from their legacy system (seed their administrators after the run)",
      ),
    ),
    manifest: CommandLine.optionalManifest(
      `The manifest whose target and tenants to use; default target: ${Target.envVariable}`,
    ),
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadOptionalManifest(args.manifest)
      if (args.catalogOnly && args.tenant._tag === "Some")
        return yield* Effect.fail(
          Exit.config("--catalog-only seeds no tenant: leave out --tenant, or leave out --catalog-only"),
        )
      const tenants = args.catalogOnly ? [] : yield* tenantsOf(args.tenant, loaded)
      const target = yield* Target.url(loaded, process.env)
      const outcome = yield* seed(target, { tenants, now: new Date() })
      yield* Console.log(render(outcome))
    }),
).pipe(
  Command.withDescription(
    "Set up a fresh installation: schema, tenants, roles and permissions, and per tenant the current academic year, Quran programs, fee structures and an initial administrator with a one-time password. Safe to rerun.",
  ),
)
