import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import * as Counts from "./Counts.js"
import * as Declaration from "./Declaration.js"
import * as Dialect from "./Dialect.js"
import * as Query from "./Query.js"
import type { SourceDatabase } from "./SourceDatabase.js"

const isoLike = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:\.0+)?)?(?:Z|[+-]00(?::?00)?)?$/
const numeric = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i

/** The comparable form of a value: numbers by value, dates and timestamps in one spelling. */
export const normalize = (v: unknown): string | null => {
  if (v === null || v === undefined) return null
  if (v instanceof Date) return normalize(v.toISOString())
  if (typeof v === "number" || typeof v === "bigint") return String(Number(v))
  if (typeof v === "boolean") return v ? "true" : "false"
  if (typeof v === "string") {
    const d = isoLike.exec(v)
    if (d) return d[2] && d[2] !== "00:00:00" ? `${d[1]} ${d[2]}` : `${d[1]}`
    if (numeric.test(v)) return String(Number(v))
    return v
  }
  return JSON.stringify(v)
}

/** True when two values are the same after `normalize`. */
export const same = (a: unknown, b: unknown): boolean => normalize(a) === normalize(b)

/**
 * A seeded random sample compared field by field: the seed orders source rows by md5(seed, key)
 * in SQL, so the same seed draws the same rows; each is mapped by the declared function (the same
 * cleansers as the migration) and compared with the target row that has its legacy id.
 */
export const check = (
  e: Declaration.EntityDeclaration,
  sample: Declaration.FieldSample,
  sampleLimit = 10,
  excluded: ReadonlySet<string> = new Set(),
): Effect.Effect<Check.Check, Query.ValidationError, SourceDatabase | PgClient.PgClient> =>
  Effect.gen(function* () {
    const id = `sample:${e.name}`
    const t = Declaration.target(e)
    const sd = yield* Query.sourceDialect
    const pg = Dialect.postgresql
    const key = sd.id(e.source.key)
    const size = Math.max(0, Math.trunc(sample.size))
    // Rows the run rightly left out are not drawn; the draw stays a function of the seed.
    const drawn = yield* Query.source<Record<string, unknown>>(
      id,
      `select * from ${Declaration.sourceFrom(e, sd)} ${Counts.sourceWhere(e)}
       order by ${sd.md5(sd.concat([sd.text(sd.param(1)), sd.text(key)]))}
       limit ${size + Math.min(excluded.size, size * 10)}`,
      [sample.seed],
    )
    const rows = drawn.filter((r) => !excluded.has(Declaration.keyText(e, r[e.source.key]))).slice(0, size)
    const keys = rows.map((r) => Declaration.keyText(e, r[e.source.key]))
    const own = Declaration.targetRows(t, 2, "t")
    const found = yield* Query.target<{ k: string; row: Record<string, unknown> }>(
      id,
      `select ${pg.id(t.legacyIdColumn)} as k, to_jsonb(t) as row from ${pg.id(t.table)} t
       where t.${pg.id(t.legacyIdColumn)} = any($1::text[]) and ${own.sql}`,
      [keys, ...own.params],
    )
    const byKey = new Map(found.map((r) => [String(r.k), r.row]))
    const samples: Array<Check.Sample> = []
    let badRows = 0
    let fields = 0
    for (let i = 0; i < rows.length; i++) {
      const k = keys[i]!
      const actual = byKey.get(k)
      let expected: Record<string, unknown>
      try {
        expected = sample.map(rows[i]!)
      } catch (err) {
        badRows++
        if (samples.length < sampleLimit)
          samples.push({
            legacy_id: k,
            column: null,
            expected: null,
            actual: null,
            problem: `map threw: ${String(err)}`,
          })
        continue
      }
      if (actual === undefined) {
        badRows++
        if (samples.length < sampleLimit)
          samples.push({
            legacy_id: k,
            column: null,
            expected: null,
            actual: null,
            problem: "missing in target",
          })
        continue
      }
      let rowBad = false
      for (const [column, value] of Object.entries(expected)) {
        fields++
        if (same(value, actual[column])) continue
        rowBad = true
        if (samples.length < sampleLimit)
          samples.push({
            legacy_id: k,
            column,
            expected: Check.toSampleValue(value),
            actual: Check.toSampleValue(actual[column]),
            problem: column in actual ? "values differ" : "no such target column",
          })
      }
      if (rowBad) badRows++
    }
    return Check.make({
      id,
      kind: "sample",
      title: `Field-by-field sample of ${e.name} (seed ${sample.seed})`,
      entity: e.name,
      tenant: null,
      severity: sample.severity ?? "critical",
      observed: rows.length - badRows,
      expected: rows.length,
      passed: badRows === 0,
      detail:
        badRows === 0
          ? `${rows.length} sampled row(s), ${fields} field(s) compared, all equal`
          : `${badRows} of ${rows.length} sampled row(s) differ`,
      failingRows: badRows,
      samples,
    })
  })
