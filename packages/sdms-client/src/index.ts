/** Client credentials: an API key, or OAuth2 client credentials with token refresh. */
export * as Auth from "./Auth.js"
/** The in-memory cache, for tools without a database. */
export * as MemoryCache from "./Cache/Memory.js"
/** The PostgreSQL cache (schema `sdms`). */
export * as PgCache from "./Cache/Pg.js"
/** The cache port the client reads through. */
export * as Cache from "./Cache.js"
/** Opens after consecutive failures, probes after a cool-down. */
export * as CircuitBreaker from "./CircuitBreaker.js"
/** Plain counters of a client. */
export * as Metrics from "./Metrics.js"
/** Token bucket and concurrency bound, shared by the process. */
export * as RateLimit from "./RateLimit.js"
/** Student, staff and school records: Schemas and decoding that keeps the raw body. */
export * as Record from "./Record.js"
/** The service: student, staff, school, students. */
export * as SdmsClient from "./SdmsClient.js"
/** The one error of the client, with its reason. */
export * from "./SdmsError.js"
/** The axios instance behind the client. */
export * as Transport from "./Transport.js"
