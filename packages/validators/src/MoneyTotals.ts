import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Amount from "./Amount.js"
import * as Check from "./Check.js"
import * as Counts from "./Counts.js"
import * as Declaration from "./Declaration.js"
import * as Dialect from "./Dialect.js"
import * as Query from "./Query.js"
import type { SourceDatabase } from "./SourceDatabase.js"

/** The sum of one money figure and its row count, for one tenant and year. */
export interface Group {
  readonly tenant: string | null
  /** `YYYY`, or null for rows without a date. */
  readonly year: string | null
  readonly rows: number
  /** In units of 10^-scale (sen at scale 2). */
  readonly units: bigint
}

/** A tenant and year whose sums differ. */
export interface Difference {
  readonly tenant: string | null
  readonly year: string | null
  /** The source's sum less the rows the run rejected or skipped. */
  readonly expected: bigint
  readonly target: bigint
  readonly expectedRows: number
  readonly targetRows: number
}

const groupKey = (tenant: string | null, year: string | null) => `${tenant ?? "\u0000"}|${year ?? "\u0000"}`

const byGroup = (groups: ReadonlyArray<Group>): Map<string, Group> =>
  new Map(groups.map((g) => [groupKey(g.tenant, g.year), g] as const))

/** The source's groups less the groups of the rows the run left out (rejected, skipped). Pure. */
export const subtract = (source: ReadonlyArray<Group>, left: ReadonlyArray<Group>): ReadonlyArray<Group> => {
  const out = byGroup(source)
  for (const g of left) {
    const k = groupKey(g.tenant, g.year)
    const have = out.get(k)
    if (have) out.set(k, { ...have, rows: have.rows - g.rows, units: have.units - g.units })
  }
  return [...out.values()].filter((g) => g.rows !== 0 || g.units !== 0n)
}

/** The tenants and years whose sums differ, sorted by tenant then year. Pure. */
export const differences = (
  expected: ReadonlyArray<Group>,
  target: ReadonlyArray<Group>,
): ReadonlyArray<Difference> => {
  const e = byGroup(expected)
  const t = byGroup(target)
  return [...new Set([...e.keys(), ...t.keys()])]
    .sort()
    .map((k) => {
      const g = (e.get(k) ?? t.get(k))!
      return {
        tenant: g.tenant,
        year: g.year,
        expected: e.get(k)?.units ?? 0n,
        target: t.get(k)?.units ?? 0n,
        expectedRows: e.get(k)?.rows ?? 0,
        targetRows: t.get(k)?.rows ?? 0,
      }
    })
    .filter((d) => d.expected !== d.target)
}

const scaleOf = (m: Declaration.MoneyTotal): number =>
  m.amount.type.kind === "decimal" ? Math.trunc(m.amount.type.scale) : 0

// The year of a date as each side writes it: the first four characters of its canonical text.
const sides = (e: Declaration.EntityDeclaration, m: Declaration.MoneyTotal, sd: Dialect.Dialect) => {
  const pg = Dialect.postgresql
  const t = Declaration.target(e)
  const scale = scaleOf(m)
  const column = (d: Dialect.Dialect, c: Declaration.AsIsColumn, side: "source" | "target") =>
    side === "source"
      ? (c.sourceSql ?? `t.${d.id(c.source)}`)
      : (c.targetSql ?? `t.${d.id(c.target ?? c.source)}`)
  return {
    t,
    scale,
    source: {
      tenant: Declaration.sourceTenant(e, sd),
      year: `substr(${sd.canonical(column(sd, m.date, "source"), m.date.type)}, 1, 4)`,
      sum: sd.decimalSum(column(sd, m.amount, "source"), scale),
    },
    target: {
      tenant: t.tenantColumn ? pg.text(`t.${pg.id(t.tenantColumn)}`) : "null",
      year: `substr(${pg.canonical(column(pg, m.date, "target"), m.date.type)}, 1, 4)`,
      sum: pg.decimalSum(column(pg, m.amount, "target"), scale),
    },
  }
}

const readGroups = (rows: ReadonlyArray<Record<string, unknown>>, scale: number): Array<Group> =>
  rows.map((r) => ({
    tenant: Query.tenantText(r.tenant),
    year: r.year === null || r.year === undefined ? null : String(r.year),
    rows: Query.num(r.n),
    units: Amount.toUnits(r.amount, scale) ?? 0n,
  }))

/**
 * One money figure of an entity, summed per tenant and calendar year in SQL on each side with exact
 * decimals. The target must hold the source's sum less the amounts of the rows the run's ledger
 * rejected or skipped (`excluded`, taken back out of the source's sums by key), to the unit: a
 * payment deleted from the portal, or an amount changed there, names its year and the difference.
 */
export const check = (
  e: Declaration.EntityDeclaration,
  m: Declaration.MoneyTotal,
  sampleLimit = 10,
  excluded: ReadonlySet<string> = new Set(),
): Effect.Effect<Check.Check, Query.ValidationError, SourceDatabase | PgClient.PgClient> =>
  Effect.gen(function* () {
    const sd = yield* Query.sourceDialect
    const pg = Dialect.postgresql
    const id = `money:${e.name}:${m.id}`
    const { t, scale, source, target } = sides(e, m, sd)
    const where = Counts.sourceWhere(e)
    const own = Declaration.targetRows(t, 1, "t")
    const sourceSql = (extra: string) =>
      `select ${source.tenant} as tenant, ${source.year} as year, count(*) as n, ${source.sum} as amount
       from ${Declaration.sourceFrom(e, sd)} ${extra === "" ? where : where ? `${where} and ${extra}` : `where ${extra}`}
       group by 1, 2`
    const [src, tgt] = yield* Effect.all(
      [
        Query.source<Record<string, unknown>>(id, sourceSql("")),
        Query.target<Record<string, unknown>>(
          id,
          `select ${target.tenant} as tenant, ${target.year} as year, count(*) as n, ${target.sum} as amount
           from ${pg.id(t.table)} t where ${own.sql} group by 1, 2`,
          own.params,
        ),
      ],
      { concurrency: 2 },
    )
    const left: Array<Group> = []
    const keys = [...excluded]
    for (let i = 0; i < keys.length; i += 1000) {
      const p = Dialect.params(sd)
      const list = keys
        .slice(i, i + 1000)
        .map((k) => p.add(k))
        .join(", ")
      const rows = yield* Query.source<Record<string, unknown>>(
        id,
        sourceSql(`${Declaration.sourceKey(e, sd)} in (${list})`),
        p.values,
      )
      left.push(...readGroups(rows, scale))
    }
    const expected = subtract(readGroups(src, scale), left)
    const actual = readGroups(tgt, scale)
    const differing = differences(expected, actual)
    const total = (groups: ReadonlyArray<Group>) => groups.reduce((n, g) => n + g.units, 0n)
    const money = (units: bigint) => Amount.fromUnits(units, scale)
    const named = (d: Difference) => {
      const diff = d.target - d.expected
      return `${d.year ?? "no date"}${d.tenant === null ? "" : ` (tenant ${d.tenant})`}: ${money(diff < 0n ? -diff : diff)} ${diff < 0n ? "missing" : "extra"} in the portal (${money(d.target)}, ${money(d.expected)} expected)`
    }
    const passed = differing.length === 0
    return Check.make({
      id,
      kind: "money-total",
      title: `${m.title} per tenant and year`,
      entity: e.name,
      tenant: null,
      severity: m.severity ?? "critical",
      observed: money(total(actual)),
      expected: money(total(expected)),
      passed,
      detail: passed
        ? `${money(total(actual))} over ${expected.length} tenant-year(s), as the source less the rows the run left out`
        : differing.slice(0, 3).map(named).join("; ") +
          (differing.length > 3 ? `; and ${differing.length - 3} more tenant-year(s)` : ""),
      failingRows: differing.reduce((n, d) => n + Math.max(1, Math.abs(d.targetRows - d.expectedRows)), 0),
      samples: differing.slice(0, sampleLimit).map((d) => ({
        tenant: d.tenant,
        year: d.year,
        expected: money(d.expected),
        target: money(d.target),
        difference: money(d.target - d.expected),
        expected_rows: d.expectedRows,
        target_rows: d.targetRows,
      })),
    })
  })
