/** Run lifecycle and checkpoints (port). */
export * as CheckpointStore from "./CheckpointStore.js"
/** What to migrate: entities and their targets. */
export * as Entity from "./Entity.js"
/** The legacy-id map (port). */
export * as IdMap from "./IdMap.js"
/** The engine: runs entities batch by batch with exactly-once checkpoints. */
export * as Pipeline from "./Pipeline.js"
/** Progress events: rows/s and ETA. */
export * as Progress from "./Progress.js"
/** Transient-fault retry with backoff and jitter. */
export * as Retry from "./Retry.js"
/** Rollback by run, batch, entity or tenant (port). */
export * as Rollback from "./Rollback.js"
/** The ledger of row outcomes (port). */
export * as RowLedger from "./RowLedger.js"
/** Credential columns kept out of the ledger and the reports. */
export * as Secrets from "./Secrets.js"
/** Batch loader of the target (port). */
export * as Sink from "./Sink.js"
/** Resumable batched readers (port). */
export * as Source from "./Source.js"
/** Deterministic, ordered target ids. */
export * as TargetId from "./TargetId.js"
/** Per-row transforms over batches, with rejections and notes. */
export * as Transform from "./Transform.js"
