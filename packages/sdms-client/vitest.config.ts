import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/sdms-client", databases: true, timeoutMs: 60_000 })
