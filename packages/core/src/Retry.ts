import { Duration, Effect, Schedule } from "effect"

/** How transient faults (connection reset, deadlock, serialization failure, 5xx) are retried. */
export interface Policy {
  readonly times: number
  readonly base: Duration.DurationInput
  readonly cap: Duration.DurationInput
}

/** Five retries, from 200 ms doubling up to 10 s, each delay jittered. */
export const defaultPolicy: Policy = { times: 5, base: "200 millis", cap: "10 seconds" }

/** Exponential backoff with jitter, capped, for at most `times` retries. */
export const schedule = (policy: Policy = defaultPolicy) =>
  Schedule.exponential(policy.base).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((d) => Duration.min(d, Duration.decode(policy.cap))),
    Schedule.intersect(Schedule.recurs(policy.times)),
  )

/** Retries an effect while its failure is transient (`reason: "transient"`), then surfaces the failure. */
export const transient = <A, E extends { readonly reason: string }, R>(
  self: Effect.Effect<A, E, R>,
  policy: Policy = defaultPolicy,
): Effect.Effect<A, E, R> =>
  Effect.retry(self, { schedule: schedule(policy), while: (e) => e.reason === "transient" })
