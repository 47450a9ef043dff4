import * as Cleaned from "./Cleaned.js"

/** Options for `Email.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** Return internationalized domains in their ASCII (punycode) form. Default false. */
  readonly asciiDomain?: boolean | undefined
}

// RFC 5322 atext: the characters a dot-atom local part may hold. Quoted local parts are
// legal but in school data they are always a mistake, so they are refused.
const localPattern = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const asciiLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const topLabel = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/
const idnChars = /^[\p{L}\p{M}\p{N}.-]+$/u
const fastPath = /^[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const invisible = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2060\ufeff]/gu
const displayName = /^[^<>]*<([^<>]*)>\s*$/u

const toAscii = (domain: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for any non-ASCII code unit
  if (/^[\x00-\x7f]*$/.test(domain)) return domain
  if (!idnChars.test(domain)) return undefined
  try {
    // The WHATWG URL parser is the IDNA (UTS 46) implementation every runtime ships.
    const host = new URL(`http://${domain}/`).hostname
    return host.length > 0 ? host : undefined
  } catch {
    return undefined
  }
}

const checkLocal = (local: string): string | undefined => {
  if (local.length === 0) return "nothing before the @"
  if (local.startsWith('"')) return "quoted local parts are not accepted"
  if (local.length > 64) return "the part before the @ is longer than 64 characters"
  if (local.startsWith(".") || local.endsWith(".")) return "the part before the @ starts or ends with a dot"
  if (local.includes("..")) return "the part before the @ has two dots in a row"
  if (/\s/u.test(local)) return "space inside the part before the @"
  if (!localPattern.test(local)) {
    const bad = [...local].find((c) => !/[a-z0-9.!#$%&'*+/=?^_`{|}~-]/.test(c)) ?? "?"
    return `character "${bad}" is not allowed before the @`
  }
  return undefined
}

const checkDomain = (domain: string): { readonly ascii: string } | { readonly reason: string } => {
  if (domain.length === 0) return { reason: "nothing after the @" }
  if (domain.startsWith("[")) return { reason: "IP address domains are not accepted" }
  const ascii = toAscii(domain)
  if (ascii === undefined) return { reason: `"${domain}" is not a valid domain name` }
  if (ascii.length > 253) return { reason: "domain longer than 253 characters" }
  const labels = ascii.split(".")
  if (labels.length < 2) return { reason: `domain "${domain}" has no top-level part (such as .com or .my)` }
  for (const label of labels)
    if (!asciiLabel.test(label)) return { reason: `domain part "${label}" is not a valid name` }
  if (!topLabel.test(labels[labels.length - 1]!))
    return { reason: `"${labels[labels.length - 1]}" is not a top-level domain` }
  return { ascii }
}

const finish = (
  local: string,
  domain: string,
  original: string,
  changes: Array<string>,
  options: Options | undefined,
): Cleaned.Cleaned<string> => {
  const localProblem = checkLocal(local)
  if (localProblem !== undefined) return Cleaned.invalid(original, localProblem)
  const checked = checkDomain(domain)
  if ("reason" in checked) return Cleaned.invalid(original, checked.reason)
  let finalDomain = domain
  if (options?.asciiDomain === true && checked.ascii !== domain) {
    finalDomain = checked.ascii
    changes.push("converted the domain to its ASCII (punycode) form")
  }
  const address = `${local}@${finalDomain}`
  if (address.length > 254) return Cleaned.invalid(original, "address longer than 254 characters")
  return Cleaned.result(address, original, changes)
}

/** Cleans an email address: trim, lower case, NFC, unambiguous typo repair, RFC 5321/5322 subset. */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<string | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const original = read.text
  if (fastPath.test(original)) {
    const at = original.indexOf("@")
    return finish(original.slice(0, at), original.slice(at + 1), original, [], options)
  }
  const changes: Array<string> = []
  let s = original.replace(invisible, "")
  if (s !== original) changes.push("removed invisible characters")
  const trimmed = s.trim()
  if (trimmed !== s) changes.push("trimmed spaces")
  s = trimmed
  if (/^mailto:/iu.test(s)) {
    s = s.slice(7).trim()
    changes.push('removed "mailto:"')
  }
  const named = displayName.exec(s)
  if (named !== null) {
    const inner = named[1]!.trim()
    changes.push(s.startsWith("<") ? "removed angle brackets" : "removed the display name")
    s = inner
  }
  if (s.length === 0) return Cleaned.missing(original, options) as Cleaned.Cleaned<string | null>
  const nfc = s.normalize("NFC")
  if (nfc !== s) changes.push("normalized Unicode (NFC)")
  const lower = nfc.toLowerCase().normalize("NFC")
  if (lower !== nfc) changes.push("converted to lower case")
  s = lower
  if (/@\s*@/u.test(s)) {
    s = s.replace(/@(?:\s*@)+/gu, "@")
    changes.push("replaced double @ with one")
  }
  const at = s.indexOf("@")
  if (at < 0) return Cleaned.invalid(original, "no @ in the address")
  if (s.indexOf("@", at + 1) >= 0)
    return Cleaned.invalid(original, "more than one @ (two addresses in one field?)")
  let local = s.slice(0, at)
  let domain = s.slice(at + 1)
  const localTrimmed = local.replace(/\s+$/u, "").replace(/\s*\.\s*/gu, ".")
  let spaces = localTrimmed !== local
  local = localTrimmed
  const domainNoSpace = domain.replace(/\s+/gu, "")
  spaces ||= domainNoSpace !== domain
  domain = domainNoSpace
  if (spaces) changes.push("removed spaces")
  if (/[,;]$/u.test(domain)) {
    domain = domain.replace(/[,;]+$/u, "")
    changes.push("removed trailing punctuation")
  }
  if (domain.includes(",")) {
    domain = domain.replace(/,/gu, ".")
    changes.push("replaced comma with dot in the domain")
  }
  if (domain.includes("..")) {
    domain = domain.replace(/\.{2,}/gu, ".")
    changes.push("removed repeated dots in the domain")
  }
  if (domain.endsWith(".")) {
    domain = domain.replace(/\.+$/u, "")
    changes.push("removed trailing dot")
  }
  if (domain.startsWith(".")) {
    domain = domain.replace(/^\.+/u, "")
    changes.push("removed dot after the @")
  }
  return finish(local, domain, original, changes, options)
}

/** True for an address `clean` returns unchanged. */
export const isValid = (value: unknown): value is string =>
  typeof value === "string" && clean(value)._tag === "Valid"

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<string>({
    identifier: "Email",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (value) => value,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
