/** vitest global setup: builds `dist/main.mjs` once for every test file that runs the CLI. */
import { execFileSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
  execFileSync(process.execPath, ["build.mjs"], { cwd: app, stdio: "inherit" })
}
