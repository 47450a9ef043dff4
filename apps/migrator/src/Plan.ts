/**
 * `plan`: what a run would do, without writing anything: the entities in the order they load, their
 * batch sizes, partitions and the rows each source says it holds.
 */
import { Entity } from "@schoolbridge/core"
import { Effect } from "effect"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import type * as Sources from "./Sources.js"

/** One entity of the plan. */
export interface Step {
  readonly order: number
  readonly entity: string
  readonly source: string
  readonly table: string | null
  readonly dependsOn: ReadonlyArray<string>
  readonly batchSize: number
  readonly partitions: ReadonlyArray<string>
  /** Rows each partition holds, in the order of `partitions` (null where the source cannot tell). */
  readonly partitionRows: ReadonlyArray<number | null>
  /** Rows the source holds, when it can tell cheaply (a file source cannot before reading). */
  readonly estimatedRows: number | null
}

/** The entities of a manifest in dependency order. */
export const order = (manifest: Manifest.Manifest): ReadonlyArray<Manifest.EntityDecl> => {
  const byName = new Map(manifest.entities.map((e) => [e.name, e]))
  return Entity.dependencyOrder(
    manifest.entities.map((e) => ({ name: e.name, dependsOn: e.dependsOn ?? [] })),
  ).map((e) => byName.get(e.name)!)
}

/**
 * Builds the plan, asking each source for its partitions and row estimates; `readerOf` gives each
 * entity's reader (for a source of several schools, partitioned by school).
 */
export const make = (
  manifest: Manifest.Manifest,
  readerOf: (e: Manifest.EntityDecl) => Effect.Effect<Sources.Reader, Exit.CliError>,
): Effect.Effect<ReadonlyArray<Step>, Exit.CliError> =>
  Effect.forEach(order(manifest), (e, i) =>
    Effect.gen(function* () {
      const reader = yield* readerOf(e)
      const partitions = yield* Effect.mapError(reader.partitions, (err) => Exit.failure(err.message))
      const estimates = yield* Effect.forEach(partitions, (p) =>
        Effect.mapError(reader.estimate(p, null), (err) => Exit.failure(err.message)),
      )
      return {
        order: i + 1,
        entity: e.name,
        source: e.source,
        table: e.table ?? null,
        dependsOn: e.dependsOn ?? [],
        batchSize: e.batchSize ?? manifest.defaults.batchSize,
        partitions: partitions.map((p) => p.tenant ?? p.key),
        partitionRows: estimates,
        estimatedRows: estimates.some((n) => n === null)
          ? null
          : estimates.reduce<number>((s, n) => s + (n ?? 0), 0),
      } satisfies Step
    }),
  )

/** The plan as a text table for a terminal. */
export const render = (steps: ReadonlyArray<Step>): string => {
  const header = ["#", "entity", "source", "depends on", "batch", "partitions", "est. rows"]
  const rows = steps.map((s) => [
    String(s.order),
    s.entity,
    s.table ? `${s.source}:${s.table}` : s.source,
    s.dependsOn.join(", ") || "-",
    String(s.batchSize),
    s.partitions.length > 1
      ? s.partitions
          .map(
            (p, j) =>
              `${p} ${s.partitionRows[j] === null ? "?" : s.partitionRows[j]!.toLocaleString("en-US")}`,
          )
          .join(", ")
      : s.partitions.join(", "),
    s.estimatedRows === null ? "?" : s.estimatedRows.toLocaleString("en-US"),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 || i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ")
  const total = steps.reduce((s, x) => s + (x.estimatedRows ?? 0), 0)
  return [
    line(header),
    ...rows.map(line),
    "",
    `${steps.length} entities, about ${total.toLocaleString("en-US")} rows`,
  ].join("\n")
}
