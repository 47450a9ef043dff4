import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Email, MyKad, PersonName, Phone } from "@schoolbridge/cleansers"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Report } from "@schoolbridge/validators"
import { Effect } from "effect"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { maskValue } from "../src/Mask.js"
import { cli } from "./Cli.js"

const manifest = `version: 1
name: legacy-mask
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
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

type Row = Record<string, unknown>
type Tables = { users: Array<Row>; students: Array<Row> }

const dbs: Array<TestDatabase> = []
let dir: string
let file: string

// The fixture has no identity numbers or medical notes: give a valid MyKad (with and without dashes),
// one the cleanser rejects, and a note, the same on every copy.
const extra = `
update students set ic_number = '120401-10-1234', medical_info = 'asthma' where student_id = 10;
update students set ic_number = '110915145671', address2 = 'Taman Melati' where student_id = 11;
update students set ic_number = 'A1234567' where student_id = 12;
update students set ic_number = '' where student_id = 13;`

const copy = async (): Promise<TestDatabase> => {
  const db = await createMysqlDatabase("legacy")
  dbs.push(db)
  const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8") + extra)
  await conn.end()
  return db
}

const read = async (db: TestDatabase): Promise<Tables> => {
  const conn = await mysql.createConnection({ uri: db.url, dateStrings: true })
  try {
    const [users] = await conn.query("select * from users order by user_id")
    const [students] = await conn.query("select * from students order by student_id")
    return { users: users as Array<Row>, students: students as Array<Row> }
  } finally {
    await conn.end()
  }
}

const mask = (db: TestDatabase, ...args: Array<string>) =>
  cli(["mask", "--manifest", file, ...args], { LEGACY_MYSQL_URL: db.url })

const accepts: Record<string, (v: unknown) => boolean> = {
  email: (v) => Email.clean(v)._tag !== "Invalid",
  first_name: (v) => PersonName.clean(v)._tag !== "Invalid",
  last_name: (v) => PersonName.clean(v)._tag !== "Invalid",
  phone: (v) => Phone.clean(v)._tag !== "Invalid",
  ic_number: (v) => MyKad.clean(v, { referenceDate: "2025-01-15" })._tag !== "Invalid",
}
const personal = {
  users: ["email", "first_name", "last_name", "phone"],
  students: ["email", "ic_number", "address1", "address2", "medical_info"],
} as const

let original: Tables
let masked: TestDatabase
let maskedRows: Tables
let maskOutput: string

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sb-mask-"))
  file = path.join(dir, "legacy.yaml")
  writeFileSync(file, manifest)
  const plain = await copy()
  original = await read(plain)
  masked = await copy()
  const r = await mask(masked, "--yes")
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  maskOutput = r.stdout
  maskedRows = await read(masked)
})
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

describe("schoolbridge-migrate mask", () => {
  it("refuses without --yes when standard input is not a terminal, after naming the database", async () => {
    const db = await copy()
    const r = await mask(db)
    expect(r.code).toBe(2)
    expect(r.stdout).toContain(`will mask mysql://root@127.0.0.1:3306/${db.name} (source legacy): users (`)
    expect(r.stderr).toContain("pass --yes")
    expect(await read(db)).toEqual(original)
  })

  it("prints what it changes per table", () => {
    const lines = maskOutput.trim().split("\n")
    expect(lines[0]).toContain(
      "users (email, first_name, last_name, phone); students (email, ic_number, address1, address2, medical_info)",
    )
    expect(lines.slice(1, 2)).toEqual([expect.stringMatching(/^table +rows +changed +seconds$/)])
    expect(lines[2]).toMatch(/^legacy\.users +5 +5 +\d+\.\d\d$/)
    // Student 13's only personal values are an email and '' (kept), so all four change.
    expect(lines[3]).toMatch(/^legacy\.students +4 +4 +\d+\.\d\d$/)
  })

  it("leaves no original personal value, keeps NULL, '' and every other column", () => {
    for (const table of ["users", "students"] as const) {
      const originals = new Set(
        original[table].flatMap((row) =>
          personal[table].map((c) => row[c]).filter((v) => typeof v === "string" && v.trim() !== ""),
        ),
      )
      const after = maskedRows[table].flatMap((row) => personal[table].map((c) => row[c]))
      for (const v of after) expect(originals.has(v as string)).toBe(false)
      original[table].forEach((row, i) => {
        const now = maskedRows[table][i]!
        for (const [c, v] of Object.entries(row)) {
          if ((personal[table] as ReadonlyArray<string>).includes(c) && v !== null && v !== "")
            expect(now[c]).not.toEqual(v)
          else expect(now[c]).toEqual(v)
        }
      })
    }
  })

  it("keeps what the cleansers accept and reject, the birth date and sex of a MyKad, and equal emails equal", () => {
    for (const table of ["users", "students"] as const)
      for (const [c, ok] of Object.entries(accepts)) {
        if (!(c in original[table][0]!)) continue
        expect(maskedRows[table].map((r) => ok(r[c]))).toEqual(original[table].map((r) => ok(r[c])))
      }
    expect(original.users.map((r) => accepts.email!(r.email))).toEqual([true, true, false, true, true])
    expect(maskedRows.users[2]!.email).toMatch(/^invalid-0[0-9a-f]{7}$/)
    expect(maskedRows.users[0]!.email).toMatch(/^[0-9a-f]{16}@example\.invalid$/)
    // User 4's dina@example.com and student 13's 'DINA@example.com ' are one address.
    expect(maskedRows.students[3]!.email).toBe(maskedRows.users[3]!.email)
    expect(maskedRows.users[0]!.phone).toMatch(/^01[2-9]-\d{3} \d{4}$/)
    expect(maskedRows.users[1]!.phone).toMatch(/^\+60 1[2-9]-\d{3} \d{4}$/)
    const kad = (v: unknown) => {
      const c = MyKad.clean(v)
      return c._tag === "Invalid" || c.value === null ? null : [c.value.birthDate, c.value.sex]
    }
    expect(maskedRows.students.map((r) => kad(r.ic_number))).toEqual(
      original.students.map((r) => kad(r.ic_number)),
    )
    expect(kad(maskedRows.students[0]!.ic_number)).toEqual(["2012-04-01", "female"])
  })

  it("is deterministic: the same seed gives the same rows, another seed other rows", async () => {
    const again = await copy()
    expect((await mask(again, "--yes", "--seed", "legacy-mask")).code).toBe(0)
    expect(await read(again)).toEqual(maskedRows)
    const other = await copy()
    expect((await mask(other, "--yes", "--seed", "another")).code).toBe(0)
    const otherRows = await read(other)
    for (const table of ["users", "students"] as const)
      otherRows[table].forEach((row, i) => {
        for (const c of ["email", "phone", "ic_number", "address1"])
          if (c in row && row[c] !== null && row[c] !== "")
            expect(row[c]).not.toEqual(maskedRows[table][i]![c])
      })
  })

  it("a run and validate on the masked copy load, reject and judge like on the original", async () => {
    const outcome = async (source: TestDatabase) => {
      const target = await createPgDatabase("portal")
      dbs.push(target)
      const env = { LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url }
      const run = await cli(["run", "-m", file], env)
      // One of five users refused: over the tolerated 2%, on the copy as on the original.
      expect(run.code).toBe(4)
      const out = path.join(dir, source.name)
      const validate = await cli(["validate", "-m", file, "--out", out], env)
      const report = await Effect.runPromise(
        Report.fromJson(readFileSync(path.join(out, "report.json"), "utf8")),
      )
      return {
        run: run.stdout
          .trim()
          .split("\n")
          .slice(1)
          .map((l) => l.split(/ +/).slice(0, 5)),
        code: validate.code,
        verdict: validate.stdout.split("\n")[0],
        entities: report.entities,
        checks: report.checks.map((c) => [c.id, c.passed, c.failingRows]),
      }
    }
    const plain = await copy()
    const before = await outcome(plain)
    const after = await outcome(masked)
    expect(before.run[0]).toEqual(["legacy-sis.users", "5", "4", "1", "0"])
    expect(after).toEqual(before)
  })

  it("masks one value by its kind, keeping blanks and the phone's format class", () => {
    const full = maskValue("s", "full-name", "Aisyah binti Rahman")
    expect(full).toMatch(/^\S+( \S+)? \S+$/)
    expect(PersonName.clean(full)._tag).toBe("Valid")
    expect(maskValue("s", "full-name", "Aisyah binti Rahman")).toBe(full)
    expect(maskValue("s", "phone", "+60 3-2222 3333")).toMatch(/^\+60 1[2-9]-\d{3} \d{4}$/)
    expect(maskValue("s", "phone", "0060123456789")).toMatch(/^\+60 1[2-9]-\d{3} \d{4}$/)
    expect(maskValue("s", "phone", "012 345 6789 (home)")).toMatch(/^invalid-0[0-9a-f]{7}$/)
    expect(maskValue("s", "mykad", "A1234567")).toMatch(/^invalid-0[0-9a-f]{7}$/)
    expect(maskValue("s", "mykad", "850101-14-5677")).toMatch(/^850101-(0[1-9]|1[0-6])-\d{3}[13579]$/)
    expect(maskValue("s", "address", "  ")).toBe("  ")
    expect(maskValue("s", "address", "12 Jalan Ampang")).toMatch(/^No \d+, Jalan Contoh \d+$/)
    expect(maskValue("s", "text", null)).toBeNull()
    expect(maskValue("s", "email", "A@B.com")).toBe(maskValue("s", "email", " a@b.com"))
    expect(maskValue("s", "email", "a@b.com")).not.toBe(maskValue("s", "email", "a@c.com"))
  })
})
