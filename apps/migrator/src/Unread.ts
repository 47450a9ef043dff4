/**
 * What a source holds that no entity of the manifest reads: the collections of a JSON document and
 * the tables of a database that are neither mapped nor read by a mapper's pre-pass, and the columns
 * of the tables that are read which no mapper carries over. Nothing is left behind without a word:
 * `plan` lists them before the night and `run` ends by naming them. Only systems that know every
 * table (`System.references`) and column (`System.reads`) their mappers read are listed; a Gibbon
 * database has hundreds of tables the portal never wanted.
 */
import { Effect } from "effect"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import * as Sources from "./Sources.js"
import type * as System from "./System.js"

/** A collection or table no entity reads. */
export interface Unread {
  readonly source: string
  /** The table, or the dot path of the array inside the document. */
  readonly table: string
  readonly rows: number
}

/** Columns of a table that entities read that no mapper carries over. */
export interface UnreadColumns {
  readonly source: string
  readonly table: string
  readonly columns: ReadonlyArray<string>
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

/**
 * The columns of each database table the manifest's entities read that none of their mappers reads
 * (`System.reads`): what a run leaves behind, listed so that dropping it is a decision.
 */
export const columns = (
  system: System.System,
  manifest: Manifest.Manifest,
  sources: Sources.Opened,
): Effect.Effect<ReadonlyArray<UnreadColumns>, Exit.CliError> => {
  const reads = system.reads
  if (reads === undefined) return Effect.succeed([])
  const tables = new Map<string, { source: string; table: string; fields: Set<string> }>()
  for (const e of manifest.entities) {
    const kind = manifest.sources[e.source]?.kind
    const fields = reads[e.name]
    if (
      fields === undefined ||
      e.table === undefined ||
      (kind !== "mysql" && kind !== "postgres" && kind !== "sqlite")
    )
      continue
    const id = `${e.source}\u0000${e.table}`
    const t = tables.get(id) ?? { source: e.source, table: e.table, fields: new Set<string>() }
    for (const f of fields) t.fields.add(f.toLowerCase())
    tables.set(id, t)
  }
  return Effect.map(
    Effect.forEach([...tables.values()], (t) =>
      Effect.gen(function* () {
        const db = yield* sources.database(t.source)
        const found = yield* Effect.mapError(Sources.tableColumns(db, t.table), (e) =>
          Exit.failure(`${t.source}: ${e.message}`),
        )
        const left = found.filter((c) => !t.fields.has(c.toLowerCase()))
        return { source: t.source, table: t.table, columns: left }
      }),
    ),
    (all) => all.filter((t) => t.columns.length > 0),
  )
}

/** The lines that name what is left unread, or none. */
export const render = (
  unread: ReadonlyArray<Unread>,
  columns: ReadonlyArray<UnreadColumns> = [],
): ReadonlyArray<string> => [
  ...(unread.length === 0
    ? []
    : [
        `not read by any entity (${unread.length}): ${unread
          .map((u) => `${u.source}:${u.table} (${u.rows.toLocaleString("en-US")} rows)`)
          .join(", ")}`,
      ]),
  ...columns.map(
    (c) => `columns not carried over, ${c.source}:${c.table} (${c.columns.length}): ${c.columns.join(", ")}`,
  ),
]
