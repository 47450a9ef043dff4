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
import { Effect, Stream } from "effect"
import { SqliteClient, type SqliteClientShape, type SqliteError } from "../SqliteClient.js"
import * as Keyset from "./Keyset.js"

/** What to read. Identifiers come from configuration (never from data) and are quoted. */
export interface Options extends Keyset.Options {
  /** `table` or `schema.table` (an attached schema such as `main`). */
  readonly table: string
}

const sourceError = (source: string, e: SqliteError) =>
  new Source.SourceError({ reason: e.reason, source, message: e.message, cause: e })

const dialect: Keyset.Dialect = { quote: Keyset.quoteWith('"'), marker: () => "?" }
const escapeId = dialect.quote

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
  const run: Keyset.Run<Source.SourceError> = (sql, params) =>
    client.query(sql, params).pipe(Effect.mapError(fail))

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

  // A key beyond 2^53 comes back as its decimal text; compared as text it would sort after every number.
  const conditions = (partition: Source.Partition, after: Source.Cursor | null, numericKey: boolean) =>
    numericKey && typeof after === "string" && /^-?\d+$/.test(after)
      ? Keyset.conditions(dialect, options, partition, after, (marker) => `cast(${marker} as integer)`)
      : Keyset.conditions(dialect, options, partition, after)

  const page = (partition: Source.Partition, after: Source.Cursor | null, size: number, s: Shape) => {
    const { where, params } = conditions(partition, after, s.numericKey)
    return client
      .query<Record<string, unknown>>(`select ${columns} from ${table} t${where} order by ${key} limit ?`, [
        ...params,
        size,
      ])
      .pipe(
        Effect.map((rows): Source.SourceBatch<Record<string, unknown>> | null => {
          if (rows.length === 0) return null
          const keys = Keyset.keysOf(rows, options.key)
          const notes: Array<Transform.Note> = []
          fixRows(rows, keys, s, notes)
          return Keyset.batch(rows, options.key, keys, notes)
        }),
        Effect.mapError(fail),
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
    partitions: Keyset.partitions(dialect, options, (column) =>
      run(`select distinct ${column} as t from ${table} order by 1`),
    ),
    estimate: (partition, after) =>
      Effect.flatMap(shape, (s) =>
        Keyset.count(run, `${table} t`, conditions(partition, after, s.numericKey)),
      ),
    stream,
  }
}
