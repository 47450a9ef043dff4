import { Context, type Effect } from "effect"
import type { LedgerError } from "./CheckpointStore.js"

/** Per entity and partition of a run: the account of every source row. */
export interface Account {
  readonly entity: string
  readonly partition: string
  readonly batches: number
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
  readonly rolledBackBatches: number
}

/** A stored rejected row, skipped row or note. */
export interface RowErrorRecord {
  readonly runId: number
  readonly batchId: number
  readonly entity: string
  readonly partition: string
  readonly kind: "rejected" | "skipped" | "note"
  readonly sourceKey: string | null
  readonly column: string | null
  readonly rule: string
  readonly message: string
  readonly raw: unknown
}

/** Reads what the ledger recorded: counts per entity and the row errors with their reasons. */
export interface RowLedgerShape {
  readonly accounts: (runId: number) => Effect.Effect<ReadonlyArray<Account>, LedgerError>
  readonly errors: (
    runId: number,
    filter?: { readonly entity?: string; readonly kind?: RowErrorRecord["kind"]; readonly limit?: number },
  ) => Effect.Effect<ReadonlyArray<RowErrorRecord>, LedgerError>
}

/** The ledger of row outcomes. */
export class RowLedger extends Context.Tag("@schoolbridge/core/RowLedger")<RowLedger, RowLedgerShape>() {}
