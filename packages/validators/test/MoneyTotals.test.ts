import { describe, expect, it } from "vitest"
import { MoneyTotals } from "../src/index.js"

describe("MoneyTotals", () => {
  const g = (tenant: string | null, year: string | null, rows: number, units: bigint) => ({
    tenant,
    year,
    rows,
    units,
  })

  it("takes the rows the run left out out of the source's groups, dropping groups left empty", () => {
    const source = [g("1", "2024", 3, 300n), g("1", "2025", 1, 50n), g("1", null, 1, 7n)]
    const left = [g("1", "2024", 1, 100n), g("1", "2025", 1, 50n)]
    expect(MoneyTotals.subtract(source, left)).toEqual([g("1", "2024", 2, 200n), g("1", null, 1, 7n)])
  })

  it("names the tenant-years whose sums differ, whichever side lacks them", () => {
    const expected = [g("1", "2024", 2, 200n), g("2", "2024", 1, 10n)]
    const target = [g("1", "2024", 2, 200n), g("1", "2025", 1, 5n)]
    expect(MoneyTotals.differences(expected, target)).toEqual([
      { tenant: "1", year: "2025", expected: 0n, target: 5n, expectedRows: 0, targetRows: 1 },
      { tenant: "2", year: "2024", expected: 10n, target: 0n, expectedRows: 1, targetRows: 0 },
    ])
  })
})
