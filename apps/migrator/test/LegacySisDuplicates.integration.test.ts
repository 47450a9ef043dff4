/**
 * One child, one record, end to end: the full legacy SIS fixture with a child entered twice (the
 * same MyKad, the name in capitals with its particle) whose copy has attendance, an invoice and a
 * payment, and a different child given the same MyKad. The shipped manifest loads the child once,
 * re-points the copy's records at it, holds the other child for the school, and reports each.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

const fixture = path.resolve(import.meta.dirname, "fixtures/legacy-sis-full.sql")
const manifest = path.resolve(import.meta.dirname, "../manifests/legacy-sis.yaml")

// Born 2012-04-01 in Kuala Lumpur, female: student 10's birth date and sex.
const kad = "120401-14-5678"

let source: TestDatabase
let target: TestDatabase
let portal: pg.Client

const env = () => ({ LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url })
const rows = async (sql: string, params: Array<unknown> = []) => (await portal.query(sql, params)).rows

beforeAll(async () => {
  source = await createMysqlDatabase("legacy_twice")
  target = await createPgDatabase("portal_twice")
  const my = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await my.query(readFileSync(fixture, "utf8"))
  await my.query(`
    UPDATE students SET ic_number = '${kad}' WHERE student_id = 10;
    -- Student 10 entered again a year earlier, by another clerk: the same child.
    INSERT INTO users VALUES
      (11, 'aisyah.lama@example.com', NULL, 'AISYAH', 'BINTI RAHMAN', NULL, 'Aktif', 0, '2022-01-03 08:00:00', NULL),
      (12, 'siti@example.com', NULL, 'Siti', 'Aminah', NULL, 'Aktif', 0, '2022-01-03 08:00:00', NULL);
    INSERT INTO students VALUES
      (15, 11, NULL, NULL, '01/04/2012', 'P', NULL, '${kad}', NULL, NULL, '2022-01-10', 'Aktif', NULL, NULL, NULL, NULL, NULL, NULL, '2022-01-03 08:00:00', NULL),
      -- Another child typed with student 10's MyKad: it cannot be decided here.
      (16, 12, NULL, NULL, '2012-05-05', 'F', NULL, '${kad}', NULL, NULL, '2022-01-10', 'Aktif', NULL, NULL, NULL, NULL, NULL, NULL, '2022-01-03 08:00:00', NULL);
    INSERT INTO attendance VALUES (6, 15, 10, '2024-03-07', 'H', NULL, 6, '2024-03-07 08:00:00', NULL);
    INSERT INTO invoices VALUES
      (7, 'INV-2024-000007', 15, '2024', '2024-03-01', '2024-04-01', 95.00, 0.00, 0.00, 95.00, 95.00, 0.00, 'Dibayar', NULL, '2024-03-01 08:00:00', NULL);
    INSERT INTO invoice_items VALUES (7, 7, 'Buku', 1.00, 95.00, 95.00, '2024-03-01 08:00:00', NULL);
    INSERT INTO payments VALUES
      (7, 7, 15, 95.00, '2024-03-02 10:00:00', 'FPX', NULL, 'R0007', 'Berjaya', NULL, '2024-03-02 10:00:00', NULL);
  `)
  await my.end()
  portal = new pg.Client({ connectionString: target.url })
  await portal.connect()
}, 120_000)
afterAll(async () => {
  await portal?.end()
  await source?.drop()
  await target?.drop()
})

describe("a legacy SIS child entered twice", () => {
  it("loads the child once, with the copy's records pointing at it, and holds the other child", async () => {
    const run = await cli(["run", "--manifest", manifest, "--tenant", "SA01"], env())
    expect(run.stderr).not.toMatch(/error|failed/i)
    const withKad = await rows("select legacy_id from academic.students where national_id = $1", [kad])
    expect(withKad).toEqual([{ legacy_id: "10" }])
    const ten = (await rows("select id from academic.students where legacy_id = '10'"))[0]!.id as string
    expect(
      await rows(
        `select 'attendance' as t, student_id from academic.attendance where legacy_id = '6'
          union all select 'invoice', student_id from financial.invoices where legacy_id = '7'
          union all select 'payment', student_id from financial.payments where legacy_id = '7'`,
      ),
    ).toEqual([
      { t: "attendance", student_id: ten },
      { t: "invoice", student_id: ten },
      { t: "payment", student_id: ten },
    ])
    // The copy's account is merged into the child's: no second login for one child.
    expect(
      await rows("select legacy_id from auth.users where legacy_id in ('1', '11', '12') order by 1"),
    ).toEqual([{ legacy_id: "1" }, { legacy_id: "12" }])
  })

  it("reports every merge with both source keys, and the held record with the one it collides with", async () => {
    const ledger = await rows(
      `select replace(entity, 'legacy-sis.', '') as entity, source_key, kind, rule, message
         from migration.row_errors
        where (kind <> 'note'
               and ((entity = 'legacy-sis.students' and source_key in ('15', '16'))
                    or (entity = 'legacy-sis.users' and source_key = '11')))
           or rule = 'duplicate_merged'
        order by entity, source_key`,
    )
    expect(ledger.map((r) => [r.entity, r.source_key, r.kind, r.rule])).toEqual([
      ["students", "10", "note", "duplicate_merged"],
      ["students", "15", "skipped", expect.any(String)],
      ["students", "16", "rejected", "duplicate_person_held"],
      ["users", "11", "skipped", expect.any(String)],
    ])
    const [merged, loser, held, account] = ledger.map((r) => r.message as string)
    expect(merged).toBe(`student 15 (the same MyKad ${kad}) merged into this record`)
    expect(loser).toMatch(/^merged into student 10: the same child \(MyKad 120401-14-5678\)/)
    expect(held).toContain("is also student 10's, and their names differ")
    expect(account).toMatch(/^merged into user 1:/)
  })

  it("a second run changes nothing", async () => {
    const before = await rows("select id, updated_at from academic.students order by id")
    await cli(["run", "--manifest", manifest, "--tenant", "SA01"], env())
    expect(await rows("select id, updated_at from academic.students order by id")).toEqual(before)
  })
})
