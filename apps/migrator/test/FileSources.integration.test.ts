/**
 * File sources read whole or refused, and nothing written before a refusal: a CSV of a school's users
 * migrated with the legacy SIS mappers, through the built CLI, into a real PostgreSQL portal.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

const dbs: Array<TestDatabase> = []
let dir: string

const header = "user_id,email,password,first_name,last_name,phone,status,created_date,modified_date"
const user = (id: number, first = "Aminah", last = "Ahmad") =>
  `${id},user${id}@example.com,,${first},${last},,active,2023-01-05,`

const manifest = (file: string, encoding?: string) => {
  const yaml = path.join(dir, `${path.basename(file, ".csv")}${encoding ? `-${encoding}` : ""}.yaml`)
  writeFileSync(
    yaml,
    `version: 1
name: users-csv-${path.basename(file, ".csv")}
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  exports:
    kind: csv
    path: ${file}
${encoding ? `    encoding: ${encoding}\n` : ""}entities:
  - { name: legacy-sis.users, source: exports, key: user_id }
`,
  )
  return yaml
}

const portal = async () => {
  const db = await createPgDatabase("files")
  dbs.push(db)
  return db
}

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

/** What the run wrote to the target at all: its schemas of ours, and tenants when there is a tenant table. */
const written = async (url: string) => {
  const schemas = await query<{ nspname: string }>(
    url,
    "select nspname from pg_namespace where nspname in ('migration', 'auth', 'academic') order by 1",
  )
  return schemas.map((s) => s.nspname)
}

const ledger = async (url: string) =>
  (
    await query<{ read: number; loaded: number; rejected: number; skipped: number }>(
      url,
      `select sum(read_count)::int as read, sum(loaded_count)::int as loaded,
              sum(rejected_count)::int as rejected, sum(skipped_count)::int as skipped
         from migration.batches where entity = 'legacy-sis.users'`,
    )
  )[0]!

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "sb-files-"))
})
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

describe("a CSV read whole or refused", () => {
  it("rejects the one record it cannot parse with its line, loads every other, and the totals add up", async () => {
    const target = await portal()
    const file = path.join(dir, "users.csv")
    const lines = [header]
    // 199 records; line 27 (user 26) breaks the quoting rules in the middle of a field.
    for (let id = 1; id <= 199; id++)
      lines.push(id === 26 ? `26,user26@example.com,,"Ali "the kid" Bakar,Ahmad,,active,,` : user(id))
    writeFileSync(file, `${lines.join("\n")}\n`)
    const env = { SCHOOLBRIDGE_TARGET_URL: target.url }
    const r = await cli(["run", "-m", manifest(file)], env)
    expect(r.code).toBe(0)
    expect(r.stdout.split("\n")[1]).toMatch(/^legacy-sis\.users +199 +198 +1 +0 /)
    expect(await ledger(target.url)).toEqual({ read: 199, loaded: 198, rejected: 1, skipped: 0 })
    const errors = await query(
      target.url,
      "select source_key, rule, message from migration.row_errors where kind = 'rejected'",
    )
    expect(errors).toEqual([
      {
        source_key: "line 27",
        rule: "bad_quote",
        message: expect.stringMatching(
          /^line 27 could not be read: column 30: "t" follows the closing quote/,
        ),
      },
    ])
    const ids = await query<{ legacy_id: string }>(target.url, "select legacy_id from auth.users")
    expect(ids).toHaveLength(198)
    expect(ids.map((u) => u.legacy_id)).not.toContain("26")
    expect(ids.map((u) => u.legacy_id)).toContain("199")

    // validate compares the file itself with the portal: its 199 records and their keys.
    const out = path.join(dir, "report-a")
    const v = await cli(["validate", "-m", manifest(file), "--out", out], env)
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^verdict: GO/)
    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8"))
    expect(report.entities).toEqual([
      expect.objectContaining({
        entity: "legacy-sis.users",
        source: 199,
        target: 198,
        read: 199,
        rejected: 1,
      }),
    ])
    const check = (id: string) => report.checks.find((c: { id: string }) => c.id === id)
    expect(check("count-parity:legacy-sis.users").passed).toBe(true)
    expect(check("checksum:legacy-sis.users").passed).toBe(true)
    // A record added to the file since the run is one the portal lacks: the file, not the ledger, counts.
    appendFileSync(file, `${user(500)}\n`)
    const again = await cli(["validate", "-m", manifest(file), "--out", path.join(dir, "report-a2")], env)
    const second = JSON.parse(readFileSync(path.join(dir, "report-a2", "report.json"), "utf8"))
    expect(second.entities[0].source).toBe(200)
    expect(second.checks.find((c: { id: string }) => c.id === "count-parity:legacy-sis.users").passed).toBe(
      false,
    )
    expect(
      JSON.stringify(second.checks.find((c: { id: string }) => c.id === "checksum:legacy-sis.users")),
    ).toContain("500")
    expect(again.stdout).toMatch(/^verdict: NO-GO/)
  })

  it("refuses a file whose quote on line 52 never closes (exit 2), naming the line, before writing anything", async () => {
    const target = await portal()
    const file = path.join(dir, "unclosed.csv")
    const lines = [header]
    for (let id = 1; id <= 199; id++)
      lines.push(id === 51 ? `51,user51@example.com,,"Zoe,Smith,,active,,` : user(id))
    writeFileSync(file, `${lines.join("\n")}\n`)
    const r = await cli(["run", "-m", manifest(file)], { SCHOOLBRIDGE_TARGET_URL: target.url })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    const said = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("{"))
    expect(said).toHaveLength(1)
    expect(said[0]).toContain("the quote that opens a field on line 52 (column 24) is never closed")
    expect(said[0]).toContain("lines 52-200")
    expect(await written(target.url)).toEqual([])
  })

  it("refuses windows-1252 text read as UTF-8, naming line and column, and reads it with encoding: windows-1252", async () => {
    const target = await portal()
    const file = path.join(dir, "cp1252.csv")
    const text = `${[header, user(1), user(2, "Zoë", "Ñúñez"), user(3)].join("\r\n")}\r\n`
    writeFileSync(file, Buffer.from(text, "latin1"))
    const env = { SCHOOLBRIDGE_TARGET_URL: target.url }
    const refused = await cli(["run", "-m", manifest(file)], env)
    expect(refused.code).toBe(2)
    const said = refused.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("{"))
    // "2,user2@example.com,,Zo" is 23 characters: the ë is the 24th.
    const at = Buffer.from(`${header}\r\n${user(1)}\r\n2,user2@example.com,,Zo`).length
    expect(said).toEqual([
      `csv file ${file}: line 3, column 24 (byte ${at}): byte 0xEB is not UTF-8; the file is in another encoding: ` +
        "name it with `encoding:` on the source (e.g. windows-1252, latin1, utf-16)",
    ])
    expect(await written(target.url)).toEqual([])

    const r = await cli(["run", "-m", manifest(file, "windows-1252")], env)
    expect(r.code).toBe(0)
    const users = await query(
      target.url,
      "select legacy_id, first_name, last_name from auth.users order by legacy_id",
    )
    expect(users).toEqual([
      { legacy_id: "1", first_name: "Aminah", last_name: "Ahmad" },
      { legacy_id: "2", first_name: "Zoë", last_name: "Ñúñez" },
      { legacy_id: "3", first_name: "Aminah", last_name: "Ahmad" },
    ])
    const bad = await query(
      target.url,
      "select count(*)::int as n from auth.users where first_name like '%\uFFFD%'",
    )
    expect(bad).toEqual([{ n: 0 }])
  })

  it("never stores a 5 MB last name whole: it is cut to its cap with a note", async () => {
    const target = await portal()
    const file = path.join(dir, "long.csv")
    const long = `Abdullah${"a".repeat(5_000_000)}`
    writeFileSync(file, `${[header, user(1), user(2, "Siti", long), user(3)].join("\n")}\n`)
    const r = await cli(["run", "-m", manifest(file)], { SCHOOLBRIDGE_TARGET_URL: target.url })
    expect(r.code).toBe(0)
    expect(await ledger(target.url)).toEqual({ read: 3, loaded: 3, rejected: 0, skipped: 0 })
    const [siti] = await query<{ n: number; start: string }>(
      target.url,
      "select char_length(last_name) as n, left(last_name, 8) as start from auth.users where legacy_id = '2'",
    )
    expect(siti).toEqual({ n: 200, start: "Abdullah" })
    const notes = await query(
      target.url,
      "select source_key, column_name, rule, message from migration.row_errors where kind = 'note' and rule = 'too_long'",
    )
    expect(notes).toEqual([
      {
        source_key: "2",
        column_name: "last_name",
        rule: "too_long",
        message: "last_name is 5,000,008 characters long, over its cap of 200; the first 200 are stored",
      },
    ])
  })
})
