/**
 * On a terminal the run draws a bar per entity (run under `script`, which gives the CLI a pty).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { stripVTControlCharacters } from "node:util"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const app = path.resolve(import.meta.dirname, "..")
let source: TestDatabase
let target: TestDatabase
let manifest: string

beforeAll(async () => {
  source = await createMysqlDatabase("legacy")
  target = await createPgDatabase("portal")
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  await conn.end()
  manifest = path.join(mkdtempSync(path.join(tmpdir(), "sb-tty-")), "legacy.yaml")
  writeFileSync(
    manifest,
    `version: 1
name: tty
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
target: { url: { env: SCHOOLBRIDGE_TARGET_URL } }
sources: { legacy: { kind: mysql, url: { env: LEGACY_MYSQL_URL } } }
entities:
  - { name: legacy-sis.users, source: legacy, table: users, key: user_id }
`,
  )
})
afterAll(async () => {
  await source?.drop()
  await target?.drop()
})

describe("progress on a terminal", () => {
  it("draws a bar per entity with its rows, then the summary table", () => {
    const command = `${process.execPath} bin/schoolbridge-migrate.mjs run --manifest ${manifest}`
    const r = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? "",
        LEGACY_MYSQL_URL: source.url,
        SCHOOLBRIDGE_TARGET_URL: target.url,
      },
      encoding: "utf8",
    })
    // The fixture's dirt rejects more than the tolerated 2% of its users: exit 4.
    expect(r.status).toBe(4)
    // The bar redraws with cursor codes.
    const text = stripVTControlCharacters(r.stdout)
    expect(text).toMatch(/legacy-sis\.users +\S+ 5\/5 rows +\d+ rows\/s +1 rejected/)
    expect(text).toMatch(/legacy-sis\.users +5 +4 +1 +0 /)
    expect(text).not.toContain('"msg"')
  })
})
