import { Schema } from "effect"
import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `financial.invoice_status`. */
export const InvoiceStatus = C.enumOf("financial.invoice_status", [
  "draft",
  "sent",
  "partially_paid",
  "paid",
  "overdue",
  "cancelled",
  "refunded",
])

/** `financial.payment_status`. */
export const PaymentStatus = C.enumOf("financial.payment_status", [
  "pending",
  "completed",
  "failed",
  "cancelled",
  "refunded",
])

/** An amount: `numeric(12,2)` as an exact decimal string. */
export const Amount = C.numeric(12, 2)

/** An ISO 4217 currency code (MYR by default). */
export const Currency = { ...C.text, schema: Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/)) }

/** `financial.fee_structures`: what a school charges for, per year and grade. */
export const FeeStructures = Table.make("financial.fee_structures", {
  ...Table.id,
  ...Table.tenant,
  academic_year_id: C.nullable(C.uuid),
  code: C.nullable(C.text),
  name: C.text,
  description: C.nullable(C.text),
  amount: Amount,
  currency: Currency,
  frequency: C.oneOf(["one_time", "monthly", "termly", "annually"]),
  grade_level: C.nullable(C.text),
  is_active: C.boolean,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `financial.fee_structures`. */
export type FeeStructure = Table.Row<typeof FeeStructures>

/** `financial.invoices`: total = subtotal - discount + tax and balance = total - paid, checked by the database. */
export const Invoices = Table.make("financial.invoices", {
  ...Table.id,
  ...Table.tenant,
  invoice_number: C.text,
  student_id: C.uuid,
  academic_year_id: C.nullable(C.uuid),
  invoice_date: C.date,
  due_date: C.date,
  subtotal: Amount,
  discount_amount: Amount,
  tax_amount: Amount,
  total_amount: Amount,
  paid_amount: Amount,
  balance_due: Amount,
  currency: Currency,
  status: InvoiceStatus,
  notes: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `financial.invoices`. */
export type Invoice = Table.Row<typeof Invoices>

/** `financial.invoice_items`: the lines of an invoice. */
export const InvoiceItems = Table.make("financial.invoice_items", {
  ...Table.id,
  ...Table.tenant,
  invoice_id: C.uuid,
  fee_structure_id: C.nullable(C.uuid),
  description: C.text,
  quantity: C.numeric(10, 2),
  unit_price: Amount,
  amount: Amount,
  sort_order: C.integer,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `financial.invoice_items`. */
export type InvoiceItem = Table.Row<typeof InvoiceItems>

/** `financial.payments`: money received from or for a student. */
export const Payments = Table.make("financial.payments", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  receipt_number: C.nullable(C.text),
  amount: Amount,
  currency: Currency,
  paid_at: C.timestamptz,
  method: C.oneOf(["cash", "bank_transfer", "card", "cheque", "fpx", "ewallet", "other"]),
  reference: C.nullable(C.text),
  status: PaymentStatus,
  notes: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `financial.payments`. */
export type Payment = Table.Row<typeof Payments>

/** `financial.payment_allocations`: how much of a payment settles which invoice. */
export const PaymentAllocations = Table.make("financial.payment_allocations", {
  ...Table.id,
  ...Table.tenant,
  payment_id: C.uuid,
  invoice_id: C.uuid,
  amount: Amount,
  ...Table.legacy,
  ...Table.timestamps,
})
/** A row of `financial.payment_allocations`. */
export type PaymentAllocation = Table.Row<typeof PaymentAllocations>

/** `financial.scholarships`: a percentage or fixed reduction a school grants. */
export const Scholarships = Table.make("financial.scholarships", {
  ...Table.id,
  ...Table.tenant,
  code: C.nullable(C.text),
  name: C.text,
  description: C.nullable(C.text),
  kind: C.oneOf(["percentage", "fixed"]),
  value: Amount,
  is_active: C.boolean,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `financial.scholarships`. */
export type Scholarship = Table.Row<typeof Scholarships>

/** `financial.student_scholarships`: a scholarship awarded to a student. */
export const StudentScholarships = Table.make("financial.student_scholarships", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  scholarship_id: C.uuid,
  academic_year_id: C.nullable(C.uuid),
  start_date: C.nullable(C.date),
  end_date: C.nullable(C.date),
  status: C.oneOf(["active", "suspended", "ended"]),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `financial.student_scholarships`. */
export type StudentScholarship = Table.Row<typeof StudentScholarships>
