import { Effect, Layer } from "effect"
import { type Entry, SdmsCache, type SdmsCacheShape } from "../Cache.js"

/** Options of the in-memory cache. */
export interface Options {
  /** Entries kept; the least recently used go first. Default 100,000. */
  readonly maxEntries?: number
}

/** A cache in this process's memory, for tools without a database; it ends with the process. */
export const make = (options: Options = {}): SdmsCacheShape => {
  const max = options.maxEntries ?? 100_000
  const entries = new Map<string, Entry>()
  const key = (kind: string, id: string) => `${kind}/${id}`
  const set = (k: string, e: Entry) => {
    entries.delete(k)
    entries.set(k, e)
    if (entries.size > max) entries.delete(entries.keys().next().value as string)
  }
  return {
    get: (kind, id) =>
      Effect.sync(() => {
        const k = key(kind, id)
        const e = entries.get(k)
        if (e) set(k, e)
        return e
      }),
    put: (kind, id, entry) => Effect.sync(() => set(key(kind, id), entry)),
    confirm: (kind, id, times) =>
      Effect.sync(() => {
        const e = entries.get(key(kind, id))
        if (e) set(key(kind, id), { ...e, ...times, lastError: null })
      }),
    markError: (kind, id, message) =>
      Effect.sync(() => {
        const e = entries.get(key(kind, id))
        if (e) set(key(kind, id), { ...e, lastError: message })
      }),
  }
}

/** The in-memory cache as the client's cache. */
export const layer = (options: Options = {}): Layer.Layer<SdmsCache> =>
  Layer.sync(SdmsCache, () => make(options))
