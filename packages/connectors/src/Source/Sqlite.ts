/**
 * SQLite source: rows of one table in key order, read a page at a time (`where key > ? order by key
 * limit n`), so a run resumes after the last committed key. The file is in memory (see SqliteClient),
 * so a page costs no round trip; paging only keeps each batch's rows, not the table's, alive.
 *
 * SQLite has no date type: dates are text in columns declared DATE, DATETIME, TIMESTAMP and the like.
 * A zero date in such a column becomes null with a note, as in the MySQL source, and a column
 * declared BOOLEAN gives true/false for 1/0, as MySQL's tinyint(1) does.
 */
import { Source, type Transform } from "@schoolbridge/core"
import { Chunk, Effect, Option, Stream } from "effect"
import { SqliteClient, type SqliteClientShape, type SqliteError } from "../SqliteClient.js"

/** What to read. Identifiers come from configuration (never from data) and are quoted. */
export interface Options {
  /** `table` or `schema.table` (an attached schema such as `main`). */
  readonly table: string
  /** The primary key (one column): rows stream in its order and resume after its last committed value. */
  readonly key: string
  /** Columns to read; default all. */
  readonly columns?: ReadonlyArray<string>
  /** An extra SQL condition from the manifest, e.g. `deleted = 0`. */
  readonly where?: string
  /** One partition per value of this column (e.g. tenants in parallel). */
  readonly tenantColumn?: string
  /** The tenants to read, instead of every distinct value of `tenantColumn`. */
  readonly tenants?: ReadonlyArray<string>
}

const sourceError = (source: string, e: SqliteError) =>
  new Source.SourceError({ reason: e.reason, source, message: e.message, cause: e })

const escapeId = (id: string) =>
  id
    .split(".")
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join(".")

/** Column conversions decided once per source from the declared column types. */
interface Shape {
  readonly dates: ReadonlyArray<string>
  readonly booleans: ReadonlyArray<string>
  /** The key's declared type gives it a numeric affinity, so a cursor of digits is compared as a number. */
  readonly numericKey: boolean
}

// SQLite's affinity rules: a declared type containing INT, REAL, FLOA, DOUB or none of CHAR/CLOB/TEXT/BLOB is numeric.
const numericAffinity = (type: string) =>
  /INT|REAL|FLOA|DOUB/.test(type) || (type !== "" && !/CHAR|CLOB|TEXT|BLOB/.test(type))

const shapeOf = (columns: ReadonlyArray<{ name: string; type: string }>, key: string): Shape => ({
  dates: columns.filter((c) => /DATE|TIME/.test(c.type)).map((c) => c.name),
  booleans: columns.filter((c) => /BOOL/.test(c.type)).map((c) => c.name),
  numericKey: columns.some((c) => c.name === key && numericAffinity(c.type)),
})

const isoDate = /^\d{4}-\d{2}-\d{2}/

/**
 * A zero date or a date with a zero month or day is not a date: it becomes null with a note, never
 * another date. A real early date such as 0009-12-04 passes untouched; text that is no ISO date at all
 * is left for the mapper to judge.
 */
const fixRows = (
  rows: Array<Record<string, unknown>>,
  keys: ReadonlyArray<string>,
  shape: Shape,
  notes: Array<Transform.Note>,
) => {
  if (shape.dates.length === 0 && shape.booleans.length === 0) return
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    for (const c of shape.dates) {
      const v = row[c]
      if (
        typeof v === "string" &&
        isoDate.test(v) &&
        (v.startsWith("0000-00-00") || v.slice(5, 7) === "00" || v.slice(8, 10) === "00")
      ) {
        row[c] = null
        notes.push({
          key: keys[i]!,
          column: c,
          rule: "zero_date",
          message: `${c} was ${v}, not a date; loaded as null`,
        })
      }
    }
    for (const c of shape.booleans) {
      const v = row[c]
      if (v === 0 || v === 1) row[c] = v === 1
    }
  }
}

/** Builds the SQLite source. */
export const make = (
  options: Options,
): Effect.Effect<Source.SourceShape<Record<string, unknown>>, Source.SourceError, SqliteClient> =>
  Effect.map(SqliteClient, (client) => fromClient(client, options))

const fromClient = (
  client: SqliteClientShape,
  options: Options,
): Source.SourceShape<Record<string, unknown>> => {
  const describe = `sqlite ${client.describe} ${options.table}`
  const table = escapeId(options.table)
  const key = escapeId(options.key)
  const columns = options.columns ? options.columns.map(escapeId).join(", ") : "*"
  const fail = (e: SqliteError) => sourceError(describe, e)

  const [schema, name] = options.table.includes(".")
    ? [
        options.table.slice(0, options.table.indexOf(".")),
        options.table.slice(options.table.indexOf(".") + 1),
      ]
    : ["main", options.table]
  const shape = client
    .query<{ name: string; type: string }>("select name, upper(type) as type from pragma_table_info(?, ?)", [
      name,
      schema,
    ])
    .pipe(
      Effect.flatMap((cols) =>
        cols.length === 0
          ? Effect.fail(
              new Source.SourceError({
                reason: "config",
                source: describe,
                message: `no table ${options.table} in SQLite file ${client.describe}; check the table name`,
              }),
            )
          : Effect.succeed(shapeOf(cols, options.key)),
      ),
      Effect.catchTag("SqliteError", (e) => Effect.fail(fail(e))),
    )

  const conditions = (partition: Source.Partition, after: Source.Cursor | null, numericKey: boolean) => {
    const sql: Array<string> = []
    const params: Array<unknown> = []
    if (options.tenantColumn && partition.tenant !== null) {
      sql.push(`${escapeId(options.tenantColumn)} = ?`)
      params.push(partition.tenant)
    }
    if (after !== null) {
      // A key beyond 2^53 comes back as its decimal text; compared as text it would sort after every number.
      const exact = numericKey && typeof after === "string" && /^-?\d+$/.test(after)
      sql.push(exact ? `${key} > cast(? as integer)` : `${key} > ?`)
      params.push(after)
    }
    if (options.where) sql.push(`(${options.where})`)
    return { where: sql.length > 0 ? ` where ${sql.join(" and ")}` : "", params }
  }

  const page = (partition: Source.Partition, after: Source.Cursor | null, size: number, s: Shape) => {
    const { where, params } = conditions(partition, after, s.numericKey)
    return client
      .query<Record<string, unknown>>(`select ${columns} from ${table}${where} order by ${key} limit ?`, [
        ...params,
        size,
      ])
      .pipe(
        Effect.map((rows): Source.SourceBatch<Record<string, unknown>> | null => {
          if (rows.length === 0) return null
          const keys = rows.map((r) => String(r[options.key]))
          const notes: Array<Transform.Note> = []
          fixRows(rows, keys, s, notes)
          return {
            rows,
            keys,
            cursor: rows[rows.length - 1]![options.key] as Source.Cursor,
            rejected: [],
            notes,
          }
        }),
        Effect.mapError(fail),
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
              `select distinct ${escapeId(options.tenantColumn)} as t from ${table} order by 1`,
            )
            .pipe(
              Effect.map((rows) =>
                rows.filter((r) => r.t !== null).map((r) => ({ key: String(r.t), tenant: String(r.t) })),
              ),
              Effect.mapError(fail),
            )
      : Effect.succeed([Source.wholeSource]),
    estimate: (partition, after) =>
      Effect.flatMap(shape, (s) => {
        const { where, params } = conditions(partition, after, s.numericKey)
        return client.query<{ n: number }>(`select count(*) as n from ${table}${where}`, params).pipe(
          Effect.map((rows) => Number(rows[0]?.n ?? 0)),
          Effect.mapError(fail),
        )
      }),
    stream,
  }
}
