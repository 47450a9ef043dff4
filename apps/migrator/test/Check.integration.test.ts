import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Migrations } from "@schoolbridge/schema"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

// The fixture's dirt rejects more than the tolerated 2% of some entity's rows: run ends with exit 4.
const overTolerance = 4

const manifest = `version: 1
name: legacy-check
system: legacy-sis
asOf: "2025-01-15"
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - { name: legacy-sis.users, source: legacy, table: users, key: user_id }
  - { name: legacy-sis.students, source: legacy, table: students, key: student_id }
`

const latest = Math.max(...Migrations.all.map((m) => m.version))

const dbs: Array<TestDatabase> = []
let dir: string
let env: Record<string, string>

const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => l.split(/ {2,}/))

beforeAll(async () => {
  const source = await createMysqlDatabase("check")
  const target = await createPgDatabase("check")
  dbs.push(source, target)
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  await conn.end()
  env = { LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url }
  dir = mkdtempSync(path.join(tmpdir(), "sb-check-"))
  writeFileSync(path.join(dir, "m.yaml"), manifest)
})
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

describe("schoolbridge-migrate check", () => {
  it("lists every check as ok and exits 0 on a good setup (legacy source, empty portal)", async () => {
    const r = await cli(["check", "-m", path.join(dir, "m.yaml"), "--backup-dir", dir], env)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const rows = lines(r.stdout)
    expect(rows[0]).toEqual(["result", "what", "check", "detail"])
    expect(rows.slice(1, -1).map((l) => [l[0], l[1], l[2]])).toEqual([
      ["ok", "source legacy", "connect"],
      ["ok", "source legacy", "server"],
      ["ok", "source legacy", "table users"],
      ["ok", "source legacy", "column users.user_id"],
      ["ok", "source legacy", "table students"],
      ["ok", "source legacy", "column students.student_id"],
      ["ok", "target", "connect"],
      ["ok", "target", "server"],
      ["ok", "target", "schema"],
      ["ok", "target", "create"],
      ["ok", "target", "insert"],
      ["ok", "target", "backup space"],
    ])
    const detail = (check: string) => rows.find((l) => l[2] === check)?.[3]
    expect(detail("server")).toMatch(/^(MariaDB|MySQL) \d+\.\d+\.\d+$/)
    expect(detail("table users")).toBe("exists, select allowed")
    expect(detail("column users.user_id")).toBe("exists (key of legacy-sis.users)")
    expect(detail("schema")).toBe(`empty: run will create the portal schema (migrations 1 to ${latest})`)
    expect(detail("create")).toBe("may create the portal's schemas and tables")
    expect(detail("insert")).toBe("no portal tables yet: the run creates the tables it loads")
    expect(detail("backup space")).toMatch(
      new RegExp(`^database [\\d.]+ [kMG]?B, [\\d.]+ [kMGT]?B free in ${dir}$`),
    )
    expect(rows.at(-1)).toEqual(["12 checks, all ok"])
  })

  it("says the portal is up to date after a run, behind when it lacks a lower version, and that a newer portal schema is a problem", async () => {
    const target = await createPgDatabase("check")
    dbs.push(target)
    const runEnv = { ...env, SCHOOLBRIDGE_TARGET_URL: target.url }
    expect((await cli(["run", "-m", path.join(dir, "m.yaml"), "--tenant", "SA01"], runEnv)).code).toBe(
      overTolerance,
    )
    const r = await cli(["check", "-m", path.join(dir, "m.yaml")], runEnv)
    expect(r.code).toBe(0)
    const detail = (check: string) => lines(r.stdout).find((l) => l[1] === "target" && l[2] === check)?.[3]
    expect(detail("schema")).toBe(`up to date at migration ${latest}`)
    expect(detail("create")).toBe("nothing to create: the schema is up to date")
    expect(detail("insert")).toMatch(/^insert allowed on all \d+ portal tables$/)

    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    try {
      // A version below the current one that the portal lacks (0017 merged after 0018) is not up to date.
      const late = Migrations.all.at(-2)!.version
      const [row] = (
        await client.query(
          "delete from public.schoolbridge_schema_migrations where version = $1 returning *",
          [late],
        )
      ).rows
      const behind = await cli(["check", "-m", path.join(dir, "m.yaml")], runEnv)
      expect(behind.code).toBe(0)
      expect(lines(behind.stdout).find((l) => l[1] === "target" && l[2] === "schema")?.[3]).toBe(
        `at migration ${latest} without ${late}: run will apply migration(s) ${late}`,
      )
      await client.query(
        `insert into public.schoolbridge_schema_migrations (version, name, checksum, applied_at, duration_ms)
         values ($1, $2, $3, $4, $5)`,
        [row.version, row.name, row.checksum, row.applied_at, row.duration_ms],
      )
      await client.query(
        `insert into public.schoolbridge_schema_migrations (version, name, checksum, duration_ms)
         values ($1, 'future', 'x', 0)`,
        [latest + 1],
      )
    } finally {
      await client.end()
    }
    const ahead = await cli(["check", "-m", path.join(dir, "m.yaml")], runEnv)
    expect(ahead.code).toBe(1)
    expect(lines(ahead.stdout).find((l) => l[2] === "schema")).toEqual([
      "PROBLEM",
      "target",
      "schema",
      `at migration ${latest + 1}, newer than this migrator knows (${latest}): use the migrator release that matches the portal`,
    ])
    expect(ahead.stderr.trim()).toBe("1 check(s) failed: target schema")
  })

  it("names the privileges a portal user lacks: CREATE on an empty portal, INSERT on a migrated one", async () => {
    const empty = await createPgDatabase("check")
    const migrated = await createPgDatabase("check")
    dbs.push(empty, migrated)
    expect(
      (
        await cli(["run", "-m", path.join(dir, "m.yaml"), "--tenant", "SA01"], {
          ...env,
          SCHOOLBRIDGE_TARGET_URL: migrated.url,
        })
      ).code,
    ).toBe(overTolerance)
    const sql = async (url: string, statements: ReadonlyArray<string>) => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        for (const s of statements) await client.query(s)
      } finally {
        await client.end()
      }
    }
    await sql(empty.url, [
      "drop role if exists sb_check_user",
      "create role sb_check_user login password 'Secr3t-pw'",
    ])
    // Reading the level needs the ledger; nothing else is granted.
    await sql(migrated.url, ["grant select on public.schoolbridge_schema_migrations to sb_check_user"])
    const as = (url: string) => {
      const u = new URL(url)
      u.username = "sb_check_user"
      u.password = "Secr3t-pw"
      return u.toString()
    }
    try {
      const first = await cli(["check", "-m", path.join(dir, "m.yaml")], {
        ...env,
        SCHOOLBRIDGE_TARGET_URL: as(empty.url),
      })
      expect(first.code).toBe(1)
      expect(lines(first.stdout).filter((l) => l[0] === "PROBLEM")).toEqual([
        [
          "PROBLEM",
          "target",
          "create",
          "no CREATE privilege on the database, and the run must create schema(s) migration, auth, academic, islamic, financial, communication, content, analytics, audit, validation, sdms: grant create on database to the migration's user",
        ],
      ])
      const second = await cli(["check", "-m", path.join(dir, "m.yaml")], {
        ...env,
        SCHOOLBRIDGE_TARGET_URL: as(migrated.url),
      })
      expect(second.code).toBe(1)
      const problems = lines(second.stdout).filter((l) => l[0] === "PROBLEM")
      expect(problems.map((l) => l[2])).toEqual(["insert"])
      expect(problems[0]![3]).toMatch(
        /^no INSERT on \d+ table\(s\), e\.g\. academic\.\w+, .*: grant insert on them to the migration's user$/,
      )
      expect(second.stdout + second.stderr).not.toContain("Secr3t-pw")
    } finally {
      await sql(migrated.url, ["drop owned by sb_check_user"])
      await sql(empty.url, ["drop role if exists sb_check_user"])
    }
  })

  it("fails the check of a table the source does not have and of a missing key column, exit 1", async () => {
    writeFileSync(
      path.join(dir, "missing.yaml"),
      `${manifest}  - { name: legacy-sis.teachers, source: legacy, table: teachers, key: teacher_id }
  - { name: legacy-sis.guardians, source: legacy, table: users, key: guardian_id }
`,
    )
    const r = await cli(["check", "-m", path.join(dir, "missing.yaml")], env)
    expect(r.code).toBe(1)
    const rows = lines(r.stdout)
    const db = new URL(env.LEGACY_MYSQL_URL!).pathname.slice(1)
    expect(rows.filter((l) => l[0] === "PROBLEM")).toEqual([
      [
        "PROBLEM",
        "source legacy",
        "column users.guardian_id",
        "no column guardian_id in users (key of legacy-sis.guardians): fix the manifest or the table",
      ],
      [
        "PROBLEM",
        "source legacy",
        "table teachers",
        `no table teachers in ${db}: fix the entity's table in the manifest, or restore the table`,
      ],
    ])
    expect(rows.at(-1)).toEqual(["14 checks, 2 failed"])
    expect(r.stderr.trim()).toBe(
      "2 check(s) failed: source legacy column users.guardian_id, source legacy table teachers",
    )
  })

  it("names a table the user may not select from and an entity condition that fails, exit 1", async () => {
    const conn = await mysql.createConnection({ uri: env.LEGACY_MYSQL_URL! })
    const db = new URL(env.LEGACY_MYSQL_URL!).pathname.slice(1)
    await conn.query("create user if not exists 'sb_check'@'%' identified by 'Secr3t-pw'")
    await conn.query(`grant select on \`${db}\`.users to 'sb_check'@'%'`)
    await conn.end()
    const reader = new URL(env.LEGACY_MYSQL_URL!)
    reader.username = "sb_check"
    reader.password = "Secr3t-pw"
    writeFileSync(
      path.join(dir, "grants.yaml"),
      manifest.replace(
        "table: users, key: user_id }",
        "table: users, key: user_id, where: \"statuz = 'active'\" }",
      ),
    )
    try {
      const r = await cli(["check", "-m", path.join(dir, "grants.yaml")], {
        ...env,
        LEGACY_MYSQL_URL: reader.toString(),
      })
      expect(r.code).toBe(1)
      const rows = lines(r.stdout).filter((l) => l[1] === "source legacy")
      expect(rows.map((l) => [l[0], l[2]])).toEqual([
        ["ok", "connect"],
        ["ok", "server"],
        ["ok", "table users"],
        ["ok", "column users.user_id"],
        ["PROBLEM", "table students"],
        ["PROBLEM", "where of legacy-sis.users"],
      ])
      expect(rows[4]![3]).toBe(
        `no SELECT privilege on ${db}.students: grant select on it to the migration's user`,
      )
      expect(rows[5]![3]).toMatch(
        /^the condition fails: Unknown column 'statuz' .*: fix entities\[0\]\.where$/,
      )
      expect(r.stderr.trim()).toBe(
        "2 check(s) failed: source legacy table students, source legacy where of legacy-sis.users",
      )
      expect(r.stdout + r.stderr).not.toContain("Secr3t-pw")
    } finally {
      const root = await mysql.createConnection({ uri: env.LEGACY_MYSQL_URL! })
      await root.query("drop user if exists 'sb_check'@'%'")
      await root.end()
    }
  })

  it("reports an unreachable target as one problem line without its password, exit 1", async () => {
    const r = await cli(["check", "-m", path.join(dir, "m.yaml")], {
      ...env,
      SCHOOLBRIDGE_TARGET_URL: "postgres://migrator:Secr3t-pw@127.0.0.1:1/portal",
    })
    expect(r.code).toBe(1)
    const target = lines(r.stdout).filter((l) => l[1] === "target")
    expect(target).toHaveLength(1)
    expect(target[0]!.slice(0, 3)).toEqual(["PROBLEM", "target", "connect"])
    expect(target[0]![3]).toMatch(
      /^cannot connect to PostgreSQL at postgres:\/\/migrator:\*\*\*@127\.0\.0\.1:1\/portal: .*; check that the server is up and that SCHOOLBRIDGE_TARGET_URL names the right host, port, user, password and database$/,
    )
    expect(r.stderr.trim()).toBe("1 check(s) failed: target connect")
    expect(r.stdout + r.stderr).not.toContain("Secr3t-pw")
  })

  it("checks a PostgreSQL source the same way", async () => {
    const source = await createPgDatabase("check_src")
    dbs.push(source)
    const client = new pg.Client({ connectionString: source.url })
    await client.connect()
    try {
      await client.query("create table users (user_id int primary key, email text)")
    } finally {
      await client.end()
    }
    writeFileSync(
      path.join(dir, "pg.yaml"),
      `version: 1
name: pg-check
system: legacy-sis
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  sis: { kind: postgres, url: { env: SIS_PG_URL } }
entities:
  - { name: legacy-sis.users, source: sis, table: users, key: user_id }
  - { name: legacy-sis.students, source: sis, table: public.students, key: student_id }
`,
    )
    const r = await cli(["check", "-m", path.join(dir, "pg.yaml")], { ...env, SIS_PG_URL: source.url })
    expect(r.code).toBe(1)
    const rows = lines(r.stdout).filter((l) => l[1] === "source sis")
    expect(rows.map((l) => [l[0], l[2]])).toEqual([
      ["ok", "connect"],
      ["ok", "server"],
      ["ok", "table users"],
      ["ok", "column users.user_id"],
      ["PROBLEM", "table public.students"],
    ])
    expect(rows[1]![3]).toMatch(/^PostgreSQL \d+/)
    expect(rows[4]![3]).toBe(
      "no table students in public: fix the entity's table in the manifest, or restore the table",
    )
  })

  it("checks that a file source's files exist", async () => {
    const files = path.join(dir, "exports")
    mkdirSync(files, { recursive: true })
    writeFileSync(path.join(files, "users.csv"), "user_id,email\n1,a@example.com\n")
    writeFileSync(
      path.join(dir, "files.yaml"),
      `version: 1
name: files-check
system: legacy-sis
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  exports: { kind: csv, path: exports }
entities:
  - { name: legacy-sis.users, source: exports, table: users.csv, key: user_id }
  - { name: legacy-sis.students, source: exports, table: students.csv, key: student_id }
`,
    )
    const r = await cli(["check", "-m", path.join(dir, "files.yaml")], env)
    expect(r.code).toBe(1)
    expect(lines(r.stdout).filter((l) => l[1] === "source exports")).toEqual([
      ["ok", "source exports", "path", `${files} readable`],
      ["ok", "source exports", "file users.csv", `${path.join(files, "users.csv")} readable, 30 B`],
      [
        "PROBLEM",
        "source exports",
        "file students.csv",
        `${path.join(files, "students.csv")} does not exist: fix the path in the manifest or copy the export there`,
      ],
    ])
  })

  it("exits 2 naming every missing environment variable, before connecting", async () => {
    const r = await cli(["check", "-m", path.join(dir, "m.yaml")])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.trim().split("\n")).toEqual([
      "m.yaml:10:5 sources.legacy.url: environment variable LEGACY_MYSQL_URL is not set",
      "m.yaml:6:3 target.url: environment variable SCHOOLBRIDGE_TARGET_URL is not set",
    ])
  })
})
