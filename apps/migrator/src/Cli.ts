/**
 * The command tree of `schoolbridge-migrate`. Each command loads and checks its manifest before it
 * connects to anything, so a configuration error (exit 2) never leaves a write behind.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect, Either } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Plan from "./Plan.js"
import * as Sources from "./Sources.js"

const manifestOption = Options.file("manifest", { exists: "either" }).pipe(
  Options.withAlias("m"),
  Options.withDescription("The migration manifest (YAML), e.g. apps/migrator/manifests/gibbon.yaml"),
)

const jsonOption = Options.boolean("json").pipe(
  Options.withDescription("Print the result as JSON instead of a table"),
)

/** Loads a manifest, or fails with exit 2 and one line per problem. */
export const loadManifest = (file: string): Effect.Effect<Manifest.Loaded, Exit.CliError> => {
  const loaded = Manifest.load(file)
  return Either.isLeft(loaded) ? Effect.fail(Exit.config(loaded.left.message)) : Effect.succeed(loaded.right)
}

const plan = Command.make("plan", { manifest: manifestOption, json: jsonOption }, ({ manifest, json }) =>
  Effect.gen(function* () {
    const loaded = yield* loadManifest(manifest)
    const sources = yield* Sources.open(loaded, process.env)
    const steps = yield* Plan.make(loaded.manifest, sources)
    yield* Console.log(json ? JSON.stringify(steps, null, 2) : Plan.render(steps))
  }).pipe(Effect.scoped),
).pipe(
  Command.withDescription(
    "Show the entities in the order they load, with batch sizes, partitions and estimated rows. Writes nothing.",
  ),
)

/** The root command. */
export const command = Command.make("schoolbridge-migrate").pipe(
  Command.withDescription("Migrate school records into the portal: plan, run, validate, roll back."),
  Command.withSubcommands([plan]),
)

/** Runs the CLI on `argv` (as `process.argv`). */
export const run = Command.run(command, { name: "schoolbridge-migrate", version: "0.1.0" })
