import { TargetId, Transform } from "@schoolbridge/core"
import { Financial } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as Finance from "../src/GibbonFinance.js"

const base = {
  tenant: "SA01",
  asOf: "2025-03-01",
  loadedAt: "2025-03-01T00:00:00.000Z",
} as const

const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
) =>
  Transform.run(
    entity.transform,
    rows,
    // Every Gibbon row type starts with its id, which is the source key.
    rows.map((r) => String(Object.values(r as object)[0])),
    { entity: entity.name, tenant: "SA01" },
  )

// Target rows as objects, checked against the table's Schema on the way.
const records = (
  table: { readonly schema: unknown; readonly columns: ReadonlyArray<string> },
  rows: ReadonlyArray<Transform.Row>,
) =>
  rows.map((r) => {
    const record = Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))
    expect(Schema.decodeUnknownEither(table.schema as Schema.Schema<unknown>)(record)._tag).toBe("Right")
    return record
  })

const rejections = (result: Transform.Result) =>
  result.rejected.map((r) => ({ key: r.key, reasons: r.reasons.map((x) => `${x.column}:${x.rule}`) }))

const invoice = (over: Partial<Finance.InvoiceRow>): Finance.InvoiceRow => ({
  gibbonFinanceInvoiceID: 1,
  gibbonSchoolYearID: 25,
  gibbonFinanceInvoiceeID: 1,
  invoiceTo: "Family",
  billingScheduleType: "Ad Hoc",
  separated: null,
  status: "Issued",
  invoiceIssueDate: "2025-01-06",
  invoiceDueDate: "2025-03-31",
  paidDate: null,
  paidAmount: null,
  notes: "",
  timestampCreator: "2025-01-06 09:00:00",
  timestampUpdate: null,
  ...over,
})

const fee = (over: Partial<Finance.InvoiceFeeRow>): Finance.InvoiceFeeRow => ({
  gibbonFinanceInvoiceFeeID: 1,
  gibbonFinanceInvoiceID: 1,
  feeType: "Ad Hoc",
  gibbonFinanceFeeID: null,
  separated: null,
  name: "Tuition",
  description: "",
  gibbonFinanceFeeCategoryID: 1,
  fee: "100.00",
  sequenceNumber: 0,
  ...over,
})

const payment = (over: Partial<Finance.PaymentRow>): Finance.PaymentRow => ({
  gibbonPaymentID: 1,
  foreignTable: "gibbonFinanceInvoice",
  foreignTableID: 1,
  gibbonPersonID: 1,
  type: "Cash",
  status: "Complete",
  amount: "100.00",
  gateway: null,
  onlineTransactionStatus: null,
  paymentToken: null,
  paymentPayerID: null,
  paymentTransactionID: null,
  paymentReceiptID: null,
  timestamp: "2025-01-20 10:30:00",
  ...over,
})

const catalog = Finance.indexFees([
  {
    gibbonFinanceFeeID: "000002",
    gibbonSchoolYearID: 25,
    name: "School bus",
    nameShort: "BUS",
    description: "Monthly",
    active: "Y",
    gibbonFinanceFeeCategoryID: 1,
    fee: "120.00",
    timestampCreator: null,
    timestampUpdate: null,
  },
])

const invoicees = Finance.indexInvoicees([
  {
    gibbonFinanceInvoiceeID: "0000000001",
    gibbonPersonID: "0000000101",
    invoiceTo: "Family",
    companyName: null,
  },
  { gibbonFinanceInvoiceeID: 2, gibbonPersonID: 102, invoiceTo: "Company", companyName: " Petronas " },
  { gibbonFinanceInvoiceeID: 5, gibbonPersonID: 199, invoiceTo: "Family", companyName: null },
  { gibbonFinanceInvoiceeID: 6, gibbonPersonID: "", invoiceTo: "Family", companyName: null },
])
const students: ReadonlySet<string> = new Set(["101", "102"])

describe("GibbonFinance code tables", () => {
  it("maps every Gibbon invoice status, spaces and case aside", () => {
    const codes = [
      "Pending",
      "Issued",
      "Paid",
      "Paid - Partial",
      "Cancelled",
      "Refunded",
      " paid-partial ",
    ].map((s) => Finance.invoiceStatus.lookup(s)?.code)
    expect(codes).toEqual([
      "draft",
      "sent",
      "paid",
      "partially_paid",
      "cancelled",
      "refunded",
      "partially_paid",
    ])
  })

  it("maps payment statuses and types", () => {
    expect(
      ["Complete", "Partial", "Final", "Failure"].map((s) => Finance.paymentStatus.lookup(s)?.code),
    ).toEqual(["completed", "completed", "completed", "failed"])
    expect(
      ["Online", "Bank Transfer", "Cash", "Cheque", "Other", "Credit Card", "bitcoin"].map(
        (s) => Finance.paymentMethod.lookup(s)?.code,
      ),
    ).toEqual(["ewallet", "bank_transfer", "cash", "cheque", "other", "card", undefined])
  })

  it("reads the currency code from Gibbon's currency setting", () => {
    expect(Finance.currencyCode("MYR RM")).toMatchObject({ _tag: "Corrected", value: "MYR" })
    expect(Finance.currencyCode("usd")).toMatchObject({ _tag: "Corrected", value: "USD" })
    expect(Finance.currencyCode("SGD")).toMatchObject({ _tag: "Valid", value: "SGD" })
    expect(Finance.currencyCode("")).toMatchObject({ _tag: "Valid", value: null })
    expect(Finance.currencyCode("RM")._tag).toBe("Invalid")
  })
})

describe("GibbonFinance pre-passes", () => {
  it("reads fees: own columns, the catalogue for an unseparated standard fee, negatives as discounts", () => {
    expect(Finance.readFee(fee({ name: " Tuition ", description: "Term 1" }), catalog)).toEqual({
      ok: true,
      description: "Tuition: Term 1",
      amount: "100.00",
      changes: [],
    })
    expect(
      Finance.readFee(
        fee({ feeType: "Standard", gibbonFinanceFeeID: 2, separated: "N", name: null, fee: null }),
        catalog,
      ),
    ).toMatchObject({ ok: true, description: "School bus: Monthly", amount: "120.00" })
    // Separated: the row's own copy counts, not the catalogue.
    expect(
      Finance.readFee(
        fee({ feeType: "Standard", gibbonFinanceFeeID: 2, separated: "Y", fee: "99.00" }),
        catalog,
      ),
    ).toMatchObject({ ok: true, amount: "99.00", changes: [] })
    const discount = Finance.readFee(fee({ fee: "-50.00" }), catalog)
    expect(discount.ok && discount.changes.map((c) => `${c.column}:${c.rule}`)).toEqual(["fee:discount"])
    const bad = [
      fee({ fee: null }),
      fee({ fee: "abc", name: "" }),
      fee({ feeType: "Standard", gibbonFinanceFeeID: 9, separated: null }),
    ].map((f) => {
      const r = Finance.readFee(f, catalog)
      return r.ok ? [] : r.reasons.map((x) => `${x.column}:${x.rule}`)
    })
    expect(bad).toEqual([["fee:money"], ["name:text", "fee:money"], ["gibbonFinanceFeeID:reference"]])
  })

  it("sums fees by invoice in sequence order, discounts apart, and lists unreadable fees", () => {
    const totals = Finance.feeTotals(
      [
        fee({ gibbonFinanceInvoiceFeeID: 3, gibbonFinanceInvoiceID: 1, fee: "80.00", sequenceNumber: 1 }),
        fee({ gibbonFinanceInvoiceFeeID: 4, gibbonFinanceInvoiceID: 1, fee: "-50.00", sequenceNumber: 2 }),
        fee({
          gibbonFinanceInvoiceFeeID: 2,
          gibbonFinanceInvoiceID: 1,
          feeType: "Standard",
          gibbonFinanceFeeID: 2,
          fee: null,
          sequenceNumber: 0,
        }),
        fee({ gibbonFinanceInvoiceFeeID: 10, gibbonFinanceInvoiceID: 9, fee: null }),
        fee({ gibbonFinanceInvoiceFeeID: 11, gibbonFinanceInvoiceID: 9, fee: "60.00", sequenceNumber: 1 }),
        fee({ gibbonFinanceInvoiceFeeID: 12, gibbonFinanceInvoiceID: null }),
      ],
      catalog,
    )
    expect(totals.invoices).toEqual(
      new Map([
        ["1", { chargeCents: 20000n, discountCents: 5000n, items: 3, unreadable: [] }],
        ["9", { chargeCents: 6000n, discountCents: 0n, items: 1, unreadable: ["10"] }],
      ]),
    )
    expect(totals.sortOrder).toEqual(
      new Map([
        ["2", 1],
        ["10", 1],
        ["3", 2],
        ["11", 2],
        ["4", 3],
      ]),
    )
  })

  it("sums the money each invoice received, leaving out failures, zeros and other tables", () => {
    const paid = Finance.paidTotals([
      payment({ gibbonPaymentID: 1, amount: "300.00", status: "Partial" }),
      payment({ gibbonPaymentID: 2, amount: "250.00", status: "Final" }),
      payment({ gibbonPaymentID: 3, amount: "700.00", status: "Failure" }),
      payment({ gibbonPaymentID: 4, amount: "0.00" }),
      payment({ gibbonPaymentID: 5, foreignTable: "gibbonApplicationForm" }),
      payment({ gibbonPaymentID: 6, foreignTableID: "00000000000003", amount: "75.00" }),
    ])
    expect(paid).toEqual(
      new Map([
        ["1", { cents: 55000n, payments: 2 }],
        ["3", { cents: 7500n, payments: 1 }],
      ]),
    )
  })

  it("finds each invoice's student through its invoicee", () => {
    const index = Finance.indexInvoices(
      [
        invoice({ gibbonFinanceInvoiceID: 1, gibbonFinanceInvoiceeID: "0000000001" }),
        invoice({ gibbonFinanceInvoiceID: 2, gibbonFinanceInvoiceeID: 5 }),
        invoice({ gibbonFinanceInvoiceID: 3, gibbonFinanceInvoiceeID: 77 }),
        invoice({ gibbonFinanceInvoiceID: 4, gibbonFinanceInvoiceeID: 6 }),
      ],
      invoicees,
      students,
    )
    expect([...index].map(([k, b]) => [k, b.ok ? b.student : b.reason])).toEqual([
      ["1", "101"],
      ["2", "invoicee 5 is person 199, who is not a student"],
      ["3", "invoicee 77 is not in gibbonFinanceInvoicee"],
      ["4", "invoicee 6 names no person"],
    ])
  })

  it("takes students from gibbonPerson by role category", () => {
    const roles = Gibbon.indexRoles([
      { gibbonRoleID: "003", category: "Student", name: "Student" },
      { gibbonRoleID: "004", category: "Parent", name: "Parent" },
    ])
    const person = (id: number, role: string) =>
      ({
        gibbonPersonID: id,
        gibbonRoleIDPrimary: role,
        gibbonRoleIDAll: role,
      }) as unknown as Gibbon.PersonRow
    expect(Finance.studentKeys([person(101, "003"), person(199, "004")], roles)).toEqual(new Set(["101"]))
  })

  it("numbers invoices by year and zero-filled Gibbon id", () => {
    expect(Finance.invoiceNumber("2025", "42")).toBe("INV-2025-000042")
    expect(Finance.invoiceNumber("2025", "1234567")).toBe("INV-2025-1234567")
  })
})

describe("GibbonFinance.feeStructures", () => {
  it("maps the fee catalogue; rejects negative, nameless and yearless fees", () => {
    const row = (over: Partial<Finance.FeeRow>): Finance.FeeRow => ({
      gibbonFinanceFeeID: 1,
      gibbonSchoolYearID: 25,
      name: "Tuition",
      nameShort: "TUI",
      description: "",
      active: "Y",
      gibbonFinanceFeeCategoryID: 1,
      fee: "1500.00",
      timestampCreator: null,
      timestampUpdate: null,
      ...over,
    })
    const rows = [
      row({ gibbonFinanceFeeID: 1, active: "n" }),
      row({ gibbonFinanceFeeID: 2, fee: "-100.00" }),
      row({ gibbonFinanceFeeID: 3, name: " ", gibbonSchoolYearID: "", fee: null }),
    ]
    const result = runBatch(Finance.feeStructures(base), rows)
    expect(records(Financial.FeeStructures, result.ok)).toMatchObject([
      {
        legacy_id: "1",
        code: "TUI",
        name: "Tuition",
        amount: "1500.00",
        is_active: false,
        academic_year_id: TargetId.forEntity("gibbon.academic_years")("SA01", "25"),
        created_at: base.loadedAt,
      },
    ])
    expect(rejections(result)).toEqual([
      { key: "2", reasons: ["fee:fee_amount"] },
      { key: "3", reasons: ["gibbonSchoolYearID:gibbon_id", "name:text", "fee:money"] },
    ])
    expect(result.notes.map((n) => `${n.key}:${n.column}:${n.rule}`)).toEqual(["1:active:yes_no"])
    expect([...Finance.indexFees(rows).values()].map((f) => f.loads)).toEqual([true, false, false])
  })
})

const invoiceRows = [
  invoice({ gibbonFinanceInvoiceID: 1, status: "Paid - Partial", paidAmount: "300.00" }),
  invoice({
    gibbonFinanceInvoiceID: 2,
    gibbonFinanceInvoiceeID: 2,
    invoiceTo: "Company",
    status: "Paid",
    notes: " Term 1 ",
  }),
  invoice({ gibbonFinanceInvoiceID: 3, gibbonFinanceInvoiceeID: 5 }),
  invoice({ gibbonFinanceInvoiceID: 4, status: "Pending", invoiceIssueDate: null, invoiceDueDate: null }),
  invoice({ gibbonFinanceInvoiceID: 5, invoiceIssueDate: "31/02/2025", gibbonSchoolYearID: null }),
  invoice({ gibbonFinanceInvoiceID: 6, status: "Refunded", invoiceDueDate: "2025-01-31" }),
]
const feeRows = [
  fee({ gibbonFinanceInvoiceFeeID: 1, gibbonFinanceInvoiceID: 1, fee: "1000.00" }),
  fee({ gibbonFinanceInvoiceFeeID: 2, gibbonFinanceInvoiceID: 2, fee: "500.00" }),
  fee({ gibbonFinanceInvoiceFeeID: 3, gibbonFinanceInvoiceID: 3, fee: "900.00" }),
  fee({ gibbonFinanceInvoiceFeeID: 4, gibbonFinanceInvoiceID: 4, fee: "85.50" }),
  fee({ gibbonFinanceInvoiceFeeID: 6, gibbonFinanceInvoiceID: 6, fee: "200.00" }),
]
const paymentRows = [
  payment({ gibbonPaymentID: 1, foreignTableID: 1, amount: "300.00", status: "Partial" }),
  payment({ gibbonPaymentID: 2, foreignTableID: 2, amount: "550.00" }),
]
const index = Finance.indexInvoices(invoiceRows, invoicees, students)
const fees = Finance.feeTotals(feeRows, catalog)
const paid = Finance.paidTotals(paymentRows)
const rejectedInvoices = Finance.rejectedInvoices(invoiceRows, {
  ...base,
  invoices: index,
  fees,
  paid,
  overpaid: "reject",
})

describe("GibbonFinance.invoices", () => {
  it("maps, rejects and notes (overpaid: reject)", () => {
    const result = runBatch(
      Finance.invoices({ ...base, invoices: index, fees, paid, overpaid: "reject" }),
      invoiceRows,
    )
    expect(records(Financial.Invoices, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "700.00",
          "created_at": "2025-01-06T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-03-31",
          "id": "b138aded-2bb9-8000-8000-000000000001",
          "invoice_date": "2025-01-06",
          "invoice_number": "INV-2025-000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "300.00",
          "status": "partially_paid",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "subtotal": "1000.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "1000.00",
          "updated_at": "2025-01-06T01:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "85.50",
          "created_at": "2025-01-06T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-02-05",
          "id": "b138aded-2bb9-8000-8000-000000000004",
          "invoice_date": "2025-01-06",
          "invoice_number": "INV-2025-000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "0.00",
          "status": "draft",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "subtotal": "85.50",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "85.50",
          "updated_at": "2025-01-06T01:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "200.00",
          "created_at": "2025-01-06T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-01-31",
          "id": "b138aded-2bb9-8000-8000-000000000006",
          "invoice_date": "2025-01-06",
          "invoice_number": "INV-2025-000006",
          "legacy_id": "6",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "0.00",
          "status": "refunded",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "subtotal": "200.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "200.00",
          "updated_at": "2025-01-06T01:00:00.000Z",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "2",
          "reasons": [
            "paidAmount:overpaid",
          ],
        },
        {
          "key": "3",
          "reasons": [
            "gibbonFinanceInvoiceeID:student",
          ],
        },
        {
          "key": "5",
          "reasons": [
            "gibbonSchoolYearID:gibbon_id",
            "invoiceIssueDate:date",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "invoiceIssueDate",
          "key": "4",
          "message": "no issue date: 2025-01-06, the day it was created",
          "rule": "invoice_date",
        },
        {
          "column": "invoiceDueDate",
          "key": "4",
          "message": "no due date: 2025-02-05, 30 days after the invoice date",
          "rule": "due_date",
        },
      ]
    `)
  })

  it("flags an overpayment as a negative balance when told to", () => {
    const result = runBatch(
      Finance.invoices({ ...base, invoices: index, fees, paid, overpaid: "flag" }),
      invoiceRows.slice(1, 2),
    )
    const [row] = records(Financial.Invoices, result.ok)
    expect(row).toMatchObject({
      subtotal: "500.00",
      total_amount: "500.00",
      paid_amount: "550.00",
      balance_due: "-50.00",
      status: "paid",
      notes: "Term 1\nInvoiced to company: Petronas",
    })
    expect(result.notes.map((n) => n.rule)).toEqual(["overpaid", "recomputed"])
  })

  it("points at the students and academic years their entities give", () => {
    const result = runBatch(
      Finance.invoices({ ...base, invoices: index, fees, paid, overpaid: "flag" }),
      invoiceRows.slice(0, 1),
    )
    const [row] = records(Financial.Invoices, result.ok)
    expect(row?.student_id).toBe(TargetId.forEntity(Gibbon.studentsEntity)("SA01", "101"))
    expect(row?.academic_year_id).toBe(TargetId.forEntity("gibbon.academic_years")("SA01", "25"))
  })

  it("lists the invoices the mapper rejects, for their fees and allocations", () => {
    expect([...rejectedInvoices.keys()]).toEqual(["2", "3", "5"])
    expect(rejectedInvoices.get("2")).toBe("paid 550.00 is more than the total 500.00")
  })

  it("is idempotent", () => {
    const entity = Finance.invoices({ ...base, invoices: index, fees, paid, overpaid: "flag" })
    expect(runBatch(entity, invoiceRows)).toEqual(runBatch(entity, invoiceRows))
  })
})

describe("GibbonFinance.invoiceItems", () => {
  it("maps fees to lines of their invoices", () => {
    const rows = [
      ...feeRows.slice(0, 3),
      fee({ gibbonFinanceInvoiceFeeID: 7, gibbonFinanceInvoiceID: 42 }),
      fee({ gibbonFinanceInvoiceFeeID: 8, gibbonFinanceInvoiceID: 1, fee: "-100.00", sequenceNumber: 1 }),
    ]
    const totals = Finance.feeTotals(rows, catalog)
    const result = runBatch(
      Finance.invoiceItems({ ...base, invoices: index, fees: totals, catalog, rejectedInvoices }),
      rows,
    )
    expect(records(Financial.InvoiceItems, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "amount": "1000.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Tuition",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000001",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "1000.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "-100.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Tuition",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000008",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000001",
          "legacy_id": "8",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 2,
          "tenant_id": "SA01",
          "unit_price": "-100.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "2",
          "reasons": [
            "gibbonFinanceInvoiceID:invoice_rejected",
          ],
        },
        {
          "key": "3",
          "reasons": [
            "gibbonFinanceInvoiceID:student",
          ],
        },
        {
          "key": "7",
          "reasons": [
            "gibbonFinanceInvoiceID:reference",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "fee",
          "key": "8",
          "message": "negative fee -100.00: a discount on the invoice",
          "rule": "discount",
        },
      ]
    `)
  })
})

describe("GibbonFinance.payments and paymentAllocations", () => {
  const rows = [
    payment({
      gibbonPaymentID: 1,
      type: "Online",
      gateway: "Paypal",
      paymentTransactionID: "8TX",
      paymentReceiptID: "R-1",
    }),
    payment({ gibbonPaymentID: 2, status: "Failure", foreignTableID: 999 }),
    payment({ gibbonPaymentID: 3, foreignTable: "gibbonApplicationForm" }),
    payment({ gibbonPaymentID: 4, foreignTableID: 999 }),
    payment({ gibbonPaymentID: 5, foreignTableID: 3 }),
    payment({ gibbonPaymentID: 6, amount: "-5", status: "Refund?", timestamp: null, type: "Barter" }),
    payment({ gibbonPaymentID: 7, type: "Barter", timestamp: "2025-01-21" }),
  ]
  const options = { ...base, invoices: index, rejectedInvoices }

  it("maps invoice payments; skips failed and other tables' payments; rejects the rest", () => {
    const result = runBatch(Finance.payments(options), rows)
    expect(records(Financial.Payments, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "amount": "100.00",
          "created_at": "2025-01-20T02:30:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "id": "711faded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.payments",
          "method": "ewallet",
          "notes": "Paid online through Paypal",
          "paid_at": "2025-01-20T02:30:00.000Z",
          "receipt_number": "R-1",
          "reference": "8TX",
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "tenant_id": "SA01",
          "updated_at": "2025-01-20T02:30:00.000Z",
        },
        {
          "amount": "100.00",
          "created_at": "2025-01-20T16:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "id": "711faded-2bb9-8000-8000-000000000007",
          "legacy_id": "7",
          "legacy_source": "gibbon.payments",
          "method": "other",
          "notes": null,
          "paid_at": "2025-01-20T16:00:00.000Z",
          "receipt_number": null,
          "reference": null,
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "tenant_id": "SA01",
          "updated_at": "2025-01-20T16:00:00.000Z",
        },
      ]
    `)
    expect(result.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "2",
          "reason": "payment status Failure: no money was received",
        },
        {
          "key": "3",
          "reason": "a payment for gibbonApplicationForm, not an invoice",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "4",
          "reasons": [
            "foreignTableID:reference",
          ],
        },
        {
          "key": "5",
          "reasons": [
            "foreignTableID:student",
          ],
        },
        {
          "key": "6",
          "reasons": [
            "status:payment_status",
            "amount:payment_amount",
            "timestamp:timestamp",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "amount",
          "key": "6",
          "message": "wrote as a decimal with 2 places",
          "rule": "money",
        },
        {
          "column": "type",
          "key": "7",
          "message": "Gibbon payment type "Barter" is not known: stored as other",
          "rule": "payment_method",
        },
      ]
    `)
  })

  it("allocates each mapped payment to its invoice, with the payment's ids", () => {
    const result = runBatch(Finance.paymentAllocations(options), rows)
    const payments = runBatch(Finance.payments(options), rows)
    expect(records(Financial.PaymentAllocations, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "amount": "100.00",
          "created_at": "2025-01-20T02:30:00.000Z",
          "id": "7d80aded-2bb9-8000-8000-000000000001",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.payment_allocations",
          "payment_id": "711faded-2bb9-8000-8000-000000000001",
          "tenant_id": "SA01",
          "updated_at": "2025-01-20T02:30:00.000Z",
        },
        {
          "amount": "100.00",
          "created_at": "2025-01-20T16:00:00.000Z",
          "id": "7d80aded-2bb9-8000-8000-000000000007",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000001",
          "legacy_id": "7",
          "legacy_source": "gibbon.payment_allocations",
          "payment_id": "711faded-2bb9-8000-8000-000000000007",
          "tenant_id": "SA01",
          "updated_at": "2025-01-20T16:00:00.000Z",
        },
      ]
    `)
    expect(result.ok.map((r) => r[2])).toEqual(payments.ok.map((r) => r[0]))
    expect(result.skipped.map((s) => s.key)).toEqual(payments.skipped.map((s) => s.key))
    expect(result.rejected.map((s) => s.key)).toEqual(payments.rejected.map((s) => s.key))
    expect(result.notes).toEqual([])
  })

  it("is idempotent", () => {
    expect(runBatch(Finance.payments(options), rows)).toEqual(runBatch(Finance.payments(options), rows))
    expect(runBatch(Finance.paymentAllocations(options), rows)).toEqual(
      runBatch(Finance.paymentAllocations(options), rows),
    )
  })
})
