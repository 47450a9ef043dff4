import { Context, type Effect } from "effect"
import type { LedgerError } from "./CheckpointStore.js"

/** What to roll back. A tenant rollback removes that tenant's rows from every batch that loaded any. */
export type Scope =
  | { readonly _tag: "Run"; readonly runId: number }
  | { readonly _tag: "Batch"; readonly batchId: number }
  | { readonly _tag: "Entity"; readonly entity: string }
  | { readonly _tag: "Tenant"; readonly tenant: string }

/** Describes a scope for an operator. */
export const describe = (scope: Scope): string => {
  switch (scope._tag) {
    case "Run":
      return `run ${scope.runId}`
    case "Batch":
      return `batch ${scope.batchId}`
    case "Entity":
      return `entity ${scope.entity}`
    case "Tenant":
      return `tenant ${scope.tenant}`
  }
}

/** What a rollback will remove (plan) or removed (execute), per target table. */
export interface Effects {
  readonly batches: number
  readonly tables: ReadonlyArray<{ readonly table: string; readonly rows: number }>
  readonly idMapEntries: number
}

/** Removes loaded rows by run, batch, entity or tenant, in one transaction, and marks the ledger. */
export interface RollbackShape {
  readonly plan: (scope: Scope) => Effect.Effect<Effects, LedgerError>
  readonly execute: (scope: Scope) => Effect.Effect<Effects, LedgerError>
}

/** Rollback of loaded rows. */
export class Rollback extends Context.Tag("@schoolbridge/core/Rollback")<Rollback, RollbackShape>() {}
