import * as Check from "./Check.js"
import * as Counts from "./Counts.js"

/**
 * The ledger checks of one entity, which must hold exactly: every row read is loaded, rejected
 * or skipped; and the run read as many rows as the source holds now (a difference means rows
 * were added or deleted at the source after extraction, or a partition was never run).
 */
export const checks = (f: Counts.Figures, sampleLimit = 10): Array<Check.Check> => {
  const ledger = f.ledger
  if (ledger === null) return []
  const sum = Counts.ledgerTotal(ledger)
  const accounted = sum.loaded + sum.rejected + sum.skipped
  const unbalanced = ledger.filter((l) => l.read !== l.loaded + l.rejected + l.skipped)
  const source = Counts.total(f.source)
  const partitioned = ledger.some((l) => l.partition !== "*")
  // Per-partition source counts only make sense when partitions are tenants.
  const sourceOf = (partition: string) => (partition === "*" ? source : (f.source.get(partition) ?? 0))
  const partitionRows = partitioned
    ? [
        ...new Set([
          ...ledger.map((l) => l.partition),
          ...[...f.source.keys()].filter((t): t is string => t !== null),
        ]),
      ].map((p) => {
        const l = ledger.find((x) => x.partition === p)
        return { partition: p, read: l?.read ?? 0, source: sourceOf(p) }
      })
    : [{ partition: "*", read: sum.read, source }]
  const readMismatch = partitionRows.filter((p) => p.read !== p.source)
  return [
    Check.make({
      id: `ledger-balance:${f.entity}`,
      kind: "ledger-balance",
      title: `Ledger of ${f.entity}: read = loaded + rejected + skipped`,
      entity: f.entity,
      tenant: null,
      severity: "critical",
      observed: sum.read,
      expected: accounted,
      passed: sum.read === accounted && unbalanced.length === 0,
      detail: `read ${sum.read}, loaded ${sum.loaded}, rejected ${sum.rejected}, skipped ${sum.skipped} over ${ledger.length} partition(s)`,
      failingRows: Math.abs(sum.read - accounted),
      samples: unbalanced.slice(0, sampleLimit).map((l) => ({ ...l })),
    }),
    Check.make({
      id: `ledger-source:${f.entity}`,
      kind: "ledger-source",
      title: `Ledger of ${f.entity}: rows read = source rows`,
      entity: f.entity,
      tenant: null,
      severity: "critical",
      observed: sum.read,
      expected: source,
      passed: readMismatch.length === 0 && sum.read === source,
      detail:
        sum.read === source
          ? `the run read all ${source} source rows`
          : `the run read ${sum.read} rows, the source holds ${source}: ${Math.abs(source - sum.read)} ${source > sum.read ? "never read" : "no longer in the source"}`,
      failingRows: Math.abs(source - sum.read),
      samples: readMismatch.slice(0, sampleLimit).map((p) => ({
        partition: p.partition,
        read: p.read,
        source: p.source,
        difference: p.source - p.read,
      })),
    }),
  ]
}
