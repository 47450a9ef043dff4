import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/bench", databases: true, timeoutMs: 120_000 })
