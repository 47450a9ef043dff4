import { pgUrl } from "@schoolbridge/testing"
import { Cause, ConfigProvider, Effect, type Layer, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { ConnectionUrl, PgClient } from "../src/index.js"

describe("ConnectionUrl", () => {
  it("hides the password and never echoes a URL it cannot parse", () => {
    expect(ConnectionUrl.redact("postgres://app:s3cret@db.school:5432/portal")).toBe(
      "postgres://app:***@db.school:5432/portal",
    )
    expect(ConnectionUrl.redact("mysql://root@127.0.0.1/test")).toBe("mysql://root@127.0.0.1/test")
    expect(ConnectionUrl.redact("not a url s3cret")).not.toContain("s3cret")
  })

  it("reads settings from the environment, the URL as a secret", async () => {
    const provider = ConfigProvider.fromMap(
      new Map([
        ["SCHOOLBRIDGE_TARGET_URL", "postgres://u:pw@h/db"],
        ["SCHOOLBRIDGE_TARGET_POOL_MAX", "6"],
      ]),
    )
    const s = await Effect.runPromise(
      Effect.withConfigProvider(ConnectionUrl.settings("SCHOOLBRIDGE_TARGET"), provider),
    )
    expect(Redacted.value(s.url)).toBe("postgres://u:pw@h/db")
    expect(String(s.url)).not.toContain("pw")
    expect(s.max).toBe(6)
  })

  it("a PostgreSQL client that cannot log in fails at once with one line, password hidden", async () => {
    const url = new URL(pgUrl)
    url.username = "nobody_here"
    url.password = "s3cret-pw"
    url.pathname = "/no_such_db_sb"
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        Effect.void,
        PgClient.layer({ url: Redacted.make(url.toString()) }) as Layer.Layer<never, unknown>,
      ),
    )
    const text = exit._tag === "Failure" ? Cause.pretty(exit.cause) : "connected?"
    expect(text).toContain("cannot connect to PostgreSQL at postgres://nobody_here:***@")
    expect(text).not.toContain("s3cret-pw")
  })
})
