import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Report } from "@schoolbridge/validators"
import { Effect } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

// The fixture's dirt rejects more than the tolerated 2% of some entity's rows: run ends with exit 4.
const overTolerance = 4

const manifest = `version: 1
name: legacy-validate
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

const dbs: Array<TestDatabase> = []
let dir: string

const setup = async (clean: boolean) => {
  const source = await createMysqlDatabase("legacy")
  const target = await createPgDatabase("portal")
  dbs.push(source, target)
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  // The rows the mappers reject: without them the migration is clean.
  if (clean)
    await conn.query(
      "delete from users where user_id in (3, 5); delete from students where student_id in (12, 13)",
    )
  await conn.end()
  return { LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url }
}

const readReport = (file: string) => Effect.runPromise(Report.fromJson(readFileSync(file, "utf8")))

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sb-validate-"))
  writeFileSync(path.join(dir, "legacy.yaml"), manifest)
})
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

describe("schoolbridge-migrate validate", () => {
  it("says go and exits 0 after a clean migration, writing the four reports", async () => {
    const env = await setup(true)
    expect((await cli(["run", "-m", path.join(dir, "legacy.yaml")], env)).code).toBe(0)
    const out = path.join(dir, "clean")
    const r = await cli(["validate", "-m", path.join(dir, "legacy.yaml"), "--out", out], env)
    expect(r.stdout.split("\n")[0]).toBe("verdict: GO")
    expect(r.code).toBe(0)
    for (const f of ["report.json", "report.md", "report.csv", "report.html"])
      expect(existsSync(path.join(out, f))).toBe(true)
    const report = await readReport(path.join(out, "report.json"))
    expect(report.runId).toBe(1)
    expect(report.decision.verdict).toBe("go")
    expect(report.entities.map((e) => e.entity)).toEqual(["legacy-sis.users", "legacy-sis.students"])
    expect(report.checks.filter((c) => c.severity === "critical").every((c) => c.passed)).toBe(true)
  })

  it("says no-go and exits 1 when rows were rejected beyond the tolerance, naming the rollback", async () => {
    const env = await setup(false)
    expect((await cli(["run", "-m", path.join(dir, "legacy.yaml")], env)).code).toBe(overTolerance)
    const out = path.join(dir, "dirty")
    const r = await cli(["validate", "-m", path.join(dir, "legacy.yaml"), "--out", out], env)
    expect(r.code).toBe(1)
    expect(r.stdout.split("\n")[0]).toBe("verdict: NO-GO")
    expect(r.stderr.trim().split("\n").at(-1)).toBe("the gate says no-go")
    const report = await readReport(path.join(out, "report.json"))
    expect(report.decision.verdict).toBe("no-go")
    // 4 of 9 source rows were rejected: far above the 5% rollback trigger.
    expect(report.decision.failingRowRate).toBeGreaterThan(0.05)
    expect(report.decision.recommendation.commands.join(" ")).toContain(
      "schoolbridge-migrate rollback --run 1",
    )
    expect(r.stdout).toContain("schoolbridge-migrate rollback --run 1")
    expect(r.stdout + r.stderr + readFileSync(path.join(out, "report.html"), "utf8")).not.toContain(
      env.LEGACY_MYSQL_URL,
    )
  })
})

// The legacy SIS's money, with the full fixture's dirt: invoices 4-6, their lines and the negative
// payment 5 are rejected; the deposit 4 and the pending payment 6 allocate nothing (skipped). The
// school accepts that many rejects here, so a correct run is a go.
const money = `version: 1
name: legacy-money
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
tolerances: { rejectAbove: 0.9, rollbackAbove: 0.9 }
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - { name: legacy-sis.users, source: legacy, table: users, key: user_id }
  - { name: legacy-sis.students, source: legacy, table: students, key: student_id }
  - { name: legacy-sis.academic_years, source: legacy, table: academic_years, key: year_id }
  - { name: legacy-sis.invoices, source: legacy, table: invoices, key: invoice_id }
  - { name: legacy-sis.invoice_items, source: legacy, table: invoice_items, key: item_id }
  - { name: legacy-sis.payments, source: legacy, table: payments, key: payment_id }
  - { name: legacy-sis.payment_allocations, source: legacy, table: payments, key: payment_id }
`

describe("validate sees money and content (legacy SIS)", () => {
  let env: Record<string, string>
  let portal: pg.Client
  const check = (report: Report.Report, id: string) => {
    const c = report.checks.find((x) => x.id === id)
    if (!c) throw new Error(`no check ${id}; have ${report.checks.map((x) => x.id).join(", ")}`)
    return c
  }
  const validate = async (name: string) => {
    const out = path.join(dir, name)
    const r = await cli(["validate", "-m", path.join(dir, "money.yaml"), "--out", out], env)
    return { ...r, report: await readReport(path.join(out, "report.json")) }
  }

  beforeAll(async () => {
    writeFileSync(path.join(dir, "money.yaml"), money)
    const source = await createMysqlDatabase("legacy")
    const target = await createPgDatabase("portal")
    dbs.push(source, target)
    const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
    await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis-full.sql"), "utf8"))
    await conn.end()
    env = { LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url }
    expect((await cli(["run", "-m", path.join(dir, "money.yaml")], env)).code).toBe(0)
    portal = new pg.Client({ connectionString: target.url })
    await portal.connect()
  }, 120_000)
  afterAll(async () => {
    await portal?.end()
  })

  it("a correct run with rejected and skipped rows is a go: the money left out is taken out of the source's sums", async () => {
    const v = await validate("money-good")
    expect(v.stdout.split("\n")[0]).toBe("verdict: GO")
    expect(v.code).toBe(0)
    // invoices 1-3 (their lines less discount plus tax); every payment but the negative one; the
    // completed payments that name an invoice
    expect(check(v.report, "money:legacy-sis.invoices:invoiced")).toMatchObject({
      kind: "money-total",
      passed: true,
      observed: "2700.00",
      expected: "2700.00",
    })
    expect(check(v.report, "money:legacy-sis.payments:paid")).toMatchObject({
      passed: true,
      observed: "2450.00",
    })
    expect(check(v.report, "money:legacy-sis.payment_allocations:allocated")).toMatchObject({
      passed: true,
      observed: "2050.00",
    })
    expect(check(v.report, "checksum:legacy-sis.invoices").title).toBe(
      "Checksum of legacy-sis.invoices: key + invoice_date, total, discount, tax, paid",
    )
    expect(v.report.checks.filter((c) => !c.passed)).toEqual([])
  })

  it("a changed date or amount fails the checksum, naming the row; the money total names the year", async () => {
    await portal.query(
      "update academic.students set admission_date = admission_date + 1 where legacy_id = '10'",
    )
    await portal.query("update financial.invoices set invoice_date = invoice_date + 1 where legacy_id = '1'")
    await portal.query("update financial.payments set amount = amount - 0.01 where legacy_id = '2'")
    try {
      const v = await validate("money-changed")
      expect(v.code).toBe(1)
      expect(v.stdout.split("\n")[0]).toBe("verdict: NO-GO")
      for (const [entity, key] of [
        ["students", "10"],
        ["invoices", "1"],
        ["payments", "2"],
      ])
        expect(check(v.report, `checksum:legacy-sis.${entity}`).samples).toEqual([
          { legacy_id: key, tenant: "SA01", problem: "values differ" },
        ])
      // the invoice moved a day within its year: its money is where it was
      expect(check(v.report, "money:legacy-sis.invoices:invoiced").passed).toBe(true)
      expect(check(v.report, "money:legacy-sis.payments:paid")).toMatchObject({
        passed: false,
        detail: "2024 (tenant SA01): 0.01 missing in the portal (2449.99, 2450.00 expected)",
      })
    } finally {
      await portal.query(
        "update academic.students set admission_date = admission_date - 1 where legacy_id = '10'",
      )
      await portal.query(
        "update financial.invoices set invoice_date = invoice_date - 1 where legacy_id = '1'",
      )
      await portal.query("update financial.payments set amount = amount + 0.01 where legacy_id = '2'")
    }
  })

  it("a payment deleted from the portal behind the ledger's back is a no-go naming the year and the amount", async () => {
    await portal.query(
      `delete from financial.payment_allocations where legacy_id = '1';
       delete from financial.payments where legacy_id = '1'`,
    )
    const v = await validate("money-deleted")
    expect(v.code).toBe(1)
    expect(v.stdout.split("\n")[0]).toBe("verdict: NO-GO")
    for (const id of ["money:legacy-sis.payments:paid", "money:legacy-sis.payment_allocations:allocated"]) {
      const c = check(v.report, id)
      expect(c.passed).toBe(false)
      expect(c.detail).toMatch(/^2024 \(tenant SA01\): 1350\.00 missing in the portal/)
      expect(c.samples).toEqual([
        expect.objectContaining({ tenant: "SA01", year: "2024", difference: "-1350.00" }),
      ])
    }
    expect(v.stdout).toContain("money:legacy-sis.payments:paid: 2024 (tenant SA01): 1350.00 missing")
  })
})

// The browser app's export fixture with the shipped manifest; the school accepts its dirt's rejects.
describe("validate compares a browser export (a JSON document) with the portal", () => {
  const exportFile = path.resolve(
    import.meta.dirname,
    "../../../packages/mappers/test/fixtures/browser/export.json",
  )
  let env: Record<string, string>
  let portal: pg.Client
  const manifestFile = () => path.join(dir, "browser.yaml")
  const validate = async (name: string) => {
    const out = path.join(dir, name)
    const r = await cli(["validate", "-m", manifestFile(), "--out", out], env)
    return { ...r, report: await readReport(path.join(out, "report.json")) }
  }
  const check = (report: Report.Report, id: string) => {
    const c = report.checks.find((x) => x.id === id)
    if (!c) throw new Error(`no check ${id}; have ${report.checks.map((x) => x.id).join(", ")}`)
    return c
  }

  beforeAll(async () => {
    const shipped = readFileSync(path.join(import.meta.dirname, "../manifests/browser-export.yaml"), "utf8")
    writeFileSync(
      manifestFile(),
      shipped.replace("\ntarget:", "\ntolerances: { rejectAbove: 0.9, rollbackAbove: 0.9 }\ntarget:"),
    )
    const target = await createPgDatabase("portal")
    dbs.push(target)
    env = { BROWSER_EXPORT_PATH: exportFile, SCHOOLBRIDGE_TARGET_URL: target.url }
    expect((await cli(["run", "-m", manifestFile(), "--tenant", "SA01"], env)).code).toBe(0)
    portal = new pg.Client({ connectionString: target.url })
    await portal.connect()
  }, 120_000)
  afterAll(async () => {
    await portal?.end()
  })

  it("gives a go with its counts and money totals, assessments compared by count only", async () => {
    const v = await validate("browser-good")
    expect(v.stdout.split("\n")[0]).toBe("verdict: GO")
    expect(v.code).toBe(0)
    expect(check(v.report, "count-parity:browser.students").passed).toBe(true)
    // obl-1 and obl-2 (obl-2 in the year it was created, having no issue date); payments 1, 2, 3 and
    // the failed 5; allocations of the completed payments of known obligations
    expect(check(v.report, "money:browser.invoices:invoiced")).toMatchObject({
      passed: true,
      observed: "350.00",
    })
    expect(check(v.report, "money:browser.payments:paid")).toMatchObject({ passed: true, observed: "240.00" })
    expect(check(v.report, "money:browser.payment_allocations:allocated")).toMatchObject({
      passed: true,
      observed: "200.00",
    })
    expect(v.report.checks.map((c) => c.id)).not.toContain("checksum:browser.assessments")
    expect(check(v.report, "count-parity:browser.assessments").passed).toBe(true)
    expect(v.report.checks.filter((c) => !c.passed)).toEqual([])
  })

  it("says no-go when a payment is deleted from the portal, naming its year and amount", async () => {
    await portal.query(
      `delete from financial.payment_allocations where legacy_id = 'pay-1';
       delete from financial.payments where legacy_id = 'pay-1'`,
    )
    const v = await validate("browser-deleted")
    expect(v.code).toBe(1)
    expect(v.stdout.split("\n")[0]).toBe("verdict: NO-GO")
    expect(check(v.report, "money:browser.payments:paid").detail).toBe(
      "2025 (tenant SA01): 150.00 missing in the portal (40.00, 190.00 expected)",
    )
    expect(check(v.report, "money:browser.payment_allocations:allocated").samples).toEqual([
      expect.objectContaining({ tenant: "SA01", year: "2025", difference: "-150.00" }),
    ])
  })
})

describe("validate compares a legacy SIS exported as CSV by key", () => {
  it("gives a go though the export spells its dates as the school does (DD/MM/YYYY)", async () => {
    const files = mkdtempSync(path.join(tmpdir(), "sb-validate-csv-"))
    writeFileSync(
      path.join(files, "users.csv"),
      "user_id,email,password,first_name,last_name,phone,status,email_verified,created_date,modified_date\n" +
        "1,aisyah@example.com,,Aisyah,Rahman,,active,1,2023-01-05 08:00:00,\n" +
        "2,budi@example.com,,Budi,Santoso,,active,0,2023-02-01 09:00:00,\n",
    )
    writeFileSync(
      path.join(files, "students.csv"),
      "student_id,user_id,email,student_number,dob,gender,nationality,ic_number,blood_group,medical_info," +
        "admission_date,status,address1,address2,city,state,postal_code,country,created_date,modified_date\n" +
        "10,1,,STU2023SA01001,01/04/2012,F,Malaysian,,,,09/01/2023,active,,,,,,,2023-01-05 08:00:00,\n" +
        "11,2,,STU2023SA01002,15/09/2011,M,Malaysian,,,,06/02/2023,active,,,,,,,2023-02-01 09:00:00,\n",
    )
    const file = path.join(files, "legacy-csv.yaml")
    writeFileSync(
      file,
      `version: 1
name: legacy-csv
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  exports:
    kind: csv
    path: ${files}
entities:
  - { name: legacy-sis.users, source: exports, table: users.csv, key: user_id }
  - { name: legacy-sis.students, source: exports, table: students.csv, key: student_id }
`,
    )
    const target = await createPgDatabase("portal")
    dbs.push(target)
    const env = { SCHOOLBRIDGE_TARGET_URL: target.url }
    expect((await cli(["run", "-m", file], env)).code).toBe(0)
    const out = path.join(files, "report")
    const v = await cli(["validate", "-m", file, "--out", out], env)
    expect(v.stdout.split("\n")[0]).toBe("verdict: GO")
    const report = await readReport(path.join(out, "report.json"))
    expect(report.checks.find((c) => c.id === "checksum:legacy-sis.students")?.title).toBe(
      "Checksum of legacy-sis.students: key",
    )
  })
})
