/**
 * What the commands share on the command line: the `--manifest`, `--yes` and comma-list options,
 * loading the manifest as a configuration error (exit 2), and the yes/no question a destructive
 * command asks before it writes.
 */
import { Options } from "@effect/cli"
import { Terminal } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"

/** `--manifest FILE` (`-m`), required. */
export const manifest = (description: string) =>
  Options.file("manifest", { exists: "either" }).pipe(
    Options.withAlias("m"),
    Options.withDescription(description),
  )

/** `--manifest FILE` (`-m`), optional. */
export const optionalManifest = (description: string) => manifest(description).pipe(Options.optional)

/** `--yes`: do not ask. */
export const yes = Options.boolean("yes").pipe(
  Options.withDescription("Do not ask: needed when standard input is not a terminal"),
)

/** A comma-separated option's values, trimmed, blanks dropped; null when the option is absent. */
export const commaList = (option: Option.Option<string>): ReadonlyArray<string> | null =>
  Option.match(option, {
    onNone: () => null,
    onSome: (v) =>
      v
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== ""),
  })

/** Loads a manifest, or fails with exit 2 and one line per problem. */
export const loadManifest = (file: string): Effect.Effect<Manifest.Loaded, Exit.CliError> => {
  const loaded = Manifest.load(file)
  return Either.isLeft(loaded) ? Effect.fail(Exit.config(loaded.left.message)) : Effect.succeed(loaded.right)
}

/** Loads the manifest when one was given. */
export const loadOptionalManifest = (
  file: Option.Option<string>,
): Effect.Effect<Manifest.Loaded | null, Exit.CliError> =>
  Option.match(file, { onNone: () => Effect.succeed(null), onSome: loadManifest })

/**
 * Whether the operator answered yes to `question`; `--yes` answers for them. Without a terminal there
 * is nobody to ask, so that is a usage error (exit 2) saying to pass `--yes` to `action`.
 */
export const confirm = (
  question: string,
  action: string,
  given: boolean,
): Effect.Effect<boolean, Exit.CliError, Terminal.Terminal> => {
  if (given) return Effect.succeed(true)
  if (!process.stdin.isTTY)
    return Effect.fail(
      Exit.config(`standard input is not a terminal: pass --yes to ${action} without asking`),
    )
  return Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    yield* terminal.display(`${question} [y/N] `)
    const answer = yield* terminal.readLine
    return /^\s*y(es)?\s*$/i.test(answer)
  }).pipe(Effect.catchAll(() => Effect.succeed(false)))
}
