/**
 * The command tree of `schoolbridge-migrate`. Each command loads and checks its manifest before it
 * connects to anything, so a configuration error (exit 2) never leaves a write behind.
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Plan from "./Plan.js"
import * as Sources from "./Sources.js"
import * as Status from "./Status.js"
import * as Target from "./Target.js"

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

const optionalManifest = Options.file("manifest", { exists: "either" }).pipe(
  Options.withAlias("m"),
  Options.withDescription(`The manifest whose target to use; default: ${Target.envVariable}`),
  Options.optional,
)

const loadOptional = (file: Option.Option<string>) =>
  Option.match(file, { onNone: () => Effect.succeed(null), onSome: loadManifest })

const status = Command.make(
  "status",
  {
    run: Args.integer({ name: "RUN_ID" }).pipe(
      Args.withDescription("The run to show; default: the latest"),
      Args.optional,
    ),
    manifest: optionalManifest,
    json: jsonOption,
  },
  ({ run, manifest, json }) =>
    Effect.gen(function* () {
      const loaded = yield* loadOptional(manifest)
      const target = yield* Target.url(loaded, process.env)
      const result = yield* Target.use(target, Status.read(Option.getOrNull(run)))
      yield* Console.log(json ? JSON.stringify(result, null, 2) : Status.render(result))
    }),
).pipe(
  Command.withDescription(
    "Show a run per entity: rows read, loaded, rejected and skipped, and rows/s. Works while the run is going.",
  ),
)

/** The root command. */
export const command = Command.make("schoolbridge-migrate").pipe(
  Command.withDescription("Migrate school records into the portal: plan, run, validate, roll back."),
  Command.withSubcommands([plan, status]),
)

/** Runs the CLI on `argv` (as `process.argv`). */
export const run = Command.run(command, { name: "schoolbridge-migrate", version: "0.1.0" })
