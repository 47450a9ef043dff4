import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import * as Counts from "./Counts.js"
import * as Declaration from "./Declaration.js"
import * as Dialect from "./Dialect.js"
import * as Query from "./Query.js"
import type { SourceDatabase } from "./SourceDatabase.js"

/** Options of the checksum check. */
export interface Options {
  /** Hex digits of the key's md5 that pick its bucket: 2 gives 256 buckets per tenant. Default 2. */
  readonly bucketDigits?: number
  /** Mismatched buckets whose keys are fetched to name the rows at fault. Default 4. */
  readonly drillBuckets?: number
  readonly sampleLimit?: number
}

interface Side {
  readonly tenant: string
  readonly key: string
  readonly row: string
  readonly bucket: string
}

const sides = (e: Declaration.EntityDeclaration, digits: number, sd: Dialect.Dialect) => {
  const t = Declaration.target(e)
  const pg = Dialect.postgresql
  const sdKey = Declaration.sourceKey(e, sd)
  const pgKey = pg.text(pg.id(t.legacyIdColumn))
  const columns = e.asIs ?? []
  const source: Side = {
    tenant: Declaration.sourceTenant(e, sd),
    key: sdKey,
    row: sd.row([sdKey, ...columns.map((c) => sd.canonical(c.sourceSql ?? sd.id(c.source), c.type))]),
    bucket: `substr(${sd.md5(sdKey)}, 1, ${digits})`,
  }
  const target: Side = {
    tenant: t.tenantColumn ? pg.text(pg.id(t.tenantColumn)) : "null",
    key: pgKey,
    row: pg.row([
      pgKey,
      ...columns.map((c) => pg.canonical(c.targetSql ?? pg.id(c.target ?? c.source), c.type)),
    ]),
    bucket: `substr(${pg.md5(pgKey)}, 1, ${digits})`,
  }
  return { t, source, target }
}

interface Bucket {
  readonly tenant: string | null
  readonly bucket: string
  readonly n: number
  readonly h: bigint
}

const bucketKey = (tenant: string | null, bucket: string) => `${tenant ?? "\u0000"}|${bucket}`

/**
 * Checksum parity of an entity's key and as-is columns. Each database hashes the same canonical
 * text per row and sums a 60-bit slice of the hashes per tenant and key bucket, so only a few
 * hundred numbers per tenant leave the servers; a sum is order-independent. Where buckets differ,
 * the keys and row hashes of a few of them are fetched to name the missing, extra and changed rows.
 */
export const check = (
  e: Declaration.EntityDeclaration,
  options: Options = {},
  excluded: ReadonlySet<string> = new Set(),
): Effect.Effect<Check.Check, Query.ValidationError, SourceDatabase | PgClient.PgClient> =>
  Effect.gen(function* () {
    const sd = yield* Query.sourceDialect
    const digits = Math.min(8, Math.max(1, Math.trunc(options.bucketDigits ?? 2)))
    const limit = options.sampleLimit ?? 10
    const id = `checksum:${e.name}`
    const { t, source, target } = sides(e, digits, sd)
    const pg = Dialect.postgresql
    const where = Counts.sourceWhere(e)
    const own = Declaration.targetRows(t, 1)
    const [src, tgt] = yield* Effect.all(
      [
        Query.source<Record<string, unknown>>(
          id,
          `select ${source.tenant} as tenant, ${source.bucket} as bucket, count(*) as n,
                  ${sd.hashSum(sd.slice60(sd.md5(source.row)))} as h
           from ${Declaration.sourceFrom(e, sd)} ${where} group by 1, 2`,
        ),
        Query.target<Record<string, unknown>>(
          id,
          `select ${target.tenant} as tenant, ${target.bucket} as bucket, count(*) as n,
                  sum(${pg.slice60(pg.md5(target.row))}) as h
           from ${pg.id(t.table)} where ${own.sql} group by 1, 2`,
          own.params,
        ),
      ],
      { concurrency: 2 },
    )
    const read = (rows: ReadonlyArray<Record<string, unknown>>) =>
      new Map(
        rows.map((r) => {
          const b: Bucket = {
            tenant: Query.tenantText(r.tenant),
            bucket: String(r.bucket),
            n: Query.num(r.n),
            h: Query.big(r.h),
          }
          return [bucketKey(b.tenant, b.bucket), b] as const
        }),
      )
    const s = read(src)
    const g = read(tgt)
    // Take the rows the run rightly left out (rejected, skipped) back out of the source sums.
    const left = [...excluded]
    for (let i = 0; i < left.length; i += 1000) {
      const chunk = Dialect.params(sd)
      const list = left
        .slice(i, i + 1000)
        .map((k) => chunk.add(k))
        .join(", ")
      const out = yield* Query.source<Record<string, unknown>>(
        id,
        `select ${source.tenant} as tenant, ${source.bucket} as bucket, count(*) as n,
                ${sd.hashSum(sd.slice60(sd.md5(source.row)))} as h
         from ${Declaration.sourceFrom(e, sd)} ${where ? `${where} and` : "where"} ${source.key} in (${list}) group by 1, 2`,
        chunk.values,
      )
      for (const [k, b] of read(out)) {
        const have = s.get(k)
        if (!have) continue
        if (have.n === b.n && have.h === b.h) s.delete(k)
        else s.set(k, { ...have, n: have.n - b.n, h: have.h - b.h })
      }
    }
    const sum = (m: Map<string, Bucket>) => [...m.values()].reduce((a, b) => a + b.h, 0n)
    const differing = [...new Set([...s.keys(), ...g.keys()])]
      .filter((k) => s.get(k)?.h !== g.get(k)?.h || s.get(k)?.n !== g.get(k)?.n)
      .sort()
      .map((k) => s.get(k) ?? g.get(k)!)

    const drilled = differing.slice(0, options.drillBuckets ?? 4)
    const samples: Array<Check.Sample> = []
    let failingRows = 0
    for (const b of drilled) {
      const p = Dialect.params(sd)
      const srcTenant =
        b.tenant === null ? `${source.tenant} is null` : `${source.tenant} = ${p.add(b.tenant)}`
      const srcBucket = `${source.bucket} = ${p.add(b.bucket)}`
      const [srcRows, tgtRows] = yield* Effect.all(
        [
          Query.source<{ k: string; h: string }>(
            id,
            `select ${source.key} as k, ${sd.md5(source.row)} as h from ${Declaration.sourceFrom(e, sd)}
             ${where ? `${where} and` : "where"} ${srcTenant} and ${srcBucket}`,
            p.values,
          ),
          Query.target<{ k: string; h: string }>(
            id,
            `select ${target.key} as k, ${pg.md5(target.row)} as h from ${pg.id(t.table)}
             where ${own.sql} and ${target.bucket} = $${own.params.length + 1}
               and ${b.tenant === null ? `${target.tenant} is null` : `${target.tenant} = $${own.params.length + 2}`}`,
            b.tenant === null ? [...own.params, b.bucket] : [...own.params, b.bucket, b.tenant],
          ),
        ],
        { concurrency: 2 },
      )
      const sh = new Map(
        srcRows.filter((r) => !excluded.has(String(r.k))).map((r) => [String(r.k), String(r.h)]),
      )
      const th = new Map(tgtRows.map((r) => [String(r.k), String(r.h)]))
      for (const k of [...new Set([...sh.keys(), ...th.keys()])].sort()) {
        const problem = !th.has(k)
          ? "missing in target"
          : !sh.has(k)
            ? "not in source"
            : sh.get(k) !== th.get(k)
              ? "values differ"
              : null
        if (problem === null) continue
        failingRows++
        if (samples.length < limit) samples.push({ legacy_id: k, tenant: b.tenant, problem })
      }
    }
    for (const b of differing.slice(drilled.length)) {
      const k = bucketKey(b.tenant, b.bucket)
      failingRows += Math.max(1, Math.abs((s.get(k)?.n ?? 0) - (g.get(k)?.n ?? 0)))
    }
    const columns = (e.asIs ?? []).map((c) => c.source)
    const passed = differing.length === 0
    return Check.make({
      id,
      kind: "checksum",
      title: `Checksum of ${e.name}: key${columns.length > 0 ? ` + ${columns.join(", ")}` : ""}`,
      entity: e.name,
      tenant: null,
      severity: "critical",
      observed: sum(g).toString(),
      expected: sum(s).toString(),
      passed,
      detail: passed
        ? `hashes agree in all ${s.size} bucket(s)`
        : `${differing.length} of ${new Set([...s.keys(), ...g.keys()]).size} bucket(s) differ` +
          (drilled.length < differing.length ? `; rows named for the first ${drilled.length}` : ""),
      failingRows,
      samples,
    })
  })
