import { PgClient } from "@schoolbridge/connectors"
import { Effect, Layer } from "effect"
import { CacheError, type Entry, SdmsCache, type SdmsCacheShape } from "../Cache.js"
import type { Json, Kind } from "../Record.js"

// One table per record kind, created by the schema migration `sdms_cache`.
const tables: Record<Kind, string> = {
  students: "sdms.students",
  staff: "sdms.staff",
  schools: "sdms.schools",
}

const failed = (what: string) => (e: PgClient.PgError) =>
  new CacheError({ message: `SDMS cache ${what} failed: ${e.message}`, cause: e })

interface Row extends Record<string, unknown> {
  readonly body: Json | null
  readonly etag: string | null
  readonly fetched_ms: string
  readonly expires_ms: string
  readonly last_error: string | null
}

/**
 * The cache in PostgreSQL (schema `sdms`): shared by every process on the database, so a record
 * one replica fetched answers the others. Times are written from the client's clock, not now().
 */
export const make = Effect.gen(function* () {
  const db = yield* PgClient.PgClient
  const cache: SdmsCacheShape = {
    get: (kind, id) =>
      db
        .query<Row>(
          `select body, etag, last_error,
                  (extract(epoch from fetched_at) * 1000)::bigint::text as fetched_ms,
                  (extract(epoch from expires_at) * 1000)::bigint::text as expires_ms
             from ${tables[kind]} where id = $1`,
          [id],
        )
        .pipe(
          Effect.map((rows): Entry | undefined => {
            const r = rows[0]
            if (!r) return undefined
            return {
              body: r.body,
              etag: r.etag,
              fetchedAt: Number(r.fetched_ms),
              expiresAt: Number(r.expires_ms),
              lastError: r.last_error,
            }
          }),
          Effect.mapError(failed("read")),
        ),
    put: (kind, id, e) =>
      db
        .query(
          `insert into ${tables[kind]} (id, body, etag, fetched_at, expires_at, last_error, last_error_at)
           values ($1, $2::jsonb, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), $6,
                   case when $6::text is null then null else now() end)
           on conflict (id) do update set body = excluded.body, etag = excluded.etag,
             fetched_at = excluded.fetched_at, expires_at = excluded.expires_at,
             last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
          [
            id,
            e.body === null ? null : JSON.stringify(e.body),
            e.etag,
            e.fetchedAt,
            e.expiresAt,
            e.lastError,
          ],
        )
        .pipe(Effect.asVoid, Effect.mapError(failed("write"))),
    confirm: (kind, id, t) =>
      db
        .query(
          `update ${tables[kind]} set fetched_at = to_timestamp($2 / 1000.0), expires_at = to_timestamp($3 / 1000.0),
                  last_error = null, last_error_at = null
            where id = $1`,
          [id, t.fetchedAt, t.expiresAt],
        )
        .pipe(Effect.asVoid, Effect.mapError(failed("write"))),
    markError: (kind, id, message) =>
      db
        .query(`update ${tables[kind]} set last_error = $2, last_error_at = now() where id = $1`, [
          id,
          message,
        ])
        .pipe(Effect.asVoid, Effect.mapError(failed("write"))),
  }
  return cache
})

/** The PostgreSQL cache as the client's cache (the schema must be migrated: `PgLedger.migrateSchema`). */
export const layer: Layer.Layer<SdmsCache, never, PgClient.PgClient> = Layer.effect(SdmsCache, make)
