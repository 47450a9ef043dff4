/**
 * `validate`: the post-migration checks of a manifest's entities, pushed into SQL on the source and
 * the portal, the go/no-go gate, and the four report formats written side by side.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { type Keyset, PgClient } from "@schoolbridge/connectors"
import {
  CsvReport,
  type Declaration,
  Dialect,
  HtmlReport,
  MarkdownReport,
  PortalRules,
  Report,
  SourceDatabase,
  Validate,
} from "@schoolbridge/validators"
import { Effect, Layer, type Redacted } from "effect"
import * as Exit from "./Exit.js"
import * as FileTables from "./FileTables.js"
import type * as Manifest from "./Manifest.js"
import * as Sources from "./Sources.js"
import * as System from "./System.js"

/** Where the reports went and what the gate said. */
export interface Outcome {
  readonly report: Report.Report
  readonly files: ReadonlyArray<string>
}

/**
 * The latest completed run of this manifest (and tenant, when one is named) that loaded rows, when
 * no run is named: a rerun over rows already loaded skips them all, and its ledger says nothing about
 * the data the checks look at; another manifest's or another school's run is not this source's.
 */
const latestRun = (manifest: string, tenant: string | null) =>
  Effect.flatMap(PgClient.PgClient, (db) =>
    db.query<{ run_id: string | null }>(
      `select max(r.run_id) as run_id from migration.runs r
        where r.status = 'completed' and not r.dry_run and r.options->>'manifest' = $1
          and ($2::text is null or r.options->>'tenant' = $2 or coalesce(r.options->'tenants', '[]') ? $2)
          and exists (select 1 from migration.batches b where b.run_id = r.run_id and b.loaded_count > 0)`,
      [manifest, tenant],
    ),
  ).pipe(
    Effect.map((r) => (r[0]?.run_id ? Number(r[0].run_id) : null)),
    Effect.mapError((e) => Exit.failure(e.message)),
  )

/** The tenant a run loaded a single-school source into, as it recorded it. */
const tenantOfRun = (runId: number) =>
  Effect.flatMap(PgClient.PgClient, (db) =>
    db.query<{ tenant: string | null }>(
      "select options->>'tenant' as tenant from migration.runs where run_id = $1",
      [runId],
    ),
  ).pipe(
    Effect.map((r) => r[0]?.tenant ?? null),
    Effect.mapError((e) => Exit.failure(e.message)),
  )

/**
 * Which schools a validation covers: the one of a single-school source's run, or for a source of
 * several schools its tenants (`--tenant` names one) with the SQL that places each row.
 */
export type Scope =
  | { readonly _tag: "School"; readonly tenant: string | null }
  | {
      readonly _tag: "Schools"
      /** The schools compared; the rows of no school are compared too when all are. */
      readonly tenants: ReadonlyArray<string>
      readonly all: boolean
      readonly conditions: ReadonlyMap<string, Keyset.Tenancy>
    }

// The SQL that places each row of each database entity of a source of several schools.
const conditionsOf = (system: System.System, manifest: Manifest.Manifest, routed: System.Routing) =>
  Effect.gen(function* () {
    const out = new Map<string, Keyset.Tenancy>()
    for (const e of manifest.entities) {
      if (system.planned?.includes(e.name) || !Sources.isDatabase(manifest.sources[e.source]!.kind)) continue
      const c = yield* routed.conditions(e)
      if (c !== null) out.set(e.name, c)
    }
    return out
  })

// The file kinds validate reads again whole: those read a record at a time, and a JSON document.
const isFileKind = (kind: Manifest.Source["kind"] | undefined) =>
  Sources.isFile(kind) || kind === "json-document"

/** The entities of a manifest that read a file and load a table of their own: those `files` compares. */
export const fileEntities = (system: System.System, manifest: Manifest.Manifest) =>
  manifest.entities.filter(
    (e) =>
      isFileKind(manifest.sources[e.source]?.kind) &&
      system.targets[e.name] !== undefined &&
      !system.planned?.includes(e.name),
  )

/**
 * The system's checks of an entity, written for the SQL they run on: the source database's dialect,
 * or with `files`, the SQLite tables `FileTables` copies the records into.
 */
const checksOf = (
  system: System.System,
  manifest: Manifest.Manifest,
  e: Manifest.EntityDecl,
  files: boolean,
): System.EntityChecks | undefined => {
  const kind = manifest.sources[e.source]?.kind
  if (kind === undefined || (files ? !isFileKind(kind) : !Sources.isDatabase(kind))) return undefined
  return system.checks?.({
    source: files ? "files" : "database",
    dialect: Dialect.of(files || kind === "sqlite" ? "sqlite" : kind === "postgres" ? "postgresql" : "mysql"),
    timeZone: manifest.timeZone,
    tableOf: (name) =>
      files ? FileTables.tableOf(name) : manifest.entities.find((d) => d.name === name)?.table,
  })[e.name]
}

// The parts of an entity's checks that are its declaration's.
const declared = (c: System.EntityChecks | undefined) => ({
  ...(c?.asIs ? { asIs: c.asIs } : {}),
  ...(c?.money ? { money: c.money } : {}),
  ...(c?.legacyIds ? { legacyIds: c.legacyIds } : {}),
})

/**
 * The declarations the checks run over: each database entity of the manifest with its target table
 * and the system's content columns and money totals for it (`System.checks`, in the source's
 * dialect), or with `files`, each file entity, its records read from the tables `FileTables` fills.
 */
export const declarations = (
  system: System.System,
  manifest: Manifest.Manifest,
  scope: Scope,
  files: FileTables.Loaded | null = null,
): ReadonlyArray<Declaration.EntityDeclaration> =>
  manifest.entities.flatMap((e) => {
    const source = manifest.sources[e.source]
    const table = system.targets[e.name]
    const checks = checksOf(system, manifest, e, files !== null)
    if (files !== null) {
      const renames = files.renames.get(e.name)
      if (scope._tag !== "School" || !fileEntities(system, manifest).includes(e)) return []
      return [
        PortalRules.withRules({
          name: e.name,
          source: {
            table: FileTables.tableOf(e.name),
            key: FileTables.keyColumn,
            ...(renames ? { renames } : {}),
            ...(scope.tenant !== null ? { tenant: scope.tenant } : {}),
          },
          target:
            scope.tenant !== null
              ? { table: table!, tenants: [scope.tenant] }
              : { table: table!, tenantColumn: null },
          ...declared(checks),
        }),
      ]
    }
    // Entities planned in memory (their rows are not one source table's) have a source count only
    // when the system says how to count them (its checks join the tables the plan pairs).
    if (
      source === undefined ||
      !Sources.isDatabase(source.kind) ||
      table === undefined ||
      (system.planned?.includes(e.name) && checks?.sourceJoin === undefined)
    )
      return []
    if (scope._tag === "Schools") {
      const c = scope.conditions.get(e.name)
      if (c === undefined) return []
      return [
        PortalRules.withRules({
          name: e.name,
          source: {
            table: e.table!,
            key: e.key!,
            ...(system.keyKind ? { keyKind: system.keyKind } : {}),
            ...(e.where ? { where: e.where } : {}),
            ...(checks?.sourceJoin ? { join: checks.sourceJoin } : {}),
            tenancy: {
              tenants: scope.tenants,
              belongs: c.kind === "every" ? () => "1 = 1" : c.belongs,
              unassigned: c.kind === "rows" && scope.all,
            },
          },
          target: { table, tenants: scope.tenants },
          ...declared(checks),
        }),
      ]
    }
    const tenant = scope.tenant
    return [
      PortalRules.withRules({
        name: e.name,
        source: {
          table: e.table!,
          key: e.key!,
          ...(system.keyKind ? { keyKind: system.keyKind } : {}),
          ...(e.where ? { where: e.where } : {}),
          ...(checks?.sourceJoin ? { join: checks.sourceJoin } : {}),
          ...(e.tenantColumn ? { tenantColumn: e.tenantColumn } : tenant !== null ? { tenant } : {}),
        },
        // A source without a tenant column holds one school's rows: compared with that tenant's
        // rows only, so another school's migration into the same portal is not counted against it.
        target: e.tenantColumn
          ? { table, ...(manifest.tenants.length > 0 ? { tenants: manifest.tenants } : {}) }
          : tenant !== null
            ? { table, tenants: [tenant] }
            : { table, tenantColumn: null },
        ...declared(checks),
      }),
    ]
  })

/** Runs the checks and writes `report.json`, `.md`, `.csv` and `.html` into `out`. */
export const run = (options: {
  readonly system: System.System
  readonly loaded: Manifest.Loaded
  readonly sources: Sources.Opened
  readonly target: Redacted.Redacted<string>
  readonly runId: number | null
  /** Picks the latest run of this tenant when no run is named. */
  readonly tenant: string | null
  readonly out: string
}): Effect.Effect<Outcome, Exit.CliError> =>
  Effect.gen(function* () {
    const { manifest } = options.loaded
    const databases = [
      ...new Set(
        manifest.entities
          .filter((e) => {
            const source = manifest.sources[e.source]
            return source !== undefined && Sources.isDatabase(source.kind)
          })
          .map((e) => e.source),
      ),
    ]
    // A manifest that reads files only is compared with the files themselves, read again whole.
    const fromFiles = databases.length === 0 ? fileEntities(options.system, manifest) : []
    if (databases.length > 1 || (databases.length === 0 && fromFiles.length === 0))
      return yield* Effect.fail(
        Exit.config(
          databases.length === 0
            ? "validate compares a database source (MySQL/MariaDB, PostgreSQL or SQLite) or the csv, ndjson, json, json-document or xlsx files of the entities with the portal; this manifest reads none"
            : `validate compares one source database at a time; this manifest reads ${databases.join(", ")}`,
        ),
      )
    if (fromFiles.length > 0 && manifest.tenancy !== undefined)
      return yield* Effect.fail(
        Exit.config("validate compares the files of a single-school manifest; this one has a tenancy rule"),
      )
    const fileTables =
      fromFiles.length > 0
        ? yield* FileTables.load(
            fromFiles,
            options.sources,
            (e) => checksOf(options.system, manifest, e, true)?.fields ?? [],
            options.system.fileKeys,
          )
        : null
    const source =
      fileTables !== null
        ? SourceDatabase.fromSqlite(fileTables.client)
        : yield* options.sources.database(databases[0]!)
    const target = PgClient.layer({ url: options.target, applicationName: "schoolbridge-validate" }).pipe(
      Layer.mapError((e) => Exit.failure(e.message)),
    )
    const report = yield* Effect.gen(function* () {
      const runId = options.runId ?? (yield* latestRun(manifest.name, options.tenant))
      const routed = yield* System.routing(options.system, manifest, options.sources)
      const scope: Scope =
        routed === null
          ? {
              _tag: "School",
              tenant: runId === null ? options.tenant : ((yield* tenantOfRun(runId)) ?? options.tenant),
            }
          : {
              _tag: "Schools",
              tenants: options.tenant !== null ? [options.tenant] : routed.tenants,
              all: options.tenant === null,
              conditions: yield* conditionsOf(options.system, manifest, routed),
            }
      if (scope._tag === "Schools" && options.tenant !== null && !routed!.tenants.includes(options.tenant))
        return yield* Effect.fail(
          Exit.config(
            `--tenant ${options.tenant} is not one of the manifest's tenants (${routed!.tenants.join(", ")})`,
          ),
        )
      return yield* Validate.run(declarations(options.system, manifest, scope, fileTables), {
        runId,
        tolerance: manifest.tolerances.countParity,
        gate: {
          warningPassRate: manifest.tolerances.warningsPass,
          failingRowRate: manifest.tolerances.rollbackAbove,
        },
        title: `${manifest.name}: validation${runId === null ? "" : ` of run ${runId}`}`,
      }).pipe(Effect.mapError((e) => Exit.failure(e.message)))
    }).pipe(Effect.provide(Layer.merge(target, SourceDatabase.layer(source))))
    mkdirSync(options.out, { recursive: true })
    const files = [
      ["report.json", Report.toJson(report)],
      ["report.md", MarkdownReport.render(report)],
      ["report.csv", CsvReport.render(report)],
      ["report.html", HtmlReport.render(report)],
    ].map(([name, text]) => {
      const file = path.join(options.out, name!)
      writeFileSync(file, text!)
      return file
    })
    return { report, files }
  }).pipe(Effect.scoped)

/** The verdict and the figures behind it, for the terminal. */
export const render = (o: Outcome): string => {
  const d = o.report.decision
  const failed = o.report.checks.filter((c) => !c.passed)
  return [
    `verdict: ${d.verdict.toUpperCase()}`,
    `critical checks: ${d.criticalTotal - d.criticalFailed}/${d.criticalTotal} passed; warnings: ${d.warningPassed}/${d.warningTotal} passed (${(d.warningPassRate * 100).toFixed(1)}%, ${(d.warningPassRateRequired * 100).toFixed(0)}% required)`,
    ...failed.slice(0, 10).map((c) => `  ${c.severity} ${c.id}: ${c.detail}`),
    ...(failed.length > 10 ? [`  … and ${failed.length - 10} more in the report`] : []),
    `recommendation: ${d.recommendation.action}: ${d.recommendation.reason}`,
    ...d.recommendation.commands.map((c) => `  ${c}`),
    `reports: ${o.files.join(", ")}`,
  ].join("\n")
}
