import * as Cleaned from "./Cleaned.js"

/** Sex encoded in the last digit of a MyKad number (odd male, even female). */
export type Sex = "male" | "female"

/** A cleaned MyKad number with what its digits encode. */
export interface MyKad {
  /** `YYMMDD-PB-###G`. */
  readonly number: string
  /** `YYYY-MM-DD`, century chosen by the age window in the options. */
  readonly birthDate: string
  readonly sex: Sex
  /** The two place-of-birth digits, e.g. "14". */
  readonly birthPlaceCode: string
  /** The state or foreign region those digits stand for. */
  readonly birthPlace: string
}

/** Options for `MyKad.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** Date ages are counted at, `YYYY-MM-DD`; default the current UTC date. */
  readonly referenceDate?: string | undefined
  /** Oldest plausible holder in years (the century is chosen so the age fits). Default 100. */
  readonly maxAge?: number | undefined
  /** Youngest plausible holder in years. Default 0. */
  readonly minAge?: number | undefined
  /** Birth date stated elsewhere in the record, `YYYY-MM-DD`; a different date is `Invalid`. */
  readonly birthDate?: string | null | undefined
  /** Sex stated elsewhere in the record; a different sex is `Invalid`. */
  readonly sex?: Sex | null | undefined
}

/**
 * JPN place-of-birth codes. Source: Jabatan Pendaftaran Negara, "Kod Negeri"
 * (jpn.gov.my/3_2_3_kod_negeri.php, as cited by the Malay Wikipedia "MyKad" article),
 * cross-checked with the English Wikipedia "Malaysian identity card" article.
 * 71/72 were used for births abroad before the per-country codes; 82 is "state unknown".
 */
const birthPlaces: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["Johor", ["01", "21", "22", "23", "24"]],
  ["Kedah", ["02", "25", "26", "27"]],
  ["Kelantan", ["03", "28", "29"]],
  ["Melaka", ["04", "30"]],
  ["Negeri Sembilan", ["05", "31", "59"]],
  ["Pahang", ["06", "32", "33"]],
  ["Pulau Pinang", ["07", "34", "35"]],
  ["Perak", ["08", "36", "37", "38", "39"]],
  ["Perlis", ["09", "40"]],
  ["Selangor", ["10", "41", "42", "43", "44"]],
  ["Terengganu", ["11", "45", "46"]],
  ["Sabah", ["12", "47", "48", "49"]],
  ["Sarawak", ["13", "50", "51", "52", "53"]],
  ["Wilayah Persekutuan Kuala Lumpur", ["14", "54", "55", "56", "57"]],
  ["Wilayah Persekutuan Labuan", ["15", "58"]],
  ["Wilayah Persekutuan Putrajaya", ["16"]],
  ["Brunei", ["60"]],
  ["Indonesia", ["61"]],
  ["Cambodia", ["62"]],
  ["Laos", ["63"]],
  ["Myanmar", ["64"]],
  ["Philippines", ["65"]],
  ["Singapore", ["66"]],
  ["Thailand", ["67"]],
  ["Vietnam", ["68"]],
  ["Born outside Malaysia (before 2001)", ["71", "72"]],
  ["China", ["74"]],
  ["India", ["75"]],
  ["Pakistan", ["76"]],
  ["Saudi Arabia", ["77"]],
  ["Sri Lanka", ["78"]],
  ["Bangladesh", ["79"]],
  ["State unknown", ["82"]],
  ["Asia-Pacific (Australia, New Zealand, Pacific islands)", ["83"]],
  ["South America", ["84"]],
  ["Africa", ["85"]],
  ["Europe", ["86"]],
  ["Britain and Ireland", ["87"]],
  ["Middle East", ["88"]],
  ["Far East (Japan, Korea, Taiwan)", ["89"]],
  ["Caribbean and Central America", ["90"]],
  ["North America", ["91"]],
  ["Former Soviet Union and Eastern Europe", ["92"]],
  ["Other countries", ["93"]],
  ["Stateless", ["98"]],
  ["Mecca / no information", ["99"]],
]

const placeByCode: ReadonlyMap<string, string> = new Map(
  birthPlaces.flatMap(([place, codes]) => codes.map((code) => [code, place] as const)),
)

/** The place a JPN place-of-birth code stands for, if it is a real code. */
export const birthPlaceOf = (code: string): string | undefined => placeByCode.get(code)

const canonical = /^(\d{6})-(\d{2})-(\d{4})$/
const separated = /^(\d{6})[\s\-./]*(\d{2})[\s\-./]*(\d{4})$/
const daysIn = (y: number, m: number) =>
  m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

const ageAt = (birth: string, reference: string): number => {
  const years = Number(reference.slice(0, 4)) - Number(birth.slice(0, 4))
  return reference.slice(5) < birth.slice(5) ? years - 1 : years
}

// Read the clock at most once a minute: the date part is all that matters here.
let clock = { minute: -1, date: "" }
const currentDate = (): string => {
  const minute = Math.floor(Date.now() / 60000)
  if (clock.minute !== minute) clock = { minute, date: new Date(minute * 60000).toISOString().slice(0, 10) }
  return clock.date
}

const decode = (
  digits: string,
  original: string,
  options: Options | undefined,
): Cleaned.Cleaned<MyKad> | string => {
  const yy = Number(digits.slice(0, 2))
  const mm = Number(digits.slice(2, 4))
  const dd = Number(digits.slice(4, 6))
  const code = digits.slice(6, 8)
  if (mm < 1 || mm > 12)
    return `month ${digits.slice(2, 4)} in the date part ${digits.slice(0, 6)} does not exist`
  // 29 February is checked against the century actually chosen below.
  if (dd < 1 || dd > daysIn(2000, mm))
    return `day ${digits.slice(4, 6)} in the date part ${digits.slice(0, 6)} does not exist`
  const place = placeByCode.get(code)
  if (place === undefined) return `place-of-birth code ${code} is not a JPN code`
  const reference = options?.referenceDate ?? currentDate()
  const maxAge = options?.maxAge ?? 100
  const minAge = options?.minAge ?? 0
  const real = [2000 + yy, 1900 + yy].filter((y) => dd <= daysIn(y, mm))
  if (real.length === 0)
    return `date part ${digits.slice(0, 6)} is 29 February of a year that is not a leap year`
  const candidates = real
    .map((y) => `${y}-${pad2(mm)}-${pad2(dd)}`)
    .filter((date) => date <= reference)
    .filter((date) => {
      const age = ageAt(date, reference)
      return age >= minAge && age <= maxAge
    })
  const birthDate = candidates[0]
  if (birthDate === undefined)
    return `birth date ${digits.slice(0, 6)} gives no age between ${minAge} and ${maxAge} on ${reference}`
  const sex: Sex = Number(digits[11]) % 2 === 1 ? "male" : "female"
  if (options?.birthDate !== undefined && options.birthDate !== null && options.birthDate !== birthDate)
    return `MyKad birth date ${birthDate} disagrees with the record's birth date ${options.birthDate}`
  if (options?.sex !== undefined && options.sex !== null && options.sex !== sex)
    return `MyKad sex ${sex} disagrees with the record's sex ${options.sex}`
  const number = `${digits.slice(0, 6)}-${code}-${digits.slice(8)}`
  const value: MyKad = { number, birthDate, sex, birthPlaceCode: code, birthPlace: place }
  if (number === original) return Cleaned.valid(value)
  return Cleaned.corrected(value, original, [])
}

/**
 * Cleans a 12-digit MyKad number (`YYMMDD-PB-###G`, with or without separators): checks the
 * date and the place-of-birth code, decodes birth date and sex, cross-checks stated values.
 * Old 7-digit and letter-prefixed IC numbers and passport numbers are `Invalid`, never guessed into MyKads.
 */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<MyKad | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const original = read.text
  const fast = canonical.exec(original)
  const changes: Array<string> = []
  let digits: string
  if (fast !== null) digits = fast[1]! + fast[2]! + fast[3]!
  else {
    const text = original.normalize("NFKC").trim()
    if (text !== original)
      changes.push(text === original.trim() ? "trimmed spaces" : "converted full-width digits")
    if (/[a-z]/iu.test(text)) {
      return Cleaned.invalid(
        original,
        /^[a-z]{1,2}\s*\d{6,9}$/iu.test(text)
          ? "not a MyKad number: looks like a passport or old IC number (letters and digits)"
          : "not a MyKad number: contains letters",
      )
    }
    const parts = separated.exec(text)
    if (parts !== null) {
      digits = parts[1]! + parts[2]! + parts[3]!
      if (!/^\d{12}$/u.test(text)) changes.push("rewrote separators as YYMMDD-PB-###G")
      else changes.push("added dashes")
    } else if (/^\d{11}$/u.test(text) && typeof input === "number") {
      // A numeric column drops the leading zero of everyone born in 2000–2009.
      digits = `0${text}`
      changes.push("restored the leading 0 lost in a numeric column", "added dashes")
    } else {
      const count = text.replace(/\D/gu, "").length
      return Cleaned.invalid(
        original,
        count === 7 || count === 8
          ? "not a MyKad number: looks like an old (pre-1990) IC number"
          : `not a MyKad number: expected 12 digits, found ${count}`,
      )
    }
  }
  const decoded = decode(digits, original, options)
  if (typeof decoded === "string") return Cleaned.invalid(original, decoded)
  if (decoded._tag !== "Corrected") return decoded
  return Cleaned.corrected(
    decoded.value,
    original,
    changes.length > 0 ? changes : ["rewrote as YYMMDD-PB-###G"],
  )
}

/** True for a MyKad value whose number decodes to the same fields. */
export const isValid = (value: unknown): value is MyKad => {
  if (typeof value !== "object" || value === null) return false
  const kad = value as MyKad
  if (typeof kad.number !== "string" || !canonical.test(kad.number)) return false
  const again = clean(kad.number, { referenceDate: "9999-12-31", maxAge: 8000 })
  return (
    again._tag === "Valid" &&
    again.value !== null &&
    again.value.sex === kad.sex &&
    again.value.birthPlaceCode === kad.birthPlaceCode &&
    again.value.birthDate.slice(2) === kad.birthDate.slice(2)
  )
}

/** Effect Schema: decodes any input through `clean`, encodes to `YYMMDD-PB-###G`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<MyKad>({
    identifier: "MyKad",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (value) => value.number,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
