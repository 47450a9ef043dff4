/**
 * Password policy for migrated accounts. A plaintext password is never written, logged or put in a
 * note. `force-reset`: the argon2id hash of a random secret nobody knows, one of the account's own,
 * and the user must set a
 * password. `carry-over`: a hash in a format the portal can verify is kept with its algorithm tag
 * (verified once, then rehashed); anything else is treated as `force-reset`, since an unrecognised
 * value may be a plaintext password. See docs/reference/mappings/passwords.md for the trade-offs and
 * the measured costs.
 */

import { randomBytes } from "node:crypto"
import { type Algorithm, hashSync } from "@node-rs/argon2"

// The library's const enum cannot be read under verbatimModuleSyntax; 2 is its Argon2id member.
const argon2id = 2 as Algorithm.Argon2id

/** The manifest's choice. */
export type Policy = "force-reset" | "carry-over"

/** The password columns of `auth.users`. */
export interface Columns {
  readonly password_hash: string | null
  readonly password_algorithm: string | null
  readonly must_reset_password: boolean
}

/** Why a carry-over fell back to a reset (for a note; never contains the value). */
export type Fallback = "missing" | "unrecognised" | "weak"

/** argon2id cost parameters (memory in KiB, passes, lanes). */
export interface Params {
  readonly memoryCost: number
  readonly timeCost: number
  readonly parallelism: number
}

/**
 * The library's own defaults, the OWASP minimum for argon2id (19 MiB, 2 passes, 1 lane): about 11–16 ms
 * a hash on the migration host, so fine once per run or per PIN, too slow once per user.
 */
export const defaultParams: Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

/**
 * The argon2id hash (PHC string, tag `argon2id`) of a secret: a PIN, a one-time password. About 15 ms
 * at the default params; the secret is never kept.
 */
export const hashSecret = (secret: string | Uint8Array, params: Params = defaultParams): string =>
  hashSync(secret, { algorithm: argon2id, ...params })

/**
 * Cost parameters of a force-reset hash: the least argon2id allows (8 KiB, one pass). A work factor
 * protects a secret a person chose and might be guessed; a reset account's secret is 256 random bits
 * that nobody ever holds, so there is nothing to guess, and at about 0.1 ms a hash every account of a
 * big school gets its own without slowing the run. The portal rehashes at its own cost once the user
 * sets a password.
 */
export const resetParams: Params = { memoryCost: 8, timeCost: 1, parallelism: 1 }

/**
 * The force-reset hashes of a run: each call of `next` hashes a new 256-bit random secret, dropped at
 * once, with a new salt, so no two accounts share a hash and none can be logged into ("no usable
 * password", in a form the portal's verify path handles like any other). Made only by `resetHash`.
 */
export interface ResetHash {
  readonly _tag: "ResetHash"
  readonly next: () => string
}

/**
 * Makes a run's force-reset hashes. Impure (randomness): made once when a run is wired and passed
 * to the mappers in their options, so a test can give them a deterministic one.
 */
export const resetHash = (params: Params = resetParams): ResetHash => ({
  _tag: "ResetHash",
  next: () => hashSecret(randomBytes(32), params),
})

// Formats the portal verifies. Unsalted md5/sha1 are recognised only to be refused: too weak to keep.
// Gibbon's salted sha256 has no self-describing format; Gibbon.passwordColumns tags it from its columns.
const formats: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, "bcrypt"],
  [/^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, "argon2id"],
  [/^pbkdf2_sha256\$[1-9]\d*\$[^$]+\$[A-Za-z0-9+/]+={0,2}$/, "django_pbkdf2_sha256"],
]
const weak = /^(?:[0-9a-f]{32}|[0-9a-f]{40})$/i

/** The algorithm tag of a hash the portal can verify, or undefined. */
export const recognise = (hash: string): string | undefined => formats.find(([re]) => re.test(hash))?.[1]

/**
 * The columns of a user who must reset. With the run's `ResetHash` they hold a hash of the user's own
 * (tag `argon2id`); without one (callers that predate it) the hash is null, which the portal also
 * treats as unusable.
 */
export const resetColumns = (reset?: ResetHash | undefined): Columns =>
  reset === undefined
    ? { password_hash: null, password_algorithm: null, must_reset_password: true }
    : { password_hash: reset.next(), password_algorithm: "argon2id", must_reset_password: true }

/** The password columns for a legacy password value under a policy, and why a carry-over fell back. */
export const apply = (
  policy: Policy,
  legacy: string | null | undefined,
  reset?: ResetHash | undefined,
): { readonly columns: Columns; readonly fallback?: Fallback } => {
  if (policy === "force-reset") return { columns: resetColumns(reset) }
  const value = legacy?.trim() ?? ""
  if (value === "") return { columns: resetColumns(reset), fallback: "missing" }
  const algorithm = recognise(value)
  if (algorithm !== undefined)
    return { columns: { password_hash: value, password_algorithm: algorithm, must_reset_password: false } }
  return { columns: resetColumns(reset), fallback: weak.test(value) ? "weak" : "unrecognised" }
}

/** Why a PIN was not hashed (for a note; never contains the value). */
export type PinProblem = "pin_format"

/**
 * The argon2id hash of a student PIN (4–8 digits, spaces ignored), or null for an empty one. Impure
 * (a random salt per call) and ~15 ms each at the default params: fine for the few PINs of a school,
 * and PINs are so guessable that lowering the cost would make them trivial to recover from a dump.
 * The PIN itself is never returned, logged or put in a note.
 */
export const hashPin = (
  pin: unknown,
  params: Params = defaultParams,
):
  | { readonly ok: true; readonly hash: string | null }
  | { readonly ok: false; readonly problem: PinProblem } => {
  if (pin === null || pin === undefined) return { ok: true, hash: null }
  const text = String(pin).replace(/\s+/g, "")
  if (text === "") return { ok: true, hash: null }
  if (!/^\d{4,8}$/.test(text)) return { ok: false, problem: "pin_format" }
  return { ok: true, hash: hashSecret(text, params) }
}
