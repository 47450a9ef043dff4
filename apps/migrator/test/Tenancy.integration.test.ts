/**
 * Many schools, one portal. Two generated legacy SIS schools, whose legacy keys overlap (both
 * number their students, classes and invoices from 1), are migrated with the same ready manifest
 * and `--tenant SA01` / `--tenant SB02` into one portal, in both orders: each school's run reads,
 * loads, rejects and skips exactly what it does in a portal of its own, and each school's rows
 * point only at its own rows. A portal loaded before ids were scoped by tenant is refused with the
 * rollback that clears it, and loads in full afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { TargetId } from "@schoolbridge/core"
import { LegacyDataset, LegacyGroup, Sqlite } from "@schoolbridge/demo"
import { Migrations, Migrator } from "@schoolbridge/schema"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli, type Result } from "./Cli.js"

const manifest = path.resolve(import.meta.dirname, "../manifests/legacy-sis-sqlite.yaml")
const schools = {
  SA01: LegacyDataset.generate({ students: 160, seed: 17 }),
  SB02: LegacyDataset.generate({ students: 110, seed: 29 }),
} as const
type School = keyof typeof schools

const dbs: Array<TestDatabase> = []
let dir: string
const files = {} as Record<School, string>

const portal = async () => {
  const db = await createPgDatabase("tenancy")
  dbs.push(db)
  return db.url
}

const withClient = async <A>(url: string, f: (c: pg.Client) => Promise<A>): Promise<A> => {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await f(c)
  } finally {
    await c.end()
  }
}

const run = (url: string, school: School, ...extra: Array<string>) =>
  cli(["run", "-m", manifest, "--tenant", school, ...extra], {
    LEGACY_SQLITE_PATH: files[school],
    SCHOOLBRIDGE_TARGET_URL: url,
  })

/** `entity read/loaded/rejected/skipped` per entity of one run, as its ledger has them. */
const ledgerOf = (url: string, runId: number) =>
  withClient(url, async (c) =>
    (
      await c.query(
        `select entity || ' ' || sum(read_count) || '/' || sum(loaded_count) || '/' || sum(rejected_count)
                || '/' || sum(skipped_count) as line
           from migration.batches where run_id = $1 and rolled_back_at is null group by entity order by entity`,
        [runId],
      )
    ).rows.map((r) => r.line as string),
  )

/** Rows per tenant of the tables every school fills. */
const rowsByTenant = (url: string) =>
  withClient(url, async (c) => {
    const tables = [
      "auth.users",
      "academic.students",
      "academic.guardians",
      "academic.student_guardians",
      "academic.classes",
      "academic.enrollments",
      "academic.attendance",
      "financial.invoices",
      "financial.payments",
    ]
    const out: Record<string, Record<string, number>> = {}
    for (const t of tables) {
      const rows = (await c.query(`select tenant_id, count(*)::int as n from ${t} group by 1 order by 1`))
        .rows
      out[t] = Object.fromEntries(rows.map((r) => [r.tenant_id, r.n]))
    }
    return out
  })

const runIdOf = (r: Result) => {
  const m = /run (\d+) completed/.exec(r.stdout)
  if (!m) throw new Error(`no completed run in:\n${r.stdout}\n${r.stderr}`)
  return Number(m[1])
}

interface Alone {
  readonly url: string
  readonly runId: number
  readonly ledger: ReadonlyArray<string>
}
const alone = {} as Record<School, Promise<Alone>>

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sb-tenancy-"))
  for (const school of Object.keys(schools) as Array<School>) {
    files[school] = path.join(dir, `${school}.sqlite`)
    await Sqlite.writeSqlite(schools[school], files[school])
  }
  // Each school alone in a portal of its own: what it must also come to beside the other one.
  for (const school of Object.keys(schools) as Array<School>) {
    alone[school] = (async () => {
      const url = await portal()
      const r = await run(url, school)
      if (r.code !== 0) throw new Error(`${school} alone: exit ${r.code}\n${r.stdout}\n${r.stderr}`)
      const runId = runIdOf(r)
      return { url, runId, ledger: await ledgerOf(url, runId) }
    })()
    alone[school].catch(() => undefined)
  }
}, 120_000)
afterAll(async () => {
  await Promise.allSettled(Object.values(alone))
  for (const db of dbs) await db.drop()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

describe.each([
  ["SA01", "SB02"],
  ["SB02", "SA01"],
] as const)("two schools with overlapping legacy ids, %s first, then %s", (first, second) => {
  it("load in full, each as it loads alone, each referencing only its own rows", async () => {
    const url = await portal()
    const a = await run(url, first)
    const b = await run(url, second)
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    expect(b.stdout).toContain("completed")
    for (const [school, result] of [
      [first, a],
      [second, b],
    ] as const) {
      const own = await alone[school]
      expect(await ledgerOf(url, runIdOf(result))).toEqual(own.ledger)
    }
    // The rows per tenant are what each school's own portal holds.
    const together = await rowsByTenant(url)
    for (const school of [first, second]) {
      const own = await rowsByTenant((await alone[school]).url)
      for (const [table, counts] of Object.entries(own))
        expect([table, school, together[table]![school]]).toEqual([table, school, counts[school]])
    }
    // Every link resolves within its tenant: no row of one school names a row of the other.
    const crossing = await withClient(
      url,
      async (c) =>
        (
          await c.query(`
          select 'student_guardians' as t, count(*)::int as n from academic.student_guardians l
            join academic.students s on s.id = l.student_id where s.tenant_id <> l.tenant_id
          union all select 'enrollments', count(*)::int from academic.enrollments e
            join academic.classes k on k.id = e.class_id where k.tenant_id <> e.tenant_id
          union all select 'students', count(*)::int from academic.students s
            join auth.users u on u.id = s.user_id where u.tenant_id <> s.tenant_id
          union all select 'payments', count(*)::int from financial.payment_allocations p
            join financial.invoices i on i.id = p.invoice_id where i.tenant_id <> p.tenant_id`)
        ).rows,
    )
    expect(crossing.filter((r) => r.n !== 0)).toEqual([])
    // Another school cannot name these rows: the ids a guess from the legacy key gives are free.
    const guessed = await withClient(url, async (c) => {
      const real = await c.query("select id from auth.users where tenant_id = $1 and legacy_id = '1'", [
        first,
      ])
      expect(real.rows).toHaveLength(1)
      const guess = TargetId.of("legacy-sis.users", first, 1)
      expect(guess).not.toBe(real.rows[0].id)
      await c.query("begin")
      try {
        await c.query("set local role schoolbridge_app")
        await c.query("select set_config('app.tenant_id', $1, true)", [second])
        await c.query("insert into auth.users (id, tenant_id, first_name) values ($1, $2, 'Probe')", [
          guess,
          second,
        ])
        return "inserted"
      } finally {
        await c.query("rollback")
      }
    })
    expect(guessed).toBe("inserted")
    // And each school's run validates against its own rows, not against both schools' counts.
    for (const school of [first, second]) {
      const v = await cli(
        ["validate", "-m", manifest, "--tenant", school, "--out", path.join(dir, `${first}-${school}`)],
        { LEGACY_SQLITE_PATH: files[school], SCHOOLBRIDGE_TARGET_URL: url },
      )
      expect([school, v.stdout.split("\n")[0]]).toEqual([school, "verdict: GO"])
    }
  })
})

describe("a portal loaded before ids were scoped by tenant", () => {
  it("is refused before anything is written, with the rollback that clears it, and loads in full after it", async () => {
    const url = await portal()
    const first = await run(url, "SA01")
    const oldRun = runIdOf(first)
    // What the ledger of a run made by an earlier schoolbridge says.
    await withClient(url, (c) =>
      c.query("update migration.runs set id_scheme = 1 where run_id = $1", [oldRun]),
    )
    const before = await withClient(
      url,
      async (c) => (await c.query("select count(*)::int as n from migration.runs")).rows[0].n,
    )
    const refused = await run(url, "SA01")
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(`run ${oldRun} loaded legacy-sis.`)
    expect(refused.stderr).toContain(`schoolbridge-migrate rollback --run ${oldRun} --yes`)
    const after = await withClient(
      url,
      async (c) => (await c.query("select count(*)::int as n from migration.runs")).rows[0].n,
    )
    expect(after).toBe(before)

    const rollback = await cli(["rollback", "--run", String(oldRun), "--yes"], {
      SCHOOLBRIDGE_TARGET_URL: url,
    })
    expect(rollback.code).toBe(0)
    const again = await run(url, "SA01")
    expect(again.code).toBe(0)
    expect(await ledgerOf(url, runIdOf(again))).toEqual((await alone.SA01).ledger)
  })

  it("is refused on a portal of an older schema level too, which stays at its level", async () => {
    const url = await portal()
    const older = Migrations.all.filter((m) => m.version <= 13)
    await withClient(url, async (c) => {
      await Effect.runPromise(
        Migrator.migrate(
          {
            query: (sql, params) =>
              Effect.promise(() => c.query(sql, params as Array<unknown>).then((r) => r.rows)),
            transaction: (self) =>
              Effect.acquireUseRelease(
                Effect.promise(() => c.query("begin")),
                () => self,
                (_, exit) => Effect.promise(() => c.query(exit._tag === "Success" ? "commit" : "rollback")),
              ),
          },
          older,
        ),
      )
      await c.query(`insert into migration.runs (label, status) values ('legacy-sis-sqlite', 'completed')`)
      await c.query(
        `insert into migration.batches (run_id, entity, partition_key, seq, cursor_to, target_table, mode, read_count, loaded_count, rejected_count, skipped_count)
         values (1, 'legacy-sis.users', '*', 1, '10', 'auth.users', 'copy', 10, 10, 0, 0)`,
      )
    })
    const refused = await run(url, "SA01")
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("run 1 loaded legacy-sis.users")
    const level = await withClient(
      url,
      async (c) =>
        (await c.query("select max(version)::int as v from public.schoolbridge_schema_migrations")).rows[0].v,
    )
    expect(level).toBe(13)
  })
})

describe("a school group's legacy SIS: three schools in one source, one run", () => {
  const group = LegacyGroup.generateGroup({
    schools: [
      { code: "SA01", students: 160, seed: 17 },
      { code: "SB02", students: 110, seed: 29 },
      { code: "SC03", students: 120, seed: 41 },
    ],
  })
  const codes = group.schools.map((s) => s.code)

  it("loads each school in its own partition, refuses what reaches no school, and validates each school and the group", async () => {
    const file = path.join(dir, "group.sqlite")
    await Sqlite.writeSqlite(group, file)
    const groupManifest = path.join(dir, "legacy-sis-group.yaml")
    const ready = readFileSync(manifest, "utf8")
    expect(ready).toContain("\nentities:\n")
    writeFileSync(
      groupManifest,
      ready.replace(
        "\nentities:\n",
        "\ntenants: [SA01, SB02, SC03]\ntenancy:\n  column: school_code\nentities:\n",
      ),
    )
    const url = await portal()
    const env = { LEGACY_SQLITE_PATH: file, SCHOOLBRIDGE_TARGET_URL: url }
    const r = await cli(["run", "-m", groupManifest], env)
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining("completed")])

    // Every row of every table read once per school it belongs to (shared tables once per school).
    const entities = (
      await withClient(url, (c) =>
        c.query(
          `select entity, partition_key, sum(read_count)::int as read from migration.batches group by 1, 2`,
        ),
      )
    ).rows as Array<{ entity: string; partition_key: string; read: number }>
    const tableOf = Object.fromEntries(
      [
        ...readFileSync(manifest, "utf8").matchAll(
          /name: (legacy-sis\.[a-z_]+), source: legacy, table: ([a-z_]+)/g,
        ),
      ].map((m) => [m[1]!, m[2]! as keyof ReturnType<typeof LegacyDataset.rowCounts>]),
    )
    const counts = LegacyDataset.rowCounts(group)
    for (const [entity, table] of Object.entries(tableOf)) {
      const reads = entities.filter((e) => e.entity === entity)
      const total = reads.reduce((n, e) => n + e.read, 0)
      const copies = LegacyGroup.shared.has(table) ? codes.length : 1
      expect([entity, total]).toEqual([entity, counts[table] * copies])
      for (const code of codes) expect(reads.some((e) => e.partition_key === code)).toBe(true)
    }
    // Refused: exactly the rows the schools' dirt plans, those that reach no school as `tenant_unknown`.
    const refused = await withClient(url, async (c) =>
      (
        await c.query(
          `select distinct replace(entity, 'legacy-sis.', '') || ' ' || kind || ' ' || source_key as row
             from migration.row_errors where kind in ('rejected', 'skipped') order by 1`,
        )
      ).rows.map((x) => x.row as string),
    )
    const planned = [
      ...new Set(
        group.dirt
          .filter((d) => d.expect === "rejected" || d.expect === "skipped")
          .map((d) => `${d.entity} ${d.expect} ${d.key}`),
      ),
    ].sort()
    expect(refused).toEqual(planned)

    for (const code of [...codes, null]) {
      const v = await cli(
        [
          "validate",
          "-m",
          groupManifest,
          "--out",
          path.join(dir, `group-${code ?? "all"}`),
          ...(code ? ["--tenant", code] : []),
        ],
        env,
      )
      expect([code, v.stdout.split("\n")[0]]).toEqual([code, "verdict: GO"])
    }

    // No credential of the source in the ledger: a marker where a rejected row had a password; and
    // every account that must reset has a hash of its own.
    const credentials = await withClient(
      url,
      async (c) =>
        (
          await c.query(
            `select count(*) filter (where raw->>'password' = '[redacted]')::int as marked,
                  count(*) filter (where raw ? 'password' and raw->>'password' is not null
                                     and raw->>'password' not in ('[redacted]', ''))::int as kept,
                  (select count(*)::int from auth.users where must_reset_password) as resets,
                  (select count(distinct password_hash)::int from auth.users where must_reset_password) as hashes
             from migration.row_errors where entity = 'legacy-sis.users' and kind = 'rejected'`,
          )
        ).rows[0],
    )
    expect(credentials.kept).toBe(0)
    expect(credentials.marked).toBeGreaterThan(0)
    expect(credentials.resets).toBeGreaterThan(100)
    expect(credentials.hashes).toBe(credentials.resets)
    const profiled = await cli(
      ["profile", "-m", groupManifest, "--out", path.join(dir, "group-profile")],
      env,
    )
    expect(profiled.code).toBe(0)
    const profile = JSON.parse(readFileSync(path.join(dir, "group-profile", "profile.json"), "utf8")) as {
      tables: ReadonlyArray<{
        table: string
        columns: ReadonlyArray<{
          column: string
          top: ReadonlyArray<{ value: unknown }>
          min: unknown
          max: unknown
        }>
      }>
    }
    const password = profile.tables
      .find((t) => t.table === "users")!
      .columns.find((c) => c.column === "password")!
    expect(new Set([password.min, password.max, ...password.top.map((t) => t.value)])).toEqual(
      new Set(["[redacted]", null]),
    )

    // status per school; a school rolled back alone leaves the others as they were.
    const status = await cli(["status"], env)
    expect(status.stdout).toMatch(/^school\s+read\s+loaded/m)
    for (const code of [...codes, "(no tenant)"])
      expect(status.stdout).toMatch(new RegExp(`^${code.replace(/[()]/g, "\\$&")}\\s+\\d`, "m"))
    const one = await cli(["status", "--tenant", "SB02", "--json"], env)
    const sb = JSON.parse(one.stdout) as { entities: Array<{ entity: string; read: number }> }
    const sbRead = entities.filter((e) => e.partition_key === "SB02")
    expect(sb.entities.map((e) => [e.entity, e.read]).sort()).toEqual(
      sbRead.map((e) => [e.entity, e.read]).sort(),
    )
    const before = await rowsByTenant(url)
    const rollback = await cli(["rollback", "--tenant", "SB02", "--yes"], env)
    expect(rollback.code).toBe(0)
    const after = await rowsByTenant(url)
    for (const [table, counts] of Object.entries(before)) {
      expect([table, after[table]!.SB02 ?? 0]).toEqual([table, 0])
      for (const code of ["SA01", "SC03"])
        expect([table, code, after[table]![code]]).toEqual([table, code, counts[code]])
    }
    const again = await cli(
      ["validate", "-m", groupManifest, "--tenant", "SA01", "--out", path.join(dir, "group-SA01-after")],
      env,
    )
    expect(again.stdout.split("\n")[0]).toBe("verdict: GO")
  })

  it("routes rows by an SQL expression with a map exactly as by the column, and refuses what the map lacks", async () => {
    const file = path.join(dir, "group-sql.sqlite")
    await Sqlite.writeSqlite(group, file)
    const ready = readFileSync(manifest, "utf8")
    const withRule = (name: string, rule: string) => {
      const m = path.join(dir, name)
      writeFileSync(
        m,
        ready.replace("\nentities:\n", `\ntenants: [SA01, SB02, SC03]\ntenancy:\n${rule}entities:\n`),
      )
      return m
    }
    const byColumn = withRule("by-column.yaml", "  column: school_code\n")
    // Campus names as another system writes them; SC03's are left out of the map.
    const bySql = withRule(
      "by-sql.yaml",
      "  sql: \"'Kampus ' || substr(school_code, 1, 2)\"\n  map: { 'Kampus SA': SA01, 'Kampus SB': SB02 }\n",
    )
    const load = async (m: string) => {
      const url = await portal()
      const r = await cli(["run", "-m", m], { LEGACY_SQLITE_PATH: file, SCHOOLBRIDGE_TARGET_URL: url })
      expect(r.stdout).toContain("completed")
      return url
    }
    const columnUrl = await load(byColumn)
    const column = await rowsByTenant(columnUrl)
    const sqlUrl = await load(bySql)
    const sql = await rowsByTenant(sqlUrl)
    for (const [table, counts] of Object.entries(column)) {
      expect([table, sql[table]!.SA01, sql[table]!.SB02]).toEqual([table, counts.SA01, counts.SB02])
      expect([table, sql[table]!.SC03 ?? 0]).toEqual([table, 0])
    }
    // SC03's users reach no school of the map: refused with the value the expression gave.
    const refused = await withClient(
      sqlUrl,
      async (c) =>
        (
          await c.query(
            `select count(*)::int as n, min(message) as message, count(*) filter (where raw->>'school_code' = 'SC03')::int as sc03
             from migration.row_errors where entity = 'legacy-sis.users' and rule = 'tenant_unknown'`,
          )
        ).rows[0],
    )
    expect(refused.n).toBeGreaterThanOrEqual(refused.sc03)
    expect(refused.message).toBe("the tenancy expression gives none of the run's tenants (SA01, SB02, SC03)")
    // Each SC03 user is refused here, its row kept as it was to check: those the column rule loads,
    // and those it rejects for a reason of their own.
    const ownRejections = await withClient(
      columnUrl,
      async (c) =>
        (
          await c.query(
            `select count(distinct source_key)::int as n from migration.row_errors
            where entity = 'legacy-sis.users' and kind = 'rejected' and raw->>'school_code' = 'SC03'`,
          )
        ).rows[0].n,
    )
    expect(refused.sc03).toBe(column["auth.users"]!.SC03! + ownRejections)
  })
})
