import { Context, type Effect } from "effect"
import type { LedgerError } from "./CheckpointStore.js"

/**
 * The legacy-id map `(tenant, entity, legacy id) → target id`. Most ids need no look-up at all:
 * they are derived (`TargetId.of`). The map answers for the rest (matches by natural key) and lets
 * other tools find where a legacy row went.
 */
export interface IdMapShape {
  readonly lookup: (
    entity: string,
    tenant: string | null,
    legacyIds: ReadonlyArray<string>,
  ) => Effect.Effect<ReadonlyMap<string, string>, LedgerError>
}

/** The legacy-id map. */
export class IdMap extends Context.Tag("@schoolbridge/core/IdMap")<IdMap, IdMapShape>() {}
