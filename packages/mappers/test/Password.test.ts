import { describe, expect, it } from "vitest"
import { Password } from "../src/index.js"

const bcrypt = "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
const django = "pbkdf2_sha256$600000$salt123$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo="
const argon = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"

describe("Password.apply", () => {
  it.each([
    [bcrypt, "bcrypt"],
    [django, "django_pbkdf2_sha256"],
    [argon, "argon2id"],
  ])("carries over %s as %s", (hash, algorithm) => {
    expect(Password.apply("carry-over", hash)).toEqual({
      columns: { password_hash: hash, password_algorithm: algorithm, must_reset_password: false },
    })
  })
  it.each([
    ["hunter2", "unrecognised"],
    ["5f4dcc3b5aa765d61d8327deb882cf99", "weak"],
    ["", "missing"],
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
})
