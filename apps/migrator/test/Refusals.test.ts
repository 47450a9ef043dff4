import { describe, expect, it } from "vitest"
import * as Refusals from "../src/Refusals.js"

const root = "gibbon.staff 0000000031 phone (not a number; stored as empty)"

describe("the rows a run did not load, by cause", () => {
  const groups: ReadonlyArray<Refusals.Group> = [
    { entity: "gibbon.attendance", kind: "rejected", rule: "date", root: null, rows: 3 },
    { entity: "gibbon.staff", kind: "rejected", rule: "phone", root: null, rows: 1 },
    { entity: "gibbon.form_groups", kind: "rejected", rule: "parent_rejected:gibbon.staff", root, rows: 4 },
    {
      entity: "gibbon.attendance",
      kind: "rejected",
      rule: "parent_rejected:gibbon.form_groups",
      root,
      rows: 5000,
    },
    { entity: "gibbon.users", kind: "skipped", rule: "skipped", root: null, rows: 40 },
  ]

  it("counts a cascade under the rejection it started from, the costliest cause first, skips last", () => {
    expect(Refusals.causes(groups)).toEqual([
      {
        entity: "gibbon.staff",
        kind: "rejected",
        rule: "phone",
        rows: 1,
        downstream: [
          { entity: "gibbon.attendance", rows: 5000 },
          { entity: "gibbon.form_groups", rows: 4 },
        ],
      },
      { entity: "gibbon.attendance", kind: "rejected", rule: "date", rows: 3, downstream: [] },
      { entity: "gibbon.users", kind: "skipped", rule: "skipped", rows: 40, downstream: [] },
    ])
  })

  it("says so in a few lines for the end of run", () => {
    expect(Refusals.render(Refusals.causes(groups))).toEqual([
      "not loaded, by cause (root causes first):",
      "  gibbon.staff       phone     1 rejected",
      "    → and because of them: 5,000 gibbon.attendance, 4 gibbon.form_groups",
      "  gibbon.attendance  date      3 rejected",
      "  gibbon.users       skipped  40 skipped",
    ])
    expect(Refusals.render([])).toEqual([])
  })

  it("names the entities that rejected more than the tolerated share of what they read", () => {
    expect(
      Refusals.overTolerance(
        [
          { entity: "a", read: 100, rejected: 2 },
          { entity: "b", read: 100, rejected: 3 },
          { entity: "c", read: 0, rejected: 0 },
        ],
        0.02,
      ),
    ).toEqual([{ entity: "b", share: 0.03 }])
  })
})
