#!/usr/bin/env node
// The README's test command: lint, type-check and test every package through turbo, then print
// the one closing line CI reads, summed over the whole workspace from vitest's JSON reports.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

// The validators' HTML report is checked in headless Chromium (Debian's package; a browser that a
// test tool downloads does not work here). Install it when missing, as on a fresh machine.
if (!existsSync("/usr/bin/chromium")) {
  console.log("installing Debian's chromium for the HTML report test (apt-get)")
  spawnSync(
    "sh",
    ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"],
    {
      stdio: "inherit",
    },
  )
}
const resultsDir = path.join(root, ".vitest-results")
rmSync(resultsDir, { recursive: true, force: true })

const turbo = spawnSync(
  "pnpm",
  [
    "exec",
    "turbo",
    "run",
    "lint",
    "typecheck",
    "test",
    "--continue",
    "--output-logs=errors-only",
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" } },
)

let passed = 0
let failed = 0
let skipped = 0
const suitesFailed = []
if (existsSync(resultsDir)) {
  for (const file of readdirSync(resultsDir).filter((f) => f.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(path.join(resultsDir, file), "utf8"))
    passed += report.numPassedTests ?? 0
    failed += report.numFailedTests ?? 0
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
    // A test file that failed to load (or a failed hook) counts as a failure even though no test ran.
    for (const suite of report.testResults ?? []) {
      if (suite.status === "failed" && (suite.assertionResults ?? []).every((a) => a.status !== "failed")) {
        failed += 1
        suitesFailed.push(path.relative(root, suite.name))
      }
    }
  }
}
for (const s of suitesFailed) console.log(`failed to run: ${s}`)
if (turbo.status !== 0 && failed === 0) {
  // lint, a type error or a suite that could not start (a missing server) failed without a test result
  console.log("a lint, type-check or test task failed before reporting tests (see its output above)")
  failed = 1
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
process.exit(turbo.status !== 0 || failed > 0 ? 1 : 0)
