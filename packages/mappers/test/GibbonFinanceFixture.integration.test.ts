import { PgClient } from "@schoolbridge/connectors"
import { type Entity, TargetId, Transform } from "@schoolbridge/core"
import { Financial, Migrator, type Table } from "@schoolbridge/schema"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as Finance from "../src/GibbonFinance.js"
import { loadMysqlFixture, type MysqlFixture, type TableRead } from "./fixtures/MysqlFixture.js"

// The finance fixture alone: its people (students 101-110, 199 not a student) are the people
// fixture's, given here as the set the students entity maps.
const students: ReadonlySet<string> = new Set(Array.from({ length: 10 }, (_, i) => String(101 + i)))

const currency = Finance.currencyCode("MYR RM")
const base = {
  tenant: "SA01",
  asOf: "2025-03-01",
  loadedAt: "2025-03-01T00:00:00.000Z",
  currency: currency._tag === "Invalid" ? undefined : (currency.value ?? undefined),
} as const

let fixture: MysqlFixture
let portal: TestDatabase
let invoicees: TableRead<Finance.InvoiceeRow>
let invoices: TableRead<Finance.InvoiceRow>
let fees: TableRead<Finance.InvoiceFeeRow>
let catalog: TableRead<Finance.FeeRow>
let payments: TableRead<Finance.PaymentRow>

beforeAll(async () => {
  fixture = await loadMysqlFixture(["gibbon/20-finance.sql"], "gibbon_finance")
  portal = await createPgDatabase("gibbon_finance")
  invoicees = await fixture.read({ table: "gibbonFinanceInvoicee", key: "gibbonFinanceInvoiceeID" })
  invoices = await fixture.read({ table: "gibbonFinanceInvoice", key: "gibbonFinanceInvoiceID" })
  fees = await fixture.read({ table: "gibbonFinanceInvoiceFee", key: "gibbonFinanceInvoiceFeeID" })
  catalog = await fixture.read({ table: "gibbonFinanceFee", key: "gibbonFinanceFeeID" })
  payments = await fixture.read({ table: "gibbonPayment", key: "gibbonPaymentID" })
}, 60_000)

afterAll(async () => {
  await fixture?.drop()
  await portal?.drop()
})

// The pre-passes a migration runs over the whole tables before the entities.
const plan = () => {
  const index = Finance.indexInvoices(invoices.rows, Finance.indexInvoicees(invoicees.rows), students)
  const feeCatalog = Finance.indexFees(catalog.rows, base.currency)
  return {
    index,
    catalog: feeCatalog,
    fees: Finance.feeTotals(fees.rows, feeCatalog, base.currency),
    paid: Finance.paidTotals(payments.rows, base.currency),
  }
}

const run = <Row>(entity: Entity.Entity<Row>, read: TableRead<Row>) =>
  Transform.run(entity.transform, read.rows, read.keys, { entity: entity.name, tenant: "SA01" })

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

const ids = (
  rows: ReadonlyArray<Transform.Row>,
  table: { readonly columns: ReadonlyArray<string> },
  column: string,
) => rows.map((r) => r[table.columns.indexOf(column)])

const entities = (overpaid: "reject" | "flag" = "flag") => {
  const p = plan()
  const invoiceOptions = { ...base, invoices: p.index, fees: p.fees, paid: p.paid, overpaid }
  const rejectedInvoices = Finance.rejectedInvoices(invoices.rows, invoiceOptions)
  return {
    rejectedInvoices,
    feeStructures: Finance.feeStructures(base),
    invoices: Finance.invoices(invoiceOptions),
    items: Finance.invoiceItems({
      ...base,
      invoices: p.index,
      fees: p.fees,
      catalog: p.catalog,
      rejectedInvoices,
    }),
    payments: Finance.payments({ ...base, invoices: p.index }),
    allocations: Finance.paymentAllocations({ ...base, invoices: p.index, rejectedInvoices }),
  }
}

describe("Gibbon finance fixture", () => {
  it("reads zero dates as empty, with the source's notes", () => {
    expect(invoices.notes.map((n) => `${n.key}:${n.column}:${n.rule}`)).toEqual([
      "7:invoiceIssueDate:zero_date",
      "8:invoiceDueDate:zero_date",
    ])
  })

  it("maps gibbonFinanceInvoice into financial.invoices", () => {
    const result = run(entities().invoices, invoices)
    expect(records(Financial.Invoices, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "0.00",
          "created_at": "2025-01-06T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-01-31",
          "id": "b138aded-2bb9-8000-8000-000000000001",
          "invoice_date": "2025-01-06",
          "invoice_number": "INV-2025-000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "1500.00",
          "status": "paid",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "subtotal": "1500.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "1500.00",
          "updated_at": "2025-01-20T02:30:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "150.00",
          "created_at": "2025-01-06T01:05:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "50.00",
          "due_date": "2025-02-28",
          "id": "b138aded-2bb9-8000-8000-000000000002",
          "invoice_date": "2025-01-06",
          "invoice_number": "INV-2025-000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.invoices",
          "notes": "Term 1 extras
      Invoiced to company: Petronas Sdn Bhd",
          "paid_amount": "0.00",
          "status": "overdue",
          "student_id": "db39aded-2bb9-8000-8000-000000000066",
          "subtotal": "200.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "150.00",
          "updated_at": "2025-01-06T01:05:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "700.00",
          "created_at": "2025-01-10T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-04-30",
          "id": "b138aded-2bb9-8000-8000-000000000003",
          "invoice_date": "2025-01-10",
          "invoice_number": "INV-2025-000003",
          "legacy_id": "3",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "300.00",
          "status": "partially_paid",
          "student_id": "db39aded-2bb9-8000-8000-000000000067",
          "subtotal": "1000.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "1000.00",
          "updated_at": "2025-01-10T01:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000018",
          "balance_due": "-50.00",
          "created_at": "2024-09-02T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2024-09-30",
          "id": "b138aded-2bb9-8000-8000-000000000004",
          "invoice_date": "2024-09-02",
          "invoice_number": "INV-2024-000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "550.00",
          "status": "paid",
          "student_id": "db39aded-2bb9-8000-8000-000000000068",
          "subtotal": "500.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "500.00",
          "updated_at": "2024-09-02T01:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "85.50",
          "created_at": "2025-02-10T02:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-03-12",
          "id": "b138aded-2bb9-8000-8000-000000000006",
          "invoice_date": "2025-02-10",
          "invoice_number": "INV-2025-000006",
          "legacy_id": "6",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "0.00",
          "status": "draft",
          "student_id": "db39aded-2bb9-8000-8000-000000000069",
          "subtotal": "85.50",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "85.50",
          "updated_at": "2025-02-10T02:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "45.00",
          "created_at": "2025-01-15T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-02-14",
          "id": "b138aded-2bb9-8000-8000-000000000008",
          "invoice_date": "2025-01-15",
          "invoice_number": "INV-2025-000008",
          "legacy_id": "8",
          "legacy_source": "gibbon.invoices",
          "notes": null,
          "paid_amount": "0.00",
          "status": "overdue",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "subtotal": "45.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "45.00",
          "updated_at": "2025-01-15T01:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "balance_due": "200.00",
          "created_at": "2025-01-06T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "discount_amount": "0.00",
          "due_date": "2025-01-31",
          "id": "b138aded-2bb9-8000-8000-00000000000a",
          "invoice_date": "2025-01-06",
          "invoice_number": "INV-2025-000010",
          "legacy_id": "10",
          "legacy_source": "gibbon.invoices",
          "notes": "Withdrawn before term",
          "paid_amount": "0.00",
          "status": "cancelled",
          "student_id": "db39aded-2bb9-8000-8000-000000000069",
          "subtotal": "200.00",
          "tax_amount": "0.00",
          "tenant_id": "SA01",
          "total_amount": "200.00",
          "updated_at": "2025-01-08T04:00:00.000Z",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "5",
          "reasons": [
            "gibbonFinanceInvoiceeID:student",
          ],
        },
        {
          "key": "7",
          "reasons": [
            "invoiceIssueDate:invoice_date",
          ],
        },
        {
          "key": "9",
          "reasons": [
            "fee:invoice_fees",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "status",
          "key": "2",
          "message": "Gibbon Issued (sent) replaced by overdue, from the amounts",
          "rule": "invoice_status",
        },
        {
          "column": "paidAmount",
          "key": "4",
          "message": "paid 550.00 is more than the total 500.00: loaded with a negative balance",
          "rule": "overpaid",
        },
        {
          "column": "paidAmount",
          "key": "4",
          "message": "Gibbon 500.00 replaced by 550.00 (sum of the payments)",
          "rule": "recomputed",
        },
        {
          "column": "invoiceIssueDate",
          "key": "6",
          "message": "no issue date: 2025-02-10, the day it was created",
          "rule": "invoice_date",
        },
        {
          "column": "invoiceDueDate",
          "key": "6",
          "message": "no due date: 2025-03-12, 30 days after the invoice date",
          "rule": "due_date",
        },
        {
          "column": "invoiceDueDate",
          "key": "8",
          "message": "no due date: 2025-02-14, 30 days after the invoice date",
          "rule": "due_date",
        },
        {
          "column": "status",
          "key": "8",
          "message": "Gibbon Issued (sent) replaced by overdue, from the amounts",
          "rule": "invoice_status",
        },
      ]
    `)
  })

  it("rejects the overpaid invoice when told to, with its fee and allocations but not its payments", () => {
    const e = entities("reject")
    expect([...e.rejectedInvoices.keys()]).toEqual(["4", "5", "7", "9"])
    expect(rejections(run(e.invoices, invoices)).find((r) => r.key === "4")).toEqual({
      key: "4",
      reasons: ["paidAmount:overpaid"],
    })
    expect(rejections(run(e.items, fees)).find((r) => r.key === "6")).toEqual({
      key: "6",
      reasons: ["gibbonFinanceInvoiceID:invoice_rejected"],
    })
    expect(rejections(run(e.allocations, payments)).filter((r) => r.key === "4" || r.key === "5")).toEqual([
      { key: "4", reasons: ["foreignTableID:invoice_rejected"] },
      { key: "5", reasons: ["foreignTableID:invoice_rejected"] },
    ])
    expect(run(e.payments, payments).okKeys).toEqual(["1", "2", "4", "5"])
  })

  it("maps gibbonFinanceFee into financial.fee_structures", () => {
    const result = run(entities().feeStructures, catalog)
    expect(records(Financial.FeeStructures, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "amount": "1500.00",
          "code": "TUI1",
          "created_at": "2024-12-01T00:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "description": null,
          "frequency": "one_time",
          "grade_level": null,
          "id": "c75eaded-2bb9-8000-8000-000000000001",
          "is_active": true,
          "legacy_id": "1",
          "legacy_source": "gibbon.fee_structures",
          "name": "Tuition Term 1",
          "tenant_id": "SA01",
          "updated_at": "2024-12-01T00:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "amount": "120.00",
          "code": "BUS",
          "created_at": "2024-12-01T00:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "description": "Monthly bus service",
          "frequency": "one_time",
          "grade_level": null,
          "id": "c75eaded-2bb9-8000-8000-000000000002",
          "is_active": true,
          "legacy_id": "2",
          "legacy_source": "gibbon.fee_structures",
          "name": "School bus",
          "tenant_id": "SA01",
          "updated_at": "2025-01-02T00:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000018",
          "amount": "500.00",
          "code": "BK24",
          "created_at": "2025-03-01T00:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "description": null,
          "frequency": "one_time",
          "grade_level": null,
          "id": "c75eaded-2bb9-8000-8000-000000000004",
          "is_active": false,
          "legacy_id": "4",
          "legacy_source": "gibbon.fee_structures",
          "name": "Books 2024",
          "tenant_id": "SA01",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "3",
          "reasons": [
            "fee:fee_amount",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`[]`)
  })

  it("maps gibbonFinanceInvoiceFee into financial.invoice_items", () => {
    const result = run(entities().items, fees)
    expect(records(Financial.InvoiceItems, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "amount": "1500.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Tuition Term 1",
          "fee_structure_id": "c75eaded-2bb9-8000-8000-000000000001",
          "id": "597faded-2bb9-8000-8000-000000000001",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "1500.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "120.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "School bus: Monthly bus service",
          "fee_structure_id": "c75eaded-2bb9-8000-8000-000000000002",
          "id": "597faded-2bb9-8000-8000-000000000002",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "120.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "80.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Activity fee: Robotics club",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000003",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000002",
          "legacy_id": "3",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 2,
          "tenant_id": "SA01",
          "unit_price": "80.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "-50.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Sibling discount",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000004",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000002",
          "legacy_id": "4",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 3,
          "tenant_id": "SA01",
          "unit_price": "-50.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "1000.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Tuition",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000005",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000003",
          "legacy_id": "5",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "1000.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "500.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Books",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000006",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000004",
          "legacy_id": "6",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "500.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "85.50",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Uniform",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000008",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000006",
          "legacy_id": "8",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "85.50",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "45.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Exam fee",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-000000000009",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000008",
          "legacy_id": "9",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "45.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
        {
          "amount": "200.00",
          "created_at": "2025-03-01T00:00:00.000Z",
          "deleted_at": null,
          "description": "Tuition",
          "fee_structure_id": null,
          "id": "597faded-2bb9-8000-8000-00000000000c",
          "invoice_id": "b138aded-2bb9-8000-8000-00000000000a",
          "legacy_id": "12",
          "legacy_source": "gibbon.invoice_items",
          "quantity": "1.00",
          "sort_order": 1,
          "tenant_id": "SA01",
          "unit_price": "200.00",
          "updated_at": "2025-03-01T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "7",
          "reasons": [
            "gibbonFinanceInvoiceID:student",
          ],
        },
        {
          "key": "10",
          "reasons": [
            "fee:money",
          ],
        },
        {
          "key": "11",
          "reasons": [
            "gibbonFinanceInvoiceID:invoice_fees",
          ],
        },
        {
          "key": "13",
          "reasons": [
            "gibbonFinanceInvoiceID:reference",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "gibbonFinanceFeeID",
          "key": "2",
          "message": "not separated: name and amount of fee 2",
          "rule": "standard_fee",
        },
        {
          "column": "fee",
          "key": "4",
          "message": "negative fee -50.00: a discount on the invoice",
          "rule": "discount",
        },
      ]
    `)
  })

  it("maps gibbonPayment into financial.payments and payment_allocations", () => {
    const e = entities()
    const result = run(e.payments, payments)
    expect(records(Financial.Payments, result.ok)).toMatchInlineSnapshot(`
      [
        {
          "amount": "1500.00",
          "created_at": "2025-01-20T02:30:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "id": "711faded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.payments",
          "method": "cash",
          "notes": null,
          "paid_at": "2025-01-20T02:30:00.000Z",
          "receipt_number": null,
          "reference": null,
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "tenant_id": "SA01",
          "updated_at": "2025-01-20T02:30:00.000Z",
        },
        {
          "amount": "300.00",
          "created_at": "2025-01-25T03:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "id": "711faded-2bb9-8000-8000-000000000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.payments",
          "method": "bank_transfer",
          "notes": null,
          "paid_at": "2025-01-25T03:00:00.000Z",
          "receipt_number": null,
          "reference": "MBB-778812",
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000067",
          "tenant_id": "SA01",
          "updated_at": "2025-01-25T03:00:00.000Z",
        },
        {
          "amount": "300.00",
          "created_at": "2024-09-10T01:00:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "id": "711faded-2bb9-8000-8000-000000000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.payments",
          "method": "cheque",
          "notes": null,
          "paid_at": "2024-09-10T01:00:00.000Z",
          "receipt_number": null,
          "reference": "CHQ 100234",
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000068",
          "tenant_id": "SA01",
          "updated_at": "2024-09-10T01:00:00.000Z",
        },
        {
          "amount": "250.00",
          "created_at": "2024-09-20T13:45:00.000Z",
          "currency": "MYR",
          "deleted_at": null,
          "id": "711faded-2bb9-8000-8000-000000000005",
          "legacy_id": "5",
          "legacy_source": "gibbon.payments",
          "method": "ewallet",
          "notes": "Paid online through Paypal",
          "paid_at": "2024-09-20T13:45:00.000Z",
          "receipt_number": "R-5521",
          "reference": "8TX55",
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000068",
          "tenant_id": "SA01",
          "updated_at": "2024-09-20T13:45:00.000Z",
        },
      ]
    `)
    expect(result.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "3",
          "reason": "payment status Failure: no money was received",
        },
        {
          "key": "7",
          "reason": "a payment for gibbonApplicationForm, not an invoice",
        },
      ]
    `)
    expect(rejections(result)).toMatchInlineSnapshot(`
      [
        {
          "key": "6",
          "reasons": [
            "foreignTableID:reference",
          ],
        },
        {
          "key": "8",
          "reasons": [
            "foreignTableID:student",
          ],
        },
        {
          "key": "9",
          "reasons": [
            "amount:payment_amount",
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`[]`)
    const allocations = run(e.allocations, payments)
    expect(records(Financial.PaymentAllocations, allocations.ok)).toMatchInlineSnapshot(`
      [
        {
          "amount": "1500.00",
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
          "amount": "300.00",
          "created_at": "2025-01-25T03:00:00.000Z",
          "id": "7d80aded-2bb9-8000-8000-000000000002",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000003",
          "legacy_id": "2",
          "legacy_source": "gibbon.payment_allocations",
          "payment_id": "711faded-2bb9-8000-8000-000000000002",
          "tenant_id": "SA01",
          "updated_at": "2025-01-25T03:00:00.000Z",
        },
        {
          "amount": "300.00",
          "created_at": "2024-09-10T01:00:00.000Z",
          "id": "7d80aded-2bb9-8000-8000-000000000004",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.payment_allocations",
          "payment_id": "711faded-2bb9-8000-8000-000000000004",
          "tenant_id": "SA01",
          "updated_at": "2024-09-10T01:00:00.000Z",
        },
        {
          "amount": "250.00",
          "created_at": "2024-09-20T13:45:00.000Z",
          "id": "7d80aded-2bb9-8000-8000-000000000005",
          "invoice_id": "b138aded-2bb9-8000-8000-000000000004",
          "legacy_id": "5",
          "legacy_source": "gibbon.payment_allocations",
          "payment_id": "711faded-2bb9-8000-8000-000000000005",
          "tenant_id": "SA01",
          "updated_at": "2024-09-20T13:45:00.000Z",
        },
      ]
    `)
    expect(allocations.skipped).toEqual(result.skipped)
    expect(allocations.rejected.map((r) => r.key)).toEqual(result.rejected.map((r) => r.key))
  })

  it("resolves foreign keys across the entities", () => {
    const e = entities()
    const inv = run(e.invoices, invoices)
    const items = run(e.items, fees)
    const pay = run(e.payments, payments)
    const alloc = run(e.allocations, payments)
    const structures = run(e.feeStructures, catalog)
    expect(ids(items.ok, Financial.InvoiceItems, "fee_structure_id")).toEqual([
      ...ids(structures.ok, Financial.FeeStructures, "id").slice(0, 2),
      ...Array(7).fill(null),
    ])
    const invoiceIds = new Set(ids(inv.ok, Financial.Invoices, "id"))
    const paymentIds = new Set(ids(pay.ok, Financial.Payments, "id"))
    // Every line, allocation and payment points at a row its entity loads.
    expect(ids(items.ok, Financial.InvoiceItems, "invoice_id").every((id) => invoiceIds.has(id))).toBe(true)
    expect(ids(alloc.ok, Financial.PaymentAllocations, "invoice_id").every((id) => invoiceIds.has(id))).toBe(
      true,
    )
    expect(ids(alloc.ok, Financial.PaymentAllocations, "payment_id")).toEqual([...paymentIds])
    // Students and years are the ids the Gibbon students and academic years entities give those keys.
    const student = TargetId.forEntity(Gibbon.studentsEntity)
    const year = TargetId.forEntity(Finance.academicYearsEntity)
    expect(ids(inv.ok, Financial.Invoices, "student_id")).toEqual(
      ["101", "102", "103", "104", "105", "101", "105"].map((k) => student("SA01", k)),
    )
    expect(ids(inv.ok, Financial.Invoices, "academic_year_id")).toEqual(
      ["25", "25", "25", "24", "25", "25", "25"].map((k) => year("SA01", k)),
    )
    expect(ids(pay.ok, Financial.Payments, "student_id")).toEqual(
      ["101", "103", "104", "104"].map((k) => student("SA01", k)),
    )
    // The database's checks hold: total = subtotal - discount + tax, balance = total - paid.
    const cents = (v: unknown) => Math.round(Number(v) * 100)
    for (const r of records(Financial.Invoices, inv.ok)) {
      expect(cents(r.total_amount)).toBe(cents(r.subtotal) - cents(r.discount_amount) + cents(r.tax_amount))
      expect(cents(r.balance_due)).toBe(cents(r.total_amount) - cents(r.paid_amount))
    }
    // The allocations sum to each invoice's paid amount.
    const allocated = new Map<unknown, number>()
    for (const r of records(Financial.PaymentAllocations, alloc.ok))
      allocated.set(r.invoice_id, (allocated.get(r.invoice_id) ?? 0) + Math.round(Number(r.amount) * 100))
    for (const r of records(Financial.Invoices, inv.ok))
      expect(allocated.get(r.id) ?? 0).toBe(Math.round(Number(r.paid_amount) * 100))
  })

  it("loads into the portal database: every check and foreign key holds", async () => {
    const e = entities()
    const student = TargetId.forEntity(Gibbon.studentsEntity)
    const user = TargetId.forEntity(Gibbon.usersEntity)
    const year = TargetId.forEntity(Finance.academicYearsEntity)
    const loads: Array<[Table.Any, ReadonlyArray<Transform.Row>]> = [
      [Financial.FeeStructures, run(e.feeStructures, catalog).ok],
      [Financial.Invoices, run(e.invoices, invoices).ok],
      [Financial.InvoiceItems, run(e.items, fees).ok],
      [Financial.Payments, run(e.payments, payments).ok],
      [Financial.PaymentAllocations, run(e.allocations, payments).ok],
    ]
    const loaded = await Effect.runPromise(
      Effect.gen(function* () {
        const db = yield* PgClient.make({ url: Redacted.make(portal.url) })
        yield* Migrator.migrate({
          query: (sql, params) => db.query(sql, params),
          transaction: (self) => db.transaction(() => self),
        })
        // What the people and academic flows would have loaded: the tenant, users, students, years.
        yield* db.query("insert into auth.tenants (code, name) values ('SA01', 'Sekolah Al-Amin')")
        for (const k of students) {
          yield* db.query("insert into auth.users (id, tenant_id, first_name) values ($1, 'SA01', $2)", [
            user("SA01", k),
            `Student ${k}`,
          ])
          yield* db.query(
            "insert into academic.students (id, tenant_id, user_id, student_number) values ($1, 'SA01', $2, $3)",
            [student("SA01", k), user("SA01", k), `S${k}`],
          )
        }
        for (const [k, y] of [
          ["24", 2024],
          ["25", 2025],
        ] as const)
          yield* db.query(
            "insert into academic.academic_years (id, tenant_id, name, start_date, end_date) values ($1, 'SA01', $2, $3, $4)",
            [year("SA01", k), String(y), `${y}-01-01`, `${y}-12-31`],
          )
        const counts: Array<number> = []
        for (const [table, rows] of loads) {
          for (const row of rows) {
            const placeholders = table.columns.map((_, i) => `$${i + 1}`).join(", ")
            yield* db.query(
              `insert into ${table.table} (${table.columns.join(", ")}) values (${placeholders})`,
              row,
            )
          }
          const [count] = yield* db.query<{ n: number }>(`select count(*)::int as n from ${table.table}`)
          counts.push(count?.n ?? 0)
        }
        return counts
      }).pipe(Effect.scoped),
    )
    expect(loaded).toEqual(loads.map(([, rows]) => rows.length))
  }, 60_000)

  it("is idempotent: the same rows map to the same ids and values", () => {
    const [a, b] = [entities(), entities()]
    expect(run(a.feeStructures, catalog)).toEqual(run(b.feeStructures, catalog))
    expect(run(a.invoices, invoices)).toEqual(run(b.invoices, invoices))
    expect(run(a.items, fees)).toEqual(run(b.items, fees))
    expect(run(a.payments, payments)).toEqual(run(b.payments, payments))
    expect(run(a.allocations, payments)).toEqual(run(b.allocations, payments))
  })
})
