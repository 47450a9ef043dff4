import * as Cleaned from "./Cleaned.js"
import * as Country from "./Country.js"
import * as Text from "./Text.js"

/** Address columns as legacy systems store them (Gibbon: address1, address2, city, stateProvince, postcode, country). */
export interface Parts {
  readonly line1?: unknown
  readonly line2?: unknown
  readonly line3?: unknown
  readonly city?: unknown
  readonly state?: unknown
  readonly postcode?: unknown
  readonly country?: unknown
}

/** A cleaned address. */
export interface Address {
  readonly line1: string | null
  readonly line2: string | null
  readonly city: string | null
  /** The state's full official name, e.g. "Wilayah Persekutuan Kuala Lumpur". */
  readonly state: string | null
  /** Five digits for Malaysian addresses. */
  readonly postcode: string | null
  /** ISO 3166-1 alpha-2. */
  readonly country: string | null
}

/** Options for `MalaysianAddress.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** Refuse a Malaysian postcode that lies in another state's range. Default true. */
  readonly checkPostcode?: boolean | undefined
  /** Fill a missing state from the postcode. Default true. */
  readonly inferState?: boolean | undefined
  /** Country assumed when none is given. Default "MY"; null leaves it empty. */
  readonly defaultCountry?: string | null | undefined
}

const states: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["Johor", ["jhr", "johore", "johor darul takzim", "johor darul tazim", "jdt"]],
  ["Kedah", ["kdh", "kedah darul aman"]],
  ["Kelantan", ["ktn", "kel", "kelantan darul naim"]],
  ["Melaka", ["malacca", "mlk", "mel", "melaka bandaraya bersejarah"]],
  ["Negeri Sembilan", ["n sembilan", "ns", "nsn", "n9", "negri sembilan", "negeri sembilan darul khusus"]],
  ["Pahang", ["phg", "pahang darul makmur"]],
  ["Perak", ["prk", "pk", "perak darul ridzuan"]],
  ["Perlis", ["pls", "perlis indera kayangan"]],
  ["Pulau Pinang", ["penang", "p pinang", "pinang", "png", "pp"]],
  ["Sabah", ["sbh", "sabah negeri di bawah bayu"]],
  ["Sarawak", ["swk", "srwk"]],
  ["Selangor", ["sel", "sgr", "slgr", "selangor darul ehsan"]],
  ["Terengganu", ["trengganu", "tganu", "terengganu darul iman", "trg"]],
  [
    "Wilayah Persekutuan Kuala Lumpur",
    [
      "kuala lumpur",
      "kl",
      "wp kuala lumpur",
      "wp kl",
      "wpkl",
      "federal territory of kuala lumpur",
      "wilayah persekutuan kl",
    ],
  ],
  ["Wilayah Persekutuan Labuan", ["labuan", "wp labuan", "lbn", "federal territory of labuan"]],
  ["Wilayah Persekutuan Putrajaya", ["putrajaya", "wp putrajaya", "pjy", "federal territory of putrajaya"]],
]

const stateKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[.'’]/gu, "")
    .replace(/[\s,-]+/gu, " ")
    .trim()

const stateIndex: ReadonlyMap<string, string> = new Map(
  states.flatMap(([name, aliases]) => [name, ...aliases].map((alias) => [stateKey(alias), name] as const)),
)
const stateNames: ReadonlySet<string> = new Set(states.map(([name]) => name))

/**
 * Postcode ranges by state (Pos Malaysia allocation, rounded to the ranges in use).
 * Where two states share a range both are listed; postcodes outside every range are not
 * judged, since the table is coarser than the real allocation.
 */
const postcodeRanges: ReadonlyArray<readonly [number, number, ReadonlyArray<string>]> = [
  [1000, 2800, ["Perlis"]],
  [5000, 9810, ["Kedah"]],
  [10000, 14400, ["Pulau Pinang"]],
  [15000, 18500, ["Kelantan"]],
  [20000, 24300, ["Terengganu"]],
  [25000, 28800, ["Pahang"]],
  [30000, 36810, ["Perak"]],
  [39000, 39200, ["Pahang"]],
  [40000, 48300, ["Selangor"]],
  [49000, 49000, ["Pahang"]],
  [50000, 60000, ["Wilayah Persekutuan Kuala Lumpur"]],
  [62000, 62988, ["Wilayah Persekutuan Putrajaya"]],
  [63000, 68100, ["Selangor", "Wilayah Persekutuan Kuala Lumpur"]],
  [69000, 69000, ["Pahang"]],
  [70000, 73509, ["Negeri Sembilan"]],
  [75000, 78309, ["Melaka"]],
  [79000, 86900, ["Johor"]],
  [87000, 87033, ["Wilayah Persekutuan Labuan"]],
  [88000, 91309, ["Sabah"]],
  [93000, 98859, ["Sarawak"]],
]

/** The states a Malaysian postcode belongs to, if it lies in a known range. */
export const statesOfPostcode = (postcode: string): ReadonlyArray<string> | undefined => {
  const n = Number(postcode)
  return postcodeRanges.find(([from, to]) => n >= from && n <= to)?.[2]
}

const textPart = (value: unknown, label: string, changes: Array<string>): string | null | Cleaned.Invalid => {
  const cleaned = Text.clean(value)
  if (cleaned._tag === "Invalid") return Cleaned.invalid(cleaned.original, `${label}: ${cleaned.reason}`)
  if (cleaned._tag === "Corrected") changes.push(...cleaned.changes.map((c) => `${label}: ${c}`))
  return cleaned.value
}

const isInvalid = (value: unknown): value is Cleaned.Invalid =>
  typeof value === "object" && value !== null && (value as Cleaned.Invalid)._tag === "Invalid"

/**
 * Cleans address parts into `{ line1, line2, city, state, postcode, country }`: text repair,
 * state names and abbreviations, 5-digit postcodes, and the postcode/state consistency check.
 */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<Address | null> => {
  const original = Cleaned.describe(input)
  if (input === null || input === undefined) return Cleaned.missing(original, options)
  if (typeof input !== "object") return Cleaned.invalid(original, "expected the address as separate parts")
  const parts = input as Parts
  const changes: Array<string> = []
  const line1 = textPart(parts.line1, "line 1", changes)
  const line2Raw = textPart(parts.line2, "line 2", changes)
  const line3 = textPart(parts.line3, "line 3", changes)
  let city = textPart(parts.city, "city", changes)
  const stateText = textPart(parts.state, "state", changes)
  const postcodeText = textPart(parts.postcode, "postcode", changes)
  const countryText = textPart(parts.country, "country", changes)
  for (const part of [line1, line2Raw, line3, city, stateText, postcodeText, countryText])
    if (isInvalid(part)) return part
  const asText = (v: string | null | Cleaned.Invalid) => (isInvalid(v) ? null : v)
  let line2 = asText(line2Raw)
  const l3 = asText(line3)
  if (l3 !== null) {
    line2 = line2 === null ? l3 : `${line2}, ${l3}`
    changes.push("joined line 3 into line 2")
  }
  let postcode = asText(postcodeText)
  const cityText = asText(city)
  const embedded = cityText === null ? null : /^(\d{5})\s+(.+)$/u.exec(cityText)
  if (embedded !== null && (postcode === null || postcode === embedded[1])) {
    postcode = embedded[1]!
    city = embedded[2]!
    changes.push("moved the postcode out of the city")
  }
  let country: string | null = null
  const countryInput = asText(countryText)
  if (countryInput !== null) {
    const c = Country.clean(countryInput)
    if (c._tag === "Invalid") return Cleaned.invalid(original, `country: ${c.reason}`)
    if (c._tag === "Corrected") changes.push(...c.changes.map((x) => `country: ${x}`))
    country = c.value
  }
  const allEmpty = [line1, line2, city, stateText, postcode, country].every((p) => p === null)
  if (allEmpty) return Cleaned.missing(original, options)
  if (country === null && options?.defaultCountry !== null) {
    country = options?.defaultCountry ?? "MY"
    changes.push(`assumed country ${country}`)
  }
  let state = asText(stateText)
  if (country === "MY") {
    if (postcode !== null) {
      const digits = postcode.replace(/\s+/gu, "")
      if (/^\d{4}$/u.test(digits)) {
        postcode = `0${digits}`
        changes.push("restored the leading 0 of the postcode")
      } else if (!/^\d{5}$/u.test(digits))
        return Cleaned.invalid(original, `postcode "${postcode}" is not 5 digits`)
      else if (digits !== postcode) {
        postcode = digits
        changes.push("removed spaces from the postcode")
      }
    }
    if (state !== null) {
      const name = stateNames.has(state) ? state : stateIndex.get(stateKey(state))
      if (name === undefined) return Cleaned.invalid(original, `unknown Malaysian state "${state}"`)
      if (name !== state) changes.push(`wrote state "${state}" as "${name}"`)
      state = name
    }
    const ranged = postcode === null ? undefined : statesOfPostcode(postcode)
    if (ranged !== undefined) {
      if (state === null && options?.inferState !== false && ranged.length === 1) {
        state = ranged[0]!
        changes.push(`filled in state ${state} from postcode ${postcode}`)
      } else if (state !== null && options?.checkPostcode !== false && !ranged.includes(state))
        return Cleaned.invalid(
          original,
          `postcode ${postcode} belongs to ${ranged.join(" or ")}, not ${state}`,
        )
    }
  }
  const value: Address = { line1: asText(line1), line2, city: asText(city), state, postcode, country }
  return Cleaned.result(value, original, changes)
}

/** True for an address `clean` returns unchanged. */
export const isValid = (value: unknown): value is Address => {
  if (typeof value !== "object" || value === null) return false
  const keys = Object.keys(value).sort().join(",")
  return keys === "city,country,line1,line2,postcode,state" && clean(value)._tag === "Valid"
}

/** Effect Schema: decodes address parts through `clean`, encodes to the parts. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<Address>({
    identifier: "MalaysianAddress",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (address) => address,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
