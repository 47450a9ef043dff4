import { FakeSdms } from "@schoolbridge/fake-sdms"
import { Chunk, Clock, Effect, Redacted, type Scope, TestClock } from "effect"
import { Cache, MemoryCache, SdmsClient } from "../src/index.js"

/** Credentials the fakes accept; the tests check that neither is ever printed. */
export const apiKey = "sbk_live_7f3a9c2e51d84b06"
export const clientSecret = "sbcs_0d9e8f7a6b5c4d3e"
export const clientId = "schoolbridge-tests"

/** A fake SDMS for one test, closed with its scope. */
export const fake = (options: FakeSdms.Options = {}): Effect.Effect<FakeSdms.FakeSdms, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() =>
      FakeSdms.start({
        apiKeys: [apiKey],
        clients: [{ id: clientId, secret: clientSecret }],
        population: { students: 20_000, staff: 500, schools: 200 },
        ...options,
      }),
    ),
    (f) => Effect.promise(() => f.close()),
  )

/** Client options against a fake: API key, generous limits, quick retries. */
export const optionsFor = (
  f: FakeSdms.FakeSdms,
  overrides: Partial<SdmsClient.Options> = {},
): SdmsClient.Options => ({
  baseUrl: f.url,
  credentials: { _tag: "ApiKey", key: redacted(apiKey) },
  timeout: "5 seconds",
  retry: { times: 3, base: "10 millis", cap: "50 millis" },
  rateLimit: { perSecond: 1000, burst: 1000, concurrency: 16 },
  ...overrides,
})

const redacted = (s: string) => Redacted.make(s)

/** A client with its own in-memory cache (or the given one). */
export const client = (options: SdmsClient.Options, cache: Cache.SdmsCacheShape = MemoryCache.make()) =>
  SdmsClient.make(options).pipe(Effect.provideService(Cache.SdmsCache, cache))

/** Waits in real time (the test clock stands still) until `check` holds, or fails after `ms`. */
export const eventually = (check: () => boolean, ms = 5000): Effect.Effect<void> =>
  Effect.promise(async () => {
    const until = Date.now() + ms
    while (!check()) {
      if (Date.now() > until) throw new Error("condition not reached in time")
      await new Promise((r) => setTimeout(r, 2))
    }
  })

/** Waits (real time) until some fiber sleeps on the test clock; gives the earliest wake-up, ms from now. */
export const nextSleep = Effect.gen(function* () {
  for (let i = 0; i < 2500; i++) {
    const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
    if (sleeps.length > 0) {
      const now = yield* Clock.currentTimeMillis
      const wake = Math.min(...sleeps)
      return wake - now
    }
    yield* Effect.promise(() => new Promise((r) => setTimeout(r, 2)))
  }
  return yield* Effect.die(new Error("no fiber went to sleep"))
})

/** Record requests the fake saw. */
export const recordRequests = (f: FakeSdms.FakeSdms) =>
  f.log.filter((l) => l.kind !== "token" && l.kind !== "other")
