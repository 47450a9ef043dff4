/**
 * `files`: copies the file assets the migrated rows point at (avatars, media, document scans) from
 * the legacy upload directory into the target store under content-addressed keys, and rewrites each
 * row's column to the store's public URL. Only rows that still hold a legacy value are touched, so a
 * rerun copies and changes nothing; a file that is not there is counted and listed, never fatal.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Command, Options } from "@effect/cli"
import { PgClient } from "@schoolbridge/connectors"
import { Console, Effect, Either } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Target from "./Target.js"

/**
 * Where copied files go. Keys are `/`-separated; the directory store is the one implementation (an
 * S3-compatible store would implement the same two operations).
 */
export interface Store {
  /** Says where it writes. */
  readonly describe: string
  readonly has: (key: string) => Effect.Effect<boolean, Exit.CliError>
  /** Stores the file at `source` under `key`. */
  readonly put: (key: string, source: string) => Effect.Effect<void, Exit.CliError>
}

/** A store that is a directory: each key is a file below it. */
export const directoryStore = (root: string): Store => ({
  describe: root,
  has: (key) =>
    Effect.promise(() =>
      fs.stat(path.join(root, key)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  put: (key, source) =>
    Effect.tryPromise({
      // Copy then rename, so an interrupted copy never leaves a partial file under a real key.
      try: async () => {
        const target = path.join(root, key)
        await fs.mkdir(path.dirname(target), { recursive: true })
        const partial = `${target}.partial-${process.pid}`
        await fs.copyFile(source, partial)
        await fs.rename(partial, target)
      },
      catch: (e) => Exit.failure(`cannot store ${key} in ${root}: ${(e as Error).message}`),
    }),
})

/** What one column's values are: the counts the command prints and writes to the report. */
export interface ColumnReport {
  readonly table: string
  readonly column: string
  /** Rows with a non-empty value. */
  rows: number
  /** Rows whose value was (or, in a dry run, would be) rewritten to the store's URL. */
  rewritten: number
  /** Files newly copied into the store (a file shared by rows is copied once). */
  copied: number
  /** Rows already under the base URL. */
  alreadyMigrated: number
  /** Rows whose legacy file is not in the upload directory. */
  missing: number
  /** Rows holding a URL that is neither legacy nor ours (left as they are). */
  other: number
  /** (rewritten + already migrated) / (the same + missing); null when no row refers to a file. */
  hitRatio: number | null
}

/** A row whose file is missing. */
export interface Missing {
  readonly table: string
  readonly id: string
  readonly value: string
}

/** The whole outcome. */
export interface Report {
  readonly dryRun: boolean
  readonly from: string
  readonly store: string
  readonly baseUrl: string
  readonly columns: ReadonlyArray<ColumnReport>
  readonly missing: ReadonlyArray<Missing>
}

/** What a column value is. */
export type Classified =
  | { readonly _tag: "Migrated" }
  | { readonly _tag: "Legacy"; readonly relative: string }
  | { readonly _tag: "Other" }

const absoluteUrl = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * Classifies a value: ours when under `baseUrl`; legacy when a relative path, or an absolute URL
 * (or absolute path) whose path runs through a segment named like the upload root's directory
 * (`https://old.school/media/a.jpg` for a root `/srv/media`), the file then being the rest of it.
 */
export const classify = (value: string, baseUrl: string, rootName: string): Classified => {
  if (value.startsWith(baseUrl)) return { _tag: "Migrated" }
  let p: string
  if (absoluteUrl.test(value)) {
    try {
      p = decodeURIComponent(new URL(value).pathname)
    } catch {
      return { _tag: "Other" }
    }
  } else if (value.startsWith("/")) p = value
  else return legacy(value.split(/[?#]/)[0]!)
  const segments = p.split("/")
  const at = segments.indexOf(rootName)
  return at < 0 ? { _tag: "Other" } : legacy(segments.slice(at + 1).join("/"))
}

// A path that climbs out of the upload root is not a file of it.
const legacy = (relative: string): Classified => {
  const normal = path.posix.normalize(relative.replace(/^\.\//, ""))
  return normal === "" || normal === "." || normal.startsWith("../") || path.posix.isAbsolute(normal)
    ? { _tag: "Other" }
    : { _tag: "Legacy", relative: normal }
}

/** The content key of a file: `<table>/<first 2 hex of sha256>/<sha256>.<ext>`. */
export const keyOf = (table: string, sha256: string, fileName: string): string => {
  const ext = path.extname(fileName).slice(1).toLowerCase()
  const suffix = /^[a-z0-9]{1,10}$/.test(ext) ? `.${ext}` : ""
  return `${table}/${sha256.slice(0, 2)}/${sha256}${suffix}`
}

const sha256Of = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    createReadStream(file)
      .on("error", reject)
      .on("data", (d) => hash.update(d))
      .on("end", () => resolve(hash.digest("hex")))
  })

const isFile = (file: string) =>
  fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  )

const pgFailure = (e: { readonly message: string }) => Exit.failure(e.message)

/** Options of one `files` run. */
export interface MigrateOptions {
  readonly from: string
  readonly store: Store
  readonly baseUrl: string
  readonly columns: ReadonlyArray<{ readonly table: string; readonly column: string }>
  readonly dryRun: boolean
  readonly batchSize: number
}

/** Copies and rewrites every column's files; returns the counts and the missing files. */
export const migrate = (o: MigrateOptions) =>
  Effect.gen(function* () {
    const db = yield* PgClient.PgClient
    const rootName = path.basename(o.from)
    const columns: Array<ColumnReport> = []
    const missing: Array<Missing> = []
    // Across columns, so a file two tables share is hashed once; keys already stored or copied.
    const hashes = new Map<string, string>()
    const stored = new Set<string>()
    for (const { table, column } of o.columns) {
      const [schema, name] = table.split(".")
      const exists = yield* db
        .query(
          "select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3",
          [schema, name, column],
        )
        .pipe(Effect.mapError(pgFailure))
      if (exists.length === 0)
        return yield* Effect.fail(Exit.config(`files.columns: the target has no column ${table}.${column}`))
      const r: ColumnReport = {
        table,
        column,
        rows: 0,
        rewritten: 0,
        copied: 0,
        alreadyMigrated: 0,
        missing: 0,
        other: 0,
        hitRatio: null,
      }
      let after: string | null = null
      for (;;) {
        const rows: ReadonlyArray<{ id: string; value: string }> = yield* db
          .query<{ id: string; value: string }>(
            `select id::text as id, ${column} as value from ${table}
             where ${column} is not null and ${column} <> ''${after === null ? "" : " and id > $2::uuid"}
             order by id limit $1`,
            after === null ? [o.batchSize] : [o.batchSize, after],
          )
          .pipe(Effect.mapError(pgFailure))
        if (rows.length === 0) break
        after = rows.at(-1)!.id
        const updates: Array<{ id: string; old: string; url: string }> = []
        for (const row of rows) {
          r.rows++
          const c = classify(row.value, o.baseUrl, rootName)
          if (c._tag === "Migrated") r.alreadyMigrated++
          else if (c._tag === "Other") r.other++
          else {
            const source = path.join(o.from, c.relative)
            let hash = hashes.get(source)
            if (hash === undefined) {
              if (!(yield* Effect.promise(() => isFile(source)))) {
                r.missing++
                missing.push({ table, id: row.id, value: row.value })
                continue
              }
              hash = yield* Effect.tryPromise({
                try: () => sha256Of(source),
                catch: (e) => Exit.failure(`cannot read ${source}: ${(e as Error).message}`),
              })
              hashes.set(source, hash)
            }
            const key = keyOf(table, hash, c.relative)
            if (!stored.has(key)) {
              stored.add(key)
              if (!(yield* o.store.has(key))) {
                r.copied++
                if (!o.dryRun) yield* o.store.put(key, source)
              }
            }
            updates.push({ id: row.id, old: row.value, url: o.baseUrl + key })
          }
        }
        if (updates.length > 0 && !o.dryRun) {
          // Only rows still holding the value read: a row changed meanwhile is left to the next run.
          const changed = yield* db
            .query(
              `update ${table} t set ${column} = v.url
               from unnest($1::uuid[], $2::text[], $3::text[]) as v(id, old, url)
               where t.id = v.id and t.${column} = v.old returning t.id`,
              [updates.map((u) => u.id), updates.map((u) => u.old), updates.map((u) => u.url)],
            )
            .pipe(Effect.mapError(pgFailure))
          r.rewritten += changed.length
        } else r.rewritten += updates.length
      }
      const found = r.rewritten + r.alreadyMigrated
      r.hitRatio = found + r.missing === 0 ? null : found / (found + r.missing)
      columns.push(r)
    }
    return { dryRun: o.dryRun, from: o.from, store: o.store.describe, baseUrl: o.baseUrl, columns, missing }
  })

const n = (x: number) => x.toLocaleString("en-US")

const ratio = (r: ColumnReport) => {
  if (r.hitRatio === null) return "-"
  const found = r.rewritten + r.alreadyMigrated
  return `${n(found)}/${n(found + r.missing)} (${(Math.floor(r.hitRatio * 1000) / 10).toFixed(1)}%)`
}

/** The outcome as text: one line per column, then each missing file. */
export const render = (report: Report, reportFile: string | null): string => {
  const header = ["column", "rows", "rewritten", "copied", "migrated", "missing", "other", "hit ratio"]
  const body = report.columns.map((c) => [
    `${c.table}.${c.column}`,
    n(c.rows),
    n(c.rewritten),
    n(c.copied),
    n(c.alreadyMigrated),
    n(c.missing),
    n(c.other),
    ratio(c),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [
    `${report.dryRun ? "dry run, nothing copied or changed: " : ""}${report.from} -> ${report.store} (${report.baseUrl})`,
    "",
    line(header),
    ...body.map(line),
    ...(report.missing.length === 0
      ? []
      : [
          "",
          `missing files (${n(report.missing.length)}):`,
          ...report.missing.map((m) => `  ${m.table} ${m.id} ${m.value}`),
        ]),
    ...(reportFile === null ? [] : ["", `report: ${reportFile}`]),
  ].join("\n")
}

const resolvePath = (
  loaded: Manifest.Loaded,
  ref: Manifest.PathRef,
  key: string,
): Effect.Effect<string, Exit.CliError> => {
  const r = Manifest.filePath(loaded, ref, ["files", key], process.env)
  return Either.isLeft(r) ? Effect.fail(Exit.config(r.left.message)) : Effect.succeed(r.right)
}

/** The `files` command. */
export const command = Command.make(
  "files",
  {
    manifest: CommandLine.manifest("The manifest with a files section"),
    dryRun: Options.boolean("dry-run").pipe(
      Options.withDescription("Copy and change nothing: report what would be copied and rewritten"),
    ),
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadManifest(args.manifest)
      const files = loaded.manifest.files
      if (files === undefined)
        return yield* Effect.fail(
          Exit.config(
            `${path.basename(args.manifest)}: no files section: add files.from, to, baseUrl and columns`,
          ),
        )
      const from = yield* resolvePath(loaded, files.from, "from")
      const to = yield* resolvePath(loaded, files.to, "to")
      if (
        !(yield* Effect.promise(() =>
          fs.stat(from).then(
            (s) => s.isDirectory(),
            () => false,
          ),
        ))
      )
        return yield* Effect.fail(Exit.config(`files.from: ${from} is not a directory`))
      const target = yield* Target.url(loaded, process.env)
      const report = yield* Target.use(
        target,
        migrate({
          from,
          store: directoryStore(to),
          baseUrl: files.baseUrl,
          columns: files.columns,
          dryRun: args.dryRun,
          batchSize: loaded.manifest.defaults.batchSize,
        }),
      )
      const reportFile = args.dryRun ? null : path.join(path.dirname(to), "files-report.json")
      if (reportFile !== null)
        yield* Effect.tryPromise({
          try: () => fs.writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`),
          catch: (e) => Exit.failure(`cannot write ${reportFile}: ${(e as Error).message}`),
        })
      yield* Console.log(render(report, reportFile))
    }),
).pipe(
  Command.withDescription(
    "Copy the files the migrated rows point at into the target store under content keys and rewrite their URLs. Missing files are listed, not fatal.",
  ),
)
