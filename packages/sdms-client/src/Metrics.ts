import type { State } from "./CircuitBreaker.js"

/** Plain counters of one client, for an app to expose however it exposes figures. */
export interface Snapshot {
  /** HTTP requests sent to SDMS (record reads; retries and revalidations included). */
  readonly requests: number
  /** Token requests (OAuth2). */
  readonly tokenRequests: number
  /** Look-ups answered from a fresh cache entry, found records and cached not-founds. */
  readonly cacheHits: number
  /** Look-ups with no cache entry at all. */
  readonly cacheMisses: number
  /** Look-ups whose entry had expired and was revalidated or refetched. */
  readonly cacheExpired: number
  /** Revalidations SDMS answered 304 Not Modified. */
  readonly revalidated: number
  /** Stale entries served because SDMS could not be reached. */
  readonly staleServed: number
  /** Not-founds answered from the cache. */
  readonly negativeHits: number
  /** Look-ups that joined one already in flight for the same record. */
  readonly coalesced: number
  /** Attempts repeated after a transient fault. */
  readonly retries: number
  /** 429 answers. */
  readonly rateLimited: number
  /** Requests refused at once by the open breaker. */
  readonly circuitRejected: number
  /** Cache reads or writes that failed (the look-up went on without the cache). */
  readonly cacheErrors: number
  readonly breakerState: State
  readonly breakerOpened: number
}

type Counter = Exclude<keyof Snapshot, "breakerState" | "breakerOpened">

/** Mutable counters behind a snapshot. */
export class Counters {
  private readonly values: Record<Counter, number> = {
    requests: 0,
    tokenRequests: 0,
    cacheHits: 0,
    cacheMisses: 0,
    cacheExpired: 0,
    revalidated: 0,
    staleServed: 0,
    negativeHits: 0,
    coalesced: 0,
    retries: 0,
    rateLimited: 0,
    circuitRejected: 0,
    cacheErrors: 0,
  }
  /** Adds one (or n). */
  add(counter: Counter, n = 1): void {
    this.values[counter] += n
  }
  /** The counters now, with the breaker's state. */
  snapshot(breaker: { state: () => State; opened: () => number }): Snapshot {
    return { ...this.values, breakerState: breaker.state(), breakerOpened: breaker.opened() }
  }
}
