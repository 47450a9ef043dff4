/**
 * Exact decimal amounts as integers of their smallest unit (sen, at scale 2), so sums of money are
 * added and compared without floating point on the JavaScript side, as the databases add them.
 */

const plain = /^([+-]?)(\d*)(?:\.(\d*))?$/

/**
 * The amount a decimal text (or number, or bigint) holds, in units of 10^-scale, rounded half away
 * from zero past `scale` places; null for null or text that is no plain decimal.
 */
export const toUnits = (value: unknown, scale: number): bigint | null => {
  if (value === null || value === undefined) return null
  if (typeof value === "bigint") return value * 10n ** BigInt(scale)
  const m = plain.exec(String(value).trim())
  if (m === null || `${m[2]}${m[3] ?? ""}` === "") return null
  const fraction = (m[3] ?? "").padEnd(scale + 1, "0")
  let units = BigInt(`${m[2] || "0"}${fraction.slice(0, scale)}`)
  if (fraction.charCodeAt(scale) >= 53 /* "5" */) units += 1n
  return m[1] === "-" ? -units : units
}

/** Units of 10^-scale written as decimal text with exactly `scale` places (`-12.30`). */
export const fromUnits = (units: bigint, scale: number): string => {
  const negative = units < 0n
  const body = (negative ? -units : units).toString().padStart(scale + 1, "0")
  const whole = body.slice(0, body.length - scale)
  const text = scale === 0 ? whole : `${whole}.${body.slice(body.length - scale)}`
  return negative ? `-${text}` : text
}
