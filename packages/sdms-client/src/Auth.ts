import { Clock, Duration, Effect, Redacted } from "effect"
import { SdmsError } from "./SdmsError.js"
import type { Transport } from "./Transport.js"

/** How the client proves who it is: an API key header, or OAuth2 client credentials. */
export type Credentials =
  | {
      readonly _tag: "ApiKey"
      readonly key: Redacted.Redacted<string>
      /** Default `X-API-Key`. */
      readonly header?: string
    }
  | {
      readonly _tag: "OAuth2"
      readonly clientId: string
      readonly clientSecret: Redacted.Redacted<string>
      /** Default `/oauth/token` on the SDMS base URL. */
      readonly tokenUrl?: string
      readonly scope?: string
      /** A token is replaced this long before it expires. Default 60 seconds (at most half its life). */
      readonly refreshBefore?: Duration.DurationInput
    }

/** Supplies the headers that authenticate a request. */
export interface Authenticator {
  readonly headers: Effect.Effect<Record<string, string>, SdmsError>
  /** Forgets the current token (SDMS refused it), so the next request fetches a new one. */
  readonly invalidate: Effect.Effect<void>
  /** True when a refused request is worth repeating with a fresh token. */
  readonly canRefresh: boolean
}

const tokenError = (reason: SdmsError["reason"], message: string, status?: number) =>
  new SdmsError({ reason, subject: "token", id: "", message, ...(status !== undefined ? { status } : {}) })

/** The authenticator for these credentials. Tokens are fetched once for all concurrent callers. */
export const make = (
  credentials: Credentials,
  transport: Transport,
  timeoutMs: number,
): Effect.Effect<Authenticator> =>
  Effect.gen(function* () {
    if (credentials._tag === "ApiKey") {
      const header = credentials.header ?? "X-API-Key"
      return {
        headers: Effect.sync(() => ({ [header]: Redacted.value(credentials.key) })),
        invalidate: Effect.void,
        canRefresh: false,
      } satisfies Authenticator
    }
    const lock = yield* Effect.makeSemaphore(1)
    let current: { token: string; refreshAt: number } | undefined
    const refreshBefore = Duration.toMillis(credentials.refreshBefore ?? "60 seconds")
    const fetchToken = Effect.gen(function* () {
      const form = new URLSearchParams({ grant_type: "client_credentials" })
      if (credentials.scope) form.set("scope", credentials.scope)
      const basic = Buffer.from(
        `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(Redacted.value(credentials.clientSecret))}`,
      ).toString("base64")
      const res = yield* transport
        .request({
          method: "POST",
          url: credentials.tokenUrl ?? "/oauth/token",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
          body: form.toString(),
          timeoutMs,
        })
        .pipe(
          Effect.mapError((f) =>
            f._tag === "Timeout"
              ? tokenError("Timeout", "SDMS token endpoint did not answer in time")
              : tokenError("Unavailable", `SDMS token endpoint unreachable (${f.code})`),
          ),
        )
      if (res.status === 401 || res.status === 400 || res.status === 403)
        return yield* tokenError(
          "Unauthorized",
          `SDMS refused the client credentials of ${credentials.clientId} (${res.status})`,
          res.status,
        )
      if (res.status !== 200)
        return yield* tokenError("Unavailable", `SDMS token endpoint answered ${res.status}`, res.status)
      const body = yield* Effect.try({
        try: () => JSON.parse(res.body) as { access_token?: unknown; expires_in?: unknown },
        catch: () =>
          tokenError("InvalidResponse", "SDMS token endpoint answered with a body that is not JSON"),
      })
      if (typeof body.access_token !== "string" || typeof body.expires_in !== "number")
        return yield* tokenError("InvalidResponse", "SDMS token answer lacks access_token or expires_in")
      const now = yield* Clock.currentTimeMillis
      const lifeMs = body.expires_in * 1000
      current = { token: body.access_token, refreshAt: now + lifeMs - Math.min(refreshBefore, lifeMs / 2) }
      return current.token
    })
    const token = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (current && now < current.refreshAt) return current.token
      return yield* lock.withPermits(1)(
        Effect.gen(function* () {
          const again = yield* Clock.currentTimeMillis
          if (current && again < current.refreshAt) return current.token
          return yield* fetchToken
        }),
      )
    })
    return {
      headers: Effect.map(token, (t) => ({ authorization: `Bearer ${t}` })),
      invalidate: Effect.sync(() => {
        current = undefined
      }),
      canRefresh: true,
    } satisfies Authenticator
  })
