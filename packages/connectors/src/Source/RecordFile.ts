/**
 * A file of records read in resumable batches: the part the CSV, NDJSON and JSON sources share. A format
 * supplies a synchronous decoder (bytes in, records out); this module reads the file chunk by chunk,
 * counts records, skips to a cursor and cuts batches. The cursor is the number of records consumed,
 * rejected ones included, so resuming at offset k re-reads the file and drops the first k records.
 */
import { isUtf8 } from "node:buffer"
import { constants } from "node:fs"
import { access, type FileHandle, open, stat } from "node:fs/promises"
import { Source, type Transform } from "@schoolbridge/core"
import { Effect, Option, Stream } from "effect"
import iconv from "iconv-lite"

/**
 * The text encoding of a file: `utf8` (the default, checked byte by byte) or any name iconv-lite
 * knows (`windows-1252`, `latin1`, `utf16le`, `utf-16` with its BOM, `cp874`, …). Decoders always
 * see UTF-8: other encodings are converted before them.
 */
export type Encoding = string

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
  /** Default `utf8`. */
  readonly encoding?: Encoding
  /** A fresh decoder for each pass over the file; it is given UTF-8. */
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

/** The part of a spec that names the file (for messages) and says how its text is encoded. */
export type Named = Pick<Spec<unknown>, "format" | "path" | "encoding">

const isUtf8Name = (encoding: Encoding | undefined): boolean =>
  encoding === undefined || /^utf-?8$/i.test(encoding)

/** Fails with a "config" error naming the encoding unless iconv-lite can decode it. */
export const checkEncoding = (spec: Named): Effect.Effect<void, Source.SourceError> =>
  isUtf8Name(spec.encoding) || iconv.encodingExists(spec.encoding!)
    ? Effect.void
    : Effect.fail(
        error(
          spec,
          "config",
          `encoding ${JSON.stringify(spec.encoding)} is not one we can read; use utf8, windows-1252, latin1, utf16le, utf-16 or another iconv-lite name`,
        ),
      )

/** The first byte of a file said to be UTF-8 that is not: thrown by `Utf8Check`, placed by `locate`. */
class NotUtf8 extends Error {
  constructor(readonly offset: number) {
    super(`byte ${offset} is not UTF-8`)
  }
}

/** Bytes a UTF-8 sequence that starts with `lead` takes; 0 for a byte that cannot start one. */
const sequenceLength = (lead: number): number =>
  lead < 0x80
    ? 1
    : lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0

/** Where the bytes of `bytes` stop being valid UTF-8 (the length when they never do). */
const firstBad = (bytes: Uint8Array): number => {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes[i]!)
    if (n === 0) return i
    if (n === 1) {
      i++
      continue
    }
    if (i + n > bytes.length) return i
    if (!isUtf8(bytes.subarray(i, i + n))) return i
    i += n
  }
  return bytes.length
}

/**
 * Passes UTF-8 through, checking it chunk by chunk (a sequence split between chunks waits for the
 * rest), and throws `NotUtf8` at the first byte that is not: a file in another encoding is refused,
 * never read as U+FFFD.
 */
class Utf8Check {
  private tail: Buffer | null = null
  private offset = 0

  write(chunk: Buffer): Buffer {
    const bytes = this.tail === null ? chunk : Buffer.concat([this.tail, chunk])
    this.tail = null
    // Hold back an incomplete sequence at the end: at most 3 bytes, found from the last lead byte.
    let cut = bytes.length
    for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 3; i--) {
      const b = bytes[i]!
      if ((b & 0xc0) === 0x80) continue
      const n = sequenceLength(b)
      if (n > 1 && i + n > bytes.length) cut = i
      break
    }
    const whole = cut === bytes.length ? bytes : bytes.subarray(0, cut)
    if (!isUtf8(whole)) throw new NotUtf8(this.offset + firstBad(whole))
    if (cut < bytes.length) this.tail = Buffer.from(bytes.subarray(cut))
    this.offset += whole.length
    return whole
  }

  end(): Buffer {
    if (this.tail !== null) throw new NotUtf8(this.offset)
    return Buffer.alloc(0)
  }
}

/** Converts text in another encoding to UTF-8 with iconv-lite's streaming decoder. */
class Transcode {
  private readonly decoder: iconv.DecoderStream

  constructor(encoding: Encoding) {
    this.decoder = iconv.getDecoder(encoding)
  }

  write(chunk: Buffer): Buffer {
    return Buffer.from(this.decoder.write(chunk), "utf8")
  }

  end(): Buffer {
    return Buffer.from(this.decoder.end() ?? "", "utf8")
  }
}

/** A decoder fed through the file's encoding: UTF-8 checked, anything else converted. */
export const decoding = <Row>(spec: Named, decoder: Decoder<Row>): Decoder<Row> => {
  const text = isUtf8Name(spec.encoding) ? new Utf8Check() : new Transcode(spec.encoding!)
  return {
    write: (chunk, out) => decoder.write(text.write(chunk), out),
    end: (out) => {
      const rest = text.end()
      if (rest.length > 0) decoder.write(rest, out)
      decoder.end(out)
    },
  }
}

/**
 * The line and column (both from 1; columns in characters) of byte `offset` of a UTF-8 file, for the
 * message that refuses it. Reads the file again up to there: only ever on the way to a refusal.
 */
const locate = async (path: string, offset: number): Promise<{ line: number; column: number }> => {
  const handle = await open(path, "r")
  try {
    let line = 1
    let column = 1
    let pos = 0
    let lastCr = false
    while (pos < offset) {
      const buffer = Buffer.allocUnsafe(Math.min(chunkSize, offset - pos))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, pos)
      if (bytesRead === 0) break
      for (let i = 0; i < bytesRead; i++) {
        const b = buffer[i]!
        if (b === 10) {
          if (!lastCr) line++
          column = 1
        } else if (b === 13) {
          line++
          column = 1
        } else if ((b & 0xc0) !== 0x80) column++
        lastCr = b === 13
      }
      pos += bytesRead
    }
    return { line, column }
  } finally {
    await handle.close()
  }
}

const notUtf8 = async (spec: Named, e: NotUtf8): Promise<Source.SourceError> => {
  const { line, column } = await locate(spec.path, e.offset)
  const handle = await open(spec.path, "r")
  const byte = Buffer.alloc(1)
  let read = 0
  try {
    read = (await handle.read(byte, 0, 1, e.offset)).bytesRead
  } finally {
    await handle.close()
  }
  const shown =
    read === 0
      ? "the file ends inside a character, which"
      : `byte 0x${byte[0]!.toString(16).toUpperCase().padStart(2, "0")}`
  return error(
    spec,
    "config",
    `line ${line}, column ${column} (byte ${e.offset}): ${shown} is not UTF-8; ` +
      "the file is in another encoding: name it with `encoding:` on the source (e.g. windows-1252, latin1, utf-16)",
    e,
  )
}

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

/** Runs `f`, turning a `NotUtf8` it throws into the refusal that places the byte. */
const placing = async <A>(spec: Named, f: () => Promise<A>): Promise<A> => {
  try {
    return await f()
  } catch (e) {
    if (e instanceof NotUtf8) throw await notUtf8(spec, e)
    throw e
  }
}

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
        try: () =>
          placing(spec, async () => {
            const entries: Array<Entry<Row>> = []
            const input = decoding(spec, decoder)
            let bytes = 0
            while (!enough(entries) && bytes < maxBytes) {
              const chunk = await readChunk(handle)
              if (chunk === null) {
                input.end(entries)
                return { entries, bytes, eof: true }
              }
              bytes += chunk.length
              input.write(chunk, entries)
            }
            return { entries, bytes, eof: false }
          }),
        catch: (e) => ioError(spec, e),
      }),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined)),
  )

/** What a whole pass over a file found. */
export interface Scan {
  /** Records, rejected ones included: what a stream from the start yields. */
  readonly records: number
  readonly rejected: number
  readonly bytes: number
  readonly elapsedMs: number
}

/**
 * Reads the whole file once through a fresh decoder, keeping only counts, so that anything that makes
 * the file unusable as a whole (text that is not in its encoding, a quote that never closes) fails
 * here, before a caller writes anything, and the record count is exact.
 */
export const scan = <Row>(spec: Spec<Row>): Effect.Effect<Scan, Source.SourceError> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({ try: () => open(spec.path, "r"), catch: (e) => ioError(spec, e) }),
    (handle) =>
      Effect.tryPromise({
        try: () =>
          placing(spec, async () => {
            const started = performance.now()
            const input = decoding(spec, spec.decoder())
            const entries: Array<Entry<Row>> = []
            let records = 0
            let rejected = 0
            let bytes = 0
            const count = () => {
              records += entries.length
              for (const e of entries) if (e._tag === "Rejected") rejected++
              entries.length = 0
            }
            for (;;) {
              const chunk = await readChunk(handle)
              if (chunk === null) break
              bytes += chunk.length
              input.write(chunk, entries)
              count()
            }
            input.end(entries)
            count()
            return { records, rejected, bytes, elapsedMs: performance.now() - started }
          }),
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
      const reader = new Reader(handle, decoding(spec, spec.decoder()), skip, skip)
      return Stream.repeatEffectOption(
        Effect.tryPromise({
          try: () => placing(spec, () => reader.next(size)),
          catch: (e) => Option.some(ioError(spec, e)),
        }).pipe(
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

/**
 * The source over one file: one partition, record-offset cursors. Given the `scan` made when the source
 * was, its estimates are the exact count.
 */
export const source = <Row>(spec: Spec<Row>, scanned?: Scan): Source.SourceShape<Row> => ({
  describe: describe(spec),
  partitions: Effect.succeed([Source.wholeSource]),
  estimate: (partition, after) =>
    partition.key !== Source.wholeSource.key
      ? Effect.succeed(0)
      : scanned === undefined
        ? estimate(spec, after)
        : Effect.map(offsetOf(spec, after), (skip) => Math.max(0, scanned.records - skip)),
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
