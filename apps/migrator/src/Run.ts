/**
 * `run`: the migration itself. Everything that can be checked without writing is checked first
 * (manifest, environment, mappers, connections); then the portal schema is brought up to date, the
 * manifest's tenants are registered, and the entities load in dependency order with the audit
 * triggers off for the bulk load (a setting of the migrator's own sessions, so nothing stays off).
 */
import { PgClient, PgLedger, PgSink } from "@schoolbridge/connectors"
import { Pipeline, type Progress } from "@schoolbridge/core"
import { Effect, Layer, type Redacted } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Refusals from "./Refusals.js"
import * as Sources from "./Sources.js"
import * as System from "./System.js"
import * as Systems from "./Systems.js"
import * as Target from "./Target.js"
import * as Unread from "./Unread.js"

/** What the operator asked for. */
export interface Options {
  readonly dryRun: boolean
  readonly only: ReadonlyArray<string> | null
  readonly tenants: ReadonlyArray<string> | null
  readonly parallel: number | null
  readonly resume: number | null
  /** The run's start: `loadedAt`, and `asOf` when the manifest sets none. */
  readonly now: Date
  readonly onProgress?: (event: Progress.Event) => Effect.Effect<void>
}

/** How a run ended. */
export interface Outcome {
  readonly runId: number
  readonly dryRun: boolean
  readonly entities: ReadonlyArray<Pipeline.Summary>
  /** The rows not loaded, by cause, root causes first. */
  readonly causes: ReadonlyArray<Refusals.Cause>
  /** Entities that rejected more of their rows than `tolerances.rejectAbove`. */
  readonly overTolerance: ReadonlyArray<{ readonly entity: string; readonly share: number }>
  readonly rejectAbove: number
  /** Collections and tables of the sources that no entity reads. */
  readonly unread: ReadonlyArray<Unread.Unread>
  /** Columns of the tables read that no mapper carries over. */
  readonly unreadColumns: ReadonlyArray<Unread.UnreadColumns>
}

const pgFailure = (e: { readonly message: string }) => Exit.failure(e.message)

/**
 * The schools a run loads: the one school of a single-school source, or those of a source of
 * several (`tenancy`): all of them, or those `--tenant` names.
 */
interface Schools {
  /** The school of a single-school source; null when the source holds several. */
  readonly tenant: string | null
  /** Every school the run loads. */
  readonly tenants: ReadonlyArray<string>
  /** `--tenant` on a source of several schools: only these. */
  readonly only: ReadonlyArray<string> | null
}

const schoolsOf = (manifest: Manifest.Manifest, options: Options): Effect.Effect<Schools, Exit.CliError> => {
  if (manifest.tenancy !== undefined) {
    const all = Manifest.tenantsOf(manifest)
    const unknown = (options.tenants ?? []).filter((t) => !all.includes(t))
    if (unknown.length > 0)
      return Effect.fail(
        Exit.config(
          `--tenant names ${unknown.join(", ")}, which the manifest's tenancy does not (${all.join(", ")})`,
        ),
      )
    return Effect.succeed({ tenant: null, tenants: options.tenants ?? all, only: options.tenants })
  }
  const tenants = options.tenants ?? manifest.tenants
  if (tenants.length === 1) return Effect.succeed({ tenant: tenants[0]!, tenants, only: null })
  return Effect.fail(
    Exit.config(
      tenants.length === 0
        ? "the manifest names no tenant: add `tenants: [CODE]` or pass --tenant CODE"
        : `the ${manifest.system} mappers load one tenant per run; pass --tenant with one of ${tenants.join(", ")}, or give the manifest a tenancy rule for a source of several schools`,
    ),
  )
}

/**
 * Refuses (exit 2, before anything is written) to load entities that a run made before ids were
 * scoped by tenant loaded and left in place: their rows would come in a second time under new ids.
 */
const refuseTenantless = (entities: ReadonlyArray<string>) =>
  Effect.flatMap(PgLedger.tenantlessRuns(entities).pipe(Effect.mapError(pgFailure)), (runs) =>
    runs.length === 0
      ? Effect.void
      : Effect.fail(
          Exit.config(
            `run${runs.length > 1 ? "s" : ""} ${runs.map((r) => r.runId).join(", ")} loaded ${[...new Set(runs.flatMap((r) => r.entities))].join(", ")} with ids made before ids were scoped by tenant: roll ${runs.length > 1 ? "them" : "it"} back first (${runs.map((r) => `schoolbridge-migrate rollback --run ${r.runId} --yes`).join("; ")}), then run again`,
          ),
        ),
  )

/** Runs a manifest. */
export const run = (
  loaded: Manifest.Loaded,
  target: Redacted.Redacted<string>,
  options: Options,
): Effect.Effect<Outcome, Exit.CliError> =>
  Effect.gen(function* () {
    const { manifest } = loaded
    const system = yield* Systems.load(loaded)
    const schools = yield* schoolsOf(manifest, options)
    // Configuration first: a wrong entity name stops the run before the target is touched.
    const selected = yield* System.selection(system, manifest, options.only ?? undefined)
    const sources = yield* Sources.open(loaded, process.env)
    // Every file the run reads is read whole now: a file that cannot be (bad encoding, a quote that
    // never closes, a duplicate header, not a workbook) stops the run before the target is touched.
    yield* sources.preflight(manifest.entities.filter((e) => selected.includes(e.name)))
    const unread = yield* Unread.find(system, manifest, sources)
    const unreadColumns = yield* Unread.columns(system, manifest, sources)
    const day = options.now.toISOString()
    const client = PgClient.layer({
      url: target,
      applicationName: "schoolbridge-migrate",
      dryRun: options.dryRun,
      ...(manifest.target.pool ? { max: manifest.target.pool } : {}),
      sessionSettings: { "app.audit": "off", "app.actor": "schoolbridge-migrate" },
    }).pipe(Layer.mapError(pgFailure))
    const services = Layer.mergeAll(PgSink.layer, PgLedger.layer).pipe(Layer.provideMerge(client))
    return yield* Effect.gen(function* () {
      const db = yield* PgClient.PgClient
      yield* refuseTenantless(selected)
      yield* PgLedger.migrateSchema.pipe(Effect.mapError(pgFailure))
      yield* Target.registerTenants(schools.tenants).pipe(Effect.mapError(pgFailure))
      const tenantKeys = yield* PgLedger.tenantKeys(schools.tenants).pipe(Effect.mapError(pgFailure))
      const steps = yield* System.steps(system, manifest, sources, {
        tenant: schools.tenant,
        ...(schools.only ? { tenants: schools.only } : {}),
        asOf: manifest.asOf ?? day.slice(0, 10),
        loadedAt: day,
        portal: <R extends System.Row>(sql: string, params?: ReadonlyArray<unknown>) =>
          db.query<R>(sql, params).pipe(Effect.mapError(pgFailure)),
        ...(options.only ? { only: options.only } : {}),
      })
      const result = yield* Pipeline.run(steps, {
        ...(schools.tenant !== null ? { tenant: schools.tenant } : {}),
        ...(schools.only ? { tenants: schools.only } : {}),
        tenantKeys,
        dryRun: options.dryRun,
        concurrency: options.parallel ?? manifest.defaults.parallel,
        batchSize: manifest.defaults.batchSize,
        label: manifest.name,
        runOptions: {
          manifest: manifest.name,
          system: manifest.system,
          ...(schools.tenant !== null ? { tenant: schools.tenant } : { tenants: schools.tenants }),
          only: options.only,
          // Every entity of the run, so that `status` lists those that read no row too.
          entities: steps.map((s) => s.entity.name),
          unread,
          unreadColumns,
        },
        ...(options.resume !== null ? { resume: options.resume } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }).pipe(Effect.mapError((e) => Exit.failure(e.message)))
      const causes = yield* Refusals.of(db, result.runId).pipe(Effect.mapError(pgFailure))
      const rejectAbove = manifest.tolerances.rejectAbove
      return {
        runId: result.runId,
        dryRun: options.dryRun,
        entities: result.entities,
        causes,
        overTolerance: Refusals.overTolerance(result.entities, rejectAbove),
        rejectAbove,
        unread,
        unreadColumns,
      }
    }).pipe(Effect.provide(services))
  }).pipe(Effect.scoped)

/** The last run started against the target (to name it in a resume hint after a failure). */
export const lastRunId = (target: Redacted.Redacted<string>): Effect.Effect<number | null> =>
  Target.use(
    target,
    Effect.flatMap(PgClient.PgClient, (db) =>
      db.query<{ run_id: string }>("select max(run_id) as run_id from migration.runs"),
    ),
  ).pipe(
    Effect.map((r) => (r[0]?.run_id ? Number(r[0].run_id) : null)),
    Effect.orElseSucceed(() => null),
  )

const n = (x: number) => x.toLocaleString("en-US")

/** The end-of-run table. */
export const render = (o: Outcome): string => {
  const header = ["entity", "read", "loaded", "rejected", "skipped", "rows/s", "seconds"]
  const rows = o.entities.map((e) => [
    e.entity,
    n(e.read),
    n(e.loaded),
    n(e.rejected),
    n(e.skipped),
    n(Math.round(e.rowsPerSecond)),
    (e.elapsedMs / 1000).toFixed(1),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  const rejected = o.entities.reduce((s, e) => s + e.rejected, 0)
  const causes = Refusals.render(o.causes)
  return [
    line(header),
    ...rows.map(line),
    "",
    ...(causes.length > 0 ? [...causes, ""] : []),
    ...Unread.render(o.unread, o.unreadColumns),
    o.dryRun
      ? `dry run ${o.runId}: nothing was written (every change was rolled back)`
      : `run ${o.runId} completed${rejected > 0 ? `: ${n(rejected)} rows rejected, see \`schoolbridge-migrate status ${o.runId}\` and migration.row_errors` : ""}`,
  ].join("\n")
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`

/**
 * Exit 4 when an entity rejected more of its rows than the manifest tolerates: the run is complete
 * and resumable work is not needed, but its rows are not all there.
 */
export const tolerance = (o: Outcome): Exit.CliError | null =>
  o.overTolerance.length === 0
    ? null
    : new Exit.CliError({
        code: Exit.overTolerance,
        message: `${o.overTolerance.map((e) => `${e.entity} rejected ${pct(e.share)} of its rows`).join("; ")}: over the manifest's tolerance of ${pct(o.rejectAbove)} (tolerances.rejectAbove); see the causes above`,
      })
