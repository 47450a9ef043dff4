import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/migrator", databases: true, timeoutMs: 120_000 })
