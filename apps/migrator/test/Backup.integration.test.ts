import { spawnSync } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { Migrations } from "@schoolbridge/schema"
import { createPgDatabase, pgUrl, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli, type Result } from "./Cli.js"

// The portal is reached as a role with a password, so that every output can be searched for it.
const password = "Bk-s3cret-pw-4711"
const role = `sbt_backup_${randomBytes(3).toString("hex")}`
let db: TestDatabase
let url: string
let work: string
const outputs: Array<Result> = []

const run = async (
  args: ReadonlyArray<string>,
  env: Record<string, string> = { SCHOOLBRIDGE_TARGET_URL: url },
) => {
  const r = await cli(args, env)
  outputs.push(r)
  return r
}

const admin = async <T>(connectionString: string, f: (c: pg.Client) => Promise<T>) => {
  const c = new pg.Client({ connectionString })
  await c.connect()
  try {
    return await f(c)
  } finally {
    await c.end()
  }
}

const query = (sql: string) => admin(db.url, async (c) => (await c.query(sql)).rows)

/** The content of a table as one checksum, and its row count. */
const content = async (table: string) =>
  (
    await query(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${table} t`,
    )
  )[0] as { n: number; sum: string }

const backupDir = () => path.join(work, "backup")

let users: { n: number; sum: string }
let tenants: { n: number; sum: string }

beforeAll(async () => {
  db = await createPgDatabase("backup")
  // The role owns the database and every portal object (as the operator's role would), so that it
  // may drop and create them in a restore. The portal's migration creates cluster-wide roles, which
  // takes a superuser even when they exist: the role is one only while it migrates.
  await admin(pgUrl, async (c) => {
    await c.query(`create role ${role} login superuser password '${password}'`)
    await c.query(`alter database ${db.name} owner to ${role}`)
  })
  const u = new URL(db.url)
  u.username = role
  u.password = password
  url = u.toString()
  await Effect.runPromise(
    PgLedger.migrateSchema.pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url) }))),
  )
  await admin(pgUrl, (c) => c.query(`alter role ${role} nosuperuser`))
  await admin(url, async (c) => {
    await c.query("insert into auth.tenants (code, name) values ('SA01', 'Sekolah Agama 1')")
    await c.query(`insert into auth.users (tenant_id, email, first_name, last_name, status)
      values ('SA01', 'aisyah@example.my', 'Aisyah', 'Rahman', 'active'),
             ('SA01', 'farid@example.my', 'Farid', 'Ismail', 'active'),
             ('SA01', null, 'Siti', null, 'pending')`)
  })
  users = await content("auth.users")
  tenants = await content("auth.tenants")
  work = mkdtempSync(path.join(tmpdir(), "sb-backup-"))
})
afterAll(async () => {
  await db.drop()
  await admin(pgUrl, (c) => c.query(`drop role if exists ${role}`))
})

const schemaFiles = [
  "auth",
  "academic",
  "islamic",
  "financial",
  "communication",
  "content",
  "analytics",
  "audit",
  "migration",
].map((s) => `schema-${s}.dump`)

describe("schoolbridge-migrate backup", () => {
  it("dumps the database and each portal schema with a manifest and checksums sha256sum accepts", async () => {
    const r = await run(["backup", "--out", backupDir()])
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const files = ["portal.dump", ...schemaFiles, "manifest.json", "SHA256SUMS"]
    expect(readdirSync(backupDir()).sort()).toEqual([...files].sort())

    const lines = r.stdout.trim().split("\n")
    expect(lines[0]).toMatch(
      new RegExp(
        `^backed up postgres://${role}:\\*\\*\\*@127\\.0\\.0\\.1:5432/${db.name} \\(PostgreSQL 15\\.\\d+.*, portal schema at migration ${Migrations.all.at(-1)!.version}\\) into ${backupDir().replace(/[/.]/g, "\\$&")} in \\d+\\.\\d s$`,
      ),
    )
    expect(lines[2]).toMatch(/^file +size$/)
    expect(lines.slice(3).map((l) => l.split(/ +/)[0])).toEqual(files)
    for (const l of lines.slice(3)) expect(l).toMatch(/ \d+(\.\d)? (bytes|KiB|MiB)$/)

    const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: backupDir(), encoding: "utf8" })
    expect(check.status).toBe(0)
    expect(check.stdout.trim().split("\n")).toEqual([...files.slice(0, -1)].map((f) => `${f}: OK`))

    const manifest = JSON.parse(readFileSync(path.join(backupDir(), "manifest.json"), "utf8"))
    expect(manifest).toMatchObject({
      format: 1,
      database: `postgres://${role}:***@127.0.0.1:5432/${db.name}`,
      serverVersion: expect.stringMatching(/^15\./),
      schemaVersion: Migrations.all.at(-1)!.version,
    })
    expect(Date.parse(manifest.createdAt)).toBeGreaterThan(Date.now() - 600_000)
    expect(manifest.files.map((f: { file: string; schema: string | null }) => [f.file, f.schema])).toEqual([
      ["portal.dump", null],
      ...schemaFiles.map((f) => [f, f.slice("schema-".length, -".dump".length)]),
    ])
    for (const f of manifest.files) {
      const bytes = readFileSync(path.join(backupDir(), f.file))
      expect(f.bytes).toBe(bytes.length)
      expect(f.sha256).toBe(createHash("sha256").update(bytes).digest("hex"))
    }
    // The archives hold the rows: pg_restore lists the data of auth.users.
    const toc = spawnSync("pg_restore", ["--list", path.join(backupDir(), "schema-auth.dump")], {
      encoding: "utf8",
    })
    expect(toc.stdout).toMatch(/TABLE DATA auth users /)
    expect(toc.stdout).not.toMatch(/TABLE DATA academic /)
  })

  it("exits 2 for a directory that is not empty, and writes nothing there", async () => {
    const r = await run(["backup", "--out", backupDir()])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`${backupDir()} is not empty: back up into a new or empty directory`)
    expect(readdirSync(backupDir())).toHaveLength(12)
  })

  it("exits 2 saying how to install pg_dump when it is not on PATH", async () => {
    const out = path.join(work, "no-tools")
    const r = await run(["backup", "--out", out], { SCHOOLBRIDGE_TARGET_URL: url, PATH: "/nonexistent" })
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      "pg_dump was not found: install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or put them on PATH",
    )
    expect(existsSync(out)).toBe(false)
  })
})

describe("schoolbridge-migrate restore", () => {
  it("refuses without --yes when standard input is not a terminal, and restores nothing", async () => {
    await query("delete from auth.users where email is null")
    const r = await run(["restore", "--from", backupDir()])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("standard input is not a terminal: pass --yes to restore without asking")
    expect((await content("auth.users")).n).toBe(2)
  })

  it("restores the whole database: the rows are back with the same content", async () => {
    await query("delete from auth.users")
    await query("insert into migration.runs (label, status) values ('after the backup', 'running')")
    const r = await run(["restore", "--from", backupDir(), "--yes"])
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines[0]).toMatch(
      /^checksums ok: 11 files of the backup of postgres:\/\/.+ made \d{4}-.+Z \(portal schema at migration \d+\)$/,
    )
    expect(lines[1]).toMatch(
      /^will restore the whole database from portal\.dump into postgres:\/\/.+: every object/,
    )
    expect(lines[2]).toMatch(/^restored the whole database from portal\.dump in \d+\.\d s$/)
    expect(await content("auth.users")).toEqual(users)
    expect(await content("auth.tenants")).toEqual(tenants)
    expect(await query("select label from migration.runs")).toEqual([])
  })

  it("restores only one schema with --schema: its rows come back, the other schemas stay as they are", async () => {
    await query("delete from auth.users where first_name <> 'Aisyah'")
    await query("insert into migration.runs (label, status) values ('kept', 'running')")
    const r = await run(["restore", "--from", backupDir(), "--schema", "auth", "--yes"])
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines[1]).toMatch(
      /^will restore schema auth from schema-auth\.dump into postgres:\/\/.+: the rows of its tables/,
    )
    expect(lines[2]).toMatch(/^restored schema auth \(8 tables\) from schema-auth\.dump in \d+\.\d s$/)
    expect(await content("auth.users")).toEqual(users)
    expect(await content("auth.tenants")).toEqual(tenants)
    expect(await query("select label from migration.runs")).toEqual([{ label: "kept" }])
  })

  it("exits 2 for a schema the backup has no dump of", async () => {
    const r = await run(["restore", "--from", backupDir(), "--schema", "nope", "--yes"])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      "the backup has no dump of schema nope; it has: auth, academic, islamic, financial, communication, content, analytics, audit, migration",
    )
  })

  it("exits 1 naming a damaged dump, and restores nothing", async () => {
    const damaged = path.join(work, "damaged")
    cpSync(backupDir(), damaged, { recursive: true })
    const file = path.join(damaged, "schema-auth.dump")
    const bytes = readFileSync(file)
    const at = Math.floor(bytes.length / 2)
    bytes[at] = bytes[at]! ^ 0xff
    writeFileSync(file, bytes)
    await query("delete from auth.users")
    for (const args of [["--schema", "auth"], []]) {
      const r = await run(["restore", "--from", damaged, ...args, "--yes"])
      expect(r.code).toBe(1)
      expect(r.stderr.trim()).toBe(
        "schema-auth.dump does not match its checksum (damaged or changed since the backup); nothing was restored",
      )
      expect(r.stdout).toBe("")
    }
    expect((await content("auth.users")).n).toBe(0)
  })

  it("exits 1 naming a missing file, and restores nothing", async () => {
    const partial = path.join(work, "partial")
    mkdirSync(partial)
    for (const f of readdirSync(backupDir()))
      if (f !== "schema-financial.dump") cpSync(path.join(backupDir(), f), path.join(partial, f))
    const r = await run(["restore", "--from", partial, "--yes"])
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(`schema-financial.dump is missing from ${partial}; nothing was restored`)
    expect((await content("auth.users")).n).toBe(0)
    // The intact backup still brings them back.
    const again = await run(["restore", "--from", backupDir(), "--schema", "auth", "--yes"])
    expect(again.code).toBe(0)
    expect(await content("auth.users")).toEqual(users)
  })

  it("exits 3 and restores nothing when rows of another schema point at rows the backup lacks", async () => {
    await query(`with u as (insert into auth.users (tenant_id, first_name) values ('SA01', 'Zainab') returning id)
                 insert into academic.students (tenant_id, user_id, student_number) select 'SA01', id, 'S-1' from u`)
    const before = await content("auth.users")
    const r = await run(["restore", "--from", backupDir(), "--schema", "auth", "--yes"])
    expect(r.code).toBe(3)
    const lines = r.stderr.trim().split("\n")
    expect(lines[0]).toMatch(
      /^psql failed \(exit 3\): .*violates foreign key constraint "students_user_id_fkey"/,
    )
    expect(lines.at(-1)).toBe(
      "nothing was restored (one transaction): rows of other schemas point at rows of auth the backup does not have; restore the whole database, or remove those rows first",
    )
    expect(await content("auth.users")).toEqual(before)
    expect(before.n).toBe(users.n + 1)
  })

  it("never prints the database password", () => {
    expect(outputs.length).toBeGreaterThan(5)
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(password)
  })
})
