/** vitest global setup: a copy of the migrator CLI of the demo tests' own (the migrator's tests build theirs). */
import { execFileSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const migrator = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../apps/migrator")
export const builtCli = path.join(migrator, "dist/demo-test/main.mjs")

export default function setup(): void {
  execFileSync(process.execPath, ["build.mjs", builtCli], { cwd: migrator, stdio: "inherit" })
}
