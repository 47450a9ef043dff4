import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { StudentNumber } from "../src/index.js"

describe("StudentNumber.plan", () => {
  it("keeps legacy numbers, generates after the highest sequence, skips taken ones", () => {
    const plan = StudentNumber.plan(
      [
        { key: "2", number: null, year: 2024 },
        { key: "10", number: "STU2024MY0007", year: 2024 },
        { key: "1", number: "", year: 2023 },
        { key: "3", number: "STU2024MY0007", year: 2024 },
        { key: "4", number: null, year: null },
      ],
      "MY",
    )
    expect([...plan.numbers].sort()).toEqual([
      ["1", "STU2023MY0001"],
      ["2", "STU2024MY0008"],
      ["3", "STU2024MY0007"],
    ])
    // Key 3 comes before key 10 numerically, so 10 is the duplicate.
    expect([...plan.duplicates]).toEqual(["10"])
    expect([...plan.unnumbered]).toEqual(["4"])
  })
  it("the lower key keeps a shared number", () => {
    const plan = StudentNumber.plan(
      [
        { key: "9", number: "A1", year: 2024 },
        { key: "10", number: "A1", year: 2024 },
      ],
      "MY",
    )
    expect(plan.numbers.get("9")).toBe("A1")
    expect([...plan.duplicates]).toEqual(["10"])
  })
  it("never collides and does not depend on row order", () => {
    const input = fc.array(
      fc.record({
        key: fc.nat({ max: 500 }).map(String),
        number: fc.option(fc.constantFrom("STU2024MY0001", "STU2024MY0002", "STU2024MY9999", "X"), {
          nil: null,
        }),
        year: fc.option(fc.constantFrom(2023, 2024), { nil: null }),
      }),
      { maxLength: 40 },
    )
    fc.assert(
      fc.property(input, (rows) => {
        const unique = [...new Map(rows.map((r) => [r.key, r])).values()]
        const plan = StudentNumber.plan(unique, "MY")
        const values = [...plan.numbers.values()]
        const again = StudentNumber.plan([...unique].reverse(), "MY")
        return (
          new Set(values).size === values.length &&
          JSON.stringify([...again.numbers].sort()) === JSON.stringify([...plan.numbers].sort())
        )
      }),
    )
  })
})
