import { describe, expect, it } from "vitest"
import { Check, Gate } from "../src/index.js"

const check = (id: string, severity: Check.Severity, passed: boolean, failingRows = 0, entity = "e") =>
  Check.make({
    id,
    kind: "domain",
    title: id,
    entity,
    tenant: null,
    severity,
    observed: 0,
    expected: 0,
    passed,
    detail: "",
    failingRows,
  })
const totals = [{ entity: "e", source: 1000, rejected: 0 }]

describe("Gate.decide", () => {
  it("says go when every check passes", () => {
    const d = Gate.decide([check("a", "critical", true), check("b", "warning", true)], totals, { runId: 3 })
    expect(d).toMatchObject({ verdict: "go", exitCode: 0, warningPassRate: 1 })
    expect(d.recommendation).toMatchObject({ action: "proceed", commands: [] })
    expect(d.triggers.every((t) => !t.fired)).toBe(true)
  })

  it("says no-go on one critical failure and recommends rolling the run back", () => {
    const d = Gate.decide([check("a", "critical", false, 1), check("b", "warning", true)], totals, {
      runId: 3,
    })
    expect(d).toMatchObject({ verdict: "no-go", exitCode: 1, criticalFailed: 1 })
    expect(d.triggers.find((t) => t.id === "critical-failure")?.fired).toBe(true)
    expect(d.recommendation).toMatchObject({
      action: "full-rollback",
      commands: ["schoolbridge-migrate rollback --run 3"],
    })
  })

  it("needs 95% of warnings by default, and takes another threshold", () => {
    const warnings = Array.from({ length: 20 }, (_, i) => check(`w${i}`, "warning", i !== 0))
    expect(Gate.decide(warnings, totals).verdict).toBe("go") // 19 / 20 = 95%
    const worse = warnings.map((w, i) => (i === 1 ? { ...w, passed: false } : w))
    expect(Gate.decide(worse, totals)).toMatchObject({ verdict: "no-go", warningPassRate: 0.9 })
    expect(Gate.decide(worse, totals).recommendation.action).toBe("fix-in-place")
    expect(Gate.decide(worse, totals, { warningPassRate: 0.9 }).verdict).toBe("go")
  })

  it("fires the 5% trigger on rows at fault and rolls back only the entities at fault up to 10%", () => {
    const t = [
      { entity: "a", source: 500, rejected: 20 },
      { entity: "b", source: 500, rejected: 0 },
    ]
    // 20 rejected + the worst failed check of a (45 rows) = 65 of 1000 rows: 6.5%
    const checks = [check("x", "warning", false, 45, "a"), check("y", "warning", false, 30, "a")]
    const d = Gate.decide(checks, t, { runId: 9 })
    expect(d.failingRowRate).toBeCloseTo(0.065)
    expect(d.triggers.find((x) => x.id === "failing-rows")?.fired).toBe(true)
    expect(d.recommendation).toMatchObject({
      action: "partial-rollback",
      entities: ["a"],
      commands: ["schoolbridge-migrate rollback --run 9 --entity a"],
    })
    const many = Gate.decide([check("x", "warning", false, 120, "a")], t, { runId: 9 })
    expect(many.recommendation.action).toBe("full-rollback")
  })

  it("says no-go when rows rejected by the run fire the trigger, though every check passes", () => {
    const t = [{ entity: "a", source: 100, rejected: 6 }]
    const d = Gate.decide([check("x", "critical", true)], t, { runId: 3 })
    expect(d).toMatchObject({ verdict: "no-go", exitCode: 1, criticalFailed: 0 })
    expect(d.triggers.find((x) => x.id === "failing-rows")?.fired).toBe(true)
    expect(d.recommendation.commands).toEqual(["schoolbridge-migrate rollback --run 3 --entity a"])
    expect(
      Gate.decide([check("x", "critical", true)], [{ entity: "a", source: 100, rejected: 5 }]).verdict,
    ).toBe("go")
  })

  it("keeps rows at fault below the trigger when it is 5% exactly", () => {
    const d = Gate.decide([check("x", "warning", false, 50)], totals)
    expect(d.failingRowRate).toBe(0.05)
    expect(d.triggers.find((x) => x.id === "failing-rows")?.fired).toBe(false)
  })

  it("uses a custom rollback command", () => {
    const d = Gate.decide([check("a", "critical", false)], totals, {
      runId: 4,
      rollbackCommand: (run, entity) => `migrate undo ${run} ${entity ?? "all"}`,
    })
    expect(d.recommendation.commands).toEqual(["migrate undo 4 all"])
  })

  it("maps verdicts to exit codes", () => {
    expect(Gate.exitCode("go")).toBe(0)
    expect(Gate.exitCode("no-go")).toBe(1)
  })
})
