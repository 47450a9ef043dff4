import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { verify } from "@node-rs/argon2"
import { LegacyDataset, Sqlite } from "@schoolbridge/demo"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as SeedData from "../src/SeedData.js"
import { cli } from "./Cli.js"

const passwordLine = /^tenant (\S+): administrator "admin" created, one-time password: (\S+)$/

const passwords = (stdout: string) =>
  stdout
    .split("\n")
    .map((l) => passwordLine.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ tenant: m[1]!, password: m[2]! }))

const seededTables = [
  "auth.tenants",
  "auth.roles",
  "auth.permissions",
  "auth.role_permissions",
  "auth.users",
  "auth.user_roles",
  "academic.academic_years",
  "islamic.quran_programs",
  "financial.fee_structures",
]

const query = async <R extends Record<string, unknown>>(
  url: string,
  sql: string,
  params: Array<unknown> = [],
) => {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<R>(sql, params)).rows
  } finally {
    await c.end()
  }
}

/** One md5 per table over every column of every row, to show a rerun changed nothing. */
const fingerprint = async (url: string) => {
  const out: Record<string, string> = {}
  for (const table of seededTables) {
    const r = await query<{ md5: string }>(
      url,
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as md5 from ${table} t`,
    )
    out[table] = r[0]!.md5
  }
  return out
}

describe("schoolbridge-migrate seed", () => {
  let db: TestDatabase
  let firstStdout = ""

  beforeAll(async () => {
    db = await createPgDatabase("seed")
  })
  afterAll(() => db.drop())

  it("first run: the catalog, the tenant's reference data and one administrator", async () => {
    const r = await cli(["seed", "--tenant", "SMA1"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    firstStdout = r.stdout
    const year = SeedData.currentAcademicYear(new Date())
    const lines = r.stdout.trim().split("\n")
    expect(lines[0]).toBe("catalog: roles 8 (8 new), permissions 70 (70 new), role permissions 158 (158 new)")
    expect(lines[1]).toBe(
      `tenant SMA1: academic year ${year.name} (new), Quran programs 4 (4 new), fee structures 3 (3 new)`,
    )
    const printed = passwords(r.stdout)
    expect(printed.map((p) => p.tenant)).toEqual(["SMA1"])

    expect(await query(db.url, "select code, name from auth.tenants")).toEqual([
      { code: "SMA1", name: "SMA1" },
    ])
    expect(
      await query(
        db.url,
        "select code, name, is_system, priority from auth.roles order by priority desc, code",
      ),
    ).toEqual(
      [...SeedData.roles]
        .sort((a, b) => b.priority - a.priority || a.code.localeCompare(b.code))
        .map((x) => ({ code: x.code, name: x.name, is_system: x.isSystem, priority: x.priority })),
    )
    expect(
      await query(db.url, "select code, resource, action, description from auth.permissions order by code"),
    ).toEqual([...SeedData.permissions].sort((a, b) => (a.code < b.code ? -1 : 1)))

    // The matrix, role by role: exactly the permissions SeedData grants, none for principal and accountant.
    const granted = await query<{ role: string; codes: Array<string> }>(
      db.url,
      `select r.code as role, array_agg(p.code order by p.code) as codes
       from auth.role_permissions rp join auth.roles r on r.id = rp.role_id
       join auth.permissions p on p.id = rp.permission_id group by r.code order by r.code`,
    )
    const expected = SeedData.roles
      .map((x) => ({ role: x.code, codes: [...SeedData.permissionsOf(x.code)].sort() }))
      .filter((x) => x.codes.length > 0)
      .sort((a, b) => (a.role < b.role ? -1 : 1))
    expect(granted).toEqual(expected)
    expect(granted.find((g) => g.role === "admin")?.codes).toHaveLength(69)
    expect(granted.find((g) => g.role === "admin")?.codes).not.toContain("settings:delete")
    expect(granted.find((g) => g.role === "teacher")?.codes).toEqual([
      "attendance:create",
      "attendance:read",
      "attendance:update",
      "classes:read",
      "hafiz_progress:create",
      "hafiz_progress:read",
      "hafiz_progress:update",
      "students:read",
    ])
    expect(granted.map((g) => g.role)).not.toContain("principal")

    const years = await query<{ id: string }>(
      db.url,
      `select id, tenant_id, name, code, to_char(start_date, 'YYYY-MM-DD') as start_date,
              to_char(end_date, 'YYYY-MM-DD') as end_date, is_current, is_enrollment_open
       from academic.academic_years`,
    )
    expect(years).toEqual([
      {
        id: expect.any(String),
        tenant_id: "SMA1",
        name: year.name,
        code: year.code,
        start_date: year.startDate,
        end_date: year.endDate,
        is_current: true,
        is_enrollment_open: true,
      },
    ])
    expect(
      await query(
        db.url,
        `select tenant_id, code, name, program_type, description, target_juz, target_surahs, duration_months,
                prerequisites, is_active
         from islamic.quran_programs order by code`,
      ),
    ).toEqual(
      [...SeedData.quranPrograms]
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .map((q) => ({
          tenant_id: "SMA1",
          code: q.code,
          name: q.name,
          program_type: q.programType,
          description: q.description,
          target_juz: q.targetJuz,
          target_surahs: q.targetSurahs,
          duration_months: q.durationMonths,
          prerequisites: q.prerequisites,
          is_active: true,
        })),
    )
    expect(
      await query(
        db.url,
        `select tenant_id, academic_year_id, code, name, amount, currency, frequency, is_active
         from financial.fee_structures order by code`,
      ),
    ).toEqual([
      {
        tenant_id: "SMA1",
        academic_year_id: years[0]!.id,
        code: "QURAN",
        name: "Quran program fee",
        amount: "0.00",
        currency: "MYR",
        frequency: "monthly",
        is_active: false,
      },
      {
        tenant_id: "SMA1",
        academic_year_id: years[0]!.id,
        code: "REGISTRATION",
        name: "Registration fee",
        amount: "0.00",
        currency: "MYR",
        frequency: "one_time",
        is_active: false,
      },
      {
        tenant_id: "SMA1",
        academic_year_id: years[0]!.id,
        code: "TUITION",
        name: "Tuition fee",
        amount: "0.00",
        currency: "MYR",
        frequency: "monthly",
        is_active: false,
      },
    ])

    const users = await query<{ password_hash: string }>(
      db.url,
      `select u.tenant_id, u.username, u.email, u.password_hash, u.password_algorithm, u.must_reset_password,
              u.status::text as status, array(select r.code from auth.user_roles ur join auth.roles r
                on r.id = ur.role_id where ur.user_id = u.id and ur.tenant_id = u.tenant_id) as roles
       from auth.users u`,
    )
    expect(users).toEqual([
      {
        tenant_id: "SMA1",
        username: "admin",
        email: null,
        password_hash: expect.stringMatching(/^\$argon2id\$/),
        password_algorithm: "argon2id",
        must_reset_password: true,
        status: "active",
        roles: ["admin"],
      },
    ])
    const { password } = printed[0]!
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(users[0]!.password_hash).not.toBe(password)
    expect(users[0]!.password_hash).not.toContain(password)
    expect(await verify(users[0]!.password_hash, password)).toBe(true)
    expect(await verify(users[0]!.password_hash, `${password}x`)).toBe(false)
  })

  it("second run: changes nothing and prints no password", async () => {
    expect(firstStdout).not.toBe("")
    const before = await fingerprint(db.url)
    const r = await cli(["seed", "--tenant", "SMA1"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const year = SeedData.currentAcademicYear(new Date())
    expect(r.stdout.trim().split("\n")).toEqual([
      "catalog: roles 8 (0 new), permissions 70 (0 new), role permissions 158 (0 new)",
      `tenant SMA1: academic year ${year.name}, Quran programs 4 (0 new), fee structures 3 (0 new)`,
      'tenant SMA1: administrator "admin" already exists; its password is unchanged',
    ])
    expect(passwords(r.stdout)).toEqual([])
    expect(r.stdout).not.toContain(passwords(firstStdout)[0]!.password)
    expect(await fingerprint(db.url)).toEqual(before)
  })
})

describe("schoolbridge-migrate seed, several tenants", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createPgDatabase("seed2")
  })
  afterAll(() => db.drop())

  it("seeds each tenant with its own administrator and password, the catalog once", async () => {
    const r = await cli(["seed", "--tenant", "SMA1, SMA2"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const printed = passwords(r.stdout)
    expect(printed.map((p) => p.tenant)).toEqual(["SMA1", "SMA2"])
    expect(printed[0]!.password).not.toBe(printed[1]!.password)
    const counts = await query(
      db.url,
      `select (select count(*)::int from auth.roles) as roles,
              (select count(*)::int from auth.role_permissions) as role_permissions,
              (select count(*)::int from auth.users) as users,
              (select count(*)::int from auth.user_roles) as user_roles`,
    )
    expect(counts).toEqual([{ roles: 8, role_permissions: 158, users: 2, user_roles: 2 }])
    for (const t of ["SMA1", "SMA2"]) {
      expect(
        await query(
          db.url,
          `select (select count(*)::int from academic.academic_years where tenant_id = $1 and is_current) as years,
                  (select count(*)::int from islamic.quran_programs where tenant_id = $1) as programs,
                  (select count(*)::int from financial.fee_structures where tenant_id = $1) as fees`,
          [t],
        ),
      ).toEqual([{ years: 1, programs: 4, fees: 3 }])
      const [user] = await query<{ password_hash: string }>(
        db.url,
        "select password_hash from auth.users where tenant_id = $1 and username = 'admin'",
        [t],
      )
      const mine = printed.find((p) => p.tenant === t)!.password
      expect(await verify(user!.password_hash, mine)).toBe(true)
    }
  })
})

describe("schoolbridge-migrate seed --manifest", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createPgDatabase("seed4")
  })
  afterAll(() => db.drop())

  it("takes the target and the tenants from the manifest; --tenant overrides its tenants", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "seed-"))
    const file = path.join(dir, "m.yaml")
    writeFileSync(
      file,
      `version: 1
name: seed-test
system: legacy-sis
tenants: [SA01, SA02]
target:
  url: { env: PORTAL_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - name: legacy-sis.users
    source: legacy
    table: users
    key: user_id
`,
    )
    const r = await cli(["seed", "--manifest", file], { PORTAL_URL: db.url })
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(passwords(r.stdout).map((p) => p.tenant)).toEqual(["SA01", "SA02"])
    const only = await cli(["seed", "--manifest", file, "--tenant", "SA03"], { PORTAL_URL: db.url })
    expect(only.code).toBe(0)
    expect(passwords(only.stdout).map((p) => p.tenant)).toEqual(["SA03"])
    expect(await query(db.url, "select code from auth.tenants order by code")).toEqual([
      { code: "SA01" },
      { code: "SA02" },
      { code: "SA03" },
    ])
  })
})

describe("schoolbridge-migrate seed, usage errors", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createPgDatabase("seed3")
  })
  afterAll(() => db.drop())

  it("exits 2 without a tenant, or with a bad tenant code, and writes nothing", async () => {
    const none = await cli(["seed"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(none.code).toBe(2)
    expect(none.stdout).toBe("")
    expect(none.stderr.trim()).toBe(
      "name the tenants to seed: --tenant CODE[,CODE…], or a manifest with `tenants: [CODE]`",
    )
    const bad = await cli(["seed", "--tenant", "SMA 1"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe("not a tenant code: SMA 1 (letters, digits, _ . -, at most 63)")
    expect(await query(db.url, "select to_regclass('auth.tenants') as t")).toEqual([{ t: null }])
  })
})

describe("schoolbridge-migrate seed around a migration", () => {
  let db: TestDatabase
  let dir: string

  beforeAll(async () => {
    db = await createPgDatabase("seedmig")
    dir = mkdtempSync(path.join(tmpdir(), "sb-seed-"))
  })
  afterAll(() => db.drop())

  it("--catalog-only writes the roles and permissions and no tenant", async () => {
    const refused = await cli(["seed", "--catalog-only", "--tenant", "SA01"], {
      SCHOOLBRIDGE_TARGET_URL: db.url,
    })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--catalog-only seeds no tenant/)

    const r = await cli(["seed", "--catalog-only"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split("\n")).toEqual([
      "catalog: roles 8 (8 new), permissions 70 (70 new), role permissions 158 (158 new)",
    ])
    expect(
      await query(
        db.url,
        `select (select count(*)::int from auth.tenants) as tenants,
                (select count(*)::int from auth.users) as users,
                (select count(*)::int from auth.role_permissions) as grants`,
      ),
    ).toEqual([{ tenants: 0, users: 0, grants: 158 }])
  })

  it("seeding a tenant after its migration keeps the migrated years, programs and fees and adds the administrator", async () => {
    const dataset = LegacyDataset.generate({ students: 200, seed: 3 })
    const file = path.join(dir, "legacy.sqlite")
    await Sqlite.writeSqlite(dataset, file)
    const env = { SCHOOLBRIDGE_TARGET_URL: db.url, LEGACY_SQLITE_PATH: file }
    const manifest = path.resolve(import.meta.dirname, "../manifests/legacy-sis-sqlite.yaml")
    const run = await cli(["run", "--manifest", manifest, "--tenant", "SA01"], env)
    expect(run.code).toBe(0)
    const before = await fingerprint(db.url)

    const r = await cli(["seed", "--tenant", "SA01"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    // The migrated current year stays current; no second year of the same name is made.
    // A migrated school gets none of a fresh school's default programs and fees.
    expect(lines[1]).toMatch(
      /^tenant SA01: academic year \S+, Quran programs 4 \(0 new\), fee structures 3 \(0 new\)$/,
    )
    expect(passwords(r.stdout).map((p) => p.tenant)).toEqual(["SA01"])
    const after = await fingerprint(db.url)
    for (const table of ["academic.academic_years", "islamic.quran_programs", "financial.fee_structures"])
      expect(after[table], table).toBe(before[table])
    // Nothing migrated was changed or removed: every legacy row is still there as it was.
    const legacy = await query<{ t: string; n: number }>(
      db.url,
      `select 'years' as t, count(*)::int as n from academic.academic_years where legacy_source is not null
       union all select 'programs', count(*)::int from islamic.quran_programs where legacy_source is not null
       union all select 'fees', count(*)::int from financial.fee_structures where legacy_source is not null
       order by 1`,
    )
    const source = (name: string) => dataset.tables.find((t) => t.table.name === name)!.rows.length
    expect(legacy).toEqual([
      { t: "fees", n: source("fee_structures") },
      { t: "programs", n: source("quran_programs") },
      { t: "years", n: source("academic_years") },
    ])

    // Nothing seeded points at migrated rows, so the migration can still be rolled back by tenant.
    const rollback = await cli(["rollback", "--tenant", "SA01", "--yes"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(rollback.code).toBe(0)
    expect(
      await query(
        db.url,
        `select (select count(*)::int from academic.academic_years) as years,
                (select count(*)::int from auth.users where tenant_id = 'SA01') as users`,
      ),
    ).toEqual([{ years: 0, users: 1 }])
  })
})

describe("SeedData", () => {
  it("takes the current academic year from the date in Kuala Lumpur (UTC+8)", () => {
    expect(SeedData.currentAcademicYear(new Date("2025-12-31T15:59:59Z"))).toEqual({
      name: "2025",
      code: "AY2025",
      startDate: "2025-01-01",
      endDate: "2025-12-31",
    })
    expect(SeedData.currentAcademicYear(new Date("2025-12-31T16:00:00Z")).name).toBe("2026")
  })

  it("resolves the matrix to 158 grants over 70 permissions, each a catalog permission", () => {
    const codes = new Set(SeedData.permissions.map((p) => p.code))
    expect(codes.size).toBe(70)
    expect(SeedData.rolePermissions).toHaveLength(158)
    expect(SeedData.rolePermissions.every((g) => codes.has(g.permission))).toBe(true)
    expect(Object.keys(SeedData.matrix).sort()).toEqual(SeedData.roles.map((r) => r.code).sort())
    expect(SeedData.permissionsOf("parent")).toEqual([
      "students:read",
      "attendance:read",
      "invoices:read",
      "payments:read",
    ])
  })
})
