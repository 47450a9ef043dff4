// The README's example, run as another tool would run it: its code block written to a file and
// executed with tsx against the fake, configured only through the environment.
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { FakeSdms, Records } from "@schoolbridge/fake-sdms"
import { describe, expect, it } from "vitest"
import { apiKey } from "./Support.js"

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

describe("README", () => {
  it("its example prints a student's name from SDMS", async () => {
    const readme = readFileSync(path.join(dir, "README.md"), "utf8")
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!
    expect(code.trim().split("\n").length).toBeLessThanOrEqual(12)
    const fake = await FakeSdms.start({
      apiKeys: [apiKey],
      population: { students: 100, staff: 1, schools: 10 },
    })
    // Inside the package, so that the example's import of the package by name resolves to it.
    const tmp = mkdtempSync(path.join(dir, ".readme-"))
    try {
      const file = path.join(tmp, "example.ts")
      writeFileSync(file, code)
      const { stdout } = await promisify(execFile)(
        path.join(dir, "node_modules/.bin/tsx"),
        [file, Records.studentId(42)],
        { cwd: dir, env: { ...process.env, SDMS_BASE_URL: fake.url, SDMS_API_KEY: apiKey } },
      )
      const s = fake.record("students", Records.studentId(42))!
      expect(stdout.trim()).toBe(`${s.fullName} ${s.schoolCode}`)
      expect(fake.log.map((l) => [l.auth, l.status])).toEqual([["apiKey", 200]])
    } finally {
      rmSync(tmp, { recursive: true, force: true })
      await fake.close()
    }
  })
})
