/**
 * The legacy SIS's money (seed 001 §5.4): `invoices`, `invoice_items` and `payments` into
 * `financial.invoices`, `financial.invoice_items`, `financial.payments` and
 * `financial.payment_allocations`. Amounts are exact decimal strings worked in integer sen (bigint),
 * never floats. Invoice numbers and totals are planned once over the whole source tables by pure
 * functions and handed to the mappers as options, so every batch sees the same numbers and totals.
 */

import { DateInput, Money, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Financial, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as CodeTables from "./CodeTables.js"
import {
  cleanOrNull,
  cleanWith,
  collect,
  Key,
  type Options,
  reference,
  Scalar,
  studentsEntity,
  timestamps,
} from "./LegacySis.js"
import { academicYearsEntity, yearReference } from "./LegacySisAcademic.js"
import { compareKeys } from "./StudentNumber.js"

/** A raw row of the legacy `invoices` table (seed 001 §5.4.1). */
export const InvoiceRow = Schema.Struct({
  invoice_id: Key,
  invoice_no: Scalar,
  student_id: Schema.NullOr(Key),
  /** The legacy year name (seed §5.4.1 "FK lookup by year name"), linked by `LegacySisAcademic.yearReference`. */
  academic_year: Scalar,
  invoice_date: Scalar,
  due_date: Scalar,
  subtotal: Scalar,
  discount: Scalar,
  tax: Scalar,
  total: Scalar,
  paid: Scalar,
  balance: Scalar,
  status: Scalar,
  notes: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy invoice. */
export type InvoiceRow = typeof InvoiceRow.Type

/** A raw row of the legacy `invoice_items` table. */
export const InvoiceItemRow = Schema.Struct({
  item_id: Key,
  invoice_id: Schema.NullOr(Key),
  description: Scalar,
  quantity: Scalar,
  unit_price: Scalar,
  /** The legacy line amount: only compared with quantity × unit price. */
  amount: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy invoice line. */
export type InvoiceItemRow = typeof InvoiceItemRow.Type

/** Entity name of the invoices flow. */
export const invoicesEntity = "legacy-sis.invoices"
/** Entity name of the invoice items flow. */
export const invoiceItemsEntity = "legacy-sis.invoice_items"

const money = (input: unknown, currency: string, required = false) =>
  Money.clean(input, { currency, required })

// "-12.30" → -1230n; only called on Money's canonical output.
const toCents = (m: string): bigint => {
  const negative = m.startsWith("-")
  const [whole = "0", fraction = ""] = (negative ? m.slice(1) : m).split(".")
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0").slice(0, 2))
  return negative ? -cents : cents
}

/** Sen back to an exact `numeric(12,2)` string. */
export const fromCents = (cents: bigint): string => {
  const abs = cents < 0n ? -cents : cents
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`
  return cents < 0n ? `-${text}` : text
}

// Largest magnitude numeric(12,2) holds.
const maxCents = 9_999_999_999_99n

// quantity (hundredths) × price (sen) / 100, rounded half away from zero: exact, whatever the sizes.
const lineCents = (quantityHundredths: bigint, priceCents: bigint): bigint => {
  const product = quantityHundredths * priceCents
  const negative = product < 0n
  const abs = negative ? -product : product
  const rounded = (abs + 50n) / 100n
  return negative ? -rounded : rounded
}

/** One line read: its exact values, or the reasons it cannot be. */
export type ItemReading =
  | {
      readonly ok: true
      readonly quantity: string
      readonly unitPrice: string
      readonly amount: string
      /** What was repaired, for notes. */
      readonly changes: ReadonlyArray<Transform.Reason>
    }
  | { readonly ok: false; readonly reasons: ReadonlyArray<Transform.Reason> }

/** Reads an item's quantity (default 1), unit price and amount = quantity × unit price. Pure. */
export const readItem = (row: InvoiceItemRow, currency = "MYR"): ItemReading => {
  const reasons: Array<Transform.Reason> = []
  const changes: Array<Transform.Reason> = []
  const quantity = Money.clean(row.quantity, {})
  const price = money(row.unit_price, currency, true)
  const legacy = money(row.amount, currency)
  if (quantity._tag === "Invalid") reasons.push(Transform.reason("quantity", "quantity", quantity.reason))
  if (price._tag === "Invalid") reasons.push(Transform.reason("unit_price", "money", price.reason))
  if (legacy._tag === "Invalid") reasons.push(Transform.reason("amount", "money", legacy.reason))
  if (quantity._tag === "Invalid" || price._tag === "Invalid" || price.value === null)
    return { ok: false, reasons }
  let q = quantity.value
  if (q === null) {
    q = "1.00"
    changes.push(Transform.reason("quantity", "quantity", "no quantity: read as 1"))
  }
  if (toCents(q) <= 0n)
    reasons.push(Transform.reason("quantity", "quantity", `quantity ${q} is not positive`))
  if (q.replace("-", "").split(".")[0]!.length > 8)
    reasons.push(Transform.reason("quantity", "quantity", `quantity ${q} is too large`))
  const amount = lineCents(toCents(q), toCents(price.value))
  if (amount > maxCents || amount < -maxCents)
    reasons.push(Transform.reason("amount", "money", `amount ${fromCents(amount)} is too large`))
  if (reasons.length > 0) return { ok: false, reasons }
  if (legacy._tag !== "Invalid" && legacy.value !== null && toCents(legacy.value) !== amount)
    changes.push(
      Transform.reason(
        "amount",
        "item_amount",
        `legacy amount ${legacy.value} replaced by ${fromCents(amount)} (quantity × unit price)`,
      ),
    )
  return { ok: true, quantity: q, unitPrice: price.value, amount: fromCents(amount), changes }
}

/** An invoice's subtotal as recomputed from its lines. */
export interface InvoiceSubtotal {
  /** Sum of the readable lines, in sen. */
  readonly cents: bigint
  readonly items: number
  /** Keys of the lines that could not be read: the subtotal is then unknown. */
  readonly unreadable: ReadonlyArray<string>
}

/** Subtotals per legacy invoice key, and each item's `sort_order` within its invoice. */
export interface Totals {
  readonly invoices: ReadonlyMap<string, InvoiceSubtotal>
  readonly sortOrder: ReadonlyMap<string, number>
}

/** Groups the whole `invoice_items` table by invoice and sums the lines; run before the invoices entity. Pure. */
export const totals = (items: ReadonlyArray<InvoiceItemRow>, currency = "MYR"): Totals => {
  const sorted = [...items].sort((a, b) => compareKeys(String(a.item_id).trim(), String(b.item_id).trim()))
  const invoices = new Map<string, { cents: bigint; items: number; unreadable: Array<string> }>()
  const sortOrder = new Map<string, number>()
  for (const item of sorted) {
    const invoice = item.invoice_id === null ? "" : String(item.invoice_id).trim()
    if (invoice === "") continue
    const key = String(item.item_id).trim()
    const sum = invoices.get(invoice) ?? { cents: 0n, items: 0, unreadable: [] }
    invoices.set(invoice, sum)
    sortOrder.set(key, sum.items + sum.unreadable.length + 1)
    const read = readItem(item, currency)
    if (read.ok) {
      sum.cents += toCents(read.amount)
      sum.items++
    } else sum.unreadable.push(key)
  }
  return { invoices, sortOrder }
}

/** What the invoice number plan needs of each legacy invoice. */
export interface NumberInput {
  readonly key: string
  /** The legacy number; empty or null means missing. */
  readonly number: string | null
  /** The invoice year (invoice date, else creation date); null when unknown. */
  readonly year: number | null
}

/** Invoice numbers for every invoice that has or gets one, the keys whose number an earlier key holds, and those without a year. */
export interface NumberPlan {
  readonly numbers: ReadonlyMap<string, string>
  readonly duplicates: ReadonlySet<string>
  readonly unnumbered: ReadonlySet<string>
}

/**
 * Invoice numbers `INV-{YEAR}-{SEQ}` (SEQ six digits or more): legacy numbers kept (trimmed); missing
 * ones generated in key order after the highest sequence the year already uses, never equal to a taken one.
 */
export const planInvoiceNumbers = (invoices: ReadonlyArray<NumberInput>): NumberPlan => {
  const sorted = [...invoices].sort((a, b) => compareKeys(a.key, b.key))
  const numbers = new Map<string, string>()
  const taken = new Set<string>()
  const duplicates = new Set<string>()
  const unnumbered = new Set<string>()
  const nextSeq = new Map<number, number>()
  for (const i of sorted) {
    const n = i.number?.trim() ?? ""
    if (n === "") continue
    if (taken.has(n)) duplicates.add(i.key)
    else {
      taken.add(n)
      numbers.set(i.key, n)
    }
  }
  for (const n of taken) {
    const m = /^INV-(\d{4})-(\d+)$/.exec(n)
    if (m === null) continue
    const year = Number(m[1])
    nextSeq.set(year, Math.max(nextSeq.get(year) ?? 1, Number(m[2]) + 1))
  }
  for (const i of sorted) {
    if ((i.number?.trim() ?? "") !== "") continue
    if (i.year === null) {
      unnumbered.add(i.key)
      continue
    }
    let seq = nextSeq.get(i.year) ?? 1
    let candidate = `INV-${i.year}-${String(seq).padStart(6, "0")}`
    while (taken.has(candidate)) {
      seq++
      candidate = `INV-${i.year}-${String(seq).padStart(6, "0")}`
    }
    taken.add(candidate)
    nextSeq.set(i.year, seq + 1)
    numbers.set(i.key, candidate)
  }
  return { numbers, duplicates, unnumbered }
}

/** The planner's input for a legacy invoices table. */
export const invoiceNumberInputs = (
  rows: ReadonlyArray<InvoiceRow>,
  options: Pick<Options, "asOf" | "timeZone">,
): Array<NumberInput> =>
  rows.map((r) => {
    let year: number | null = null
    for (const input of [r.invoice_date, r.created_date]) {
      const d = DateInput.clean(input, { today: options.asOf, timeZone: options.timeZone })
      if (d._tag !== "Invalid" && d.value !== null) {
        year = Number(d.value.slice(0, 4))
        break
      }
    }
    return {
      key: String(r.invoice_id).trim(),
      number: r.invoice_no === null ? null : String(r.invoice_no),
      year,
    }
  })

/** Options of the invoices mapper. */
export interface InvoiceOptions extends Options {
  /** Numbers planned over the whole invoices table with `planInvoiceNumbers`. */
  readonly numbers: NumberPlan
  /** Subtotals recomputed from the whole items table with `totals`. */
  readonly totals: Totals
  /** A paid amount above the total: reject the invoice, or load it (negative balance) with a note. */
  readonly overpaid: "reject" | "flag"
  /** ISO 4217 code of the amounts. Default "MYR". */
  readonly currency?: string | undefined
  /** Days from the invoice date to a missing due date. Default 30 (seed 001 §5.4.1). */
  readonly dueDays?: number | undefined
}

const addDays = (isoDate: string, days: number): string => {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

const invoicesValues = Table.values(Financial.Invoices)

// A legacy amount the mapper recomputes: read only to say when it differed.
const compare = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  currency: string,
  cents: bigint,
  why: string,
): void => {
  const legacy = money(input, currency)
  if (legacy._tag === "Invalid")
    ctx.note(column, "money", `${legacy.reason}; recomputed as ${fromCents(cents)}`)
  else if (legacy.value !== null && toCents(legacy.value) !== cents)
    ctx.note(column, "recomputed", `legacy ${legacy.value} replaced by ${fromCents(cents)} (${why})`)
}

/** Maps one legacy invoice to a `financial.invoices` row array, or rejects it with every reason. */
export const mapInvoice =
  (options: InvoiceOptions) =>
  (row: InvoiceRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const currency = options.currency ?? "MYR"
    const student = reference(ctx, "student_id", row.student_id, studentsEntity, true)
    const number = options.numbers.numbers.get(ctx.key)
    if (options.numbers.duplicates.has(ctx.key))
      reasons.push(
        Transform.reason(
          "invoice_no",
          "invoice_number_unique",
          `invoice number ${String(row.invoice_no).trim()} is already held by another invoice`,
        ),
      )
    else if (number === undefined)
      reasons.push(
        Transform.reason(
          "invoice_no",
          "invoice_number",
          "no invoice number and no invoice year to generate one",
        ),
      )
    else if (row.invoice_no === null || String(row.invoice_no).trim() === "")
      ctx.note("invoice_no", "invoice_number", `generated ${number}`)
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    const issued = cleanWith(
      ctx,
      "invoice_date",
      "date",
      DateInput.clean(row.invoice_date, { ...day, required: true }),
    )
    const due = cleanWith(ctx, "due_date", "date", DateInput.clean(row.due_date, day))
    const discount = cleanWith(ctx, "discount", "money", money(row.discount, currency))
    const tax = cleanWith(ctx, "tax", "money", money(row.tax, currency))
    const paid = cleanWith(ctx, "paid", "money", money(row.paid, currency))
    collect(reasons, [student, issued, due, discount, tax, paid])
    const sum = options.totals.invoices.get(ctx.key)
    let subtotal: bigint | null = null
    if (sum !== undefined && sum.unreadable.length > 0)
      reasons.push(
        Transform.reason(
          "subtotal",
          "invoice_items",
          `item ${sum.unreadable.join(", ")} could not be read: the total is unknown`,
        ),
      )
    else if (sum !== undefined) subtotal = sum.cents
    else {
      // No lines to add up: the legacy subtotal is all there is.
      const legacy = cleanWith(ctx, "subtotal", "money", money(row.subtotal, currency))
      if (!legacy.ok) reasons.push(legacy.reason)
      else if (legacy.value === null)
        reasons.push(Transform.reason("subtotal", "invoice_items", "no items and no subtotal"))
      else {
        ctx.note("subtotal", "invoice_items", "no items: the legacy subtotal kept")
        subtotal = toCents(legacy.value)
      }
    }
    const discountCents = discount.ok && discount.value !== null ? toCents(discount.value) : 0n
    const taxCents = tax.ok && tax.value !== null ? toCents(tax.value) : 0n
    const paidCents = paid.ok && paid.value !== null ? toCents(paid.value) : 0n
    if (discountCents < 0n) reasons.push(Transform.reason("discount", "money", "discount is negative"))
    if (taxCents < 0n) reasons.push(Transform.reason("tax", "money", "tax is negative"))
    if (paidCents < 0n) reasons.push(Transform.reason("paid", "money", "paid amount is negative"))
    const total = subtotal === null ? null : subtotal - discountCents + taxCents
    if (total !== null && total < 0n)
      reasons.push(
        Transform.reason(
          "total",
          "invoice_total",
          `total ${fromCents(total)} is negative (discount above the amount)`,
        ),
      )
    if (total !== null && total >= 0n && paidCents > total) {
      const message = `paid ${fromCents(paidCents)} is more than the total ${fromCents(total)}`
      if (options.overpaid === "reject") reasons.push(Transform.reason("paid", "overpaid", message))
      else ctx.note("paid", "overpaid", `${message}: loaded with a negative balance`)
    }
    for (const [column, cents] of [
      ["subtotal", subtotal],
      ["total", total],
      ["paid", paidCents],
    ] as const)
      if (cents !== null && (cents > maxCents || cents < -maxCents))
        reasons.push(Transform.reason(column, "money", `${fromCents(cents)} is too large for numeric(12,2)`))
    const times = timestamps(ctx, row, options)
    if (
      !student.ok ||
      !issued.ok ||
      !due.ok ||
      student.value === null ||
      issued.value === null ||
      number === undefined ||
      subtotal === null ||
      total === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    if (sum !== undefined) compare(ctx, "subtotal", row.subtotal, currency, subtotal, "sum of the items")
    compare(ctx, "total", row.total, currency, total, "subtotal − discount + tax")
    const balance = total - paidCents
    compare(ctx, "balance", row.balance, currency, balance, "total − paid")
    let dueDate = due.value
    if (dueDate === null) {
      dueDate = addDays(issued.value, options.dueDays ?? 30)
      ctx.note(
        "due_date",
        "due_date",
        `no due date: ${dueDate}, ${options.dueDays ?? 30} days after the invoice date`,
      )
    }
    const legacyStatus = cleanOrNull(
      ctx,
      "status",
      "invoice_status",
      CodeTables.invoiceStatus.clean(row.status),
    )
    const status = CodeTables.deriveInvoiceStatus({
      totalCents: Number(total),
      paidCents: Number(paidCents),
      dueDate,
      asOf: options.asOf,
      legacy: legacyStatus,
    })
    if (legacyStatus !== null && legacyStatus !== status)
      ctx.note(
        "status",
        "invoice_status",
        `legacy status ${legacyStatus} replaced by ${status}, from the amounts`,
      )
    return invoicesValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      invoice_number: number,
      student_id: student.value,
      academic_year_id: yearReference(ctx, "academic_year", row.academic_year),
      invoice_date: issued.value,
      due_date: dueDate,
      subtotal: fromCents(subtotal),
      discount_amount: fromCents(discountCents),
      tax_amount: fromCents(taxCents),
      total_amount: fromCents(total),
      paid_amount: fromCents(paidCents),
      balance_due: fromCents(balance),
      currency,
      status,
      notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy invoices entity; loads after the students it bills and the years it names. */
export const invoices = (options: InvoiceOptions): Entity.Entity<InvoiceRow> => ({
  name: invoicesEntity,
  target: Financial.Invoices.target,
  transform: Transform.fromRow(mapInvoice(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, academicYearsEntity],
})

/** Options of the invoice items mapper. */
export interface InvoiceItemOptions extends Options {
  /** The same `totals` the invoices mapper was given: it numbers the lines. */
  readonly totals: Totals
  readonly currency?: string | undefined
}

const itemsValues = Table.values(Financial.InvoiceItems)

/** Maps one legacy invoice line to a `financial.invoice_items` row array, or rejects it with every reason. */
export const mapInvoiceItem =
  (options: InvoiceItemOptions) =>
  (row: InvoiceItemRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const invoice = reference(ctx, "invoice_id", row.invoice_id, invoicesEntity, true)
    const description = cleanWith(ctx, "description", "text", Text.clean(row.description, { required: true }))
    collect(reasons, [invoice, description])
    const read = readItem(row, options.currency ?? "MYR")
    if (!read.ok) reasons.push(...read.reasons)
    // The invoices mapper rejects an invoice with an unreadable line, so its good lines would dangle.
    const siblings = options.totals.invoices
      .get(row.invoice_id === null ? "" : String(row.invoice_id).trim())
      ?.unreadable.filter((k) => k !== ctx.key)
    if (siblings !== undefined && siblings.length > 0)
      reasons.push(
        Transform.reason(
          "invoice_id",
          "invoice_items",
          `item ${siblings.join(", ")} of the same invoice could not be read: the invoice is rejected`,
        ),
      )
    const times = timestamps(ctx, row, options)
    const order = options.totals.sortOrder.get(ctx.key)
    if (
      !invoice.ok ||
      !description.ok ||
      !read.ok ||
      invoice.value === null ||
      description.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    for (const c of read.changes) ctx.note(c.column, c.rule, c.message)
    return itemsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      invoice_id: invoice.value,
      fee_structure_id: null,
      description: description.value,
      quantity: read.quantity,
      unit_price: read.unitPrice,
      amount: read.amount,
      sort_order: order ?? 1,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy invoice items entity; loads after the invoices it belongs to. */
export const invoiceItems = (options: InvoiceItemOptions): Entity.Entity<InvoiceItemRow> => ({
  name: invoiceItemsEntity,
  target: Financial.InvoiceItems.target,
  transform: Transform.fromRow(mapInvoiceItem(options)),
  ids: "ordered",
  dependsOn: [invoicesEntity],
})

/** A raw row of the legacy `payments` table (seed 001 §4.1 `financial.payments`). */
export const PaymentRow = Schema.Struct({
  payment_id: Key,
  /** The invoice the payment settles, when the legacy system recorded one. */
  invoice_id: Schema.NullOr(Key),
  /** The paying student; when empty, the invoice's student. */
  student_id: Schema.NullOr(Key),
  amount: Scalar,
  payment_date: Scalar,
  method: Scalar,
  reference: Scalar,
  receipt_no: Scalar,
  status: Scalar,
  notes: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy payment. */
export type PaymentRow = typeof PaymentRow.Type

/** Entity name of the payments flow. */
export const paymentsEntity = "legacy-sis.payments"
/** Entity name of the payment allocations flow (read from the same `payments` table). */
export const paymentAllocationsEntity = "legacy-sis.payment_allocations"

/** Legacy student keys by legacy invoice key, for payments that name only their invoice. Pure. */
export const invoiceStudents = (rows: ReadonlyArray<InvoiceRow>): ReadonlyMap<string, string> => {
  const students = new Map<string, string>()
  for (const r of rows) {
    const student = r.student_id === null ? "" : String(r.student_id).trim()
    if (student !== "") students.set(String(r.invoice_id).trim(), student)
  }
  return students
}

/** Options of the payments and payment allocations mappers. */
export interface PaymentOptions extends Options {
  /** The invoices' students (`invoiceStudents` over the whole invoices table). */
  readonly invoiceStudents: ReadonlyMap<string, string>
  readonly currency?: string | undefined
}

interface Payment {
  readonly student: string
  readonly invoice: string | null
  readonly amount: string
  readonly paidAt: string
  readonly status: CodeTables.PaymentStatus
}

// Everything both payment entities need, so an allocation is rejected exactly when its payment is.
const readPayment = (
  row: PaymentRow,
  ctx: Transform.RowContext,
  options: PaymentOptions,
  reasons: Array<Transform.Reason>,
): Payment | null => {
  const currency = options.currency ?? "MYR"
  const invoiceKey = row.invoice_id === null ? "" : String(row.invoice_id).trim()
  const invoice = reference(ctx, "invoice_id", row.invoice_id, invoicesEntity, false)
  let studentKey = row.student_id === null ? "" : String(row.student_id).trim()
  const billed = options.invoiceStudents.get(invoiceKey)
  if (studentKey === "" && billed !== undefined) {
    ctx.note("student_id", "payment_student", `no student: the student ${billed} of invoice ${invoiceKey}`)
    studentKey = billed
  } else if (studentKey !== "" && billed !== undefined && billed !== studentKey)
    reasons.push(
      Transform.reason(
        "student_id",
        "payment_student",
        `student ${studentKey} paid invoice ${invoiceKey}, which bills student ${billed}`,
      ),
    )
  const student = reference(ctx, "student_id", studentKey === "" ? null : studentKey, studentsEntity, true)
  const amount = cleanWith(ctx, "amount", "money", Money.clean(row.amount, { currency, required: true }))
  if (amount.ok && amount.value !== null && toCents(amount.value) <= 0n)
    reasons.push(Transform.reason("amount", "payment_amount", `amount ${amount.value} is not positive`))
  const paidAt = cleanWith(
    ctx,
    "payment_date",
    "timestamp",
    DateInput.clean(row.payment_date, {
      kind: "dateTime",
      timeZone: options.timeZone,
      today: options.asOf,
      notFuture: true,
      required: true,
    }),
  )
  const status = cleanWith(ctx, "status", "payment_status", CodeTables.paymentStatus.clean(row.status))
  collect(reasons, [invoice, student, amount, paidAt, status])
  if (
    !invoice.ok ||
    !student.ok ||
    !amount.ok ||
    !paidAt.ok ||
    !status.ok ||
    student.value === null ||
    amount.value === null ||
    paidAt.value === null ||
    reasons.length > 0
  )
    return null
  if (status.value === null) ctx.note("status", "payment_status", "no status: read as completed")
  return {
    student: student.value,
    invoice: invoice.value,
    amount: amount.value,
    paidAt: paidAt.value,
    status: status.value ?? "completed",
  }
}

const paymentsValues = Table.values(Financial.Payments)

/** Maps one legacy payment to a `financial.payments` row array, or rejects it with every reason. */
export const mapPayment =
  (options: PaymentOptions) =>
  (row: PaymentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const payment = readPayment(row, ctx, options, reasons)
    const times = timestamps(ctx, row, options)
    if (payment === null || reasons.length > 0) return Transform.reject(...reasons)
    let method = cleanOrNull(ctx, "method", "payment_method", CodeTables.paymentMethod.clean(row.method))
    if (method === null) {
      ctx.note("method", "payment_method", "no known method: stored as other")
      method = "other"
    }
    return paymentsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      student_id: payment.student,
      receipt_number: cleanOrNull(ctx, "receipt_no", "text", Text.clean(row.receipt_no)),
      amount: payment.amount,
      currency: options.currency ?? "MYR",
      paid_at: payment.paidAt,
      method,
      reference: cleanOrNull(ctx, "reference", "text", Text.clean(row.reference)),
      status: payment.status,
      notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy payments entity; loads after the students who paid. */
export const payments = (options: PaymentOptions): Entity.Entity<PaymentRow> => ({
  name: paymentsEntity,
  target: Financial.Payments.target,
  transform: Transform.fromRow(mapPayment(options)),
  ids: "ordered",
  dependsOn: [studentsEntity],
})

const allocationsValues = Table.values(Financial.PaymentAllocations)

/**
 * Maps one legacy payment that names an invoice to its `financial.payment_allocations` row (the whole
 * amount to that invoice); payments without an invoice, or not completed, are skipped.
 */
export const mapPaymentAllocation =
  (options: PaymentOptions) =>
  (row: PaymentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    // The payments entity already noted this row; its notes are not repeated here.
    const quiet: Transform.RowContext = { ...ctx, note: () => {} }
    const payment = readPayment(row, quiet, options, reasons)
    const times = timestamps(quiet, row, options)
    if (payment === null || reasons.length > 0) return Transform.reject(...reasons)
    if (payment.invoice === null) return Transform.skip("the payment names no invoice: nothing to allocate")
    if (payment.status !== "completed")
      return Transform.skip(`the payment is ${payment.status}: it settles no invoice`)
    return allocationsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      payment_id: ctx.id(ctx.tenant, ctx.key, paymentsEntity),
      invoice_id: payment.invoice,
      amount: payment.amount,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
    })
  }

/** The legacy payment allocations entity, read from `payments`; loads after the payments and invoices it joins. */
export const paymentAllocations = (options: PaymentOptions): Entity.Entity<PaymentRow> => ({
  name: paymentAllocationsEntity,
  target: Financial.PaymentAllocations.target,
  transform: Transform.fromRow(mapPaymentAllocation(options)),
  ids: "ordered",
  dependsOn: [paymentsEntity, invoicesEntity],
})
