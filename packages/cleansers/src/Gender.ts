import * as Cleaned from "./Cleaned.js"
import * as CodeMap from "./CodeMap.js"

/** The genders the portal stores; Gibbon's "Other" is kept, "Unspecified" is no value. */
export type Gender = "male" | "female" | "other"

/** Legacy spellings in English, Malay and Chinese, including the M/F and L/P (lelaki/perempuan) codes. */
export const table: CodeMap.Table<Gender> = {
  male: ["m", "male", "man", "boy", "l", "lelaki", "laki-laki", "laki", "lk", "pria", "男", "1"],
  female: ["f", "female", "woman", "girl", "p", "perempuan", "pr", "wanita", "w", "女", "2"],
  other: ["o", "other", "lain", "lain-lain", "x"],
}

const codes = CodeMap.make(table, { name: "gender" })

// Words that mean nobody recorded the gender: they are an empty field, not an error.
const unknownWords: ReadonlySet<string> = new Set(
  ["u", "unspecified", "unknown", "n/a", "na", "-", "?", "tidak diketahui", "tiada", "none"].map(
    CodeMap.normalizeKey,
  ),
)

/** Cleans a gender code; "unspecified" and the like count as empty. */
export const clean = (input: unknown, options?: Cleaned.BaseOptions): Cleaned.Cleaned<Gender | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  if (unknownWords.has(CodeMap.normalizeKey(read.text)))
    return options?.required === true
      ? Cleaned.invalid(read.text, "missing (recorded as unspecified)")
      : Cleaned.corrected(null, read.text, [`"${read.text.trim()}" means not recorded: set to empty`])
  return codes.clean(read.text, options)
}

/** True for the stored genders. */
export const isValid = codes.isValid

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Cleaned.BaseOptions) =>
  Cleaned.schema<Gender>({
    identifier: "Gender",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (g) => g,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
