import { MysqlClient, PgClient, SqliteClient } from "@schoolbridge/connectors"
import { Context, Effect, Layer } from "effect"
import * as Dialect from "./Dialect.js"
import * as SqliteFunctions from "./SqliteFunctions.js"

/**
 * The database the migrated rows came from, whatever its kind: the checks and the profile write
 * their source SQL in its `dialect`. It is a service of its own, not `PgClient`, because a
 * PostgreSQL source and the PostgreSQL target are two different connections.
 */
export interface SourceDatabaseShape {
  readonly dialect: Dialect.Dialect
  /** Says where it connects, without the password. */
  readonly describe: string
  /** Runs SQL written with `dialect.param` placeholders. */
  readonly query: <R = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<Array<R>, { readonly message: string }>
}

/** The source database service. */
export class SourceDatabase extends Context.Tag("@schoolbridge/validators/SourceDatabase")<
  SourceDatabase,
  SourceDatabaseShape
>() {}

/** A MySQL/MariaDB source. */
export const fromMysql = (client: MysqlClient.MysqlClientShape): SourceDatabaseShape => ({
  dialect: Dialect.mysql,
  describe: client.describe,
  query: (sql, params) => client.query(sql, params),
})

/** A PostgreSQL source, through a client connected to the source (not the portal's). */
export const fromPostgresql = (client: PgClient.PgClientShape): SourceDatabaseShape => ({
  dialect: Dialect.postgresql,
  describe: client.describe,
  query: <R>(sql: string, params?: ReadonlyArray<unknown>) =>
    client.query(sql, params) as Effect.Effect<Array<R>, PgClient.PgError>,
})

/**
 * A SQLite source. Registers on the client the functions the SQLite dialect calls (md5, the 60-bit
 * slice, exact decimal text, the exact sums of slices and of decimals), so the client must not be shared with
 * code that defines functions of the same names (`Dialect.sqliteFunctions`).
 */
export const fromSqlite = (client: SqliteClient.SqliteClientShape): SourceDatabaseShape => {
  const names = Dialect.sqliteFunctions
  client.registerFunction(names.md5, SqliteFunctions.md5)
  client.registerFunction(names.slice60, SqliteFunctions.slice60)
  client.registerFunction(names.decimal, SqliteFunctions.decimal)
  client.registerAggregate(names.hashSum, SqliteFunctions.hashSum)
  client.registerAggregate(names.decimalSum, SqliteFunctions.decimalSum)
  return { dialect: Dialect.sqlite, describe: client.describe, query: client.query }
}

/** The service from a ready source. */
export const layer = (source: SourceDatabaseShape): Layer.Layer<SourceDatabase> =>
  Layer.succeed(SourceDatabase, source)

/** A MySQL/MariaDB source with a pool of its own. */
export const layerMysql = (
  options: MysqlClient.Options,
): Layer.Layer<SourceDatabase, MysqlClient.MysqlError> =>
  Layer.scoped(SourceDatabase, Effect.map(MysqlClient.make(options), fromMysql))

/** A PostgreSQL source with a pool of its own, beside the target's `PgClient`. */
export const layerPostgresql = (options: PgClient.Options): Layer.Layer<SourceDatabase, PgClient.PgError> =>
  Layer.scoped(SourceDatabase, Effect.map(PgClient.make(options), fromPostgresql))

/** A SQLite file as the source. */
export const layerSqlite = (
  options: SqliteClient.Options,
): Layer.Layer<SourceDatabase, SqliteClient.SqliteError> =>
  Layer.scoped(SourceDatabase, Effect.map(SqliteClient.make(options), fromSqlite))
