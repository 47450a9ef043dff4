import { Schema } from "effect"
import type { Check } from "./Check.js"

/** The answer at 06:30. */
export const Verdict = Schema.Literal("go", "no-go")
/** The answer at 06:30. */
export type Verdict = typeof Verdict.Type

/** A rollback trigger of seed 001 §8.1.2, evaluated. */
export const Trigger = Schema.Struct({
  id: Schema.Literal("failing-rows", "critical-failure"),
  title: Schema.String,
  fired: Schema.Boolean,
  observed: Schema.Number,
  threshold: Schema.Number,
})
/** A rollback trigger, evaluated. */
export type Trigger = typeof Trigger.Type

/** What to do next (seed 001 §8.1.1), with the command to run when it is a rollback. */
export const Recommendation = Schema.Struct({
  action: Schema.Literal("proceed", "fix-in-place", "partial-rollback", "full-rollback"),
  reason: Schema.String,
  /** Entities a partial rollback covers. */
  entities: Schema.Array(Schema.String),
  commands: Schema.Array(Schema.String),
})
/** What to do next. */
export type Recommendation = typeof Recommendation.Type

/** The gate's decision with the numbers behind it. */
export const Decision = Schema.Struct({
  verdict: Verdict,
  exitCode: Schema.Literal(0, 1),
  criticalTotal: Schema.Number,
  criticalFailed: Schema.Number,
  warningTotal: Schema.Number,
  warningPassed: Schema.Number,
  /** Passed warnings / warnings (1 when there are none). */
  warningPassRate: Schema.Number,
  warningPassRateRequired: Schema.Number,
  /** Rows found at fault (rejected by the run or failing a check) / source rows. */
  failingRowRate: Schema.Number,
  triggers: Schema.Array(Trigger),
  recommendation: Recommendation,
})
/** The gate's decision. */
export type Decision = typeof Decision.Type

/** Thresholds; the defaults are seed 001's (§1.4, §8.1). */
export interface Options {
  /** Share of warnings that must pass for a go. Default 0.95. */
  readonly warningPassRate?: number
  /** Failing-row share above which a rollback is triggered. Default 0.05. */
  readonly failingRowRate?: number
  /** Failing-row share above which the whole run is rolled back rather than the entities at fault. Default 0.10. */
  readonly fullRollbackRate?: number
  /** The run that loaded the data, named in the rollback commands. */
  readonly runId?: number | null
  /** Builds the rollback command. Default `schoolbridge-migrate rollback --run <id> [--entity <e>]`. */
  readonly rollbackCommand?: (runId: number | null, entity: string | null) => string
}

/** The rows behind the failing-row rate: source rows and rows rejected, per entity. */
export interface RowTotals {
  readonly entity: string
  readonly source: number
  readonly rejected: number
}

/** The default rollback command of the migrator CLI. */
export const defaultRollbackCommand = (runId: number | null, entity: string | null): string =>
  `schoolbridge-migrate rollback --run ${runId ?? "<run-id>"}${entity === null ? "" : ` --entity ${entity}`}`

/** Maps a verdict to the process exit code: 0 go, 1 no-go. */
export const exitCode = (verdict: Verdict): 0 | 1 => (verdict === "go" ? 0 : 1)

/**
 * Decides go or no-go: every critical check passes, enough warnings pass and no rollback trigger
 * fires (more than 5% of rows at fault, by default). Rows at fault per
 * entity are its rejected rows plus the most any one failed check of it found (checks often see
 * the same bad row, so they are not added up), which keeps the failing-row rate a lower bound.
 */
export const decide = (
  checks: ReadonlyArray<Check>,
  totals: ReadonlyArray<RowTotals>,
  options: Options = {},
): Decision => {
  const requiredRate = options.warningPassRate ?? 0.95
  const triggerRate = options.failingRowRate ?? 0.05
  const fullRate = options.fullRollbackRate ?? 0.1
  const runId = options.runId ?? null
  const command = options.rollbackCommand ?? defaultRollbackCommand

  const critical = checks.filter((c) => c.severity === "critical")
  const criticalFailed = critical.filter((c) => !c.passed)
  const warnings = checks.filter((c) => c.severity === "warning")
  const warningPassed = warnings.filter((c) => c.passed).length
  const warningPassRate = warnings.length === 0 ? 1 : warningPassed / warnings.length

  const sourceRows = totals.reduce((n, t) => n + t.source, 0)
  const atFault = new Map<string, number>()
  for (const t of totals) atFault.set(t.entity, t.rejected)
  const worst = new Map<string, number>()
  for (const c of checks) {
    if (c.passed) continue
    const key = c.entity ?? ""
    worst.set(key, Math.max(worst.get(key) ?? 0, c.failingRows))
  }
  for (const [entity, n] of worst) atFault.set(entity, (atFault.get(entity) ?? 0) + n)
  const failingRows = [...atFault.values()].reduce((a, b) => a + b, 0)
  const failingRowRate = sourceRows === 0 ? (failingRows > 0 ? 1 : 0) : Math.min(1, failingRows / sourceRows)

  const triggers: Array<Trigger> = [
    {
      id: "failing-rows",
      title: `More than ${pct(triggerRate)} of rows fail validation`,
      fired: failingRowRate > triggerRate,
      observed: failingRowRate,
      threshold: triggerRate,
    },
    {
      id: "critical-failure",
      title: "A critical data integrity check fails",
      fired: criticalFailed.length > 0,
      observed: criticalFailed.length,
      threshold: 0,
    },
  ]
  // A fired rollback trigger is a no-go even when every check passes: rows rejected by the run are
  // data that did not arrive, and "go" beside a rollback recommendation would contradict itself.
  const verdict: Verdict =
    criticalFailed.length === 0 && warningPassRate >= requiredRate && !triggers.some((t) => t.fired)
      ? "go"
      : "no-go"
  const faultyEntities = [
    ...new Set(
      checks
        .filter((c) => !c.passed && c.entity !== null)
        .map((c) => c.entity as string)
        .concat(totals.filter((t) => t.rejected > 0).map((t) => t.entity)),
    ),
  ].sort()

  const recommendation = ((): Recommendation => {
    const fired = triggers.filter((t) => t.fired)
    if (fired.length === 0) {
      return verdict === "go" && warningPassed === warnings.length
        ? { action: "proceed", reason: "every check passed", entities: [], commands: [] }
        : {
            action: "fix-in-place",
            reason: `${pct(failingRowRate)} of rows at fault, below the ${pct(triggerRate)} rollback trigger: fix the failing warnings in place`,
            entities: faultyEntities,
            commands: [],
          }
    }
    const why = fired.map((t) => t.title.toLowerCase()).join("; ")
    if (
      failingRowRate > fullRate ||
      faultyEntities.length === 0 ||
      fired.some((t) => t.id === "critical-failure")
    ) {
      // A broken integrity check leaves no trustworthy subset: the run goes back as a whole.
      return { action: "full-rollback", reason: why, entities: [], commands: [command(runId, null)] }
    }
    return {
      action: "partial-rollback",
      reason: `${why}; roll back the entities at fault, fix and rerun them`,
      entities: faultyEntities,
      commands: faultyEntities.map((e) => command(runId, e)),
    }
  })()

  return {
    verdict,
    exitCode: exitCode(verdict),
    criticalTotal: critical.length,
    criticalFailed: criticalFailed.length,
    warningTotal: warnings.length,
    warningPassed,
    warningPassRate,
    warningPassRateRequired: requiredRate,
    failingRowRate,
    triggers,
    recommendation,
  }
}

const pct = (x: number) => `${Math.round(x * 10000) / 100}%`
