/**
 * A cleanser's result applied to one target column, by the column's policy: an identity or required
 * column rejects its row when the value cannot be used (`cleanWith`); any other column stores it as
 * empty with a note that keeps the source value, and the row loads (`cleanOrNull`). A corrected
 * value is noted either way, naming the rule and what changed.
 */
import type { Cleaned } from "@schoolbridge/cleansers"
import { Transform } from "@schoolbridge/core"

/**
 * A value a cleanser refused in a column that is not identity, by the manifest's `onInvalid` for the
 * column: by default stored as empty with a note keeping it (null is returned); `keep` stores it as
 * written, noted (the value is returned, as text when it is one); `reject` rejects the row with the
 * reason (thrown as a rejection, which `Transform.fromRow` turns into the row's outcome).
 */
export const setAside = (
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  reason: string,
  original: unknown,
): { readonly value: unknown } | null => {
  const policy = ctx.onInvalid?.(column)
  if (policy === "reject")
    throw Transform.reject(Transform.reason(column, rule, `${reason} (the manifest's onInvalid: reject)`))
  if (policy === "keep" && original !== null && original !== undefined) {
    ctx.note(column, rule, `${reason}; kept as written (the manifest's onInvalid: keep)`, original)
    return { value: typeof original === "string" ? original.trim() : original }
  }
  ctx.note(column, rule, `${reason}; stored as empty`, original)
  return null
}

/** A cleaned value, or the reason it cannot be used. */
export type Step<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly reason: Transform.Reason }

/**
 * For identity and required columns: Invalid becomes a rejection reason, Corrected a note on the row.
 * The manifest's `onInvalid: null` or `keep` for the column sets the value aside instead (see
 * `setAside`); a mapper that needs the value still rejects the row for its absence.
 */
export const cleanWith = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A>,
): Step<A> => {
  if (cleaned._tag === "Invalid") {
    const policy = ctx.onInvalid?.(column)
    if (policy === "null" || policy === "keep") {
      const kept = setAside(ctx, column, rule, cleaned.reason, cleaned.original)
      return { ok: true, value: (kept === null ? null : kept.value) as A }
    }
    return { ok: false, reason: Transform.reason(column, rule, cleaned.reason) }
  }
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
    const kept = setAside(ctx, column, rule, cleaned.reason, cleaned.original)
    return kept === null ? null : (kept.value as A)
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
    if (ctx.onInvalid?.(column) === "reject")
      throw Transform.reject(
        Transform.reason(column, rule, `${cleaned.reason} (the manifest's onInvalid: reject)`),
      )
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
