import * as Cleaned from "./Cleaned.js"

/** Options for `Text.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** Keep line breaks (free-text notes); otherwise every whitespace run becomes one space. Default false. */
  readonly multiline?: boolean | undefined
  /** Longer results are `Invalid`. */
  readonly maxLength?: number | undefined
}

// Windows-1252 puts printable characters where latin1 has C1 controls; a UTF-8 byte read
// through cp1252 shows up as one of these, so mapping them back recovers the byte.
const cp1252Bytes: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0x80],
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85],
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x201c, 0x93],
  [0x201d, 0x94],
  [0x2022, 0x95],
  [0x2013, 0x96],
  [0x2014, 0x97],
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
])

// A UTF-8 lead byte (as latin1) followed by a continuation byte (as latin1 or cp1252):
// the fingerprint of double encoding. Text without it is never touched.
const mojibakePattern =
  /[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/u

const utf8 = new TextDecoder("utf-8", { fatal: true })

const undoOnce = (text: string): string | undefined => {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const byte = code <= 0xff ? code : cp1252Bytes.get(code)
    // A character no single byte could have produced means the text is not a misread
    // byte string (it holds real non-Latin text), so any "repair" would be a guess.
    if (byte === undefined) return undefined
    bytes[i] = byte
  }
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * Undoes UTF-8 that was read as latin1/cp1252 (`Ã©` → `é`), also when it happened twice.
 * Only when every character maps back to a byte and the bytes are valid UTF-8.
 */
export const repairEncoding = (text: string): string | undefined => {
  if (!mojibakePattern.test(text)) return undefined
  let current = text
  // Each successful round turns multi-byte sequences into single characters, so the text
  // shrinks and the loop ends; repeating it undoes text that was misread more than once.
  while (mojibakePattern.test(current)) {
    const next = undoOnce(current)
    if (next === undefined || next.length >= current.length) break
    current = next
  }
  return current === text ? undefined : current
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const controlPattern = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/gu
// Invisible characters that only ever get in the way in a field value.
const invisiblePattern = /[\u00ad\u180e\u200b\u200e\u200f\u2060\ufeff]/gu
// ZWJ/ZWNJ shape Arabic, Persian and Indic text, so they are only dropped next to Latin.
const joinerPattern = /[\u200c\u200d]/gu
const nonLatinLetter = /[\p{L}\p{M}\p{Extended_Pictographic}]/u
const latinLetter = /\p{Script=Latin}/u
const cleanAscii = /^(?:[!-~]+ )*[!-~]+$/
const lineBreaks = /\r\n?|[\u0085\u2028\u2029]/gu
const spaceRuns = /[\s\p{Zs}\u0085]+/gu
const inlineSpaceRuns = /[^\S\n]+/gu

const dropJoiners = (text: string): string =>
  text.replace(joinerPattern, (joiner, offset: number) => {
    const before = text[offset - 1] ?? ""
    const after = text[offset + 1] ?? ""
    const keeps = (c: string) => nonLatinLetter.test(c) && !latinLetter.test(c)
    return keeps(before) && keeps(after) ? joiner : ""
  })

const normalizeOnce = (
  input: string,
  multiline = false,
): { readonly value: string; readonly changes: ReadonlyArray<string> } => {
  if (cleanAscii.test(input)) return { value: input, changes: [] }
  const changes: Array<string> = []
  // Invisible characters go first, since one inside a misread sequence hides it from the
  // repair, and again after it, since a repaired sequence can itself be one (â€‹ is U+200B).
  const visible = dropJoiners(input.replace(invisiblePattern, ""))
  const repaired = repairEncoding(visible)
  if (repaired !== undefined) changes.push("repaired text encoding (UTF-8 read as Windows-1252)")
  const decoded = repaired ?? visible
  const noControls = decoded.replace(controlPattern, "")
  if (noControls !== decoded) changes.push("removed control characters")
  const noInvisible =
    repaired === undefined ? noControls : dropJoiners(noControls.replace(invisiblePattern, ""))
  if (visible !== input || noInvisible !== noControls) changes.push("removed zero-width characters")
  const nfc = noInvisible.normalize("NFC")
  if (nfc !== noInvisible) changes.push("normalized Unicode (NFC)")
  const spaced = multiline
    ? nfc
        .replace(lineBreaks, "\n")
        .replace(inlineSpaceRuns, " ")
        .replace(/ ?\n ?/g, "\n")
    : nfc.replace(spaceRuns, " ")
  const trimmed = spaced.trim()
  if (spaced !== nfc) changes.push(multiline ? "normalized spaces and line breaks" : "normalized whitespace")
  if (trimmed !== spaced) changes.push("trimmed surrounding whitespace")
  return { value: trimmed, changes }
}

/** The repaired text with the list of changes made; the shared core of the text-like cleansers. */
export const normalize = (
  input: string,
  multiline = false,
): { readonly value: string; readonly changes: ReadonlyArray<string> } => {
  let result = normalizeOnce(input, multiline)
  // One step can expose work for another (a stray space in front of a misread sequence
  // hides it from the repair until trimmed), so repeat until nothing changes.
  for (let pass = 0; pass < 3 && result.changes.length > 0; pass++) {
    const again = normalizeOnce(result.value, multiline)
    if (again.changes.length === 0) break
    result = { value: again.value, changes: [...new Set([...result.changes, ...again.changes])] }
  }
  return result
}

/** Cleans free text: control and zero-width characters, mojibake, NFC, whitespace. */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<string | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const { value, changes } = normalize(read.text, options?.multiline === true)
  if (value.length === 0) return Cleaned.missing(read.text, options)
  if (options?.maxLength !== undefined && value.length > options.maxLength)
    return Cleaned.invalid(read.text, `longer than ${options.maxLength} characters`)
  return Cleaned.result(value, read.text, changes)
}

/** True for text `clean` would return unchanged. */
export const isValid = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0 && normalize(value, value.includes("\n")).changes.length === 0

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<string>({
    identifier: "Text",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (value) => value,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
