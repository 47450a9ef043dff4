/**
 * Runs the built CLI as a child process, as an operator would (the bundle is built once, by the
 * global setup `buildCli.ts`).
 */
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** What a finished CLI run printed and how it exited. */
export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `schoolbridge-migrate ...args` with the given environment (merged over a minimal one). */
export const cli = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(app, "bin/schoolbridge-migrate.mjs"), ...args], {
      cwd: app,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
    })
    child.stderr.on("data", (d) => {
      stderr += d
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
