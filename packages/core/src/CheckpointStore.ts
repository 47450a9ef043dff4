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

/** The last committed batch of a partition: where to resume. */
export interface Checkpoint {
  readonly seq: number
  readonly cursor: Cursor
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
  /** Marks a run running again (resume); fails if it is rolled back or running elsewhere. */
  readonly reopenRun: (runId: number) => Effect.Effect<RunRecord, LedgerError>
  readonly finishRun: (runId: number, status: RunStatus, message?: string) => Effect.Effect<void, LedgerError>
  readonly latest: (
    runId: number,
    entity: string,
    partition: string,
  ) => Effect.Effect<Checkpoint | null, LedgerError>
  /** True when batches of other runs that are not rolled back loaded this entity and partition: rows may exist. */
  readonly loadedElsewhere: (
    runId: number,
    entity: string,
    partition: string,
  ) => Effect.Effect<boolean, LedgerError>
}

/** Where runs and checkpoints live. */
export class CheckpointStore extends Context.Tag("@schoolbridge/core/CheckpointStore")<
  CheckpointStore,
  CheckpointStoreShape
>() {}
