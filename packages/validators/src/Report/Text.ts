import type * as Check from "../Check.js"

/** A measure or sample value as report text. */
export const show = (v: Check.SampleValue | undefined): string =>
  v === null || v === undefined ? "—" : typeof v === "string" ? v : String(v)

/** A rate as a percentage with up to two decimals. */
export const percent = (x: number): string => `${Math.round(x * 10000) / 100}%`

/** The status word of a check. */
export const status = (c: Check.Check): string =>
  c.passed ? "PASS" : c.severity === "critical" ? "FAIL" : "WARN"

/** Column names of a list of samples, in first-seen order. */
export const sampleColumns = (samples: ReadonlyArray<Check.Sample>): Array<string> => [
  ...new Set(samples.flatMap((s) => Object.keys(s))),
]

/** Checks in reading order: failed critical, failed warnings, then the rest as they ran. */
export const failuresFirst = (checks: ReadonlyArray<Check.Check>): Array<Check.Check> => {
  const rank = (c: Check.Check) => (c.passed ? 2 : c.severity === "critical" ? 0 : 1)
  return [...checks]
    .map((c, i) => [c, i] as const)
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1])
    .map(([c]) => c)
}
