import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/demo", databases: true, timeoutMs: 120_000 })
