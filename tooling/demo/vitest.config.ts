import { config } from "@schoolbridge/testing/vitest"

// The demo test runs the migrator CLI, built once into a copy of its own before the test files start.
export default config({
  name: "@schoolbridge/demo",
  databases: true,
  timeoutMs: 180_000,
  globalSetup: ["test/buildCli.ts"],
})
