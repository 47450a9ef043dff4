/**
 * `rollback`: removes the rows a run, a batch, an entity or a tenant loaded, exactly as the ledger
 * recorded them, in one transaction. It shows what it will remove and asks first, because the only
 * way back from a rollback is loading again.
 */
import { Command, Options } from "@effect/cli"
import type { Terminal } from "@effect/platform"
import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { type CheckpointStore, Rollback } from "@schoolbridge/core"
import { Console, Effect, Option, type Redacted } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as Target from "./Target.js"

/** The four ways to name what to roll back, as the options gave them. */
export interface ScopeOptions {
  readonly run: Option.Option<number>
  readonly batch: Option.Option<number>
  readonly entity: Option.Option<string>
  readonly tenant: Option.Option<string>
}

/** The one scope the options name; a usage error (exit 2) for none or more than one. */
export const scopeOf = (o: ScopeOptions): Effect.Effect<Rollback.Scope, Exit.CliError> => {
  const given: Array<Rollback.Scope> = [
    ...Option.toArray(Option.map(o.run, (runId): Rollback.Scope => ({ _tag: "Run", runId }))),
    ...Option.toArray(Option.map(o.batch, (batchId): Rollback.Scope => ({ _tag: "Batch", batchId }))),
    ...Option.toArray(Option.map(o.entity, (entity): Rollback.Scope => ({ _tag: "Entity", entity }))),
    ...Option.toArray(Option.map(o.tenant, (tenant): Rollback.Scope => ({ _tag: "Tenant", tenant }))),
  ]
  return given.length === 1
    ? Effect.succeed(given[0]!)
    : Effect.fail(
        Exit.config(
          `name exactly one thing to roll back: --run ID, --batch ID, --entity NAME or --tenant CODE${given.length > 1 ? ` (got ${given.map(Rollback.describe).join(", ")})` : ""}`,
        ),
      )
}

const n = (x: number) => x.toLocaleString("en-US")

const plural = (count: number, one: string, many: string) => `${n(count)} ${count === 1 ? one : many}`

/** What a rollback will remove or removed, as text: the batches, rows per table, id-map entries. */
export const render = (scope: Rollback.Scope, effects: Rollback.Effects, done: boolean): string => {
  const rows = effects.tables.reduce((s, t) => s + t.rows, 0)
  const head = `${done ? "removed" : "will remove"} ${plural(rows, "row", "rows")} of ${Rollback.describe(scope)} (${plural(effects.batches, "batch", "batches")})`
  const header = ["table", "rows"]
  const body = effects.tables.map((t) => [t.table, n(t.rows)])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [
    head,
    "",
    ...(body.length === 0 ? [] : [line(header), ...body.map(line), ""]),
    `id-map entries: ${n(effects.idMapEntries)}`,
  ].join("\n")
}

// Rows and id-map entries, not batches: a tenant scope lists every batch that could hold its rows.
const isEmpty = (e: Rollback.Effects) => e.idMapEntries === 0 && e.tables.every((t) => t.rows === 0)

// The whole rollback is one transaction, so a failure leaves every row in place; a foreign key
// means rows of another entity still point at these, and those must go first.
const ledgerFailure = (e: CheckpointStore.LedgerError) =>
  Exit.failure(
    /violates foreign key constraint/.test(e.message)
      ? `${e.message}\nnothing was removed: roll back the entities that reference these rows first (e.g. --entity of the dependent entity)`
      : e.message,
  )

/** Plans, asks, and removes the rows of `scope` from the target. */
export const rollback = (
  target: Redacted.Redacted<string>,
  scope: Rollback.Scope,
  yes: boolean,
): Effect.Effect<void, Exit.CliError, Terminal.Terminal> =>
  Effect.gen(function* () {
    const port = yield* Rollback.Rollback
    const plan = yield* port.plan(scope).pipe(
      // A scope the ledger never saw matches nothing, like one whose rows are gone already.
      Effect.catchIf(
        (e) => e.reason === "not-found",
        () => Effect.succeed(null),
      ),
      Effect.mapError(ledgerFailure),
    )
    if (plan === null || isEmpty(plan)) {
      yield* Console.log(`nothing to roll back: no loaded rows of ${Rollback.describe(scope)}`)
      return
    }
    yield* Console.log(render(scope, plan, false))
    if (!(yield* CommandLine.confirm("Remove these rows?", "roll back", yes))) {
      yield* Console.log("nothing was removed")
      return
    }
    const done = yield* port.execute(scope).pipe(Effect.mapError(ledgerFailure))
    yield* Console.log(render(scope, done, true))
  }).pipe(Effect.provide(PgLedger.layer), Effect.provide(Target.layer(target)))

const hasLedger = (target: Redacted.Redacted<string>) =>
  Target.use(
    target,
    Effect.gen(function* () {
      const db = yield* PgClient.PgClient
      const r = yield* db
        .query<{ ok: boolean }>("select to_regclass('migration.batches') is not null as ok")
        .pipe(Effect.mapError((e) => Exit.failure(e.message)))
      if (!r[0]?.ok)
        return yield* Effect.fail(
          Exit.config(`${db.describe} has no migration ledger: no run has been made against this database`),
        )
    }),
  )

/** The `rollback` command. */
export const command = Command.make(
  "rollback",
  {
    run: Options.integer("run").pipe(
      Options.withDescription("Roll back every batch of this run"),
      Options.optional,
    ),
    batch: Options.integer("batch").pipe(
      Options.withDescription("Roll back this one batch"),
      Options.optional,
    ),
    entity: Options.text("entity").pipe(
      Options.withDescription("Roll back every batch of this entity, e.g. legacy-sis.students"),
      Options.optional,
    ),
    tenant: Options.text("tenant").pipe(
      Options.withDescription("Remove this tenant's rows from every batch that loaded any"),
      Options.optional,
    ),
    yes: CommandLine.yes,
    manifest: CommandLine.optionalManifest(
      `The manifest whose target to use; default: ${Target.envVariable}`,
    ),
  },
  (args) =>
    Effect.gen(function* () {
      const scope = yield* scopeOf(args)
      const loaded = yield* CommandLine.loadOptionalManifest(args.manifest)
      const target = yield* Target.url(loaded, process.env)
      yield* hasLedger(target)
      yield* rollback(target, scope, args.yes)
    }),
).pipe(
  Command.withDescription(
    "Remove the rows a run, batch, entity or tenant loaded, exactly as the ledger recorded them, in one transaction. Asks first unless --yes.",
  ),
)
