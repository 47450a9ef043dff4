import { createHash } from "node:crypto"
import { stat } from "node:fs/promises"
import { Effect, Stream } from "effect"
import * as Check from "./Check.js"
import {
  addDays,
  type Cleanser,
  CleanserTally,
  findings,
  type GrowthOption,
  growthOf,
  yearBefore,
} from "./Profile.js"
import * as ProfileReport from "./ProfileReport.js"

/**
 * What this module needs of a connector source (`CsvSource.make`, `NdjsonSource.make`,
 * `JsonSource.make` or any `Source.SourceShape`): its batches from the start.
 */
export interface RowSource<E> {
  readonly describe: string
  readonly stream: (
    partition: { readonly key: string; readonly tenant: string | null },
    after: null,
    batchSize: number,
  ) => Stream.Stream<
    {
      readonly rows: ReadonlyArray<Record<string, unknown>>
      readonly keys: ReadonlyArray<string>
      readonly rejected: ReadonlyArray<{ readonly reasons: ReadonlyArray<{ readonly rule: string }> }>
    },
    E
  >
}

/** What to profile in one file source. */
export interface Options {
  readonly kind: "csv" | "ndjson" | "json" | "rows"
  /** The file's path: the profile's name, and its size for the volume table. */
  readonly path: string
  readonly entity?: string
  /** Name of the key field, for the inventory; the source's record keys are shown with samples. */
  readonly key?: string
  /** Keys that must be unique, as functions of a row, e.g. the normalized email. */
  readonly uniqueKeys?: ReadonlyArray<{
    readonly name: string
    readonly of: (row: Record<string, unknown>) => unknown
  }>
  readonly cleansers?: ReadonlyArray<{ readonly column: string; readonly clean: Cleanser }>
  /** Declared links to a parent whose keys the caller read first (e.g. with `keys`). */
  readonly relationships?: ReadonlyArray<FileRelationship>
  readonly dateColumn?: string
  readonly growth?: GrowthOption
  /** ISO date that "future" and the growth window are measured against (a file has no clock to ask). */
  readonly asOf: string
  /** Distinct values counted per column before counting stops and the profile says "≥ N". Default 10,000. */
  readonly distinctCap?: number
  /** Key values remembered per unique key for duplicates. Default 1,000,000. */
  readonly duplicateCap?: number
  readonly topValues?: number
  readonly sampleLimit?: number
  /** Records per batch read. Default 5,000. */
  readonly batchSize?: number
}

/** A child field → parent link checked against the parent's keys, as text. */
export interface FileRelationship {
  /** Default `<path>.<column>`. */
  readonly name?: string
  readonly column: string
  /** The parent, for the report: e.g. `{ table: "guardians.csv", column: "id" }`. */
  readonly references: { readonly table: string; readonly column: string }
  /** The parent's key values, as text. */
  readonly parents: ReadonlySet<string>
  /** Values that mean "no parent" (as text, e.g. "0"), counted like null. */
  readonly absent?: ReadonlyArray<string>
  readonly severity?: Check.Severity
}

/** Counts child values missing from the parent's keys; distinct missing values are capped like duplicates. */
class OrphanCounts {
  rows = 0
  private readonly missing = new Set<string>()
  capped = false
  readonly samples: Array<Check.Sample> = []
  private readonly absent: ReadonlySet<string>

  constructor(
    readonly rel: FileRelationship,
    private readonly cap: number,
    private readonly limit: number,
  ) {
    this.absent = new Set(rel.absent ?? [])
  }

  add(key: string | undefined, v: unknown): void {
    if (v === null || v === undefined || v === "") return
    const text = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v)
    if (this.absent.has(text) || this.rel.parents.has(text)) return
    this.rows++
    if (this.missing.size < this.cap) this.missing.add(text)
    else if (!this.missing.has(text)) this.capped = true
    if (this.samples.length < this.limit)
      this.samples.push({ key: key ?? null, [this.rel.column]: Check.toSampleValue(v) })
  }

  done(path: string): ProfileReport.Orphans {
    return {
      name: this.rel.name ?? `${path}.${this.rel.column}`,
      columns: [this.rel.column],
      references: { table: this.rel.references.table, columns: [this.rel.references.column] },
      rows: this.rows,
      missing: this.missing.size,
      samples: [...this.samples],
    }
  }
}

type Kind = "integer" | "number" | "boolean" | "date" | "text" | "json"

const integer = /^[+-]?\d+$/
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const isoDate = /^\d{4}-\d{2}-\d{2}(?:$|[ T])/
/** Longer values are counted by hash and shown cut, so one huge cell cannot hold memory. */
const longValue = 200

const kindOf = (v: unknown): Kind => {
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number"
  if (typeof v === "boolean") return "boolean"
  if (typeof v === "string") {
    const s = v.trim()
    if (integer.test(s)) return "integer"
    if (decimal.test(s)) return "number"
    if (isoDate.test(s)) return "date"
    return "text"
  }
  return "json"
}

/** One column's figures, gathered row by row in bounded memory. */
class ColumnStats {
  present = 0
  nulls = 0
  empty = 0
  readonly kinds = new Set<Kind>()
  // Both orders are kept because the column's kind is known only at the end.
  private textMin: string | null = null
  private textMax: string | null = null
  private numMin: { n: number; v: unknown } | null = null
  private numMax: { n: number; v: unknown } | null = null
  private dateMin: string | null = null
  private dateMax: string | null = null
  readonly dates = { zero: 0, future: 0, before1900: 0 }
  /** Value → count, for distinct and top values; null is counted too (as in SQL's group by). */
  private readonly counts = new Map<string, { value: Check.SampleValue; count: number }>()
  private capped = false

  constructor(
    private readonly cap: number,
    private readonly tomorrow: string,
  ) {}

  add(v: unknown): void {
    this.present++
    if (v === null || v === undefined) {
      this.nulls++
      this.count("n", null)
      return
    }
    if (typeof v === "string" && v.trim() === "") {
      this.empty++
      this.count(`s${v}`, v)
      return
    }
    const kind = kindOf(v)
    this.kinds.add(kind)
    const text = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v)
    if (this.textMin === null || text < this.textMin) this.textMin = text
    if (this.textMax === null || text > this.textMax) this.textMax = text
    if (kind === "integer" || kind === "number") {
      const n = Number(v)
      if (this.numMin === null || n < this.numMin.n) this.numMin = { n, v }
      if (this.numMax === null || n > this.numMax.n) this.numMax = { n, v }
    }
    if (kind === "date") {
      const day = text.trim().slice(0, 10)
      if (day === "0000-00-00") this.dates.zero++
      else {
        if (day >= this.tomorrow) this.dates.future++
        if (day < "1900-01-01") this.dates.before1900++
        if (this.dateMin === null || text < this.dateMin) this.dateMin = text
        if (this.dateMax === null || text > this.dateMax) this.dateMax = text
      }
    }
    const shown = text.length > longValue ? `${text.slice(0, longValue)}…` : text
    const id =
      text.length > longValue
        ? `h${typeof v}:${createHash("sha1").update(text).digest("hex")}`
        : `${typeof v}:${text}`
    this.count(
      id,
      typeof v === "string" || typeof v === "number" || typeof v === "boolean"
        ? text.length > longValue
          ? shown
          : v
        : shown,
    )
  }

  private count(id: string, value: Check.SampleValue): void {
    const seen = this.counts.get(id)
    if (seen !== undefined) seen.count++
    else if (this.counts.size < this.cap + 1) this.counts.set(id, { value, count: 1 })
    else this.capped = true
  }

  /** The column's kind: one kind, `number` for integers mixed with decimals, otherwise `mixed`. */
  type(): string {
    const k = [...this.kinds]
    if (k.length === 0) return "empty"
    if (k.length === 1) return k[0]!
    if (k.every((x) => x === "integer" || x === "number")) return "number"
    return "mixed"
  }

  profile(column: string, rows: number, top: number): ProfileReport.ColumnProfile {
    return ProfileReport.withoutSecrets(this.measure(column, rows, top))
  }

  private measure(column: string, rows: number, top: number): ProfileReport.ColumnProfile {
    // Rows without the field (NDJSON, JSON) count as null.
    const nulls = this.nulls + (rows - this.present)
    const type = this.type()
    const numeric = type === "integer" || type === "number"
    const nonNull = [...this.counts.values()].filter((c) => c.value !== null).length
    const distinct = Math.min(nonNull, this.cap)
    const all = [...this.counts.values()]
    if (rows > this.present) {
      const missing = all.find((c) => c.value === null)
      if (missing === undefined) all.push({ value: null, count: rows - this.present })
      else all[all.indexOf(missing)] = { value: null, count: missing.count + rows - this.present }
    }
    const order = (a: Check.SampleValue, b: Check.SampleValue) =>
      a === b
        ? 0
        : a === null
          ? -1
          : b === null
            ? 1
            : numeric
              ? Number(a) - Number(b)
              : String(a) < String(b)
                ? -1
                : 1
    return {
      column,
      type,
      nulls,
      empty: this.empty,
      nullOrEmptyPercent: ProfileReport.percentOf(nulls + this.empty, rows),
      distinct,
      distinctAtLeast: this.capped || nonNull > this.cap,
      min: Check.toSampleValue(
        numeric ? (this.numMin?.v ?? null) : type === "date" ? this.dateMin : this.textMin,
      ),
      max: Check.toSampleValue(
        numeric ? (this.numMax?.v ?? null) : type === "date" ? this.dateMax : this.textMax,
      ),
      top: all
        .sort((a, b) => b.count - a.count || order(a.value, b.value))
        .slice(0, top)
        .map((c) => ({ value: c.value, count: c.count })),
      topComplete: !this.capped,
      dates: type === "date" ? { ...this.dates } : null,
    }
  }
}

/** Counts of one unique key's values, up to a cap; past it, new values are not remembered. */
class KeyCounts {
  private readonly counts = new Map<string, number>()
  capped = false

  constructor(private readonly cap: number) {}

  add(v: unknown): void {
    if (v === null || v === undefined || v === "") return
    const id = typeof v === "string" ? v : JSON.stringify(v)
    const seen = this.counts.get(id)
    if (seen !== undefined) this.counts.set(id, seen + 1)
    else if (this.counts.size < this.cap) this.counts.set(id, 1)
    else this.capped = true
  }

  duplicates(name: string, limit: number): ProfileReport.Duplicates & { readonly complete: boolean } {
    const dup = [...this.counts].filter(([, n]) => n > 1)
    return {
      key: name,
      groups: dup.length,
      samples: dup
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([value, count]) => ({ value, count })),
      complete: !this.capped,
    }
  }
}

const fileSize = (path: string) =>
  Effect.promise(() =>
    stat(path).then(
      (s): ProfileReport.Measured => s.size,
      (e: unknown): ProfileReport.Measured =>
        ProfileReport.notMeasured(`the file cannot be read: ${e instanceof Error ? e.message : String(e)}`),
    ),
  )

/**
 * Profiles a file source in one streaming pass: rows, per column nulls, blanks, distinct values
 * (exact up to `distinctCap`, then "≥ N"), min/max, top values and date anomalies; duplicates of the
 * declared keys; the cleansers over every row; unreadable records by rule; and the volume row.
 * Memory is one batch plus the capped counters, whatever the file's size.
 */
export const profile = <E>(
  source: RowSource<E>,
  options: Options,
): Effect.Effect<ProfileReport.TableProfile, E> =>
  Effect.gen(function* () {
    const cap = Math.max(1, Math.trunc(options.distinctCap ?? 10_000))
    const limit = options.sampleLimit ?? 10
    const asOf = options.asOf.slice(0, 10)
    const tomorrow = addDays(asOf, 1)
    const windowFrom = addDays(yearBefore(asOf), 1)
    const columns = new Map<string, ColumnStats>()
    const keys = (options.uniqueKeys ?? []).map((k) => ({
      ...k,
      counts: new KeyCounts(options.duplicateCap ?? 1_000_000),
    }))
    const orphans = (options.relationships ?? []).map(
      (r) => new OrphanCounts(r, options.duplicateCap ?? 1_000_000, limit),
    )
    const tallies = (options.cleansers ?? []).map((c) => ({
      ...c,
      tally: new CleanserTally(c.column, "full", limit),
    }))
    const unreadable: Record<string, number> = {}
    let rows = 0
    let inWindow = 0
    yield* Stream.runForEach(
      source.stream({ key: "*", tenant: null }, null, options.batchSize ?? 5_000),
      (batch) =>
        Effect.sync(() => {
          for (const r of batch.rejected) {
            const rule = r.reasons[0]?.rule ?? "unreadable"
            unreadable[rule] = (unreadable[rule] ?? 0) + 1
          }
          batch.rows.forEach((row, i) => {
            rows++
            for (const [name, value] of Object.entries(row)) {
              let stats = columns.get(name)
              if (stats === undefined) {
                stats = new ColumnStats(cap, tomorrow)
                columns.set(name, stats)
              }
              stats.add(value)
            }
            for (const k of keys) k.counts.add(k.of(row))
            for (const o of orphans) o.add(batch.keys[i], row[o.rel.column])
            for (const c of tallies) c.tally.add(batch.keys[i], row[c.column], c.clean(row[c.column]))
            if (options.growth !== undefined) {
              const v = row[options.growth.column]
              const day = typeof v === "string" && isoDate.test(v.trim()) ? v.trim().slice(0, 10) : null
              if (day !== null && day >= windowFrom && day < tomorrow) inWindow++
            }
          })
        }),
    )
    const profiled = [...columns].map(([name, stats]) => stats.profile(name, rows, options.topValues ?? 5))
    const duplicates = keys.map((k) => k.counts.duplicates(k.name, limit))
    const measured = options.growth === undefined ? null : growthOf(options.growth, asOf, inWindow, rows)
    const noGrowth = ProfileReport.notMeasured("no date column declared to measure growth (option `growth`)")
    const dateCol =
      options.dateColumn === undefined
        ? profiled.find((c) => c.dates !== null)
        : profiled.find((c) => c.column === options.dateColumn)
    const p: Omit<ProfileReport.TableProfile, "checks"> = {
      source: options.kind,
      table: options.path,
      asOf,
      entity: options.entity ?? null,
      rows,
      keyFields: [...(options.key === undefined ? [] : [options.key]), ...keys.map((k) => k.name)],
      dateRange:
        dateCol === undefined ? null : { column: dateCol.column, min: dateCol.min, max: dateCol.max },
      columns: profiled,
      duplicates: duplicates.map(({ complete: _, ...d }) => d),
      invalid: tallies.map((c) => c.tally.done()),
      orphans: orphans.map((o) => o.done(options.path)),
      volume: {
        rows,
        dataBytes: yield* fileSize(options.path),
        indexBytes: ProfileReport.notMeasured("a file has no indexes"),
        growth: measured?.growth ?? noGrowth,
        projection5y: measured?.projection5y ?? noGrowth,
      },
      unreadable,
    }
    const severities = Object.fromEntries(
      orphans.map((o) => [o.done(options.path).name, o.rel.severity ?? "critical"] as const),
    )
    const remembered = ` (at least: only the first ${options.duplicateCap ?? 1_000_000} values were remembered)`
    const checks = findings(p, severities).map((c) => {
      const d = duplicates.find((x) => c.id === `profile:${p.table}:duplicates:${x.key}`)
      const o = orphans.find((x) => c.id === `profile:${p.table}:orphans:${x.done(options.path).name}`)
      return (d !== undefined && !d.complete) || o?.capped === true
        ? { ...c, detail: `${c.detail}${remembered}` }
        : c
    })
    return { ...p, checks }
  })

/**
 * The values of one field across a source, as text: the parent keys a relationship is checked
 * against. Held in memory, one entry per distinct value.
 */
export const keys = <E>(
  source: RowSource<E>,
  column: string,
  batchSize = 5_000,
): Effect.Effect<Set<string>, E> =>
  Effect.gen(function* () {
    const out = new Set<string>()
    yield* Stream.runForEach(source.stream({ key: "*", tenant: null }, null, batchSize), (batch) =>
      Effect.sync(() => {
        for (const row of batch.rows) {
          const v = row[column]
          if (v === null || v === undefined || v === "") continue
          out.add(typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v))
        }
      }),
    )
    return out
  })
