/**
 * The records of a manifest's file sources, read from the files and copied into an in-memory SQLite
 * database, one table per entity, so that `validate` compares them with the portal by the same SQL as
 * a source database: counts and keys come from the file itself, not from the run's ledger. A record the
 * file source rejected (it could not be parsed) is a row holding only its key: it counts as a record
 * of the file, as the run counted it.
 */
import { SqliteClient } from "@schoolbridge/connectors"
import { Source } from "@schoolbridge/core"
import { Effect, type Scope, Stream } from "effect"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import type * as Sources from "./Sources.js"
import type * as System from "./System.js"

/** The column holding each record's key (the legacy id its target row carries). */
export const keyColumn = "sb_key"

/** The copied records, and per entity the keys the file's records are compared under instead of their own. */
export interface Loaded {
  readonly client: SqliteClient.SqliteClientShape
  readonly renames: ReadonlyMap<string, ReadonlyMap<string, string>>
}

/** The table an entity's records are copied into. */
export const tableOf = (entity: string): string => `file_${entity.replace(/[^a-z0-9]/g, "_")}`

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

const cell = (v: unknown): string | number | null => {
  if (v === undefined || v === null) return null
  if (typeof v === "string" || typeof v === "number") return v
  if (typeof v === "boolean") return v ? 1 : 0
  return JSON.stringify(v)
}

const sqliteFailure = (e: SqliteClient.SqliteError) => Exit.failure(e.message)

/**
 * Copies every record of each entity into its table of a fresh in-memory database; `fields` names the
 * columns an entity's table has even when no record holds them (those its checks read).
 */
export const load = (
  entities: ReadonlyArray<Manifest.EntityDecl>,
  sources: Sources.Opened,
  fields: (entity: Manifest.EntityDecl) => ReadonlyArray<string> = () => [],
  keysOf?: System.FileKeys,
): Effect.Effect<Loaded, Exit.CliError, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* SqliteClient.memory("the manifest's files").pipe(Effect.mapError(sqliteFailure))
    const renames = new Map<string, ReadonlyMap<string, string>>()
    for (const entity of entities) {
      const table = quote(tableOf(entity.name))
      const reader = yield* sources.reader(entity)
      const columns = new Set<string>([keyColumn, ...fields(entity)])
      yield* db
        .query(
          `create table ${table} (${[...columns].map((c) => (c === keyColumn ? `${quote(c)} text` : quote(c))).join(", ")})`,
        )
        .pipe(Effect.mapError(sqliteFailure))
      // A system that keys some records otherwise than the file does sees the whole file first.
      const batches =
        keysOf === undefined
          ? reader.stream(Source.wholeSource, null, 5_000)
          : Stream.fromEffect(
              Effect.map(
                Stream.runCollect(reader.stream(Source.wholeSource, null, 5_000)),
                (all): Source.SourceBatch<Record<string, unknown>> => {
                  const list = [...all]
                  const rows = list.flatMap((b) => b.rows)
                  const own = list.flatMap((b) => b.keys)
                  const keys = keysOf(entity.name, rows, own)
                  const renamed = new Map(
                    own.flatMap((k, i) => (keys[i] === k ? [] : [[k, keys[i]!] as const])),
                  )
                  if (renamed.size > 0) renames.set(entity.name, renamed)
                  return {
                    rows,
                    keys,
                    rejected: list.flatMap((b) => b.rejected),
                    notes: [],
                    cursor: rows.length,
                  }
                },
              ),
            )
      yield* Stream.runForEach(batches, (batch) =>
        Effect.gen(function* () {
          const records: Array<Record<string, unknown>> = [
            ...batch.rows.map((row, i) => ({ ...row, [keyColumn]: batch.keys[i] })),
            ...batch.rejected.map((r) => ({ [keyColumn]: r.key })),
          ]
          for (const r of records)
            for (const c of Object.keys(r))
              if (!columns.has(c)) {
                columns.add(c)
                yield* db
                  .query(`alter table ${table} add column ${quote(c)}`)
                  .pipe(Effect.mapError(sqliteFailure))
              }
          const names = [...columns]
          // Many rows per statement, within SQLite's limit on bound values.
          const perStatement = Math.max(1, Math.floor(30_000 / names.length))
          for (let at = 0; at < records.length; at += perStatement) {
            const slice = records.slice(at, at + perStatement)
            const row = `(${names.map(() => "?").join(", ")})`
            yield* db
              .query(
                `insert into ${table} (${names.map(quote).join(", ")}) values ${slice.map(() => row).join(", ")}`,
                slice.flatMap((r) => names.map((c) => cell(r[c]))),
              )
              .pipe(Effect.mapError(sqliteFailure))
          }
        }),
      ).pipe(Effect.mapError((e) => (e instanceof Source.SourceError ? Exit.failure(e.message) : e)))
    }
    return { client: db, renames }
  })
