/**
 * A SQLite database file, opened with sql.js (SQLite compiled to WebAssembly: no native build).
 *
 * The whole file is read into memory when the layer opens and stays there until it closes: memory
 * grows with the file, not with the rows read, and a file of 2 GiB or more cannot be opened at all
 * (Node reads no bigger file in one piece). Copy a bigger database into MySQL or PostgreSQL first.
 * Nothing is ever written back to the file, so reading it is read-only by nature.
 *
 * Values come back as numbers, strings, null and `Uint8Array` for blobs. An integer beyond 2^53 is
 * read exactly and returned as a decimal string, so nothing is rounded (as the MySQL client does).
 */
import { readFile } from "node:fs/promises"
import { Context, Data, Effect, Layer, type Scope } from "effect"
import initSqlJs from "sql.js"

/** A SQLite failure: the file cannot be opened (`connection`) or a statement failed (`query`). */
export class SqliteError extends Data.TaggedError("SqliteError")<{
  readonly reason: "connection" | "query"
  readonly message: string
  readonly cause?: unknown
}> {}

/** What a SQL function receives and may return: integers arrive as numbers (exact up to 2^53). */
export type SqlValue = number | string | Uint8Array | null

/** An aggregate SQL function: a state started by `init`, folded by `step`, turned into the result by `finalize`. */
export interface Aggregate<S> {
  readonly init: () => S
  readonly step: (state: S, ...args: Array<SqlValue>) => S
  readonly finalize: (state: S) => unknown
}

/** A SQLite file held in memory. */
export interface SqliteClientShape {
  /** The file read, for messages. */
  readonly describe: string
  readonly path: string
  readonly query: <R = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<Array<R>, SqliteError>
  /**
   * Adds a scalar SQL function taking as many arguments as `fn` declares (no rest parameters). An
   * integer argument arrives as a JS number, so pass `cast(x as text)` where values may exceed 2^53;
   * a bigint result is returned as its decimal text. Registered functions live as long as the layer.
   */
  readonly registerFunction: (name: string, fn: (...args: Array<SqlValue>) => unknown) => void
  /** Adds an aggregate SQL function; its arguments are those `step` declares after the state. */
  readonly registerAggregate: <S>(name: string, aggregate: Aggregate<S>) => void
}

/** The SQLite client service. */
export class SqliteClient extends Context.Tag("@schoolbridge/connectors/SqliteClient")<
  SqliteClient,
  SqliteClientShape
>() {}

/** Where the file is. */
export interface Options {
  readonly path: string
}

// The parts of sql.js 1.16 that its published types (1.4) do not describe.
interface Statement {
  bind(values: Array<unknown>): boolean
  step(): boolean
  get(params: null, config?: { readonly useBigInt?: boolean }): Array<unknown>
  getColumnNames(): Array<string>
  free(): boolean
}
interface Database {
  prepare(sql: string): Statement
  close(): void
  create_function(name: string, fn: (...args: Array<SqlValue>) => unknown): Database
  create_aggregate(
    name: string,
    aggregate: {
      init: () => unknown
      step: (state: unknown, ...args: Array<SqlValue>) => unknown
      finalize: (state: unknown) => unknown
    },
  ): Database
}

// sql.js compiles its WebAssembly module once per process; every database shares it.
let engine: Promise<{ Database: new (data: Uint8Array) => Database }> | undefined
const loadEngine = () => {
  engine ??= initSqlJs() as unknown as Promise<{ Database: new (data: Uint8Array) => Database }>
  return engine
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)

/** An exact integer as a number when a number holds it, else as its decimal text. */
const exactInteger = (v: bigint): number | string => (v > maxSafe || v < -maxSafe ? v.toString() : Number(v))

// sql.js cannot return a bigint from a function (it would become null): give SQLite the text instead.
const toSqlResult = (v: unknown): unknown => (typeof v === "bigint" ? exactInteger(v) : v)

/**
 * Runs one statement to its end and returns its rows as records. Rows are read as doubles first (the
 * fast path); a row holding a number that a double may have rounded is read again with exact integers.
 */
const run = <R>(db: Database, sql: string, params: ReadonlyArray<unknown> | undefined): Array<R> => {
  const stmt = db.prepare(sql)
  try {
    if (params && params.length > 0) stmt.bind(params.map((p) => (typeof p === "boolean" ? Number(p) : p)))
    const names = stmt.getColumnNames()
    const rows: Array<R> = []
    while (stmt.step()) {
      let values = stmt.get(null)
      for (let i = 0; i < values.length; i++) {
        const v = values[i]
        if (typeof v === "number" && !Number.isSafeInteger(v) && Number.isInteger(v)) {
          values = stmt
            .get(null, { useBigInt: true })
            .map((x) => (typeof x === "bigint" ? exactInteger(x) : x))
          break
        }
      }
      const row: Record<string, unknown> = {}
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]
      rows.push(row as R)
    }
    return rows
  } finally {
    stmt.free()
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** Opens the file; fails with one clear line when it is missing, unreadable or not a SQLite database. */
export const make = (options: Options): Effect.Effect<SqliteClientShape, SqliteError, Scope.Scope> =>
  Effect.gen(function* () {
    const path = options.path
    const cannotOpen = (why: string, cause: unknown) =>
      new SqliteError({ reason: "connection", message: `cannot open SQLite file ${path}: ${why}`, cause })
    const data = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (e) => {
        const code = (e as { code?: string }).code
        return cannotOpen(
          code === "ENOENT"
            ? "no such file; check the path"
            : code === "EACCES"
              ? "permission denied; make the file readable by this user"
              : code === "EISDIR"
                ? "it is a folder; give the path of the database file"
                : code === "ERR_FS_FILE_TOO_LARGE"
                  ? "the file is 2 GiB or more, too big to read into memory; copy it into MySQL or PostgreSQL and read it from there"
                  : messageOf(e),
          e,
        )
      },
    })
    return yield* open(path, data, cannotOpen)
  })

/**
 * An empty database held in memory, named `describe` in messages: tables a command fills itself (the
 * records of file sources, compared with the portal as a source database is).
 */
export const memory = (describe: string): Effect.Effect<SqliteClientShape, SqliteError, Scope.Scope> =>
  open(
    describe,
    undefined,
    (why, cause) =>
      new SqliteError({
        reason: "connection",
        message: `cannot open an in-memory SQLite database: ${why}`,
        cause,
      }),
  )

const open = (
  path: string,
  data: Uint8Array | undefined,
  cannotOpen: (why: string, cause: unknown) => SqliteError,
): Effect.Effect<SqliteClientShape, SqliteError, Scope.Scope> =>
  Effect.gen(function* () {
    const { Database } = yield* Effect.tryPromise({
      try: loadEngine,
      catch: (e) => cannotOpen(`sql.js did not load (${messageOf(e)})`, e),
    })
    const db = yield* Effect.acquireRelease(
      Effect.try({ try: () => new Database(data as Uint8Array), catch: (e) => cannotOpen(messageOf(e), e) }),
      (d) => Effect.sync(() => d.close()),
    )
    // sql.js opens any bytes; only the first read shows whether they are a database.
    yield* Effect.try({
      try: () => run(db, "select count(*) from sqlite_master", undefined),
      catch: (e) =>
        cannotOpen(
          `${messageOf(e)}; check that the path names a SQLite 3 database (not an export, a dump or an encrypted file)`,
          e,
        ),
    })
    const query = <R>(sql: string, params?: ReadonlyArray<unknown>) =>
      Effect.try({
        try: () => run<R>(db, sql, params),
        catch: (e) => new SqliteError({ reason: "query", message: `${messageOf(e)} (in ${path})`, cause: e }),
      })
    return {
      describe: path,
      path,
      query,
      registerFunction: (name, fn) => {
        const wrapped = (...args: Array<SqlValue>) => toSqlResult(fn(...args))
        // sql.js registers as many arguments as the function declares.
        Object.defineProperty(wrapped, "length", { value: fn.length })
        db.create_function(name, wrapped)
      },
      registerAggregate: (name, aggregate) => {
        db.create_aggregate(name, {
          init: aggregate.init,
          step: aggregate.step as (state: unknown, ...args: Array<SqlValue>) => unknown,
          finalize: (state) => toSqlResult(aggregate.finalize(state as never)),
        })
      },
    } satisfies SqliteClientShape
  })

/** The client as a layer: the database is freed when the layer closes. */
export const layer = (options: Options): Layer.Layer<SqliteClient, SqliteError> =>
  Layer.scoped(SqliteClient, make(options))
