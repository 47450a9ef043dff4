/**
 * `profile`: the pre-migration profile of every source a manifest reads, written as profile.json,
 * profile.md and profile.html. Database tables are profiled in SQL, files in one streaming pass; the
 * findings are printed but never stop anything (exit 0).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Command, Options } from "@effect/cli"
import { Email } from "@schoolbridge/cleansers"
import {
  FileProfile,
  Profile,
  ProfileDocument,
  ProfileReport,
  SourceDatabase,
} from "@schoolbridge/validators"
import { Console, Effect, Either, Option, type Scope, Stream } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as Forecast from "./Forecast.js"
import * as Manifest from "./Manifest.js"
import * as Sources from "./Sources.js"
import * as Systems from "./Systems.js"

/** What one source table (or file) is profiled with beyond its columns. */
interface Extras {
  /** As SQL for a table, and as a function of a row for a file. */
  readonly uniqueKeys: ReadonlyArray<{
    readonly name: string
    readonly column: string
    readonly expr: string
    readonly of: (row: Record<string, unknown>) => unknown
  }>
  readonly cleansers: ReadonlyArray<{ readonly column: string; readonly clean: Profile.Cleanser }>
  /** Child column → the parent entity whose table and key it references. */
  readonly parents: ReadonlyArray<{ readonly column: string; readonly entity: string }>
}

const email = {
  uniqueKeys: [
    {
      name: "normalized email",
      column: "email",
      expr: "lower(trim(email))",
      of: (row: Record<string, unknown>) =>
        typeof row.email === "string" ? row.email.trim().toLowerCase() || null : null,
    },
  ],
  cleansers: [{ column: "email", clean: (v: unknown) => Email.clean(v) }],
}

// What each system's mappers treat as unique, cleanse or link, so the profile finds the rows they
// would reject. Applied only to the columns the table really has.
const defaults: Readonly<Record<string, Partial<Extras>>> = {
  "legacy-sis.users": email,
  "legacy-sis.students": {
    cleansers: email.cleansers,
    parents: [{ column: "user_id", entity: "legacy-sis.users" }],
  },
  "legacy-sis.teachers": { parents: [{ column: "user_id", entity: "legacy-sis.users" }] },
  "legacy-sis.enrollments": { parents: [{ column: "student_id", entity: "legacy-sis.students" }] },
  "gibbon.users": email,
  "moodle.users": email,
  "browser-export.users": { cleansers: email.cleansers },
}

/** Where the profile and its summary went. */
export interface Outcome {
  readonly report: ProfileReport.ProfileReport
  readonly files: ReadonlyArray<string>
}

interface Group {
  readonly source: string
  readonly table: string | undefined
  readonly entities: ReadonlyArray<Manifest.EntityDecl>
}

/** The entities grouped by what they read: a table (or file) read by two entities is profiled once. */
const groups = (manifest: Manifest.Manifest): Array<Group> => {
  const out = new Map<
    string,
    { source: string; table: string | undefined; entities: Array<Manifest.EntityDecl> }
  >()
  for (const e of manifest.entities) {
    const id = `${e.source}\u0000${e.table ?? ""}`
    const g = out.get(id) ?? { source: e.source, table: e.table, entities: [] }
    g.entities.push(e)
    out.set(id, g)
  }
  return [...out.values()]
}

const extrasOf = (g: Group, columns: ReadonlySet<string>, manifest: Manifest.Manifest): Extras => {
  const merged = g.entities.map((e) => defaults[e.name] ?? {})
  const has = (c: string) => columns.has(c.toLowerCase())
  const tableOf = (entity: string) =>
    manifest.entities.find((e) => e.name === entity && e.source === g.source)
  const unique = new Map(merged.flatMap((m) => m.uniqueKeys ?? []).map((k) => [k.name, k]))
  const cleansers = new Map(merged.flatMap((m) => m.cleansers ?? []).map((c) => [c.column, c]))
  return {
    uniqueKeys: [...unique.values()].filter((k) => has(k.column)),
    cleansers: [...cleansers.values()].filter((c) => has(c.column)),
    parents: merged
      .flatMap((m) => m.parents ?? [])
      .filter((p) => has(p.column) && tableOf(p.entity)?.table !== undefined),
  }
}

const sqlKeys = (extras: Extras) => extras.uniqueKeys.map((k) => ({ name: k.name, expr: k.expr }))

const sqlRelationships = (extras: Extras, manifest: Manifest.Manifest) =>
  extras.parents.map((p) => {
    const parent = manifest.entities.find((e) => e.name === p.entity)!
    return {
      columns: [p.column],
      references: { table: parent.table!, columns: [parent.key!] },
      // Legacy systems write 0 for "none".
      absent: [0],
    }
  })

const profileFailure = (e: { readonly message: string }) => Exit.failure(`profile: ${e.message}`)

/** Profiles every source the manifest's entities read and writes the three documents into `out`. */
export const run = (options: {
  readonly loaded: Manifest.Loaded
  readonly env: Readonly<Record<string, string | undefined>>
  readonly out: string
  readonly sample: boolean
  readonly now: Date
}): Effect.Effect<Outcome, Exit.CliError, Scope.Scope> =>
  Effect.gen(function* () {
    const { loaded } = options
    const { manifest } = loaded
    const sources = yield* Sources.open(loaded, options.env)
    const asOf = manifest.asOf ?? options.now.toISOString().slice(0, 10)
    const tables: Array<ProfileReport.TableProfile> = []
    for (const g of groups(manifest)) {
      const kind = manifest.sources[g.source]!.kind
      const entity = g.entities.map((e) => e.name).join(", ")
      const first = g.entities[0]!
      if (Sources.isDatabase(kind)) {
        const db = yield* sources.database(g.source)
        const columns = yield* Sources.tableColumns(db, g.table!).pipe(Effect.mapError(profileFailure))
        const extras = extrasOf(g, new Set(columns.map((c) => c.toLowerCase())), manifest)
        tables.push(
          yield* Profile.table({
            table: g.table!,
            key: first.key!,
            entity,
            cleanserMode: options.sample ? "sample" : "full",
            ...(manifest.asOf ? { asOf: manifest.asOf } : {}),
            uniqueKeys: sqlKeys(extras),
            cleansers: extras.cleansers,
            relationships: sqlRelationships(extras, manifest),
          }).pipe(Effect.provide(SourceDatabase.layer(db)), Effect.mapError(profileFailure)),
        )
        continue
      }
      const reader = yield* sources.reader(first)
      const file = filePathOf(loaded, g, options.env)
      // A file says which columns it has only in its rows: the first batch tells which defaults apply.
      const head = yield* reader.stream({ key: "*", tenant: null }, null, 100).pipe(
        Stream.runHead,
        Effect.mapError((e) => Exit.failure(`profile ${file}: ${e.message}`)),
      )
      const seen = Option.match(head, {
        onNone: () => new Set<string>(),
        onSome: (b) => new Set(b.rows.flatMap((r) => Object.keys(r).map((k) => k.toLowerCase()))),
      })
      const extras = extrasOf(g, seen, manifest)
      tables.push(
        yield* FileProfile.profile(reader, {
          kind: kind === "csv" || kind === "ndjson" || kind === "json" ? kind : "rows",
          path: file,
          entity,
          ...(first.key ? { key: first.key } : {}),
          uniqueKeys: extras.uniqueKeys.map((k) => ({ name: k.name, of: k.of })),
          cleansers: extras.cleansers,
          asOf,
        }).pipe(Effect.mapError((e) => Exit.failure(`profile ${file}: ${e.message}`))),
      )
    }
    // The run's own mappers over every row: what it will load, reject, skip and merge.
    const forecast = yield* Effect.either(
      Forecast.make(yield* Systems.load(loaded), manifest, sources, {
        asOf,
        loadedAt: options.now.toISOString(),
      }),
    )
    const report: ProfileReport.ProfileReport = {
      version: 1,
      title: `${manifest.name}: source profile`,
      generatedAt: options.now.toISOString(),
      asOf: manifest.asOf ?? tables[0]?.asOf ?? asOf,
      tables,
      ...(Either.isRight(forecast)
        ? { forecast: forecast.right }
        : { forecastMissing: forecast.left.message }),
    }
    mkdirSync(options.out, { recursive: true })
    const files = [
      ["profile.json", ProfileReport.toJson(report)],
      ["profile.md", ProfileDocument.markdown(report)],
      ["profile.html", ProfileDocument.html(report)],
    ].map(([name, text]) => {
      const file = path.join(options.out, name!)
      writeFileSync(file, text!)
      return file
    })
    return { report, files }
  })

// The file a group reads: the source's path, or the entity's file in the source's directory.
const filePathOf = (
  loaded: Manifest.Loaded,
  g: Group,
  env: Readonly<Record<string, string | undefined>>,
): string => {
  const source = loaded.manifest.sources[g.source] as { kind: string; path: Manifest.PathRef }
  const base = Manifest.filePath(loaded, source.path, ["sources", g.source, "path"], env)
  const dir = Either.getOrElse(base, () => "")
  const perEntity = source.kind === "csv" || source.kind === "ndjson" || source.kind === "json"
  return perEntity && g.table ? path.join(dir, g.table) : dir
}

/** The figures for the terminal: tables, rows, findings, the failed ones, and where the files are. */
export const render = (o: Outcome): string => {
  const checks = o.report.tables.flatMap((t) => t.checks)
  const failed = checks.filter((c) => !c.passed)
  const critical = failed.filter((c) => c.severity === "critical").length
  const rows = o.report.tables.reduce((n, t) => n + t.rows, 0)
  const width = Math.max(...o.report.tables.map((t) => t.table.length), 5)
  return [
    ...o.report.tables.map(
      (t) =>
        `${t.table.padEnd(width)}  ${String(t.rows).padStart(9)} rows  ${t.checks.filter((c) => !c.passed).length} finding(s)`,
    ),
    `${o.report.tables.length} tables, ${rows} rows, ${failed.length} findings (${critical} critical, ${failed.length - critical} warnings)`,
    ...failed.slice(0, 15).map((c) => `  ${c.severity} ${c.id}: ${c.detail}`),
    ...(failed.length > 15 ? [`  … and ${failed.length - 15} more in the report`] : []),
    ...(o.report.forecast === undefined
      ? [`no forecast: ${o.report.forecastMissing ?? "not made"}`]
      : Forecast.render(o.report.forecast)),
    `reports: ${o.files.join(", ")}`,
  ].join("\n")
}

/** The `profile` command. */
export const command = Command.make(
  "profile",
  {
    manifest: CommandLine.manifest("The migration manifest (YAML) whose sources to profile"),
    out: Options.directory("out").pipe(
      Options.withDescription("Where to write profile.json, .md and .html; default: ./reports/profile"),
      Options.withDefault("reports/profile"),
    ),
    sample: Options.boolean("sample").pipe(
      Options.withDescription(
        "Run the cleansers over the first rows of each table only (fast), not every row",
      ),
    ),
  },
  ({ manifest, out, sample }) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadManifest(manifest)
      yield* Systems.load(loaded)
      const outcome = yield* run({ loaded, env: process.env, out, sample, now: new Date() })
      yield* Console.log(render(outcome))
    }).pipe(Effect.scoped),
).pipe(
  Command.withDescription(
    "Profile every source table and file the manifest reads (columns, duplicates, invalid values, orphans, volume) into profile.json, .md and .html. Never fails on findings.",
  ),
)
