/**
 * A source system (Gibbon, the generic legacy SIS, ...) as the migrator sees it: for each entity name
 * a manifest may declare, a factory that builds the mapper's entity, after whatever whole-table
 * pre-pass its options need (student number plans, email indexes, invoice totals).
 */

import * as path from "node:path"
import type { Entity, Pipeline, Source } from "@schoolbridge/core"
import { Password } from "@schoolbridge/mappers"
import { Chunk, Effect, Either, Schema, Stream } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Plan from "./Plan.js"
import type * as Sources from "./Sources.js"

/** A raw source row. */
export type Row = Record<string, unknown>

/** What a factory may use. */
export interface Prep {
  readonly manifest: Manifest.Manifest
  /** The tenant the rows belong to (`tenant_id`). */
  readonly tenant: string
  /** The business date of date checks, `YYYY-MM-DD`. */
  readonly asOf: string
  /** The instant written where the source keeps no creation time. */
  readonly loadedAt: string
  /** A system option from the manifest's `options`, or the default. */
  readonly option: <A>(name: string, fallback: A) => A
  /** Every row of a declared entity's source, read once (a pre-pass); `needer` names who needs it. */
  readonly rowsOf: (entity: string, needer: string) => Effect.Effect<ReadonlyArray<Row>, Exit.CliError>
  /**
   * Every row of a reference table that no entity declares (Gibbon's `gibbonRole`), read once from
   * the database source of the declared entity `from`.
   */
  readonly table: (
    from: string,
    table: string,
    key: string,
    needer: string,
  ) => Effect.Effect<ReadonlyArray<Row>, Exit.CliError>
  /**
   * A read of the portal database the run loads into (Moodle matches its users to the portal's).
   * Inside a dry run it sees the run's own uncommitted rows.
   */
  readonly portal: <R extends Row = Row>(
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<ReadonlyArray<R>, Exit.CliError>
  /** The run's force-reset password hash, made once. */
  readonly resetHash: () => Password.ResetHash
  /** `make`, run once per run however many factories ask for `key` (a plan they share). */
  readonly memo: <A>(key: string, make: Effect.Effect<A, Exit.CliError>) => Effect.Effect<A, Exit.CliError>
}

/** An entity that reads rows planned in memory instead of its declared source. */
export interface Planned {
  readonly entity: Entity.Entity
  readonly source: Source.SourceShape
}

/** Builds one entity. */
export type Factory = (prep: Prep) => Effect.Effect<Entity.Entity | Planned, Exit.CliError>

/** A source system: its entity factories by entity name. */
export interface System {
  readonly name: Manifest.System
  readonly entities: Readonly<Record<string, Factory>>
  /** The target table of each entity (known without building it, for `validate`). */
  readonly targets: Readonly<Record<string, string>>
  /** Entities whose rows are planned in memory rather than read from their declared table. */
  readonly planned?: ReadonlyArray<string>
  /** The manifest's `options` this system understands; anything else, or a bad value, is refused. */
  readonly options: Schema.Schema<Readonly<Record<string, unknown>>, Readonly<Record<string, unknown>>>
}

/** Options every system shares. */
export const commonOptions = {
  /** The school code in generated student numbers (`STU{YEAR}{CODE}{SEQ}`); default the tenant. */
  schoolCode: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9]{1,12}$/))),
  /** ISO 4217 code of the source's amounts; default MYR. */
  currency: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/))),
}

/** Refuses (exit 2) options the system does not know or values it cannot use, located in the file. */
export const checkOptions = (system: System, loaded: Manifest.Loaded): Effect.Effect<void, Exit.CliError> => {
  const decoded = Schema.decodeUnknownEither(system.options, { errors: "all", onExcessProperty: "error" })(
    loaded.manifest.options,
  )
  if (Either.isRight(decoded)) return Effect.void
  const problems = Manifest.issues(
    decoded.left,
    `is not an option of the ${system.name} system (check its spelling)`,
  )
    .map((issue) => ({ ...loaded.locate(["options", ...issue.keyPath]), message: issue.message }))
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((p) => `${path.basename(loaded.file)}:${p.line}:${p.column} ${p.key}: ${p.message}`)
  return Effect.fail(Exit.config(problems.join("\n")))
}

/** Fails with exit 2 when the manifest declares an entity the system has no mapper for. */
export const checkNames = (
  system: System,
  manifest: Manifest.Manifest,
): Effect.Effect<void, Exit.CliError> => {
  const unknown = manifest.entities.filter((e) => !(e.name in system.entities)).map((e) => e.name)
  return unknown.length === 0
    ? Effect.void
    : Effect.fail(
        Exit.config(
          `no ${system.name} mapper for ${unknown.join(", ")}; the ${system.name} entities are: ${Object.keys(system.entities).join(", ")}`,
        ),
      )
}

const readAll = (reader: Sources.Reader): Effect.Effect<ReadonlyArray<Row>, Exit.CliError> =>
  Effect.gen(function* () {
    const rows: Array<Row> = []
    const partitions = yield* Effect.mapError(reader.partitions, (e) => Exit.failure(e.message))
    for (const p of partitions) {
      const batches = yield* Stream.runCollect(reader.stream(p, null, 10_000)).pipe(
        Effect.mapError((e) => Exit.failure(e.message)),
      )
      for (const b of Chunk.toReadonlyArray(batches)) for (const r of b.rows) rows.push(r)
    }
    return rows
  })

/**
 * The entities a run loads: `only`, else all of the manifest's, each one the system maps and the
 * manifest declares. Checked before anything connects, so a typo writes nothing.
 */
export const selection = (
  system: System,
  manifest: Manifest.Manifest,
  only: ReadonlyArray<string> | undefined,
): Effect.Effect<ReadonlyArray<string>, Exit.CliError> =>
  Effect.gen(function* () {
    yield* checkNames(system, manifest)
    const selected = only ?? manifest.entities.map((e) => e.name)
    const missing = selected.filter((n) => !manifest.entities.some((e) => e.name === n))
    if (missing.length > 0)
      return yield* Effect.fail(
        Exit.config(`--only names entities the manifest does not declare: ${missing.join(", ")}`),
      )
    return selected
  })

/** What `steps` needs besides the manifest. */
export interface StepOptions {
  readonly tenant: string
  readonly asOf: string
  readonly loadedAt: string
  /** Only these entities (and nothing else); default all of the manifest's. */
  readonly only?: ReadonlyArray<string>
  /** Reads of the portal database. */
  readonly portal: Prep["portal"]
}

/**
 * The pipeline steps of a manifest: each selected entity built by its factory and paired with its
 * reader. Dependencies are the manifest's plus the mapper's own, kept to the entities of this run.
 */
export const steps = (
  system: System,
  manifest: Manifest.Manifest,
  sources: Sources.Opened,
  options: StepOptions,
): Effect.Effect<ReadonlyArray<Pipeline.Step>, Exit.CliError> =>
  Effect.gen(function* () {
    const only = yield* selection(system, manifest, options.only)
    const declared = new Map(manifest.entities.map((e) => [e.name, e]))
    const cache = new Map<string, Effect.Effect<ReadonlyArray<Row>, Exit.CliError>>()
    const memos = new Map<string, Effect.Effect<unknown, Exit.CliError>>()
    let reset: Password.ResetHash | undefined
    const prep: Prep = {
      manifest,
      tenant: options.tenant,
      asOf: options.asOf,
      loadedAt: options.loadedAt,
      portal: options.portal,
      option: <A>(name: string, fallback: A) =>
        name in manifest.options ? (manifest.options[name] as A) : fallback,
      rowsOf: (entity, needer) => {
        const decl = declared.get(entity)
        if (!decl)
          return Effect.fail(
            Exit.config(
              `${needer} needs ${entity} declared in the manifest: its rows are read before mapping`,
            ),
          )
        let cached = cache.get(entity)
        if (!cached) {
          cached = once(Effect.flatMap(sources.reader(decl), readAll))
          cache.set(entity, cached)
        }
        return cached
      },
      table: (from, table, key, needer) => {
        const decl = declared.get(from)
        if (!decl)
          return Effect.fail(
            Exit.config(`${needer} needs ${from} declared in the manifest: ${table} is read from its source`),
          )
        const id = `${decl.source}:${table}`
        let cached = cache.get(id)
        if (!cached) {
          cached = once(
            Effect.flatMap(sources.reader({ name: id, source: decl.source, table, key }), readAll),
          )
          cache.set(id, cached)
        }
        return cached
      },
      memo: <A>(key: string, make: Effect.Effect<A, Exit.CliError>) => {
        let cached = memos.get(key)
        if (!cached) {
          cached = once(make)
          memos.set(key, cached)
        }
        return cached as Effect.Effect<A, Exit.CliError>
      },
      resetHash: () => {
        reset ??= Password.resetHash()
        return reset
      },
    }
    const selected = new Set(only)
    const result: Array<Pipeline.Step> = []
    for (const decl of Plan.order(manifest)) {
      if (!selected.has(decl.name)) continue
      const made = yield* system.entities[decl.name]!(prep)
      const built = "entity" in made ? made.entity : made
      if (built.name !== decl.name || built.target.table !== system.targets[decl.name])
        return yield* Effect.die(
          new Error(`${system.name} wiring: ${decl.name} built ${built.name} into ${built.target.table}`),
        )
      const dependsOn = [...new Set([...(built.dependsOn ?? []), ...(decl.dependsOn ?? [])])].filter((d) =>
        selected.has(d),
      )
      const entity: Entity.Entity = {
        ...built,
        dependsOn,
        batchSize: decl.batchSize ?? manifest.defaults.batchSize,
      }
      result.push({ entity, source: "entity" in made ? made.source : yield* sources.reader(decl) })
    }
    return result
  })

// A pre-pass is read at most once however many factories need it.
const once = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E> => Effect.runSync(Effect.cached(self))
