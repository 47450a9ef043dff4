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
import { Effect, Stream } from "effect"
import { PgClient, type PgClientShape, type PgError, query } from "../PgClient.js"
import * as Keyset from "./Keyset.js"

/** What to read. Identifiers come from configuration (never from data) and are quoted. */
export interface Options extends Keyset.Options {
  /** `table` or `schema.table`. */
  readonly table: string
  /** An extra SQL condition from the manifest, e.g. `not is_deleted`. */
  readonly where?: string
}

const sourceError = (source: string, e: PgError) =>
  new Source.SourceError({
    reason: e.reason === "transient" ? "transient" : e.reason === "connection" ? "connection" : "query",
    source,
    message: e.message,
    cause: e,
  })

const dialect: Keyset.Dialect = { quote: Keyset.quoteWith('"'), marker: (n) => `$${n}` }
const escapeId = dialect.quote

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
    const run: Keyset.Run<Source.SourceError> = (sql, params) =>
      client.query(sql, params).pipe(Effect.mapError(fail))

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

    const conditions = (partition: Source.Partition, after: Source.Cursor | null) =>
      Keyset.conditions(dialect, options, partition, after)

    const page = (partition: Source.Partition, after: Source.Cursor | null, size: number, s: Shape) => {
      const { where, params } = conditions(partition, after)
      const sql = `select ${s.select} from ${table} t${where} order by ${key} limit $${params.length + 1}`
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
            return Keyset.batch(rows, options.key, Keyset.keysOf(rows, options.key), [])
          }),
        )
    }

    const stream = (partition: Source.Partition, after: Source.Cursor | null, batchSize: number) =>
      Stream.unwrap(
        Effect.map(shape, (s) =>
          Keyset.paginate(after, batchSize, (from) => page(partition, from, batchSize, s)).pipe(
            Stream.map((b) => Keyset.place(dialect, options, partition, b)),
          ),
        ),
      )

    return {
      describe,
      // Tenants are read as text, in the column's own order (so numeric tenants sort as numbers).
      partitions: Keyset.partitions(dialect, options, (column) =>
        run(`select distinct ${column} as v, ${column}::text as t from ${table} order by 1`),
      ),
      estimate: (partition, after) => Keyset.count(run, `${table} t`, conditions(partition, after)),
      stream,
    } satisfies Source.SourceShape<Record<string, unknown>>
  })
