/**
 * The generic legacy SIS's fee table (seed 001 §6.2.1 `010_migrate_fee_structures`, §4.1
 * `financial.fee_structures`): one row per fee a school charges, by year and grade level.
 */

import { CodeMap, Money, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Financial, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import { cleanOrNull, cleanWith, collect, Key, type Options, Scalar, timestamps } from "./LegacySis.js"
import { academicYearsEntity, flag, yearReference } from "./LegacySisAcademic.js"

/** A raw row of a legacy `fee_structures` table. */
export const FeeStructureRow = Schema.Struct({
  fee_id: Key,
  fee_code: Scalar,
  fee_name: Scalar,
  description: Scalar,
  amount: Scalar,
  frequency: Scalar,
  grade_level: Scalar,
  /** The school year by name, e.g. `2024` or `2024/2025`. */
  academic_year: Scalar,
  is_active: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number, Schema.Boolean))),
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy fee. */
export type FeeStructureRow = typeof FeeStructureRow.Type

/** Entity name of the fee structures flow. */
export const feeStructuresEntity = "legacy-sis.fee_structures"

/** A portal fee frequency (`financial.fee_structures.frequency`). */
export type Frequency = "one_time" | "monthly" | "termly" | "annually"

/** How often a fee is charged: the portal's four codes with the spellings legacy tables use. */
export const frequencyTable: CodeMap.Table<Frequency> = {
  one_time: ["O", "once", "one-time", "one time", "one-off", "oneoff", "sekali"],
  monthly: ["M", "month", "monthly", "per month", "bulanan"],
  termly: ["T", "term", "termly", "per term", "semester", "penggal"],
  annually: ["A", "Y", "annual", "yearly", "per year", "tahunan"],
}

/** Cleanser for fee frequencies. */
export const frequency = CodeMap.make(frequencyTable, { name: "fee frequency" })

/** Options of the fee structures mapper. */
export interface FeeOptions extends Options {
  /** The currency of the school's books; an amount written in another is rejected. Default "MYR". */
  readonly currency?: string | undefined
}

const feesValues = Table.values(Financial.FeeStructures)

/** Maps one legacy fee to a `financial.fee_structures` row array, or rejects it with every reason. */
export const mapFeeStructure =
  (options: FeeOptions) =>
  (row: FeeStructureRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const currency = options.currency ?? "MYR"
    const name = cleanWith(ctx, "fee_name", "text", Text.clean(row.fee_name, { required: true }))
    const amount = cleanWith(ctx, "amount", "money", Money.clean(row.amount, { currency, required: true }))
    const often = cleanWith(ctx, "frequency", "fee_frequency", frequency.clean(row.frequency))
    collect(reasons, [name, amount, often])
    if (amount.ok && amount.value?.startsWith("-") === true)
      reasons.push(
        Transform.reason("amount", "amount_range", `${amount.value} is negative: a fee is not a credit`),
      )
    const times = timestamps(ctx, row, options)
    if (
      !name.ok ||
      !amount.ok ||
      !often.ok ||
      name.value === null ||
      amount.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    if (often.value === null) ctx.note("frequency", "fee_frequency", "no frequency: charged once (one_time)")
    let active = flag(row.is_active)
    if (active === undefined) {
      ctx.note("is_active", "flag", `${String(row.is_active).trim()} is not a yes/no value; kept active`)
      active = true
    }
    return feesValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      academic_year_id: yearReference(ctx, "academic_year", row.academic_year),
      code: cleanOrNull(ctx, "fee_code", "text", Text.clean(row.fee_code)),
      name: name.value,
      description: cleanOrNull(ctx, "description", "text", Text.clean(row.description, { multiline: true })),
      amount: amount.value,
      currency,
      frequency: often.value ?? "one_time",
      grade_level: cleanOrNull(ctx, "grade_level", "text", Text.clean(row.grade_level)),
      is_active: active ?? true,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy fee structures entity; loads after the years it points at. */
export const feeStructures = (options: FeeOptions): Entity.Entity<FeeStructureRow> => ({
  name: feeStructuresEntity,
  target: Financial.FeeStructures.target,
  transform: Transform.fromRow(mapFeeStructure(options)),
  ids: "ordered",
  dependsOn: [academicYearsEntity],
})
