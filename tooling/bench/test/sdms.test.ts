// The SDMS benchmark at a tiny size, as CI runs it: built and run as `pnpm bench:sdms` would be,
// its last line parsed and its targets checked. Speed is not asserted on a shared machine; the
// figures that do not depend on it are.
import { execFileSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

describe("bench:sdms", () => {
  it("fetches every id once, accounts for each, and makes no request over the warm cache", () => {
    execFileSync("node", ["build.mjs", "src/sdms.ts"], { cwd: dir })
    const out = execFileSync(
      "node",
      [
        ".build/sdms.mjs",
        "--ids",
        "150",
        "--limit",
        "300",
        "--latency",
        "5",
        "--storm-ms",
        "200",
        "--database",
        "sb_bench_sdms_ci",
      ],
      { cwd: dir, encoding: "utf8" },
    )
    const lines = out.trim().split("\n")
    const last = lines.at(-1)!
    const m =
      /^ids=(\d+) seconds=([\d.]+) requests=(\d+) duplicate_requests=(\d+) ratio_vs_limit=([\d.]+) peak_rss_mb=(\d+)$/.exec(
        last,
      )
    expect(m, last).not.toBeNull()
    const [, ids, , requests, duplicates, ratio] = m!.map(Number)
    expect(ids).toBe(150)
    expect(duplicates).toBe(0)
    expect(requests).toBeGreaterThanOrEqual(150)
    expect(ratio).toBeGreaterThan(0)
    expect(ratio).toBeLessThanOrEqual(1.5)
    const cold = lines.find((l) => l.startsWith("cold: "))!
    expect(cold).toMatch(/ ids=150 fetched=(\d+) failed=(\d+)/)
    const [, fetched, failed] = /fetched=(\d+) failed=(\d+)/.exec(cold)!.map(Number)
    expect(fetched! + failed!).toBe(150)
    expect(lines.find((l) => l.startsWith("warm: "))).toMatch(/ requests=0 /)
  })
})
