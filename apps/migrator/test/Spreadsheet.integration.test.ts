/**
 * A school's user list kept in a workbook, migrated with the legacy SIS mappers: the sheet's rows go
 * through exactly the cleansing and mapping a legacy MySQL table would.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import ExcelJS from "exceljs"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

let target: TestDatabase
let dir: string

const manifest = `version: 1
name: users-sheet
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  sheet:
    kind: xlsx
    path: { env: USERS_XLSX }
entities:
  - { name: legacy-sis.users, source: sheet, table: Users, key: user_id }
`

beforeAll(async () => {
  target = await createPgDatabase("portal")
  dir = mkdtempSync(path.join(tmpdir(), "sb-xlsx-"))
  const book = new ExcelJS.Workbook()
  book.addWorksheet("Notes").addRow(["not this sheet"])
  const sheet = book.addWorksheet("Users")
  sheet.addRow([
    "user_id",
    "email",
    "password",
    "first_name",
    "last_name",
    "phone",
    "status",
    "created_date",
    "modified_date",
  ])
  sheet.addRow([
    1,
    " Siti@Example.com ",
    null,
    "Siti",
    "Aminah",
    "012-345 6789",
    "active",
    new Date(Date.UTC(2023, 0, 5, 0, 0)),
    null,
  ])
  sheet.addRow([2, "no-at-sign", null, "Raj", "Kumar", null, "active", null, null])
  sheet.addRow([3, "lee@example.com", null, "Lee", "Mei", "+60 3-2222 3333", "Inactive", null, null])
  sheet.addRow([4, "nameless@example.com", null, "", "", null, "active", null, null])
  // exceljs's writeFile can resolve before the file is flushed; a buffer written by fs cannot.
  writeFileSync(path.join(dir, "users.xlsx"), Buffer.from(await book.xlsx.writeBuffer()))
  writeFileSync(path.join(dir, "sheet.yaml"), manifest)
})
afterAll(() => target?.drop())

describe("a workbook as a source", () => {
  it("loads the named worksheet's rows through the legacy mappers, a bad email stored as empty, rejecting the nameless", async () => {
    const env = { USERS_XLSX: path.join(dir, "users.xlsx"), SCHOOLBRIDGE_TARGET_URL: target.url }
    const r = await cli(["run", "--manifest", path.join(dir, "sheet.yaml")], env)
    // One of four users is refused: over the tolerated 2%, so the run says so and ends with exit 4.
    expect(r.stderr.split("\n").filter((l) => !l.startsWith("{"))).toEqual([
      "legacy-sis.users rejected 25% of its rows: over the manifest's tolerance of 2% (tolerances.rejectAbove); see the causes above",
      "",
    ])
    expect(r.code).toBe(4)
    expect(r.stdout).toContain(
      "not loaded, by cause (root causes first):\n  legacy-sis.users  person_name  1 rejected",
    )
    expect(r.stdout.split("\n")[1]).toMatch(/^legacy-sis\.users +4 +3 +1 +0 /)
    const c = new pg.Client({ connectionString: target.url })
    await c.connect()
    try {
      const users = (
        await c.query("select legacy_id, email, phone, status from auth.users order by legacy_id")
      ).rows
      expect(users).toEqual([
        { legacy_id: "1", email: "siti@example.com", phone: "+60123456789", status: "active" },
        { legacy_id: "2", email: null, phone: null, status: "active" },
        { legacy_id: "3", email: "lee@example.com", phone: "+60322223333", status: "inactive" },
      ])
      const errors = (
        await c.query("select source_key, rule from migration.row_errors where kind = 'rejected'")
      ).rows
      expect(errors).toEqual([{ source_key: "4", rule: "person_name" }])
      const notes = (
        await c.query(
          "select source_key, rule from migration.row_errors where kind = 'note' and column_name = 'email'",
        )
      ).rows
      expect(notes).toContainEqual({ source_key: "2", rule: "email" })
    } finally {
      await c.end()
    }
  })
})
