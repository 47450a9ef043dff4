import { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import * as Dialect from "./Dialect.js"
import * as ProfileReport from "./ProfileReport.js"
import * as Query from "./Query.js"
import * as SourceDatabase from "./SourceDatabase.js"

/** What the cleansers of `@schoolbridge/cleansers` return, as far as profiling needs it. */
export type Cleanser = (input: unknown) => {
  readonly _tag: string
  readonly reason?: string
  readonly changes?: ReadonlyArray<string>
}

/** A child → parent link in the source, e.g. `enrolments.student_id → students.id`. */
export interface Relationship {
  /** Default `<table>.<columns>`. */
  readonly name?: string
  readonly columns: ReadonlyArray<string>
  readonly references: { readonly table: string; readonly columns: ReadonlyArray<string> }
  /** Values that mean "no parent" in this source, counted like null (legacy systems often write 0). */
  readonly absent?: ReadonlyArray<string | number>
  /** Default critical: the migration rejects an orphan, or loses its link. */
  readonly severity?: Check.Severity
}

/** Measures growth from a date column: rows dated in the year up to `asOf`. */
export interface GrowthOption {
  readonly column: string
  /** The unit the rate is shown in; the seed's volume table uses /day for attendance, /year otherwise. */
  readonly per: "day" | "year"
}

/** What to profile in one source table. */
export interface Options {
  readonly table: string
  /** The primary key: shown with invalid values and orphans, and the order of the cleanser pass. */
  readonly key: string
  /** The entity the table feeds, for the inventory (e.g. `Students`). */
  readonly entity?: string
  /** Keys that must be unique, as SQL expressions, e.g. `lower(trim(email))`. */
  readonly uniqueKeys?: ReadonlyArray<{ readonly name: string; readonly expr: string }>
  /** Cleansers run over a column. */
  readonly cleansers?: ReadonlyArray<{ readonly column: string; readonly clean: Cleanser }>
  /** `full` (default) reads every row in keyset pages; `sample` only the first `cleanserSample` rows by key. */
  readonly cleanserMode?: "full" | "sample"
  /** Rows the cleansers see in `sample` mode (the first by key). Default 10,000. */
  readonly cleanserSample?: number
  /** Rows per page of the `full` cleanser pass: the memory bound. Default 5,000. */
  readonly pageSize?: number
  /** Declared child → parent links from this table; orphans are counted with an anti-join. */
  readonly relationships?: ReadonlyArray<Relationship>
  /** The date column of the inventory's date range. Default the first date column. */
  readonly dateColumn?: string
  readonly growth?: GrowthOption
  /** ISO date that "future" and the growth window are measured against. Default the database's current date. */
  readonly asOf?: string
  readonly topValues?: number
  readonly sampleLimit?: number
}

/** The profile of one column. */
export type ColumnProfile = ProfileReport.ColumnProfile

/** The profile of a source table; `checks` are the findings for the pre-migration report. */
export type TableProfile = ProfileReport.TableProfile

/** What differs between the databases a source table can live in. */
interface Engine {
  readonly kind: "mysql" | "postgresql" | "sqlite"
  readonly dialect: Dialect.Dialect
  readonly id: (name: string) => string
  readonly today: string
  /** Column names and types of a table, by schema (null: the default one) and name. */
  readonly columns: (p: Params, schema: string | null, name: string) => string
  /** Rows (estimate), data bytes and index bytes of a table, or why the engine cannot say. */
  readonly size:
    | ((p: Params, schema: string | null, name: string) => string)
    | { readonly notMeasured: string }
  /** Counts the rows where `cond` holds. */
  readonly countIf: (cond: string) => string
  readonly isText: (type: string) => boolean
  readonly isDate: (type: string) => boolean
  /** Types with no order or equality the aggregates can use: profiled through their text. */
  readonly asText: (type: string) => boolean
  /** An expression as text. */
  readonly text: (expr: string) => string
  /** A zero date test, where the engine has them. */
  readonly zero: (c: string) => string | null
  /** A value as the client should see it (dates as text, so no time zone shifts them). */
  readonly show: (expr: string, type: string) => string
  /** Distinct combinations of several columns, counted. */
  readonly countDistinct: (columns: ReadonlyArray<string>) => string
}

type Params = ReturnType<typeof Dialect.params>

const mysqlText = new Set(["char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set"])
const mysqlDates = new Set(["date", "datetime", "timestamp"])

const mysqlEngine: Engine = {
  kind: "mysql",
  dialect: Dialect.mysql,
  id: Dialect.mysql.id,
  today: "select cast(current_date as char) as d",
  columns: (p, schema, name) => `select column_name as c, data_type as t from information_schema.columns
            where table_schema = coalesce(${p.add(schema)}, database()) and table_name = ${p.add(name)}
            order by ordinal_position`,
  size: (
    p,
    schema,
    name,
  ) => `select table_rows as n, data_length as d, index_length as i from information_schema.tables
         where table_schema = coalesce(${p.add(schema)}, database()) and table_name = ${p.add(name)}`,
  countIf: (cond) => `coalesce(sum(${cond}), 0)`,
  isText: (t) => mysqlText.has(t.toLowerCase()),
  isDate: (t) => mysqlDates.has(t.toLowerCase()),
  asText: (t) => t.toLowerCase() === "json",
  text: (e) => `cast(${e} as char)`,
  zero: (c) => `cast(${c} as char) like '0000-00-00%'`,
  show: (e) => e,
  countDistinct: (columns) => `count(distinct ${columns.join(", ")})`,
}

const pgText = new Set(["text", "character varying", "character", "citext", "name"])
const pgDates = new Set(["date", "timestamp without time zone", "timestamp with time zone"])
const pgUnordered = new Set(["boolean", "json", "jsonb", "bytea", "xml", "array", "user-defined", "point"])

const postgresqlEngine: Engine = {
  kind: "postgresql",
  dialect: Dialect.postgresql,
  id: Dialect.postgresql.id,
  today: "select current_date::text as d",
  columns: (
    p,
    schema,
    name,
  ) => `select column_name::text as c, data_type::text as t from information_schema.columns
            where table_schema = coalesce(${p.add(schema)}::text, current_schema()) and table_name = ${p.add(name)}
            order by ordinal_position`,
  size: (
    p,
    schema,
    name,
  ) => `select c.reltuples::bigint as n, pg_relation_size(c.oid) as d, pg_indexes_size(c.oid) as i
         from pg_class c join pg_namespace s on s.oid = c.relnamespace
         where s.nspname = coalesce(${p.add(schema)}::text, current_schema()) and c.relname = ${p.add(name)}`,
  countIf: (cond) => `count(*) filter (where ${cond})`,
  isText: (t) => pgText.has(t.toLowerCase()),
  isDate: (t) => pgDates.has(t.toLowerCase()),
  asText: (t) => pgUnordered.has(t.toLowerCase()),
  text: (e) => `(${e})::text`,
  zero: () => null,
  show: (e, t) => (pgDates.has(t.toLowerCase()) ? `(${e})::text` : e),
  countDistinct: (columns) => `count(distinct (${columns.join(", ")}))`,
}

// SQLite types are whatever the table declared; its affinity rules read them by substring.
const sqliteEngine: Engine = {
  kind: "sqlite",
  dialect: Dialect.sqlite,
  id: Dialect.sqlite.id,
  today: "select date('now', 'localtime') as d",
  columns: (p, schema, name) =>
    `select name as c, type as t from pragma_table_info(${p.add(name)}, ${p.add(schema ?? "main")}) order by cid`,
  size: { notMeasured: "SQLite keeps no size per table (no dbstat in this build)" },
  countIf: (cond) => `count(case when ${cond} then 1 end)`,
  isText: (t) => /char|clob|text/i.test(t),
  isDate: (t) => /date|time/i.test(t),
  asText: () => false,
  text: (e) => `cast(${e} as text)`,
  zero: (c) => `cast(${c} as text) like '0000-00-00%'`,
  show: (e) => e,
  // A list of quoted values is one text per combination, and no two combinations share it.
  countDistinct: (columns) => `count(distinct ${columns.map((c) => `quote(${c})`).join(" || ',' || ")})`,
}

const engines = { mysql: mysqlEngine, postgresql: postgresqlEngine, sqlite: sqliteEngine } as const

/** Runs a profile query on the source. */
const run = <Row>(check: string, sql: string, params: ReadonlyArray<unknown> = []) =>
  Query.source<Row>(check, sql, params)

/** The ISO date `days` after `iso` (negative for before), without reading the clock. */
export const addDays = (iso: string, days: number): string => {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The ISO date one year before `iso` (29 February goes to 28 February). */
export const yearBefore = (iso: string): string => {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number) as [number, number, number]
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate()
  return `${String(y - 1).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`
}

/** Days from `from` to `to`. */
const daysBetween = (from: string, to: string) =>
  Math.round(
    (Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000,
  )

/** The growth figures from the rows dated in (`from`, `asOf`]. */
export const growthOf = (
  option: GrowthOption,
  asOf: string,
  rowsInWindow: number,
  rows: number,
): { readonly growth: ProfileReport.Growth; readonly projection5y: number } => {
  const from = yearBefore(asOf)
  const days = daysBetween(from, asOf)
  return {
    growth: {
      column: option.column,
      per: option.per,
      from,
      to: asOf.slice(0, 10),
      rowsInWindow,
      rate: option.per === "year" ? rowsInWindow : Math.round((rowsInWindow / days) * 100) / 100,
    },
    projection5y: rows + 5 * rowsInWindow,
  }
}

const noGrowth = ProfileReport.notMeasured("no date column declared to measure growth (option `growth`)")

/** Tallies cleanser results; shared by the table and the file profiles. */
export class CleanserTally {
  checked = 0
  valid = 0
  corrected = 0
  invalid = 0
  readonly byReason: Record<string, number> = {}
  readonly byChange: Record<string, number> = {}
  readonly samples: Array<Check.Sample> = []

  constructor(
    readonly column: string,
    readonly mode: "full" | "sample",
    private readonly limit: number,
  ) {}

  add(key: unknown, value: unknown, out: ReturnType<Cleanser>): void {
    this.checked++
    if (out._tag === "Valid") this.valid++
    else if (out._tag === "Corrected") {
      this.corrected++
      for (const change of out.changes ?? ["corrected"])
        this.byChange[change] = (this.byChange[change] ?? 0) + 1
    } else {
      this.invalid++
      const reason = out.reason ?? "invalid"
      this.byReason[reason] = (this.byReason[reason] ?? 0) + 1
      if (this.samples.length < this.limit)
        this.samples.push({ key: Check.toSampleValue(key), value: Check.toSampleValue(value), reason })
    }
  }

  done(): ProfileReport.Cleansed {
    return {
      column: this.column,
      mode: this.mode,
      checked: this.checked,
      valid: this.valid,
      corrected: this.corrected,
      invalid: this.invalid,
      byReason: { ...this.byReason },
      byChange: { ...this.byChange },
      samples: [...this.samples],
    }
  }
}

/** The findings of a profile as checks: duplicates and orphans are critical, the rest warnings. */
export const findings = (
  p: Omit<TableProfile, "checks">,
  severities: Readonly<Record<string, Check.Severity>> = {},
): Array<Check.Check> => {
  const t = p.table
  const base = { kind: "profile" as const, entity: t, tenant: null }
  return [
    ...p.duplicates.map((d) =>
      Check.make({
        ...base,
        id: `profile:${t}:duplicates:${d.key}`,
        title: `No duplicate ${d.key} in ${t}`,
        severity: "critical",
        observed: d.groups,
        expected: 0,
        passed: d.groups === 0,
        detail: `${d.groups} value(s) of ${d.key} occur more than once`,
        failingRows: d.samples.reduce((n, s) => n + Number(s.count), 0),
        samples: d.samples,
      }),
    ),
    ...p.invalid.map((v) =>
      Check.make({
        ...base,
        id: `profile:${t}:invalid:${v.column}`,
        title: `Valid ${v.column} in ${t}`,
        severity: "warning",
        observed: v.invalid,
        expected: 0,
        passed: v.invalid === 0,
        detail: `${v.invalid} of ${v.checked} checked ${v.column} value(s) invalid${v.mode === "sample" ? " (sample)" : ""}, ${v.corrected} corrected`,
        failingRows: v.invalid,
        samples: v.samples,
      }),
    ),
    ...p.columns
      .filter((c) => c.dates !== null)
      .map((c) => {
        const d = c.dates!
        const bad = d.zero + d.future + d.before1900
        return Check.make({
          ...base,
          id: `profile:${t}:dates:${c.column}`,
          title: `Plausible dates in ${t}.${c.column}`,
          severity: "warning",
          observed: bad,
          expected: 0,
          passed: bad === 0,
          detail: `${c.column}: ${d.zero} zero, ${d.future} in the future, ${d.before1900} before 1900`,
          failingRows: bad,
        })
      }),
    ...p.orphans.map((o) =>
      Check.make({
        ...base,
        id: `profile:${t}:orphans:${o.name}`,
        title: `Every ${t}.${o.columns.join(", ")} has its ${o.references.table}`,
        severity: severities[o.name] ?? "critical",
        observed: o.rows,
        expected: 0,
        passed: o.rows === 0,
        detail: `${o.rows} row(s) point at ${o.missing} missing ${o.references.table}.${o.references.columns.join(", ")} value(s)`,
        failingRows: o.rows,
        samples: o.samples,
      }),
    ),
    ...Object.entries(p.unreadable).map(([rule, n]) =>
      Check.make({
        ...base,
        id: `profile:${t}:unreadable:${rule}`,
        title: `Every record of ${t} can be read`,
        severity: "warning",
        observed: n,
        expected: 0,
        passed: n === 0,
        detail: `${n} record(s) could not be read (${rule})`,
        failingRows: n,
      }),
    ),
  ]
}

const profileWith = (
  e: Engine,
  options: Options,
): Effect.Effect<TableProfile, Query.ValidationError, SourceDatabase.SourceDatabase> =>
  Effect.gen(function* () {
    const id = `profile:${options.table}`
    const limit = Math.max(0, Math.trunc(options.sampleLimit ?? 10))
    const [schema, name] = options.table.includes(".") ? options.table.split(".", 2) : [null, options.table]
    const asOf =
      options.asOf?.slice(0, 10) ?? String((yield* run<{ d: unknown }>(id, e.today))[0]?.d).slice(0, 10)
    const tomorrow = addDays(asOf, 1)
    const catalog = Dialect.params(e.dialect)
    const cols = yield* run<{ c: string; t: string }>(id, e.columns(catalog, schema, name), catalog.values)
    if (cols.length === 0)
      return yield* new Query.ValidationError({
        reason: "declaration",
        check: id,
        message: `no table ${options.table}`,
      })
    const t = e.id(options.table)
    const params = Dialect.params(e.dialect)
    const parts = ["count(*) as n"]
    cols.forEach((col, i) => {
      const raw = e.id(col.c)
      const c = e.asText(col.t) ? e.text(raw) : raw
      const date = e.isDate(col.t)
      const zero = date ? e.zero(raw) : null
      // Zero dates sort before every real date: kept out of the range, counted on their own.
      const ranged = zero === null ? c : `case when not (${zero}) then ${c} end`
      parts.push(
        `${e.countIf(`${raw} is null`)} as n${i}`,
        `count(distinct ${c}) as d${i}`,
        e.kind === "postgresql" && e.asText(col.t)
          ? `null as lo${i}`
          : `${e.show(`min(${ranged})`, col.t)} as lo${i}`,
        e.kind === "postgresql" && e.asText(col.t)
          ? `null as hi${i}`
          : `${e.show(`max(${ranged})`, col.t)} as hi${i}`,
        e.isText(col.t) ? `${e.countIf(`trim(${raw}) = ''`)} as e${i}` : `0 as e${i}`,
      )
      if (date) {
        const real = zero === null ? "" : `not (${zero}) and `
        parts.push(
          `${zero === null ? "0" : e.countIf(zero)} as z${i}`,
          `${e.countIf(`${real}${raw} >= ${params.add(tomorrow)}`)} as f${i}`,
          `${e.countIf(`${real}${raw} < '1900-01-01'`)} as b${i}`,
        )
      }
    })
    const agg =
      (yield* run<Record<string, unknown>>(id, `select ${parts.join(", ")} from ${t}`, params.values))[0] ??
      {}
    const rows = Query.num(agg.n)
    const columns: Array<ColumnProfile> = yield* Effect.forEach(
      cols,
      (col, i) => {
        const c = e.asText(col.t) ? e.text(e.id(col.c)) : e.id(col.c)
        return Effect.map(
          run<{ v: unknown; n: unknown }>(
            id,
            `select ${e.show(c, col.t)} as v, count(*) as n from ${t} group by ${c} order by 2 desc, 1 limit ${Math.trunc(options.topValues ?? 5)}`,
          ),
          (top): ColumnProfile => {
            const nulls = Query.num(agg[`n${i}`])
            const empty = Query.num(agg[`e${i}`])
            return ProfileReport.withoutSecrets({
              column: col.c,
              type: col.t,
              nulls,
              empty,
              nullOrEmptyPercent: ProfileReport.percentOf(nulls + empty, rows),
              distinct: Query.num(agg[`d${i}`]),
              distinctAtLeast: false,
              min: Check.toSampleValue(agg[`lo${i}`]),
              max: Check.toSampleValue(agg[`hi${i}`]),
              top: top.map((r) => ({ value: Check.toSampleValue(r.v), count: Query.num(r.n) })),
              topComplete: true,
              dates: e.isDate(col.t)
                ? {
                    zero: Query.num(agg[`z${i}`]),
                    future: Query.num(agg[`f${i}`]),
                    before1900: Query.num(agg[`b${i}`]),
                  }
                : null,
            })
          },
        )
      },
      { concurrency: 2 },
    )
    const duplicates = yield* Effect.forEach(options.uniqueKeys ?? [], (k) =>
      Effect.map(
        run<{ k: unknown; n: unknown; g: unknown }>(
          id,
          `select k, n, count(*) over () as g from (
             select ${k.expr} as k, count(*) as n from ${t} where ${k.expr} is not null
             group by 1 having count(*) > 1) d
           order by n desc, k limit ${limit}`,
        ),
        (r): ProfileReport.Duplicates => ({
          key: k.name,
          groups: r.length === 0 ? 0 : Query.num(r[0]!.g),
          samples: r.map((x) => ({ value: Check.toSampleValue(x.k), count: Query.num(x.n) })),
        }),
      ),
    )
    const invalid = yield* cleanse(e, options, id, limit)
    const orphans = yield* Effect.forEach(options.relationships ?? [], (rel) =>
      orphansOf(e, options, rel, id, limit),
    )
    const sizeParams = Dialect.params(e.dialect)
    const size =
      "notMeasured" in e.size
        ? ProfileReport.notMeasured(e.size.notMeasured)
        : ((yield* run<{ n: unknown; d: unknown; i: unknown }>(
            id,
            e.size(sizeParams, schema, name),
            sizeParams.values,
          ))[0] ?? ProfileReport.notMeasured("no size in the catalog"))
    let growth: ProfileReport.Volume["growth"] = noGrowth
    let projection5y: ProfileReport.Measured = ProfileReport.notMeasured(noGrowth.notMeasured)
    if (options.growth !== undefined) {
      const g = e.id(options.growth.column)
      const from = yearBefore(asOf)
      const window = Dialect.params(e.dialect)
      const n = yield* run<{ n: unknown }>(
        id,
        `select count(*) as n from ${t} where ${g} >= ${window.add(addDays(from, 1))} and ${g} < ${window.add(tomorrow)}`,
        window.values,
      )
      const measured = growthOf(options.growth, asOf, Query.num(n[0]?.n), rows)
      growth = measured.growth
      projection5y = measured.projection5y
    }
    const dateCol =
      options.dateColumn === undefined
        ? columns.find((c) => c.dates !== null)
        : columns.find((c) => c.column === options.dateColumn)
    const profile: Omit<TableProfile, "checks"> = {
      source: e.kind,
      table: options.table,
      asOf,
      entity: options.entity ?? null,
      rows,
      keyFields: [options.key, ...(options.uniqueKeys ?? []).map((k) => k.name)],
      dateRange:
        dateCol === undefined ? null : { column: dateCol.column, min: dateCol.min, max: dateCol.max },
      columns,
      duplicates,
      invalid,
      orphans,
      volume: {
        rows,
        dataBytes: "notMeasured" in size ? size : Query.num(size.d),
        indexBytes: "notMeasured" in size ? size : Query.num(size.i),
        growth,
        projection5y,
      },
      unreadable: {},
    }
    const severities = Object.fromEntries(
      (options.relationships ?? []).map((r) => [
        relationshipName(options.table, r),
        r.severity ?? "critical",
      ]),
    )
    return { ...profile, checks: findings(profile, severities) }
  })

const relationshipName = (table: string, r: Relationship) => r.name ?? `${table}.${r.columns.join("_")}`

/** The cleanser pass: every row in keyset pages (one page in memory), or the first rows by key. */
const cleanse = (e: Engine, options: Options, id: string, limit: number) =>
  Effect.gen(function* () {
    const cleansers = options.cleansers ?? []
    if (cleansers.length === 0) return []
    const mode = options.cleanserMode ?? "full"
    const tallies = cleansers.map((c) => new CleanserTally(c.column, mode, limit))
    const key = e.id(options.key)
    const select = `select ${key} as k, ${cleansers.map((c, i) => `${e.id(c.column)} as v${i}`).join(", ")} from ${e.id(options.table)}`
    const page = Math.max(
      1,
      Math.trunc(mode === "full" ? (options.pageSize ?? 5_000) : (options.cleanserSample ?? 10_000)),
    )
    let after: unknown
    for (;;) {
      const p = Dialect.params(e.dialect)
      const rows = yield* run<Record<string, unknown>>(
        id,
        `${select}${after === undefined ? "" : ` where ${key} > ${p.add(after)}`} order by ${key} limit ${page}`,
        p.values,
      )
      for (const row of rows)
        cleansers.forEach((c, i) => {
          const value = row[`v${i}`]
          tallies[i]!.add(row.k, value, c.clean(value))
        })
      if (mode === "sample" || rows.length < page) break
      after = rows[rows.length - 1]!.k
    }
    return tallies.map((t) => t.done())
  })

/** Child rows with no parent, counted with an anti-join (`not exists`), and a few of them. */
const orphansOf = (e: Engine, options: Options, rel: Relationship, id: string, limit: number) =>
  Effect.gen(function* () {
    if (rel.columns.length === 0 || rel.columns.length !== rel.references.columns.length)
      return yield* new Query.ValidationError({
        reason: "declaration",
        check: id,
        message: `relationship ${relationshipName(options.table, rel)} pairs ${rel.columns.length} column(s) with ${rel.references.columns.length}`,
      })
    const child = e.id(options.table)
    const parent = e.id(rel.references.table)
    const absent = rel.absent ?? []
    // Both statements below share this condition, so its placeholders too.
    const params = Dialect.params(e.dialect)
    const present = rel.columns
      .map((c) => {
        const col = `c.${e.id(c)}`
        return absent.length === 0
          ? `${col} is not null`
          : `${col} is not null and ${col} not in (${absent.map((a) => params.add(a)).join(", ")})`
      })
      .join(" and ")
    const match = rel.columns
      .map((c, i) => `p.${e.id(rel.references.columns[i]!)} = c.${e.id(c)}`)
      .join(" and ")
    const where = `from ${child} c where ${present} and not exists (select 1 from ${parent} p where ${match})`
    const dangling =
      rel.columns.length === 1
        ? `count(distinct c.${e.id(rel.columns[0]!)})`
        : e.countDistinct(rel.columns.map((c) => `c.${e.id(c)}`))
    const counted = yield* run<{ n: unknown; m: unknown }>(
      id,
      `select count(*) as n, ${dangling} as m ${where}`,
      params.values,
    )
    const samples = yield* run<Record<string, unknown>>(
      id,
      `select c.${e.id(options.key)} as ${e.id("key")}, ${rel.columns.map((c) => `c.${e.id(c)} as ${e.id(c)}`).join(", ")}
       ${where} order by c.${e.id(options.key)} limit ${limit}`,
      params.values,
    )
    return {
      name: relationshipName(options.table, rel),
      columns: [...rel.columns],
      references: { table: rel.references.table, columns: [...rel.references.columns] },
      rows: Query.num(counted[0]?.n),
      missing: Query.num(counted[0]?.m),
      samples: samples.map(Check.toSample),
    } satisfies ProfileReport.Orphans
  })

/**
 * Profiles a table of the source database (MySQL, PostgreSQL or SQLite) in a few queries: one
 * aggregate pass for every column's nulls, blanks, distinct values, range and date anomalies; one
 * group-by per column for its top values; one per unique key for duplicates; one anti-join per
 * relationship for orphans; the catalog for sizes (SQLite has none); and the cleansers over every
 * row in keyset pages (or a sample).
 */
export const table = (
  options: Options,
): Effect.Effect<TableProfile, Query.ValidationError, SourceDatabase.SourceDatabase> =>
  Effect.flatMap(SourceDatabase.SourceDatabase, (source) =>
    profileWith(engines[source.dialect.name], options),
  )

/** Profiles a PostgreSQL source table through a `PgClient` connected to the source (`table` over `fromPostgresql`). */
export const postgresqlTable = (
  options: Options,
): Effect.Effect<TableProfile, Query.ValidationError, PgClient.PgClient> =>
  Effect.flatMap(PgClient.PgClient, (client) =>
    Effect.provideService(
      table(options),
      SourceDatabase.SourceDatabase,
      SourceDatabase.fromPostgresql(client),
    ),
  )
