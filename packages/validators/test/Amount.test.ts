import { describe, expect, it } from "vitest"
import { Amount } from "../src/index.js"

describe("Amount", () => {
  it("reads decimal text as units of its scale, rounding half away from zero", () => {
    const cases: Array<[unknown, number, bigint | null]> = [
      ["1350.00", 2, 135000n],
      ["2.675", 2, 268n],
      ["-2.675", 2, -268n],
      ["-0.005", 2, -1n],
      [" 7 ", 2, 700n],
      [".5", 2, 50n],
      [12, 0, 12n],
      [3n, 2, 300n],
      ["1e5", 2, null],
      ["RM 10", 2, null],
      [null, 2, null],
    ]
    for (const [v, scale, want] of cases) expect(Amount.toUnits(v, scale), String(v)).toBe(want)
  })

  it("writes units back with exactly the scale's places", () => {
    expect(Amount.fromUnits(135000n, 2)).toBe("1350.00")
    expect(Amount.fromUnits(-5n, 2)).toBe("-0.05")
    expect(Amount.fromUnits(0n, 2)).toBe("0.00")
    expect(Amount.fromUnits(42n, 0)).toBe("42")
  })
})
