/** Deterministic Malaysian registry records: students, staff, schools. */
export * as Records from "./Records.js"
/** The fake SDMS HTTP server: both auth schemes, ETags, fault switches, a request log. */
export * as FakeSdms from "./Server.js"
