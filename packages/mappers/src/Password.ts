/**
 * Password policy for migrated accounts. A plaintext password is never written, logged or put in a
 * note. `force-reset`: no hash, and the user must set a password. `carry-over`: a hash in a format the
 * portal can verify is kept with its algorithm tag (verified once, then rehashed); anything else is
 * treated as `force-reset`, since an unrecognised value may be a plaintext password.
 */

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

// Formats the portal verifies. Unsalted md5/sha1 are recognised only to be refused: too weak to keep.
const formats: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, "bcrypt"],
  [/^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, "argon2id"],
  [/^pbkdf2_sha256\$\d+\$[^$]+\$[A-Za-z0-9+/=]+$/, "django_pbkdf2_sha256"],
]
const weak = /^(?:[0-9a-f]{32}|[0-9a-f]{40})$/i

/** The algorithm tag of a hash the portal can verify, or undefined. */
export const recognise = (hash: string): string | undefined => formats.find(([re]) => re.test(hash))?.[1]

const reset: Columns = { password_hash: null, password_algorithm: null, must_reset_password: true }

/** The password columns for a legacy password value under a policy, and why a carry-over fell back. */
export const apply = (
  policy: Policy,
  legacy: string | null | undefined,
): { readonly columns: Columns; readonly fallback?: Fallback } => {
  if (policy === "force-reset") return { columns: reset }
  const value = legacy?.trim() ?? ""
  if (value === "") return { columns: reset, fallback: "missing" }
  const algorithm = recognise(value)
  if (algorithm !== undefined)
    return { columns: { password_hash: value, password_algorithm: algorithm, must_reset_password: false } }
  return { columns: reset, fallback: weak.test(value) ? "weak" : "unrecognised" }
}
