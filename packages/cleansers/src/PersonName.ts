import * as Cleaned from "./Cleaned.js"
import * as Memo from "./Memo.js"
import * as Text from "./Text.js"

/** Options for `PersonName.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** Write abbreviated particles in full (`bt` → `binti`, `b.` → `bin`). Default false. */
  readonly expandParticles?: boolean | undefined
}

/**
 * Connecting words written in lower case when they are not the first word: Malay
 * patronymics (`bin`, `binti` and their abbreviations), Indian (`a/l`, `a/p`, `s/o`,
 * `d/o`), Iban (`anak`), royal (`ibni`) and European (`van`, `de`) particles.
 */
const particles: ReadonlyMap<string, string> = new Map(
  [
    "bin",
    "bn",
    "bn.",
    "b.",
    "binti",
    "binte",
    "bte",
    "bte.",
    "bt",
    "bt.",
    "bint",
    "a/l",
    "a/p",
    "s/o",
    "d/o",
    "anak",
    "ak",
    "ak.",
    "ibni",
    "ibnu",
    "van",
    "von",
    "der",
    "den",
    "de",
    "da",
    "das",
    "dos",
    "di",
    "du",
    "del",
    "della",
    "la",
    "le",
  ].map((p) => [p, p] as const),
)

/**
 * Particles that can start a name field (a surname field kept apart: `BINTI ALI`, `A/L RAJ`) and
 * stay lower case there too. Not `b.`, `bn` or `ak`, which at the start are more likely initials.
 */
const leadingParticles: ReadonlySet<string> = new Set([
  "bin",
  "binti",
  "binte",
  "bint",
  "bte",
  "bte.",
  "bt",
  "bt.",
  "a/l",
  "a/p",
  "s/o",
  "d/o",
  "anak",
  "ibni",
  "ibnu",
])

/** Abbreviations `expandParticles` writes out. */
const expansions: Readonly<Record<string, string>> = {
  bn: "bin",
  "bn.": "bin",
  "b.": "bin",
  bt: "binti",
  "bt.": "binti",
  bte: "binti",
  "bte.": "binti",
  ak: "anak",
  "ak.": "anak",
}

const romanNumerals: ReadonlySet<string> = new Set(["ii", "iii", "iv", "vi", "vii", "viii", "ix"])
// "Mac" starts many names that are not Scottish patronymics; these keep one capital.
const macExceptions: ReadonlySet<string> = new Set([
  "mace",
  "macedo",
  "macey",
  "macha",
  "machado",
  "machel",
  "machin",
  "macias",
  "macio",
  "mack",
  "mackie",
  "macon",
])
const arabicArticle = /^(al|el)-(.+)$/u
const slashParticle = /(^|\s)([adsADS])\s*\/\s*([lopLOP])(?=\s|$)/gu
const slashToken = /(?<=^|\s)[adsADS]\/[lopLOP](?=\s|$)/gu
const latin = /\p{Script=Latin}/u
const digits = /\p{Nd}/u
const letter = /\p{L}/u

const capitalize = (word: string): string => {
  const first = word.codePointAt(0)
  if (first === undefined) return word
  const head = String.fromCodePoint(first)
  const upper = head.toUpperCase()
  // A letter whose capital is two letters (ß → SS) stays as it is: "SSchmidt" is not a name, and
  // cleaning the result again would recase it once more.
  return (upper.length === head.length ? upper : head) + word.slice(head.length)
}

// Capitals go after the start, a hyphen, a dot or a bracket; after an apostrophe only in
// O'/D' names (O'Brien, D'Cruz), since Malay names like Nur'ain keep it lower case.
const titleWord = (word: string): string => {
  const lower = word.toLowerCase()
  const apostrophe = /^([od])['’](\p{L}.*)$/u.exec(lower)
  if (apostrophe !== null) return `${apostrophe[1]!.toUpperCase()}'${titleWord(apostrophe[2]!)}`
  const pieces = lower.split(/([-.(])/u)
  return pieces
    .map((piece) => {
      if (piece.startsWith("mc") && piece.length > 3) return `Mc${capitalize(piece.slice(2))}`
      if (piece.startsWith("mac") && piece.length > 5 && !macExceptions.has(piece))
        return `Mac${capitalize(piece.slice(3))}`
      return capitalize(piece)
    })
    .join("")
}

const recaseToken = (token: string, index: number, expand: boolean): string => {
  if (!latin.test(token)) return token
  const lower = token.toLowerCase()
  if (index > 0 || leadingParticles.has(lower)) {
    const particle = particles.get(lower)
    if (particle !== undefined) return expand ? (expansions[particle] ?? particle) : particle
  }
  if (index > 0 && romanNumerals.has(lower)) return lower.toUpperCase()
  const article = arabicArticle.exec(lower)
  if (article !== null)
    return `${index === 0 ? capitalize(article[1]!) : article[1]}-${titleWord(article[2]!)}`
  return titleWord(lower)
}

const caseOf = (text: string): "upper" | "lower" | "mixed" | "none" => {
  let upper = false
  let lower = false
  for (const c of text) {
    const u = c.toUpperCase()
    const l = c.toLowerCase()
    if (u === l) continue
    if (c === u) upper = true
    else if (c === l) lower = true
    if (upper && lower) return "mixed"
  }
  return upper ? "upper" : lower ? "lower" : "none"
}

/**
 * Cleans a person's name: whitespace, NFC and mojibake always; capitalization only when
 * the whole name is in one case, following Malay, Arabic-derived, Indian and Celtic rules.
 */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<string | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const key = (options?.expandParticles === true ? "1" : "0") + read.text
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const cleaned = cleanText(read.text, options)
  memo.set(key, cleaned)
  return cleaned
}

// Names repeat across a school's tables (every enrolment, invoice and attendance row).
const memo = Memo.make<Cleaned.Cleaned<string | null>>(20_000)

const cleanText = (original: string, options: Options | undefined): Cleaned.Cleaned<string | null> => {
  const normalized = Text.normalize(original)
  const changes = [...normalized.changes]
  let name = normalized.value
  if (name.length === 0) return Cleaned.missing(original, options)
  if (digits.test(name)) return Cleaned.invalid(original, "contains digits")
  if (!letter.test(name)) return Cleaned.invalid(original, "contains no letters")
  const joined = name.replace(slashParticle, (_m, space: string, a: string, b: string) => `${space}${a}/${b}`)
  if (joined !== name) {
    changes.push("removed spaces around the slash in a/l, a/p, s/o or d/o")
    name = joined
  }
  const expand = options?.expandParticles === true
  // a/l, a/p, s/o and d/o are written lower case in any name, so they do not count for its case.
  const casing = caseOf(name.replace(slashToken, ""))
  if (casing === "upper" || casing === "lower") {
    const recased = name
      .split(" ")
      .map((token, i) => recaseToken(token, i, expand))
      .join(" ")
    // A recasing that the text repair would change again (lower case can turn broken bytes into
    // valid mojibake: "Ã€©" into "ã€©") is not made, so that a cleaned name cleans to itself.
    if (recased !== name && Text.normalize(recased).value === recased) {
      changes.push(`capitalized the name (it was all ${casing} case)`)
      name = recased
    }
  } else {
    // A name in mixed case keeps its capitals, but not in a/l, a/p, s/o or d/o.
    const lowered = name.replace(slashToken, (m) => m.toLowerCase())
    if (lowered !== name) {
      changes.push("wrote a/l, a/p, s/o or d/o in lower case")
      name = lowered
    }
  }
  let expanded = false
  if (expand && casing !== "upper" && casing !== "lower") {
    const full = name
      .split(" ")
      .map((token, i) => (i > 0 ? (expansions[token.toLowerCase()] ?? token) : token))
      .join(" ")
    expanded = full !== name
    name = full
  }
  if (expanded) {
    changes.push("wrote abbreviated particles in full")
  } else if (
    expand &&
    /\b(?:bin|binti|anak)\b/u.test(name) &&
    changes.some((c) => c.startsWith("capitalized"))
  ) {
    const before = original.toLowerCase().split(/\s+/u)
    if (before.some((t) => expansions[t] !== undefined)) changes.push("wrote abbreviated particles in full")
  }
  return Cleaned.result(name, original, changes)
}

/** True for a name `clean` returns unchanged. */
export const isValid = (value: unknown): value is string =>
  typeof value === "string" && clean(value)._tag === "Valid"

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<string>({
    identifier: "PersonName",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (value) => value,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
