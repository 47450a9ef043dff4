/**
 * What a source holds that no entity of the manifest reads: the collections of a JSON document and
 * the tables of a database that are neither mapped nor read by a mapper's pre-pass. Nothing is left
 * behind without a word: `plan` lists them before the night and `run` ends by naming them, each
 * with its row count. Only systems that know every table their mappers read (`System.references`)
 * are listed; a Gibbon database has hundreds of tables the portal never wanted.
 */
import { Effect } from "effect"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import type * as Sources from "./Sources.js"
import type * as System from "./System.js"

/** A collection or table no entity reads. */
export interface Unread {
  readonly source: string
  /** The table, or the dot path of the array inside the document. */
  readonly table: string
  readonly rows: number
}

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The arrays of a document at the top level and one level down (`data.students`), with their lengths. */
export const arraysOf = (document: unknown): ReadonlyArray<readonly [string, number]> => {
  if (!isObject(document)) return []
  const found: Array<readonly [string, number]> = []
  for (const [k, v] of Object.entries(document)) {
    if (Array.isArray(v)) found.push([k, v.length])
    else if (isObject(v))
      for (const [k2, v2] of Object.entries(v)) if (Array.isArray(v2)) found.push([`${k}.${k2}`, v2.length])
  }
  return found
}

const tablesSql: Record<string, string> = {
  mysql:
    "select table_name as name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' order by 1",
  postgresql:
    "select table_schema || '.' || table_name as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1",
  sqlite: "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1",
}

/** Every collection or table of the manifest's sources that nothing reads, with its rows. */
export const find = (
  system: System.System,
  manifest: Manifest.Manifest,
  sources: Sources.Opened,
): Effect.Effect<ReadonlyArray<Unread>, Exit.CliError> => {
  if (system.references === undefined) return Effect.succeed([])
  const option = <A>(name: string, fallback: A) =>
    name in manifest.options ? (manifest.options[name] as A) : fallback
  const references = system.references(option)
  return Effect.map(
    Effect.forEach(Object.entries(manifest.sources), ([name, source]) => {
      const read = new Set([
        ...manifest.entities.filter((e) => e.source === name).map((e) => (e.table ?? "").toLowerCase()),
        ...references.map((r) => r.toLowerCase()),
      ])
      const unread = (table: string) => !read.has(table.toLowerCase())
      if (source.kind === "json-document")
        return Effect.map(sources.document(name), (doc) =>
          arraysOf(doc)
            .filter(([table]) => unread(table))
            .map(([table, rows]) => ({ source: name, table, rows })),
        )
      if (source.kind !== "mysql" && source.kind !== "postgres" && source.kind !== "sqlite")
        return Effect.succeed([])
      return Effect.gen(function* () {
        const db = yield* sources.database(name)
        const fail = (e: { readonly message: string }) => Exit.failure(`${name}: ${e.message}`)
        const tables = yield* Effect.mapError(db.query<{ name: string }>(tablesSql[db.dialect.name]!), fail)
        return yield* Effect.forEach(tables.map((t) => String(t.name)).filter(unread), (table) =>
          Effect.map(
            Effect.mapError(
              db.query<{ n: unknown }>(
                `select count(*) as n from ${table
                  .split(".")
                  .map((p) => db.dialect.id(p))
                  .join(".")}`,
              ),
              fail,
            ),
            (r) => ({ source: name, table, rows: Number(r[0]?.n ?? 0) }),
          ),
        )
      })
    }),
    (lists) => lists.flat(),
  )
}

/** The lines that name what is left unread, or none. */
export const render = (unread: ReadonlyArray<Unread>): ReadonlyArray<string> =>
  unread.length === 0
    ? []
    : [
        `not read by any entity (${unread.length}): ${unread
          .map((u) => `${u.source}:${u.table} (${u.rows.toLocaleString("en-US")} rows)`)
          .join(", ")}`,
      ]
