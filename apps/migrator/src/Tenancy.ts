/**
 * Sources that hold several schools. The manifest's `tenancy` rule says how a row names its school
 * (a column, a Gibbon custom field, an SQL expression, with an optional map to tenant codes); each
 * system says, per source table, how a row reaches a row the rule applies to (an enrolment through
 * its student, a payment through its invoice): its *route*. Together they give each table's rows
 * their tenants as SQL conditions the source runs, so one run reads every school of the source
 * partitioned by tenant, and a row that reaches none of the manifest's tenants is rejected with
 * the reason, never lost.
 */
import type { Keyset } from "@schoolbridge/connectors"
import { Source } from "@schoolbridge/core"
import type * as Manifest from "./Manifest.js"

/** How a row of one source table reaches its school. Routes are data: a system lists them. */
export type Route =
  /** The manifest's rule applies to the row itself. */
  | { readonly _tag: "Own" }
  /** The schools share these rows: every tenant gets each of them. */
  | { readonly _tag: "Every" }
  /** The row's `column` holds the `key` of a row of `table`, whose schools it has (by `route`). */
  | {
      readonly _tag: "Via"
      readonly column: string
      readonly table: string
      readonly key: string
      readonly route: Route
      /** Only where this holds on the row itself, SQL over its columns (`foreignTable = 'gibbonPerson'`). */
      readonly when?: string
      /** `text`: the values are compared trimmed and in lower case (an email that links two rows). */
      readonly match?: "text"
    }
  /** Every school any of these routes gives (a parent belongs to each of their children's schools). */
  | { readonly _tag: "Any"; readonly routes: ReadonlyArray<Route> }

/** The rule applies to the row itself. */
export const own: Route = { _tag: "Own" }
/** Rows every school shares. */
export const every: Route = { _tag: "Every" }
/** Through the row `column` names in `table` (by its `key`). */
export const via = (column: string, table: string, key: string, route: Route, when?: string): Route => ({
  _tag: "Via",
  column,
  table,
  key,
  route,
  ...(when ? { when } : {}),
})
/** Through the row whose `key` holds the same text as the row's `column`, compared trimmed and in lower case. */
export const viaText = (column: string, table: string, key: string, route: Route): Route => ({
  _tag: "Via",
  column,
  table,
  key,
  route,
  match: "text",
})
/** Each school any of the routes gives. */
export const any = (...routes: ReadonlyArray<Route>): Route => ({ _tag: "Any", routes })

/**
 * The manifest's rule made SQL for one source: the condition that a row (named by its alias) of a
 * table the rule applies to belongs to a tenant, and the words for a row that belongs to none.
 */
export interface Rule {
  readonly belongs: (alias: string, tenant: string) => string
  readonly describe: (row: Record<string, unknown>) => string
}

/** How a source writes identifiers. */
export type Quote = (id: string) => string

const literal = (v: string) => `'${v.replace(/'/g, "''")}'`

/** The source values the rule's map sends to a tenant (the tenant itself when there is no map). */
const valuesOf = (rule: Manifest.TenancyRule, tenant: string): ReadonlyArray<string> =>
  rule.map === undefined
    ? [tenant]
    : Object.entries(rule.map)
        .filter(([, t]) => t === tenant)
        .map(([v]) => v)

const inList = (expr: string, values: ReadonlyArray<string>) =>
  values.length === 0 ? "1 = 0" : `${expr} in (${values.map(literal).join(", ")})`

/** What a rule's value says of a row that belongs to no tenant. */
export const describeValue = (
  name: string,
  value: unknown,
  rule: Manifest.TenancyRule,
  tenants: ReadonlyArray<string>,
): string => {
  const text = value === null || value === undefined ? "" : String(value).trim()
  if (text === "") return `${name} is empty: the row belongs to no school of the run`
  return rule.map !== undefined
    ? `${name} ${JSON.stringify(text)} is not in the tenancy map (${Object.keys(rule.map).join(", ")})`
    : `${name} ${JSON.stringify(text)} is none of the run's tenants (${tenants.join(", ")})`
}

/** A `column` or `sql` rule as SQL. A `customField` rule is the system's to make (see `System.tenancyRule`). */
export const sqlRule = (
  rule: Manifest.TenancyRule,
  tenants: ReadonlyArray<string>,
  quote: Quote,
): Rule | null => {
  if (rule.column !== undefined) {
    const column = rule.column
    return {
      belongs: (alias, tenant) => inList(`${alias}.${quote(column)}`, valuesOf(rule, tenant)),
      describe: (row) => describeValue(column, row[column], rule, tenants),
    }
  }
  if (rule.sql !== undefined) {
    const sql = rule.sql
    // The expression names the row's columns as they are; it is only ever applied in the scope of
    // the table it was written for.
    return {
      belongs: (_alias, tenant) => inList(`(${sql})`, valuesOf(rule, tenant)),
      describe: () => `the tenancy expression gives none of the run's tenants (${tenants.join(", ")})`,
    }
  }
  return null
}

/**
 * A table's route as the source's condition partitions: one per tenant of the rows that belong to
 * it, and (but for rows every school shares) one of the rows that belong to none.
 */
export const compile = (
  route: Route,
  rule: Rule,
  tenants: ReadonlyArray<string>,
  quote: Quote,
): Keyset.Tenancy => {
  if (route._tag === "Every") return { kind: "every", tenants }
  let n = 0
  const condition = (r: Route, alias: string, tenant: string): string => {
    switch (r._tag) {
      case "Own":
        return rule.belongs(alias, tenant)
      case "Every":
        return "1 = 1"
      case "Any":
        return `(${r.routes.map((x) => `coalesce((${condition(x, alias, tenant)}), false)`).join(" or ")})`
      case "Via": {
        const a = `sb${++n}`
        const when = r.when ? `(${r.when}) and ` : ""
        const side = (expr: string) => (r.match === "text" ? `lower(trim(${expr}))` : expr)
        return `${when}${side(`${alias}.${quote(r.column)}`)} in (select ${side(`${a}.${quote(r.key)}`)} from ${quote(r.table)} ${a} where ${condition(r.route, a, tenant)})`
      }
    }
  }
  return {
    kind: "rows",
    tenants,
    belongs: (tenant) => {
      n = 0
      return condition(route, "t", tenant)
    },
    reason: (row) => reasonOf(route, rule, row),
  }
}

const reasonOf = (route: Route, rule: Rule, row: Record<string, unknown>): string => {
  switch (route._tag) {
    case "Own":
      return rule.describe(row)
    case "Any":
      return route.routes.some((r) => r._tag === "Own")
        ? rule.describe(row)
        : "none of the rows it belongs to is in a school of the run"
    case "Via": {
      const v = row[route.column]
      if (route.when)
        return `the row's school comes from the ${route.table} row ${route.column} names where ${route.when}, and none of the run's schools has it`
      return v === null || v === undefined || String(v).trim() === ""
        ? `${route.column} is empty, and the school of the row comes from the ${route.table} row it names`
        : `${route.column} ${JSON.stringify(String(v))} names no ${route.table} row of a school of the run`
    }
    case "Every":
      return "every school has this row"
  }
}

/** A file's rows by a column of their own (files have no parents to look up), or why they cannot be. */
export const routeFile = <Row extends Record<string, unknown>>(
  inner: Source.SourceShape<Row>,
  rule: Manifest.TenancyRule,
  tenants: ReadonlyArray<string>,
  entity: string,
): Source.SourceShape<Row> | string => {
  if (rule.column === undefined)
    return `${entity}: a file source names its school by a column of its own (tenancy.column); ${rule.sql ? "sql" : "customField"} needs a database source`
  const column = rule.column
  const byValue = new Map<string, string>()
  for (const t of tenants) for (const v of valuesOf(rule, t)) byValue.set(v, t)
  return Source.routed(
    inner,
    tenants,
    (row) => {
      const v = row[column]
      return v === null || v === undefined ? null : (byValue.get(String(v).trim()) ?? null)
    },
    (row) => describeValue(column, row[column], rule, tenants),
  )
}
