import { Effect, Either } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { Amount, type Check, Report, Validate } from "../src/index.js"
import {
  declarations,
  INVOICES,
  invoices,
  open,
  REJECTED_INVOICE,
  STUDENTS,
  uuid,
} from "./fixtures/School.js"

type Fixture = Awaited<ReturnType<typeof open>>
let db: Fixture

const validate = (options: Validate.Options = {}) =>
  Effect.runPromise(Validate.run(declarations, { runId: 1, ...options }).pipe(Effect.provide(db.layer)))

const byId = (report: Report.Report, id: string): Check.Check => {
  const c = report.checks.find((x) => x.id === id)
  if (!c) throw new Error(`no check ${id}; have ${report.checks.map((x) => x.id).join(", ")}`)
  return c
}
const failed = (report: Report.Report) =>
  report.checks
    .filter((c) => !c.passed)
    .map((c) => c.id)
    .sort()

/** Runs SQL as the loader does with checks off, which is how orphans get in. */
const withoutChecks = async (sql: string, params: Array<unknown> = []) => {
  const c = await db.pg.connect()
  try {
    await c.query("begin")
    await c.query("set local session_replication_role = replica")
    await c.query(sql, params)
    await c.query("commit")
  } finally {
    c.release()
  }
}

beforeAll(async () => {
  db = await open()
})
afterAll(() => db?.close())
beforeEach(() => db.reset())

describe("a clean migration", () => {
  it("passes every check and the gate says go", async () => {
    const report = await validate()
    expect(failed(report)).toEqual([])
    expect(report.decision.verdict).toBe("go")
    expect(report.decision.exitCode).toBe(0)
    expect(report.decision.recommendation.action).toBe("proceed")
    const kinds = new Set(report.checks.map((c) => c.kind))
    for (const k of [
      "count-parity",
      "ledger-balance",
      "ledger-source",
      "orphans",
      "domain",
      "checksum",
      "money-total",
      "sample",
    ])
      expect(kinds).toContain(k)
    // counts account for the rejected invoice; the orphan checks cover the catalog FK and the declared link
    expect(byId(report, "count-parity:invoices")).toMatchObject({
      observed: INVOICES - 1,
      expected: INVOICES - 1,
    })
    expect(byId(report, "count-parity:invoices:tenant=1")).toMatchObject({ observed: INVOICES / 2 - 1 })
    expect(byId(report, "ledger-source:invoices")).toMatchObject({ observed: INVOICES, expected: INVOICES })
    expect(byId(report, "orphans:sch.invoices:student_id").passed).toBe(true)
    expect(byId(report, "orphans:sch.payments:invoice_id").passed).toBe(true)
    expect(byId(report, "sample:invoices").expected).toBe(INVOICES - 1)
    // the money of the rejected invoice is taken out of the source's sums, to the sen
    const loaded = invoices.filter((i) => i.id !== REJECTED_INVOICE)
    const sen = (rows: ReadonlyArray<{ total: string }>) =>
      rows.reduce((n, i) => n + BigInt(i.total.replace(".", "")), 0n)
    expect(byId(report, "money:invoices:invoiced")).toMatchObject({
      passed: true,
      kind: "money-total",
      severity: "critical",
      observed: Amount.fromUnits(sen(loaded), 2),
      expected: Amount.fromUnits(sen(loaded), 2),
    })
    expect(byId(report, "money:invoices:paid").passed).toBe(true)
    expect(report.entities).toContainEqual({
      entity: "students",
      source: STUDENTS,
      target: STUDENTS,
      read: STUDENTS,
      loaded: STUDENTS,
      rejected: 0,
      skipped: 0,
    })
    // the JSON round-trips through the exported Schema
    const back = await Effect.runPromise(Report.fromJson(Report.toJson(report)))
    expect(back).toEqual(report)
  })

  it("gives the same checksums with a different bucket count", async () => {
    const a = await validate({ checksum: { bucketDigits: 1 } })
    const b = await validate({ checksum: { bucketDigits: 3 } })
    expect(byId(a, "checksum:students").expected).toBe(byId(b, "checksum:students").expected)
    expect(byId(a, "checksum:students").observed).toBe(byId(a, "checksum:students").expected)
  })
})

describe("defects are caught by the right check", () => {
  it("a missing row: count parity for the entity and its tenant, the checksum names it", async () => {
    await db.pg.query("delete from sch.payments where legacy_id = '7'")
    await db.pg.query("delete from sch.invoices where legacy_id = '7'")
    const report = await validate()
    const parity = byId(report, "count-parity:invoices")
    expect(parity.passed).toBe(false)
    expect(parity.samples).toEqual([{ tenant: "2", source: 80, expected: 80, target: 79, difference: -1 }])
    expect(byId(report, "count-parity:invoices:tenant=2").passed).toBe(false)
    expect(byId(report, "count-parity:invoices:tenant=1").passed).toBe(true)
    expect(byId(report, "checksum:invoices").samples).toEqual([
      { legacy_id: "7", tenant: "2", problem: "missing in target" },
    ])
    // its money is missing from its tenant's year, and nowhere else
    const invoiced = byId(report, "money:invoices:invoiced")
    expect(invoiced.passed).toBe(false)
    expect(invoiced.detail).toMatch(/^2024 \(tenant 2\): 51\.17 missing in the portal/)
    expect(invoiced.samples).toEqual([
      {
        tenant: "2",
        year: "2024",
        expected: "31843.91",
        target: "31792.74",
        difference: "-51.17",
        expected_rows: 73,
        target_rows: 72,
      },
    ])
    expect(byId(report, "sample:invoices").samples).toContainEqual(
      expect.objectContaining({ legacy_id: "7", problem: "missing in target" }),
    )
    expect(report.decision.verdict).toBe("no-go")
    expect(report.decision.exitCode).toBe(1)
    expect(report.decision.triggers.find((t) => t.id === "critical-failure")?.fired).toBe(true)
    expect(report.decision.recommendation).toMatchObject({
      action: "full-rollback",
      commands: ["schoolbridge-migrate rollback --run 1"],
    })
  })

  it("an extra row: count parity over, the checksum says it is not in the source", async () => {
    await db.pg.query(
      `insert into sch.invoices (id, tenant_id, legacy_source, legacy_id, student_id, total, paid, balance, status)
       values ($1, 1, 'invoices', '999', $2, 10, 0, 10, 'unpaid')`,
      [uuid(1, "invoices", 999), uuid(1, "students", 2)],
    )
    const report = await validate()
    expect(byId(report, "count-parity:invoices")).toMatchObject({
      passed: false,
      observed: INVOICES,
      expected: INVOICES - 1,
    })
    expect(byId(report, "checksum:invoices").samples).toEqual([
      { legacy_id: "999", tenant: "1", problem: "not in source" },
    ])
    expect(report.decision.verdict).toBe("no-go")
  })

  it("an orphan: the catalog foreign key check names the row; a declared link too", async () => {
    await withoutChecks("update sch.invoices set student_id = $1 where legacy_id = '12'", [
      uuid(1, "students", 999),
    ])
    await db.pg.query("update sch.payments set invoice_id = $1 where legacy_id = '30'", [
      uuid(1, "invoices", 998),
    ])
    const report = await validate()
    const fk = byId(report, "orphans:sch.invoices:student_id")
    expect(fk).toMatchObject({ passed: false, observed: 1, severity: "critical", entity: "invoices" })
    expect(fk.samples).toEqual([
      expect.objectContaining({ legacy_id: "12", student_id: uuid(1, "students", 999), tenant_id: 1 }),
    ])
    const declared = byId(report, "orphans:sch.payments:invoice_id")
    expect(declared).toMatchObject({ passed: false, observed: 1 })
    expect(declared.samples[0]).toMatchObject({ legacy_id: "30" })
    // counts and as-is columns are untouched
    expect(byId(report, "count-parity:invoices").passed).toBe(true)
    expect(byId(report, "checksum:invoices").passed).toBe(true)
    expect(report.decision.verdict).toBe("no-go")
  })

  it("a changed value: the checksum names the row, the sample names the field", async () => {
    await db.pg.query(
      "update sch.invoices set total = total + 1, balance = balance + 1 where legacy_id = '13'",
    )
    await db.pg.query("update sch.students set name = 'Someone Else' where legacy_id = '5'")
    const report = await validate()
    expect(byId(report, "checksum:invoices").samples).toEqual([
      { legacy_id: "13", tenant: "2", problem: "values differ" },
    ])
    expect(byId(report, "checksum:students").samples).toEqual([
      { legacy_id: "5", tenant: "2", problem: "values differ" },
    ])
    const sample = byId(report, "sample:invoices")
    expect(sample.passed).toBe(false)
    expect(sample.samples).toContainEqual(
      expect.objectContaining({ legacy_id: "13", column: "total", problem: "values differ" }),
    )
    expect(byId(report, "count-parity:invoices").passed).toBe(true)
    expect(byId(report, "domain:invoices:balance").passed).toBe(true)
    // one sen more than the source bills, in the invoice's year
    expect(byId(report, "money:invoices:invoiced").samples).toEqual([
      expect.objectContaining({ tenant: "2", year: "2024", difference: "1.00" }),
    ])
    expect(byId(report, "money:invoices:paid").passed).toBe(true)
    expect(report.decision.verdict).toBe("no-go")
  })

  it("a wrong balance: the domain rule (a warning) names it; the warning pass rate decides", async () => {
    await db.pg.query("update sch.invoices set balance = balance + 5 where legacy_id = '21'")
    const report = await validate({ checksum: {} })
    const rule = byId(report, "domain:invoices:balance")
    expect(rule).toMatchObject({ passed: false, severity: "warning", observed: 1 })
    expect(rule.samples).toEqual([expect.objectContaining({ legacy_id: "21" })])
    expect(report.decision.criticalFailed).toBe(1) // the field sample sees the balance too
    expect(failed(report)).toEqual(["domain:invoices:balance", "sample:invoices"])

    // with the sample a warning, only warnings fail: 1 of 2 passes, below 95%
    const lenient = declarations.map((d) =>
      d.sample ? { ...d, sample: { ...d.sample, severity: "warning" as const } } : d,
    )
    const warned = await Effect.runPromise(Validate.run(lenient, { runId: 1 }).pipe(Effect.provide(db.layer)))
    expect(warned.decision).toMatchObject({ criticalFailed: 0, verdict: "no-go", warningPassRate: 1 / 3 })
    expect(warned.decision.recommendation.action).toBe("fix-in-place")
    const relaxed = await Effect.runPromise(
      Validate.run(lenient, { runId: 1, gate: { warningPassRate: 0.3 } }).pipe(Effect.provide(db.layer)),
    )
    expect(relaxed.decision.verdict).toBe("go")
  })

  it("a source that changed after extraction: the ledger no longer matches the source", async () => {
    await db.my.query("insert into students values (41, 2, 'Late Arrival', '2015-01-01', 1)")
    const report = await validate()
    expect(byId(report, "ledger-source:students")).toMatchObject({
      passed: false,
      observed: STUDENTS,
      expected: STUDENTS + 1,
    })
    expect(byId(report, "ledger-source:students").samples).toEqual([
      { partition: "2", read: 20, source: 21, difference: 1 },
    ])
    expect(byId(report, "checksum:students").samples).toEqual([
      { legacy_id: "41", tenant: "2", problem: "missing in target" },
    ])
  })

  it("an unbalanced ledger: read ≠ loaded + rejected + skipped", async () => {
    await db.pg.query("alter table migration.batches drop constraint batches_check")
    try {
      await db.pg.query(
        "update migration.batches set loaded_count = loaded_count - 2 where entity = 'students' and partition_key = '1'",
      )
      const report = await validate()
      const ledger = byId(report, "ledger-balance:students")
      expect(ledger).toMatchObject({
        passed: false,
        observed: STUDENTS,
        expected: STUDENTS - 2,
        failingRows: 2,
      })
      expect(ledger.samples).toEqual([expect.objectContaining({ partition: "1", read: 20, loaded: 18 })])
      expect(report.decision.verdict).toBe("no-go")
    } finally {
      await db.pg.query("delete from migration.batches")
      await db.pg.query(
        "alter table migration.batches add constraint batches_check check (read_count = loaded_count + rejected_count + skipped_count)",
      )
    }
  })
})

describe("a source joined to another table", () => {
  it("reads the joined columns in every check, one row per source row", async () => {
    const joined = declarations.map((d) =>
      d.name === "invoices"
        ? {
            ...d,
            source: {
              ...d.source,
              join: "left join (select id as sb_id, total as sb_total from invoices) l on l.sb_id = t.id",
            },
            money: [{ ...d.money![0]!, amount: { ...d.money![0]!.amount, sourceSql: "l.sb_total" } }],
          }
        : d,
    )
    const report = await Effect.runPromise(Validate.run(joined, { runId: 1 }).pipe(Effect.provide(db.layer)))
    expect(failed(report)).toEqual([])
    expect(byId(report, "count-parity:invoices").observed).toBe(INVOICES - 1)
    await db.pg.query(
      "update sch.invoices set total = total + 1, balance = balance + 1 where legacy_id = '13'",
    )
    const changed = await Effect.runPromise(Validate.run(joined, { runId: 1 }).pipe(Effect.provide(db.layer)))
    expect(byId(changed, "money:invoices:invoiced").samples).toEqual([
      expect.objectContaining({ tenant: "2", year: "2024", difference: "1.00" }),
    ])
  })
})

describe("an entity whose legacy ids the mapper derives", () => {
  it("is compared by counts and ledger only: no source key names its rows", async () => {
    await db.pg.query("update sch.invoices set legacy_id = 'derived-' || legacy_id")
    const derived = declarations.map((d) =>
      d.name === "invoices" ? { ...d, legacyIds: "derived" as const } : d,
    )
    const report = await Effect.runPromise(Validate.run(derived, { runId: 1 }).pipe(Effect.provide(db.layer)))
    expect(report.checks.filter((c) => c.entity === "invoices").map((c) => c.kind)).not.toContain("checksum")
    expect(report.checks.map((c) => c.id)).not.toContain("money:invoices:invoiced")
    expect(byId(report, "count-parity:invoices").passed).toBe(true)
    expect(failed(report)).toEqual([])
  })
})

describe("declarations that do not fit the database", () => {
  it("fail with the check and the column named", async () => {
    const bad = [
      {
        ...declarations[0]!,
        relationships: [{ columns: ["no_such"], references: { table: "sch.students", columns: ["id"] } }],
      },
    ]
    const result = await Effect.runPromise(
      Effect.either(Validate.run(bad, { runId: 1 })).pipe(Effect.provide(db.layer)),
    )
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(result.left.message).toContain("has no column no_such")
  })
})
