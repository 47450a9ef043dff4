import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgClient } from "../src/index.js"

let db: TestDatabase
beforeAll(async () => {
  db = await createPgDatabase("client")
})
afterAll(() => db.drop())

describe("PgClient session settings", () => {
  it("start every pooled connection with the given settings, spaces and backslashes intact", async () => {
    const settings = await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* PgClient.PgClient
        // Three at once, so the pool opens more than one connection.
        return yield* Effect.all(
          Array.from({ length: 3 }, () =>
            client.query<{ audit: string; actor: string }>(
              "select current_setting('app.audit') as audit, current_setting('app.actor') as actor, pg_sleep(0.05)",
            ),
          ),
          { concurrency: 3 },
        )
      }).pipe(
        Effect.provide(
          PgClient.layer({
            url: Redacted.make(db.url),
            max: 3,
            sessionSettings: { "app.audit": "off", "app.actor": "schoolbridge migrate \\ night" },
          }),
        ),
      ),
    )
    expect(settings.map((r) => [r[0]!.audit, r[0]!.actor])).toEqual(
      Array.from({ length: 3 }, () => ["off", "schoolbridge migrate \\ night"]),
    )
  })
})
