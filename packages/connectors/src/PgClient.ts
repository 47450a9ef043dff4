import { type Config, Context, Data, Effect, Layer, Redacted } from "effect"
import pg from "pg"
import * as ConnectionUrl from "./ConnectionUrl.js"

/**
 * A PostgreSQL failure, classified so callers can act: `transient` faults (connection reset,
 * deadlock, serialization failure, shutdown) are worth a retry; `data` ones (a constraint, a bad
 * value) belong to the rows that caused them; the rest are bugs or configuration.
 */
export class PgError extends Data.TaggedError("PgError")<{
  readonly reason: "connection" | "transient" | "data" | "query"
  readonly code: string | undefined
  readonly message: string
  readonly detail?: string
  /** PostgreSQL's context line, e.g. `COPY t, line 17, column score: "abc"`. */
  readonly where?: string
  readonly cause?: unknown
}> {}

const transientCodes = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "53300", "55P03"])
const transientNodeCodes = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"])

/** Classifies anything pg threw. Messages never contain the connection string. */
export const classify = (e: unknown): PgError => {
  const err = e as { code?: string; message?: string; detail?: string; where?: string }
  const code = typeof err?.code === "string" ? err.code : undefined
  const message = err?.message ?? String(e)
  const reason: PgError["reason"] =
    code === undefined
      ? /Connection terminated|connection timeout|not queryable/i.test(message)
        ? "transient"
        : "query"
      : transientCodes.has(code) || transientNodeCodes.has(code)
        ? "transient"
        : code.startsWith("08") || code === "28P01" || code === "3D000" || code === "28000"
          ? "connection"
          : code.startsWith("23") || code.startsWith("22") || code === "42804"
            ? "data"
            : "query"
  // "Failing row contains (…)" lists every value of the row, its credentials and personal data
  // included; the row itself is kept where it belongs (the ledger's raw, redacted), not in messages.
  const detail = err?.detail?.startsWith("Failing row contains")
    ? "Failing row contains (its values are not repeated here)"
    : err?.detail
  return new PgError({
    reason,
    code,
    message: detail ? `${message} (${detail})` : message,
    ...(detail ? { detail } : {}),
    ...(err?.where ? { where: err.where } : {}),
    cause: e,
  })
}

/** A connection checked out of the pool, for one unit of work. */
export type Connection = pg.PoolClient | pg.Client

/** Runs a query on a connection as an Effect. */
export const query = <R extends Record<string, unknown> = Record<string, unknown>>(
  conn: Connection,
  sql: string,
  params?: ReadonlyArray<unknown>,
): Effect.Effect<Array<R>, PgError> =>
  Effect.tryPromise({
    try: () => conn.query<R>(sql, params as Array<unknown> | undefined).then((r) => r.rows),
    catch: classify,
  })

/** The target database. */
export interface PgClientShape {
  /** Says where it connects, without the password. */
  readonly describe: string
  /** True when every transaction is rolled back in the end (a dry run). */
  readonly dryRun: boolean
  readonly query: <R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<Array<R>, PgError>
  /** Runs `f` in a transaction that commits when `f` succeeds (a savepoint in a dry run). */
  readonly transaction: <A, E, R>(
    f: (conn: Connection) => Effect.Effect<A, E, R>,
  ) => Effect.Effect<A, E | PgError, R>
  /** Runs `f` on one connection, outside any transaction of ours (the schema migrator needs this). */
  readonly withConnection: <A, E, R>(
    f: (conn: Connection) => Effect.Effect<A, E, R>,
  ) => Effect.Effect<A, E | PgError, R>
}

/** The target PostgreSQL database. */
export class PgClient extends Context.Tag("@schoolbridge/connectors/PgClient")<PgClient, PgClientShape>() {}

/** How to connect. */
export interface Options {
  readonly url: Redacted.Redacted<string>
  /** Pool size. Default 4. */
  readonly max?: number
  /** Everything happens in one transaction on one connection, rolled back when the layer closes. */
  readonly dryRun?: boolean
  readonly applicationName?: string
  /**
   * Settings every connection starts with, e.g. `{ "app.audit": "off" }` so that a bulk load is not
   * audited row by row: a setting of the session, so it ends with the connection, never left behind.
   */
  readonly sessionSettings?: Readonly<Record<string, string>>
}

// The startup `options` parameter: `-c name=value` pairs, with spaces and backslashes escaped.
const startupOptions = (settings: Readonly<Record<string, string>>): string =>
  Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v.replace(/[\\ ]/g, (c) => `\\${c}`)}`)
    .join(" ")

const inTransaction = <A, E, R>(
  conn: Connection,
  f: (conn: Connection) => Effect.Effect<A, E, R>,
  savepoint?: string,
) =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function* () {
      yield* query(conn, savepoint ? `savepoint ${savepoint}` : "begin")
      const exit = yield* Effect.exit(restore(f(conn)))
      if (exit._tag === "Success") {
        yield* query(conn, savepoint ? `release savepoint ${savepoint}` : "commit")
        return exit.value
      }
      yield* query(conn, savepoint ? `rollback to savepoint ${savepoint}` : "rollback").pipe(Effect.ignore)
      return yield* exit
    }),
  )

/** Builds the client. Fails with one clear line when the database cannot be reached. */
export const make = (options: Options): Effect.Effect<PgClientShape, PgError, import("effect").Scope.Scope> =>
  Effect.gen(function* () {
    const url = Redacted.value(options.url)
    const describe = ConnectionUrl.redact(url)
    const config: pg.PoolConfig = {
      connectionString: url,
      max: options.dryRun ? 1 : (options.max ?? 4),
      application_name: options.applicationName ?? "schoolbridge",
      connectionTimeoutMillis: 10_000,
      ...(options.sessionSettings ? { options: startupOptions(options.sessionSettings) } : {}),
    }
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => new pg.Pool(config)),
      (p) => Effect.promise(() => p.end()),
    )
    // An idle client that dies (server restart) must not crash the process; the next query reconnects.
    pool.on("error", () => {})
    const connectionFailure = (e: PgError) =>
      new PgError({
        ...e,
        reason: "connection",
        message: `cannot connect to PostgreSQL at ${describe}: ${e.message}`,
      })
    const acquire = Effect.acquireRelease(
      Effect.tryPromise({ try: () => pool.connect(), catch: (e) => connectionFailure(classify(e)) }),
      (c, exit) => Effect.sync(() => c.release(exit._tag === "Failure" ? true : undefined)),
    )
    // Fail now, before anything else runs, if the database is unreachable.
    yield* Effect.scoped(Effect.flatMap(acquire, (c) => query(c, "select 1")))

    if (options.dryRun) {
      const conn = yield* acquire
      yield* query(conn, "begin")
      yield* Effect.addFinalizer(() => query(conn, "rollback").pipe(Effect.ignore))
      const lock = yield* Effect.makeSemaphore(1)
      let n = 0
      return {
        describe,
        dryRun: true,
        query: (sql, params) => lock.withPermits(1)(query(conn, sql, params)),
        transaction: (f) => lock.withPermits(1)(Effect.suspend(() => inTransaction(conn, f, `sb_${++n}`))),
        withConnection: (f) => lock.withPermits(1)(f(conn)),
      } satisfies PgClientShape
    }
    return {
      describe,
      dryRun: false,
      query: (sql, params) =>
        Effect.tryPromise({
          try: () => pool.query(sql, params as Array<unknown> | undefined).then((r) => r.rows),
          catch: classify,
        }),
      transaction: (f) => Effect.scoped(Effect.flatMap(acquire, (c) => inTransaction(c, f))),
      withConnection: (f) => Effect.scoped(Effect.flatMap(acquire, f)),
    } satisfies PgClientShape
  })

/** The client as a layer. */
export const layer = (options: Options): Layer.Layer<PgClient, PgError> =>
  Layer.scoped(PgClient, make(options))

/** The client from configuration, e.g. `layerConfig(ConnectionUrl.settings("SCHOOLBRIDGE_TARGET"))`. */
export const layerConfig = (config: Config.Config<ConnectionUrl.Settings>) =>
  Layer.scoped(
    PgClient,
    Effect.flatMap(config, (c) => make(ConnectionUrl.options(c))),
  )
