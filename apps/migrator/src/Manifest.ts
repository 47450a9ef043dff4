/**
 * The migration manifest: one YAML file that says what to read, where to write and how. It is decoded
 * with an effect Schema and cross-checked before anything connects; every problem is reported with the
 * file, line, column and key it is about, so an operator can fix it without reading our code.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { Entity } from "@schoolbridge/core"
import { Data, Either, ParseResult, Redacted, Schema } from "effect"
import { isMap, isNode, isScalar, LineCounter, parseDocument, type YAMLMap } from "yaml"

const EnvName = Schema.String.pipe(
  Schema.pattern(/^[A-Z_][A-Z0-9_]*$/, { message: () => "an environment variable name in upper case" }),
)

/** Where a secret (a connection URL) comes from: an environment variable, or a file that holds it. */
export const SecretRef = Schema.Union(
  Schema.Struct({ env: EnvName }),
  Schema.Struct({ file: Schema.NonEmptyTrimmedString }),
)
/** A secret reference. */
export type SecretRef = typeof SecretRef.Type

/** A path given literally or through an environment variable (file sources). */
export const PathRef = Schema.Union(Schema.NonEmptyTrimmedString, Schema.Struct({ env: EnvName }))
/** A path reference. */
export type PathRef = typeof PathRef.Type

const PoolSize = Schema.Int.pipe(Schema.between(1, 64))

/** A database source. */
export const DatabaseSource = Schema.Struct({
  kind: Schema.Literal("mysql", "postgres"),
  url: SecretRef,
  pool: Schema.optional(PoolSize),
})

/** A file source: one file, or a directory holding one file per entity. */
export const FileSource = Schema.Struct({
  /** `json`: a file that is one array; `json-document`: a document whose arrays entities name by dot path. */
  kind: Schema.Literal("csv", "xlsx", "ndjson", "json", "json-document", "sqlite"),
  path: PathRef,
  /**
   * The text encoding of a csv, ndjson or json file: `utf8` (the default, checked: a file that is not
   * is refused, naming the line and column of the first bad byte) or one iconv-lite knows, such as
   * `windows-1252`, `latin1` or `utf-16`.
   */
  encoding: Schema.optional(Schema.NonEmptyTrimmedString),
})

/** Any source. */
export const Source = Schema.Union(DatabaseSource, FileSource)
/** A declared source. */
export type Source = typeof Source.Type

const Name = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/, {
    message: () => "a lower-case name such as gibbon.users",
  }),
)

const TenantCode = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, { message: () => "a tenant code such as SA01" }),
)

const BatchSize = Schema.Int.pipe(Schema.between(1, 1_000_000))

/**
 * How a row of a source that holds several schools names its school: a column, a Gibbon custom
 * field, or an SQL expression over the row (database sources), with an optional table from the
 * values found there to tenant codes. Rows the rule gives none of the manifest's tenants are
 * rejected with the value they hold.
 */
export const TenancyRule = Schema.Struct({
  column: Schema.optional(Schema.NonEmptyTrimmedString),
  customField: Schema.optional(Schema.NonEmptyTrimmedString),
  sql: Schema.optional(Schema.NonEmptyTrimmedString),
  map: Schema.optional(Schema.Record({ key: Schema.String, value: TenantCode })),
})
/** A tenancy rule. */
export type TenancyRule = typeof TenancyRule.Type

/** One entity to migrate: which mapper, reading what. */
export const EntityDecl = Schema.Struct({
  /** The mapper's entity name, e.g. `gibbon.users`; also the rows' `legacy_source`. */
  name: Name,
  /** The declared source it reads. */
  source: Schema.NonEmptyTrimmedString,
  /** Table (database sources), or file name / JSON path (file sources). */
  table: Schema.optional(Schema.NonEmptyTrimmedString),
  /** Key column: rows stream in its order and resume after it. */
  key: Schema.optional(Schema.NonEmptyTrimmedString),
  /** An extra SQL condition on a database source. */
  where: Schema.optional(Schema.NonEmptyTrimmedString),
  /** Read one partition per value of this column, in parallel. */
  tenantColumn: Schema.optional(Schema.NonEmptyTrimmedString),
  /**
   * With a manifest `tenancy`: `every` gives this entity's rows to every tenant (rows the schools
   * share); a rule of its own names each row's school instead of the system's route to it.
   */
  tenancy: Schema.optional(Schema.Union(Schema.Literal("every"), TenancyRule)),
  batchSize: Schema.optional(BatchSize),
  /**
   * Per source column, what becomes of a value its cleanser refuses, overriding the mapper's policy:
   * `reject` the row, store it as empty (`null`), or `keep` it as written. Columns are named as the
   * run's notes name them (`phone1`, `email`, `dob`).
   */
  onInvalid: Schema.optional(
    Schema.Record({ key: Schema.NonEmptyTrimmedString, value: Schema.Literal("reject", "null", "keep") }),
  ),
  /** Entities that must load before this one (in addition to the mapper's own). */
  dependsOn: Schema.optional(Schema.Array(Name)),
})
/** A declared entity. */
export type EntityDecl = typeof EntityDecl.Type

/** The source systems the migrator has mappers for. */
export const System = Schema.Literal("gibbon", "legacy-sis", "browser-export", "moodle")
/** A source system. */
export type System = typeof System.Type

const Fraction = Schema.Number.pipe(Schema.between(0, 1))

const Identifier = /^[a-z_][a-z0-9_]*$/

/** One portal column that holds file URLs, e.g. `auth.users` / `avatar_url`. */
export const FileColumn = Schema.Struct({
  table: Schema.String.pipe(
    Schema.pattern(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, {
      message: () => "a schema-qualified table such as auth.users",
    }),
  ),
  column: Schema.String.pipe(
    Schema.pattern(Identifier, { message: () => "a column name such as avatar_url" }),
  ),
})

/** The `files` command's settings: where the legacy uploads are, where they go, and which columns point at them. */
export const FilesDecl = Schema.Struct({
  /** The legacy upload root directory. */
  from: PathRef,
  /** The target store directory. */
  to: PathRef,
  /** The public URL the store is served under; rewritten values are this plus the file's key. */
  baseUrl: Schema.String.pipe(
    Schema.pattern(/^https?:\/\/[^\s]+\/$/, { message: () => "an http(s) URL ending in /" }),
  ),
  columns: Schema.NonEmptyArray(FileColumn),
})
/** A declared `files` section. */
export type FilesDecl = typeof FilesDecl.Type

/** The tenants of a manifest whose source holds several schools: its `tenants`, else its map's codes. */
export const tenantsOf = (m: Manifest): ReadonlyArray<string> =>
  m.tenants.length > 0 ? m.tenants : [...new Set(Object.values(m.tenancy?.map ?? {}))].sort()

/** The whole manifest. */
export const Manifest = Schema.Struct({
  version: Schema.Literal(1),
  name: Schema.NonEmptyTrimmedString,
  system: System,
  target: Schema.Struct({ url: SecretRef, pool: Schema.optional(PoolSize) }),
  sources: Schema.Record({ key: Name, value: Source }),
  tenants: Schema.optionalWith(Schema.Array(TenantCode), { default: () => [] }),
  /** A source of several schools: how each row names its school (see `TenancyRule`). */
  tenancy: Schema.optional(TenancyRule),
  /** The business date of the run's date checks (`YYYY-MM-DD`); default: the day the run starts. */
  asOf: Schema.optional(
    Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "a date YYYY-MM-DD" })),
  ),
  timeZone: Schema.optionalWith(Schema.NonEmptyTrimmedString, { default: () => "Asia/Kuala_Lumpur" }),
  passwords: Schema.optionalWith(Schema.Literal("force-reset", "carry-over"), {
    default: () => "force-reset" as const,
  }),
  defaults: Schema.optionalWith(
    Schema.Struct({
      batchSize: Schema.optionalWith(BatchSize, { default: () => 20_000 }),
      parallel: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 16)), { default: () => 2 }),
    }),
    { default: () => ({ batchSize: 20_000, parallel: 2 }) },
  ),
  tolerances: Schema.optionalWith(
    Schema.Struct({
      /** Allowed relative difference of row counts per entity and tenant. */
      countParity: Schema.optionalWith(Fraction, { default: () => 0.001 }),
      /** Share of warnings that must pass for a go. */
      warningsPass: Schema.optionalWith(Fraction, { default: () => 0.95 }),
      /** Share of failing rows above which a rollback is recommended. */
      rollbackAbove: Schema.optionalWith(Fraction, { default: () => 0.05 }),
      /** Share of an entity's rows a run may reject before it ends with exit 4. */
      rejectAbove: Schema.optionalWith(Fraction, { default: () => 0.02 }),
    }),
    { default: () => ({ countParity: 0.001, warningsPass: 0.95, rollbackAbove: 0.05, rejectAbove: 0.02 }) },
  ),
  /** Options of the source system's mappers (e.g. Gibbon's custom field that names the school). */
  options: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), {
    default: () => ({}),
  }),
  entities: Schema.NonEmptyArray(EntityDecl),
  /** Optional: the file assets the `files` command copies and rewrites. */
  files: Schema.optionalWith(FilesDecl, { exact: true }),
})
/** A decoded manifest. */
export type Manifest = typeof Manifest.Type

/** One thing wrong with a manifest, located in its file. */
export interface Problem {
  readonly line: number
  readonly column: number
  /** The key, e.g. `entities[2].batchSize`. */
  readonly key: string
  readonly message: string
}

/** A manifest that cannot be used; `message` has one line per problem, `file:line:column key: what`. */
export class ManifestError extends Data.TaggedError("ManifestError")<{
  readonly file: string
  readonly problems: ReadonlyArray<Problem>
}> {
  override get message(): string {
    const name = path.basename(this.file)
    return this.problems
      .map((p) => `${name}:${p.line}:${p.column} ${p.key === "" ? "" : `${p.key}: `}${p.message}`)
      .join("\n")
  }
}

/** A decoded manifest with the file it came from. */
export interface Loaded {
  readonly file: string
  readonly manifest: Manifest
  /** Where each key path is in the file, for errors found later (a missing environment variable). */
  readonly locate: (keyPath: ReadonlyArray<PropertyKey>) => Problem
}

const keyOf = (keyPath: ReadonlyArray<PropertyKey>): string =>
  keyPath.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s === "" ? String(k) : `${s}.${String(k)}`),
    "",
  )

/**
 * A decoding error as one message per key. A value that fits none of several literals (`kind: mssql`)
 * gives one issue per literal, and an optional key one more for `undefined`; they become one line
 * listing what would fit.
 */
export const issues = (
  error: ParseResult.ParseError,
  unexpected = "is not a known key (check its spelling)",
): Array<{ readonly keyPath: ReadonlyArray<PropertyKey>; readonly message: string }> => {
  const byKey = new Map<string, { keyPath: ReadonlyArray<PropertyKey>; messages: Array<string> }>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const message =
      issue._tag === "Missing" ? "is required" : issue._tag === "Unexpected" ? unexpected : issue.message
    const id = JSON.stringify(issue.path)
    const entry = byKey.get(id) ?? { keyPath: issue.path, messages: [] }
    entry.messages.push(message)
    byKey.set(id, entry)
  }
  // A `kind` that is none of the kinds decides nothing else: the other keys of its object are only
  // "wrong" for kinds it is not, so they are left out.
  const badKinds = [...byKey.values()]
    .filter((e) => e.keyPath.at(-1) === "kind")
    .map((e) => JSON.stringify(e.keyPath.slice(0, -1)))
  const entries = [...byKey.values()].filter(
    (e) => e.keyPath.at(-1) === "kind" || !badKinds.includes(JSON.stringify(e.keyPath.slice(0, -1))),
  )
  return entries.map(({ keyPath, messages }) => {
    const expected = messages
      .map((m) => /^Expected (.+), actual (.+)$/.exec(m))
      .filter((m): m is RegExpExecArray => m !== null && m[1] !== "undefined")
    if (expected.length > 1 && expected.length >= messages.length - 1)
      return {
        keyPath,
        message: `Expected one of ${expected.map((m) => m[1]).join(", ")}, actual ${expected[0]![2]}`,
      }
    return {
      keyPath,
      message: messages.filter((m) => !m.startsWith("Expected undefined")).join("; ") || messages[0]!,
    }
  })
}

/** Decodes a manifest's text; `file` is only used in messages. */
export const parse = (file: string, text: string): Either.Either<Loaded, ManifestError> => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  if (doc.errors.length > 0)
    return Either.left(
      new ManifestError({
        file,
        problems: doc.errors.map((e) => ({ ...at(e.pos[0]), key: "", message: e.message.split("\n")[0]! })),
      }),
    )
  const locate = (keyPath: ReadonlyArray<PropertyKey>): Problem => {
    // The key itself where the path ends at a map key; else the deepest node that exists on the path
    // (a missing key points at the map that lacks it).
    for (let n = keyPath.length; n >= 0; n--) {
      const parent = n === 0 ? undefined : doc.getIn(keyPath.slice(0, n - 1) as Array<unknown>, true)
      if (n > 0 && (n === 1 ? isMap(doc.contents) : isMap(parent))) {
        const map = (n === 1 ? doc.contents : parent) as YAMLMap
        const pair = map.items.find((p) => isScalar(p.key) && p.key.value === keyPath[n - 1])
        if (pair && isNode(pair.key) && pair.key.range)
          return { ...at(pair.key.range[0]), key: keyOf(keyPath), message: "" }
      }
      const node = n === 0 ? doc.contents : doc.getIn(keyPath.slice(0, n) as Array<unknown>, true)
      if (isNode(node) && node.range) return { ...at(node.range[0]), key: keyOf(keyPath), message: "" }
    }
    return { line: 1, column: 1, key: keyOf(keyPath), message: "" }
  }
  const fail = (problems: ReadonlyArray<{ keyPath: ReadonlyArray<PropertyKey>; message: string }>) =>
    Either.left(
      new ManifestError({
        file,
        problems: problems
          .map((p) => ({ ...locate(p.keyPath), message: p.message }))
          .sort((a, b) => a.line - b.line || a.column - b.column),
      }),
    )
  const decoded = Schema.decodeUnknownEither(Manifest, { errors: "all", onExcessProperty: "error" })(
    doc.toJS(),
  )
  if (Either.isLeft(decoded)) return fail(issues(decoded.left))
  const manifest = decoded.right
  const problems = crossCheck(manifest)
  if (problems.length > 0) return fail(problems)
  return Either.right({ file, manifest, locate })
}

// What the Schema cannot say alone: names that must point at each other, and a dependency graph
// without cycles.
const crossCheck = (m: Manifest) => {
  const problems: Array<{ keyPath: ReadonlyArray<PropertyKey>; message: string }> = []
  const names = new Map<string, number>()
  m.entities.forEach((e, i) => {
    if (names.has(e.name))
      problems.push({
        keyPath: ["entities", i, "name"],
        message: `${e.name} is declared twice (also entities[${names.get(e.name)}])`,
      })
    else names.set(e.name, i)
    if (!(e.source in m.sources))
      problems.push({
        keyPath: ["entities", i, "source"],
        message: `no source named ${e.source}; declared sources: ${Object.keys(m.sources).join(", ") || "none"}`,
      })
    const source = m.sources[e.source]
    if (
      source !== undefined &&
      (source.kind === "mysql" || source.kind === "postgres" || source.kind === "sqlite")
    ) {
      if (e.table === undefined)
        problems.push({ keyPath: ["entities", i], message: `table is required for a ${source.kind} source` })
      if (e.key === undefined)
        problems.push({ keyPath: ["entities", i], message: `key is required for a ${source.kind} source` })
    }
    ;(e.dependsOn ?? []).forEach((d, j) => {
      if (!m.entities.some((o) => o.name === d))
        problems.push({
          keyPath: ["entities", i, "dependsOn", j],
          message: `${d} is not an entity of this manifest`,
        })
    })
  })
  for (const [name, source] of Object.entries(m.sources)) {
    if (
      "encoding" in source &&
      source.encoding !== undefined &&
      !["csv", "ndjson", "json"].includes(source.kind)
    )
      problems.push({
        keyPath: ["sources", name, "encoding"],
        message: `encoding applies to csv, ndjson and json files; a ${source.kind} source says its own`,
      })
  }
  const rules: Array<[ReadonlyArray<PropertyKey>, TenancyRule]> = []
  if (m.tenancy) rules.push([["tenancy"], m.tenancy])
  m.entities.forEach((e, i) => {
    if (e.tenancy !== undefined && e.tenancy !== "every") rules.push([["entities", i, "tenancy"], e.tenancy])
    if (e.tenancy !== undefined && m.tenancy === undefined)
      problems.push({
        keyPath: ["entities", i, "tenancy"],
        message:
          "an entity's tenancy needs the manifest's `tenancy`, which says the source holds several schools",
      })
    if (e.tenancy !== undefined && e.tenantColumn !== undefined)
      problems.push({
        keyPath: ["entities", i, "tenancy"],
        message: "give tenancy or tenantColumn, not both",
      })
  })
  for (const [keyPath, rule] of rules) {
    const given = (["column", "customField", "sql"] as const).filter((k) => rule[k] !== undefined)
    if (given.length !== 1)
      problems.push({
        keyPath,
        message: `name exactly one of column, customField or sql${given.length > 1 ? ` (got ${given.join(", ")})` : ""}`,
      })
    const unknown = Object.values(rule.map ?? {}).filter(
      (t) => m.tenants.length > 0 && !m.tenants.includes(t),
    )
    if (unknown.length > 0)
      problems.push({
        keyPath: [...keyPath, "map"],
        message: `maps to ${[...new Set(unknown)].join(", ")}, which tenants does not list`,
      })
  }
  if (m.tenancy !== undefined && m.tenants.length === 0 && m.tenancy.map === undefined)
    problems.push({
      keyPath: ["tenancy"],
      message: "name the schools this source holds: `tenants: [SA01, SB02]` (or give a map to tenant codes)",
    })
  if (problems.length === 0) {
    try {
      Entity.dependencyOrder(m.entities.map((e) => ({ name: e.name, dependsOn: e.dependsOn ?? [] })))
    } catch (e) {
      problems.push({ keyPath: ["entities"], message: (e as Error).message })
    }
  }
  return problems
}

/** Reads and decodes a manifest file. */
export const load = (file: string): Either.Either<Loaded, ManifestError> => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message
    return Either.left(
      new ManifestError({
        file,
        problems: [{ line: 0, column: 0, key: "", message: `cannot read: ${reason}` }],
      }),
    )
  }
  return parse(file, text)
}

/**
 * Resolves a secret reference against the environment or its file, as a `Redacted` value; a missing
 * variable or file is a problem located at the manifest key that names it.
 */
export const secret = (
  loaded: Loaded,
  ref: SecretRef,
  keyPath: ReadonlyArray<PropertyKey>,
  env: Readonly<Record<string, string | undefined>>,
): Either.Either<Redacted.Redacted<string>, ManifestError> => {
  const problem = (message: string) =>
    Either.left(new ManifestError({ file: loaded.file, problems: [{ ...loaded.locate(keyPath), message }] }))
  if ("env" in ref) {
    const value = env[ref.env]?.trim()
    return value ? Either.right(Redacted.make(value)) : problem(`environment variable ${ref.env} is not set`)
  }
  const file = path.resolve(path.dirname(loaded.file), ref.file)
  try {
    const value = readFileSync(file, "utf8").trim()
    return value ? Either.right(Redacted.make(value)) : problem(`secret file ${ref.file} is empty`)
  } catch {
    return problem(`cannot read secret file ${ref.file}`)
  }
}

/** Resolves a file source's path (relative paths are relative to the manifest). */
export const filePath = (
  loaded: Loaded,
  ref: PathRef,
  keyPath: ReadonlyArray<PropertyKey>,
  env: Readonly<Record<string, string | undefined>>,
): Either.Either<string, ManifestError> => {
  if (typeof ref === "string") return Either.right(path.resolve(path.dirname(loaded.file), ref))
  const value = env[ref.env]?.trim()
  return value
    ? Either.right(path.resolve(value))
    : Either.left(
        new ManifestError({
          file: loaded.file,
          problems: [{ ...loaded.locate(keyPath), message: `environment variable ${ref.env} is not set` }],
        }),
      )
}
