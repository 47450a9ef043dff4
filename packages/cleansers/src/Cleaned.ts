import { ParseResult, Schema } from "effect"

/** A value that needed no change. */
export interface Valid<A> {
  readonly _tag: "Valid"
  readonly value: A
}

/** A value that was repaired; `changes` says how, in words an operator understands. */
export interface Corrected<A> {
  readonly _tag: "Corrected"
  readonly value: A
  readonly original: string
  readonly changes: ReadonlyArray<string>
}

/** An input that could not be cleaned, with the reason. */
export interface Invalid {
  readonly _tag: "Invalid"
  readonly original: string
  readonly reason: string
}

/** The result of every cleanser in this package. */
export type Cleaned<A> = Valid<A> | Corrected<A> | Invalid

/** Options every cleanser accepts. */
export interface BaseOptions {
  /** When true, empty input is `Invalid` with reason "missing" instead of `Valid` null. */
  readonly required?: boolean | undefined
}

/** Builds a `Valid` result. */
export const valid = <A>(value: A): Valid<A> => ({ _tag: "Valid", value })

/** Builds a `Corrected` result. */
export const corrected = <A>(value: A, original: string, changes: ReadonlyArray<string>): Corrected<A> => ({
  _tag: "Corrected",
  value,
  original,
  changes,
})

/** Builds an `Invalid` result. */
export const invalid = (original: string, reason: string): Invalid => ({ _tag: "Invalid", original, reason })

/** `Valid` when nothing changed, `Corrected` otherwise. */
export const result = <A>(value: A, original: string, changes: ReadonlyArray<string>): Cleaned<A> =>
  changes.length === 0 ? valid(value) : corrected(value, original, changes)

/** True for `Valid` and `Corrected`. */
export const isOk = <A>(cleaned: Cleaned<A>): cleaned is Valid<A> | Corrected<A> => cleaned._tag !== "Invalid"

/** The cleaned value, or undefined for `Invalid`. */
export const getValue = <A>(cleaned: Cleaned<A>): A | undefined =>
  cleaned._tag === "Invalid" ? undefined : cleaned.value

/** Applies `f` to the value of a `Valid` or `Corrected` result. */
export const map = <A, B>(cleaned: Cleaned<A>, f: (a: A) => B): Cleaned<B> =>
  cleaned._tag === "Invalid" ? cleaned : { ...cleaned, value: f(cleaned.value) }

// Characters that make a field look filled in while carrying nothing.
const blankPattern = /^[\s\u200b-\u200d\u2060\ufeff]*$/u

/** The outcome of reading an unknown input as text. */
export type TextInput =
  | { readonly _tag: "Text"; readonly text: string }
  | { readonly _tag: "Empty"; readonly result: Cleaned<null> }
  | { readonly _tag: "Bad"; readonly result: Invalid }

const emptyValid: Valid<null> = valid(null)

/** A printable form of any input, for `original`. */
export const describe = (input: unknown): string => {
  if (typeof input === "string") return input
  if (input === null || input === undefined) return ""
  if (typeof input === "number" || typeof input === "bigint" || typeof input === "boolean")
    return String(input)
  try {
    return JSON.stringify(input) ?? Object.prototype.toString.call(input)
  } catch {
    return Object.prototype.toString.call(input)
  }
}

/** The "missing" result: `Valid` null, or `Invalid` when the field is required. */
export const missing = (original: string, options: BaseOptions | undefined): Cleaned<null> =>
  options?.required === true ? invalid(original, "missing") : emptyValid

/**
 * Reads text from whatever a legacy driver hands over: strings as they are, finite numbers
 * and bigints in their decimal form (MySQL and spreadsheets turn codes into numbers).
 */
export const readText = (input: unknown, options: BaseOptions | undefined): TextInput => {
  if (input === null || input === undefined) return { _tag: "Empty", result: missing("", options) }
  let text: string
  if (typeof input === "string") text = input
  else if (typeof input === "number") {
    if (!Number.isFinite(input)) return { _tag: "Bad", result: invalid(String(input), "not a finite number") }
    text = String(input)
  } else if (typeof input === "bigint") text = String(input)
  else return { _tag: "Bad", result: invalid(describe(input), `expected text, got ${typeof input}`) }
  if (blankPattern.test(text)) return { _tag: "Empty", result: missing(text, options) }
  return { _tag: "Text", text }
}

/** What a module hands to `schema` to build its effect Schema. */
export interface SchemaSpec<A> {
  readonly identifier: string
  readonly clean: (input: unknown) => Cleaned<A | null>
  readonly is: (u: unknown) => u is A
  /** The encoded form of a value (canonical text, or the parts object for addresses). */
  readonly format: (a: A) => unknown
}

/**
 * An effect Schema around a cleanser, for edges (HTTP bodies, config, CSV rows): decoding
 * runs the cleanser and fails with the `Invalid` reason; encoding writes the canonical text.
 */
export const schema = <A>(spec: SchemaSpec<A>): Schema.Schema<A | null, unknown> =>
  Schema.transformOrFail(
    Schema.Unknown,
    Schema.NullOr(Schema.declare(spec.is, { identifier: spec.identifier })),
    {
      strict: true,
      decode: (input, _options, ast) => {
        const cleaned = spec.clean(input)
        return cleaned._tag === "Invalid"
          ? ParseResult.fail(new ParseResult.Type(ast, input, cleaned.reason))
          : ParseResult.succeed(cleaned.value)
      },
      encode: (value) => ParseResult.succeed(value === null ? null : spec.format(value)),
    },
  ).annotations({ identifier: spec.identifier })
