import type { InvalidPolicy, Transform } from "./Transform.js"

/** Where an entity's rows go. `columns` is the order of the transform's output rows. */
export interface Target {
  /** Schema-qualified table name, e.g. `academic.assessment_results`. */
  readonly table: string
  readonly columns: ReadonlyArray<string>
  /** The UUID primary key; defaults to `id`. */
  readonly idColumn?: string
  /** The column that holds the tenant, for tenant rollback and the legacy-id map. */
  readonly tenantColumn?: string
  /** In merge mode, update rows that already exist (upsert) instead of leaving them as they are. */
  readonly upsert?: boolean
}

/** One thing to migrate: a named flow of rows from a source, through a transform, into a target table. */
// biome-ignore lint/suspicious/noExplicitAny: a transform is contravariant in its row type; any lets lists of entities mix row types
export interface Entity<In = any> {
  /** Also the `legacy_source` written on each target row. */
  readonly name: string
  readonly target: Target
  readonly transform: Transform<In>
  /**
   * `ordered`: the legacy key is a non-negative integer and the source streams rows in its order, so
   * each batch's rows are traced by id ranges. `hashed`: anything else; rows are traced by their ids.
   */
  readonly ids: "ordered" | "hashed"
  readonly batchSize?: number
  readonly dependsOn?: ReadonlyArray<string>
  /** Per source column, the manifest's policy for a value its cleanser refuses (see `Transform.InvalidPolicy`). */
  readonly onInvalid?: Readonly<Record<string, InvalidPolicy>> | undefined
}

/** The id column of a target. */
export const idColumn = (target: Target): string => target.idColumn ?? "id"

/** Index of the id column in the transform's output rows; fails loudly on a target without one. */
export const idIndex = (target: Target): number => {
  const i = target.columns.indexOf(idColumn(target))
  if (i < 0) throw new Error(`target ${target.table} does not list its id column ${idColumn(target)}`)
  return i
}

/** Entities in an order where each comes after the ones it depends on; fails on a cycle or a missing one. */
export const dependencyOrder = <
  E extends { readonly name: string; readonly dependsOn?: ReadonlyArray<string> },
>(
  entities: ReadonlyArray<E>,
): Array<E> => {
  const byName = new Map(entities.map((e) => [e.name, e]))
  const done = new Set<string>()
  const visiting = new Set<string>()
  const order: Array<E> = []
  const visit = (e: E, path: ReadonlyArray<string>) => {
    if (done.has(e.name)) return
    if (visiting.has(e.name))
      throw new Error(`entities depend on each other in a cycle: ${[...path, e.name].join(" -> ")}`)
    visiting.add(e.name)
    for (const dep of e.dependsOn ?? []) {
      const d = byName.get(dep)
      if (!d) throw new Error(`entity ${e.name} depends on ${dep}, which is not defined`)
      visit(d, [...path, e.name])
    }
    visiting.delete(e.name)
    done.add(e.name)
    order.push(e)
  }
  for (const e of entities) visit(e, [])
  return order
}
