import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import * as Checksum from "./Checksum.js"
import * as Declaration from "./Declaration.js"
import { postgresql as pg } from "./Dialect.js"
import * as Query from "./Query.js"
import type { SourceDatabase } from "./SourceDatabase.js"

/** Where a domain rule looks: a table, optionally only the rows one entity loaded. */
export interface Scope {
  /** Names the check (`domain:<entity>:<rule>`); null for a rule over a whole portal table. */
  readonly entity: string | null
  readonly table: string
  /** Restricts the rule to one entity's own rows (its legacy source, and its tenants when given). */
  readonly rows?: Declaration.ResolvedTarget
  /** Columns shown for each failing row when the rule names none. */
  readonly sampleColumns: ReadonlyArray<string>
}

/**
 * One domain rule over the rows of a table: a single query counts the rows where the predicate
 * is not true (null is a failure: a balance that cannot be computed is not right) and returns
 * the first few. The predicate is trusted SQL from the declarations, with the row as `t`.
 */
export const checkScope = (
  scope: Scope,
  rule: Declaration.DomainRule,
  sampleLimit = 10,
): Effect.Effect<Check.Check, Query.ValidationError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const id = `domain:${scope.entity ?? scope.table}:${rule.id}`
    const columns = rule.sampleColumns ?? scope.sampleColumns
    const sampleExpr = columns
      .map((c) => `'${c.replace(/'/g, "''")}', ${/^[a-z_][a-z0-9_]*$/i.test(c) ? `t.${pg.id(c)}` : c}`)
      .join(", ")
    const own = scope.rows ? Declaration.targetRows(scope.rows, 1, "t") : { sql: "true", params: [] }
    const rows = yield* Query.target<{ sample: Record<string, unknown>; n: string }>(
      id,
      `select jsonb_build_object(${sampleExpr}) as sample, count(*) over () as n
       from ${pg.id(scope.table)} t
       where ${own.sql} and (${rule.predicate}) is not true
       limit ${Math.max(1, Math.trunc(sampleLimit))}`,
      own.params,
    )
    const failing = rows.length === 0 ? 0 : Query.num(rows[0]!.n)
    return Check.make({
      id,
      kind: "domain",
      title: rule.title,
      entity: scope.entity,
      tenant: null,
      severity: rule.severity ?? "warning",
      observed: failing,
      expected: 0,
      passed: failing === 0,
      detail:
        failing === 0
          ? `every row satisfies ${rule.predicate}`
          : `${failing} row(s) of ${scope.table} break ${rule.predicate}`,
      failingRows: failing,
      samples: rows.map((r) => Check.toSample(r.sample)),
    })
  })

/**
 * One domain rule of an entity. Rules on the entity's own table see only its rows; a rule on
 * another table sees all of it.
 */
export const check = (
  e: Declaration.EntityDeclaration,
  rule: Declaration.DomainRule,
  sampleLimit = 10,
): Effect.Effect<Check.Check, Query.ValidationError, PgClient.PgClient> => {
  const t = Declaration.target(e)
  const table = rule.table ?? t.table
  return checkScope(
    {
      entity: e.name,
      table,
      ...(table === t.table ? { rows: t } : {}),
      sampleColumns: [t.idColumn, t.legacyIdColumn, ...(t.tenantColumn ? [t.tenantColumn] : [])],
    },
    rule,
    sampleLimit,
  )
}

/**
 * A preserved-values rule: the checksum of the key and the rule's columns on both sides, so a
 * date or a deleted flag that changed in transit names its row. Reported as a domain check.
 */
export const preserved = (
  e: Declaration.EntityDeclaration,
  rule: Declaration.PreservedRule,
  options: Checksum.Options = {},
  excluded: ReadonlySet<string> = new Set(),
): Effect.Effect<Check.Check, Query.ValidationError, SourceDatabase | PgClient.PgClient> =>
  Checksum.check({ ...e, asIs: rule.columns }, options, excluded).pipe(
    Effect.map((c) => ({
      ...c,
      id: `domain:${e.name}:${rule.id}`,
      kind: "domain" as const,
      title: rule.title,
      severity: rule.severity ?? "warning",
    })),
  )
