/**
 * A file of records read in resumable batches: the part the CSV, NDJSON and JSON sources share. A format
 * supplies a synchronous decoder (bytes in, records out); this module reads the file chunk by chunk,
 * counts records, skips to a cursor and cuts batches. The cursor is the number of records consumed,
 * rejected ones included, so resuming at offset k re-reads the file and drops the first k records.
 */
import { constants } from "node:fs"
import { access, type FileHandle, open, stat } from "node:fs/promises"
import { Source, type Transform } from "@schoolbridge/core"
import { Effect, Option, Stream } from "effect"

/** Text encodings the file sources read. */
export type Encoding = "utf8" | "latin1"

/** One record of a file: a row with its key, or a record the format could not read. */
export type Entry<Row> =
  | { readonly _tag: "Row"; readonly key: string; readonly row: Row }
  | { readonly _tag: "Rejected"; readonly rejected: Transform.Rejected }

/** A row entry. */
export const row = <Row>(key: string, value: Row): Entry<Row> => ({ _tag: "Row", key, row: value })

/** A rejected entry with one reason. */
export const rejected = <Row>(key: string, rule: string, message: string, raw: unknown): Entry<Row> => ({
  _tag: "Rejected",
  rejected: { key, reasons: [{ column: null, rule, message }], raw },
})

/**
 * Turns a file's bytes into records, synchronously. Entries go to `out` in file order. A decoder throws
 * a `SourceError` only when the file as a whole is unusable; a bad record becomes a rejected entry.
 */
export interface Decoder<Row> {
  readonly write: (chunk: Buffer, out: Array<Entry<Row>>) => void
  /** Called once at the end of the file. */
  readonly end: (out: Array<Entry<Row>>) => void
}

/** What a file source reads and how. */
export interface Spec<Row> {
  /** e.g. `csv`, used in messages. */
  readonly format: string
  readonly path: string
  /** A fresh decoder for each pass over the file. */
  readonly decoder: () => Decoder<Row>
}

/** Bytes read per I/O call: one promise per chunk, never one per record. */
export const chunkSize = 64 * 1024

/** A record key from a column value; the position stands in when the value is missing or empty. */
export const keyOf = (value: unknown, position: number): string => {
  if (value === undefined || value === null || value === "") return String(position)
  if (typeof value === "object") return JSON.stringify(value)
  return String(value)
}

/** The part of a spec that names the file, for messages. */
export type Named = Pick<Spec<unknown>, "format" | "path">

const describe = (spec: Named) => `${spec.format} file ${spec.path}`

/** A `SourceError` naming the file. */
export const error = (
  spec: Named,
  reason: Source.SourceError["reason"],
  message: string,
  cause?: unknown,
): Source.SourceError =>
  new Source.SourceError({
    reason,
    source: describe(spec),
    message: `${describe(spec)}: ${message}`,
    ...(cause === undefined ? {} : { cause }),
  })

const ioError = (spec: Named, e: unknown): Source.SourceError => {
  if (e instanceof Source.SourceError) return e
  const code = (e as { code?: unknown } | null)?.code
  if (code === "ENOENT") return error(spec, "config", "not found; check the path", e)
  if (code === "EACCES" || code === "EPERM") {
    return error(spec, "config", "cannot be read (permission denied); check the file's permissions", e)
  }
  if (code === "EISDIR") return error(spec, "config", "is a directory; give the path of a file", e)
  return error(spec, "query", `read failed: ${e instanceof Error ? e.message : String(e)}`, e)
}

/** Fails with a "config" error unless the path is a readable regular file; succeeds with its size. */
export const check = (spec: Named): Effect.Effect<number, Source.SourceError> =>
  Effect.tryPromise({
    try: async () => {
      const info = await stat(spec.path)
      if (!info.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" })
      await access(spec.path, constants.R_OK)
      return info.size
    },
    catch: (e) => ioError(spec, e),
  })

/**
 * Feeds the start of the file to a decoder until `enough` says so or the file ends; returns the entries
 * seen and whether the whole file was read. For checks at `make` time and for estimates.
 */
export const probe = <Row>(
  spec: Named,
  decoder: Decoder<Row>,
  enough: (entries: ReadonlyArray<Entry<Row>>) => boolean,
  maxBytes = Number.POSITIVE_INFINITY,
): Effect.Effect<
  { readonly entries: ReadonlyArray<Entry<Row>>; readonly bytes: number; readonly eof: boolean },
  Source.SourceError
> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({ try: () => open(spec.path, "r"), catch: (e) => ioError(spec, e) }),
    (handle) =>
      Effect.tryPromise({
        try: async () => {
          const entries: Array<Entry<Row>> = []
          let bytes = 0
          while (!enough(entries) && bytes < maxBytes) {
            const chunk = await readChunk(handle)
            if (chunk === null) {
              decoder.end(entries)
              return { entries, bytes, eof: true }
            }
            bytes += chunk.length
            decoder.write(chunk, entries)
          }
          return { entries, bytes, eof: false }
        },
        catch: (e) => ioError(spec, e),
      }),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined)),
  )

const readChunk = async (handle: FileHandle): Promise<Buffer | null> => {
  // A fresh buffer each time: decoders may keep a slice of the previous chunk (a split record).
  const buffer = Buffer.allocUnsafe(chunkSize)
  const { bytesRead } = await handle.read(buffer, 0, chunkSize, null)
  return bytesRead === 0 ? null : buffer.subarray(0, bytesRead)
}

/** Reads the file forward, holding at most one batch plus one chunk's records. */
class Reader<Row> {
  private queue: Array<Entry<Row>> = []
  private eof = false

  constructor(
    private readonly handle: FileHandle,
    private readonly decoder: Decoder<Row>,
    private toSkip: number,
    private offset: number,
  ) {}

  async next(size: number): Promise<Source.SourceBatch<Row> | null> {
    while (this.queue.length < size && !this.eof) await this.fill()
    if (this.queue.length === 0) return null
    const taken = this.queue.length <= size ? this.queue : this.queue.slice(0, size)
    this.queue = this.queue.length <= size ? [] : this.queue.slice(size)
    const rows: Array<Row> = []
    const keys: Array<string> = []
    const rejections: Array<Transform.Rejected> = []
    for (const entry of taken) {
      if (entry._tag === "Row") {
        rows.push(entry.row)
        keys.push(entry.key)
      } else rejections.push(entry.rejected)
    }
    this.offset += taken.length
    return { rows, keys, cursor: this.offset, rejected: rejections, notes: [] }
  }

  private async fill(): Promise<void> {
    const chunk = await readChunk(this.handle)
    const fresh: Array<Entry<Row>> = []
    if (chunk === null) {
      this.eof = true
      this.decoder.end(fresh)
    } else this.decoder.write(chunk, fresh)
    let i = 0
    if (this.toSkip > 0) {
      i = Math.min(this.toSkip, fresh.length)
      this.toSkip -= i
    }
    for (; i < fresh.length; i++) this.queue.push(fresh[i]!)
  }
}

/** The record offset a cursor stands for: null is the start; checkpoints may hand numbers back as strings. */
export const offsetOf = (
  spec: Named,
  after: Source.Cursor | null,
): Effect.Effect<number, Source.SourceError> => {
  if (after === null) return Effect.succeed(0)
  const n = typeof after === "number" ? after : /^\d+$/.test(after) ? Number(after) : Number.NaN
  return Number.isSafeInteger(n) && n >= 0
    ? Effect.succeed(n)
    : Effect.fail(
        error(spec, "config", `cursor ${JSON.stringify(after)} is not a record offset (a whole number ≥ 0)`),
      )
}

/** Batches of up to `size` records strictly after record offset `after`. */
export const stream = <Row>(
  spec: Spec<Row>,
  partition: Source.Partition,
  after: Source.Cursor | null,
  size: number,
): Stream.Stream<Source.SourceBatch<Row>, Source.SourceError> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      if (partition.key !== Source.wholeSource.key) {
        return yield* error(spec, "config", `has one partition, "*"; got "${partition.key}"`)
      }
      if (!Number.isSafeInteger(size) || size < 1) {
        return yield* error(spec, "config", `batch size must be a whole number ≥ 1, got ${size}`)
      }
      const skip = yield* offsetOf(spec, after)
      const handle = yield* Effect.acquireRelease(
        Effect.tryPromise({ try: () => open(spec.path, "r"), catch: (e) => ioError(spec, e) }),
        (h) => Effect.promise(() => h.close().catch(() => undefined)),
      )
      const reader = new Reader(handle, spec.decoder(), skip, skip)
      return Stream.repeatEffectOption(
        Effect.tryPromise({ try: () => reader.next(size), catch: (e) => Option.some(ioError(spec, e)) }).pipe(
          Effect.flatMap((batch) => (batch === null ? Effect.fail(Option.none()) : Effect.succeed(batch))),
        ),
      )
    }),
  )

/**
 * Records after `after`: exact when the file fits in the first chunk, otherwise the file size divided by
 * the average record size in the first chunk. Null when the first chunk holds no whole record.
 */
export const estimate = <Row>(
  spec: Spec<Row>,
  after: Source.Cursor | null,
): Effect.Effect<number | null, Source.SourceError> =>
  Effect.gen(function* () {
    const skip = yield* offsetOf(spec, after)
    const size = yield* check(spec)
    const sample = yield* probe(spec, spec.decoder(), () => false, chunkSize)
    if (sample.eof) return Math.max(0, sample.entries.length - skip)
    if (sample.entries.length === 0 || sample.bytes === 0) return null
    return Math.max(0, Math.round((size * sample.entries.length) / sample.bytes) - skip)
  })

/** The source over one file: one partition, record-offset cursors. */
export const source = <Row>(spec: Spec<Row>): Source.SourceShape<Row> => ({
  describe: describe(spec),
  partitions: Effect.succeed([Source.wholeSource]),
  estimate: (partition, after) =>
    partition.key === Source.wholeSource.key ? estimate(spec, after) : Effect.succeed(0),
  stream: (partition, after, size) => stream(spec, partition, after, size),
})

/** Counts line breaks in `text[from, to)`: CRLF, LF and a lone CR each end one line. */
export const lineBreaks = (text: string, from = 0, to = text.length): number => {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) n++
    else if (c === 13) {
      n++
      if (text.charCodeAt(i + 1) === 10 && i + 1 < to) i++
    }
  }
  return n
}
