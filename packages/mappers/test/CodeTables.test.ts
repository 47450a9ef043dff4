import type { CodeMap } from "@schoolbridge/cleansers"
import { Academic, Auth, Financial, Islamic } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import { CodeTables } from "../src/index.js"

// Every legacy value seed 001 lists, with the portal code it must become.
const seedValues = {
  user: [
    ...["A", "active", "1", "yes"].map((v) => [v, "active"] as const),
    ...["I", "inactive", "0", "no"].map((v) => [v, "inactive"] as const),
    ...["P", "pending", "new"].map((v) => [v, "pending"] as const),
    ...["S", "suspended", "blocked"].map((v) => [v, "suspended"] as const),
    ...["D", "deleted", "archived"].map((v) => [v, "archived"] as const),
  ],
  student: [
    ["A", "active"],
    ["active", "active"],
    ["G", "graduated"],
    ["graduated", "graduated"],
    ["W", "withdrawn"],
    ["withdrawn", "withdrawn"],
    ["E", "expelled"],
    ["expelled", "expelled"],
    ["T", "transferred"],
    ["transferred", "transferred"],
    ["L", "on_leave"],
    ["leave", "on_leave"],
  ],
  memorization: [
    ...["N", "not_started", "0"].map((v) => [v, "not_started"] as const),
    ...["P", "in_progress", "ongoing"].map((v) => [v, "in_progress"] as const),
    ...["C", "completed", "done"].map((v) => [v, "completed"] as const),
    ...["R", "reviewing", "review"].map((v) => [v, "under_review"] as const),
    ...["V", "verified", "certified"].map((v) => [v, "certified"] as const),
  ],
  gender: [
    ["M", "male"],
    ["male", "male"],
    ["m", "male"],
    ["1", "male"],
    ["F", "female"],
    ["female", "female"],
    ["f", "female"],
    ["2", "female"],
  ],
} as const

const maps = {
  user: CodeTables.userStatus,
  student: CodeTables.studentStatus,
  memorization: CodeTables.memorizationStatus,
  gender: CodeTables.gender,
} as const

describe("seed 001 legacy values", () => {
  for (const [name, rows] of Object.entries(seedValues) as Array<
    [keyof typeof seedValues, ReadonlyArray<readonly [string, string]>]
  >) {
    it.each(rows)(`${name}: %s → %s`, (input, code) => {
      const cleaned = maps[name].clean(input)
      expect(cleaned._tag).not.toBe("Invalid")
      expect(cleaned._tag === "Invalid" ? undefined : cleaned.value).toBe(code)
    })
  }
})

// Every spelling in every table must decode to its own code, and every code must be a portal label.
const tables = [
  ["user status", CodeTables.userStatusTable, CodeTables.userStatus, Auth.UserStatus.labels],
  ["student status", CodeTables.studentStatusTable, CodeTables.studentStatus, Academic.StudentStatus.labels],
  [
    "memorization status",
    CodeTables.memorizationStatusTable,
    CodeTables.memorizationStatus,
    Islamic.MemorizationStatus.labels,
  ],
  ["invoice status", CodeTables.invoiceStatusTable, CodeTables.invoiceStatus, Financial.InvoiceStatus.labels],
  ["payment status", CodeTables.paymentStatusTable, CodeTables.paymentStatus, Financial.PaymentStatus.labels],
  ["gender", CodeTables.genderTable, CodeTables.gender, Academic.Gender.labels],
  [
    "blood type",
    CodeTables.bloodTypeTable,
    CodeTables.bloodType,
    ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"],
  ],
] as const

describe.each(tables)("%s table", (_name, table, map, labels) => {
  const entries = Object.entries(table as CodeMap.Table<string>)
  it("has exactly the portal's codes", () => {
    expect([...entries.map(([code]) => code)].sort()).toEqual([...labels].sort())
  })
  it.each(entries.flatMap(([code, keys]) => keys.map((k) => [k, code] as const)))("%s → %s", (k, code) => {
    const upper = map.clean(`  ${k.toUpperCase()} `)
    expect(upper._tag === "Invalid" ? upper.reason : upper.value).toBe(code)
  })
  it("rejects an unknown value with the table's name", () => {
    expect(map.clean("zzz")).toEqual({
      _tag: "Invalid",
      original: "zzz",
      reason: `unknown ${map.name} "zzz"`,
    })
  })
  it("reads empty as null", () => {
    expect(map.clean("  ")).toEqual({ _tag: "Valid", value: null })
  })
})

describe("bloodType", () => {
  it.each([
    ["O POS", "O+"],
    ["0+", "O+"],
    ["ab rh negative", "AB-"],
    ["B+ve", "B+"],
    ["A Negatif", "A-"],
  ])("%s → %s", (input, code) => {
    const cleaned = CodeTables.bloodType.clean(input)
    expect(cleaned._tag === "Invalid" ? cleaned.reason : cleaned.value).toBe(code)
  })
})

describe("deriveInvoiceStatus", () => {
  const base = { totalCents: 10000, paidCents: 0, dueDate: "2024-03-31", asOf: "2024-03-15" } as const
  it.each([
    ["nothing paid, not due", {}, "sent"],
    ["part paid, not due", { paidCents: 4000 }, "partially_paid"],
    ["fully paid", { paidCents: 10000 }, "paid"],
    ["overpaid", { paidCents: 12000 }, "paid"],
    ["zero invoice", { totalCents: 0 }, "paid"],
    ["nothing paid, past due", { asOf: "2024-04-01" }, "overdue"],
    ["part paid, past due", { paidCents: 1, asOf: "2024-04-01" }, "overdue"],
    ["due today is not overdue", { asOf: "2024-03-31" }, "sent"],
    ["no due date", { dueDate: null, asOf: "2030-01-01" }, "sent"],
    ["paid after due date", { paidCents: 10000, asOf: "2025-01-01" }, "paid"],
    ["legacy cancelled wins", { legacy: "cancelled", paidCents: 10000 }, "cancelled"],
    ["legacy refunded wins", { legacy: "refunded" }, "refunded"],
    ["legacy draft wins", { legacy: "draft", asOf: "2025-01-01" }, "draft"],
    ["legacy paid is recomputed", { legacy: "paid", paidCents: 5000 }, "partially_paid"],
    ["legacy overdue is recomputed", { legacy: "overdue", paidCents: 10000 }, "paid"],
  ] as const)("%s", (_label, over, expected) => {
    expect(CodeTables.deriveInvoiceStatus({ ...base, ...over })).toBe(expected)
  })
})

describe("Malay statuses, as Malaysian school systems write them", () => {
  const cases = [
    [CodeTables.studentStatus, "Aktif", "active"],
    [CodeTables.studentStatus, "TIDAK AKTIF", "withdrawn"],
    [CodeTables.studentStatus, "Berhenti", "withdrawn"],
    [CodeTables.studentStatus, "Tamat", "graduated"],
    [CodeTables.studentStatus, "Pindah Sekolah", "transferred"],
    [CodeTables.studentStatus, "Dibuang Sekolah", "expelled"],
    [CodeTables.studentStatus, "cuti", "on_leave"],
    [CodeTables.userStatus, "Aktif", "active"],
    [CodeTables.userStatus, "Tidak  Aktif", "inactive"],
    [CodeTables.userStatus, "Digantung", "suspended"],
    [CodeTables.employmentStatus, "Bersara", "retired"],
    [CodeTables.employmentStatus, "Letak Jawatan", "resigned"],
    [CodeTables.enrollmentStatus, "Tamat", "completed"],
    [CodeTables.enrollmentStatus, "Berhenti", "withdrawn"],
    [CodeTables.memorizationStatus, "Khatam", "completed"],
    [CodeTables.memorizationStatus, "Sedang Menghafal", "in_progress"],
    [CodeTables.invoiceStatus, "Tertunggak", "overdue"],
    [CodeTables.invoiceStatus, "Dibayar", "paid"],
    [CodeTables.paymentStatus, "Berjaya", "completed"],
    [CodeTables.paymentStatus, "Gagal", "failed"],
    [CodeTables.attendanceStatus, "Ponteng", "absent"],
    [CodeTables.attendanceStatus, "Cuti Sakit", "sick"],
  ] as const
  it.each(cases.map(([table, input, code]) => [input, code, table] as const))(
    "%s → %s",
    (input, code, table) => {
      const cleaned = (table as CodeMap.CodeMap<string>).clean(input)
      expect(cleaned._tag === "Invalid" ? cleaned.reason : cleaned.value).toBe(code)
    },
  )
})
