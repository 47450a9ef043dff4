import { Effect } from "effect"
import * as Declaration from "./Declaration.js"
import * as Dialect from "./Dialect.js"
import * as Query from "./Query.js"

/** Ledger totals of one partition of a run (non rolled-back batches). */
export interface LedgerTotals {
  readonly partition: string
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
}

/** The row counts of one entity: per tenant on each side (tenant null without a tenant column), and the ledger. */
export interface Figures {
  readonly entity: string
  readonly source: ReadonlyMap<string | null, number>
  readonly target: ReadonlyMap<string | null, number>
  /** Null when no run was given. */
  readonly ledger: ReadonlyArray<LedgerTotals> | null
}

/** Total of a per-tenant map. */
export const total = (m: ReadonlyMap<string | null, number>): number =>
  [...m.values()].reduce((a, b) => a + b, 0)

/** Ledger totals summed over partitions. */
export const ledgerTotal = (ledger: ReadonlyArray<LedgerTotals>): Omit<LedgerTotals, "partition"> =>
  ledger.reduce(
    (a, l) => ({
      read: a.read + l.read,
      loaded: a.loaded + l.loaded,
      rejected: a.rejected + l.rejected,
      skipped: a.skipped + l.skipped,
    }),
    { read: 0, loaded: 0, rejected: 0, skipped: 0 },
  )

const pg = Dialect.postgresql

/** SQL condition selecting an entity's migrated source rows. */
export const sourceWhere = (e: Declaration.EntityDeclaration): string =>
  e.source.where ? `where (${e.source.where})` : ""

/**
 * The ledger partitions of the schools compared: when only some tenants are, their partitions (and
 * `*`, the one of a run that was not partitioned); else every partition.
 */
const ledgerPartitions = (e: Declaration.EntityDeclaration, t: Declaration.ResolvedTarget) =>
  t.tenants === null
    ? null
    : [...t.tenants, "*", ...(e.source.tenancy?.unassigned ? [Declaration.noTenant] : [])]

/** Counts an entity's rows per tenant on both sides in SQL, and reads its ledger totals. */
export const figures = (e: Declaration.EntityDeclaration, runId: number | null) =>
  Effect.gen(function* () {
    const t = Declaration.target(e)
    const id = `counts:${e.name}`
    const sd = yield* Query.sourceDialect
    const srcTenant = Declaration.sourceTenant(e, sd)
    const tgtTenant = t.tenantColumn ? pg.text(pg.id(t.tenantColumn)) : "null"
    const rows = Declaration.targetRows(t, 1)
    const [source, target, ledger] = yield* Effect.all(
      [
        Query.source<{ tenant: unknown; n: unknown }>(
          id,
          `select ${srcTenant} as tenant, count(*) as n from ${Declaration.sourceFrom(e, sd)} ${sourceWhere(e)} group by 1`,
        ),
        Query.target<{ tenant: unknown; n: unknown }>(
          id,
          `select ${tgtTenant} as tenant, count(*) as n from ${pg.id(t.table)}
           where ${rows.sql} group by 1`,
          rows.params,
        ),
        runId === null
          ? Effect.succeed(null)
          : Query.target<Record<string, unknown>>(
              id,
              `select partition_key, sum(read_count) as read, sum(loaded_count) as loaded,
                      sum(rejected_count) as rejected, sum(skipped_count) as skipped
               from migration.batches
               where run_id = $1 and entity = $2 and rolled_back_at is null
                 and ($3::text[] is null or partition_key = any($3::text[]))
               group by partition_key order by partition_key`,
              [runId, e.name, ledgerPartitions(e, t)],
            ),
      ],
      { concurrency: 3 },
    )
    const perTenant = (rows: ReadonlyArray<{ tenant: unknown; n: unknown }>) =>
      new Map(rows.map((r) => [Query.tenantText(r.tenant), Query.num(r.n)] as const))
    return {
      entity: e.name,
      source: perTenant(source),
      target: perTenant(target),
      ledger:
        ledger === null
          ? null
          : ledger.map((r) => ({
              partition: String(r.partition_key),
              read: Query.num(r.read),
              loaded: Query.num(r.loaded),
              rejected: Query.num(r.rejected),
              skipped: Query.num(r.skipped),
            })),
    } satisfies Figures
  })

/**
 * Source keys the run's ledger recorded as rejected or skipped (in batches not rolled back): the
 * rows that are rightly absent from the target, left out of the row-level comparisons.
 */
export const notLoadedKeys = (e: Declaration.EntityDeclaration, runId: number | null) =>
  runId === null
    ? Effect.succeed(new Set<string>())
    : Effect.map(
        Query.target<{ k: string }>(
          `counts:${e.name}`,
          `select distinct r.source_key as k from migration.row_errors r
           join migration.batches b on b.batch_id = r.batch_id
           where r.run_id = $1 and r.entity = $2 and r.kind in ('rejected', 'skipped')
             and r.source_key is not null and b.rolled_back_at is null`,
          [runId, e.name],
        ),
        (rows) => new Set(rows.map((r) => Declaration.keyText(e, r.k))),
      )
