import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  type PhoneNumber,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from "libphonenumber-js/max"
import metadata from "libphonenumber-js/metadata.max.json"
import * as Cleaned from "./Cleaned.js"
import * as Memo from "./Memo.js"

/** What kind of line a number is, as libphonenumber's full metadata classifies it. */
export type LineType =
  | "mobile"
  | "fixed_line"
  | "fixed_line_or_mobile"
  | "toll_free"
  | "premium_rate"
  | "shared_cost"
  | "voip"
  | "personal_number"
  | "pager"
  | "uan"
  | "voicemail"
  | "unknown"

/** A cleaned phone number. */
export interface Phone {
  /** E.164, e.g. `+60123456789`. */
  readonly number: string
  /** Extension digits, when the input had one. */
  readonly extension?: string
  /** ISO 3166 alpha-2 region of the number, when it belongs to one. */
  readonly country: string | null
  readonly type: LineType
  /**
   * A Malaysian mobile number of the right shape (01X and seven digits; 011 and 015 with eight) in a
   * block libphonenumber's metadata does not list yet. Kept, since the plan outruns the metadata;
   * callers note it (rule `unlisted_block`).
   */
  readonly unlistedBlock?: true
}

/** The note a caller records for a number with `unlistedBlock`. */
export const unlistedBlockNote =
  "a well-formed Malaysian mobile number in a block libphonenumber does not list; kept as written"

/** Options for `Phone.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** Region for numbers written without a country code. Default "MY". */
  readonly region?: string | undefined
  /** Country calling code stored in its own column (Gibbon's `phone1CountryCode`). */
  readonly countryCode?: string | number | null | undefined
}

/** A number with its country code stored apart, as Gibbon keeps them. */
export interface SplitNumber {
  readonly countryCode?: string | number | null | undefined
  readonly number: string | number | null | undefined
}

/** The canonical text of a cleaned number: E.164 plus ` ext. N`. */
export const format = (phone: Phone): string =>
  phone.extension === undefined ? phone.number : `${phone.number} ext. ${phone.extension}`

const extensionPattern =
  /^(.*?\d[\s\-.)]*?)[\s,;]*(?:ext\.?|extn\.?|extension|x|#|samb\.?|sambungan)[\s.:#]*(\d{1,7})$/iu
const letters = /\p{L}/u
const separatorNames: ReadonlyArray<readonly [RegExp, string]> = [
  [/\s/u, "removed spaces"],
  [/-/u, "removed dashes"],
  [/[()]/u, "removed brackets"],
  [/\./u, "removed dots"],
  [/\//u, "removed slashes"],
]
const e164Pattern = /^\+[1-9]\d{6,14}$/
const typeNames: Readonly<Record<string, LineType>> = {
  MOBILE: "mobile",
  FIXED_LINE: "fixed_line",
  FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
  TOLL_FREE: "toll_free",
  PREMIUM_RATE: "premium_rate",
  SHARED_COST: "shared_cost",
  VOIP: "voip",
  PERSONAL_NUMBER: "personal_number",
  PAGER: "pager",
  UAN: "uan",
  VOICEMAIL: "voicemail",
}
const lengthReasons: Readonly<Record<string, (where: string) => string>> = {
  TOO_SHORT: (where) => `too short for ${where} number`,
  TOO_LONG: (where) => `too long for ${where} number`,
  INVALID_LENGTH: (where) => `impossible length for ${where} number`,
  INVALID_COUNTRY: () => "unknown country calling code",
  NOT_A_NUMBER: () => "not a phone number",
}

/**
 * Fixed-line and mobile patterns of one region, read from the same metadata libphonenumber
 * uses. Parsing is the costly part of cleaning a phone; already-national numbers of the
 * default region are the bulk of school data, and for them two anchored regexes decide
 * exactly what libphonenumber would (a test keeps the two in step).
 */
interface FastRegion {
  readonly callingCode: string
  readonly fixed: RegExp
  readonly fixedLengths: ReadonlySet<number>
  readonly mobile: RegExp
  readonly mobileLengths: ReadonlySet<number>
}

type TypeDesc = readonly [string, ReadonlyArray<number>?]
const fastRegions = new Map<string, FastRegion | null>()
const fastRegion = (region: string): FastRegion | null => {
  const cached = fastRegions.get(region)
  if (cached !== undefined) return cached
  let built: FastRegion | null = null
  const entry = (metadata.countries as unknown as Record<string, ReadonlyArray<unknown>>)[region]
  const types = entry?.[11] as ReadonlyArray<TypeDesc | 0> | undefined
  const fixed = types?.[0]
  const mobile = types?.[1]
  const sharers = entry === undefined ? undefined : metadata.country_calling_codes[String(entry[0])]
  // Only regions with the plain layout this reader knows ("0" trunk prefix, no prefix
  // rewriting) and a calling code of their own (+1 and +7 need libphonenumber to pick the region).
  if (
    entry !== undefined &&
    sharers?.length === 1 &&
    entry[5] === "0" &&
    entry[6] === 0 &&
    entry[7] === 0 &&
    fixed &&
    mobile
  ) {
    built = {
      callingCode: String(entry[0]),
      fixed: new RegExp(`^(?:${fixed[0]})$`),
      fixedLengths: new Set(fixed[1] ?? (entry[3] as ReadonlyArray<number>)),
      mobile: new RegExp(`^(?:${mobile[0]})$`),
      mobileLengths: new Set(mobile[1] ?? (entry[3] as ReadonlyArray<number>)),
    }
  }
  fastRegions.set(region, built)
  return built
}

const fastType = (fast: FastRegion, nsn: string): LineType | undefined => {
  const isFixed = fast.fixedLengths.has(nsn.length) && fast.fixed.test(nsn)
  const isMobile = fast.mobileLengths.has(nsn.length) && fast.mobile.test(nsn)
  if (isFixed && isMobile) return "fixed_line_or_mobile"
  if (isMobile) return "mobile"
  if (isFixed) return "fixed_line"
  return undefined
}

/** Malaysia's calling code, and the shape of its mobile numbers after it: 1X and seven digits, 11 and 15 eight. */
const myCallingCode = "60"
const myMobileShape = /^1(?:[02-46-9]\d{7}|[15]\d{8})$/u

/** Digits after `+60` shaped like a mobile number that the metadata does not list. */
const unlistedMobile = (nsn: string): Phone | undefined =>
  // A subscriber part of one repeated digit (`015-0000 0000`) is a placeholder, not a number.
  myMobileShape.test(nsn) && !/^(\d)\1+$/u.test(nsn.slice(2))
    ? { number: `+${myCallingCode}${nsn}`, country: "MY", type: "mobile", unlistedBlock: true }
    : undefined

/**
 * Says what is wrong with digits after `+60` that start like a mobile number (1X) but are not one:
 * the count of digits, which is what a reader can fix, rather than libphonenumber's view of the
 * whole number. Undefined for anything else.
 */
const myMobileLengthReason = (nsn: string): string | undefined => {
  if (!/^1[0-9]/u.test(nsn) || /^1[38]00/u.test(nsn)) return undefined
  const expected = /^1[15]/u.test(nsn) ? 10 : 9
  return nsn.length === expected
    ? undefined
    : `a MY mobile number has ${expected} digits after +60 (0${nsn.slice(0, 2)} and ${expected - 2} more); this one has ${nsn.length}`
}

const fromParsed = (parsed: PhoneNumber, extension: string | undefined): Phone => {
  const type = parsed.getType()
  const base = {
    number: parsed.number,
    country: parsed.country ?? null,
    type: (type === undefined ? undefined : typeNames[type]) ?? "unknown",
  }
  return extension === undefined ? base : { ...base, extension }
}

const digitsOf = (text: string): string => text.replace(/\D/gu, "")

const callingCodeOf = (value: string | number): string | undefined => {
  const digits = digitsOf(String(value)).replace(/^00/u, "")
  return /^[1-9]\d{0,2}$/u.test(digits) ? digits : undefined
}

const regionCallingCode = (region: string): string | undefined =>
  isSupportedCountry(region) ? getCountryCallingCode(region) : undefined

const invalidNumber = (original: string, e164: string, region: string | undefined): Cleaned.Invalid => {
  const mobileReason = e164.startsWith(`+${myCallingCode}`)
    ? myMobileLengthReason(e164.slice(1 + myCallingCode.length))
    : undefined
  if (mobileReason !== undefined) return Cleaned.invalid(original, mobileReason)
  const length = validatePhoneNumberLength(e164)
  const where = region === undefined ? "an international" : `a ${region}`
  const why = length === undefined ? undefined : lengthReasons[length]
  return Cleaned.invalid(
    original,
    why !== undefined
      ? why(where)
      : region === undefined
        ? "not a valid phone number"
        : `not a valid ${region} number`,
  )
}

const cleanText = (text: string, region: string, splitCode: string | undefined): Cleaned.Cleaned<Phone> => {
  if (e164Pattern.test(text) && splitCode === undefined) {
    const fast = fastRegion(region)
    if (fast !== null && text.startsWith(fast.callingCode, 1)) {
      const type = fastType(fast, text.slice(1 + fast.callingCode.length))
      if (type !== undefined) return Cleaned.valid({ number: text, country: region, type })
    }
    const unlisted = text.startsWith(myCallingCode, 1) ? unlistedMobile(text.slice(3)) : undefined
    if (unlisted !== undefined) return Cleaned.valid(unlisted)
  }
  const changes: Array<string> = []
  let body = text.normalize("NFKC")
  if (body !== text) changes.push("converted full-width characters")
  body = body.trim().replace(/^tel:/iu, "")
  let extension: string | undefined
  const ext = extensionPattern.exec(body)
  if (ext !== null) {
    body = ext[1]!
    extension = ext[2]!
  }
  if (letters.test(body)) return Cleaned.invalid(text, "contains letters")
  const groups = body.split(/[/,;&|]|\s{2,}/u).filter((part) => digitsOf(part).length >= 7)
  if (groups.length > 1) return Cleaned.invalid(text, "holds more than one phone number")
  if (/[^\d\s\-.()/+]/u.test(body))
    return Cleaned.invalid(text, "contains characters that are not part of a number")
  if (/^\s*\+\s*\d{1,3}[\s-]*\(0\)/u.test(body)) {
    body = body.replace(/\(0\)/u, "")
    changes.push("removed the (0) trunk prefix")
  }
  const plus = body.trimStart().startsWith("+")
  if (body.lastIndexOf("+") > body.indexOf("+") || (!plus && body.includes("+")))
    return Cleaned.invalid(text, "has a + in the middle")
  for (const [pattern, name] of separatorNames) if (pattern.test(body)) changes.push(name)
  const digits = digitsOf(body)
  if (digits.length === 0) return Cleaned.invalid(text, "contains no digits")
  if (digits.length < 6) return Cleaned.invalid(text, "too short to be a phone number")
  let international: string | undefined
  if (plus) international = digits
  else if (digits.startsWith("00")) {
    international = digits.slice(2)
    changes.push("replaced international prefix 00 with +")
  } else if (splitCode !== undefined) {
    const national = digits.startsWith("0") ? digits.slice(1) : digits
    if (digits.startsWith("0")) changes.push("removed the leading 0")
    if (national.startsWith(splitCode) && digits.length >= 10 && !digits.startsWith("0")) {
      international = national
      changes.push(`ignored the separate country code (the number already has +${splitCode})`)
    } else {
      international = splitCode + national
      changes.push(`joined the separately stored country code +${splitCode}`)
    }
  }
  const parsedRegion = isSupportedCountry(region) ? (region as CountryCode) : undefined
  if (international !== undefined) {
    const e164 = `+${international}`
    const fast = fastRegion(region)
    if (fast !== null && international.startsWith(fast.callingCode)) {
      const type = fastType(fast, international.slice(fast.callingCode.length))
      if (type !== undefined) return finish({ number: e164, country: region, type }, extension, text, changes)
    }
    const parsed = parsePhoneNumberFromString(e164)
    if (parsed?.isValid()) return finish(fromParsed(parsed, undefined), extension, text, changes)
    const unlisted = international.startsWith(myCallingCode)
      ? unlistedMobile(international.slice(myCallingCode.length))
      : undefined
    if (unlisted !== undefined) return finish(unlisted, extension, text, changes)
    return invalidNumber(text, e164, parsed?.country)
  }
  const fast = fastRegion(region)
  if (fast !== null) {
    const candidates: ReadonlyArray<readonly [string, string]> = [
      [
        digits.startsWith("0") ? digits.slice(1) : "",
        `replaced the leading 0 with country code +${fast.callingCode}`,
      ],
      [
        digits.startsWith(fast.callingCode) ? digits.slice(fast.callingCode.length) : "",
        `added + before country code ${fast.callingCode}`,
      ],
      [digits.startsWith("0") ? "" : digits, `added country code +${fast.callingCode}`],
    ]
    for (const [nsn, change] of candidates) {
      const type = nsn.length > 0 ? fastType(fast, nsn) : undefined
      if (type !== undefined)
        return finish({ number: `+${fast.callingCode}${nsn}`, country: region, type }, extension, text, [
          ...changes,
          change,
        ])
    }
    // Only once no reading gives a listed number: `60 13-012 3456` is then +60 13-012 3456.
    if (fast.callingCode === myCallingCode)
      for (const [nsn, change] of candidates) {
        const unlisted = nsn.length > 0 ? unlistedMobile(nsn) : undefined
        if (unlisted !== undefined) return finish(unlisted, extension, text, [...changes, change])
      }
  }
  if (parsedRegion === undefined)
    return Cleaned.invalid(text, `unknown region "${region}" and no country code`)
  const parsed = parsePhoneNumberFromString(digits, parsedRegion)
  if (parsed === undefined || !parsed.isValid()) {
    const cc = regionCallingCode(region) ?? ""
    // `6017…` with ten or more digits was written with its country code: judge it as such.
    const e164 =
      cc !== "" && digits.startsWith(cc) && digits.length >= 10
        ? `+${digits}`
        : `+${cc}${digits.replace(/^0/u, "")}`
    return invalidNumber(text, e164, region)
  }
  const cc = parsed.countryCallingCode
  const nsn = parsed.nationalNumber
  if (digits === cc + nsn) changes.push(`added + before country code ${cc}`)
  else if (digits === nsn) changes.push(`added country code +${cc}`)
  else
    changes.push(
      `replaced the national prefix ${digits.slice(0, digits.length - nsn.length)} with country code +${cc}`,
    )
  return finish(fromParsed(parsed, undefined), extension, text, changes)
}

const finish = (
  phone: Phone,
  extension: string | undefined,
  original: string,
  changes: Array<string>,
): Cleaned.Cleaned<Phone> => {
  const value: Phone = extension === undefined ? phone : { ...phone, extension }
  if (format(value) === original) return Cleaned.valid(value)
  if (extension !== undefined && !original.endsWith(` ext. ${extension}`))
    changes.push('wrote the extension as "ext."')
  if (changes.length === 0) changes.push("reformatted")
  return Cleaned.corrected(value, original, changes)
}

const memo = Memo.make<Cleaned.Cleaned<Phone>>(50_000)

/**
 * Cleans a phone number to E.164 and tells mobile from fixed line. Accepts national
 * (`012-345 6789`), international (`+60 12-345 6789`, `0060…`, `6012…`) and split
 * (`{ countryCode: "60", number: "0123456789" }`) forms, with extensions.
 */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<Phone | null> => {
  let raw: unknown = input
  let splitCodeInput = options?.countryCode
  if (typeof input === "object" && input !== null && "number" in input) {
    const split = input as SplitNumber
    raw = split.number
    splitCodeInput = split.countryCode ?? splitCodeInput
  }
  const read = Cleaned.readText(raw, options)
  if (read._tag !== "Text") return read.result
  const region = (options?.region ?? "MY").toUpperCase()
  let splitCode: string | undefined
  if (splitCodeInput !== undefined && splitCodeInput !== null && String(splitCodeInput).trim() !== "") {
    splitCode = callingCodeOf(splitCodeInput)
    if (splitCode === undefined)
      return Cleaned.invalid(read.text, `"${String(splitCodeInput)}" is not a country calling code`)
  }
  const key = `${region}|${splitCode ?? ""}|${read.text}`
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const cleaned = cleanText(read.text, region, splitCode)
  memo.set(key, cleaned)
  return cleaned
}

/** True for a phone value whose canonical text cleans to itself. */
export const isValid = (value: unknown): value is Phone => {
  if (typeof value !== "object" || value === null) return false
  const phone = value as Phone
  if (typeof phone.number !== "string" || !e164Pattern.test(phone.number)) return false
  const again = clean(format(phone))
  return again._tag === "Valid" && again.value !== null && again.value.number === phone.number
}

/** Effect Schema: decodes any input through `clean`, encodes to the canonical text. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<Phone>({ identifier: "Phone", clean: (input) => clean(input, options), is: isValid, format })

/** Effect Schema with the default options. */
export const schema = schemaWith()
