import { it } from "@effect/vitest"
import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { Records } from "@schoolbridge/fake-sdms"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Layer, Redacted, TestClock } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { PgCache } from "../src/index.js"
import { client, fake, optionsFor, recordRequests } from "./Support.js"

let db: TestDatabase
let admin: pg.Client
beforeAll(async () => {
  db = await createPgDatabase("sdms")
  await Effect.runPromise(
    PgLedger.migrateSchema.pipe(Effect.provide(PgClient.layer({ url: Redacted.make(db.url) }))),
  )
  admin = new pg.Client({ connectionString: db.url })
  await admin.connect()
})
afterAll(async () => {
  await admin?.end()
  await db?.drop()
})

const sid = Records.studentId
const row = async (table: string, id: string) =>
  (
    await admin.query(
      `select body, etag, last_error, extract(epoch from fetched_at) * 1000 as fetched, extract(epoch from expires_at) * 1000 as expires
         from sdms.${table} where id = $1`,
      [id],
    )
  ).rows[0]

// A client whose cache is the PostgreSQL one, on the test clock (which starts at the epoch).
const pgClient = (f: Parameters<typeof optionsFor>[0], overrides: Parameters<typeof optionsFor>[1] = {}) =>
  Effect.gen(function* () {
    // The pool lives as long as the test's scope, as an app's layer would.
    const pool = yield* Layer.build(PgClient.layer({ url: Redacted.make(db.url) }))
    const cache = yield* Effect.provide(PgCache.make, pool)
    return yield* client(
      optionsFor(f, {
        retry: { times: 0 },
        cache: { ttl: "1 hour", notFoundTtl: "10 minutes", maxStale: "1 day" },
        ...overrides,
      }),
      cache,
    )
  })

describe("the PostgreSQL cache", () => {
  it.scoped("creates one table per kind in the sdms schema", () =>
    Effect.promise(async () => {
      const tables = await admin.query(
        "select table_name from information_schema.tables where table_schema = 'sdms' order by 1",
      )
      expect(tables.rows.map((r) => r.table_name)).toEqual(["schools", "staff", "students"])
    }),
  )

  it.scoped("answers a fresh entry without a request, and keeps the body, ETag and times", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* pgClient(f)
      const first = yield* c.student(sid(1))
      expect(first.from).toBe("sdms")
      const stored = yield* Effect.promise(() => row("students", sid(1)))
      expect(stored.body).toEqual(f.record("students", sid(1)))
      expect(stored.etag).toMatch(/^"/)
      expect(Number(stored.expires) - Number(stored.fetched)).toBe(3_600_000)
      yield* TestClock.adjust("59 minutes")
      const second = yield* c.student(sid(1))
      expect([second.from, second.stale]).toEqual(["cache", false])
      expect(second.record).toEqual(first.record)
      expect(recordRequests(f)).toHaveLength(1)
      // Another client (another process) on the same database reads the same entry.
      const other = yield* pgClient(f)
      expect((yield* other.student(sid(1))).from).toBe("cache")
      expect(recordRequests(f)).toHaveLength(1)
    }),
  )

  it.scoped(
    "revalidates an expired entry with If-None-Match: 304 keeps it, a changed record replaces it",
    () =>
      Effect.gen(function* () {
        const f = yield* fake()
        const c = yield* pgClient(f)
        const first = yield* c.staff(Records.staffId(1))
        const etag = (yield* Effect.promise(() => row("staff", Records.staffId(1)))).etag
        yield* TestClock.adjust("61 minutes")
        const revalidated = yield* c.staff(Records.staffId(1))
        expect(revalidated.from).toBe("revalidated")
        expect(recordRequests(f).map((r) => [r.ifNoneMatch, r.status])).toEqual([
          [undefined, 200],
          [etag, 304],
        ])
        const after = yield* Effect.promise(() => row("staff", Records.staffId(1)))
        expect(Number(after.expires)).toBe(61 * 60_000 + 3_600_000)
        yield* TestClock.adjust("61 minutes")
        f.update("staff", Records.staffId(1), {
          ...f.record("staff", Records.staffId(1))!,
          post: "Guru Besar",
        })
        const changed = yield* c.staff(Records.staffId(1))
        expect([changed.from, changed.record.post]).toEqual(["sdms", "Guru Besar"])
        expect(first.record.post).not.toBe("Guru Besar")
        const replaced = yield* Effect.promise(() => row("staff", Records.staffId(1)))
        expect(replaced.etag).not.toBe(etag)
        expect(replaced.body.post).toBe("Guru Besar")
        expect(c.metrics()).toMatchObject({ revalidated: 1, cacheExpired: 2, cacheMisses: 1 })
      }),
  )

  it.scoped("caches a not-found for the shorter TTL (negative cache)", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* pgClient(f)
      const code = "WBA9999"
      expect((yield* Effect.flip(c.school(code))).reason).toBe("NotFound")
      const stored = yield* Effect.promise(() => row("schools", code))
      expect(stored.body).toBeNull()
      yield* TestClock.adjust("9 minutes")
      const cached = yield* Effect.flip(c.school(code))
      expect([cached.reason, cached.message]).toEqual([
        "NotFound",
        `SDMS schools ${code}: no such record (cached)`,
      ])
      expect(recordRequests(f)).toHaveLength(1)
      yield* TestClock.adjust("2 minutes")
      f.update("schools", code, { ...Records.school(1), schoolCode: code })
      expect((yield* c.school(code)).from).toBe("sdms")
      expect(recordRequests(f)).toHaveLength(2)
      expect(c.metrics().negativeHits).toBe(1)
    }),
  )

  it.scoped("serves an expired entry, marked stale, while SDMS is down, up to the maximum staleness", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* pgClient(f)
      yield* c.student(sid(2))
      yield* c.student(sid(3))
      f.faults.errorRate = 1
      yield* TestClock.adjust("2 hours")
      const stale = yield* c.student(sid(2))
      expect([stale.from, stale.stale]).toEqual(["cache", true])
      expect(stale.lastError).toBe(`SDMS students ${sid(2)}: SDMS answered 503`)
      expect(stale.fetchedAt.getTime()).toBe(0)
      const stored = yield* Effect.promise(() => row("students", sid(2)))
      expect(stored.last_error).toBe(stale.lastError)
      // Down past the maximum staleness: the look-up fails.
      yield* TestClock.adjust("23 hours")
      const gone = yield* Effect.flip(c.student(sid(3)))
      expect(gone.reason).toBe("Unavailable")
      // SDMS back: the entry is refreshed and its error cleared.
      f.faults.errorRate = 0
      const back = yield* c.student(sid(2))
      expect([back.from, back.stale]).toEqual(["revalidated", false])
      expect((yield* Effect.promise(() => row("students", sid(2)))).last_error).toBeNull()
      expect(c.metrics().staleServed).toBe(1)
    }),
  )

  it.scoped("serves stale while the breaker is open, without asking SDMS", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* pgClient(f, { breaker: { failures: 1, cooldown: "5 minutes" } })
      yield* c.student(sid(10))
      yield* TestClock.adjust("2 hours")
      f.faults.errorRate = 1
      expect((yield* c.student(sid(10))).stale).toBe(true)
      const requests = recordRequests(f).length
      const again = yield* c.student(sid(10))
      expect([again.stale, again.lastError]).toEqual([true, expect.stringContaining("not asked again")])
      expect(recordRequests(f)).toHaveLength(requests)
    }),
  )

  it.scoped(
    "a cache that fails does not fail the look-up: SDMS answers and the client counts the error",
    () =>
      Effect.gen(function* () {
        const broken = yield* Effect.acquireRelease(
          Effect.promise(() => createPgDatabase("sdms_broken")),
          (d) => Effect.promise(() => d.drop()),
        )
        // A database without the sdms schema: every cache read and write fails.
        const pool = yield* Layer.build(PgClient.layer({ url: Redacted.make(broken.url) }))
        const cache = yield* Effect.provide(PgCache.make, pool)
        const f = yield* fake()
        const c = yield* client(optionsFor(f, { retry: { times: 0 } }), cache)
        expect((yield* c.student(sid(1))).from).toBe("sdms")
        expect((yield* c.student(sid(1))).from).toBe("sdms")
        expect(recordRequests(f)).toHaveLength(2)
        expect(c.metrics().cacheErrors).toBe(4)
      }),
  )
})
