import { it } from "@effect/vitest"
import { Records } from "@schoolbridge/fake-sdms"
import { Cause, Effect, Either, Exit, Fiber, Logger, LogLevel, Redacted, TestClock } from "effect"
import { describe, expect } from "vitest"
import type { SdmsError } from "../src/index.js"
import {
  apiKey,
  client,
  clientId,
  clientSecret,
  eventually,
  fake,
  nextSleep,
  optionsFor,
  recordRequests,
} from "./Support.js"

const sid = Records.studentId

describe("reading records", () => {
  it.live("reads a student, a staff member and a school, then answers again from the cache", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(optionsFor(f))
      const s = yield* c.student(sid(1))
      expect([s.record.sdmsId, s.from, s.stale]).toEqual([sid(1), "sdms", false])
      expect(s.record.fullName).toBe(f.record("students", sid(1))!.fullName)
      expect((yield* c.staff(Records.staffId(2))).record.post).toBeTypeOf("string")
      const school = yield* c.school(Records.schoolCode(3))
      expect(school.record.address.postcode).toMatch(/^\d{5}$/)
      const again = yield* c.student(sid(1))
      expect(again.from).toBe("cache")
      expect(recordRequests(f)).toHaveLength(3)
      expect(c.metrics()).toMatchObject({ requests: 3, cacheHits: 1, cacheMisses: 3 })
    }).pipe(Effect.scoped),
  )

  it.live("keeps fields the contract does not name in raw", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      f.update("students", sid(5), { ...f.record("students", sid(5))!, kokurikulum: { unit: "Pengakap" } })
      const c = yield* client(optionsFor(f))
      const s = yield* c.student(sid(5))
      expect(s.record.raw.kokurikulum).toEqual({ unit: "Pengakap" })
    }).pipe(Effect.scoped),
  )
})

const failure = <A>(self: Effect.Effect<A, SdmsError>) => Effect.map(Effect.flip(self), (e) => e)

describe("each error reason", () => {
  it.live("NotFound, Unauthorized, InvalidResponse (missing field, malformed body), Timeout", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(optionsFor(f, { timeout: "150 millis", retry: { times: 0 } }))
      const notFound = yield* failure(c.student(sid(999_999)))
      expect([notFound.reason, notFound.status]).toEqual(["NotFound", 404])
      const wrongKey = yield* client(
        optionsFor(f, { credentials: { _tag: "ApiKey", key: Redacted.make("nope") } }),
      )
      expect((yield* failure(wrongKey.student(sid(1)))).reason).toBe("Unauthorized")
      f.failNext(1, { _tag: "MissingField", field: "birthDate" })
      const missing = yield* failure(c.student(sid(2)))
      expect([missing.reason, missing.field]).toEqual(["InvalidResponse", "birthDate"])
      f.failNext(1, { _tag: "Malformed" })
      expect((yield* failure(c.student(sid(3)))).reason).toBe("InvalidResponse")
      f.failNext(1, { _tag: "Truncated" })
      expect((yield* failure(c.student(sid(4)))).reason).toBe("InvalidResponse")
      f.failNext(1, { _tag: "SlowBody", ms: 1000 })
      const started = Date.now()
      const timeout = yield* failure(c.student(sid(6)))
      expect(timeout.reason).toBe("Timeout")
      expect(Date.now() - started).toBeLessThan(900)
    }).pipe(Effect.scoped),
  )

  it.live("Unavailable after the retries, RateLimited when Retry-After is longer than allowed", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(
        optionsFor(f, {
          retry: { times: 2, base: "5 millis", maxRetryAfter: "2 seconds" },
          breaker: { failures: 10 },
        }),
      )
      f.failNext(3, { _tag: "Status", status: 503 })
      const down = yield* failure(c.student(sid(1)))
      expect([down.reason, down.status]).toEqual(["Unavailable", 503])
      expect(recordRequests(f)).toHaveLength(3)
      f.failNext(3, { _tag: "Reset" })
      expect((yield* failure(c.student(sid(2)))).reason).toBe("Unavailable")
      f.failNext(1, { _tag: "RateLimited", retryAfter: 30 })
      const limited = yield* failure(c.student(sid(3)))
      expect([limited.reason, limited.retryAfterMs]).toEqual(["RateLimited", 30_000])
      // Every caller now holds off; past maxRetryAfter it fails at once instead of queueing.
      const held = yield* failure(c.student(sid(4)))
      expect(held.reason).toBe("RateLimited")
      expect(held.retryAfterMs).toBeGreaterThan(29_000)
      expect(recordRequests(f)).toHaveLength(7)
      expect(c.metrics()).toMatchObject({ retries: 4, rateLimited: 2 })
    }).pipe(Effect.scoped),
  )

  it.live("CircuitOpen once the breaker has opened, without a request", () =>
    Effect.gen(function* () {
      const f = yield* fake({ faults: { errorRate: 1 } })
      const c = yield* client(
        optionsFor(f, { retry: { times: 0 }, breaker: { failures: 2, cooldown: "1 minute" } }),
      )
      yield* failure(c.student(sid(1)))
      yield* failure(c.student(sid(2)))
      const open = yield* failure(c.student(sid(3)))
      expect(open.reason).toBe("CircuitOpen")
      expect(recordRequests(f)).toHaveLength(2)
    }).pipe(Effect.scoped),
  )
})

describe("retries on the test clock", () => {
  it.effect("waits exactly the Retry-After of a 429, then succeeds", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(optionsFor(f))
      f.failNext(1, { _tag: "RateLimited", retryAfter: 7 })
      const fiber = yield* Effect.fork(c.student(sid(1)))
      expect(yield* nextSleep).toBe(7000)
      yield* TestClock.adjust("6999 millis")
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 30)))
      expect(recordRequests(f)).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      const s = yield* Fiber.join(fiber)
      expect(s.record.sdmsId).toBe(sid(1))
      expect(recordRequests(f).map((r) => r.status)).toEqual([429, 200])
    }).pipe(Effect.scoped),
  )

  it.effect("a 429 makes every caller of that SDMS hold off, not only the one that got it", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(optionsFor(f))
      f.failNext(1, { _tag: "RateLimited", retryAfter: 5 })
      const first = yield* Effect.fork(c.student(sid(1)))
      yield* nextSleep
      const second = yield* Effect.fork(c.student(sid(2)))
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 30)))
      expect(recordRequests(f)).toHaveLength(1)
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(recordRequests(f).map((r) => r.status)).toEqual([429, 200, 200])
    }).pipe(Effect.scoped),
  )

  it.effect(
    "backs off exponentially with jitter on 5xx: each wait within [d/2, d], d doubling to the cap",
    () =>
      Effect.gen(function* () {
        const f = yield* fake()
        const c = yield* client(optionsFor(f, { retry: { times: 4, base: "1 second", cap: "4 seconds" } }))
        f.failNext(4, { _tag: "Status", status: 502 })
        const fiber = yield* Effect.fork(c.student(sid(1)))
        const waits: Array<number> = []
        for (let n = 0; n < 4; n++) {
          const wait = yield* nextSleep
          waits.push(wait)
          yield* TestClock.adjust(wait)
          yield* eventually(() => recordRequests(f).length === n + 2)
        }
        yield* Fiber.join(fiber)
        const caps = [1000, 2000, 4000, 4000]
        waits.forEach((w, i) => {
          expect(w).toBeGreaterThanOrEqual(caps[i]! / 2)
          expect(w).toBeLessThanOrEqual(caps[i]!)
        })
        expect(c.metrics().retries).toBe(4)
      }).pipe(Effect.scoped),
  )
})

describe("limits", () => {
  it.live("never exceeds the rate limit or the concurrency bound", () =>
    Effect.gen(function* () {
      const f = yield* fake({ faults: { latencyMs: 20 } })
      const c = yield* client(optionsFor(f, { rateLimit: { perSecond: 50, burst: 5, concurrency: 3 } }))
      const ids = Array.from({ length: 80 }, (_, i) => sid(i + 1))
      const started = performance.now()
      const outcomes = yield* c.students(ids)
      const seconds = (performance.now() - started) / 1000
      expect(outcomes.filter((o) => Either.isRight(o.result))).toHaveLength(80)
      const at = recordRequests(f).map((r) => r.at)
      expect(f.peakInFlight()).toBeLessThanOrEqual(3)
      expect(f.peakInFlight()).toBeGreaterThanOrEqual(2)
      // In any window of w ms, at most burst + rate·w requests start (measured where they arrive,
      // so one more for a request held up in transit and arriving next to the one after it).
      for (const w of [200, 500, 1000]) {
        const worst = Math.max(...at.map((t) => at.filter((u) => u >= t && u < t + w).length))
        expect(worst).toBeLessThanOrEqual(5 + Math.ceil((50 * w) / 1000) + 1)
      }
      // and over the whole run no more than the bucket allows
      expect(at.length).toBeLessThanOrEqual(5 + Math.ceil(50 * seconds))
      expect(seconds).toBeGreaterThanOrEqual((80 - 5) / 50 - 0.05)
    }).pipe(Effect.scoped),
  )

  it.live("shares the limit between two clients of the same SDMS in one process", () =>
    Effect.gen(function* () {
      const f = yield* fake({ faults: { latencyMs: 15 } })
      const limits = { rateLimit: { perSecond: 1000, burst: 100, concurrency: 2 } }
      const a = yield* client(optionsFor(f, limits))
      const b = yield* client(optionsFor(f, limits))
      const ids = (from: number) => Array.from({ length: 20 }, (_, i) => sid(from + i))
      yield* Effect.all([a.students(ids(1)), b.students(ids(101))], { concurrency: 2 })
      expect(recordRequests(f)).toHaveLength(40)
      expect(f.peakInFlight()).toBe(2)
    }).pipe(Effect.scoped),
  )
})

describe("coalescing", () => {
  it.live("100 concurrent asks for one id make one request and all get the record", () =>
    Effect.gen(function* () {
      const f = yield* fake({ faults: { latencyMs: 50 } })
      const c = yield* client(optionsFor(f))
      const all = yield* Effect.all(
        Array.from({ length: 100 }, () => c.student(sid(9))),
        { concurrency: "unbounded" },
      )
      expect(new Set(all.map((s) => s.record.fullName)).size).toBe(1)
      expect(recordRequests(f)).toHaveLength(1)
      expect(c.metrics().coalesced).toBe(99)
    }).pipe(Effect.scoped),
  )

  it.live(
    "an interrupted asker does not cancel the fetch for the others; the last one leaving aborts it",
    () =>
      Effect.gen(function* () {
        const f = yield* fake()
        const c = yield* client(optionsFor(f, { retry: { times: 0 } }))
        f.failNext(1, { _tag: "SlowBody", ms: 300 })
        const one = yield* Effect.fork(c.student(sid(1)))
        const two = yield* Effect.fork(c.student(sid(1)))
        yield* eventually(() => recordRequests(f).length === 1)
        yield* Fiber.interrupt(one)
        expect((yield* Fiber.join(two)).record.sdmsId).toBe(sid(1))
        f.failNext(1, { _tag: "SlowBody", ms: 2000 })
        const alone = yield* Effect.fork(c.student(sid(2)))
        yield* eventually(() => recordRequests(f).length === 2)
        const started = Date.now()
        yield* Fiber.interrupt(alone)
        yield* eventually(() => recordRequests(f)[1]!.aborted, 1000)
        expect(Date.now() - started).toBeLessThan(1000)
      }).pipe(Effect.scoped),
  )
})

describe("circuit breaker", () => {
  it.effect(
    "opens after N consecutive failures, lets one probe through after the cool-down, closes on success",
    () =>
      Effect.gen(function* () {
        const f = yield* fake({ faults: { errorRate: 1 } })
        const c = yield* client(
          optionsFor(f, { retry: { times: 0 }, breaker: { failures: 3, cooldown: "10 seconds" } }),
        )
        for (const n of [1, 2, 3]) expect((yield* failure(c.student(sid(n)))).reason).toBe("Unavailable")
        expect(c.metrics().breakerState).toBe("open")
        const open = yield* failure(c.student(sid(4)))
        expect([open.reason, open.retryAfterMs]).toEqual(["CircuitOpen", 10_000])
        expect(recordRequests(f)).toHaveLength(3)

        yield* TestClock.adjust("10 seconds")
        const probe = yield* failure(c.student(sid(5)))
        expect(probe.reason).toBe("Unavailable")
        expect(c.metrics()).toMatchObject({ breakerState: "open", breakerOpened: 2 })
        expect((yield* failure(c.student(sid(6)))).reason).toBe("CircuitOpen")

        yield* TestClock.adjust("10 seconds")
        f.faults.errorRate = 0
        f.faults.latencyMs = 100
        const probing = yield* Effect.fork(c.student(sid(7)))
        yield* eventually(() => recordRequests(f).length === 5)
        expect(c.metrics().breakerState).toBe("half-open")
        expect((yield* failure(c.student(sid(8)))).reason).toBe("CircuitOpen")
        yield* Fiber.join(probing)
        expect(c.metrics().breakerState).toBe("closed")
        expect((yield* c.student(sid(8))).from).toBe("sdms")
        expect(recordRequests(f)).toHaveLength(6)
      }).pipe(Effect.scoped),
  )
})

describe("OAuth2 client credentials", () => {
  const oauth = {
    _tag: "OAuth2",
    clientId,
    clientSecret: Redacted.make(clientSecret),
    refreshBefore: "1 second",
  } as const

  it.live("fetches a token once for concurrent callers and refreshes it before it expires", () =>
    Effect.gen(function* () {
      const f = yield* fake({ tokenTtlSeconds: 2 })
      const c = yield* client(optionsFor(f, { credentials: oauth }))
      yield* Effect.all([c.student(sid(1)), c.student(sid(2)), c.student(sid(3))], { concurrency: 3 })
      expect(f.tokensIssued()).toBe(1)
      yield* Effect.sleep("1100 millis")
      yield* c.student(sid(4))
      expect(f.tokensIssued()).toBe(2)
      expect(recordRequests(f).map((r) => [r.auth, r.status])).toEqual([
        ["bearer", 200],
        ["bearer", 200],
        ["bearer", 200],
        ["bearer", 200],
      ])
      expect(c.metrics().tokenRequests).toBe(2)
    }).pipe(Effect.scoped),
  )

  it.live("on a refused token fetches a new one and repeats the request once", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(optionsFor(f, { credentials: oauth }))
      yield* c.student(sid(1))
      f.revokeTokens()
      yield* c.student(sid(2))
      expect(recordRequests(f).map((r) => r.status)).toEqual([200, 401, 200])
      expect(f.tokensIssued()).toBe(2)
    }).pipe(Effect.scoped),
  )

  it.live("a wrong client secret is Unauthorized", () =>
    Effect.gen(function* () {
      const f = yield* fake()
      const c = yield* client(
        optionsFor(f, { credentials: { ...oauth, clientSecret: Redacted.make("wrong-secret") } }),
      )
      const e = yield* failure(c.student(sid(1)))
      expect([e.reason, e.subject]).toEqual(["Unauthorized", "token"])
      expect(recordRequests(f)).toHaveLength(0)
    }).pipe(Effect.scoped),
  )
})

describe("secrets", () => {
  it.live("the API key and the client secret appear in no log line and no error", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const capture = Logger.make(({ message, annotations, cause, logLevel }) => {
        lines.push(
          `${logLevel.label} ${JSON.stringify(message)} ${JSON.stringify([...annotations])} ${Cause.pretty(cause)}`,
        )
      })
      const errors: Array<SdmsError> = []
      const run = Effect.gen(function* () {
        const f = yield* fake({ faults: { latencyMs: 1 } })
        const withKey = yield* client(
          optionsFor(f, { timeout: "100 millis", retry: { times: 1, base: "1 millis" } }),
        )
        const withOauth = yield* client(
          optionsFor(f, {
            timeout: "100 millis",
            retry: { times: 1, base: "1 millis" },
            // other limits, so not the limiter the first client's 429 paused
            rateLimit: { perSecond: 1000, burst: 1000, concurrency: 15 },
            credentials: { _tag: "OAuth2", clientId, clientSecret: Redacted.make(clientSecret) },
          }),
        )
        for (const c of [withKey, withOauth]) {
          yield* c.student(sid(1))
          const nf = yield* Effect.exit(c.student(sid(999_999)))
          if (Exit.isFailure(nf)) errors.push(...Cause.failures(nf.cause))
          const faults = [
            { _tag: "Status", status: 503 },
            { _tag: "Reset" },
            { _tag: "Malformed" },
            { _tag: "MissingField", field: "sex" },
            { _tag: "SlowBody", ms: 500 },
            { _tag: "RateLimited", retryAfter: 600 },
          ] as const
          for (const [i, fault] of faults.entries()) {
            f.failNext(2, fault)
            const exit = yield* Effect.exit(c.student(sid(100 + i)))
            if (Exit.isFailure(exit)) errors.push(...Cause.failures(exit.cause))
            f.clearQueued()
          }
        }
        f.revokeTokens()
        const bad = yield* client(
          optionsFor(f, {
            rateLimit: { perSecond: 1000, burst: 1000, concurrency: 14 },
            credentials: { _tag: "OAuth2", clientId, clientSecret: Redacted.make(`${clientSecret}x`) },
          }),
        )
        const e = yield* Effect.flip(bad.student(sid(1)))
        errors.push(e)
        yield* Effect.logError("an app logs the failure it got", e)
        yield* Effect.logInfo("and the options it was built with", optionsFor(f))
      }).pipe(Effect.scoped)
      yield* run.pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Logger.withMinimumLogLevel(LogLevel.All),
      )
      expect(new Set(errors.map((e) => e.reason))).toEqual(
        new Set(["Unavailable", "InvalidResponse", "RateLimited", "Timeout", "NotFound", "Unauthorized"]),
      )
      expect(lines.length).toBeGreaterThan(10)
      const printed = [
        ...lines,
        ...errors.flatMap((e) => [e.message, String(e), JSON.stringify(e), Cause.pretty(Cause.fail(e))]),
      ].join("\n")
      expect(printed).not.toContain(apiKey)
      expect(printed).not.toContain(clientSecret)
      expect(printed).not.toContain(Buffer.from(`${clientId}:${clientSecret}`).toString("base64"))
    }),
  )
})
