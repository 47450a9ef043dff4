import { TargetId, Transform } from "@schoolbridge/core"
import { Academic as AcademicTables, Financial } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as LegacySis from "../src/LegacySis.js"
import * as Academic from "../src/LegacySisAcademic.js"
import * as Finance from "../src/LegacySisFinance.js"

const base = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
} as const

// The transform run as the engine runs it (Transform.run), for tenant SA01.
const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const decodes = (
  table: { readonly schema: unknown; readonly columns: ReadonlyArray<string> },
  rows: ReadonlyArray<Transform.Row>,
) =>
  rows.map(
    (r) =>
      Schema.decodeUnknownEither(table.schema as Schema.Schema<unknown>)(
        Object.fromEntries(table.columns.map((c, i) => [c, r[i]])),
      )._tag,
  )

const item = (over: Partial<Finance.InvoiceItemRow>): Finance.InvoiceItemRow => ({
  item_id: 1,
  invoice_id: 1,
  description: "Tuition",
  quantity: null,
  unit_price: null,
  amount: null,
  created_date: "2024-01-02 09:00:00",
  modified_date: null,
  ...over,
})

// Dirty: a missing quantity, a wrong legacy amount, RM marks and separators, an unreadable price,
// a line without an invoice, an invoice with no lines.
const items: ReadonlyArray<Finance.InvoiceItemRow> = [
  item({
    item_id: 1,
    invoice_id: 1,
    description: "Tuition Jan",
    quantity: 1,
    unit_price: "RM 1,200.00",
    amount: 1200,
  }),
  item({
    item_id: 2,
    invoice_id: 1,
    description: " Books ",
    quantity: "3",
    unit_price: "33.33",
    amount: "100",
  }),
  item({ item_id: 3, invoice_id: 2, description: "Tuition Jan", unit_price: "500", amount: null }),
  item({ item_id: 4, invoice_id: 3, description: "Uniform", quantity: 2, unit_price: "abc" }),
  item({ item_id: 5, invoice_id: 3, description: "Bus", quantity: 1, unit_price: "80.00" }),
  item({ item_id: 6, invoice_id: null, description: "Orphan", quantity: 1, unit_price: "10" }),
  item({ item_id: 7, invoice_id: 4, description: "", quantity: 0, unit_price: "10" }),
]

const invoice = (over: Partial<Finance.InvoiceRow>): Finance.InvoiceRow => ({
  invoice_id: 1,
  invoice_no: null,
  student_id: 1,
  academic_year: "2024",
  invoice_date: "2024-01-05",
  due_date: "2024-02-05",
  subtotal: null,
  discount: null,
  tax: null,
  total: null,
  paid: null,
  balance: null,
  status: null,
  notes: null,
  created_date: "2024-01-05 09:00:00",
  modified_date: null,
  ...over,
})

const invoiceRows: ReadonlyArray<Finance.InvoiceRow> = [
  // Kept number; legacy subtotal and total wrong (they summed the legacy amounts); a discount; part paid.
  invoice({
    invoice_id: 1,
    invoice_no: " INV-2024-000007 ",
    subtotal: "1300.00",
    discount: "50",
    total: "1250",
    paid: "RM 500",
    balance: "750",
    status: "sent",
  }),
  // No number: generated after the highest 2024 sequence; due in the future, unpaid.
  invoice({ invoice_id: 2, invoice_no: "", due_date: "2025-02-01", status: "Unpaid" }),
  // Its lines include an unreadable one: the total is unknown.
  invoice({ invoice_id: 3, invoice_no: "INV-2024-000008", paid: "80" }),
  // Duplicate number, overpaid, no student.
  invoice({ invoice_id: 4, invoice_no: "INV-2024-000007", student_id: null, subtotal: "10", paid: "20" }),
  // No lines: legacy subtotal kept; overpaid (flag vs reject); no due date.
  invoice({
    invoice_id: 5,
    invoice_no: null,
    invoice_date: "05/03/2024",
    due_date: null,
    subtotal: "200",
    tax: "12",
    paid: "250.00",
  }),
  // No lines, no subtotal, a bad invoice date, an amount in another currency.
  invoice({
    invoice_id: 6,
    invoice_no: null,
    invoice_date: "not a date",
    created_date: null,
    discount: "USD 5",
  }),
]
const keys = invoiceRows.map((r) => String(r.invoice_id))

const numbers = Finance.planInvoiceNumbers(Finance.invoiceNumberInputs(invoiceRows, base))
const totals = Finance.totals(items)

describe("LegacySisFinance.planInvoiceNumbers", () => {
  it("keeps numbers, generates missing ones after the year's highest, never colliding", () => {
    const plan = Finance.planInvoiceNumbers([
      { key: "3", number: null, year: 2024 },
      { key: "1", number: "INV-2024-000002", year: 2024 },
      { key: "2", number: "INV-2024-000003", year: 2024 },
      { key: "4", number: "INV-2024-000003 ", year: 2024 },
      { key: "10", number: null, year: 2023 },
      { key: "5", number: null, year: null },
      { key: "6", number: "legacy-77", year: 2024 },
    ])
    expect(Object.fromEntries(plan.numbers)).toEqual({
      "1": "INV-2024-000002",
      "2": "INV-2024-000003",
      "3": "INV-2024-000004",
      "6": "legacy-77",
      "10": "INV-2023-000001",
    })
    expect([...plan.duplicates]).toEqual(["4"])
    expect([...plan.unnumbered]).toEqual(["5"])
  })
})

describe("LegacySisFinance.totals", () => {
  it("groups lines by invoice and sums them exactly", () => {
    expect(
      Object.fromEntries([...totals.invoices].map(([k, v]) => [k, { ...v, cents: String(v.cents) }])),
    ).toEqual({
      "1": { cents: "129999", items: 2, unreadable: [] },
      "2": { cents: "50000", items: 1, unreadable: [] },
      "3": { cents: "8000", items: 1, unreadable: ["4"] },
      "4": { cents: "0", items: 0, unreadable: ["7"] },
    })
    expect(Object.fromEntries(totals.sortOrder)).toEqual({ "1": 1, "2": 2, "3": 1, "4": 1, "5": 2, "7": 1 })
  })
})

describe("LegacySisFinance.invoices", () => {
  it("maps, rejects and notes the dirty fixture (overpaid: reject)", () => {
    const result = runBatch(
      Finance.invoices({ ...base, numbers, totals, overpaid: "reject" }),
      invoiceRows,
      keys,
    )
    expect(decodes(Financial.Invoices, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "b8a4aded-2bb9-8000-8000-000000000001",
          "SA01",
          "INV-2024-000007",
          "e5b5aded-2bb9-8000-8000-000000000001",
          "5dd2aded-2bb9-8000-8000-0000000007e8",
          "2024-01-05",
          "2024-02-05",
          "1299.99",
          "50.00",
          "0.00",
          "1249.99",
          "500.00",
          "749.99",
          "MYR",
          "overdue",
          null,
          "legacy-sis.invoices",
          "1",
          "2024-01-05T01:00:00.000Z",
          "2024-01-05T01:00:00.000Z",
          null,
        ],
        [
          "b8a4aded-2bb9-8000-8000-000000000002",
          "SA01",
          "INV-2024-000009",
          "e5b5aded-2bb9-8000-8000-000000000001",
          "5dd2aded-2bb9-8000-8000-0000000007e8",
          "2024-01-05",
          "2025-02-01",
          "500.00",
          "0.00",
          "0.00",
          "500.00",
          "0.00",
          "500.00",
          "MYR",
          "sent",
          null,
          "legacy-sis.invoices",
          "2",
          "2024-01-05T01:00:00.000Z",
          "2024-01-05T01:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`
      [
        {
          "key": "3",
          "reasons": [
            {
              "column": "subtotal",
              "message": "item 4 could not be read: the total is unknown",
              "rule": "invoice_items",
            },
          ],
        },
        {
          "key": "4",
          "reasons": [
            {
              "column": "invoice_no",
              "message": "invoice number INV-2024-000007 is already held by another invoice",
              "rule": "invoice_number_unique",
            },
            {
              "column": "student_id",
              "message": "no student_id: the row points at nothing",
              "rule": "reference",
            },
            {
              "column": "subtotal",
              "message": "item 7 could not be read: the total is unknown",
              "rule": "invoice_items",
            },
          ],
        },
        {
          "key": "5",
          "reasons": [
            {
              "column": "paid",
              "message": "paid 250.00 is more than the total 212.00",
              "rule": "overpaid",
            },
          ],
        },
        {
          "key": "6",
          "reasons": [
            {
              "column": "invoice_no",
              "message": "no invoice number and no invoice year to generate one",
              "rule": "invoice_number",
            },
            {
              "column": "invoice_date",
              "message": ""not a date" is not a recognizable date",
              "rule": "date",
            },
            {
              "column": "discount",
              "message": "amount is in USD, not MYR",
              "rule": "money",
            },
            {
              "column": "subtotal",
              "message": "no items and no subtotal",
              "rule": "invoice_items",
            },
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "discount",
          "key": "1",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "paid",
          "key": "1",
          "message": "removed the currency mark RM",
          "rule": "money",
        },
        {
          "column": "created_date",
          "key": "1",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "subtotal",
          "key": "1",
          "message": "legacy 1300.00 replaced by 1299.99 (sum of the items)",
          "rule": "recomputed",
        },
        {
          "column": "total",
          "key": "1",
          "message": "legacy 1250.00 replaced by 1249.99 (subtotal − discount + tax)",
          "rule": "recomputed",
        },
        {
          "column": "balance",
          "key": "1",
          "message": "legacy 750.00 replaced by 749.99 (total − paid)",
          "rule": "recomputed",
        },
        {
          "column": "status",
          "key": "1",
          "message": "legacy status sent replaced by overdue, from the amounts",
          "rule": "invoice_status",
        },
        {
          "column": "invoice_no",
          "key": "2",
          "message": "generated INV-2024-000009",
          "rule": "invoice_number",
        },
        {
          "column": "created_date",
          "key": "2",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "status",
          "key": "2",
          "message": "mapped "unpaid" to "sent"",
          "rule": "invoice_status",
        },
        {
          "column": "paid",
          "key": "3",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "created_date",
          "key": "3",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "paid",
          "key": "4",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "created_date",
          "key": "4",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "invoice_no",
          "key": "5",
          "message": "generated INV-2024-000010",
          "rule": "invoice_number",
        },
        {
          "column": "invoice_date",
          "key": "5",
          "message": "rewrote DD/MM/YYYY as YYYY-MM-DD",
          "rule": "date",
        },
        {
          "column": "tax",
          "key": "5",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "subtotal",
          "key": "5",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "subtotal",
          "key": "5",
          "message": "no items: the legacy subtotal kept",
          "rule": "invoice_items",
        },
        {
          "column": "created_date",
          "key": "5",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "6",
          "message": "no creation time: used the load time",
          "rule": "timestamp",
        },
      ]
    `)
  })

  it("flags an overpayment as a negative balance when told to", () => {
    const result = runBatch(
      Finance.invoices({ ...base, numbers, totals, overpaid: "flag" }),
      invoiceRows,
      keys,
    )
    expect(result.okKeys).toEqual(["1", "2", "5"])
    const five = result.ok[2]!
    const col = (c: string) => five[Financial.Invoices.columns.indexOf(c as never)]
    expect([
      col("subtotal"),
      col("tax_amount"),
      col("total_amount"),
      col("paid_amount"),
      col("balance_due"),
      col("status"),
    ]).toEqual(["200.00", "12.00", "212.00", "250.00", "-38.00", "paid"])
    expect(col("due_date")).toBe("2024-04-04")
    expect(result.notes.filter((n) => n.key === "5" && n.rule === "overpaid")).toHaveLength(1)
  })

  it("points at the student ids the students entity gives", () => {
    const result = runBatch(
      Finance.invoices({ ...base, numbers, totals, overpaid: "flag" }),
      invoiceRows,
      keys,
    )
    const studentId = TargetId.ordered(TargetId.prefix(LegacySis.studentsEntity, "SA01"), 1)
    expect(result.ok.map((r) => r[Financial.Invoices.columns.indexOf("student_id")])).toEqual([
      studentId,
      studentId,
      studentId,
    ])
  })

  it("points at the year the academic years entity gives the year's name", () => {
    const result = runBatch(
      Finance.invoices({ ...base, numbers, totals, overpaid: "flag" }),
      invoiceRows,
      keys,
    )
    const years = runBatch(
      Academic.academicYears(base),
      Academic.deriveYears(invoiceRows.map((r) => r.academic_year)),
      ["2024"],
    )
    const yearId = years.ok[0]![AcademicTables.AcademicYears.columns.indexOf("id")]
    expect(result.ok.map((r) => r[Financial.Invoices.columns.indexOf("academic_year_id")])).toEqual([
      yearId,
      yearId,
      yearId,
    ])
  })

  it("is idempotent", () => {
    const entity = Finance.invoices({ ...base, numbers, totals, overpaid: "flag" })
    expect(runBatch(entity, invoiceRows, keys)).toEqual(runBatch(entity, invoiceRows, keys))
    const again = Finance.planInvoiceNumbers(Finance.invoiceNumberInputs([...invoiceRows].reverse(), base))
    expect(again).toEqual(numbers)
  })
})

describe("LegacySisFinance.invoiceItems", () => {
  const itemKeys = items.map((r) => String(r.item_id))

  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(Finance.invoiceItems({ ...base, totals }), items, itemKeys)
    expect(decodes(Financial.InvoiceItems, result.ok)).toEqual(["Right", "Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "c0e0aded-2bb9-8000-8000-000000000001",
          "SA01",
          "b8a4aded-2bb9-8000-8000-000000000001",
          null,
          "Tuition Jan",
          "1.00",
          "1200.00",
          "1200.00",
          1,
          "legacy-sis.invoice_items",
          "1",
          "2024-01-02T01:00:00.000Z",
          "2024-01-02T01:00:00.000Z",
          null,
        ],
        [
          "c0e0aded-2bb9-8000-8000-000000000002",
          "SA01",
          "b8a4aded-2bb9-8000-8000-000000000001",
          null,
          "Books",
          "3.00",
          "33.33",
          "99.99",
          2,
          "legacy-sis.invoice_items",
          "2",
          "2024-01-02T01:00:00.000Z",
          "2024-01-02T01:00:00.000Z",
          null,
        ],
        [
          "c0e0aded-2bb9-8000-8000-000000000003",
          "SA01",
          "b8a4aded-2bb9-8000-8000-000000000002",
          null,
          "Tuition Jan",
          "1.00",
          "500.00",
          "500.00",
          1,
          "legacy-sis.invoice_items",
          "3",
          "2024-01-02T01:00:00.000Z",
          "2024-01-02T01:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`
      [
        {
          "key": "4",
          "reasons": [
            {
              "column": "unit_price",
              "message": ""abc" is not an amount",
              "rule": "money",
            },
          ],
        },
        {
          "key": "5",
          "reasons": [
            {
              "column": "invoice_id",
              "message": "item 4 of the same invoice could not be read: the invoice is rejected",
              "rule": "invoice_items",
            },
          ],
        },
        {
          "key": "6",
          "reasons": [
            {
              "column": "invoice_id",
              "message": "no invoice_id: the row points at nothing",
              "rule": "reference",
            },
          ],
        },
        {
          "key": "7",
          "reasons": [
            {
              "column": "description",
              "message": "missing",
              "rule": "text",
            },
            {
              "column": "quantity",
              "message": "quantity 0.00 is not positive",
              "rule": "quantity",
            },
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "created_date",
          "key": "1",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "description",
          "key": "2",
          "message": "trimmed surrounding whitespace",
          "rule": "text",
        },
        {
          "column": "created_date",
          "key": "2",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "amount",
          "key": "2",
          "message": "legacy amount 100.00 replaced by 99.99 (quantity × unit price)",
          "rule": "item_amount",
        },
        {
          "column": "created_date",
          "key": "3",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "quantity",
          "key": "3",
          "message": "no quantity: read as 1",
          "rule": "quantity",
        },
        {
          "column": "created_date",
          "key": "4",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "5",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "6",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "7",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
      ]
    `)
  })

  it("points at the invoice ids the invoices entity gives", () => {
    const lines = runBatch(Finance.invoiceItems({ ...base, totals }), items, itemKeys)
    const bills = runBatch(
      Finance.invoices({ ...base, numbers, totals, overpaid: "flag" }),
      invoiceRows,
      keys,
    )
    const billIds = new Map(bills.okKeys.map((k, i) => [k, bills.ok[i]![0]]))
    expect(lines.ok.slice(0, 3).map((r) => r[Financial.InvoiceItems.columns.indexOf("invoice_id")])).toEqual([
      billIds.get("1"),
      billIds.get("1"),
      billIds.get("2"),
    ])
  })

  it("is idempotent", () => {
    const entity = Finance.invoiceItems({ ...base, totals })
    expect(runBatch(entity, items, itemKeys)).toEqual(runBatch(entity, items, itemKeys))
  })
})

const payment = (over: Partial<Finance.PaymentRow>): Finance.PaymentRow => ({
  payment_id: 1,
  invoice_id: null,
  student_id: null,
  amount: null,
  payment_date: "2024-01-10 10:30:00",
  method: null,
  reference: null,
  receipt_no: null,
  status: null,
  notes: null,
  created_date: "2024-01-10 10:30:00",
  modified_date: null,
  ...over,
})

// Dirty: RM marks, Malay method names, a student only through the invoice, a wrong student, a zero
// amount, a future date, an unknown status, a failed payment, one with no invoice.
const paymentRows: ReadonlyArray<Finance.PaymentRow> = [
  payment({
    payment_id: 1,
    invoice_id: 1,
    student_id: 1,
    amount: "RM 500.00",
    method: "Tunai",
    receipt_no: " R-001 ",
    status: "Complete",
  }),
  payment({ payment_id: 2, invoice_id: 2, amount: 120, method: "DuitNow", reference: "TX9", status: null }),
  payment({
    payment_id: 3,
    invoice_id: null,
    student_id: 1,
    amount: "50",
    method: "crypto",
    status: "success",
  }),
  payment({ payment_id: 4, invoice_id: 1, student_id: 1, amount: "80", method: "FPX", status: "Failure" }),
  payment({
    payment_id: 5,
    invoice_id: 1,
    student_id: 2,
    amount: "0",
    payment_date: "2026-01-01",
    status: "bounced",
  }),
  payment({ payment_id: 6, invoice_id: 99, student_id: null, amount: "10.005" }),
]
const paymentKeys = paymentRows.map((r) => String(r.payment_id))
const paymentOptions = { ...base, invoiceStudents: Finance.invoiceStudents(invoiceRows) }

describe("LegacySisFinance.payments", () => {
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(Finance.payments(paymentOptions), paymentRows, paymentKeys)
    expect(decodes(Financial.Payments, result.ok)).toEqual(["Right", "Right", "Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "d888aded-2bb9-8000-8000-000000000001",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          "R-001",
          "500.00",
          "MYR",
          "2024-01-10T02:30:00.000Z",
          "cash",
          null,
          "completed",
          null,
          "legacy-sis.payments",
          "1",
          "2024-01-10T02:30:00.000Z",
          "2024-01-10T02:30:00.000Z",
          null,
        ],
        [
          "d888aded-2bb9-8000-8000-000000000002",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          null,
          "120.00",
          "MYR",
          "2024-01-10T02:30:00.000Z",
          "bank_transfer",
          "TX9",
          "completed",
          null,
          "legacy-sis.payments",
          "2",
          "2024-01-10T02:30:00.000Z",
          "2024-01-10T02:30:00.000Z",
          null,
        ],
        [
          "d888aded-2bb9-8000-8000-000000000003",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          null,
          "50.00",
          "MYR",
          "2024-01-10T02:30:00.000Z",
          "other",
          null,
          "completed",
          null,
          "legacy-sis.payments",
          "3",
          "2024-01-10T02:30:00.000Z",
          "2024-01-10T02:30:00.000Z",
          null,
        ],
        [
          "d888aded-2bb9-8000-8000-000000000004",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          null,
          "80.00",
          "MYR",
          "2024-01-10T02:30:00.000Z",
          "fpx",
          null,
          "failed",
          null,
          "legacy-sis.payments",
          "4",
          "2024-01-10T02:30:00.000Z",
          "2024-01-10T02:30:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`
      [
        {
          "key": "5",
          "reasons": [
            {
              "column": "student_id",
              "message": "student 2 paid invoice 1, which bills student 1",
              "rule": "payment_student",
            },
            {
              "column": "amount",
              "message": "amount 0.00 is not positive",
              "rule": "payment_amount",
            },
            {
              "column": "payment_date",
              "message": "2026-01-01 is in the future",
              "rule": "timestamp",
            },
            {
              "column": "status",
              "message": "unknown payment status "bounced"",
              "rule": "payment_status",
            },
          ],
        },
        {
          "key": "6",
          "reasons": [
            {
              "column": "student_id",
              "message": "no student_id: the row points at nothing",
              "rule": "reference",
            },
            {
              "column": "amount",
              "message": "more than 2 decimal places",
              "rule": "money",
            },
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "amount",
          "key": "1",
          "message": "removed the currency mark RM",
          "rule": "money",
        },
        {
          "column": "payment_date",
          "key": "1",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "status",
          "key": "1",
          "message": "mapped "complete" to "completed"",
          "rule": "payment_status",
        },
        {
          "column": "created_date",
          "key": "1",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "method",
          "key": "1",
          "message": "mapped "tunai" to "cash"",
          "rule": "payment_method",
        },
        {
          "column": "receipt_no",
          "key": "1",
          "message": "trimmed surrounding whitespace",
          "rule": "text",
        },
        {
          "column": "student_id",
          "key": "2",
          "message": "no student: the student 1 of invoice 2",
          "rule": "payment_student",
        },
        {
          "column": "amount",
          "key": "2",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "payment_date",
          "key": "2",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "status",
          "key": "2",
          "message": "no status: read as completed",
          "rule": "payment_status",
        },
        {
          "column": "created_date",
          "key": "2",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "method",
          "key": "2",
          "message": "mapped "duitnow" to "bank_transfer"",
          "rule": "payment_method",
        },
        {
          "column": "amount",
          "key": "3",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "payment_date",
          "key": "3",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "status",
          "key": "3",
          "message": "mapped "success" to "completed"",
          "rule": "payment_status",
        },
        {
          "column": "created_date",
          "key": "3",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "method",
          "key": "3",
          "message": "unknown payment method "crypto"; stored as empty",
          "rule": "payment_method",
          "value": "crypto",
        },
        {
          "column": "method",
          "key": "3",
          "message": "no known method: stored as other",
          "rule": "payment_method",
        },
        {
          "column": "amount",
          "key": "4",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "payment_date",
          "key": "4",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "status",
          "key": "4",
          "message": "mapped "failure" to "failed"",
          "rule": "payment_status",
        },
        {
          "column": "created_date",
          "key": "4",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "method",
          "key": "4",
          "message": "mapped "fpx" to "fpx"",
          "rule": "payment_method",
        },
        {
          "column": "amount",
          "key": "5",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "created_date",
          "key": "5",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "payment_date",
          "key": "6",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "6",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
      ]
    `)
  })

  it("points at the student ids the students entity gives", () => {
    const result = runBatch(Finance.payments(paymentOptions), paymentRows, paymentKeys)
    const studentId = TargetId.ordered(TargetId.prefix(LegacySis.studentsEntity, "SA01"), 1)
    expect(result.ok.map((r) => r[Financial.Payments.columns.indexOf("student_id")])).toEqual([
      studentId,
      studentId,
      studentId,
      studentId,
    ])
  })

  it("is idempotent", () => {
    const entity = Finance.payments(paymentOptions)
    expect(runBatch(entity, paymentRows, paymentKeys)).toEqual(runBatch(entity, paymentRows, paymentKeys))
  })
})

describe("LegacySisFinance.paymentAllocations", () => {
  it("allocates completed payments to their invoice; skips the rest; rejects as payments does", () => {
    const result = runBatch(Finance.paymentAllocations(paymentOptions), paymentRows, paymentKeys)
    expect(decodes(Financial.PaymentAllocations, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "67abaded-2bb9-8000-8000-000000000001",
          "SA01",
          "d888aded-2bb9-8000-8000-000000000001",
          "b8a4aded-2bb9-8000-8000-000000000001",
          "500.00",
          "legacy-sis.payment_allocations",
          "1",
          "2024-01-10T02:30:00.000Z",
          "2024-01-10T02:30:00.000Z",
        ],
        [
          "67abaded-2bb9-8000-8000-000000000002",
          "SA01",
          "d888aded-2bb9-8000-8000-000000000002",
          "b8a4aded-2bb9-8000-8000-000000000002",
          "120.00",
          "legacy-sis.payment_allocations",
          "2",
          "2024-01-10T02:30:00.000Z",
          "2024-01-10T02:30:00.000Z",
        ],
      ]
    `)
    expect(result.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "3",
          "reason": "the payment names no invoice: nothing to allocate",
        },
        {
          "key": "4",
          "reason": "the payment is failed: it settles no invoice",
        },
      ]
    `)
    expect(result.rejected.map((r) => r.key)).toEqual(["5", "6"])
    expect(result.notes).toEqual([])
  })

  it("points at the payment and invoice ids their entities give", () => {
    const allocations = runBatch(Finance.paymentAllocations(paymentOptions), paymentRows, paymentKeys)
    const pays = runBatch(Finance.payments(paymentOptions), paymentRows, paymentKeys)
    const bills = runBatch(
      Finance.invoices({ ...base, numbers, totals, overpaid: "flag" }),
      invoiceRows,
      keys,
    )
    const payIds = new Map(pays.okKeys.map((k, i) => [k, pays.ok[i]![0]]))
    const billIds = new Map(bills.okKeys.map((k, i) => [k, bills.ok[i]![0]]))
    const cols = Financial.PaymentAllocations.columns
    expect(allocations.ok.map((r) => [r[cols.indexOf("payment_id")], r[cols.indexOf("invoice_id")]])).toEqual(
      [
        [payIds.get("1"), billIds.get("1")],
        [payIds.get("2"), billIds.get("2")],
      ],
    )
  })

  it("is idempotent", () => {
    const entity = Finance.paymentAllocations(paymentOptions)
    expect(runBatch(entity, paymentRows, paymentKeys)).toEqual(runBatch(entity, paymentRows, paymentKeys))
  })
})
