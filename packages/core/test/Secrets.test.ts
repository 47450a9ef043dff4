import { describe, expect, it } from "vitest"
import * as Secrets from "../src/Secrets.js"

describe("Secrets", () => {
  it.each([
    "password",
    "Password",
    "passwordStrong",
    "passwordStrongSalt",
    "user_password",
    "password_hash",
    "passwd",
    "pwd",
    "pin",
    "pin_code",
    "studentPin",
    "salt",
    "api_key",
    "apiKey",
    "access_token",
    "token",
    "client_secret",
  ])("knows %s for a credential", (name) => {
    expect(Secrets.isSecret(name)).toBe(true)
  })

  it.each(["opinion", "spinner", "email", "passport_no", "first_name", "tokenized", "shipping", "basalt"])(
    "leaves %s alone",
    (name) => {
      expect(Secrets.isSecret(name)).toBe(false)
    },
  )

  it("marks where a credential had a value, at any depth, and keeps empty ones as they were", () => {
    const row = {
      user_id: 7,
      email: "a@b.my",
      password: "hunter2",
      passwordStrongSalt: "",
      pin: null,
      profile: { apiKey: "k-123", name: "Aminah", devices: [{ token: "t" }, { model: "x" }] },
    }
    expect(Secrets.redact(row)).toEqual({
      user_id: 7,
      email: "a@b.my",
      password: "[redacted]",
      passwordStrongSalt: "",
      pin: null,
      profile: { apiKey: "[redacted]", name: "Aminah", devices: [{ token: "[redacted]" }, { model: "x" }] },
    })
    expect(JSON.stringify(Secrets.redact(row))).not.toMatch(/hunter2|k-123/)
  })

  it("passes a row without credentials on as it is", () => {
    const row = { id: 1, name: "x", tags: ["a"] }
    expect(Secrets.redact(row)).toBe(row)
    expect(Secrets.shown("email", "a@b.my")).toBe("a@b.my")
    expect(Secrets.shown("password", "hunter2")).toBe("[redacted]")
  })
})
