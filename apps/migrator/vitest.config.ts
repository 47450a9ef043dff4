import { config } from "@schoolbridge/testing/vitest"

// The CLI is built once, before the test files (which run it as a child process) start in parallel.
export default config({
  name: "@schoolbridge/migrator",
  databases: true,
  timeoutMs: 120_000,
  globalSetup: ["test/buildCli.ts"],
})
