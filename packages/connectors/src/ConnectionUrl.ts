import { Config, type Redacted } from "effect"

/** A connection URL with its password replaced by `***`, safe for messages and logs. */
export const redact = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password) u.password = "***"
    return u.toString()
  } catch {
    // Never echo an unparseable URL: it may hold a password in a shape URL cannot find.
    return "(a connection URL that could not be parsed)"
  }
}

/** What a client's `layerConfig` reads: the URL (a secret) and an optional pool size. */
export type Settings = { readonly url: Redacted.Redacted<string>; readonly max?: number }

/** Settings from `<PREFIX>_URL` (secret) and `<PREFIX>_POOL_MAX`, e.g. `SCHOOLBRIDGE_TARGET`. */
export const settings = (prefix: string): Config.Config<Settings> =>
  Config.all({
    url: Config.redacted(`${prefix}_URL`),
    max: Config.option(Config.integer(`${prefix}_POOL_MAX`)),
  }).pipe(Config.map(({ url, max }) => (max._tag === "Some" ? { url, max: max.value } : { url })))

/** The pool options of a client from its settings. */
export const options = (s: Settings): { url: Redacted.Redacted<string>; max?: number } =>
  s.max === undefined ? { url: s.url } : { url: s.url, max: s.max }
