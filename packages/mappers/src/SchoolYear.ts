/**
 * School years named in legacy text (`2024`, `2024/2025`, `Sesi 2024/25`): the canonical name rows are
 * linked by, the dates a name implies, and references to a year by name. Source-agnostic.
 */

import type { Transform } from "@schoolbridge/core"

/** A school year read from its name: `2024`, `2024/2025`, `2024-25`, `Session 2024/25`, `AY2024`. */
export interface YearName {
  /** The canonical name, `2024` or `2024/2025`: the portal's name and the key years are linked by. */
  readonly name: string
  readonly startYear: number
}

const yearPattern = /(?:^|[^\d])((?:19|20)\d{2})(?:\s*[-/–]\s*(\d{4}|\d{2}))?(?!\d)/u

/** The canonical year of a legacy year name, or undefined when the text names no single school year. */
export const parse = (input: unknown): YearName | undefined => {
  if (input === null || input === undefined) return undefined
  const text = String(input).trim()
  const m = yearPattern.exec(text)
  if (m === null) return undefined
  const start = Number(m[1])
  if (m[2] === undefined) return { name: String(start), startYear: start }
  const end = m[2].length === 2 ? Math.floor(start / 100) * 100 + Number(m[2]) : Number(m[2])
  // "2024/2026" or "2024-23" is not one school year: better unlinked than linked to a guess.
  if (end !== start + 1) return undefined
  return { name: `${start}/${end}`, startYear: start }
}

const pad = (n: number) => String(n).padStart(2, "0")

/**
 * The dates a year spans when the source gives none: twelve months from the first of `startMonth`
 * (1 = January, the Malaysian school calendar) of its first year.
 */
export const dates = (year: YearName, startMonth = 1): { start: string; end: string } => {
  const start = `${year.startYear}-${pad(startMonth)}-01`
  // The day before the same month a year later, computed in UTC so no zone shifts it.
  const next = Date.UTC(year.startYear + 1, startMonth - 1, 1) - 86_400_000
  return { start, end: new Date(next).toISOString().slice(0, 10) }
}

/**
 * The id of a year by its name, as the years flow `entity` gives it: years are keyed by canonical name
 * (not a legacy year id) because legacy tables point at years by name (seed 001 §5.4.1).
 */
export const id = (ctx: Transform.RowContext, year: YearName, entity: string): string =>
  ctx.id(ctx.tenant, year.name, entity)

/**
 * An optional reference to a year by its name. Text that names no year is noted and left empty:
 * the year is an attribute of these rows, not worth losing the row for.
 */
export const reference = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  entity: string,
): string | null => {
  if (input === null || input === undefined || String(input).trim() === "") return null
  const year = parse(input)
  if (year === undefined) {
    ctx.note(column, "academic_year", `${String(input).trim()} is not a school year name; stored as empty`)
    return null
  }
  return id(ctx, year, entity)
}
