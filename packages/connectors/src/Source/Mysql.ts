import { Source, type Transform } from "@schoolbridge/core"
import { Effect, Option, Stream } from "effect"
import type { FieldPacket, PoolConnection } from "mysql2"
import { classify, MysqlClient, type MysqlClientShape, type MysqlError } from "../MysqlClient.js"
import * as Keyset from "./Keyset.js"

/** What to read. Identifiers come from configuration (never from data) and are quoted. */
export interface Options extends Keyset.Options {
  /** `table` or `database.table`. */
  readonly table: string
}

// MySQL column type codes (see the protocol's MYSQL_TYPE_*): dates and the tiny int used as a boolean.
const dateTypes = new Set([7, 10, 12, 14])
const TINY = 1

const sourceError = (source: string, e: MysqlError) =>
  new Source.SourceError({
    reason: e.reason === "transient" ? "transient" : e.reason === "connection" ? "connection" : "query",
    source,
    message: e.message,
    cause: e,
  })

const dialect: Keyset.Dialect = { quote: Keyset.quoteWith("`"), marker: () => "?" }
const escapeId = dialect.quote

/** Column conversions decided once per query from its field metadata. */
interface Shape {
  readonly dates: ReadonlyArray<string>
  readonly booleans: ReadonlyArray<string>
}

const shapeOf = (fields: ReadonlyArray<FieldPacket>): Shape => ({
  dates: fields.filter((f) => dateTypes.has(f.columnType ?? -1)).map((f) => f.name),
  booleans: fields.filter((f) => f.columnType === TINY && f.columnLength === 1).map((f) => f.name),
})

/**
 * A zero date or a date with a zero month or day is not a date: it becomes null with a note, never
 * another date. A real early date such as 0009-12-04 passes untouched.
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
        (v.startsWith("0000-00-00") ||
          (v.charCodeAt(5) === 48 && v.charCodeAt(6) === 48) ||
          (v.charCodeAt(8) === 48 && v.charCodeAt(9) === 48))
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

const prefetchChunks = 3

/**
 * Rows of one streaming query, handed out `size` at a time. The connection is paused when a few
 * chunks wait unread and resumed when one is taken, so the server waits for us (back-pressure) and
 * memory stays bounded. mysql2's row events are used directly: an object-mode
 * Readable in between costs a buffer push and a read per row.
 */
class RowReader {
  private rows: Array<Record<string, unknown>> = []
  private ended = false
  private failure: unknown = null
  private waiting: (() => void) | null = null
  shape: Shape = { dates: [], booleans: [] }

  constructor(
    private readonly conn: PoolConnection,
    sql: string,
    params: ReadonlyArray<unknown>,
    private readonly size: number,
  ) {
    const q = conn.query(sql, params as Array<unknown>)
    q.on("fields", (fields: Array<FieldPacket>) => {
      this.shape = shapeOf(fields)
    })
    q.on("result", (row: Record<string, unknown>) => {
      this.rows.push(row)
      // Wake the reader at a chunk; pause the server only when a few chunks wait, so that it keeps
      // sending while the last one is being transformed.
      if (this.rows.length === this.size) this.wake()
      if (this.rows.length >= this.size * prefetchChunks) this.conn.pause()
    })
    q.on("end", () => {
      this.ended = true
      this.wake()
    })
    q.on("error", (e: unknown) => {
      this.failure = e
      this.wake()
    })
  }

  private wake() {
    const w = this.waiting
    this.waiting = null
    w?.()
  }

  /** The next chunk, or null at the end. */
  next(): Promise<Array<Record<string, unknown>> | null> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        if (this.failure !== null) return reject(this.failure)
        if (this.rows.length >= this.size || (this.ended && this.rows.length > 0)) {
          const out = this.rows.length <= this.size ? this.rows : this.rows.slice(0, this.size)
          this.rows = out === this.rows ? [] : this.rows.slice(this.size)
          if (!this.ended) this.conn.resume()
          return resolve(out)
        }
        if (this.ended) return resolve(null)
        this.waiting = attempt
        this.conn.resume()
      }
      attempt()
    })
  }

  /** Gives the connection back when the query ran to its end; destroys it when the query was left half-read. */
  close(): void {
    if (this.ended && this.failure === null) this.conn.release()
    else this.conn.destroy()
  }
}

/** Builds the MySQL source. */
export const make = (
  options: Options,
): Effect.Effect<Source.SourceShape<Record<string, unknown>>, Source.SourceError, MysqlClient> =>
  Effect.map(MysqlClient, (client) => fromClient(client, options))

const fromClient = (
  client: MysqlClientShape,
  options: Options,
): Source.SourceShape<Record<string, unknown>> => {
  const describe = `mysql ${options.table}`
  const table = escapeId(options.table)
  const key = escapeId(options.key)
  const columns = options.columns ? options.columns.map(escapeId).join(", ") : "*"
  const fail = (e: MysqlError) => sourceError(describe, e)
  const run: Keyset.Run<Source.SourceError> = (sql, params) =>
    client.query(sql, params).pipe(Effect.mapError(fail))
  const conditions = (partition: Source.Partition, after: Source.Cursor | null) =>
    Keyset.conditions(dialect, options, partition, after)

  const toBatch = (
    rows: Array<Record<string, unknown>>,
    shape: Shape,
  ): Source.SourceBatch<Record<string, unknown>> => {
    const keys = Keyset.keysOf(rows, options.key)
    const notes: Array<Transform.Note> = []
    fixRows(rows, keys, shape, notes)
    return Keyset.batch(rows, options.key, keys, notes)
  }

  // One streaming query `where key > after order by key`: keyset-resumable, and measured faster
  // than keyset pages of 20k rows (15-36%) with half the memory.
  const stream = (partition: Source.Partition, after: Source.Cursor | null, batchSize: number) =>
    Stream.unwrapScoped(
      Effect.gen(function* () {
        const { where, params } = conditions(partition, after)
        const sql = `select ${columns} from ${table} t${where} order by ${key}`
        const reader = yield* Effect.acquireRelease(
          Effect.async<PoolConnection, Source.SourceError>((resume) =>
            client.pool.getConnection((err, conn) =>
              resume(err ? Effect.fail(fail(classify(err))) : Effect.succeed(conn)),
            ),
          ).pipe(Effect.map((conn) => new RowReader(conn, sql, params, batchSize))),
          (r) => Effect.sync(() => r.close()),
        )
        return Stream.repeatEffectOption(
          Effect.tryPromise({ try: () => reader.next(), catch: (e) => Option.some(fail(classify(e))) }).pipe(
            Effect.flatMap((rows) =>
              rows === null
                ? Effect.fail(Option.none())
                : Effect.succeed(Keyset.place(dialect, options, partition, toBatch(rows, reader.shape))),
            ),
          ),
        )
      }),
    )

  return {
    describe,
    partitions: Keyset.partitions(dialect, options, (column) =>
      run(`select distinct ${column} as t from ${table} order by 1`),
    ),
    estimate: (partition, after) => Keyset.count(run, `${table} t`, conditions(partition, after)),
    stream,
  }
}
