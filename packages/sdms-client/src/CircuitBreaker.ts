import { Clock, Duration, Effect } from "effect"

/** closed: requests flow; open: they fail at once; half-open: one probe decides. */
export type State = "closed" | "open" | "half-open"

/** When the breaker opens and when it tries again. */
export interface Options {
  /** Consecutive failed requests (5xx, timeout, reset) that open it. Default 5. */
  readonly failures?: number
  /** How long it stays open before one probe is let through. Default 30 seconds. */
  readonly cooldown?: Duration.DurationInput
}

/** A breaker for one remote service. */
export interface CircuitBreaker {
  /** Succeeds when a request may go (the probe, when half-open); fails with the ms until it may. */
  readonly admit: Effect.Effect<void, { readonly retryInMs: number }>
  readonly success: Effect.Effect<void>
  readonly failure: Effect.Effect<void>
  /** The probe ended without an answer (interrupted): let another caller probe. */
  readonly abandon: Effect.Effect<void>
  readonly state: () => State
  /** How many times it has opened. */
  readonly opened: () => number
}

/** A new breaker, closed. */
export const make = (options: Options = {}): CircuitBreaker => {
  const threshold = options.failures ?? 5
  const cooldownMs = Duration.toMillis(options.cooldown ?? "30 seconds")
  let state: State = "closed"
  let consecutive = 0
  let openedAt = 0
  let probing = false
  let opened = 0
  const open = (now: number) => {
    state = "open"
    openedAt = now
    probing = false
    opened++
  }
  return {
    admit: Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (state === "closed") return Effect.void
      if (state === "open") {
        if (now - openedAt < cooldownMs) return Effect.fail({ retryInMs: cooldownMs - (now - openedAt) })
        state = "half-open"
      }
      if (probing) return Effect.fail({ retryInMs: 0 })
      probing = true
      return Effect.void
    }),
    success: Effect.sync(() => {
      state = "closed"
      consecutive = 0
      probing = false
    }),
    failure: Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        if (state === "half-open") return open(now)
        if (state === "open") return
        consecutive++
        if (consecutive >= threshold) open(now)
      }),
    ),
    abandon: Effect.sync(() => {
      probing = false
    }),
    state: () => state,
    opened: () => opened,
  }
}
