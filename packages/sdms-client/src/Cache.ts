import { Context, Data, type Effect } from "effect"
import type { Json, Kind } from "./Record.js"

/** One cached answer of SDMS for one id. */
export interface Entry {
  /** The body as SDMS sent it; null when SDMS said there is no such record (a negative entry). */
  readonly body: Json | null
  readonly etag: string | null
  /** When SDMS last confirmed this answer (epoch ms, the client's clock). */
  readonly fetchedAt: number
  /** Until when it answers without asking SDMS (epoch ms). */
  readonly expiresAt: number
  /** Why the last attempt to refresh it failed, while it is being served stale. */
  readonly lastError: string | null
}

/** A cache read or write failed; the client goes on without the cache. */
export class CacheError extends Data.TaggedError("SdmsCacheError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** Where the client keeps SDMS answers: PostgreSQL (`Cache/Pg`) or memory (`Cache/Memory`). */
export interface SdmsCacheShape {
  readonly get: (kind: Kind, id: string) => Effect.Effect<Entry | undefined, CacheError>
  readonly put: (kind: Kind, id: string, entry: Entry) => Effect.Effect<void, CacheError>
  /** SDMS confirmed the entry (304): new times, same body. */
  readonly confirm: (
    kind: Kind,
    id: string,
    times: { readonly fetchedAt: number; readonly expiresAt: number },
  ) => Effect.Effect<void, CacheError>
  /** A refresh failed while the entry is served stale. */
  readonly markError: (kind: Kind, id: string, message: string) => Effect.Effect<void, CacheError>
}

/** The cache the client reads through. */
export class SdmsCache extends Context.Tag("@schoolbridge/sdms-client/SdmsCache")<
  SdmsCache,
  SdmsCacheShape
>() {}
