/**
 * The command tree of `schoolbridge-migrate`. Each command loads and checks its manifest before it
 * connects to anything, so a configuration error (exit 2) never leaves a write behind.
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import * as Backup from "./Backup.js"
import * as Check from "./Check.js"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as Files from "./Files.js"
import * as Mask from "./Mask.js"
import * as Plan from "./Plan.js"
import * as Profiling from "./Profiling.js"
import * as ProgressView from "./ProgressView.js"
import * as Rollback from "./Rollback.js"
import * as Run from "./Run.js"
import * as Seed from "./Seed.js"
import * as Sources from "./Sources.js"
import * as Status from "./Status.js"
import * as System from "./System.js"
import * as Systems from "./Systems.js"
import * as Target from "./Target.js"
import * as Unread from "./Unread.js"
import * as Validation from "./Validation.js"

const manifestOption = CommandLine.manifest(
  "The migration manifest (YAML), e.g. apps/migrator/manifests/gibbon.yaml",
)

const jsonOption = Options.boolean("json").pipe(
  Options.withDescription("Print the result as JSON instead of a table"),
)

const plan = Command.make("plan", { manifest: manifestOption, json: jsonOption }, ({ manifest, json }) =>
  Effect.gen(function* () {
    const loaded = yield* CommandLine.loadManifest(manifest)
    const system = yield* Systems.load(loaded)
    const sources = yield* Sources.open(loaded, process.env)
    const routed = yield* System.routing(system, loaded.manifest, sources)
    const steps = yield* Plan.make(loaded.manifest, (e) =>
      routed === null ? sources.reader(e) : routed.entity(e),
    )
    const unread = Unread.render(
      yield* Unread.find(system, loaded.manifest, sources),
      yield* Unread.columns(system, loaded.manifest, sources),
    )
    yield* Console.log(json ? JSON.stringify(steps, null, 2) : [Plan.render(steps), ...unread].join("\n"))
    // The JSON on stdout stays the steps alone; what nothing reads is said on stderr.
    if (json) for (const line of unread) yield* Console.error(line)
  }).pipe(Effect.scoped),
).pipe(
  Command.withDescription(
    "Show the entities in the order they load, with batch sizes, partitions and estimated rows. Writes nothing.",
  ),
)

const optionalManifest = CommandLine.optionalManifest(
  `The manifest whose target to use; default: ${Target.envVariable}`,
)

const status = Command.make(
  "status",
  {
    run: Args.integer({ name: "RUN_ID" }).pipe(
      Args.withDescription("The run to show; default: the latest"),
      Args.optional,
    ),
    manifest: optionalManifest,
    json: jsonOption,
    tenant: Options.text("tenant").pipe(
      Options.withDescription("Show the entities as they went for this school (a run of several)"),
      Options.optional,
    ),
  },
  ({ run, manifest, json, tenant }) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadOptionalManifest(manifest)
      const target = yield* Target.url(loaded, process.env)
      const result = yield* Target.use(target, Status.read(Option.getOrNull(run), Option.getOrNull(tenant)))
      yield* Console.log(json ? JSON.stringify(result, null, 2) : Status.render(result))
    }),
).pipe(
  Command.withDescription(
    "Show a run per entity: rows read, loaded, rejected and skipped, and rows/s. Works while the run is going.",
  ),
)

const runCommand = Command.make(
  "run",
  {
    manifest: manifestOption,
    dryRun: Options.boolean("dry-run").pipe(
      Options.withDescription("Do everything in one transaction and roll it back: reports what would load"),
    ),
    only: Options.text("only").pipe(
      Options.withDescription(
        "Only these entities, comma-separated (e.g. legacy-sis.users,legacy-sis.students)",
      ),
      Options.optional,
    ),
    tenant: Options.text("tenant").pipe(
      Options.withDescription("The tenant(s) to load, comma-separated; default: the manifest's tenants"),
      Options.optional,
    ),
    parallel: Options.integer("parallel").pipe(
      Options.withDescription(
        "Partitions loaded at the same time; default: the manifest's defaults.parallel",
      ),
      Options.optional,
    ),
    resume: Options.integer("resume").pipe(
      Options.withDescription("Resume this run from its last committed batches"),
      Options.optional,
    ),
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadManifest(args.manifest)
      const target = yield* Target.url(loaded, process.env)
      const resumeHint = (runId: number | null) =>
        `resume with: schoolbridge-migrate run --manifest ${args.manifest}${runId === null ? " --resume RUN_ID (see status)" : ` --resume ${runId}`}`
      const view = ProgressView.forStderr()
      const outcome = yield* Run.run(loaded, target, {
        dryRun: args.dryRun,
        only: CommandLine.commaList(args.only),
        tenants: CommandLine.commaList(args.tenant),
        parallel: Option.getOrNull(args.parallel),
        resume: Option.getOrNull(args.resume),
        now: new Date(),
        onProgress: (e) => Effect.sync(() => view.event(e)),
      }).pipe(
        Effect.catchIf(
          (e) => e.code === Exit.runtime && !args.dryRun,
          (e) =>
            Effect.flatMap(Run.lastRunId(target), (id) =>
              Effect.fail(Exit.failure(`${e.message}\n${resumeHint(id)}`)),
            ),
        ),
        Effect.onInterrupt(() =>
          Effect.flatMap(Run.lastRunId(target), (id) =>
            Console.error(`stopped after the batches in flight committed; ${resumeHint(id)}`),
          ),
        ),
        Effect.ensuring(Effect.sync(() => view.close())),
      )
      yield* Console.log(Run.render(outcome))
      const over = Run.tolerance(outcome)
      if (over !== null) return yield* Effect.fail(over)
    }),
).pipe(
  Command.withDescription(
    "Migrate: bring the portal schema up to date, then load every entity of the manifest in dependency order.",
  ),
)

const validate = Command.make(
  "validate",
  {
    manifest: manifestOption,
    run: Args.integer({ name: "RUN_ID" }).pipe(
      Args.withDescription("The run to check; default: the latest completed run"),
      Args.optional,
    ),
    out: Options.directory("out").pipe(
      Options.withDescription(
        "Where to write report.json, .md, .csv and .html; default: ./reports/validation",
      ),
      Options.withDefault("reports/validation"),
    ),
    tenant: Options.text("tenant").pipe(
      Options.withDescription("Without RUN_ID: the latest run of this manifest for this tenant"),
      Options.optional,
    ),
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadManifest(args.manifest)
      const system = yield* Systems.load(loaded)
      const target = yield* Target.url(loaded, process.env)
      const sources = yield* Sources.open(loaded, process.env)
      const outcome = yield* Validation.run({
        system,
        loaded,
        sources,
        target,
        runId: Option.getOrNull(args.run),
        tenant: Option.getOrNull(args.tenant),
        out: args.out,
      })
      yield* Console.log(Validation.render(outcome))
      if (outcome.report.decision.verdict !== "go")
        return yield* Effect.fail(new Exit.CliError({ code: Exit.noGo, message: "the gate says no-go" }))
    }).pipe(Effect.scoped),
).pipe(
  Command.withDescription(
    "Check the migrated data against the source (counts, ledger, orphans, domain rules) and decide go or no-go. Exit 0 go, 1 no-go.",
  ),
)

/** The root command. */
export const command = Command.make("schoolbridge-migrate").pipe(
  Command.withDescription("Migrate school records into the portal: plan, run, validate, roll back."),
  Command.withSubcommands([
    plan,
    Check.command,
    Profiling.command,
    runCommand,
    status,
    validate,
    Rollback.command,
    Seed.command,
    Backup.backupCommand,
    Backup.restoreCommand,
    Files.command,
    Mask.command,
  ]),
)

/** Runs the CLI on `argv` (as `process.argv`). */
export const run = Command.run(command, { name: "schoolbridge-migrate", version: "0.1.0" })
