import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import type * as Check from "./Check.js"
import * as Checksum from "./Checksum.js"
import * as CountParity from "./CountParity.js"
import * as Counts from "./Counts.js"
import type * as Declaration from "./Declaration.js"
import * as Domain from "./Domain.js"
import * as FieldSample from "./FieldSample.js"
import * as Gate from "./Gate.js"
import * as Ledger from "./Ledger.js"
import * as MoneyTotals from "./MoneyTotals.js"
import * as Orphans from "./Orphans.js"
import type * as Query from "./Query.js"
import type * as Report from "./Report.js"
import type { SourceDatabase } from "./SourceDatabase.js"

/** What to check and how strictly. */
export interface Options {
  /** The run that loaded the data: enables the ledger checks and names the rollback commands. */
  readonly runId?: number | null
  /** Target schemas whose foreign keys are all checked for orphans. Default: the entities' target schemas. */
  readonly schemas?: ReadonlyArray<string>
  /** Count tolerance, default 0.001. */
  readonly tolerance?: number
  /** Sample rows kept per check. Default 10. */
  readonly sampleLimit?: number
  /** Entities checked at once (each runs a few queries on each side). Default 4. */
  readonly concurrency?: number
  /** Checks of one entity (checksum, rules, sample) run at once. Default 2. */
  readonly scanConcurrency?: number
  readonly checksum?: Omit<Checksum.Options, "sampleLimit">
  readonly gate?: Omit<Gate.Options, "runId">
  readonly title?: string
  /** Report timestamp; default now. */
  readonly now?: Date
}

/**
 * Runs every post-migration check of the declared entities, pushed into SQL on both servers,
 * then decides go or no-go. Fails only when a check cannot run; failed checks are in the report.
 */
export const run = (
  entities: ReadonlyArray<Declaration.EntityDeclaration>,
  options: Options = {},
): Effect.Effect<Report.Report, Query.ValidationError, SourceDatabase | PgClient.PgClient> =>
  Effect.gen(function* () {
    const runId = options.runId ?? null
    const sampleLimit = options.sampleLimit ?? 10
    const concurrency = options.concurrency ?? 4
    const schemas =
      options.schemas ??
      [...new Set(entities.map((e) => e.target.table.split(".")[0]!))].filter((s) => s.length > 0)

    const perEntity = yield* Effect.forEach(
      entities,
      (e) =>
        Effect.gen(function* () {
          const [figures, excluded] = yield* Effect.all([
            Counts.figures(e, runId),
            Counts.notLoadedKeys(e, runId),
          ])
          const checks: Array<Check.Check> = [
            ...CountParity.checks(figures, {
              sampleLimit,
              ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
            }),
            ...Ledger.checks(figures, sampleLimit),
          ]
          // A large entity's scans are the cost: they run side by side (each holds at most two
          // connections, one per server), in a fixed order so the report reads the same every time.
          const byKey = e.legacyIds !== "derived"
          const scans: Array<
            Effect.Effect<Check.Check, Query.ValidationError, SourceDatabase | PgClient.PgClient>
          > = [
            ...(byKey ? [Checksum.check(e, { ...options.checksum, sampleLimit }, excluded)] : []),
            ...(e.rules ?? []).map((rule) => Domain.check(e, rule, sampleLimit)),
            ...(byKey ? (e.preserved ?? []) : []).map((rule) =>
              Domain.preserved(e, rule, { ...options.checksum, sampleLimit }, excluded),
            ),
            ...(byKey ? (e.money ?? []) : []).map((m) => MoneyTotals.check(e, m, sampleLimit, excluded)),
            ...(byKey && e.sample ? [FieldSample.check(e, e.sample, sampleLimit, excluded)] : []),
          ]
          checks.push(...(yield* Effect.all(scans, { concurrency: options.scanConcurrency ?? 2 })))
          return { figures, checks }
        }).pipe(Effect.withSpan("validators.entity", { attributes: { entity: e.name } })),
      { concurrency },
    )

    const catalog = yield* Orphans.fromCatalog(schemas)
    const entityOf = (table: string) => entities.find((e) => e.target.table === table)?.name ?? null
    const orphanChecks = yield* Effect.forEach(
      Orphans.links(entities, catalog),
      (link) => Orphans.check(link, entityOf, sampleLimit),
      { concurrency },
    )

    const checks = [...perEntity.flatMap((p) => p.checks), ...orphanChecks]
    const counts: Array<Report.EntityCounts> = perEntity.map(({ figures: f }) => {
      const l = f.ledger === null ? null : Counts.ledgerTotal(f.ledger)
      return {
        entity: f.entity,
        source: Counts.total(f.source),
        target: Counts.total(f.target),
        read: l?.read ?? null,
        loaded: l?.loaded ?? null,
        rejected: l?.rejected ?? null,
        skipped: l?.skipped ?? null,
      }
    })
    const decision = Gate.decide(
      checks,
      counts.map((c) => ({ entity: c.entity, source: c.source, rejected: c.rejected ?? 0 })),
      { ...options.gate, runId },
    )
    yield* Effect.logInfo("validation finished").pipe(
      Effect.annotateLogs({
        verdict: decision.verdict,
        checks: checks.length,
        failed: checks.filter((c) => !c.passed).length,
      }),
    )
    return {
      version: 1,
      title: options.title ?? "Migration validation",
      generatedAt: (options.now ?? new Date()).toISOString(),
      runId,
      decision,
      entities: counts,
      checks,
    } satisfies Report.Report
  })
