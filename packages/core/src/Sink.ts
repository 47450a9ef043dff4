import { Context, Data, type Effect } from "effect"
import type { Target } from "./Entity.js"
import type { Cursor } from "./Source.js"
import type { Mapped, Note, Rejected, Row, Skipped } from "./Transform.js"

/**
 * `copy`: the batch's key range is new (fresh run, resume), so rows go straight in with COPY.
 * `merge`: rows may already exist; they go through a staging table and `INSERT … ON CONFLICT`.
 */
export type LoadMode = "copy" | "merge"

/** Everything one batch commits, in one transaction: target rows, rejected/skipped rows, notes, checkpoint. */
export interface LoadBatch {
  readonly runId: number
  readonly entity: string
  readonly target: Target
  readonly partition: string
  readonly seq: number
  /** When the batch's entity began loading in this run (its rows per second are counted from there). */
  readonly startedAt?: Date | undefined
  readonly cursorFrom: Cursor | null
  readonly cursorTo: Cursor
  readonly mode: LoadMode
  /** How to find the rows again for rollback: `ranges` of ordered ids, or the `ids` themselves. */
  readonly trace: "ranges" | "ids"
  readonly read: number
  /** The rows to load, in the target's column order; empty when `encoded` carries them. */
  readonly rows: ReadonlyArray<Row>
  readonly keys: ReadonlyArray<string>
  /** The source rows of `rows`; empty when `encoded` carries the rows (the sink then reports target values). */
  readonly raws: ReadonlyArray<unknown>
  readonly rejected: ReadonlyArray<Rejected>
  readonly skipped: ReadonlyArray<Skipped>
  readonly notes: ReadonlyArray<Note>
  /** Identities to record in the id map with this batch (those that cannot be derived). */
  readonly mapped?: ReadonlyArray<Mapped>
  /** The rows already in the sink's wire format, one `SinkShape.encode` result per chunk, in order. */
  readonly encoded?: ReadonlyArray<unknown> | undefined
  /**
   * Awaited just before the commit: the previous batch's commit. If it fails, this batch must not
   * commit either (the checkpoints would have a gap), so the load fails and rolls back.
   */
  readonly commitAfter?: Effect.Effect<void, SinkError>
}

/** What a committed batch did. `rejected` includes rows the database refused. */
export interface LoadResult {
  readonly batchId: number
  readonly mode: LoadMode
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
  /** Rows the database refused (constraint, bad value), with its message. */
  readonly refused: ReadonlyArray<Rejected>
}

/** A failure to load a batch. Nothing of the batch was committed. `transient` ones are retried. */
export class SinkError extends Data.TaggedError("SinkError")<{
  readonly reason: "connection" | "transient" | "ledger" | "config" | "query"
  readonly entity: string
  readonly seq?: number
  readonly message: string
  readonly cause?: unknown
}> {}

/** Loads batches into the target and advances the checkpoint in the same transaction. */
export interface SinkShape {
  /** Checks the target table exists with the declared columns and registers it for the legacy-id map. */
  readonly prepare: (entity: string, target: Target) => Effect.Effect<void, SinkError>
  /**
   * Turns rows into the sink's wire format. The engine calls it while the previous batch is still
   * loading, so encoding overlaps the database's work instead of adding to it. Pure and synchronous.
   */
  readonly encode?: (target: Target, rows: ReadonlyArray<Row>, trace: LoadBatch["trace"]) => unknown
  readonly load: (batch: LoadBatch) => Effect.Effect<LoadResult, SinkError>
}

/** The target database's batch loader. */
export class Sink extends Context.Tag("@schoolbridge/core/Sink")<Sink, SinkShape>() {}
