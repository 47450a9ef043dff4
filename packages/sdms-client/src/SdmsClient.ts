import {
  Cause,
  Clock,
  Config,
  type ConfigError,
  Context,
  Duration,
  Effect,
  Either,
  Exit,
  Fiber,
  Layer,
  Option,
  Random,
  type Scope,
} from "effect"
import * as Auth from "./Auth.js"
import { type CacheError, type Entry, SdmsCache } from "./Cache.js"
import * as CircuitBreaker from "./CircuitBreaker.js"
import * as Metrics from "./Metrics.js"
import * as RateLimit from "./RateLimit.js"
import * as Record from "./Record.js"
import { isOutage, isTransient, SdmsError } from "./SdmsError.js"
import * as Transport from "./Transport.js"

/** A record with where it came from. */
export interface Lookup<A> {
  readonly record: A
  /** `cache`: a fresh entry, no request; `sdms`: fetched now; `revalidated`: SDMS answered 304. */
  readonly from: "cache" | "sdms" | "revalidated"
  /** True when SDMS could not be reached and an expired entry stood in (see `lastError`). */
  readonly stale: boolean
  /** When SDMS last confirmed this record. */
  readonly fetchedAt: Date
  /** Why SDMS could not be asked, for a stale record. */
  readonly lastError: string | null
}

/** The outcome for one id of a many-id look-up. */
export interface Outcome<A> {
  readonly id: string
  readonly result: Either.Either<Lookup<A>, SdmsError>
}

/** The SDMS registry, read by id, through the cache. */
export interface SdmsClientShape {
  readonly student: (sdmsId: string) => Effect.Effect<Lookup<Record.Student>, SdmsError>
  readonly staff: (sdmsId: string) => Effect.Effect<Lookup<Record.Staff>, SdmsError>
  readonly school: (schoolCode: string) => Effect.Effect<Lookup<Record.School>, SdmsError>
  /** Many students, at the configured look-up concurrency; every id comes back, found or with its error. */
  readonly students: (sdmsIds: Iterable<string>) => Effect.Effect<ReadonlyArray<Outcome<Record.Student>>>
  readonly metrics: () => Metrics.Snapshot
}

/** The SDMS client service. */
export class SdmsClient extends Context.Tag("@schoolbridge/sdms-client/SdmsClient")<
  SdmsClient,
  SdmsClientShape
>() {}

/** How the client talks to SDMS and how long answers are kept. */
export interface Options {
  /** e.g. `https://sdms.example.gov.my` */
  readonly baseUrl: string
  readonly credentials: Auth.Credentials
  /** Deadline of one request, body included. Default 10 seconds. */
  readonly timeout?: Duration.DurationInput
  readonly retry?: {
    /** Further attempts after the first. Default 4. */
    readonly times?: number
    /** First backoff; it doubles, with jitter. Default 200 ms. */
    readonly base?: Duration.DurationInput
    /** Longest backoff. Default 10 seconds. */
    readonly cap?: Duration.DurationInput
    /** A Retry-After longer than this is not waited for: the look-up fails `RateLimited`. Default 60 s. */
    readonly maxRetryAfter?: Duration.DurationInput
  }
  /** Shared by every client of the process with the same base URL and limits. Default 10/s, 8 at once. */
  readonly rateLimit?: { readonly perSecond?: number; readonly burst?: number; readonly concurrency?: number }
  readonly breaker?: CircuitBreaker.Options
  readonly cache?: {
    /** How long a found record answers without a request. Default 24 hours. */
    readonly ttl?: Duration.DurationInput
    /** How long a not-found answers without a request. Default 1 hour. */
    readonly notFoundTtl?: Duration.DurationInput
    /** How old a record may be and still be served while SDMS is down. Default 7 days. */
    readonly maxStale?: Duration.DurationInput
  }
  /** Ids looked up at once by `students(ids)`. Default twice the concurrency bound. */
  readonly lookupConcurrency?: number
}

type Answer =
  | { readonly _tag: "Body"; readonly body: Record.Json; readonly etag: string | null }
  | { readonly _tag: "NotModified" }

const paths: Record<Record.Kind, string> = {
  students: "/v1/students/",
  staff: "/v1/staff/",
  schools: "/v1/schools/",
}

/** Retry-After as milliseconds from now: delta seconds or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Builds a client. Its requests and background fetches end with the scope. */
export const make = (options: Options): Effect.Effect<SdmsClientShape, never, SdmsCache | Scope.Scope> =>
  Effect.gen(function* () {
    const cache = yield* SdmsCache
    const scope = yield* Effect.scope
    const counters = new Metrics.Counters()
    const concurrency = options.rateLimit?.concurrency ?? 8
    const limiter = RateLimit.forService(options.baseUrl, {
      perSecond: options.rateLimit?.perSecond ?? 10,
      concurrency,
      ...(options.rateLimit?.burst !== undefined ? { burst: options.rateLimit.burst } : {}),
    })
    const breaker = CircuitBreaker.make(options.breaker)
    const timeoutMs = Duration.toMillis(options.timeout ?? "10 seconds")
    const retryTimes = options.retry?.times ?? 4
    const baseMs = Duration.toMillis(options.retry?.base ?? "200 millis")
    const capMs = Duration.toMillis(options.retry?.cap ?? "10 seconds")
    const maxRetryAfterMs = Duration.toMillis(options.retry?.maxRetryAfter ?? "60 seconds")
    const ttlMs = Duration.toMillis(options.cache?.ttl ?? "24 hours")
    const notFoundTtlMs = Duration.toMillis(options.cache?.notFoundTtl ?? "1 hour")
    const maxStaleMs = Duration.toMillis(options.cache?.maxStale ?? "7 days")
    const transport = yield* Transport.make({ baseUrl: options.baseUrl, maxSockets: concurrency })
    const counted: Transport.Transport = {
      request: (req) =>
        Effect.suspend(() => {
          counters.add(req.method === "POST" ? "tokenRequests" : "requests")
          return transport.request(req)
        }),
    }
    const auth = yield* Auth.make(options.credentials, counted, timeoutMs)

    const fail = (
      kind: Record.Kind,
      id: string,
      reason: SdmsError["reason"],
      message: string,
      extra: Partial<Pick<SdmsError, "status" | "retryAfterMs">> = {},
    ) => new SdmsError({ reason, subject: kind, id, message: `SDMS ${kind} ${id}: ${message}`, ...extra })

    // One HTTP exchange: breaker, limiter, transport, and the answer classified.
    const attempt = (kind: Record.Kind, id: string, etag: string | null): Effect.Effect<Answer, SdmsError> =>
      Effect.gen(function* (): Effect.fn.Return<Answer, SdmsError> {
        const admitted = yield* Effect.either(breaker.admit)
        if (Either.isLeft(admitted)) {
          counters.add("circuitRejected")
          return yield* fail(
            kind,
            id,
            "CircuitOpen",
            `SDMS is failing; not asked again for ${Math.ceil(admitted.left.retryInMs / 1000)} s`,
            {
              retryAfterMs: admitted.left.retryInMs,
            },
          )
        }
        // SDMS asked every caller to wait longer than a look-up may: fail now rather than queue.
        const pausedMs = limiter.pausedUntil() - (yield* Clock.currentTimeMillis)
        if (pausedMs > maxRetryAfterMs) {
          yield* breaker.abandon
          counters.add("rateLimited")
          return yield* fail(kind, id, "RateLimited", `SDMS asked to wait ${Math.ceil(pausedMs / 1000)} s`, {
            retryAfterMs: pausedMs,
          })
        }
        const headers = { ...(yield* auth.headers.pipe(Effect.tapError(() => breaker.abandon))) }
        if (etag !== null) headers["if-none-match"] = etag
        const exit = yield* Effect.exit(
          limiter.withPermit(
            counted.request({ method: "GET", url: paths[kind] + encodeURIComponent(id), headers, timeoutMs }),
          ),
        )
        if (Exit.isInterrupted(exit)) {
          yield* breaker.abandon
          return yield* Effect.interrupt
        }
        if (Exit.isFailure(exit)) {
          yield* breaker.failure
          const failure = Cause.failureOption(exit.cause)
          if (Option.isNone(failure)) return yield* Effect.die(Cause.squash(exit.cause))
          const f = failure.value
          return yield* f._tag === "Timeout"
            ? fail(kind, id, "Timeout", `no answer within ${timeoutMs} ms`)
            : fail(kind, id, "Unavailable", `connection failed (${f.code})`)
        }
        const res = exit.value
        const now = yield* Clock.currentTimeMillis
        yield* Effect.logDebug("SDMS answered").pipe(Effect.annotateLogs({ kind, id, status: res.status }))
        if (res.status >= 500) {
          yield* breaker.failure
          const retryAfterMs = parseRetryAfter(res.headers["retry-after"], now)
          return yield* fail(kind, id, "Unavailable", `SDMS answered ${res.status}`, {
            status: res.status,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          })
        }
        yield* breaker.success
        switch (res.status) {
          case 200: {
            const body = safeJson(res.body)
            if (body === undefined || typeof body !== "object" || body === null || Array.isArray(body))
              return yield* fail(
                kind,
                id,
                "InvalidResponse",
                `the body is not a JSON object (${res.body.length} bytes)`,
                { status: 200 },
              )
            return { _tag: "Body", body: body as Record.Json, etag: res.headers.etag ?? null } as const
          }
          case 304:
            if (etag === null)
              return yield* fail(kind, id, "InvalidResponse", "304 to a request without If-None-Match", {
                status: 304,
              })
            return { _tag: "NotModified" } as const
          case 400:
            return yield* fail(kind, id, "NotFound", "not a well-formed id (400)", { status: 400 })
          case 404:
            return yield* fail(kind, id, "NotFound", "no such record", { status: 404 })
          case 401:
          case 403:
            return yield* fail(kind, id, "Unauthorized", `SDMS refused the credentials (${res.status})`, {
              status: res.status,
            })
          case 429: {
            counters.add("rateLimited")
            const retryAfterMs = parseRetryAfter(res.headers["retry-after"], now)
            // Every caller of this SDMS holds off, not only this one.
            if (retryAfterMs !== undefined) limiter.pauseUntil(now + retryAfterMs)
            return yield* fail(
              kind,
              id,
              "RateLimited",
              `rate limited${retryAfterMs !== undefined ? `, retry after ${retryAfterMs / 1000} s` : ""}`,
              {
                status: 429,
                ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
              },
            )
          }
          default:
            return yield* fail(kind, id, "InvalidResponse", `unexpected status ${res.status}`, {
              status: res.status,
            })
        }
      })

    // Retries transient faults: Retry-After when SDMS gave one, else exponential backoff with jitter.
    const request = (kind: Record.Kind, id: string, etag: string | null) => {
      const loop = (n: number, refreshed: boolean): Effect.Effect<Answer, SdmsError> =>
        attempt(kind, id, etag).pipe(
          Effect.catchAll((e) =>
            Effect.gen(function* () {
              if (e.reason === "Unauthorized" && e.subject !== "token" && auth.canRefresh && !refreshed) {
                yield* auth.invalidate
                return yield* loop(n, true)
              }
              if (!isTransient(e) || n >= retryTimes) return yield* e
              if (e.retryAfterMs !== undefined && e.retryAfterMs > maxRetryAfterMs) return yield* e
              const backoff = Math.min(capMs, baseMs * 2 ** n)
              const delay = e.retryAfterMs ?? Math.round(backoff / 2 + (yield* Random.next) * (backoff / 2))
              counters.add("retries")
              yield* Effect.logDebug("SDMS retry").pipe(
                Effect.annotateLogs({ kind, id, reason: e.reason, attempt: n + 1, delayMs: delay }),
              )
              yield* Effect.sleep(Duration.millis(delay))
              return yield* loop(n + 1, refreshed)
            }),
          ),
        )
      return loop(0, false)
    }

    const cacheRead = (kind: Record.Kind, id: string) =>
      cache.get(kind, id).pipe(Effect.catchAll((e) => cacheTrouble(e).pipe(Effect.as(undefined))))
    const cacheWrite = (write: Effect.Effect<void, CacheError>) => write.pipe(Effect.catchAll(cacheTrouble))
    const cacheTrouble = (e: CacheError) =>
      Effect.sync(() => counters.add("cacheErrors")).pipe(Effect.zipRight(Effect.logWarning(e.message)))

    const lookupUncoalesced = <K extends Record.Kind>(
      kind: K,
      id: string,
    ): Effect.Effect<Lookup<Record.ByKind[K]>, SdmsError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const entry = yield* cacheRead(kind, id)
        const cached = entry?.body ? Record.decode(kind, id, entry.body) : undefined
        const usable = cached && Either.isRight(cached) ? cached.right : undefined
        const lookup = (
          record: Record.ByKind[K],
          e: Entry,
          from: Lookup<unknown>["from"],
          stale: boolean,
          lastError: string | null,
        ) => ({
          record,
          from,
          stale,
          fetchedAt: new Date(e.fetchedAt),
          lastError,
        })
        if (entry && now < entry.expiresAt) {
          if (entry.body === null) {
            counters.add("negativeHits")
            counters.add("cacheHits")
            return yield* fail(kind, id, "NotFound", "no such record (cached)")
          }
          if (usable) {
            counters.add("cacheHits")
            return lookup(usable, entry, "cache", false, null)
          }
        }
        counters.add(entry ? "cacheExpired" : "cacheMisses")
        const answer = yield* Effect.either(request(kind, id, usable && entry?.etag ? entry.etag : null))
        const at = yield* Clock.currentTimeMillis
        if (Either.isRight(answer)) {
          if (answer.right._tag === "NotModified" && usable && entry) {
            counters.add("revalidated")
            const times = { fetchedAt: at, expiresAt: at + ttlMs }
            yield* cacheWrite(cache.confirm(kind, id, times))
            return lookup(usable, { ...entry, ...times }, "revalidated", false, null)
          }
          if (answer.right._tag === "Body") {
            const { body, etag } = answer.right
            const record = yield* Record.decode(kind, id, body)
            const fresh: Entry = { body, etag, fetchedAt: at, expiresAt: at + ttlMs, lastError: null }
            yield* cacheWrite(cache.put(kind, id, fresh))
            return lookup(record, fresh, "sdms", false, null)
          }
          return yield* fail(kind, id, "InvalidResponse", "304 for a record the cache does not hold")
        }
        const e = answer.left
        if (e.reason === "NotFound") {
          yield* cacheWrite(
            cache.put(kind, id, {
              body: null,
              etag: null,
              fetchedAt: at,
              expiresAt: at + notFoundTtlMs,
              lastError: null,
            }),
          )
          return yield* e
        }
        if (isOutage(e) && usable && entry && at - entry.fetchedAt <= maxStaleMs) {
          counters.add("staleServed")
          yield* cacheWrite(cache.markError(kind, id, e.message))
          yield* Effect.logWarning("SDMS unreachable; serving a stale record").pipe(
            Effect.annotateLogs({
              kind,
              id,
              reason: e.reason,
              fetchedAt: new Date(entry.fetchedAt).toISOString(),
            }),
          )
          return lookup(usable, entry, "cache", true, e.message)
        }
        return yield* e
      })

    // Concurrent look-ups of one record share one fetch. The fetch runs in the client's scope, so an
    // interrupted caller does not cancel it for the others; when the last caller leaves, it is interrupted.
    const inflight = new Map<string, { fiber: Fiber.RuntimeFiber<unknown, SdmsError>; waiters: number }>()
    const lookup = <K extends Record.Kind>(
      kind: K,
      id: string,
    ): Effect.Effect<Lookup<Record.ByKind[K]>, SdmsError> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(function* () {
          const key = `${kind}/${id}`
          let slot = inflight.get(key)
          if (slot) counters.add("coalesced")
          else {
            const fiber = yield* Effect.forkIn(Effect.interruptible(lookupUncoalesced(kind, id)), scope)
            const created = { fiber: fiber as Fiber.RuntimeFiber<unknown, SdmsError>, waiters: 0 }
            inflight.set(key, created)
            fiber.addObserver(() => {
              if (inflight.get(key) === created) inflight.delete(key)
            })
            slot = created
          }
          const s = slot
          s.waiters++
          return yield* restore(
            Fiber.join(s.fiber) as Effect.Effect<Lookup<Record.ByKind[K]>, SdmsError>,
          ).pipe(
            Effect.onExit((exit) =>
              Effect.suspend(() => {
                s.waiters--
                return Exit.isInterrupted(exit) && s.waiters === 0
                  ? Fiber.interruptFork(s.fiber)
                  : Effect.void
              }),
            ),
          )
        }),
      )

    const lookupConcurrency = options.lookupConcurrency ?? concurrency * 2
    return {
      student: (id) => lookup("students", id),
      staff: (id) => lookup("staff", id),
      school: (code) => lookup("schools", code),
      students: (ids) =>
        Effect.forEach(
          ids,
          (id) => Effect.map(Effect.either(lookup("students", id)), (result) => ({ id, result })),
          { concurrency: lookupConcurrency },
        ),
      metrics: () => counters.snapshot(breaker),
    } satisfies SdmsClientShape
  })

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The client as a layer; it needs a cache (`PgCache.layer` or `MemoryCache.layer`). */
export const layer = (options: Options): Layer.Layer<SdmsClient, never, SdmsCache> =>
  Layer.scoped(SdmsClient, make(options))

/**
 * Options from configuration, under a prefix (default `SDMS`): `SDMS_BASE_URL`, then either
 * `SDMS_API_KEY` or `SDMS_CLIENT_ID` with `SDMS_CLIENT_SECRET` (and `SDMS_TOKEN_URL`,
 * `SDMS_SCOPE`), and optionally `SDMS_RATE_PER_SECOND`, `SDMS_CONCURRENCY`, `SDMS_TIMEOUT`.
 * Secrets stay `Redacted` until the request is made.
 */
export const optionsConfig = (prefix = "SDMS"): Config.Config<Options> => {
  const name = (n: string) => `${prefix}_${n}`
  const apiKey = Config.redacted(name("API_KEY")).pipe(
    Config.map((key): Auth.Credentials => ({ _tag: "ApiKey", key })),
  )
  const oauth = Config.all({
    clientId: Config.string(name("CLIENT_ID")),
    clientSecret: Config.redacted(name("CLIENT_SECRET")),
    tokenUrl: Config.option(Config.string(name("TOKEN_URL"))),
    scope: Config.option(Config.string(name("SCOPE"))),
  }).pipe(
    Config.map(
      (c): Auth.Credentials => ({
        _tag: "OAuth2",
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        ...(Option.isSome(c.tokenUrl) ? { tokenUrl: c.tokenUrl.value } : {}),
        ...(Option.isSome(c.scope) ? { scope: c.scope.value } : {}),
      }),
    ),
  )
  return Config.all({
    baseUrl: Config.string(name("BASE_URL")),
    credentials: Config.orElse(apiKey, () => oauth),
    perSecond: Config.option(Config.number(name("RATE_PER_SECOND"))),
    concurrency: Config.option(Config.integer(name("CONCURRENCY"))),
    timeout: Config.option(Config.duration(name("TIMEOUT"))),
  }).pipe(
    Config.map(
      (c): Options => ({
        baseUrl: c.baseUrl,
        credentials: c.credentials,
        ...(Option.isSome(c.timeout) ? { timeout: c.timeout.value } : {}),
        rateLimit: {
          ...(Option.isSome(c.perSecond) ? { perSecond: c.perSecond.value } : {}),
          ...(Option.isSome(c.concurrency) ? { concurrency: c.concurrency.value } : {}),
        },
      }),
    ),
  )
}

/** The client from configuration (see `optionsConfig`). */
export const layerConfig = (prefix = "SDMS"): Layer.Layer<SdmsClient, ConfigError.ConfigError, SdmsCache> =>
  Layer.scoped(SdmsClient, Effect.flatMap(optionsConfig(prefix), make))
