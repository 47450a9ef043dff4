/**
 * Columns that hold credentials (legacy passwords or their hashes, salts, PINs, tokens, API keys)
 * are never copied into the ledger or a report: a row kept for an operator to read (a rejected row's
 * raw values, a profile's top values) shows a marker where such a column had a value, so "there was
 * one" stays visible while the value does not.
 */

/** What stands where a credential was. */
export const marker = "[redacted]"

// Words that name a credential wherever they stand in a column name (`passwordStrongSalt`,
// `user_password`, `api_key`), and short ones that do only as a word of their own (`pin`, not
// `opinion`; `salt`, `token`, `pwd`, `pass`).
const anywhere = ["password", "passwd", "passphrase", "secret", "apikey", "accesstoken", "privatekey"]
const words = new Set(["pwd", "pass", "pin", "salt", "token", "otp", "cvv"])

/** True when a column (or JSON key) of this name holds a credential. */
export const isSecret = (name: string): boolean => {
  const squashed = name.toLowerCase().replace(/[^a-z0-9]/g, "")
  if (anywhere.some((w) => squashed.includes(w))) return true
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
  return parts.some((p) => words.has(p))
}

const present = (v: unknown) => v !== null && v !== undefined && v !== ""

/** The value of a column as it may be shown: the marker for a credential that holds one. */
export const shown = (name: string, value: unknown): unknown =>
  isSecret(name) && present(value) ? marker : value

/** A row (or any JSON-like value) with every credential's value replaced by the marker, at any depth. */
export const redact = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.some(needs) ? value.map(redact) : value
  if (value === null || typeof value !== "object" || value instanceof Date) return value
  if (!needs(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = isSecret(k) && present(v) ? marker : redact(v)
  return out
}

// Most rows hold no credential: they are passed on as they are, without a copy.
const needs = (value: unknown): boolean => {
  if (Array.isArray(value)) return value.some(needs)
  if (value === null || typeof value !== "object" || value instanceof Date) return false
  for (const [k, v] of Object.entries(value)) if ((isSecret(k) && present(v)) || needs(v)) return true
  return false
}
