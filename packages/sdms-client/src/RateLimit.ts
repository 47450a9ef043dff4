import { Clock, Effect, GlobalValue } from "effect"

/** How fast and how wide the client may talk to SDMS. */
export interface Options {
  /** Requests started per second, on average. */
  readonly perSecond: number
  /** Requests that may start at once after a quiet spell. Default: a tenth of a second's worth, at least 1. */
  readonly burst?: number
  /** Requests in flight at once. */
  readonly concurrency: number
}

/** A token bucket in front of a concurrency bound. */
export interface Limiter {
  /** Runs `self` once a slot is free and a token is available. */
  readonly withPermit: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** No request starts before this time (epoch ms): SDMS said to wait (Retry-After). */
  readonly pauseUntil: (epochMs: number) => void
  /** Until when requests are held back (epoch ms; 0 or past when they are not). */
  readonly pausedUntil: () => number
  readonly inFlight: () => number
}

/** Builds a limiter on its own (unshared). */
export const unsafeMake = (options: Options): Limiter => {
  const perMs = options.perSecond / 1000
  const burst = Math.max(1, options.burst ?? Math.ceil(options.perSecond / 10))
  // Tokens are taken one caller at a time, so waiting callers are served in order.
  const gate = Effect.unsafeMakeSemaphore(1)
  const slots = Effect.unsafeMakeSemaphore(options.concurrency)
  let tokens = burst
  let last: number | undefined
  let pausedUntil = 0
  let inFlight = 0
  const take: Effect.Effect<void> = gate.withPermits(1)(
    Effect.gen(function* () {
      for (;;) {
        const now = yield* Clock.currentTimeMillis
        tokens = Math.min(burst, tokens + Math.max(0, now - (last ?? now)) * perMs)
        last = now
        if (now < pausedUntil) {
          yield* Effect.sleep(pausedUntil - now)
          continue
        }
        if (tokens >= 1) {
          tokens -= 1
          return
        }
        yield* Effect.sleep(Math.max(1, Math.ceil((1 - tokens) / perMs)))
      }
    }),
  )
  return {
    // The slot first, then the token: a token taken while waiting for a slot would let a burst through.
    withPermit: (self) =>
      slots.withPermits(1)(
        Effect.zipRight(
          take,
          Effect.acquireUseRelease(
            Effect.sync(() => inFlight++),
            () => self,
            () => Effect.sync(() => inFlight--),
          ),
        ),
      ),
    pauseUntil: (epochMs) => {
      pausedUntil = Math.max(pausedUntil, epochMs)
    },
    pausedUntil: () => pausedUntil,
    inFlight: () => inFlight,
  }
}

const shared = GlobalValue.globalValue(
  "@schoolbridge/sdms-client/RateLimit",
  () => new Map<string, Limiter>(),
)

/**
 * The process-wide limiter of one SDMS: every client of the process built for the same base URL
 * and the same limits shares it, so two tools in one process cannot together exceed the limit.
 */
export const forService = (baseUrl: string, options: Options): Limiter => {
  const key = `${baseUrl}|${options.perSecond}|${options.burst ?? ""}|${options.concurrency}`
  let limiter = shared.get(key)
  if (!limiter) {
    limiter = unsafeMake(options)
    shared.set(key, limiter)
  }
  return limiter
}
