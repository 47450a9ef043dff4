import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/connectors", databases: true, timeoutMs: 120_000 })
