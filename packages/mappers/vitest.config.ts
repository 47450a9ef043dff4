import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/mappers", databases: true, timeoutMs: 60_000 })
