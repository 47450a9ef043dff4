/**
 * Gibbon's Finance module (GibbonEdu/core `gibbon.sql`) into the portal's money tables:
 * `gibbonFinanceInvoice` into `financial.invoices`, `gibbonFinanceInvoiceFee` into
 * `financial.invoice_items`, `gibbonPayment` into `financial.payments` and
 * `financial.payment_allocations`. Gibbon keeps no invoice totals, so subtotals are summed from the
 * fee rows and paid amounts from the payment rows by pure pre-passes over the whole tables, handed
 * to the mappers as options. Amounts are exact decimal strings worked in integer cents.
 */

import { Cleaned, CodeMap, DateInput, Money, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Financial, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as CodeTables from "./CodeTables.js"
import {
  blank,
  categoriesOf,
  normalizeId,
  type Options,
  type PersonRow,
  type RoleIndex,
  studentsEntity,
  yesNo,
} from "./Gibbon.js"
import { cleanOrNull, cleanWith } from "./LegacySis.js"
import { fromCents } from "./LegacySisFinance.js"
import { compareKeys } from "./StudentNumber.js"

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

/** Entity name of the Gibbon academic years flow (`gibbonSchoolYear`), which invoices point at. */
export const academicYearsEntity = "gibbon.academic_years"
/** Entity name of the fee structures flow (`gibbonFinanceFee`). */
export const feeStructuresEntity = "gibbon.fee_structures"
/** Entity name of the invoices flow. */
export const invoicesEntity = "gibbon.invoices"
/** Entity name of the invoice items flow (`gibbonFinanceInvoiceFee`). */
export const invoiceItemsEntity = "gibbon.invoice_items"
/** Entity name of the payments flow. */
export const paymentsEntity = "gibbon.payments"
/** Entity name of the payment allocations flow (read from `gibbonPayment` too). */
export const paymentAllocationsEntity = "gibbon.payment_allocations"

/** The `foreignTable` of the `gibbonPayment` rows that pay invoices. */
export const invoiceForeignTable = "gibbonFinanceInvoice"

/** A raw `gibbonFinanceInvoicee` row: who an invoice is addressed to. */
export const InvoiceeRow = Schema.Struct({
  gibbonFinanceInvoiceeID: Key,
  /** The student the invoices are for. */
  gibbonPersonID: Scalar,
  /** `enum('Family','Company')`. */
  invoiceTo: Scalar,
  companyName: Scalar,
})
/** A raw Gibbon invoicee. */
export type InvoiceeRow = typeof InvoiceeRow.Type

/** A raw `gibbonFinanceInvoice` row: the columns the mapper reads. */
export const InvoiceRow = Schema.Struct({
  gibbonFinanceInvoiceID: Key,
  gibbonSchoolYearID: Scalar,
  gibbonFinanceInvoiceeID: Scalar,
  /** `enum('Family','Company')`. */
  invoiceTo: Scalar,
  /** `enum('Scheduled','Ad Hoc')`: not mapped, the portal has no billing schedules. */
  billingScheduleType: Scalar,
  separated: Scalar,
  /** `enum('Pending','Issued','Paid','Paid - Partial','Cancelled','Refunded')`. */
  status: Scalar,
  invoiceIssueDate: Scalar,
  invoiceDueDate: Scalar,
  paidDate: Scalar,
  /** Gibbon's running total of payments: only compared with the sum of the payment rows. */
  paidAmount: Scalar,
  notes: Scalar,
  timestampCreator: Scalar,
  timestampUpdate: Scalar,
})
/** A raw Gibbon invoice. */
export type InvoiceRow = typeof InvoiceRow.Type

/** A raw `gibbonFinanceInvoiceFee` row: one line of an invoice. */
export const InvoiceFeeRow = Schema.Struct({
  gibbonFinanceInvoiceFeeID: Key,
  gibbonFinanceInvoiceID: Scalar,
  /** `enum('Standard','Ad Hoc')`. */
  feeType: Scalar,
  gibbonFinanceFeeID: Scalar,
  /** `enum('N','Y')`: a standard fee is copied into this row (separated) when the invoice is issued. */
  separated: Scalar,
  name: Scalar,
  description: Scalar,
  gibbonFinanceFeeCategoryID: Scalar,
  fee: Scalar,
  sequenceNumber: Scalar,
})
/** A raw Gibbon invoice fee. */
export type InvoiceFeeRow = typeof InvoiceFeeRow.Type

/** A raw `gibbonFinanceFee` row: the catalogue of standard fees. */
export const FeeRow = Schema.Struct({
  gibbonFinanceFeeID: Key,
  gibbonSchoolYearID: Scalar,
  name: Scalar,
  nameShort: Scalar,
  description: Scalar,
  active: Scalar,
  gibbonFinanceFeeCategoryID: Scalar,
  fee: Scalar,
  timestampCreator: Scalar,
  timestampUpdate: Scalar,
})
/** A raw Gibbon standard fee. */
export type FeeRow = typeof FeeRow.Type

/** A raw `gibbonPayment` row. */
export const PaymentRow = Schema.Struct({
  gibbonPaymentID: Key,
  /** The table paid for; only `gibbonFinanceInvoice` rows are invoice payments. */
  foreignTable: Scalar,
  foreignTableID: Scalar,
  /** The person who recorded the payment, not the payer: not mapped. */
  gibbonPersonID: Scalar,
  type: Scalar,
  /** `enum('Complete','Partial','Final','Failure')`. */
  status: Scalar,
  amount: Scalar,
  gateway: Scalar,
  onlineTransactionStatus: Scalar,
  paymentToken: Scalar,
  paymentPayerID: Scalar,
  paymentTransactionID: Scalar,
  paymentReceiptID: Scalar,
  timestamp: Scalar,
})
/** A raw Gibbon payment. */
export type PaymentRow = typeof PaymentRow.Type

/** `gibbonFinanceInvoice.status` → `financial.invoice_status`; then checked against the amounts. */
export const invoiceStatusTable: CodeMap.Table<CodeTables.InvoiceStatus> = {
  draft: ["Pending"],
  sent: ["Issued"],
  partially_paid: ["Paid - Partial"],
  paid: ["Paid"],
  overdue: [],
  cancelled: ["Cancelled"],
  refunded: ["Refunded"],
}

/** Cleanser for Gibbon invoice statuses. */
export const invoiceStatus = CodeMap.make(invoiceStatusTable, { name: "Gibbon invoice status" })

/** `gibbonPayment.status` → `financial.payment_status`: a part payment and the last one are money received. */
export const paymentStatusTable: CodeMap.Table<CodeTables.PaymentStatus> = {
  pending: [],
  completed: ["Complete", "Partial", "Final"],
  failed: ["Failure"],
  cancelled: [],
  refunded: [],
}

/** Cleanser for Gibbon payment statuses. */
export const paymentStatus = CodeMap.make(paymentStatusTable, { name: "Gibbon payment status" })

/** `gibbonPayment.type` → `financial.payments.method`; Online is Gibbon's PayPal gateway, an e-wallet. */
export const paymentMethodTable: CodeMap.Table<CodeTables.PaymentMethod> = {
  cash: ["Cash"],
  bank_transfer: ["Bank Transfer"],
  card: ["Credit Card"],
  cheque: ["Cheque"],
  fpx: [],
  ewallet: ["Online"],
  other: ["Other"],
}

/** Cleanser for Gibbon payment types. */
export const paymentMethod = CodeMap.make(paymentMethodTable, { name: "Gibbon payment type" })

/**
 * The ISO 4217 code of Gibbon's System `currency` setting, which holds the code and the symbol
 * (`MYR RM`, `USD $`). Anything not starting with three letters is Invalid.
 */
export const currencyCode = (setting: unknown): Cleaned.Cleaned<string | null> => {
  const text = blank(setting)
  if (text === null) return Cleaned.valid(null)
  const m = /^([A-Za-z]{3})(?:\s|$)/.exec(text)
  if (m === null) return Cleaned.invalid(text, `"${text}" does not start with a currency code`)
  const code = m[1]!.toUpperCase()
  return code === text ? Cleaned.valid(code) : Cleaned.corrected(code, text, [`read "${text}" as ${code}`])
}

// "-12.30" → -1230n; only called on Money's canonical output.
const toCents = (m: string): bigint => {
  const negative = m.startsWith("-")
  const [whole = "0", fraction = ""] = (negative ? m.slice(1) : m).split(".")
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0").slice(0, 2))
  return negative ? -cents : cents
}

// A code through a table, without a note for every row that matched as expected.
const code = <C extends string>(map: CodeMap.CodeMap<C>, input: unknown): C | null | undefined => {
  const text = blank(input)
  if (text === null) return null
  return map.lookup(text)?.code
}

/** Options every finance mapper takes. */
export interface FinanceOptions extends Options {
  /** ISO 4217 code of the amounts (Gibbon's `currency` setting, see `currencyCode`). Default "MYR". */
  readonly currency?: string | undefined
}

/** Who a Gibbon invoicee is. */
export interface Invoicee {
  /** Normalized `gibbonPersonID`, or undefined when it is not an id. */
  readonly person: string | undefined
  readonly invoiceTo: string | null
  readonly companyName: string | null
}

/** Invoicees by normalized `gibbonFinanceInvoiceeID`. */
export type InvoiceeIndex = ReadonlyMap<string, Invoicee>

/** Indexes `gibbonFinanceInvoicee` rows by id; rows without an id are left out. Pure. */
export const indexInvoicees = (rows: ReadonlyArray<InvoiceeRow>): InvoiceeIndex => {
  const index = new Map<string, Invoicee>()
  for (const r of rows) {
    const id = normalizeId(r.gibbonFinanceInvoiceeID)
    if (id !== undefined)
      index.set(id, {
        person: normalizeId(r.gibbonPersonID),
        invoiceTo: blank(r.invoiceTo),
        companyName: blank(r.companyName),
      })
  }
  return index
}

/** The `gibbonPersonID`s the students entity maps: people with a Student role category. Pure. */
export const studentKeys = (persons: ReadonlyArray<PersonRow>, roles: RoleIndex): ReadonlySet<string> => {
  const keys = new Set<string>()
  for (const p of persons) {
    const id = normalizeId(p.gibbonPersonID)
    if (id !== undefined && categoriesOf(p, roles).has("Student")) keys.add(id)
  }
  return keys
}

/** Whom an invoice bills: the student's person key, or why it bills no student. */
export type Billing =
  | { readonly ok: true; readonly student: string; readonly invoicee: Invoicee }
  | { readonly ok: false; readonly reason: string }

/** Billing of every invoice by normalized `gibbonFinanceInvoiceID`: also says which invoices exist. */
export type InvoiceIndex = ReadonlyMap<string, Billing>

const billingOf = (invoiceeId: unknown, invoicees: InvoiceeIndex, students: ReadonlySet<string>): Billing => {
  const key = normalizeId(invoiceeId)
  if (key === undefined) return { ok: false, reason: `${String(invoiceeId)} is not an invoicee id` }
  const invoicee = invoicees.get(key)
  if (invoicee === undefined) return { ok: false, reason: `invoicee ${key} is not in gibbonFinanceInvoicee` }
  if (invoicee.person === undefined) return { ok: false, reason: `invoicee ${key} names no person` }
  if (!students.has(invoicee.person))
    return { ok: false, reason: `invoicee ${key} is person ${invoicee.person}, who is not a student` }
  return { ok: true, student: invoicee.person, invoicee }
}

/**
 * Whom each `gibbonFinanceInvoice` bills (through its invoicee to a student), over the whole table,
 * for the invoices, fees and payments mappers. Pure.
 */
export const indexInvoices = (
  rows: ReadonlyArray<Pick<InvoiceRow, "gibbonFinanceInvoiceID" | "gibbonFinanceInvoiceeID">>,
  invoicees: InvoiceeIndex,
  students: ReadonlySet<string>,
): InvoiceIndex => {
  const index = new Map<string, Billing>()
  for (const r of rows) {
    const id = normalizeId(r.gibbonFinanceInvoiceID)
    if (id !== undefined) index.set(id, billingOf(r.gibbonFinanceInvoiceeID, invoicees, students))
  }
  return index
}

/** What a standard fee row takes from the catalogue while it is not separated. */
export interface CatalogFee {
  readonly name: unknown
  readonly description: unknown
  readonly fee: unknown
  /** Whether the fee structures mapper loads this fee, so invoice lines may point at it. */
  readonly loads: boolean
}

/** `gibbonFinanceFee` rows by normalized id. */
export type FeeCatalog = ReadonlyMap<string, CatalogFee>

/** One `gibbonFinanceFee` read as a fee structure, or the reasons it cannot be. */
export type FeeStructureReading =
  | { readonly ok: true; readonly year: string; readonly name: string; readonly amount: string }
  | { readonly ok: false; readonly reasons: ReadonlyArray<Transform.Reason> }

/** Reads the columns a fee structure needs: school year, name, a non-negative amount. Pure. */
export const readFeeStructure = (row: FeeRow, currency = "MYR"): FeeStructureReading => {
  const reasons: Array<Transform.Reason> = []
  const year = normalizeId(row.gibbonSchoolYearID)
  if (year === undefined)
    reasons.push(
      Transform.reason(
        "gibbonSchoolYearID",
        "gibbon_id",
        `${String(row.gibbonSchoolYearID)} is not a school year id`,
      ),
    )
  const name = Text.clean(blank(row.name), { required: true })
  if (name._tag === "Invalid") reasons.push(Transform.reason("name", "text", name.reason))
  const amount = Money.clean(row.fee, { currency, required: true })
  if (amount._tag === "Invalid") reasons.push(Transform.reason("fee", "money", amount.reason))
  else if (amount.value !== null && toCents(amount.value) < 0n)
    reasons.push(
      Transform.reason("fee", "fee_amount", `fee ${amount.value} is negative: a fee structure charges`),
    )
  if (
    year === undefined ||
    name._tag === "Invalid" ||
    name.value === null ||
    amount._tag === "Invalid" ||
    amount.value === null ||
    reasons.length > 0
  )
    return { ok: false, reasons }
  return { ok: true, year, name: name.value, amount: amount.value }
}

/** Indexes `gibbonFinanceFee` by id. Pure. */
export const indexFees = (rows: ReadonlyArray<FeeRow>, currency = "MYR"): FeeCatalog => {
  const index = new Map<string, CatalogFee>()
  for (const r of rows) {
    const id = normalizeId(r.gibbonFinanceFeeID)
    if (id !== undefined)
      index.set(id, {
        name: r.name,
        description: r.description,
        fee: r.fee,
        loads: readFeeStructure(r, currency).ok,
      })
  }
  return index
}

/** One fee row read: its line text and exact amount, or the reasons it cannot be. */
export type FeeReading =
  | {
      readonly ok: true
      readonly description: string
      readonly amount: string
      /** What was taken from elsewhere or is unusual, for notes. */
      readonly changes: ReadonlyArray<Transform.Reason>
    }
  | { readonly ok: false; readonly reasons: ReadonlyArray<Transform.Reason> }

/**
 * Reads a fee row. A Standard fee not yet separated (`separated` not Y) takes its name, description
 * and amount from `gibbonFinanceFee`, as Gibbon shows it; other rows use their own columns. A
 * negative amount is kept (Gibbon schools enter discounts that way) and noted. Pure.
 */
export const readFee = (row: InvoiceFeeRow, catalog: FeeCatalog, currency = "MYR"): FeeReading => {
  const reasons: Array<Transform.Reason> = []
  const changes: Array<Transform.Reason> = []
  let source: Pick<CatalogFee, "name" | "description" | "fee"> = row
  if (blank(row.feeType) === "Standard" && blank(row.separated) !== "Y") {
    const id = normalizeId(row.gibbonFinanceFeeID)
    const standard = id === undefined ? undefined : catalog.get(id)
    if (standard === undefined)
      reasons.push(
        Transform.reason(
          "gibbonFinanceFeeID",
          "reference",
          `standard fee ${blank(row.gibbonFinanceFeeID) ?? "(none)"} is not in gibbonFinanceFee`,
        ),
      )
    else {
      source = standard
      changes.push(
        Transform.reason("gibbonFinanceFeeID", "standard_fee", `not separated: name and amount of fee ${id}`),
      )
    }
  }
  if (reasons.length > 0) return { ok: false, reasons }
  const name = Text.clean(blank(source.name), { required: true })
  const amount = Money.clean(source.fee, { currency, required: true })
  if (name._tag === "Invalid") reasons.push(Transform.reason("name", "text", name.reason))
  if (amount._tag === "Invalid") reasons.push(Transform.reason("fee", "money", amount.reason))
  if (name._tag === "Invalid" || name.value === null || amount._tag === "Invalid" || amount.value === null)
    return { ok: false, reasons }
  const detail = Text.clean(blank(source.description), { multiline: true })
  const description =
    detail._tag !== "Invalid" && detail.value !== null && detail.value !== name.value
      ? `${name.value}: ${detail.value}`
      : name.value
  if (toCents(amount.value) < 0n)
    changes.push(
      Transform.reason("fee", "discount", `negative fee ${amount.value}: a discount on the invoice`),
    )
  return { ok: true, description, amount: amount.value, changes }
}

/** One invoice's fees: charges and discounts (negative fees) in cents, and the rows that could not be read. */
export interface InvoiceFees {
  readonly chargeCents: bigint
  readonly discountCents: bigint
  readonly items: number
  readonly unreadable: ReadonlyArray<string>
}

/** Fees per invoice key, and each fee's `sort_order` within its invoice. */
export interface FeeTotals {
  readonly invoices: ReadonlyMap<string, InvoiceFees>
  readonly sortOrder: ReadonlyMap<string, number>
}

const sequenceOf = (row: InvoiceFeeRow): number => {
  const n = Number(blank(row.sequenceNumber) ?? Number.NaN)
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER
}

/**
 * Groups the whole `gibbonFinanceInvoiceFee` table by invoice (in `sequenceNumber`, then id, order)
 * and sums the fees; run before the invoices entity. Pure.
 */
export const feeTotals = (
  fees: ReadonlyArray<InvoiceFeeRow>,
  catalog: FeeCatalog,
  currency = "MYR",
): FeeTotals => {
  const keyed = fees.flatMap((row) => {
    const key = normalizeId(row.gibbonFinanceInvoiceFeeID)
    const invoice = normalizeId(row.gibbonFinanceInvoiceID)
    return key === undefined || invoice === undefined ? [] : [{ row, key, invoice, seq: sequenceOf(row) }]
  })
  keyed.sort((a, b) => (a.seq === b.seq ? compareKeys(a.key, b.key) : a.seq - b.seq))
  const invoices = new Map<
    string,
    { chargeCents: bigint; discountCents: bigint; items: number; unreadable: Array<string> }
  >()
  const sortOrder = new Map<string, number>()
  for (const { row, key, invoice } of keyed) {
    const sum = invoices.get(invoice) ?? { chargeCents: 0n, discountCents: 0n, items: 0, unreadable: [] }
    invoices.set(invoice, sum)
    sortOrder.set(key, sum.items + sum.unreadable.length + 1)
    const read = readFee(row, catalog, currency)
    if (!read.ok) {
      sum.unreadable.push(key)
      continue
    }
    const cents = toCents(read.amount)
    if (cents < 0n) sum.discountCents -= cents
    else sum.chargeCents += cents
    sum.items++
  }
  return { invoices, sortOrder }
}

/** Money received per invoice key: the sum and count of its payments that did not fail. */
export type PaidTotals = ReadonlyMap<string, { readonly cents: bigint; readonly payments: number }>

/** Sums the `gibbonPayment` rows of each invoice that received money (readable, positive, not Failure). Pure. */
export const paidTotals = (payments: ReadonlyArray<PaymentRow>, currency = "MYR"): PaidTotals => {
  const totals = new Map<string, { cents: bigint; payments: number }>()
  for (const p of payments) {
    if (blank(p.foreignTable) !== invoiceForeignTable || code(paymentStatus, p.status) !== "completed")
      continue
    const invoice = normalizeId(p.foreignTableID)
    const amount = Money.clean(p.amount, { currency, required: true })
    if (invoice === undefined || amount._tag === "Invalid" || amount.value === null) continue
    const cents = toCents(amount.value)
    if (cents <= 0n) continue
    const sum = totals.get(invoice) ?? { cents: 0n, payments: 0 }
    totals.set(invoice, { cents: sum.cents + cents, payments: sum.payments + 1 })
  }
  return totals
}

const feeStructuresValues = Table.values(Financial.FeeStructures)

/** Maps one `gibbonFinanceFee` to a `financial.fee_structures` row array, or rejects it with every reason. */
export const mapFeeStructure =
  (options: FinanceOptions) =>
  (row: FeeRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = normalizeId(row.gibbonFinanceFeeID)
    if (key === undefined)
      return Transform.reject(
        Transform.reason("gibbonFinanceFeeID", "gibbon_id", `${String(row.gibbonFinanceFeeID)} is not an id`),
      )
    const currency = options.currency ?? "MYR"
    const read = readFeeStructure(row, currency)
    if (!read.ok) return Transform.reject(...read.reasons)
    const active = cleanOrNull(ctx, "active", "yes_no", yesNo(row.active))
    return feeStructuresValues({
      id: ctx.id(ctx.tenant, key),
      tenant_id: options.tenant,
      academic_year_id: ctx.id(ctx.tenant, read.year, academicYearsEntity),
      code: blank(row.nameShort),
      name: read.name,
      description: cleanOrNull(
        ctx,
        "description",
        "text",
        Text.clean(blank(row.description), { multiline: true }),
      ),
      amount: read.amount,
      currency,
      // A Gibbon fee is charged whenever an invoice carries it; billing schedules are not mapped.
      frequency: "one_time",
      grade_level: null,
      is_active: active ?? true,
      legacy_source: ctx.entity,
      legacy_id: key,
      ...stamps(ctx, row.timestampCreator, row.timestampUpdate, options),
      deleted_at: null,
    })
  }

/** The Gibbon fee structures entity (`gibbonFinanceFee`); loads after the academic years it points at. */
export const feeStructures = (options: FinanceOptions): Entity.Entity<FeeRow> => ({
  name: feeStructuresEntity,
  target: Financial.FeeStructures.target,
  transform: Transform.fromRow(mapFeeStructure(options)),
  ids: "ordered",
  dependsOn: [academicYearsEntity],
})

/** The invoice number: Gibbon has none, so `INV-{YEAR}-{SEQ}` with the issue year and the zero-filled invoice id. */
export const invoiceNumber = (year: string, invoiceKey: string): string =>
  `INV-${year}-${invoiceKey.padStart(6, "0")}`

/** Options of the invoices mapper. */
export interface InvoiceOptions extends FinanceOptions {
  /** `indexInvoices` over the whole invoices table. */
  readonly invoices: InvoiceIndex
  /** `feeTotals` over the whole fees table. */
  readonly fees: FeeTotals
  /** `paidTotals` over the whole payments table. */
  readonly paid: PaidTotals
  /** A paid amount above the total: reject the invoice, or load it (negative balance) with a note. */
  readonly overpaid: "reject" | "flag"
  /** Days from the invoice date to a missing due date. Default 30. */
  readonly dueDays?: number | undefined
}

const addDays = (isoDate: string, days: number): string => {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

type Step<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly reason: Transform.Reason }

// A Gibbon timestamp (local time) as a UTC instant. Every one is converted from the school's zone, so
// the conversion is not noted on each row; only a value that cannot be read is reported.
const instant = (
  column: string,
  input: unknown,
  options: Options,
  required: boolean,
): Step<string | null> => {
  const cleaned = DateInput.clean(blank(input), {
    kind: "dateTime",
    timeZone: options.timeZone,
    today: options.asOf,
    notFuture: true,
    required,
  })
  return cleaned._tag === "Invalid"
    ? { ok: false, reason: Transform.reason(column, "timestamp", cleaned.reason) }
    : { ok: true, value: cleaned.value }
}

// created_at/updated_at from Gibbon's creator and update stamps; the load time when there are none.
const stamps = (
  ctx: Transform.RowContext,
  created: unknown,
  updated: unknown,
  options: Options,
): { created_at: string; updated_at: string } => {
  const c = instant("timestampCreator", created, options, false)
  const u = instant("timestampUpdate", updated, options, false)
  const createdAt = (c.ok ? c.value : null) ?? options.loadedAt
  if (!c.ok) ctx.note(c.reason.column, c.reason.rule, `${c.reason.message}; the load time used`)
  if (!u.ok) ctx.note(u.reason.column, u.reason.rule, `${u.reason.message}; ignored`)
  return { created_at: createdAt, updated_at: (u.ok ? u.value : null) ?? createdAt }
}

const invoicesValues = Table.values(Financial.Invoices)

/** Maps one `gibbonFinanceInvoice` to a `financial.invoices` row array, or rejects it with every reason. */
export const mapInvoice =
  (options: InvoiceOptions) =>
  (row: InvoiceRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = normalizeId(row.gibbonFinanceInvoiceID)
    if (key === undefined)
      return Transform.reject(
        Transform.reason(
          "gibbonFinanceInvoiceID",
          "gibbon_id",
          `${String(row.gibbonFinanceInvoiceID)} is not an id`,
        ),
      )
    const reasons: Array<Transform.Reason> = []
    const currency = options.currency ?? "MYR"
    const billing = options.invoices.get(key)
    if (billing === undefined)
      reasons.push(
        Transform.reason(
          "gibbonFinanceInvoiceID",
          "invoice_index",
          `invoice ${key} is not in the invoice index`,
        ),
      )
    else if (!billing.ok) reasons.push(Transform.reason("gibbonFinanceInvoiceeID", "student", billing.reason))
    const year = normalizeId(row.gibbonSchoolYearID)
    if (year === undefined)
      reasons.push(
        Transform.reason(
          "gibbonSchoolYearID",
          "gibbon_id",
          `${String(row.gibbonSchoolYearID)} is not a school year id`,
        ),
      )
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    const issued = cleanWith(
      ctx,
      "invoiceIssueDate",
      "date",
      DateInput.clean(blank(row.invoiceIssueDate), day),
    )
    const due = cleanWith(ctx, "invoiceDueDate", "date", DateInput.clean(blank(row.invoiceDueDate), day))
    for (const s of [issued, due]) if (!s.ok) reasons.push(s.reason)
    let invoiceDate = issued.ok ? issued.value : null
    if (issued.ok && invoiceDate === null) {
      // A pending invoice is not issued yet: the day it was created stands in.
      const created = DateInput.clean(blank(row.timestampCreator), day)
      if (created._tag !== "Invalid" && created.value !== null) {
        invoiceDate = created.value
        ctx.note("invoiceIssueDate", "invoice_date", `no issue date: ${invoiceDate}, the day it was created`)
      } else
        reasons.push(
          Transform.reason("invoiceIssueDate", "invoice_date", "no issue date and no creation time"),
        )
    }
    const fees = options.fees.invoices.get(key) ?? {
      chargeCents: 0n,
      discountCents: 0n,
      items: 0,
      unreadable: [],
    }
    if (fees.unreadable.length > 0)
      reasons.push(
        Transform.reason(
          "fee",
          "invoice_fees",
          `fee ${fees.unreadable.join(", ")} could not be read: the total is unknown`,
        ),
      )
    const subtotal = fees.chargeCents
    const discount = fees.discountCents
    const total = subtotal - discount
    if (total < 0n)
      reasons.push(
        Transform.reason(
          "fee",
          "invoice_total",
          `total ${fromCents(total)} is negative (discounts above the fees)`,
        ),
      )
    const paid = options.paid.get(key)?.cents ?? 0n
    if (total >= 0n && paid > total) {
      const message = `paid ${fromCents(paid)} is more than the total ${fromCents(total)}`
      if (options.overpaid === "reject") reasons.push(Transform.reason("paidAmount", "overpaid", message))
      else ctx.note("paidAmount", "overpaid", `${message}: loaded with a negative balance`)
    }
    const status = code(invoiceStatus, row.status)
    if (
      billing === undefined ||
      !billing.ok ||
      year === undefined ||
      !issued.ok ||
      !due.ok ||
      invoiceDate === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    if (fees.items === 0) ctx.note("fee", "invoice_fees", "no fees: the invoice is for nothing")
    const gibbonPaid = Money.clean(row.paidAmount, { currency })
    if (gibbonPaid._tag === "Invalid")
      ctx.note("paidAmount", "money", `${gibbonPaid.reason}; the payments say ${fromCents(paid)}`)
    else if ((gibbonPaid.value === null ? 0n : toCents(gibbonPaid.value)) !== paid)
      ctx.note(
        "paidAmount",
        "recomputed",
        `Gibbon ${gibbonPaid.value ?? "empty"} replaced by ${fromCents(paid)} (sum of the payments)`,
      )
    let dueDate = due.value
    if (dueDate === null) {
      const days = options.dueDays ?? 30
      dueDate = addDays(invoiceDate, days)
      ctx.note("invoiceDueDate", "due_date", `no due date: ${dueDate}, ${days} days after the invoice date`)
    }
    if (status === undefined)
      ctx.note(
        "status",
        "invoice_status",
        `unknown Gibbon invoice status "${blank(row.status)}": set from the amounts`,
      )
    const derived = CodeTables.deriveInvoiceStatus({
      totalCents: Number(total),
      paidCents: Number(paid),
      dueDate,
      asOf: options.asOf,
      legacy: status ?? null,
    })
    if (status != null && status !== derived)
      ctx.note(
        "status",
        "invoice_status",
        `Gibbon ${blank(row.status)} (${status}) replaced by ${derived}, from the amounts`,
      )
    const text = cleanOrNull(ctx, "notes", "text", Text.clean(blank(row.notes), { multiline: true }))
    const company =
      (blank(row.invoiceTo) ?? billing.invoicee.invoiceTo) === "Company" &&
      billing.invoicee.companyName !== null
        ? `Invoiced to company: ${billing.invoicee.companyName}`
        : null
    return invoicesValues({
      id: ctx.id(ctx.tenant, key),
      tenant_id: options.tenant,
      invoice_number: invoiceNumber(invoiceDate.slice(0, 4), key),
      student_id: ctx.id(ctx.tenant, billing.student, studentsEntity),
      academic_year_id: ctx.id(ctx.tenant, year, academicYearsEntity),
      invoice_date: invoiceDate,
      due_date: dueDate,
      subtotal: fromCents(subtotal),
      discount_amount: fromCents(discount),
      tax_amount: "0.00",
      total_amount: fromCents(total),
      paid_amount: fromCents(paid),
      balance_due: fromCents(total - paid),
      currency,
      status: derived,
      notes: [text, company].filter((s) => s !== null).join("\n") || null,
      legacy_source: ctx.entity,
      legacy_id: key,
      ...stamps(ctx, row.timestampCreator, row.timestampUpdate, options),
      deleted_at: null,
    })
  }

/** The Gibbon invoices entity; loads after the students and academic years it points at. */
export const invoices = (options: InvoiceOptions): Entity.Entity<InvoiceRow> => ({
  name: invoicesEntity,
  target: Financial.Invoices.target,
  transform: Transform.fromRow(mapInvoice(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, academicYearsEntity],
})

/** Invoice keys the invoices mapper rejects, with its reasons in words. */
export type RejectedInvoices = ReadonlyMap<string, string>

/**
 * Runs the invoices mapper over the whole table to learn which invoices it rejects, so their fees
 * and allocations are rejected with them instead of failing the database's foreign key. Pure.
 */
export const rejectedInvoices = (
  rows: ReadonlyArray<InvoiceRow>,
  options: InvoiceOptions,
): RejectedInvoices => {
  const keys = rows.map((r) => normalizeId(r.gibbonFinanceInvoiceID) ?? String(r.gibbonFinanceInvoiceID))
  const result = Transform.run(Transform.fromRow(mapInvoice(options)), rows, keys, {
    entity: invoicesEntity,
    tenant: options.tenant,
  })
  return new Map(result.rejected.map((r) => [r.key, r.reasons.map((x) => x.message).join("; ")]))
}

/** Options of the invoice items mapper. */
export interface InvoiceItemOptions extends FinanceOptions {
  /** The same index the invoices mapper was given. */
  readonly invoices: InvoiceIndex
  /** The same totals the invoices mapper was given: they number the lines. */
  readonly fees: FeeTotals
  /** `indexFees` over `gibbonFinanceFee`. */
  readonly catalog: FeeCatalog
  /** `rejectedInvoices` over the whole invoices table, with the invoices mapper's options. */
  readonly rejectedInvoices: RejectedInvoices
}

const itemsValues = Table.values(Financial.InvoiceItems)

/** Maps one `gibbonFinanceInvoiceFee` to a `financial.invoice_items` row array, or rejects it with every reason. */
export const mapInvoiceItem =
  (options: InvoiceItemOptions) =>
  (row: InvoiceFeeRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = normalizeId(row.gibbonFinanceInvoiceFeeID)
    if (key === undefined)
      return Transform.reject(
        Transform.reason(
          "gibbonFinanceInvoiceFeeID",
          "gibbon_id",
          `${String(row.gibbonFinanceInvoiceFeeID)} is not an id`,
        ),
      )
    const reasons: Array<Transform.Reason> = []
    const invoice = normalizeId(row.gibbonFinanceInvoiceID)
    const billing = invoice === undefined ? undefined : options.invoices.get(invoice)
    if (invoice === undefined || billing === undefined)
      reasons.push(
        Transform.reason(
          "gibbonFinanceInvoiceID",
          "reference",
          `invoice ${blank(row.gibbonFinanceInvoiceID) ?? "(none)"} is not in gibbonFinanceInvoice`,
        ),
      )
    else if (!billing.ok)
      reasons.push(
        Transform.reason(
          "gibbonFinanceInvoiceID",
          "student",
          `${billing.reason}: invoice ${invoice} is rejected`,
        ),
      )
    const read = readFee(row, options.catalog, options.currency ?? "MYR")
    if (!read.ok) reasons.push(...read.reasons)
    // The invoices mapper rejects an invoice with an unreadable fee, so its good fees would dangle.
    const siblings =
      invoice === undefined
        ? []
        : (options.fees.invoices.get(invoice)?.unreadable.filter((k) => k !== key) ?? [])
    if (siblings.length > 0)
      reasons.push(
        Transform.reason(
          "gibbonFinanceInvoiceID",
          "invoice_fees",
          `fee ${siblings.join(", ")} of the same invoice could not be read: the invoice is rejected`,
        ),
      )
    const rejected = invoice === undefined ? undefined : options.rejectedInvoices.get(invoice)
    if (read.ok && reasons.length === 0 && rejected !== undefined)
      reasons.push(
        Transform.reason(
          "gibbonFinanceInvoiceID",
          "invoice_rejected",
          `invoice ${invoice} is rejected: ${rejected}`,
        ),
      )
    if (invoice === undefined || !read.ok || reasons.length > 0) return Transform.reject(...reasons)
    for (const c of read.changes) ctx.note(c.column, c.rule, c.message)
    const feeId = normalizeId(row.gibbonFinanceFeeID)
    const standard = feeId === undefined ? undefined : options.catalog.get(feeId)
    if (feeId !== undefined && standard?.loads !== true)
      ctx.note(
        "gibbonFinanceFeeID",
        "fee_structure",
        standard === undefined
          ? `fee ${feeId} is not in gibbonFinanceFee: no fee structure`
          : `fee ${feeId} is rejected as a fee structure: none linked`,
      )
    return itemsValues({
      id: ctx.id(ctx.tenant, key),
      tenant_id: options.tenant,
      invoice_id: ctx.id(ctx.tenant, invoice, invoicesEntity),
      fee_structure_id:
        feeId !== undefined && standard?.loads === true
          ? ctx.id(ctx.tenant, feeId, feeStructuresEntity)
          : null,
      description: read.description,
      quantity: "1.00",
      unit_price: read.amount,
      amount: read.amount,
      sort_order: options.fees.sortOrder.get(key) ?? 1,
      legacy_source: ctx.entity,
      legacy_id: key,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon invoice items entity; loads after the invoices it belongs to. */
export const invoiceItems = (options: InvoiceItemOptions): Entity.Entity<InvoiceFeeRow> => ({
  name: invoiceItemsEntity,
  target: Financial.InvoiceItems.target,
  transform: Transform.fromRow(mapInvoiceItem(options)),
  ids: "ordered",
  dependsOn: [invoicesEntity, feeStructuresEntity],
})

/** Options of the payments and payment allocations mappers. */
export interface PaymentOptions extends FinanceOptions {
  /** The same index the invoices mapper was given: a payment's student is its invoice's. */
  readonly invoices: InvoiceIndex
}

interface Payment {
  readonly key: string
  readonly invoice: string
  readonly student: string
  readonly amount: string
  readonly paidAt: string
}

// Everything both payment entities need, so an allocation is rejected or skipped exactly when its payment is.
const readPayment = (
  row: PaymentRow,
  ctx: Transform.RowContext,
  options: PaymentOptions,
): Payment | Transform.Outcome => {
  const key = normalizeId(row.gibbonPaymentID)
  if (key === undefined)
    return Transform.reject(
      Transform.reason("gibbonPaymentID", "gibbon_id", `${String(row.gibbonPaymentID)} is not an id`),
    )
  const table = blank(row.foreignTable)
  if (table !== invoiceForeignTable)
    return Transform.skip(`a payment for ${table ?? "nothing"}, not an invoice`)
  const status = code(paymentStatus, row.status)
  if (status === "failed") return Transform.skip(`payment status ${blank(row.status)}: no money was received`)
  const reasons: Array<Transform.Reason> = []
  if (status !== "completed")
    reasons.push(
      Transform.reason(
        "status",
        "payment_status",
        `unknown Gibbon payment status "${blank(row.status) ?? ""}"`,
      ),
    )
  const invoice = normalizeId(row.foreignTableID)
  const billing = invoice === undefined ? undefined : options.invoices.get(invoice)
  if (invoice === undefined || billing === undefined)
    reasons.push(
      Transform.reason(
        "foreignTableID",
        "reference",
        `invoice ${blank(row.foreignTableID) ?? "(none)"} is not in gibbonFinanceInvoice`,
      ),
    )
  else if (!billing.ok) reasons.push(Transform.reason("foreignTableID", "student", billing.reason))
  const amount = cleanWith(
    ctx,
    "amount",
    "money",
    Money.clean(row.amount, { currency: options.currency ?? "MYR", required: true }),
  )
  if (!amount.ok) reasons.push(amount.reason)
  else if (amount.value !== null && toCents(amount.value) <= 0n)
    reasons.push(Transform.reason("amount", "payment_amount", `amount ${amount.value} is not positive`))
  const paidAt = instant("timestamp", row.timestamp, options, true)
  if (!paidAt.ok) reasons.push(paidAt.reason)
  if (
    invoice === undefined ||
    billing === undefined ||
    !billing.ok ||
    !amount.ok ||
    amount.value === null ||
    !paidAt.ok ||
    paidAt.value === null ||
    reasons.length > 0
  )
    return Transform.reject(...reasons)
  return { key, invoice, student: billing.student, amount: amount.value, paidAt: paidAt.value }
}

const isPayment = (p: Payment | Transform.Outcome): p is Payment =>
  typeof p === "object" && p !== null && "paidAt" in p

const paymentsValues = Table.values(Financial.Payments)

/** Maps one `gibbonPayment` of an invoice to a `financial.payments` row array; failed and non-invoice payments are skipped. */
export const mapPayment =
  (options: PaymentOptions) =>
  (row: PaymentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const payment = readPayment(row, ctx, options)
    if (!isPayment(payment)) return payment
    let method = code(paymentMethod, row.type)
    if (method == null) {
      ctx.note(
        "type",
        "payment_method",
        `Gibbon payment type "${blank(row.type) ?? ""}" is not known: stored as other`,
      )
      method = "other"
    }
    const gateway = blank(row.gateway)
    return paymentsValues({
      id: ctx.id(ctx.tenant, payment.key),
      tenant_id: options.tenant,
      student_id: ctx.id(ctx.tenant, payment.student, studentsEntity),
      receipt_number: blank(row.paymentReceiptID),
      amount: payment.amount,
      currency: options.currency ?? "MYR",
      paid_at: payment.paidAt,
      method,
      reference: blank(row.paymentTransactionID),
      status: "completed",
      notes: gateway === null ? null : `Paid online through ${gateway}`,
      legacy_source: ctx.entity,
      legacy_id: payment.key,
      created_at: payment.paidAt,
      updated_at: payment.paidAt,
      deleted_at: null,
    })
  }

/** The Gibbon payments entity; loads after the students who paid. */
export const payments = (options: PaymentOptions): Entity.Entity<PaymentRow> => ({
  name: paymentsEntity,
  target: Financial.Payments.target,
  transform: Transform.fromRow(mapPayment(options)),
  ids: "ordered",
  dependsOn: [studentsEntity],
})

const allocationsValues = Table.values(Financial.PaymentAllocations)

/** Options of the payment allocations mapper. */
export interface AllocationOptions extends PaymentOptions {
  /** `rejectedInvoices` over the whole invoices table, with the invoices mapper's options. */
  readonly rejectedInvoices: RejectedInvoices
}

/**
 * Maps one mapped `gibbonPayment` to its `financial.payment_allocations` row: the whole amount to its
 * invoice. A payment to an invoice the invoices mapper rejects is loaded, its allocation is not.
 */
export const mapPaymentAllocation =
  (options: AllocationOptions) =>
  (row: PaymentRow, ctx: Transform.RowContext): Transform.Outcome => {
    // The payments entity already noted this row; its notes are not repeated here.
    const payment = readPayment(row, { ...ctx, note: () => {} }, options)
    if (!isPayment(payment)) return payment
    const rejected = options.rejectedInvoices.get(payment.invoice)
    if (rejected !== undefined)
      return Transform.reject(
        Transform.reason(
          "foreignTableID",
          "invoice_rejected",
          `invoice ${payment.invoice} is rejected: ${rejected}`,
        ),
      )
    return allocationsValues({
      id: ctx.id(ctx.tenant, payment.key),
      tenant_id: options.tenant,
      payment_id: ctx.id(ctx.tenant, payment.key, paymentsEntity),
      invoice_id: ctx.id(ctx.tenant, payment.invoice, invoicesEntity),
      amount: payment.amount,
      legacy_source: ctx.entity,
      legacy_id: payment.key,
      created_at: payment.paidAt,
      updated_at: payment.paidAt,
    })
  }

/** The Gibbon payment allocations entity, read from `gibbonPayment`; loads after its payments and invoices. */
export const paymentAllocations = (options: AllocationOptions): Entity.Entity<PaymentRow> => ({
  name: paymentAllocationsEntity,
  target: Financial.PaymentAllocations.target,
  transform: Transform.fromRow(mapPaymentAllocation(options)),
  ids: "ordered",
  dependsOn: [paymentsEntity, invoicesEntity],
})
