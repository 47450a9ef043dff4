// Plain JavaScript on purpose: vitest loads config files through Node, which cannot import
// TypeScript from a linked workspace package.
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

/**
 * The one vitest config every package uses. Results also go to a JSON file per package,
 * which the root test command sums into the single `N passed, N failed` line CI reads.
 * `globalSetup` adds the package's own setup files (run once before its test files, e.g. a build).
 * @param {{ name: string, databases?: boolean, timeoutMs?: number, globalSetup?: string[] }} options
 */
export const config = (options) =>
  defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: options.timeoutMs ?? 30_000,
      hookTimeout: 120_000,
      setupFiles: [path.join(root, "tooling/testing/src/setup.mjs")],
      reporters: ["default", "json"],
      outputFile: { json: path.join(root, ".vitest-results", `${options.name.replace(/[@/]/g, "_")}.json`) },
      globalSetup: [
        ...(options.databases ? [path.join(root, "tooling/testing/src/globalSetup.ts")] : []),
        ...(options.globalSetup ?? []),
      ],
    },
  })
