import { PgClient } from "@schoolbridge/connectors"
import { Migrations } from "@schoolbridge/schema"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Layer, Redacted } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type Check, type Declaration, Domain, PortalRules, SourceDatabase, Validate } from "../src/index.js"

// A portal database with every shipped migration, a MySQL source of students, and the rows a
// correct migration writes; each test injects its defects into a fresh copy.
let pgDb: TestDatabase
let myDb: TestDatabase
let pool: pg.Pool
let my: mysql.Connection
let layer: Layer.Layer<PgClient.PgClient | SourceDatabase.SourceDatabase, unknown>

const id = (kind: number, n: number) =>
  `00000000-0000-4000-8000-${String(kind).padStart(4, "0")}${String(n).padStart(8, "0")}`
const [USER, STUDENT, INVOICE, PROGRAM, QENROLL, HAFIZ, ATTEND] = [1, 2, 3, 4, 5, 6, 7] as const

const source = Array.from({ length: 12 }, (_, k) => {
  const n = k + 1
  return {
    id: n,
    school: n % 2 === 0 ? "A" : "B",
    dob: n === 5 ? "0000-00-00" : `2012-0${(n % 9) + 1}-1${n % 10}`,
    enrolled: `2023-0${(n % 9) + 1}-0${(n % 9) + 1} 0${n % 10}:30:00`,
    deleted: n % 4 === 0 ? 1 : 0,
  }
})

const students: Declaration.EntityDeclaration = {
  name: "students",
  source: { table: "legacy_students", key: "id", tenantColumn: "school" },
  target: { table: "academic.students" },
  preserved: [
    PortalRules.datesPreserved([
      { source: "dob", target: "date_of_birth", type: "date" },
      { source: "enrolled", target: "created_at", type: "timestamp", timeZone: "Asia/Kuala_Lumpur" },
    ]),
    PortalRules.softDeletePreserved({ flag: "deleted" }),
  ],
}

const run = <A, E>(self: Effect.Effect<A, E, PgClient.PgClient | SourceDatabase.SourceDatabase>) =>
  Effect.runPromise(Effect.provide(self, layer))
const byId = (checks: ReadonlyArray<Check.Check>, checkId: string) => {
  const c = checks.find((x) => x.id === checkId)
  if (!c) throw new Error(`no check ${checkId}; have ${checks.map((x) => x.id).join(", ")}`)
  return c
}

const reset = async () => {
  await my.query("drop table if exists legacy_students")
  await my.query(`create table legacy_students (id int primary key, school varchar(8) not null,
    dob date null, enrolled datetime not null, deleted tinyint(1) null)`)
  await my.query("insert into legacy_students values ?", [source.map((s) => Object.values(s))])
  await pool.query(`
    truncate auth.tenants cascade;
    insert into auth.tenants (code, name) values ('A', 'School A'), ('B', 'School B');`)
  for (const s of source) {
    await pool.query("insert into auth.users (id, tenant_id, first_name) values ($1, $2, $3)", [
      id(USER, s.id),
      s.school,
      `Student ${s.id}`,
    ])
    await pool.query(
      `insert into academic.students (id, tenant_id, user_id, student_number, date_of_birth, created_at,
         deleted_at, legacy_source, legacy_id)
       values ($1, $2, $3, $4, $5, ($6 || '+08')::timestamptz,
         case when $7::int = 1 then ($6 || '+08')::timestamptz end, 'students', $8)`,
      [
        id(STUDENT, s.id),
        s.school,
        id(USER, s.id),
        `S${s.id}`,
        s.dob.startsWith("0000") ? null : s.dob,
        s.enrolled,
        s.deleted,
        String(s.id),
      ],
    )
  }
  await pool.query(`
    insert into financial.invoices (id, tenant_id, invoice_number, student_id, invoice_date, due_date,
        subtotal, total_amount, paid_amount, balance_due, legacy_id) values
      ('${id(INVOICE, 1)}', 'A', 'INV-1', '${id(STUDENT, 2)}', '2024-01-05', '2024-02-05', 500, 500, 200, 300, '1'),
      ('${id(INVOICE, 2)}', 'B', 'INV-2', '${id(STUDENT, 1)}', '2024-01-05', '2024-02-05', 80, 80, 100, -20, '2');
    insert into islamic.quran_programs (id, tenant_id, code, name, program_type) values
      ('${id(PROGRAM, 1)}', 'A', 'HIFZ', 'Hifz', 'hifz_full');
    insert into islamic.quran_enrollments (id, tenant_id, student_id, program_id, enrollment_date) values
      ('${id(QENROLL, 1)}', 'A', '${id(STUDENT, 2)}', '${id(PROGRAM, 1)}', '2024-01-02');
    insert into islamic.hafiz_progress (id, tenant_id, enrollment_id, surah_number, verses_memorized, total_verses, legacy_id) values
      ('${id(HAFIZ, 1)}', 'A', '${id(QENROLL, 1)}', 1, 7, 7, '1'),
      ('${id(HAFIZ, 2)}', 'A', '${id(QENROLL, 1)}', 112, 4, 4, '2');
    insert into academic.attendance (id, tenant_id, student_id, attendance_date, status, legacy_id) values
      ('${id(ATTEND, 1)}', 'A', '${id(STUDENT, 2)}', current_date, 'present', '1'),
      ('${id(ATTEND, 2)}', 'A', '${id(STUDENT, 2)}', current_date - 7, 'late', '2');`)
}

beforeAll(async () => {
  pgDb = await createPgDatabase("portalrules")
  myDb = await createMysqlDatabase("portalrules")
  pool = new pg.Pool({ connectionString: pgDb.url, max: 2 })
  for (const m of Migrations.all) await pool.query(m.sql)
  // The tables' own checks stop these defects on insert; a load that ran without them does not.
  const { rows } = await pool.query<{ sql: string }>(
    `select format('alter table %s drop constraint %I', conrelid::regclass, conname) as sql
       from pg_constraint
      where contype = 'c' and conrelid in ('financial.invoices'::regclass, 'islamic.hafiz_progress'::regclass)
        and (pg_get_constraintdef(oid) like '%balance_due%' or pg_get_constraintdef(oid) like '%total_verses%')`,
  )
  for (const r of rows) await pool.query(r.sql)
  my = await mysql.createConnection({ uri: myDb.url })
  await my.query("set session sql_mode = ''")
  layer = Layer.mergeAll(
    PgClient.layer({ url: Redacted.make(pgDb.url), max: 4 }),
    SourceDatabase.layerMysql({ url: Redacted.make(myDb.url), max: 4 }),
  )
})
afterAll(async () => {
  await my?.end()
  await pool?.end()
  await pgDb?.drop()
  await myDb?.drop()
})
beforeEach(reset)

describe("the portal's target-only rules", () => {
  it("pass on correct rows: a negative balance is an overpayment, today is not the future", async () => {
    const checks = await run(PortalRules.checks())
    expect(checks.map((c) => [c.id, c.passed])).toEqual([
      ["domain:financial.invoices:invoice-balance", true],
      ["domain:islamic.hafiz_progress:verses-within-surah", true],
      ["domain:academic.attendance:no-future-attendance", true],
      ["domain:academic.students:one-student-per-mykad", true],
    ])
  })

  it("fail on two live students of one school with one MyKad, and only then", async () => {
    const kad = "120401-14-5678"
    const setKad = (legacyId: number, value: string | null) =>
      pool.query("update academic.students set national_id = $2 where legacy_id = $1", [
        String(legacyId),
        value,
      ])
    const mykad = async () =>
      byId(await run(PortalRules.checks()), "domain:academic.students:one-student-per-mykad")
    // One MyKad in two schools is not one school's duplicate.
    const [a, b] = source
      .filter((s) => !s.deleted)
      .reduce<[Array<number>, Array<number>]>(
        ([x, y], s) => (s.school === "A" ? [[...x, s.id], y] : [x, [...y, s.id]]),
        [[], []],
      )
    await setKad(a[0]!, kad)
    await setKad(b[0]!, kad)
    expect(await mykad()).toMatchObject({ passed: true })
    await setKad(a[1]!, kad)
    const twice = await mykad()
    expect(twice).toMatchObject({ passed: false, observed: 2, severity: "critical" })
    expect(twice.samples.map((s) => s.legacy_id).sort()).toEqual([String(a[0]), String(a[1])].sort())
  })

  it("name a wrong balance, an over-counted surah, a wrong surah total and a future date", async () => {
    await pool.query(`
      update financial.invoices set balance_due = 500 where legacy_id = '1';
      insert into islamic.hafiz_progress (tenant_id, enrollment_id, surah_number, verses_memorized, total_verses, legacy_id)
        values ('A', '${id(QENROLL, 1)}', 113, 9, 10, '3'), ('A', '${id(QENROLL, 1)}', 67, 20, 29, '4');
      update academic.attendance set attendance_date = current_date + 2 where legacy_id = '2';`)
    const checks = await run(PortalRules.checks())
    const balance = byId(checks, "domain:financial.invoices:invoice-balance")
    expect(balance).toMatchObject({ passed: false, observed: 1, severity: "warning", entity: null })
    expect(balance.samples).toEqual([
      {
        id: id(INVOICE, 1),
        legacy_id: "1",
        tenant_id: "A",
        total_amount: 500,
        paid_amount: 200,
        balance_due: 500,
      },
    ])
    const verses = byId(checks, "domain:islamic.hafiz_progress:verses-within-surah")
    expect(verses).toMatchObject({ passed: false, observed: 2 })
    expect(verses.samples.map((s) => [s.surah_number, s.verses_memorized, s.total_verses]).sort()).toEqual([
      [113, 9, 10],
      [67, 20, 29],
    ])
    const future = byId(checks, "domain:academic.attendance:no-future-attendance")
    expect(future).toMatchObject({ passed: false, observed: 1 })
    expect(future.samples[0]).toMatchObject({ legacy_id: "2" })
  })

  it("run as an entity's rules over its own rows only", async () => {
    await pool.query(
      "update financial.invoices set balance_due = 1, legacy_source = 'other' where legacy_id = '2'",
    )
    await pool.query(
      "update financial.invoices set balance_due = 1, legacy_source = 'invoices' where legacy_id = '1'",
    )
    const invoices = PortalRules.withRules({
      name: "invoices",
      source: { table: "legacy_invoices", key: "id" },
      target: { table: "financial.invoices" },
    })
    expect(invoices.rules).toEqual([PortalRules.invoiceBalance])
    const c = await run(Domain.check(invoices, PortalRules.invoiceBalance))
    expect(c).toMatchObject({ id: "domain:invoices:invoice-balance", passed: false, observed: 1 })
    expect(c.samples[0]).toMatchObject({ legacy_id: "1" })
  })

  it("has every surah's verse count", () => {
    expect(PortalRules.surahVerses).toHaveLength(114)
    expect(PortalRules.surahVerses.reduce((a, b) => a + b, 0)).toBe(6236)
  })
})

describe("the rules that compare with the source", () => {
  it("pass when dates (zero date as null, local times in +08) and soft deletes came over", async () => {
    const [dates, deletes] = await run(
      Effect.all(students.preserved!.map((rule) => Domain.preserved(students, rule))),
    )
    expect(dates).toMatchObject({ id: "domain:students:dates-preserved", kind: "domain", passed: true })
    expect(deletes).toMatchObject({ id: "domain:students:soft-delete-preserved", passed: true })
  })

  it("name the row whose date changed and the rows whose deleted flag did not come over", async () => {
    await pool.query(`
      update academic.students set date_of_birth = date_of_birth + 1 where legacy_id = '3';
      update academic.students set created_at = created_at + interval '8 hours' where legacy_id = '6';
      update academic.students set deleted_at = null where legacy_id = '8';
      update academic.students set deleted_at = now() where legacy_id = '9';`)
    const report = await run(Validate.run([students], { schemas: ["academic"] }))
    const dates = byId(report.checks, "domain:students:dates-preserved")
    expect(dates).toMatchObject({ passed: false, severity: "warning", failingRows: 2 })
    expect([...dates.samples].sort((a, b) => String(a.legacy_id).localeCompare(String(b.legacy_id)))).toEqual(
      [
        { legacy_id: "3", tenant: "B", problem: "values differ" },
        { legacy_id: "6", tenant: "A", problem: "values differ" },
      ],
    )
    const deletes = byId(report.checks, "domain:students:soft-delete-preserved")
    expect(deletes).toMatchObject({ passed: false, failingRows: 2 })
    expect(deletes.samples.map((s) => s.legacy_id).sort()).toEqual(["8", "9"])
    // the counts are right; only the preserved values differ
    expect(byId(report.checks, "count-parity:students").passed).toBe(true)
    expect(byId(report.checks, "checksum:students").passed).toBe(true)
  })
})
