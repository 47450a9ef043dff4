import { createHash } from "node:crypto"
import * as Amount from "./Amount.js"

/**
 * The SQL functions the SQLite dialect calls and SQLite lacks, in TypeScript, for the client to
 * register: md5, the 60-bit slice of a hash, exact decimal text, an exact sum of slices and an
 * exact sum of decimals.
 * Large integers cross the SQLite/JavaScript boundary as doubles, so slices and sums travel as
 * decimal text.
 */

/** md5 of a value's UTF-8 text (or of a blob's bytes) as lowercase hex; null stays null. */
export const md5 = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : createHash("md5")
        .update(v instanceof Uint8Array ? v : String(v))
        .digest("hex")

/** The first 15 hex digits of an md5 as a decimal integer, as text; null stays null. */
export const slice60 = (hex: unknown): string | null =>
  hex === null || hex === undefined ? null : BigInt(`0x${String(hex).slice(0, 15)}`).toString()

const decimalSyntax = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i

/**
 * A number (REAL, INTEGER or numeric TEXT) rounded half away from zero to `scale` places and
 * written with exactly that many, as PostgreSQL's `round(x::numeric, scale)::text` writes it.
 * Doubles are read through their shortest spelling, so 2.675 stored as REAL rounds like the
 * decimal 2.675. Text that is no number comes back as it is, so a difference shows.
 */
export const decimal = (v: unknown, scaleArg: unknown): string | null => {
  if (v === null || v === undefined) return null
  const scale = Math.max(0, Math.trunc(Number(scaleArg) || 0))
  const text = typeof v === "string" ? v.trim() : String(v)
  const m = decimalSyntax.exec(text)
  if (m === null || `${m[2]}${m[3] ?? ""}` === "") return String(v)
  let digits = `${m[2]}${m[3] ?? ""}`
  // Where the decimal point sits in `digits`.
  let point = m[2]!.length + Number(m[4] ?? 0)
  if (point < 0) {
    digits = "0".repeat(-point) + digits
    point = 0
  }
  digits = digits.padEnd(point + scale + 1, "0")
  let units = BigInt(digits.slice(0, point + scale) || "0")
  if (digits.charCodeAt(point + scale) >= 53 /* "5" */) units += 1n
  const body = units.toString().padStart(scale + 1, "0")
  const whole = body.slice(0, body.length - scale)
  const sign = m[1] === "-" && units !== 0n ? "-" : ""
  return scale === 0 ? `${sign}${whole}` : `${sign}${whole}.${body.slice(body.length - scale)}`
}

/** An exact sum of integers given as text or numbers: a BigInt, null before the first value. */
export const hashSum = {
  init: (): bigint | null => null,
  step: (sum: bigint | null, v: unknown): bigint | null =>
    v === null || v === undefined
      ? sum
      : (sum ?? 0n) + BigInt(typeof v === "number" ? Math.trunc(v) : String(v)),
  finalize: (sum: bigint | null): string | null => (sum === null ? null : sum.toString()),
}

/**
 * An exact sum of decimals at a scale (`sb_decimal_sum(x, 2)`): each value rounded as `decimal`
 * rounds it, added as integer units, written as decimal text; null before the first value.
 */
export const decimalSum = {
  init: (): { units: bigint; scale: number } | null => null,
  step: (sum: { units: bigint; scale: number } | null, v: unknown, scaleArg: unknown) => {
    const scale = Math.max(0, Math.trunc(Number(scaleArg) || 0))
    const units = Amount.toUnits(decimal(v, scale), scale)
    return units === null ? sum : { units: (sum?.units ?? 0n) + units, scale }
  },
  finalize: (sum: { units: bigint; scale: number } | null): string | null =>
    sum === null ? null : Amount.fromUnits(sum.units, sum.scale),
}
