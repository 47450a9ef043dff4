import { Context, Data, Effect, Stream } from "effect"
import type { Note, Rejected } from "./Transform.js"

/** A resumable position in a source (a primary-key value, a record offset): JSON-serializable. */
export type Cursor = string | number

/** A slice of the work that runs on its own, e.g. one tenant's rows. `key` is `*` for the whole source. */
export interface Partition {
  readonly key: string
  readonly tenant: string | null
  /**
   * The rows of a source divided by tenant that belong to none of the run's tenants: the source
   * rejects each of them with its reason, so they are counted and never lost.
   */
  readonly unassigned?: boolean
}

/** The whole source as one partition. */
export const wholeSource: Partition = { key: "*", tenant: null }

/** The partition of rows that belong to no tenant of the run (see `Partition.unassigned`). */
export const unassigned: Partition = { key: "(no tenant)", tenant: null, unassigned: true }

/** One batch read from a source. `cursor` is the position after its last record: the next checkpoint. */
export interface SourceBatch<Row = unknown> {
  readonly rows: ReadonlyArray<Row>
  /** The source key of each row, for rejections and notes. */
  readonly keys: ReadonlyArray<string>
  readonly cursor: Cursor
  /** Records the source could not read at all (a ragged CSV line, a broken JSON line). */
  readonly rejected: ReadonlyArray<Rejected>
  /** Things the source changed on the way (a zero date read as null). */
  readonly notes: ReadonlyArray<Note>
}

/** Number of records a batch accounts for. */
export const batchSize = (b: SourceBatch): number => b.rows.length + b.rejected.length

/** A failure to read a source. `transient` ones are retried. */
export class SourceError extends Data.TaggedError("SourceError")<{
  readonly reason: "connection" | "query" | "transient" | "config"
  readonly source: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** Reads rows in a stable order from a resumable cursor, in batches. */
export interface SourceShape<Row = unknown> {
  /** Says what is read, without secrets, e.g. `mysql legacy.students`. */
  readonly describe: string
  readonly partitions: Effect.Effect<ReadonlyArray<Partition>, SourceError>
  /** Rows in a partition after a cursor, when the source can tell cheaply; null when it cannot. */
  readonly estimate: (partition: Partition, after: Cursor | null) => Effect.Effect<number | null, SourceError>
  /** Batches of rows strictly after `after`, in cursor order, with back-pressure. */
  readonly stream: (
    partition: Partition,
    after: Cursor | null,
    batchSize: number,
  ) => Stream.Stream<SourceBatch<Row>, SourceError>
}

/** The source of the entity being run. */
// biome-ignore lint/suspicious/noExplicitAny: each entity reads its own row type; the entity's transform narrows it
export class Source extends Context.Tag("@schoolbridge/core/Source")<Source, SourceShape<any>>() {}

/**
 * The keys of an array of records read whole (a JSON document's collection): a record's `field` when
 * it holds a string or number (trimmed), else `#index`. An id several records hold is no one's key:
 * they are `id (copy 1)`, `id (copy 2)` … in array order, so each keeps a key of its own in the ledger
 * and in the plans that decide between them.
 */
export const recordKeys = (elements: ReadonlyArray<unknown>, field: string): ReadonlyArray<string> => {
  const ids = elements.map((element) => {
    const v =
      typeof element === "object" && element !== null
        ? (element as Record<string, unknown>)[field]
        : undefined
    return typeof v === "string" || typeof v === "number" ? String(v).trim() : ""
  })
  const total = new Map<string, number>()
  for (const id of ids) if (id !== "") total.set(id, (total.get(id) ?? 0) + 1)
  const seen = new Map<string, number>()
  return ids.map((id, index) => {
    if (id === "") return `#${index}`
    if (total.get(id) === 1) return id
    const n = (seen.get(id) ?? 0) + 1
    seen.set(id, n)
    return `${id} (copy ${n})`
  })
}

/**
 * Rows already in memory as a source: rows planned from several tables before the run (Gibbon's
 * family pairs). One partition; the cursor is the number of rows read, so a resumed run goes on after
 * the last committed row, provided the same tables give the same rows in the same order.
 */
export const fromRows = <Row>(
  describe: string,
  rows: ReadonlyArray<Row>,
  keyOf: (row: Row) => string,
): SourceShape<Row> => ({
  describe,
  partitions: Effect.succeed([wholeSource]),
  estimate: (_partition, after) => Effect.succeed(Math.max(0, rows.length - Number(after ?? 0))),
  stream: (_partition, after, size) => {
    const start = Number(after ?? 0)
    return Stream.fromIterable(
      Array.from({ length: Math.ceil(Math.max(0, rows.length - start) / size) }, (_, i) => start + i * size),
    ).pipe(
      Stream.map((from) => {
        const slice = rows.slice(from, from + size)
        return { rows: slice, keys: slice.map(keyOf), cursor: from + slice.length, rejected: [], notes: [] }
      }),
    )
  },
})

/**
 * One source per tenant as one source partitioned by tenant: rows planned in memory for each school
 * (Gibbon's family pairs of that school's families). Partition `t` streams `sources.get(t)`.
 */
export const byTenant = <Row>(
  describe: string,
  sources: ReadonlyMap<string, SourceShape<Row>>,
): SourceShape<Row> => {
  const of = (partition: Partition) => {
    const s = partition.tenant === null ? undefined : sources.get(partition.tenant)
    return s === undefined
      ? Effect.fail(
          new SourceError({ reason: "config", source: describe, message: `no partition ${partition.key}` }),
        )
      : Effect.succeed(s)
  }
  return {
    describe,
    partitions: Effect.succeed([...sources.keys()].map((t) => ({ key: t, tenant: t }))),
    estimate: (partition, after) => Effect.flatMap(of(partition), (s) => s.estimate(wholeSource, after)),
    stream: (partition, after, size) =>
      Stream.unwrap(Effect.map(of(partition), (s) => s.stream(wholeSource, after, size))),
  }
}

/**
 * A source of several schools whose rows say their school themselves (a file with a school column):
 * one partition per tenant, each reading the whole source and keeping the rows `tenantOf` gives it,
 * and one of the rows it gives none of the tenants, each rejected with `reason`. The cursor is the
 * source's own, so every partition resumes exactly.
 */
export const routed = <Row>(
  inner: SourceShape<Row>,
  tenants: ReadonlyArray<string>,
  tenantOf: (row: Row) => string | null,
  reason: (row: Row) => string,
): SourceShape<Row> => {
  const known = new Set(tenants)
  return {
    describe: inner.describe,
    partitions: Effect.succeed([...tenants.map((t) => ({ key: t, tenant: t })), unassigned]),
    // Counting a school's rows would mean reading them all: the whole source is the estimate.
    estimate: (_partition, after) => inner.estimate(wholeSource, after),
    stream: (partition, after, size) =>
      inner.stream(wholeSource, after, size).pipe(
        Stream.map((batch): SourceBatch<Row> => {
          const rows: Array<Row> = []
          const keys: Array<string> = []
          const rejected: Array<Rejected> = []
          batch.rows.forEach((row, i) => {
            const t = tenantOf(row)
            const mine = partition.unassigned ? t === null || !known.has(t) : t === partition.tenant
            if (!mine) return
            if (partition.unassigned)
              rejected.push({
                key: batch.keys[i]!,
                reasons: [{ column: null, rule: "tenant_unknown", message: reason(row) }],
                raw: row,
              })
            else {
              rows.push(row)
              keys.push(batch.keys[i]!)
            }
          })
          // Records the source could not read belong to no school: the partition of no tenant counts them.
          const own = new Set(keys)
          return {
            rows,
            keys,
            cursor: batch.cursor,
            rejected: partition.unassigned ? [...batch.rejected, ...rejected] : [],
            notes: batch.notes.filter((n) => own.has(n.key)),
          }
        }),
      ),
  }
}
