import * as Cleaned from "./Cleaned.js"

/** ABO group with Rh(D) factor. */
export type BloodType = "A+" | "A-" | "B+" | "B-" | "AB+" | "AB-" | "O+" | "O-"

const all: ReadonlySet<string> = new Set(["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"])

// Every way the Rh factor gets written, in English and Malay.
const rhWords: Readonly<Record<string, "+" | "-">> = {
  "+": "+",
  "-": "-",
  "+ve": "+",
  "-ve": "-",
  pos: "+",
  positive: "+",
  positif: "+",
  neg: "-",
  negative: "-",
  negatif: "-",
  "rh+": "+",
  "rh-": "-",
  "rhd+": "+",
  "rhd-": "-",
  rhpositive: "+",
  rhnegative: "-",
  rhdpositive: "+",
  rhdnegative: "-",
}
const unknownWords: ReadonlySet<string> = new Set([
  "unknown",
  "tidakdiketahui",
  "n/a",
  "na",
  "-",
  "?",
  "none",
  "tiada",
])
const shape = /^(ab|a|b|o|0)(.*)$/

/** Cleans a blood type: `O POS`, `o+`, `O+ve`, `AB Rh negative` → `O+`, `AB-`. */
export const clean = (input: unknown, options?: Cleaned.BaseOptions): Cleaned.Cleaned<BloodType | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const original = read.text
  if (all.has(original)) return Cleaned.valid(original as BloodType)
  const compact = original
    .toLowerCase()
    .replace(/[\s()]+/gu, "")
    .replace(/^(?:group|type|jenis|kumpulan)/u, "")
    .replace(/[−–]/gu, "-")
  if (unknownWords.has(compact))
    return options?.required === true
      ? Cleaned.invalid(original, "missing (recorded as unknown)")
      : Cleaned.corrected(null, original, [`"${original.trim()}" means not recorded: set to empty`])
  const m = shape.exec(compact)
  if (m === null) return Cleaned.invalid(original, `"${original.trim()}" is not an ABO blood group`)
  const group = m[1] === "0" ? "O" : m[1]!.toUpperCase()
  const rest = m[2]!
  if (rest === "")
    return Cleaned.invalid(original, `the Rh factor (+ or -) of blood group ${group} is missing`)
  const rh = rhWords[rest]
  if (rh === undefined) return Cleaned.invalid(original, `"${rest}" is not an Rh factor`)
  const value = `${group}${rh}` as BloodType
  const changes = [m[1] === "0" ? "read the digit 0 as group O" : "", "wrote as group and + or -"].filter(
    (c) => c !== "",
  )
  return Cleaned.corrected(value, original, changes)
}

/** True for the eight blood types. */
export const isValid = (value: unknown): value is BloodType => typeof value === "string" && all.has(value)

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Cleaned.BaseOptions) =>
  Cleaned.schema<BloodType>({
    identifier: "BloodType",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (b) => b,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
