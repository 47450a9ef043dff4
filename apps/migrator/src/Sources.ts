/**
 * Opens the manifest's sources: one client per database source, shared by its entities, and a
 * reader per entity. Secrets are resolved here and stay `Redacted` up to the driver.
 */
import * as path from "node:path"
import {
  CsvSource,
  JsonSource,
  MysqlClient,
  MysqlSource,
  NdjsonSource,
  XlsxSource,
} from "@schoolbridge/connectors"
import type { Source } from "@schoolbridge/core"
import { Context, Effect, Either, Layer, type Redacted, type Scope } from "effect"
import * as Exit from "./Exit.js"
import * as JsonDocument from "./JsonDocument.js"
import * as Manifest from "./Manifest.js"

/** A reader of one entity's rows. */
export type Reader = Source.SourceShape<Record<string, unknown>>

/** The opened sources of a manifest. */
export interface Opened {
  /** The reader of a declared entity. */
  readonly reader: (entity: Manifest.EntityDecl) => Effect.Effect<Reader, Exit.CliError>
  /** A query on a database source, for the reference tables a system reads before mapping. */
  readonly mysql: (source: string) => Effect.Effect<MysqlClient.MysqlClientShape, Exit.CliError>
}

const sourceFailure = (e: Source.SourceError | MysqlClient.MysqlError): Exit.CliError =>
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
      { readonly kind: Manifest.Source["kind"]; readonly value: Redacted.Redacted<string> | string }
    >()
    for (const [name, source] of Object.entries(manifest.sources)) {
      const resolved: Either.Either<Redacted.Redacted<string> | string, Manifest.ManifestError> =
        "url" in source
          ? Manifest.secret(loaded, source.url, ["sources", name, "url"], env)
          : Manifest.filePath(loaded, source.path, ["sources", name, "path"], env)
      if (Either.isLeft(resolved)) return yield* Effect.fail(Exit.config(resolved.left.message))
      settings.set(name, { kind: source.kind, value: resolved.right })
    }
    const scope = yield* Effect.scope
    const clients = new Map<string, Context.Context<MysqlClient.MysqlClient>>()
    const mysqlContext = (name: string) =>
      Effect.gen(function* () {
        const cached = clients.get(name)
        if (cached) return cached
        const s = settings.get(name)
        if (s?.kind !== "mysql" || typeof s.value === "string")
          return yield* Effect.fail(Exit.config(`source ${name} is not a MySQL source`))
        const pool = (manifest.sources[name] as { pool?: number }).pool
        const context = yield* Layer.buildWithScope(
          MysqlClient.layer({ url: s.value, ...(pool ? { max: pool } : {}) }),
          scope,
        ).pipe(Effect.mapError(sourceFailure))
        clients.set(name, context)
        return context
      })
    const documents = JsonDocument.loader()
    const reader = (entity: Manifest.EntityDecl): Effect.Effect<Reader, Exit.CliError> => {
      const s = settings.get(entity.source)!
      switch (s.kind) {
        case "mysql":
          return Effect.flatMap(mysqlContext(entity.source), (context) =>
            MysqlSource.make({
              table: entity.table!,
              key: entity.key!,
              ...(entity.where ? { where: entity.where } : {}),
              ...(entity.tenantColumn ? { tenantColumn: entity.tenantColumn } : {}),
              ...(manifest.tenants.length > 0 && entity.tenantColumn ? { tenants: manifest.tenants } : {}),
            }).pipe(Effect.provide(context), Effect.mapError(sourceFailure)),
          )
        case "csv":
        case "ndjson":
        case "json": {
          const file = filePathOf(String(s.value), entity)
          const made =
            s.kind === "csv"
              ? CsvSource.make({ path: file, ...(entity.key ? { keyColumn: entity.key } : {}) })
              : s.kind === "ndjson"
                ? NdjsonSource.make({ path: file, ...(entity.key ? { keyColumn: entity.key } : {}) })
                : JsonSource.make({ path: file, ...(entity.key ? { keyColumn: entity.key } : {}) })
          return Effect.mapError(made, sourceFailure)
        }
        case "xlsx":
          // The source's path is the workbook; the entity's `table` names its worksheet.
          return Effect.mapError(
            XlsxSource.make({
              path: String(s.value),
              ...(entity.table ? { sheet: entity.table } : {}),
              ...(entity.key ? { keyColumn: entity.key } : {}),
            }),
            sourceFailure,
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
        default:
          return Effect.fail(
            Exit.config(`source ${entity.source}: ${s.kind} sources are not supported by this version yet`),
          )
      }
    }
    return {
      reader,
      mysql: (name) => Effect.map(mysqlContext(name), (c) => Context.get(c, MysqlClient.MysqlClient)),
    }
  })

// A file source's path is the file, or, when the entity names a `table`, the directory that holds it
// (a json-document's `table` is the dot path of the array inside the one file instead).
const filePathOf = (base: string, entity: Manifest.EntityDecl): string =>
  entity.table ? path.join(base, entity.table) : base
