import { Context, Data, Effect, Stream } from "effect"
import type { Note, Rejected } from "./Transform.js"

/** A resumable position in a source (a primary-key value, a record offset): JSON-serializable. */
export type Cursor = string | number

/** A slice of the work that runs on its own, e.g. one tenant's rows. `key` is `*` for the whole source. */
export interface Partition {
  readonly key: string
  readonly tenant: string | null
}

/** The whole source as one partition. */
export const wholeSource: Partition = { key: "*", tenant: null }

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
