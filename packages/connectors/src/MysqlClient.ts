import { type Config, Context, Effect, Layer, Redacted } from "effect"
import type { Pool } from "mysql2"
import mysql from "mysql2"
import * as ConnectionUrl from "./ConnectionUrl.js"

/** A MySQL/MariaDB pool, set up to lose nothing: exact DECIMAL and BIGINT strings, dates as text. */
export interface MysqlClientShape {
  readonly describe: string
  readonly pool: Pool
  readonly query: <R = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<Array<R>, MysqlError>
}

/** A MySQL failure, classified: `transient` faults are retried by the engine. */
export class MysqlError extends Error {
  readonly _tag = "MysqlError"
  constructor(
    readonly reason: "connection" | "transient" | "query",
    message: string,
    readonly code?: string,
  ) {
    super(message)
  }
}

const transientCodes = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "PROTOCOL_CONNECTION_LOST",
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_CON_COUNT_ERROR",
])
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ER_ACCESS_DENIED_ERROR",
  "ER_BAD_DB_ERROR",
  "EAI_AGAIN",
])

/** Classifies anything mysql2 threw. */
export const classify = (e: unknown): MysqlError => {
  const err = e as { code?: string; message?: string }
  const code = err?.code
  const reason =
    code && transientCodes.has(code)
      ? "transient"
      : code && connectionCodes.has(code)
        ? "connection"
        : "query"
  return new MysqlError(reason, err?.message ?? String(e), code)
}

/** The MySQL client service. */
export class MysqlClient extends Context.Tag("@schoolbridge/connectors/MysqlClient")<
  MysqlClient,
  MysqlClientShape
>() {}

/** How to connect. */
export interface Options {
  readonly url: Redacted.Redacted<string>
  /** Pool size. Default 4. */
  readonly max?: number
}

/** Builds the client; fails with one clear line when the server cannot be reached. */
export const make = (options: Options) =>
  Effect.gen(function* () {
    const url = Redacted.value(options.url)
    const describe = ConnectionUrl.redact(url)
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() =>
        mysql.createPool({
          uri: url,
          connectionLimit: options.max ?? 4,
          charset: "utf8mb4",
          // Lossless reads: DECIMAL stays a string, BIGINT a string beyond 2^53 (a number below), dates text
          // so a zero date is seen as such and an early date such as 0009-12-04 is not shifted.
          dateStrings: true,
          supportBigNumbers: true,
          bigNumberStrings: false,
          decimalNumbers: false,
          connectTimeout: 10_000,
        }),
      ),
      (p) => Effect.async<void>((resume) => p.end(() => resume(Effect.void))),
    )
    const query = <R>(sql: string, params?: ReadonlyArray<unknown>) =>
      Effect.async<Array<R>, MysqlError>((resume) => {
        pool.query(sql, params as Array<unknown> | undefined, (err, rows) =>
          resume(err ? Effect.fail(classify(err)) : Effect.succeed(rows as Array<R>)),
        )
      })
    yield* query("select 1").pipe(
      Effect.mapError(
        (e) => new MysqlError("connection", `cannot connect to MySQL at ${describe}: ${e.message}`, e.code),
      ),
    )
    return { describe, pool, query } satisfies MysqlClientShape
  })

/** The client as a layer. */
export const layer = (options: Options): Layer.Layer<MysqlClient, MysqlError> =>
  Layer.scoped(MysqlClient, make(options))

/** The client from configuration, e.g. `layerConfig(ConnectionUrl.settings("SCHOOLBRIDGE_TARGET"))`. */
export const layerConfig = (config: Config.Config<ConnectionUrl.Settings>) =>
  Layer.scoped(
    MysqlClient,
    Effect.flatMap(config, (c) => make(ConnectionUrl.options(c))),
  )
