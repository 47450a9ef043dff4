import { describe, expect, it } from "vitest"
import { type DirtKind, digest, generate, rowCounts } from "../src/LegacyDataset.js"
import type { table } from "../src/LegacyTables.js"

const small = generate({ students: 200 })
const counts = rowCounts(small)
const cell = (name: Parameters<typeof table>[0], key: number, column: string) => {
  const t = small.tables.find((d) => d.table.name === name)!
  return t.rows[key - 1]![t.table.columns.findIndex((c) => c.name === column)]
}

describe("LegacyDataset.generate", () => {
  it("is deterministic: the same options give the same rows, another seed other rows", () => {
    expect(digest(generate({ students: 200 }))).toBe(digest(small))
    expect(digest(generate({ students: 200, seed: 2 }))).not.toBe(digest(small))
    expect(digest(generate({ students: 200, year: 2025 }))).not.toBe(digest(small))
  })

  it("gives the N=200 school a stable digest (a change here changes every demo and test that uses it)", () => {
    expect(digest(small)).toBe("4416abe65ebec6bae7e4306da22389f93870b0c5988b89ad02299186d95fc8cb")
  })

  it("keeps keys ascending from 1 and rows as wide as their table", () => {
    for (const { table: t, rows } of small.tables)
      rows.forEach((row, i) => {
        expect(row[0]).toBe(i + 1)
        expect(row.length).toBe(t.columns.length)
      })
  })

  it("has the proportions of a school of N students", () => {
    const n = 3000
    const c = rowCounts(generate({ students: n }))
    const near = (actual: number, expected: number, tolerance = 0.15) =>
      expect(Math.abs(actual - expected) / expected).toBeLessThan(tolerance)
    expect(c.students).toBe(n)
    near(c.teachers, n / 20)
    near(c.guardians, 1.5 * n)
    expect(c.academic_years).toBe(2)
    near(c.classes, (2 * n) / 30, 0.2)
    // One enrolment a student a year; this year's first-years have none the year before.
    near(c.enrollments, 2 * n * (1 - 1 / 11))
    near(c.attendance, 20 * n)
    near(c.assessments, 3 * c.classes, 0.01)
    near(c.grades, 3 * c.enrollments)
    near(c.quran_enrollments, n / 3)
    near(c.quran_progress, 3.5 * c.quran_enrollments)
    near(c.invoices, 2 * n)
    near(c.invoice_items, 2 * c.invoices, 0.25)
    expect(c.payments).toBeGreaterThan(0.85 * c.invoices)
  })

  it("plants every kind of dirt on rows that exist", () => {
    const kinds: ReadonlyArray<DirtKind> = [
      "phone_format",
      "date_format",
      "date_invalid",
      "zero_date",
      "duplicate_email",
      "email_case",
      "malformed_email",
      "repairable_email",
      "nameless_user",
      "mojibake",
      "orphan_student_user",
      "orphan_enrollment",
      "orphan_payment",
      "overpaid_invoice",
      "status_spelling",
      "missing_student_number",
      "missing_invoice_number",
      "student_email_link",
      "guardian_without_student",
      "unmarked_grade",
      "unallocated_payment",
      "pending_payment",
    ]
    expect(new Set(small.dirt.map((d) => d.kind))).toEqual(new Set(kinds))
    for (const d of small.dirt) expect(d.key).toBeLessThanOrEqual(counts[d.table])
    // One outcome per row and entity.
    const ids = small.dirt.map((d) => `${d.entity}:${d.key}`)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("writes the dirt into the rows it names", () => {
    const of = (kind: DirtKind) => small.dirt.filter((d) => d.kind === kind)
    for (const d of of("zero_date")) expect(String(cell(d.table, d.key, d.column))).toMatch(/^0000-00-00/)
    for (const d of of("mojibake")) expect(String(cell(d.table, d.key, d.column))).toMatch(/Ã|â€/)
    for (const d of of("orphan_student_user")) {
      const user = Number(cell("students", d.key, "user_id"))
      expect(user).toBeGreaterThan(counts.users)
      // Nothing else hangs off a student whose user is gone, so only the student row is refused.
      const t = small.tables.find((x) => x.table.name === "enrollments")!
      expect(t.rows.filter((r) => r[1] === d.key)).toEqual([])
    }
    for (const d of of("duplicate_email")) {
      const email = String(cell("users", d.key, "email"))
      const same = small.tables
        .find((x) => x.table.name === "users")!
        .rows.filter((r) => String(r[1]).trim().toLowerCase() === email.trim().toLowerCase())
      expect(same.length).toBe(2)
      expect(same[0]![0]).toBeLessThan(d.key)
    }
    const [overpaid] = of("overpaid_invoice")
    expect(Number(cell("invoices", overpaid!.key, "paid"))).toBeGreaterThan(
      Number(cell("invoices", overpaid!.key, "total")),
    )
  })

  it("keeps planned rejections well under 2% of every entity's rows, so the demo can reach GO", () => {
    const rejected = new Map<string, number>()
    for (const d of small.dirt)
      if (d.expect === "rejected") rejected.set(d.entity, (rejected.get(d.entity) ?? 0) + 1)
    const source = (entity: string) =>
      entity === "student_guardians"
        ? counts.guardians
        : entity === "payment_allocations"
          ? counts.payments
          : counts[entity as keyof typeof counts]
    for (const [entity, n] of rejected) expect(n / source(entity), entity).toBeLessThan(0.02)
  })
})
