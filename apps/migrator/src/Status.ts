/**
 * `status`: how a run is going or went, per entity, read from the ledger in the target database, so
 * it works from another terminal while the run is loading.
 */
import { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Exit from "./Exit.js"

/** One entity of a run. */
export interface EntityStatus {
  readonly entity: string
  readonly batches: number
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
  readonly rolledBackBatches: number
  /**
   * Rows read per second between the entity's start (as `run` counts it; the run's start for batches
   * from before the ledger kept it) and its last commit.
   */
  readonly rowsPerSecond: number | null
  readonly lastCommitAt: string | null
}

/** A school's rows in a run of several (a ledger partition). */
export interface TenantStatus {
  readonly tenant: string
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
}

/** A run and its entities. */
export interface RunStatus {
  readonly runId: number
  readonly label: string | null
  readonly status: string
  readonly dryRun: boolean
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly message: string | null
  /** The school the entities are shown for, when one was asked for. */
  readonly tenant: string | null
  readonly entities: ReadonlyArray<EntityStatus>
  /** The run's rows per school (ledger partition), for a run of several. */
  readonly tenants: ReadonlyArray<TenantStatus>
}

interface RunRow extends Record<string, unknown> {
  readonly run_id: string
  readonly label: string | null
  readonly status: string
  readonly dry_run: boolean
  readonly started_at: Date
  readonly finished_at: Date | null
  readonly message: string | null
  readonly options: { readonly entities?: ReadonlyArray<string> } | null
}

interface EntityRow extends Record<string, unknown> {
  readonly entity: string
  readonly batches: string
  readonly read: string
  readonly loaded: string
  readonly rejected: string
  readonly skipped: string
  readonly rolled_back: string
  readonly last_commit: Date | null
  readonly seconds: number | null
}

const pgFailure = (e: { readonly message: string }) => Exit.failure(e.message)

/**
 * The status of a run, or of the latest run when `runId` is null; with `tenant`, its entities as
 * they went for that school.
 */
export const read = (
  runId: number | null,
  tenant: string | null = null,
): Effect.Effect<RunStatus, Exit.CliError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const db = yield* PgClient.PgClient
    const hasLedger = yield* db
      .query<{ ok: boolean }>("select to_regclass('migration.runs') is not null as ok")
      .pipe(Effect.mapError(pgFailure))
    if (!hasLedger[0]?.ok)
      return yield* Effect.fail(
        Exit.config(`${db.describe} has no migration ledger: no run has been made against this database`),
      )
    const runs = yield* db
      .query<RunRow>(
        runId === null
          ? "select * from migration.runs order by run_id desc limit 1"
          : "select * from migration.runs where run_id = $1",
        runId === null ? [] : [runId],
      )
      .pipe(Effect.mapError(pgFailure))
    const run = runs[0]
    if (!run)
      return yield* Effect.fail(
        Exit.config(
          runId === null ? "no run has been made against this database yet" : `there is no run ${runId}`,
        ),
      )
    const entities = yield* db
      .query<EntityRow>(
        `select entity,
                count(*) filter (where rolled_back_at is null) as batches,
                coalesce(sum(read_count) filter (where rolled_back_at is null), 0) as read,
                coalesce(sum(loaded_count) filter (where rolled_back_at is null), 0) as loaded,
                coalesce(sum(rejected_count) filter (where rolled_back_at is null), 0) as rejected,
                coalesce(sum(skipped_count) filter (where rolled_back_at is null), 0) as skipped,
                count(*) filter (where rolled_back_at is not null) as rolled_back,
                max(committed_at) filter (where rolled_back_at is null) as last_commit,
                extract(epoch from max(committed_at) filter (where rolled_back_at is null)
                  - coalesce(min(started_at) filter (where rolled_back_at is null), $2::timestamptz))::float8
                  as seconds
           from migration.batches where run_id = $1 and ($3::text is null or partition_key = $3)
          group by entity order by min(batch_id)`,
        [run.run_id, run.started_at, tenant],
      )
      .pipe(Effect.mapError(pgFailure))
    const tenants = yield* db
      .query<{ tenant: string; read: string; loaded: string; rejected: string; skipped: string }>(
        `select partition_key as tenant, coalesce(sum(read_count), 0) as read, coalesce(sum(loaded_count), 0) as loaded,
                coalesce(sum(rejected_count), 0) as rejected, coalesce(sum(skipped_count), 0) as skipped
           from migration.batches where run_id = $1 and rolled_back_at is null
          group by 1 order by 1`,
        [run.run_id],
      )
      .pipe(Effect.mapError(pgFailure))
    if (tenant !== null && !tenants.some((t) => t.tenant === tenant))
      return yield* Effect.fail(
        Exit.config(
          `run ${run.run_id} loaded no rows of ${tenant}; its schools: ${tenants.map((t) => t.tenant).join(", ") || "none yet"}`,
        ),
      )
    return {
      runId: Number(run.run_id),
      label: run.label,
      status: run.status,
      dryRun: run.dry_run,
      startedAt: run.started_at.toISOString(),
      finishedAt: run.finished_at?.toISOString() ?? null,
      message: run.message,
      tenant,
      tenants:
        tenants.length > 1
          ? tenants.map((t) => ({
              tenant: t.tenant,
              read: Number(t.read),
              loaded: Number(t.loaded),
              rejected: Number(t.rejected),
              skipped: Number(t.skipped),
            }))
          : [],
      entities: [
        ...entities.map((e) => ({
          entity: e.entity,
          batches: Number(e.batches),
          read: Number(e.read),
          loaded: Number(e.loaded),
          rejected: Number(e.rejected),
          skipped: Number(e.skipped),
          rolledBackBatches: Number(e.rolled_back),
          rowsPerSecond: e.seconds && e.seconds > 0 ? Math.round(Number(e.read) / e.seconds) : null,
          lastCommitAt: e.last_commit?.toISOString() ?? null,
        })),
        // Entities of the run that committed no batch (their source held no row, or they have not
        // started yet) are listed with zeros, not left out.
        ...(run.options?.entities ?? [])
          .filter((name) => !entities.some((e) => e.entity === name))
          .map((entity) => ({
            entity,
            batches: 0,
            read: 0,
            loaded: 0,
            rejected: 0,
            skipped: 0,
            rolledBackBatches: 0,
            rowsPerSecond: null,
            lastCommitAt: null,
          })),
      ],
    }
  })

const n = (x: number) => x.toLocaleString("en-US")

/** The status as text for a terminal. */
export const render = (s: RunStatus): string => {
  const head = [
    `run ${s.runId}${s.label ? ` (${s.label})` : ""}${s.dryRun ? " [dry run]" : ""}: ${s.status}`,
    `started ${s.startedAt}${s.finishedAt ? `, finished ${s.finishedAt}` : ""}`,
    ...(s.message ? [`message: ${s.message}`] : []),
  ]
  const header = ["entity", "batches", "read", "loaded", "rejected", "skipped", "rows/s"]
  const rows = s.entities.map((e) => [
    e.entity,
    n(e.batches),
    n(e.read),
    n(e.loaded),
    n(e.rejected),
    n(e.skipped),
    e.rowsPerSecond === null ? "-" : n(e.rowsPerSecond),
  ])
  const body = s.entities.length === 0 ? ["no batch committed yet"] : table(header, rows)
  const schools =
    s.tenants.length === 0
      ? []
      : [
          "",
          ...table(
            ["school", "read", "loaded", "rejected", "skipped"],
            s.tenants.map((t) => [t.tenant, n(t.read), n(t.loaded), n(t.rejected), n(t.skipped)]),
          ),
        ]
  return [...head, ...(s.tenant ? [`school: ${s.tenant}`] : []), "", ...body, ...schools].join("\n")
}

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [line(header), ...rows.map(line)]
}
