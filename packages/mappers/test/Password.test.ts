import { verifySync } from "@node-rs/argon2"
import { describe, expect, it } from "vitest"
import { Password } from "../src/index.js"

const bcrypt = "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
const bcrypt2y = "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
const django = "pbkdf2_sha256$600000$salt123$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo="
const argon = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
const argonShape = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/
// Low cost keeps the suite fast; the policy's cost is the default.
const cheap: Password.Params = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

describe("Password.apply", () => {
  it.each([
    [bcrypt, "bcrypt"],
    [bcrypt2y, "bcrypt"],
    [django, "django_pbkdf2_sha256"],
    [argon, "argon2id"],
  ])("carries over %s as %s", (hash, algorithm) => {
    expect(Password.apply("carry-over", hash)).toEqual({
      columns: { password_hash: hash, password_algorithm: algorithm, must_reset_password: false },
    })
  })
  it.each([
    ["hunter2", "unrecognised"],
    ["pbkdf2_sha256$0$salt$abc=", "unrecognised"],
    ["pbkdf2_sha256$600000$salt", "unrecognised"],
    ["pbkdf2_sha1$600000$salt$YWJj", "unrecognised"],
    ["$2b$12$short", "unrecognised"],
    ["5f4dcc3b5aa765d61d8327deb882cf99", "weak"],
    ["5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "weak"],
    ["", "missing"],
    ["   ", "missing"],
    [null, "missing"],
  ])("resets %s (%s)", (value, fallback) => {
    expect(Password.apply("carry-over", value)).toEqual({
      columns: { password_hash: null, password_algorithm: null, must_reset_password: true },
      fallback,
    })
  })
  it("force-reset keeps nothing, even a good hash", () => {
    expect(Password.apply("force-reset", bcrypt)).toEqual({
      columns: { password_hash: null, password_algorithm: null, must_reset_password: true },
    })
  })
  it("force-reset with the run's reset hashes writes one of the account's own, tagged argon2id", () => {
    const reset = Password.resetHash(cheap)
    const a = Password.apply("force-reset", bcrypt, reset).columns
    expect(a).toEqual({
      password_hash: expect.stringMatching(/^\$argon2id\$/),
      password_algorithm: "argon2id",
      must_reset_password: true,
    })
    // A carry-over fallback resets the same way, with a hash of its own; a kept hash ignores it.
    const b = Password.apply("carry-over", "hunter2", reset)
    expect(b).toEqual({
      columns: {
        password_hash: expect.stringMatching(/^\$argon2id\$/),
        password_algorithm: "argon2id",
        must_reset_password: true,
      },
      fallback: "unrecognised",
    })
    expect(b.columns.password_hash).not.toBe(a.password_hash)
    expect(Password.apply("carry-over", django, reset).columns.password_hash).toBe(django)
  })
  it("never puts the legacy value in a reset row", () => {
    const reset = Password.resetHash(cheap)
    const out = JSON.stringify(Password.apply("carry-over", "hunter2", reset))
    expect(out).not.toContain("hunter2")
  })
})

describe("Password.resetHash", () => {
  it("is argon2id at the least cost (a random secret has nothing to guess) and recognised by the carry-over formats", () => {
    const hash = Password.resetHash().next()
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/)
    expect(Password.recognise(hash)).toBe("argon2id")
  })
  it("gives every account a secret and a salt of its own: no two hashes alike, and common guesses do not verify", () => {
    const reset = Password.resetHash()
    const hashes = Array.from({ length: 200 }, () => reset.next())
    expect(new Set(hashes).size).toBe(200)
    expect(new Set(hashes.map((h) => h.split("$")[4])).size).toBe(200)
    for (const guess of ["", "password", "123456", "00000000-0000-0000-0000-000000000000"])
      expect(verifySync(hashes[0]!, guess)).toBe(false)
  })
})

describe("Password.hashPin", () => {
  it("hashes a PIN with argon2id; the hash verifies the PIN and does not contain it", () => {
    const out = Password.hashPin(" 0427 ")
    expect(out.ok).toBe(true)
    const hash = out.ok ? out.hash : null
    expect(hash).toMatch(argonShape)
    expect(verifySync(hash!, "0427")).toBe(true)
    expect(verifySync(hash!, "0428")).toBe(false)
    expect(hash).not.toContain("0427")
  })
  it("salts each PIN: the same PIN twice gives two hashes", () => {
    const a = Password.hashPin("123456", cheap)
    const b = Password.hashPin("123456", cheap)
    expect(a.ok && b.ok && a.hash !== b.hash).toBe(true)
  })
  it.each([
    [null, { ok: true, hash: null }],
    ["", { ok: true, hash: null }],
    ["12a4", { ok: false, problem: "pin_format" }],
    ["123", { ok: false, problem: "pin_format" }],
    ["123456789", { ok: false, problem: "pin_format" }],
    [427, { ok: false, problem: "pin_format" }],
  ])("%s → %o", (pin, expected) => {
    expect(Password.hashPin(pin, cheap)).toEqual(expected)
  })
})
