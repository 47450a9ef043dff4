/**
 * A source system (Gibbon, the generic legacy SIS, ...) as the migrator sees it: for each entity name
 * a manifest may declare, a factory that builds the mapper's entity, after whatever whole-table
 * pre-pass its options need (student number plans, email indexes, invoice totals).
 */

import * as path from "node:path"
import type { Keyset } from "@schoolbridge/connectors"
import { type Entity, type Pipeline, Source, Transform } from "@schoolbridge/core"
import { Password } from "@schoolbridge/mappers"
import { TextLength } from "@schoolbridge/schema"
import type { Declaration, Dialect } from "@schoolbridge/validators"
import { Chunk, Effect, Either, Schema, Stream } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Plan from "./Plan.js"
import * as Sources from "./Sources.js"
import * as Tenancy from "./Tenancy.js"

/** A raw source row. */
export type Row = Record<string, unknown>

/**
 * The key `validate` compares each record of an entity's file under, given the whole file in order
 * (`keys` as the file source gives them): the legacy id its target row carries, where that is not the
 * record's own key.
 */
export type FileKeys = (
  entity: string,
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => ReadonlyArray<string>

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
  /**
   * The whole parsed document of the json-document source the declared entity `from` reads: the
   * fields a browser export keeps beside its collections (`exportedAt`).
   */
  readonly document: (from: string, needer: string) => Effect.Effect<unknown, Exit.CliError>
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

/**
 * What `validate` compares of an entity besides its keys and counts: content columns, money totals,
 * and whether its legacy ids are its source keys.
 */
export interface EntityChecks extends Pick<Declaration.EntityDeclaration, "asIs" | "money" | "legacyIds"> {
  /** SQL joined to each source row for columns other rows give it (the declaration's `source.join`). */
  readonly sourceJoin?: string
  /** For a file source: the record fields the checks read, present (empty) even when no record has them. */
  readonly fields?: ReadonlyArray<string>
}

/** What a system's checks are written for. */
export interface CheckContext {
  /** A source database, or files whose records `validate` copies into SQLite (text as the file wrote it). */
  readonly source: "database" | "files"
  /** The SQL dialect of the source the entities are compared with. */
  readonly dialect: Dialect.Dialect
  /** The zone the source's local times are in (the manifest's `timeZone`). */
  readonly timeZone: string
  /** The source table of a declared entity, for a check that reads a sibling table; undefined when not declared. */
  readonly tableOf: (entity: string) => string | undefined
}

/** A source system: its entity factories by entity name. */
export interface System {
  readonly name: Manifest.System
  readonly entities: Readonly<Record<string, Factory>>
  /** The target table of each entity (known without building it, for `validate`). */
  readonly targets: Readonly<Record<string, string>>
  /**
   * The tables (or document arrays) the mappers read besides the declared entities' own, given the
   * manifest's options. A system that declares them gets every other table of its sources listed as
   * unread (see `Unread`).
   */
  readonly references?: (option: <A>(name: string, fallback: A) => A) => ReadonlyArray<string>
  /**
   * The source columns each entity's mapper reads (its row Schema's fields). A system that declares
   * them gets every other column of those tables listed as not carried over (see `Unread`).
   */
  readonly reads?: Readonly<Record<string, ReadonlyArray<string>>>
  /** How `validate` keys the records of a file (see `FileKeys`); default the file's own keys. */
  readonly fileKeys?: FileKeys
  /** Entities whose rows are planned in memory rather than read from their declared table. */
  readonly planned?: ReadonlyArray<string>
  /**
   * How the mappers write a source key into the legacy id: `integer` when keys are numbers written
   * without their zero fill (Gibbon's `0000000123` is `123`); `validate` compares keys in that form.
   * Default `text`.
   */
  readonly keyKind?: "text" | "integer"
  /**
   * The content columns (copied unchanged, or canonicalised alike on both sides) and money totals
   * `validate` compares per entity; an entity without any is compared by key only.
   */
  readonly checks?: (context: CheckContext) => Readonly<Record<string, EntityChecks>>
  /** The manifest's `options` this system understands; anything else, or a bad value, is refused. */
  readonly options: Schema.Schema<Readonly<Record<string, unknown>>, Readonly<Record<string, unknown>>>
  /**
   * For a source that holds several schools: how a row of each source table reaches the rows the
   * manifest's tenancy rule applies to. A system without routes loads one school per run.
   */
  readonly routes?: Readonly<Record<string, Tenancy.Route>>
  /** A tenancy rule of the system's own (Gibbon's `customField`), made SQL by reading the source. */
  readonly tenancyRule?: (
    rule: Manifest.TenancyRule,
    tenants: ReadonlyArray<string>,
    context: {
      readonly quote: Tenancy.Quote
      readonly read: (table: string, key: string) => Effect.Effect<ReadonlyArray<Row>, Exit.CliError>
    },
  ) => Effect.Effect<Tenancy.Rule | null, Exit.CliError>
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

// Every row of a reader, or of one tenant's partition of it.
const readAll = (
  reader: Sources.Reader,
  tenant: string | null = null,
): Effect.Effect<ReadonlyArray<Row>, Exit.CliError> =>
  Effect.gen(function* () {
    const rows: Array<Row> = []
    const partitions = yield* Effect.mapError(reader.partitions, (e) => Exit.failure(e.message))
    for (const p of partitions) {
      if (tenant !== null ? p.tenant !== tenant : p.unassigned) continue
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
  /** The school of a source that holds one (the run's `--tenant`). */
  readonly tenant: string | null
  /** For a source of several schools (`tenancy`), the schools to load; default all of them. */
  readonly tenants?: ReadonlyArray<string>
  readonly asOf: string
  readonly loadedAt: string
  /** Only these entities (and nothing else); default all of the manifest's. */
  readonly only?: ReadonlyArray<string>
  /** Reads of the portal database. */
  readonly portal: Prep["portal"]
}

/**
 * How a run of several schools reads each declared entity and reference table: its route made SQL
 * (database sources) or a filter on a column of its own (files). Null for a source of one school.
 */
export interface Routing {
  /** Every tenant of the source (rows reaching none of them are rejected). */
  readonly tenants: ReadonlyArray<string>
  /** The reader of a declared entity, partitioned by tenant. */
  readonly entity: (decl: Manifest.EntityDecl) => Effect.Effect<Sources.Reader, Exit.CliError>
  /** The SQL that partitions a declared entity of a database source (null for a file source). */
  readonly conditions: (decl: Manifest.EntityDecl) => Effect.Effect<Keyset.Tenancy | null, Exit.CliError>
  /** The reader of a reference table read from the source of `decl`, partitioned when it has a route. */
  readonly table: (
    decl: Manifest.EntityDecl,
    table: string,
    key: string,
  ) => Effect.Effect<{ readonly reader: Sources.Reader; readonly shared: boolean }, Exit.CliError>
}

/** The routing of a manifest whose source holds several schools, or null. */
export const routing = (
  system: System,
  manifest: Manifest.Manifest,
  sources: Sources.Opened,
): Effect.Effect<Routing | null, Exit.CliError> =>
  Effect.gen(function* () {
    const rule = manifest.tenancy
    if (rule === undefined) return null
    const routes = system.routes
    if (routes === undefined)
      return yield* Effect.fail(
        Exit.config(
          `the ${system.name} mappers load one school per run: remove tenancy from the manifest and pass --tenant`,
        ),
      )
    const tenants = Manifest.tenantsOf(manifest)
    // A rule made SQL once per source (its quoting differs; a custom field reads the source).
    const rules = new Map<string, Effect.Effect<Tenancy.Rule, Exit.CliError>>()
    const ruleOf = (decl: Manifest.EntityDecl, r: Manifest.TenancyRule) => {
      const id = `${decl.source}\u0000${JSON.stringify(r)}`
      let made = rules.get(id)
      if (!made) {
        const quote = Sources.quoteFor(manifest.sources[decl.source]!.kind)
        const plain = Tenancy.sqlRule(r, tenants, quote)
        made = once(
          plain !== null
            ? Effect.succeed(plain)
            : Effect.flatMap(
                system.tenancyRule
                  ? system.tenancyRule(r, tenants, {
                      quote,
                      read: (table, key) =>
                        Effect.flatMap(
                          sources.reader({
                            name: `${decl.source}:${table}`,
                            source: decl.source,
                            table,
                            key,
                          }),
                          (x) => readAll(x),
                        ),
                    })
                  : Effect.succeed(null),
                (x) =>
                  x === null
                    ? Effect.fail(
                        Exit.config(
                          `tenancy: the ${system.name} mappers know no customField rule; use column or sql`,
                        ),
                      )
                    : Effect.succeed(x),
              ),
        )
        rules.set(id, made)
      }
      return made
    }
    const read = (
      decl: Manifest.EntityDecl,
      table: string,
      key: string,
      route: Tenancy.Route,
      r: Manifest.TenancyRule,
    ) =>
      Effect.gen(function* () {
        const spec: Manifest.EntityDecl =
          table === decl.table ? decl : { name: `${decl.source}:${table}`, source: decl.source, table, key }
        if (Sources.isDatabase(manifest.sources[decl.source]!.kind)) {
          const quote = Sources.quoteFor(manifest.sources[decl.source]!.kind)
          const compiled = Tenancy.compile(route, yield* ruleOf(decl, r), tenants, quote)
          return yield* sources.reader(spec, compiled)
        }
        const inner = yield* sources.reader(spec)
        if (route._tag === "Every")
          return Source.byTenant(inner.describe, new Map(tenants.map((t) => [t, inner] as const)))
        const routed =
          route._tag === "Own"
            ? Tenancy.routeFile(inner, r, tenants, decl.name)
            : `${decl.name}: ${table} reaches its school through another table, which a file source cannot look up; give the entity a tenancy rule of its own`
        return typeof routed === "string" ? yield* Effect.fail(Exit.config(routed)) : routed
      })
    const entityRoute = (decl: Manifest.EntityDecl) => {
      const route =
        decl.tenancy === "every"
          ? Tenancy.every
          : decl.tenancy !== undefined
            ? Tenancy.own
            : decl.table !== undefined
              ? routes[decl.table]
              : undefined
      return route === undefined
        ? Effect.fail(
            Exit.config(
              `${decl.name}: the ${system.name} mappers do not know how a row of ${decl.table ?? "its source"} reaches its school; give the entity \`tenancy: every\` or a rule of its own`,
            ),
          )
        : Effect.succeed({
            route,
            rule: decl.tenancy !== undefined && decl.tenancy !== "every" ? decl.tenancy : rule,
          })
    }
    return {
      tenants,
      entity: (decl) =>
        Effect.flatMap(entityRoute(decl), ({ route, rule: r }) =>
          read(decl, decl.table ?? "", decl.key ?? "", route, r),
        ),
      conditions: (decl) =>
        Sources.isDatabase(manifest.sources[decl.source]!.kind)
          ? Effect.flatMap(entityRoute(decl), ({ route, rule: r }) =>
              Effect.map(ruleOf(decl, r), (made) =>
                Tenancy.compile(route, made, tenants, Sources.quoteFor(manifest.sources[decl.source]!.kind)),
              ),
            )
          : Effect.succeed(null),
      // A table the schools share is read once, whole.
      table: (decl, table, key) => {
        const route = routes[table]
        return route === undefined || route._tag === "Every"
          ? Effect.map(
              sources.reader({ name: `${decl.source}:${table}`, source: decl.source, table, key }),
              (reader) => ({ reader, shared: true }),
            )
          : Effect.map(read(decl, table, key, route, rule), (reader) => ({ reader, shared: false }))
      },
    }
  })

/**
 * The pipeline steps of a manifest: each selected entity built by its factory and paired with its
 * reader. Dependencies are the manifest's plus the mapper's own, kept to the entities of this run.
 *
 * A source of several schools is read partitioned by tenant: each school's mappers are built with
 * that school's rows (its pre-passes see only them, as in a run of that school alone), and each
 * partition's rows go through its school's transform.
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
    const routed = yield* routing(system, manifest, sources)
    const tenants =
      routed === null
        ? [options.tenant]
        : options.tenants && options.tenants.length > 0
          ? options.tenants
          : routed.tenants
    const readers = new Map<string, Effect.Effect<Sources.Reader, Exit.CliError>>()
    const readerOf = (decl: Manifest.EntityDecl) => {
      let r = readers.get(decl.name)
      if (!r) {
        r = once(routed === null ? sources.reader(decl) : routed.entity(decl))
        readers.set(decl.name, r)
      }
      return r
    }
    const cache = new Map<string, Effect.Effect<ReadonlyArray<Row>, Exit.CliError>>()
    const cached = (id: string, make: Effect.Effect<ReadonlyArray<Row>, Exit.CliError>) => {
      let c = cache.get(id)
      if (!c) {
        c = once(make)
        cache.set(id, c)
      }
      return c
    }
    let reset: Password.ResetHash | undefined
    const prepOf = (tenant: string | null): Prep => {
      const memos = new Map<string, Effect.Effect<unknown, Exit.CliError>>()
      return {
        manifest,
        tenant: tenant ?? "",
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
          return cached(
            `${entity}\u0000${tenant}`,
            Effect.flatMap(readerOf(decl), (r) => readAll(r, routed === null ? null : tenant)),
          )
        },
        table: (from, table, key, needer) => {
          const decl = declared.get(from)
          if (!decl)
            return Effect.fail(
              Exit.config(
                `${needer} needs ${from} declared in the manifest: ${table} is read from its source`,
              ),
            )
          if (routed === null)
            return cached(
              `${decl.source}:${table}`,
              Effect.flatMap(
                sources.reader({ name: `${decl.source}:${table}`, source: decl.source, table, key }),
                (r) => readAll(r),
              ),
            )
          return Effect.flatMap(routed.table(decl, table, key), ({ reader, shared }) =>
            cached(
              `${decl.source}:${table}\u0000${shared ? "" : tenant}`,
              readAll(reader, shared ? null : tenant),
            ),
          )
        },
        document: (from, needer) => {
          const decl = declared.get(from)
          return decl
            ? sources.document(decl.source)
            : Effect.fail(
                Exit.config(`${needer} needs ${from} declared in the manifest: its document is read first`),
              )
        },
        memo: <A>(key: string, make: Effect.Effect<A, Exit.CliError>) => {
          let m = memos.get(key)
          if (!m) {
            m = once(make)
            memos.set(key, m)
          }
          return m as Effect.Effect<A, Exit.CliError>
        },
        resetHash: () => {
          reset ??= Password.resetHash()
          return reset
        },
      }
    }
    const selected = new Set(only)
    const order = Plan.order(manifest).filter((d) => selected.has(d.name))
    const built = new Map<
      string,
      Array<{ readonly tenant: string | null; readonly made: Entity.Entity | Planned }>
    >()
    for (const tenant of tenants) {
      const prep = prepOf(tenant)
      for (const decl of order) {
        const made = yield* system.entities[decl.name]!(prep)
        const entity = "entity" in made ? made.entity : made
        if (entity.name !== decl.name || entity.target.table !== system.targets[decl.name])
          return yield* Effect.die(
            new Error(`${system.name} wiring: ${decl.name} built ${entity.name} into ${entity.target.table}`),
          )
        built.set(decl.name, [...(built.get(decl.name) ?? []), { tenant, made }])
      }
    }
    const result: Array<Pipeline.Step> = []
    for (const decl of order) {
      const builds = built.get(decl.name)!
      const first = builds[0]!.made
      const base = "entity" in first ? first.entity : first
      const dependsOn = [...new Set([...(base.dependsOn ?? []), ...(decl.dependsOn ?? [])])].filter((d) =>
        selected.has(d),
      )
      const transform =
        routed === null
          ? base.transform
          : byTenant(builds.map((b) => [b.tenant!, ("entity" in b.made ? b.made.entity : b.made).transform]))
      const entity: Entity.Entity = {
        ...base,
        // No text is stored longer than its column's cap (see the portal's TextLength), whatever the mapper.
        transform: Transform.limitLengths(
          transform,
          base.target.columns,
          TextLength.limitsFor(base.target.table),
        ),
        dependsOn,
        batchSize: decl.batchSize ?? manifest.defaults.batchSize,
        ...(decl.onInvalid ? { onInvalid: decl.onInvalid } : {}),
      }
      const source =
        "entity" in first
          ? routed === null
            ? first.source
            : Source.byTenant(
                first.source.describe,
                new Map(builds.map((b) => [b.tenant!, (b.made as Planned).source])),
              )
          : yield* readerOf(decl)
      result.push({ entity, source })
    }
    return result
  })

// Each partition's rows through the transform of their school; rows of no school never reach one
// (the source rejects them), but a transform that met one would reject it rather than guess.
const byTenant = (
  transforms: ReadonlyArray<readonly [string, Transform.Transform<unknown>]>,
): Transform.Transform<unknown> => {
  const of = new Map(transforms)
  return (rows, keys, ctx) => {
    const t = ctx.tenant === null ? undefined : of.get(ctx.tenant)
    if (t !== undefined) return t(rows, keys, ctx)
    return {
      ok: [],
      okKeys: [],
      okRaw: [],
      rejected: rows.map((raw, i) => ({
        key: keys[i]!,
        reasons: [
          {
            column: null,
            rule: "tenant_unknown",
            message: `no school of the run is ${ctx.tenant ?? "unnamed"}`,
          },
        ],
        raw,
      })),
      skipped: [],
      notes: [],
      mapped: [],
    }
  }
}

// A pre-pass is read at most once however many factories need it.
const once = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E> => Effect.runSync(Effect.cached(self))
