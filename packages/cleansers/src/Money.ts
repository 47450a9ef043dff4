import * as Cleaned from "./Cleaned.js"

/** Options for `Money.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** The decimal mark of the source: "." (default, `1,234.50`) or "," (`1.234,50`). */
  readonly decimal?: "." | "," | undefined
  /** Digits after the decimal point in the result. Default 2. */
  readonly scale?: number | undefined
  /** What to do with more decimals than `scale`: "reject" (default) or "halfUp" rounding, reported as a change. */
  readonly rounding?: "reject" | "halfUp" | undefined
  /** The currency amounts are in; another currency written in the input is `Invalid`. Default "MYR". */
  readonly currency?: string | undefined
}

/**
 * An amount as an exact decimal string with `scale` digits after the point (`"-1234.50"`),
 * ready for a PostgreSQL `numeric` column; never a binary float.
 */
export type Money = string

// Symbols and codes of the currencies a Malaysian school's books mention.
const currencyMarks: Readonly<Record<string, string>> = {
  rm: "MYR",
  myr: "MYR",
  sgd: "SGD",
  s$: "SGD",
  usd: "USD",
  us$: "USD",
  $: "USD",
  idr: "IDR",
  rp: "IDR",
  gbp: "GBP",
  "£": "GBP",
  eur: "EUR",
  "€": "EUR",
}
const currencyPattern = /^(rm|myr|sgd|s\$|usd|us\$|\$|idr|rp|gbp|£|eur|€)|(rm|myr|sgd|usd|idr|gbp|eur|€)$/u
const canonicalPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/

const roundHalfUp = (whole: string, fraction: string, scale: number): { whole: string; fraction: string } => {
  const kept = fraction.slice(0, scale)
  if ((fraction[scale] ?? "0") < "5") return { whole, fraction: kept }
  // Add one unit in the last kept place, carrying through the digits as text.
  const digits = (whole + kept).split("").map(Number)
  let i = digits.length - 1
  while (i >= 0) {
    if (digits[i] === 9) {
      digits[i] = 0
      i--
    } else {
      digits[i] = digits[i]! + 1
      break
    }
  }
  const all = (i < 0 ? "1" : "") + digits.join("")
  return {
    whole: all.slice(0, all.length - scale),
    fraction: scale === 0 ? "" : all.slice(all.length - scale),
  }
}

/** Cleans an amount: `RM 1,234.50`, `(1,234.50)`, `-RM12`, `1.234,50` (with `decimal: ","`) → `"1234.50"`. */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<Money | null> => {
  const scale = options?.scale ?? 2
  if (typeof input === "number" && Number.isFinite(input) && Math.abs(input) >= 1e15)
    return Cleaned.invalid(String(input), "number too large to be exact")
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const original = read.text
  const decimal = options?.decimal ?? "."
  const group = decimal === "." ? "," : "."
  const changes: Array<string> = []
  let s = original.trim().toLowerCase().replace(/\s+/gu, "")
  let negative = false
  if (/^\(.*\)$/u.test(s)) {
    negative = true
    s = s.slice(1, -1)
    changes.push("read (brackets) as a negative amount")
  }
  if (s.startsWith("-")) {
    negative = !negative
    s = s.slice(1)
  }
  const mark = currencyPattern.exec(s)
  if (mark !== null) {
    const code = currencyMarks[mark[1] ?? mark[2]!]!
    const expected = (options?.currency ?? "MYR").toUpperCase()
    if (code !== expected) return Cleaned.invalid(original, `amount is in ${code}, not ${expected}`)
    s = s.slice(mark[1]?.length ?? 0, s.length - (mark[2]?.length ?? 0))
    changes.push(`removed the currency mark ${(mark[1] ?? mark[2])!.toUpperCase()}`)
  }
  if (s.startsWith("-")) {
    negative = !negative
    s = s.slice(1)
  }
  if (s.endsWith("-")) {
    negative = !negative
    s = s.slice(0, -1)
    changes.push("moved the trailing minus sign")
  }
  if (s.length === 0) return Cleaned.invalid(original, "no digits")
  if (/e/u.test(s)) return Cleaned.invalid(original, "scientific notation is not an exact amount")
  if (!/^[\d.,]+$/u.test(s)) return Cleaned.invalid(original, `"${original.trim()}" is not an amount`)
  const parts = s.split(decimal)
  if (parts.length > 2) return Cleaned.invalid(original, `more than one decimal mark "${decimal}"`)
  let [whole = "", fraction = ""] = parts as [string, string?]
  if (whole.includes(group)) {
    if (!/^\d{1,3}(?:[.,]\d{3})+$/u.test(whole))
      return Cleaned.invalid(
        original,
        `"${original.trim()}" has misplaced "${group}" separators (set the decimal option if "${group}" is the decimal mark)`,
      )
    whole = whole.split(group).join("")
    changes.push("removed thousands separators")
  }
  if (fraction.includes(group))
    return Cleaned.invalid(
      original,
      `"${original.trim()}" looks like "${group}" is the decimal mark (set the decimal option)`,
    )
  if (whole === "" && fraction === "") return Cleaned.invalid(original, "no digits")
  if (whole === "") whole = "0"
  if (fraction.length > scale) {
    if (/^0*$/u.test(fraction.slice(scale))) fraction = fraction.slice(0, scale)
    else if (options?.rounding === "halfUp") {
      const rounded = roundHalfUp(whole, fraction, scale)
      changes.push(`rounded ${fraction.length} decimals to ${scale}`)
      whole = rounded.whole
      fraction = rounded.fraction
    } else return Cleaned.invalid(original, `more than ${scale} decimal places`)
  }
  whole = whole.replace(/^0+(?=\d)/u, "")
  fraction = fraction.padEnd(scale, "0")
  const isZero = /^0*$/u.test(whole + fraction)
  const value = `${negative && !isZero ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`
  if (value === original) return Cleaned.valid(value)
  if (changes.length === 0) changes.push(`wrote as a decimal with ${scale} places`)
  return Cleaned.corrected(value, original, [...new Set(changes)])
}

/** True for an exact decimal string. */
export const isValid = (value: unknown): value is Money =>
  typeof value === "string" && canonicalPattern.test(value)

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<Money>({
    identifier: "Money",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (m) => m,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
