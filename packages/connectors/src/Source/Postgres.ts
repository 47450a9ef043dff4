/**
 * PostgreSQL source (an old Django app's database, say): rows of one table in key order, read a page
 * at a time (`where key > $n order by key limit n`), so a run resumes after the last committed key.
 * It reads through the `PgClient` in its context, which for a source is its own connection, not the
 * target's.
 *
 * Rows carry the same shapes as the MySQL source's, so one mapper reads either: numeric as exact text,
 * bigint as a number up to 2^53 and as decimal text beyond, dates as `YYYY-MM-DD` text, timestamps as
 * ISO text (`2024-01-02 08:30:00`, with its offset for timestamptz), booleans as booleans. Date, time
 * and interval columns are cast to text in the query, with the date style pinned to ISO for it, so
 * that pg never turns them into JS Dates in the local time zone.
 */
import { Source } from "@schoolbridge/core"
import { Chunk, Effect, Option, Stream } from "effect"
import { PgClient, type PgClientShape, type PgError, query } from "../PgClient.js"

/** What to read. Identifiers come from configuration (never from data) and are quoted. */
export interface Options {
  /** `table` or `schema.table`. */
  readonly table: string
  /** The primary key (one column): rows stream in its order and resume after its last committed value. */
  readonly key: string
  /** Columns to read; default all. */
  readonly columns?: ReadonlyArray<string>
  /** An extra SQL condition from the manifest, e.g. `not is_deleted`. */
  readonly where?: string
  /** One partition per value of this column (e.g. tenants in parallel). */
  readonly tenantColumn?: string
  /** The tenants to read, instead of every distinct value of `tenantColumn`. */
  readonly tenants?: ReadonlyArray<string>
}

const sourceError = (source: string, e: PgError) =>
  new Source.SourceError({
    reason: e.reason === "transient" ? "transient" : e.reason === "connection" ? "connection" : "query",
    source,
    message: e.message,
    cause: e,
  })

const escapeId = (id: string) =>
  id
    .split(".")
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join(".")

// Type oids pg would parse into Dates or interval objects: date, timestamp, timestamptz, interval and their arrays.
const textTypes = new Set([1082, 1114, 1184, 1186, 1182, 1115, 1185, 1187])
const INT8 = 20

/** How each column is selected and read, decided once from the catalog. */
interface Shape {
  readonly select: string
  readonly bigints: ReadonlyArray<string>
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)

/** pg gives bigint as text; a number holds it exactly up to 2^53, as the MySQL source returns it. */
const fixBigints = (rows: Array<Record<string, unknown>>, bigints: ReadonlyArray<string>) => {
  if (bigints.length === 0) return
  for (const row of rows) {
    for (const c of bigints) {
      const v = row[c]
      if (typeof v === "string") {
        const n = BigInt(v)
        if (n <= maxSafe && n >= -maxSafe) row[c] = Number(n)
      }
    }
  }
}

/** Builds the PostgreSQL source. */
export const make = (
  options: Options,
): Effect.Effect<Source.SourceShape<Record<string, unknown>>, Source.SourceError, PgClient> =>
  Effect.flatMap(PgClient, (client) => fromClient(client, options))

const fromClient = (client: PgClientShape, options: Options) =>
  Effect.gen(function* () {
    const describe = `postgres ${options.table}`
    const table = escapeId(options.table)
    const key = escapeId(options.key)
    const fail = (e: PgError) => sourceError(describe, e)

    // The catalog is read once, on first use, not when the source is built.
    const shape = yield* Effect.cached(
      client
        .query<{ name: string; oid: number }>(
          `select attname as name, atttypid::int as oid from pg_attribute
            where attrelid = to_regclass($1) and attnum > 0 and not attisdropped order by attnum`,
          [table],
        )
        .pipe(
          Effect.mapError(fail),
          Effect.flatMap((cols): Effect.Effect<Shape, Source.SourceError> => {
            if (cols.length === 0)
              return Effect.fail(
                new Source.SourceError({
                  reason: "config",
                  source: describe,
                  message: `no table ${options.table} in PostgreSQL at ${client.describe}; check the table name and schema`,
                }),
              )
            const oids = new Map(cols.map((c) => [c.name, c.oid]))
            const names = options.columns ?? cols.map((c) => c.name)
            const select = names
              .map((n) =>
                textTypes.has(oids.get(n) ?? 0) ? `${escapeId(n)}::text as ${escapeId(n)}` : escapeId(n),
              )
              .join(", ")
            return Effect.succeed({ select, bigints: names.filter((n) => oids.get(n) === INT8) })
          }),
        ),
    )

    const conditions = (partition: Source.Partition, after: Source.Cursor | null) => {
      const sql: Array<string> = []
      const params: Array<unknown> = []
      if (options.tenantColumn && partition.tenant !== null) {
        params.push(partition.tenant)
        sql.push(`${escapeId(options.tenantColumn)} = $${params.length}`)
      }
      if (after !== null) {
        params.push(after)
        sql.push(`${key} > $${params.length}`)
      }
      if (options.where) sql.push(`(${options.where})`)
      return { where: sql.length > 0 ? ` where ${sql.join(" and ")}` : "", params }
    }

    const page = (partition: Source.Partition, after: Source.Cursor | null, size: number, s: Shape) => {
      const { where, params } = conditions(partition, after)
      const sql = `select ${s.select} from ${table}${where} order by ${key} limit $${params.length + 1}`
      return client
        .transaction((conn) =>
          // A source role may have another date style; ISO is the one the text above is promised in.
          query(conn, "set local datestyle to 'ISO, YMD'").pipe(
            Effect.zipRight(query<Record<string, unknown>>(conn, sql, [...params, size])),
          ),
        )
        .pipe(
          Effect.mapError(fail),
          Effect.map((rows): Source.SourceBatch<Record<string, unknown>> | null => {
            if (rows.length === 0) return null
            fixBigints(rows, s.bigints)
            return {
              rows,
              keys: rows.map((r) => String(r[options.key])),
              cursor: rows[rows.length - 1]![options.key] as Source.Cursor,
              rejected: [],
              notes: [],
            }
          }),
        )
    }

    const stream = (partition: Source.Partition, after: Source.Cursor | null, batchSize: number) =>
      Stream.unwrap(
        Effect.map(shape, (s) =>
          Stream.paginateChunkEffect<
            Source.Cursor | null,
            Source.SourceBatch<Record<string, unknown>>,
            Source.SourceError,
            never
          >(after, (from) =>
            page(partition, from, batchSize, s).pipe(
              Effect.map((batch) =>
                batch === null
                  ? ([Chunk.empty(), Option.none()] as const)
                  : ([
                      Chunk.of(batch),
                      batch.rows.length < batchSize
                        ? Option.none()
                        : Option.some<Source.Cursor | null>(batch.cursor),
                    ] as const),
              ),
            ),
          ),
        ),
      )

    return {
      describe,
      partitions: options.tenantColumn
        ? options.tenants
          ? Effect.succeed(options.tenants.map((t) => ({ key: t, tenant: t })))
          : client
              .query<{ t: unknown }>(
                `select distinct ${escapeId(options.tenantColumn)} as v, ${escapeId(options.tenantColumn)}::text as t from ${table} order by 1`,
              )
              .pipe(
                Effect.map((rows) =>
                  rows.filter((r) => r.t !== null).map((r) => ({ key: String(r.t), tenant: String(r.t) })),
                ),
                Effect.mapError(fail),
              )
        : Effect.succeed([Source.wholeSource]),
      estimate: (partition, after) => {
        const { where, params } = conditions(partition, after)
        return client.query<{ n: string }>(`select count(*) as n from ${table}${where}`, params).pipe(
          Effect.map((rows) => Number(rows[0]?.n ?? 0)),
          Effect.mapError(fail),
        )
      },
      stream,
    } satisfies Source.SourceShape<Record<string, unknown>>
  })
