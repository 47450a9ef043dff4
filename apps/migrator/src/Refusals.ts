/**
 * The rows a run did not load, by entity and rule, root causes first: a row refused because its
 * parent was rejected (`parent_rejected:<entity>`) is counted under the rejection its chain started
 * from, so "1 teacher rejected → 4 form groups → 5,000 attendance rows" reads from its cause.
 */
import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"

/** One cause: rows of an entity rejected (or skipped) for a rule of their own. */
export interface Cause {
  readonly entity: string
  readonly kind: "rejected" | "skipped"
  readonly rule: string
  readonly rows: number
  /** Rows of other entities rejected because of these rows, by entity. */
  readonly downstream: ReadonlyArray<{ readonly entity: string; readonly rows: number }>
}

/** Rows of one entity, kind and rule; `root` is the chain's first rejection for `parent_rejected`. */
export type Group = {
  readonly entity: string
  readonly kind: "rejected" | "skipped"
  readonly rule: string
  readonly root: string | null
  readonly rows: number
}

/** A cascade's root as the sink writes it: `<entity> <key> <rule> (<message>)`. */
const rootPattern = /^(\S+) (.+?) (\S+) \(/

/** The causes behind the groups (pure), those that cost the most rows first. */
export const causes = (groups: ReadonlyArray<Group>): ReadonlyArray<Cause> => {
  const own = new Map<string, { entity: string; kind: Group["kind"]; rule: string; rows: number }>()
  const downstream = new Map<string, Map<string, number>>()
  const id = (entity: string, kind: string, rule: string) => `${entity}\u0000${kind}\u0000${rule}`
  for (const g of groups) {
    const root = g.root === null ? null : rootPattern.exec(g.root)
    if (g.rule.startsWith("parent_rejected:") && root !== null) {
      const key = id(root[1]!, "rejected", root[3]!)
      const by = downstream.get(key) ?? new Map<string, number>()
      by.set(g.entity, (by.get(g.entity) ?? 0) + g.rows)
      downstream.set(key, by)
      continue
    }
    const key = id(g.entity, g.kind, g.rule)
    const o = own.get(key)
    own.set(key, { entity: g.entity, kind: g.kind, rule: g.rule, rows: (o?.rows ?? 0) + g.rows })
  }
  // A root whose own rows are not in this run's ledger (a cascade from an earlier run) still shows.
  for (const key of downstream.keys())
    if (!own.has(key)) {
      const [entity, kind, rule] = key.split("\u0000") as [string, Group["kind"], string]
      own.set(key, { entity, kind, rule, rows: 0 })
    }
  const out = [...own].map(([key, o]) => ({
    ...o,
    downstream: [...(downstream.get(key) ?? new Map<string, number>())]
      .map(([entity, rows]) => ({ entity, rows }))
      .sort((a, b) => b.rows - a.rows || a.entity.localeCompare(b.entity)),
  }))
  const cost = (c: Cause) => c.rows + c.downstream.reduce((s, d) => s + d.rows, 0)
  return out.sort(
    (a, b) =>
      Number(a.kind === "skipped") - Number(b.kind === "skipped") ||
      cost(b) - cost(a) ||
      a.entity.localeCompare(b.entity) ||
      a.rule.localeCompare(b.rule),
  )
}

/** Reads the causes of a run from its row ledger. */
export const of = (
  db: PgClient.PgClientShape,
  runId: number,
): Effect.Effect<ReadonlyArray<Cause>, PgClient.PgError> =>
  Effect.map(
    db.query<Group>(
      `select entity, kind, rule,
              case when rule like 'parent_rejected:%' then substring(message from '; root cause: (.*)$') end as root,
              count(distinct source_key)::int as rows
         from migration.row_errors
        where run_id = $1 and kind in ('rejected', 'skipped')
        group by 1, 2, 3, 4`,
      [runId],
    ),
    causes,
  )

const n = (x: number) => x.toLocaleString("en-US")

/** The causes as lines for the end of `run`; empty when every row loaded. */
export const render = (list: ReadonlyArray<Cause>): ReadonlyArray<string> => {
  if (list.length === 0) return []
  const entity = Math.max(...list.map((c) => c.entity.length))
  const rule = Math.max(...list.map((c) => c.rule.length))
  const rows = Math.max(...list.map((c) => n(c.rows).length))
  return [
    "not loaded, by cause (root causes first):",
    ...list.flatMap((c) => [
      `  ${c.entity.padEnd(entity)}  ${c.rule.padEnd(rule)}  ${n(c.rows).padStart(rows)} ${c.kind}`,
      ...(c.downstream.length === 0
        ? []
        : [`    → and because of them: ${c.downstream.map((d) => `${n(d.rows)} ${d.entity}`).join(", ")}`]),
    ]),
  ]
}

/** Entities that rejected more than `share` of the rows they read. */
export const overTolerance = (
  entities: ReadonlyArray<{ readonly entity: string; readonly read: number; readonly rejected: number }>,
  share: number,
): ReadonlyArray<{ readonly entity: string; readonly share: number }> =>
  entities.flatMap((e) =>
    e.read > 0 && e.rejected / e.read > share ? [{ entity: e.entity, share: e.rejected / e.read }] : [],
  )
