import { it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { describe, expect } from "vitest"
import { CircuitBreaker, MemoryCache, SdmsClient } from "../src/index.js"

describe("Retry-After", () => {
  it("reads delta seconds and HTTP dates, and ignores what is neither", () => {
    const now = Date.parse("2026-12-07T10:00:00Z")
    expect(SdmsClient.parseRetryAfter("120", now)).toBe(120_000)
    expect(SdmsClient.parseRetryAfter("Mon, 07 Dec 2026 10:00:30 GMT", now)).toBe(30_000)
    expect(SdmsClient.parseRetryAfter("Mon, 07 Dec 2026 09:00:00 GMT", now)).toBe(0)
    expect(SdmsClient.parseRetryAfter("soon", now)).toBeUndefined()
    expect(SdmsClient.parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe("CircuitBreaker", () => {
  it.effect("a success resets the count of consecutive failures", () =>
    Effect.gen(function* () {
      const b = CircuitBreaker.make({ failures: 2, cooldown: "1 second" })
      yield* b.failure
      yield* b.success
      yield* b.failure
      expect(b.state()).toBe("closed")
      yield* b.failure
      expect(b.state()).toBe("open")
      expect(yield* Effect.flip(b.admit)).toEqual({ retryInMs: 1000 })
      yield* TestClock.adjust("1 second")
      yield* b.admit
      expect(b.state()).toBe("half-open")
      // An abandoned probe (its caller was interrupted) lets the next caller probe.
      expect(yield* Effect.flip(b.admit)).toEqual({ retryInMs: 0 })
      yield* b.abandon
      yield* b.admit
      yield* b.success
      expect(b.state()).toBe("closed")
    }),
  )
})

describe("MemoryCache", () => {
  it.effect("keeps at most maxEntries, dropping the least recently used", () =>
    Effect.gen(function* () {
      const cache = MemoryCache.make({ maxEntries: 2 })
      const entry = { body: { a: 1 }, etag: null, fetchedAt: 0, expiresAt: 1, lastError: null }
      yield* cache.put("students", "S1", entry)
      yield* cache.put("students", "S2", entry)
      yield* cache.get("students", "S1")
      yield* cache.put("students", "S3", entry)
      expect(yield* cache.get("students", "S2")).toBeUndefined()
      expect(yield* cache.get("students", "S1")).toEqual(entry)
      expect(yield* cache.get("students", "S3")).toEqual(entry)
    }),
  )
})
