import { assertServers } from "./Servers.js"

/** vitest globalSetup for database suites: a missing server fails the run, loudly, before any test. */
export default async function setup(): Promise<void> {
  await assertServers(["postgres", "mysql"])
}
