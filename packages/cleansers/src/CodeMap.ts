import type { Schema } from "effect"
import * as Cleaned from "./Cleaned.js"

/** A code table: each target code with the legacy spellings that mean it. */
export type Table<Code extends string> = { readonly [K in Code]: ReadonlyArray<string> }

/** Options for building a code map. */
export interface MakeOptions<Code extends string> {
  /** Name used in reasons and the Schema identifier, e.g. "student status". */
  readonly name?: string | undefined
  /** Code given to unknown inputs (reported as a change); without it unknown inputs are `Invalid`. */
  readonly default?: Code | undefined
}

/** The result of a successful lookup: the code and the table key that matched. */
export interface Match<Code extends string> {
  readonly code: Code
  readonly key: string
}

/** A cleanser built from a code table. */
export interface CodeMap<Code extends string> {
  readonly name: string
  readonly codes: ReadonlyArray<Code>
  /** Finds the code for an input, ignoring case and whitespace. */
  readonly lookup: (input: string) => Match<Code> | undefined
  /** Maps an input to its code; reports the matched key in `changes`. */
  readonly clean: (input: unknown, options?: Cleaned.BaseOptions) => Cleaned.Cleaned<Code | null>
  /** True for the codes of this table. */
  readonly isValid: (value: unknown) => value is Code
  /** Effect Schema decoding through `clean`. */
  readonly schema: Schema.Schema<Code | null, unknown>
}

/** The key form used for matching: NFC, lower case, no whitespace at all. */
export const normalizeKey = (input: string): string =>
  input.normalize("NFC").toLowerCase().replace(/\s+/gu, "")

/**
 * Builds a cleanser from a code table. A key listed under two codes is a mistake in the
 * table, not in the data, so it is refused when the table is built (at module load).
 */
export const make = <Code extends string>(
  table: Table<Code>,
  options?: MakeOptions<NoInfer<Code>>,
): CodeMap<Code> => {
  const name = options?.name ?? "code"
  const codes = Object.keys(table) as Array<Code>
  const index = new Map<string, Match<Code>>()
  const add = (key: string, code: Code) => {
    const normalized = normalizeKey(key)
    const existing = index.get(normalized)
    if (existing !== undefined && existing.code !== code)
      throw new Error(`${name} table: key "${key}" maps to both "${existing.code}" and "${code}"`)
    if (existing === undefined) index.set(normalized, { code, key })
  }
  for (const code of codes) {
    add(code, code)
    for (const key of table[code]) add(key, code)
  }
  const codeSet: ReadonlySet<string> = new Set(codes)
  const isValid = (value: unknown): value is Code => typeof value === "string" && codeSet.has(value)
  const lookup = (input: string) => index.get(normalizeKey(input))
  const fallback = options?.default
  const clean = (input: unknown, cleanOptions?: Cleaned.BaseOptions): Cleaned.Cleaned<Code | null> => {
    const read = Cleaned.readText(input, cleanOptions)
    if (read._tag !== "Text") return read.result
    const text = read.text
    if (codeSet.has(text)) return Cleaned.valid(text as Code)
    const match = lookup(text)
    if (match !== undefined)
      return Cleaned.corrected(match.code, text, [`mapped "${match.key}" to "${match.code}"`])
    if (fallback !== undefined)
      return Cleaned.corrected(fallback, text, [
        `unknown ${name} "${text.trim()}", used default "${fallback}"`,
      ])
    return Cleaned.invalid(text, `unknown ${name} "${text.trim()}"`)
  }
  return {
    name,
    codes,
    lookup,
    clean,
    isValid,
    schema: Cleaned.schema<Code>({
      identifier: name,
      clean: (input) => clean(input),
      is: isValid,
      format: (c) => c,
    }),
  }
}
