import { describe, expect, it } from "vitest"
import * as Progress from "../src/Progress.js"

describe("Progress.Tracker", () => {
  it("adds up batches and gives rows/s and an ETA once the source has estimated the total", async () => {
    const t = new Progress.Tracker(7, "students")
    t.add({ read: 100, loaded: 90, rejected: 6, skipped: 4 })
    expect(t.event("*").etaSeconds).toBeNull()
    t.estimate([300, 100])
    await new Promise((r) => setTimeout(r, 20))
    t.add({ read: 100, loaded: 100, rejected: 0, skipped: 0 })
    const e = t.event("t1")
    expect(e).toMatchObject({
      runId: 7,
      entity: "students",
      partition: "t1",
      batches: 2,
      read: 200,
      loaded: 190,
      rejected: 6,
      skipped: 4,
      total: 400,
      done: false,
    })
    expect(e.rowsPerSecond).toBeGreaterThan(0)
    expect(e.etaSeconds).toBeCloseTo(200 / e.rowsPerSecond, 5)
    expect(t.event("*", true).etaSeconds).toBe(0)
  })

  it("leaves the total unknown when one partition cannot tell", () => {
    const t = new Progress.Tracker(1, "x")
    t.estimate([10, null])
    expect(t.event("*").total).toBeNull()
  })
})
