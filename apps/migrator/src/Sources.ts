/**
 * Opens the manifest's sources: one client per database source, shared by its entities, and a
 * reader per entity. Secrets are resolved here and stay `Redacted` up to the driver.
 */
import * as path from "node:path"
import {
  CsvSource,
  JsonSource,
  Keyset,
  MysqlClient,
  MysqlSource,
  NdjsonSource,
  PgClient,
  PgSource,
  SqliteClient,
  SqliteSource,
  XlsxSource,
} from "@schoolbridge/connectors"
import type { Source } from "@schoolbridge/core"
import { SourceDatabase } from "@schoolbridge/validators"
import { Context, Effect, Either, Layer, type Redacted, type Scope } from "effect"
import * as Exit from "./Exit.js"
import * as JsonDocument from "./JsonDocument.js"
import * as Manifest from "./Manifest.js"

/** A reader of one entity's rows. */
export type Reader = Source.SourceShape<Record<string, unknown>>

/** The opened sources of a manifest. */
export interface Opened {
  /**
   * The reader of a declared entity; on a database source, `tenancy` partitions its rows by tenant
   * (see `Tenancy`).
   */
  readonly reader: (
    entity: Manifest.EntityDecl,
    tenancy?: Keyset.Tenancy,
  ) => Effect.Effect<Reader, Exit.CliError>
  /**
   * Opens the reader of each entity of `entities` that reads a file, so that a file that cannot be
   * read whole (not in its encoding, a quote that never closes, a duplicate header, not a workbook)
   * stops the command here, before it writes anything. Each file reader is opened once: the run reuses
   * these.
   */
  readonly preflight: (entities: ReadonlyArray<Manifest.EntityDecl>) => Effect.Effect<void, Exit.CliError>
  /** The client of a MySQL/MariaDB source, for the commands that query it (profile, validate, mask). */
  readonly mysql: (source: string) => Effect.Effect<MysqlClient.MysqlClientShape, Exit.CliError>
  /** The client of a PostgreSQL source (not the target: a source has its own connection). */
  readonly postgres: (source: string) => Effect.Effect<PgClient.PgClientShape, Exit.CliError>
  /** The client of a SQLite source, the file read into memory once. */
  readonly sqlite: (source: string) => Effect.Effect<SqliteClient.SqliteClientShape, Exit.CliError>
  /** The whole parsed file of a json-document source, read once (its own fields beside its arrays). */
  readonly document: (source: string) => Effect.Effect<unknown, Exit.CliError>
  /** Any database source (MySQL, PostgreSQL, SQLite) as the SQL the checks and the profile run on. */
  readonly database: (source: string) => Effect.Effect<SourceDatabase.SourceDatabaseShape, Exit.CliError>
}

/** The source kinds read with SQL. */
export const isDatabase = (kind: Manifest.Source["kind"]): kind is "mysql" | "postgres" | "sqlite" =>
  kind === "mysql" || kind === "postgres" || kind === "sqlite"

/** The source kinds read from a file a record at a time (a json-document is read whole; SQLite is SQL). */
export const isFile = (
  kind: Manifest.Source["kind"] | undefined,
): kind is "csv" | "ndjson" | "json" | "xlsx" =>
  kind === "csv" || kind === "ndjson" || kind === "json" || kind === "xlsx"

/** How a source kind quotes an identifier (`schema.table` part by part). */
export const quoteFor = (kind: Manifest.Source["kind"]): ((id: string) => string) =>
  Keyset.quoteWith(kind === "mysql" ? "`" : '"')

const sourceFailure = (
  e: Source.SourceError | MysqlClient.MysqlError | PgClient.PgError | SqliteClient.SqliteError,
): Exit.CliError =>
  e._tag === "SourceError" && e.reason === "config" ? Exit.config(e.message) : Exit.failure(e.message)

/**
 * Resolves every source's connection settings first (a missing variable is a configuration error
 * before anything connects), then connects lazily, once per source, in the given scope.
 */
export const open = (
  loaded: Manifest.Loaded,
  env: Readonly<Record<string, string | undefined>>,
): Effect.Effect<Opened, Exit.CliError, Scope.Scope> =>
  Effect.gen(function* () {
    const { manifest } = loaded
    const settings = new Map<
      string,
      {
        readonly kind: Manifest.Source["kind"]
        readonly value: Redacted.Redacted<string> | string
        readonly encoding?: string
      }
    >()
    for (const [name, source] of Object.entries(manifest.sources)) {
      const resolved: Either.Either<Redacted.Redacted<string> | string, Manifest.ManifestError> =
        "url" in source
          ? Manifest.secret(loaded, source.url, ["sources", name, "url"], env)
          : Manifest.filePath(loaded, source.path, ["sources", name, "path"], env)
      if (Either.isLeft(resolved)) return yield* Effect.fail(Exit.config(resolved.left.message))
      settings.set(name, {
        kind: source.kind,
        value: resolved.right,
        ...("encoding" in source && source.encoding !== undefined ? { encoding: source.encoding } : {}),
      })
    }
    const scope = yield* Effect.scope
    const clients = new Map<string, Context.Context<never>>()
    // One client per database source, made on first use and kept for the scope.
    const client = <
      I,
      E extends Source.SourceError | MysqlClient.MysqlError | PgClient.PgError | SqliteClient.SqliteError,
    >(
      name: string,
      kind: "mysql" | "postgres" | "sqlite",
      make: (value: Redacted.Redacted<string> | string) => Layer.Layer<I, E>,
    ): Effect.Effect<Context.Context<I>, Exit.CliError> =>
      Effect.gen(function* () {
        const cached = clients.get(name)
        if (cached) return cached as Context.Context<I>
        const s = settings.get(name)
        if (s?.kind !== kind) return yield* Effect.fail(Exit.config(`source ${name} is not a ${kind} source`))
        const context = yield* Layer.buildWithScope(make(s.value), scope).pipe(Effect.mapError(sourceFailure))
        clients.set(name, context as Context.Context<never>)
        return context
      })
    const poolOf = (name: string) => (manifest.sources[name] as { pool?: number }).pool
    const mysqlContext = (name: string) =>
      client(name, "mysql", (url) =>
        MysqlClient.layer({
          url: url as Redacted.Redacted<string>,
          ...(poolOf(name) ? { max: poolOf(name)! } : {}),
        }),
      )
    const postgresContext = (name: string) =>
      client(name, "postgres", (url) =>
        PgClient.layer({
          url: url as Redacted.Redacted<string>,
          applicationName: "schoolbridge-source",
          ...(poolOf(name) ? { max: poolOf(name)! } : {}),
        }),
      )
    const sqliteContext = (name: string) =>
      client(name, "sqlite", (file) => SqliteClient.layer({ path: String(file) }))
    const documents = JsonDocument.loader()
    // A file is read whole when its reader is made (see `preflight`): once per file and key, not per use.
    const fileReaders = new Map<string, Effect.Effect<Reader, Exit.CliError>>()
    const fileReader = (id: string, make: Effect.Effect<Reader, Exit.CliError>) => {
      let r = fileReaders.get(id)
      if (!r) {
        r = Effect.runSync(Effect.cached(make))
        fileReaders.set(id, r)
      }
      return r
    }
    const reader = (
      entity: Manifest.EntityDecl,
      tenancy?: Keyset.Tenancy,
    ): Effect.Effect<Reader, Exit.CliError> => {
      const s = settings.get(entity.source)!
      // A database table is read in key order, resumably, by the same options on every kind.
      const table = {
        table: entity.table!,
        key: entity.key!,
        ...(entity.where ? { where: entity.where } : {}),
        ...(entity.tenantColumn ? { tenantColumn: entity.tenantColumn } : {}),
        ...(manifest.tenants.length > 0 && entity.tenantColumn ? { tenants: manifest.tenants } : {}),
        ...(tenancy ? { tenancy } : {}),
      }
      switch (s.kind) {
        case "mysql":
          return Effect.flatMap(mysqlContext(entity.source), (context) =>
            MysqlSource.make(table).pipe(Effect.provide(context), Effect.mapError(sourceFailure)),
          )
        case "postgres":
          return Effect.flatMap(postgresContext(entity.source), (context) =>
            PgSource.make(table).pipe(Effect.provide(context), Effect.mapError(sourceFailure)),
          )
        case "sqlite":
          return Effect.flatMap(sqliteContext(entity.source), (context) =>
            SqliteSource.make(table).pipe(Effect.provide(context), Effect.mapError(sourceFailure)),
          )
        case "csv":
        case "ndjson":
        case "json": {
          const file = filePathOf(String(s.value), entity)
          const options = {
            path: file,
            ...(entity.key ? { keyColumn: entity.key } : {}),
            ...(s.encoding ? { encoding: s.encoding } : {}),
          }
          const made =
            s.kind === "csv"
              ? CsvSource.make(options)
              : s.kind === "ndjson"
                ? NdjsonSource.make(options)
                : JsonSource.make(options)
          return fileReader(
            `${s.kind}\u0000${file}\u0000${entity.key ?? ""}`,
            Effect.mapError(made, sourceFailure),
          )
        }
        case "xlsx":
          // The source's path is the workbook; the entity's `table` names its worksheet.
          return fileReader(
            `xlsx\u0000${String(s.value)}\u0000${entity.table ?? ""}\u0000${entity.key ?? ""}`,
            Effect.mapError(
              XlsxSource.make({
                path: String(s.value),
                ...(entity.table ? { sheet: entity.table } : {}),
                ...(entity.key ? { keyColumn: entity.key } : {}),
              }),
              sourceFailure,
            ),
          )
        case "json-document": {
          const file = String(s.value)
          const dotPath = entity.table ?? ""
          if (dotPath === "")
            return Effect.fail(
              Exit.config(`${entity.name}: table names the array it reads, e.g. data.students`),
            )
          return Effect.flatMap(documents(file), (doc) =>
            Effect.map(JsonDocument.at(doc, file, dotPath), (elements) =>
              JsonDocument.source(file, elements, dotPath, entity.key ?? "id"),
            ),
          )
        }
      }
    }
    const mysql = (name: string) =>
      Effect.map(mysqlContext(name), (c) => Context.get(c, MysqlClient.MysqlClient))
    const postgres = (name: string) =>
      Effect.map(postgresContext(name), (c) => Context.get(c, PgClient.PgClient))
    const sqlite = (name: string) =>
      Effect.map(sqliteContext(name), (c) => Context.get(c, SqliteClient.SqliteClient))
    // A SQLite source gets the checks' SQL functions once, on its one client.
    const databases = new Map<string, SourceDatabase.SourceDatabaseShape>()
    const database = (name: string): Effect.Effect<SourceDatabase.SourceDatabaseShape, Exit.CliError> =>
      Effect.suspend(() => {
        const cached = databases.get(name)
        if (cached) return Effect.succeed(cached)
        const kind = settings.get(name)?.kind
        const made =
          kind === "mysql"
            ? Effect.map(mysql(name), SourceDatabase.fromMysql)
            : kind === "postgres"
              ? Effect.map(postgres(name), SourceDatabase.fromPostgresql)
              : kind === "sqlite"
                ? Effect.map(sqlite(name), SourceDatabase.fromSqlite)
                : Effect.fail(Exit.config(`source ${name} is a ${kind} file, not a database`))
        return Effect.tap(made, (d) => Effect.sync(() => databases.set(name, d)))
      })
    const preflight = (entities: ReadonlyArray<Manifest.EntityDecl>) =>
      Effect.forEach(
        entities.filter((e) => isFile(settings.get(e.source)?.kind)),
        (e) => reader(e),
        { discard: true },
      )
    const document = (name: string): Effect.Effect<unknown, Exit.CliError> => {
      const s = settings.get(name)
      return s?.kind === "json-document"
        ? documents(String(s.value))
        : Effect.fail(Exit.config(`source ${name} is a ${s?.kind ?? "missing"} source, not a json-document`))
    }
    return { reader, preflight, mysql, postgres, sqlite, database, document }
  })

// A file source's path is the file, or, when the entity names a `table`, the directory that holds it
// (a json-document's `table` is the dot path of the array inside the one file instead).
const filePathOf = (base: string, entity: Manifest.EntityDecl): string =>
  entity.table ? path.join(base, entity.table) : base

/**
 * A database source's table's column names, in their order: `schema.table`, or a bare name in the
 * connection's own schema. What `profile` and the list of columns not carried over read.
 */
export const tableColumns = (
  db: SourceDatabase.SourceDatabaseShape,
  table: string,
): Effect.Effect<ReadonlyArray<string>, { readonly message: string }> => {
  const dot = table.indexOf(".")
  const [schema, bare] = dot < 0 ? [null, table] : [table.slice(0, dot), table.slice(dot + 1)]
  const [sql, params] =
    db.dialect.name === "mysql"
      ? [
          `select column_name as c from information_schema.columns
            where table_schema = coalesce(?, database()) and table_name = ? order by ordinal_position`,
          [schema, bare],
        ]
      : db.dialect.name === "postgresql"
        ? [
            `select column_name::text as c from information_schema.columns
              where table_schema = coalesce($1::text, current_schema()) and table_name = $2 order by ordinal_position`,
            [schema, bare],
          ]
        : ["select name as c from pragma_table_info(?) order by cid", [bare]]
  return Effect.map(db.query<{ c: unknown }>(sql, params), (rows) => rows.map((r) => String(r.c)))
}
