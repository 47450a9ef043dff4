import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import * as Declaration from "./Declaration.js"
import { postgresql as pg } from "./Dialect.js"
import * as Query from "./Query.js"

/**
 * One domain rule over an entity's target rows: a single query counts the rows where the
 * predicate is not true (null is a failure: a balance that cannot be computed is not right) and
 * returns the first few. The predicate is trusted SQL from the declarations, with the row as `t`.
 */
export const check = (
  e: Declaration.EntityDeclaration,
  rule: Declaration.DomainRule,
  sampleLimit = 10,
): Effect.Effect<Check.Check, Query.ValidationError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const t = Declaration.target(e)
    const table = rule.table ?? t.table
    const id = `domain:${e.name}:${rule.id}`
    const columns = rule.sampleColumns ?? [
      t.idColumn,
      t.legacyIdColumn,
      ...(t.tenantColumn ? [t.tenantColumn] : []),
    ]
    const sampleExpr = columns
      .map((c) => `'${c.replace(/'/g, "''")}', ${/^[a-z_][a-z0-9_]*$/i.test(c) ? `t.${pg.id(c)}` : c}`)
      .join(", ")
    // Rules on the entity's own table see only its rows; a rule on another table sees all of it.
    const own = table === t.table ? `t.${pg.id(t.legacySourceColumn)} = $1 and ` : ""
    const rows = yield* Query.target<{ sample: Record<string, unknown>; n: string }>(
      id,
      `select jsonb_build_object(${sampleExpr}) as sample, count(*) over () as n
       from ${pg.id(table)} t
       where ${own}(${rule.predicate}) is not true
       limit ${Math.max(1, Math.trunc(sampleLimit))}`,
      own ? [t.legacySource] : [],
    )
    const failing = rows.length === 0 ? 0 : Query.num(rows[0]!.n)
    return Check.make({
      id,
      kind: "domain",
      title: rule.title,
      entity: e.name,
      tenant: null,
      severity: rule.severity ?? "warning",
      observed: failing,
      expected: 0,
      passed: failing === 0,
      detail:
        failing === 0
          ? `every row satisfies ${rule.predicate}`
          : `${failing} row(s) of ${table} break ${rule.predicate}`,
      failingRows: failing,
      samples: rows.map((r) => Check.toSample(r.sample)),
    })
  })
