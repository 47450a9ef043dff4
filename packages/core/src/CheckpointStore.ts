import { Context, Data, type Effect } from "effect"
import type { Cursor } from "./Source.js"

/** Run states as the ledger stores them. */
export type RunStatus = "running" | "completed" | "failed" | "interrupted" | "rolled_back"

/** A migration run as recorded. `options` holds what is needed to resume it. */
export interface RunRecord {
  readonly runId: number
  readonly label: string | null
  readonly status: RunStatus
  readonly dryRun: boolean
  readonly options: unknown
  readonly startedAt: Date
  readonly finishedAt: Date | null
}

/**
 * Where a partition of a run resumes: after `cursor` (null: from the start), numbering batches from
 * `nextSeq`. `rowsMayExist` is true when batches that are not rolled back (of another run, or of this
 * run beyond a rolled-back batch) loaded this entity and partition, so rows must be merged, not copied.
 */
export interface ResumePoint {
  readonly nextSeq: number
  readonly cursor: Cursor | null
  readonly rowsMayExist: boolean
}

/** A failure to read or write the ledger. */
export class LedgerError extends Data.TaggedError("LedgerError")<{
  readonly reason: "connection" | "transient" | "query" | "not-found" | "conflict"
  readonly message: string
  readonly cause?: unknown
}> {}

/** Run lifecycle and checkpoints. Checkpoints are written by the Sink, inside each batch's transaction. */
export interface CheckpointStoreShape {
  readonly startRun: (run: {
    readonly label: string | null
    readonly dryRun: boolean
    readonly options: unknown
  }) => Effect.Effect<number, LedgerError>
  readonly getRun: (runId: number) => Effect.Effect<RunRecord, LedgerError>
  /** Marks a run running again (resume); fails if it was rolled back. */
  readonly reopenRun: (runId: number) => Effect.Effect<RunRecord, LedgerError>
  readonly finishRun: (runId: number, status: RunStatus, message?: string) => Effect.Effect<void, LedgerError>
  readonly resumePoint: (
    runId: number,
    entity: string,
    partition: string,
  ) => Effect.Effect<ResumePoint, LedgerError>
}

/** Where runs and checkpoints live. */
export class CheckpointStore extends Context.Tag("@schoolbridge/core/CheckpointStore")<
  CheckpointStore,
  CheckpointStoreShape
>() {}
