import { Cause, Chunk, Data, Deferred, Effect, Exit, Fiber, Stream } from "effect"
import { CheckpointStore, type LedgerError } from "./CheckpointStore.js"
import { dependencyOrder, type Entity, idIndex } from "./Entity.js"
import * as Progress from "./Progress.js"
import * as Retry from "./Retry.js"
import * as Secrets from "./Secrets.js"
import { type LoadBatch, type LoadMode, Sink, type SinkError, type SinkShape } from "./Sink.js"
import {
  type Cursor,
  type Partition,
  batchSize as recordsIn,
  Source,
  type SourceBatch,
  type SourceError,
  type SourceShape,
} from "./Source.js"
import * as TargetId from "./TargetId.js"
import type { Rejected, Result, RowContext } from "./Transform.js"
import * as Transform from "./Transform.js"

/** A run that could not go on. Everything committed before it stays committed and resumable. */
export class PipelineError extends Data.TaggedError("PipelineError")<{
  readonly reason: "source" | "sink" | "ledger" | "config"
  readonly entity: string
  readonly partition?: string
  /** The batch that failed and the source position it started after. */
  readonly seq?: number
  readonly after?: Cursor | null
  /** Where and what, in one line: `students, partition t1, batch 3 (after source key 3000): …`. */
  readonly message: string
  readonly cause?: unknown
}> {}

const where = (entity: string, partition?: string, seq?: number, after?: Cursor | null) =>
  [
    entity,
    partition !== undefined && partition !== "*" ? `partition ${partition}` : null,
    seq !== undefined
      ? `batch ${seq}${after !== undefined ? ` (after source key ${JSON.stringify(after)})` : ""}`
      : null,
  ]
    .filter((x) => x !== null)
    .join(", ")

const failure = (
  reason: PipelineError["reason"],
  at: { entity: string; partition?: string; seq?: number; after?: Cursor | null },
  message: string,
  cause?: unknown,
) =>
  new PipelineError({
    reason,
    ...at,
    message: `${where(at.entity, at.partition, at.seq, at.after)}: ${message}`,
    ...(cause === undefined ? {} : { cause }),
  })

/** How to run an entity. */
export interface Options {
  readonly runId: number
  /** Rows per batch (one transaction); the entity's own batch size wins. Default 20,000 (measured best of 5k-40k). */
  readonly batchSize?: number
  /** Partitions loaded at the same time. Default 1. Forced to 1 in a dry run (one transaction). */
  readonly concurrency?: number
  /** Restricts the partitions to these tenants. */
  readonly tenants?: ReadonlyArray<string>
  /**
   * The tenant of the rows of a source that is not partitioned by tenant (a school's own database):
   * the rows' ids are that tenant's. Without it such rows belong to no tenant.
   */
  readonly tenant?: string
  /** Each tenant's id key (see `TargetId.TenantKeys`); when given, every tenant of the run needs one. */
  readonly tenantKeys?: TargetId.TenantKeys
  /** Rows read, transformed and encoded at a time (a batch is made of such chunks). Default 1,000. */
  readonly chunkSize?: number
  /** Batches read and transformed ahead of the ones being loaded. Default 2. */
  readonly readAhead?: number
  /**
   * Batches of one partition loading at once, each on its own connection; they still commit in
   * order. Two keep the database busy while the next batch is prepared. Default 2; 1 in a dry run.
   */
  readonly loadsInFlight?: number
  readonly dryRun?: boolean
  readonly retry?: Retry.Policy
  /** Rejected rows kept in the summary (the ledger keeps all, except in a dry run). Default 20. */
  readonly sampleSize?: number
  readonly onProgress?: (event: Progress.Event) => Effect.Effect<void>
}

/** The account of one entity in one run. read = loaded + rejected + skipped, always. */
export interface Summary {
  readonly entity: string
  readonly partitions: number
  readonly batches: number
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
  readonly elapsedMs: number
  readonly rowsPerSecond: number
  /** Up to `sampleSize` rejected rows with their reasons. */
  readonly rejectedSample: ReadonlyArray<Rejected>
}

const fromSource = (entity: string, partition: string) => (e: SourceError) =>
  failure("source", { entity, partition }, e.message, e)
const fromLedger = (entity: string) => (e: LedgerError) => failure("ledger", { entity }, e.message, e)

/** Runs one entity's transform over a chunk; the source's own rejections and notes come first. */
const transformBatch = (
  entity: Entity,
  tenant: string | null,
  batch: SourceBatch,
  makeId: RowContext["id"],
) => {
  const result = Transform.run(entity.transform, batch.rows, batch.keys, {
    entity: entity.name,
    tenant,
    id: makeId,
    onInvalid: entity.onInvalid,
  })
  if (batch.rejected.length > 0) result.rejected.unshift(...batch.rejected)
  if (batch.notes.length > 0) result.notes.unshift(...batch.notes)
  return { batch, result }
}

/** A chunk after the transform (and the sink's encoding, when it has one). */
interface Prepared {
  readonly read: number
  readonly cursor: Cursor
  readonly result: Result
  readonly encoded: ReadonlyArray<unknown> | undefined
}

const prepare = (
  entity: Entity,
  tenant: string | null,
  chunk: SourceBatch,
  makeId: RowContext["id"],
  sink: SinkShape,
  trace: LoadBatch["trace"],
): Prepared => {
  const { result } = transformBatch(entity, tenant, chunk, makeId)
  const read = recordsIn(chunk)
  if (!sink.encode) return { read, cursor: chunk.cursor, result, encoded: undefined }
  const encoded = [sink.encode(entity.target, result.ok, trace)]
  // The encoded form carries the rows now: let the tuples and the source rows go before they age.
  result.ok.length = 0
  result.okRaw.length = 0
  return { read, cursor: chunk.cursor, result, encoded }
}

/** Joins consecutive chunks into one batch: counts add up, lists concatenate, the last cursor wins. */
const merge = (chunks: ReadonlyArray<Prepared>): Prepared => {
  if (chunks.length === 1) return chunks[0]!
  const result: Result = { ok: [], okKeys: [], okRaw: [], rejected: [], skipped: [], notes: [], mapped: [] }
  const encoded: Array<unknown> = []
  let read = 0
  for (const c of chunks) {
    read += c.read
    for (const k of ["ok", "okKeys", "okRaw", "rejected", "skipped", "notes", "mapped"] as const) {
      const from = c.result[k] as Array<unknown>
      if (from.length > 0) (result[k] as Array<unknown>).push(...from)
    }
    if (c.encoded) encoded.push(...c.encoded)
  }
  return {
    read,
    cursor: chunks[chunks.length - 1]!.cursor,
    result,
    encoded: chunks[0]!.encoded ? encoded : undefined,
  }
}

/**
 * Runs one entity: each partition streams from its last committed checkpoint, batches are
 * transformed ahead while the previous one loads, and each batch commits with its checkpoint.
 */
export const runEntity = (
  entity: Entity,
  options: Options,
): Effect.Effect<Summary, PipelineError, Source | Sink | CheckpointStore> =>
  Effect.gen(function* () {
    const source = yield* Source
    const sink = yield* Sink
    const store = yield* CheckpointStore
    const batchSize = entity.batchSize ?? options.batchSize ?? 20_000
    const sampleSize = options.sampleSize ?? 20
    const concurrency = options.dryRun ? 1 : Math.max(1, options.concurrency ?? 1)
    const retry = options.retry ?? Retry.defaultPolicy
    yield* Effect.try({
      try: () => idIndex(entity.target),
      catch: (e) => failure("config", { entity: entity.name }, (e as Error).message),
    })
    yield* sink
      .prepare(entity.name, entity.target)
      .pipe(Effect.mapError((e) => failure("sink", { entity: entity.name }, e.message, e)))

    // The tenant of each partition's rows: its own, or the run's for a source of one school, whose
    // batches the ledger then files under that tenant too.
    const tenantOf = (p: Partition): string | null => p.tenant ?? options.tenant ?? null
    const ledgerKey = (p: Partition): string =>
      p.tenant === null && options.tenant !== undefined ? options.tenant : p.key
    let partitions = yield* source.partitions.pipe(Effect.mapError(fromSource(entity.name, "*")))
    if (options.tenants && options.tenants.length > 0) {
      const wanted = new Set(options.tenants)
      partitions = partitions.filter((p) => {
        const t = tenantOf(p)
        return t !== null && wanted.has(t)
      })
    }
    const tenants = [...new Set(partitions.flatMap((p) => tenantOf(p) ?? []))]
    const keyless = options.tenantKeys ? tenants.filter((t) => !options.tenantKeys!.has(t)) : []
    if (keyless.length > 0) {
      return yield* failure("config", { entity: entity.name }, `no id key for tenant ${keyless.join(", ")}`)
    }
    const clashes = TargetId.collisions("tenant", tenants, options.tenantKeys)
    if (clashes.length > 0) {
      return yield* failure(
        "config",
        { entity: entity.name },
        `tenants ${clashes.map(([a, b]) => `${a} and ${b}`).join(", ")} share an id code; rename one`,
      )
    }

    const trace = entity.ids === "ordered" ? "ranges" : "ids"
    const tracker = new Progress.Tracker(options.runId, entity.name)
    const sample: Array<Rejected> = []
    const makeId = TargetId.forEntity(entity.name, options.tenantKeys)

    const runPartition = (partition: Partition) =>
      Effect.gen(function* () {
        const key = ledgerKey(partition)
        const point = yield* store.resumePoint(options.runId, entity.name, key)
        const mode: LoadMode = point.rowsMayExist ? "merge" : "copy"
        yield* Effect.logDebug("partition start").pipe(
          Effect.annotateLogs({ entity: entity.name, partition: key, mode, after: point.cursor }),
        )
        // Each batch may commit only after the one before it: checkpoints then always form a prefix,
        // however many batches are loading at once.
        let previous = yield* Deferred.make<void, SinkError>()
        yield* Deferred.succeed(previous, undefined)
        const numbered = { seq: point.nextSeq - 1, cursor: point.cursor }
        // Rows are read, transformed and encoded in small chunks, so only a chunk's worth of row
        // objects is ever young and alive; a batch (one transaction) is then a run of encoded chunks.
        const chunkRows = Math.min(batchSize, Math.max(1, options.chunkSize ?? 1_000))
        yield* source.stream(partition, point.cursor, chunkRows).pipe(
          Stream.mapError(fromSource(entity.name, key)),
          Stream.map((chunk) => prepare(entity, tenantOf(partition), chunk, makeId, sink, trace)),
          Stream.grouped(Math.ceil(batchSize / chunkRows)),
          Stream.map((chunks) => {
            const merged = merge(Chunk.toReadonlyArray(chunks))
            const seq = ++numbered.seq
            const cursorFrom = numbered.cursor
            numbered.cursor = merged.cursor
            return { ...merged, seq, cursorFrom }
          }),
          Stream.buffer({ capacity: Math.max(1, options.readAhead ?? 2) }),
          Stream.mapEffect((t) =>
            Effect.map(Deferred.make<void, SinkError>(), (committed) => {
              const after = previous
              previous = committed
              return { ...t, after, committed }
            }),
          ),
          Stream.mapEffect(
            ({ read, cursor, result, encoded, seq, cursorFrom, after, committed }) => {
              const at = { entity: entity.name, partition: key, seq, after: cursorFrom }
              // Suspended so that each retry asks the sink again.
              const load = Effect.suspend(() =>
                sink.load({
                  runId: options.runId,
                  entity: entity.name,
                  target: entity.target,
                  partition: key,
                  seq,
                  startedAt: new Date(tracker.started),
                  cursorFrom,
                  cursorTo: cursor,
                  mode,
                  trace,
                  read,
                  rows: result.ok,
                  keys: result.okKeys,
                  raws: result.okRaw,
                  rejected: result.rejected,
                  skipped: result.skipped,
                  notes: result.notes,
                  mapped: result.mapped,
                  encoded,
                  commitAfter: Deferred.await(after),
                }),
              )
              return Retry.transient(load, retry).pipe(
                // A batch commits whole or not at all: never interrupt it half way.
                Effect.uninterruptible,
                Effect.onExit((exit) => Deferred.done(committed, Exit.asVoid(exit))),
                Effect.mapError((e: SinkError) => failure("sink", at, e.message, e)),
                Effect.map((loaded) => ({ read, loaded, rejected: result.rejected })),
              )
            },
            { concurrency: options.dryRun ? 1 : Math.max(1, options.loadsInFlight ?? 2) },
          ),
          Stream.runForEach(({ read, loaded, rejected }) => {
            tracker.add({ read, loaded: loaded.loaded, rejected: loaded.rejected, skipped: loaded.skipped })
            for (const r of rejected)
              if (sample.length < sampleSize) sample.push({ ...r, raw: Secrets.redact(r.raw) })
            for (const r of loaded.refused) if (sample.length < sampleSize) sample.push(r)
            return options.onProgress ? options.onProgress(tracker.event(key)) : Effect.void
          }),
        )
      }).pipe(
        Effect.mapError((e) => (e._tag === "LedgerError" ? fromLedger(entity.name)(e) : e)),
        // A transient fault while reading restarts the partition from its last committed checkpoint.
        (self) =>
          Effect.retry(self, {
            schedule: Retry.schedule(retry),
            while: (e) =>
              e.reason === "source" && (e.cause as SourceError | undefined)?.reason === "transient",
          }),
      )

    // Counting what is left can take a while on a big table and only feeds the ETA: do it alongside.
    const estimating = yield* Effect.forEach(
      partitions,
      (p) =>
        Effect.flatMap(store.resumePoint(options.runId, entity.name, ledgerKey(p)), (point) =>
          source.estimate(p, point.cursor),
        ).pipe(Effect.orElseSucceed(() => null)),
      { concurrency: 2 },
    ).pipe(
      Effect.tap((estimates) => Effect.sync(() => tracker.estimate(estimates))),
      Effect.fork,
    )

    yield* Effect.forEach(partitions, runPartition, { concurrency, discard: true })
    yield* Fiber.interrupt(estimating)
    const last = tracker.event("*", true)
    if (options.onProgress) yield* options.onProgress(last)
    return {
      entity: entity.name,
      partitions: partitions.length,
      batches: tracker.batches,
      read: tracker.read,
      loaded: tracker.loaded,
      rejected: tracker.rejected,
      skipped: tracker.skipped,
      elapsedMs: last.elapsedMs,
      rowsPerSecond: last.rowsPerSecond,
      rejectedSample: sample,
    } satisfies Summary
  }).pipe(
    Effect.withSpan("Pipeline.runEntity", { attributes: { entity: entity.name, runId: options.runId } }),
  )

/** One entity with the source it reads. */
export interface Step {
  readonly entity: Entity
  readonly source: SourceShape
}

/** What a whole run did. */
export interface RunResult {
  readonly runId: number
  readonly status: "completed"
  readonly entities: ReadonlyArray<Summary>
}

/**
 * Runs entities in dependency order as one run (new, or `resume`d from its checkpoints) and records
 * how it ended: completed, failed (with the message) or interrupted (Ctrl-C, after the batch in flight).
 */
export const run = (
  steps: ReadonlyArray<Step>,
  options: Omit<Options, "runId"> & {
    readonly resume?: number
    readonly label?: string
    readonly runOptions?: unknown
  },
): Effect.Effect<RunResult, PipelineError, Sink | CheckpointStore> =>
  Effect.gen(function* () {
    const store = yield* CheckpointStore
    const byName = new Map(steps.map((s) => [s.entity.name, s]))
    const order = yield* Effect.try({
      try: () => dependencyOrderOf(steps),
      catch: (e) => failure("config", { entity: "run" }, (e as Error).message),
    })
    const runId =
      options.resume !== undefined
        ? (yield* store.reopenRun(options.resume).pipe(Effect.mapError(fromLedger("run")))).runId
        : yield* store
            .startRun({
              label: options.label ?? null,
              dryRun: options.dryRun ?? false,
              options: options.runOptions ?? {},
            })
            .pipe(Effect.mapError(fromLedger("run")))
    const exit = yield* Effect.exit(
      Effect.forEach(order, (name) => {
        const step = byName.get(name)!
        return runEntity(step.entity, { ...options, runId }).pipe(Effect.provideService(Source, step.source))
      }),
    )
    const [status, message] = Exit.match(exit, {
      onSuccess: () => ["completed", undefined] as const,
      onFailure: (cause) =>
        Cause.isInterruptedOnly(cause)
          ? (["interrupted", "stopped by the operator"] as const)
          : ([
              "failed",
              Cause.squash(cause) instanceof Error
                ? (Cause.squash(cause) as Error).message
                : Cause.pretty(cause),
            ] as const),
    })
    yield* store.finishRun(runId, status, message).pipe(Effect.mapError(fromLedger("run")))
    const entities = yield* exit
    return { runId, status: "completed" as const, entities }
  })

const dependencyOrderOf = (steps: ReadonlyArray<Step>) =>
  dependencyOrder(steps.map((s) => s.entity)).map((e) => e.name)
