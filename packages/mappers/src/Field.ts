/**
 * A cleanser's result applied to one target column, by the column's policy: an identity or required
 * column rejects its row when the value cannot be used (`cleanWith`); any other column stores it as
 * empty with a note that keeps the source value, and the row loads (`cleanOrNull`). A corrected
 * value is noted either way, naming the rule and what changed.
 */
import type { Cleaned } from "@schoolbridge/cleansers"
import { Transform } from "@schoolbridge/core"

/** A cleaned value, or the reason it cannot be used. */
export type Step<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly reason: Transform.Reason }

/** For identity and required columns: Invalid becomes a rejection reason, Corrected a note on the row. */
export const cleanWith = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A>,
): Step<A> => {
  if (cleaned._tag === "Invalid") return { ok: false, reason: Transform.reason(column, rule, cleaned.reason) }
  if (cleaned._tag === "Corrected") ctx.note(column, rule, cleaned.changes.join("; "))
  return { ok: true, value: cleaned.value }
}

/**
 * For every other column: an Invalid value is stored as empty with a note (the source value kept in
 * the ledger) instead of costing the whole row.
 */
export const cleanOrNull = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A | null>,
): A | null => {
  if (cleaned._tag === "Invalid") {
    ctx.note(column, rule, `${cleaned.reason}; stored as empty`, cleaned.original)
    return null
  }
  if (cleaned._tag === "Corrected") ctx.note(column, rule, cleaned.changes.join("; "))
  return cleaned.value
}

/**
 * For a code column with a documented default (a status): a value the code table does not know, or
 * no value, is stored as the default with a note that keeps the source value, and the row loads. A
 * status says what the school last recorded about a person; it is not who they are.
 */
export const cleanOrDefault = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A | null>,
  fallback: A,
): A => {
  if (cleaned._tag === "Invalid") {
    ctx.note(column, rule, `${cleaned.reason}; stored as the default ${String(fallback)}`, cleaned.original)
    return fallback
  }
  if (cleaned._tag === "Corrected") ctx.note(column, rule, cleaned.changes.join("; "))
  if (cleaned.value === null) {
    ctx.note(column, rule, `no ${column}: stored as the default ${String(fallback)}`)
    return fallback
  }
  return cleaned.value
}
