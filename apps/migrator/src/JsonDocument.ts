/**
 * A JSON document that holds several collections (a browser app's export: `{ "data": { "students":
 * [...], ... } }`), read whole once and shared by the entities that read its arrays. Such exports are
 * bounded by the browser's storage (megabytes), so reading them whole is the simple, safe choice;
 * large line-per-record files belong to the NDJSON source instead.
 */
import { readFile } from "node:fs/promises"
import { Source, Transform } from "@schoolbridge/core"
import { Effect, Stream } from "effect"
import * as Exit from "./Exit.js"

/** A parsed document, read once per path. */
export type Loader = (file: string) => Effect.Effect<unknown, Exit.CliError>

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Reads and parses each file once. */
export const loader = (): Loader => {
  const cache = new Map<string, Effect.Effect<unknown, Exit.CliError>>()
  return (file) => {
    let cached = cache.get(file)
    if (!cached) {
      cached = Effect.runSync(
        Effect.cached(
          Effect.tryPromise({
            // Fatal decoding: text in another encoding is refused, never read as U+FFFD.
            try: async () => JSON.parse(utf8.decode(await readFile(file))) as unknown,
            catch: (e) =>
              Exit.config(
                `${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : e instanceof TypeError && (e as NodeJS.ErrnoException).code === "ERR_ENCODING_INVALID_ENCODED_DATA" ? "is not UTF-8 text (a browser export is UTF-8: was it saved again in another encoding?)" : `not a JSON document (${(e as Error).message})`}`,
              ),
          }),
        ),
      )
      cache.set(file, cached)
    }
    return cached
  }
}

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The array at a dot path of the document (`data.students`). A missing collection is empty; anything
 * but an array there is a configuration error.
 */
export const at = (
  document: unknown,
  file: string,
  dotPath: string,
): Effect.Effect<ReadonlyArray<unknown>, Exit.CliError> => {
  let value: unknown = document
  for (const part of dotPath.split(".")) {
    if (!isObject(value)) return Effect.succeed([])
    value = value[part]
  }
  if (value === undefined || value === null) return Effect.succeed([])
  return Array.isArray(value)
    ? Effect.succeed(value)
    : Effect.fail(Exit.config(`${file}: ${dotPath} is not an array`))
}

/**
 * One array of the document as a source: elements in order, keyed by their `keyField` (see
 * `Source.recordKeys`: `#index` when they have none, ` (copy N)` after a repeated one); an element
 * that is not an object is rejected with its index.
 */
export const source = (
  file: string,
  elements: ReadonlyArray<unknown>,
  dotPath: string,
  keyField: string,
): Source.SourceShape<Record<string, unknown>> => {
  const keyOf = Source.recordKeys(elements, keyField)
  return {
    describe: `json ${file}#${dotPath}`,
    partitions: Effect.succeed([Source.wholeSource]),
    estimate: (_p, after) => Effect.succeed(Math.max(0, elements.length - Number(after ?? 0))),
    stream: (_p, after, size) => {
      const start = Number(after ?? 0)
      const starts: Array<number> = []
      for (let from = start; from < elements.length; from += size) starts.push(from)
      return Stream.fromIterable(starts).pipe(
        Stream.map((from) => {
          const rows: Array<Record<string, unknown>> = []
          const keys: Array<string> = []
          const rejected: Array<Transform.Rejected> = []
          elements.slice(from, from + size).forEach((element, i) => {
            const index = from + i
            if (!isObject(element)) {
              rejected.push({
                key: `#${index}`,
                reasons: [
                  Transform.reason(null, "json_record", `element ${index} of ${dotPath} is not an object`),
                ],
                raw: element,
              })
              return
            }
            rows.push(element)
            keys.push(keyOf[index]!)
          })
          return { rows, keys, rejected, notes: [], cursor: Math.min(elements.length, from + size) }
        }),
      )
    },
  }
}
