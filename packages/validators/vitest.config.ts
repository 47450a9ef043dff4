import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/validators", databases: true, timeoutMs: 120_000 })
