import { config } from "@schoolbridge/testing/vitest"

export default config({ name: "@schoolbridge/fake-sdms" })
