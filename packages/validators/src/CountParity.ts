import * as Check from "./Check.js"
import * as Counts from "./Counts.js"

/** Options of the count-parity checks. */
export interface Options {
  /** Allowed difference as a share of the expected count. Default 0.001 (seed 001 §7.2.1, seed 004). */
  readonly tolerance?: number
  readonly sampleLimit?: number
}

/**
 * The allowed difference: the tolerance times the expected count, rounded down, so below 1,000
 * rows nothing may be missing (rounding up, as the seed's script does, would let one row of 100 go).
 */
export const allowance = (expected: number, tolerance: number): number =>
  Math.floor(Math.max(0, expected) * tolerance)

/**
 * Count parity of one entity, overall and per tenant. The target should hold every source row
 * except those the run's ledger accounts as rejected or skipped; where the ledger was not
 * partitioned by tenant, its rejects cannot be placed and widen each tenant's range downwards.
 */
export const checks = (f: Counts.Figures, options: Options = {}): Array<Check.Check> => {
  const tolerance = options.tolerance ?? 0.001
  const limit = options.sampleLimit ?? 10
  const notLoaded = (partition: (p: string) => boolean) =>
    (f.ledger ?? []).filter((l) => partition(l.partition)).reduce((n, l) => n + l.rejected + l.skipped, 0)
  const tenants = [...new Set([...f.source.keys(), ...f.target.keys()])].sort(compareTenants)
  const tenantKeys = new Set(tenants.filter((t) => t !== null))
  const unplaced = notLoaded((p) => !tenantKeys.has(p))
  const hasTenants = tenants.some((t) => t !== null)

  const perTenant = tenants.map((tenant) => {
    const source = f.source.get(tenant) ?? 0
    const target = f.target.get(tenant) ?? 0
    const expected = source - (tenant === null ? 0 : notLoaded((p) => p === tenant))
    const allowed = allowance(expected, tolerance)
    const passed = target <= expected + allowed && target >= expected - allowed - unplaced
    return { tenant, source, target, expected, allowed, passed }
  })

  const source = Counts.total(f.source)
  const target = Counts.total(f.target)
  const expected = source - notLoaded(() => true)
  const allowed = allowance(expected, tolerance)
  const differing = perTenant.filter((t) => !t.passed)
  const sample = (t: (typeof perTenant)[number]): Check.Sample => ({
    tenant: t.tenant,
    source: t.source,
    expected: t.expected,
    target: t.target,
    difference: t.target - t.expected,
  })
  const overall = Check.make({
    id: `count-parity:${f.entity}`,
    kind: "count-parity",
    title: `Row count of ${f.entity}`,
    entity: f.entity,
    tenant: null,
    severity: "critical",
    observed: target,
    expected,
    passed: Math.abs(target - expected) <= allowed,
    detail: describe(source, target, expected, allowed, f.ledger !== null),
    failingRows: Math.abs(target - expected),
    samples: differing.slice(0, limit).map(sample),
  })
  if (!hasTenants) return [overall]
  return [
    overall,
    ...perTenant.map((t) =>
      Check.make({
        id: `count-parity:${f.entity}:tenant=${t.tenant ?? "null"}`,
        kind: "count-parity",
        title: `Row count of ${f.entity} for tenant ${t.tenant ?? "(none)"}`,
        entity: f.entity,
        tenant: t.tenant,
        severity: "critical",
        observed: t.target,
        expected: t.expected,
        passed: t.passed,
        detail:
          describe(t.source, t.target, t.expected, t.allowed, f.ledger !== null) +
          (unplaced > 0 ? `; ${unplaced} rejected/skipped rows of unpartitioned batches may be missing` : ""),
        failingRows: t.passed ? 0 : Math.abs(t.target - t.expected),
        samples: t.passed ? [] : [sample(t)],
      }),
    ),
  ]
}

const describe = (source: number, target: number, expected: number, allowed: number, ledger: boolean) => {
  const accounted =
    ledger && expected !== source
      ? ` (${source} in the source less ${source - expected} rejected or skipped)`
      : ""
  const diff = target - expected
  return diff === 0
    ? `${target} rows, as expected${accounted}`
    : `${target} rows in the target, ${expected} expected${accounted}: ${Math.abs(diff)} ${diff < 0 ? "missing" : "extra"}, ${allowed} allowed`
}

const compareTenants = (a: string | null, b: string | null) =>
  a === null ? -1 : b === null ? 1 : a.localeCompare(b, "en", { numeric: true })
