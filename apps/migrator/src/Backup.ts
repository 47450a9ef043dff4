/**
 * `backup` and `restore`: the portal database before cutover, as `pg_dump` custom-format archives
 * (the whole database and one per portal schema) with a manifest and checksums, and the way back
 * from them. Restore checks every checksum before it touches anything, because a damaged archive
 * found half-way through a restore leaves the portal worse than no restore at all.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { pipeline } from "node:stream/promises"
import { Command, Options } from "@effect/cli"
import type { Terminal } from "@effect/platform"
import { ConnectionUrl, PgClient, PgLedger } from "@schoolbridge/connectors"
import { Console, Effect, Option, Redacted } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as Target from "./Target.js"

/** The portal's schemas, each dumped on its own so that one can be restored without the rest. */
export const schemas = [
  "auth",
  "academic",
  "islamic",
  "financial",
  "communication",
  "content",
  "analytics",
  "audit",
  "migration",
] as const

/** The archive of the whole database. */
export const wholeFile = "portal.dump"
/** The archive of one schema. */
export const schemaFile = (schema: string): string => `schema-${schema}.dump`
/** The description of a backup. */
export const manifestFile = "manifest.json"
/** The checksums, in the format `sha256sum -c` reads. */
export const sumsFile = "SHA256SUMS"

/** One archive of a backup. */
export interface BackupFile {
  readonly file: string
  /** The schema it holds; null for the whole database. */
  readonly schema: string | null
  readonly bytes: number
  readonly sha256: string
}

/** What `manifest.json` says about a backup. */
export interface BackupManifest {
  readonly format: 1
  readonly createdAt: string
  /** The database, without its password. */
  readonly database: string
  readonly serverVersion: string
  /** The portal schema's migration level (0: no portal schema). */
  readonly schemaVersion: number
  readonly files: ReadonlyArray<BackupFile>
}

// ---------------------------------------------------------------------------------------------
// The client tools

/** How the PostgreSQL client tools reach the database: arguments, and the password apart. */
export interface Connection {
  readonly args: ReadonlyArray<string>
  readonly database: string
  /** For the child's environment (PGPASSWORD and the like), never for its command line. */
  readonly env: Readonly<Record<string, string>>
}

/** Splits a connection URL into client-tool arguments and environment; exit 2 when it is not a URL. */
export const connection = (url: Redacted.Redacted<string>): Effect.Effect<Connection, Exit.CliError> =>
  Effect.try({
    try: () => {
      const u = new URL(Redacted.value(url))
      if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error("not postgres")
      const database = decodeURIComponent(u.pathname.replace(/^\//, ""))
      if (database === "") throw new Error("no database")
      const args = [
        ...(u.hostname ? ["--host", decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ""))] : []),
        ...(u.port ? ["--port", u.port] : []),
        ...(u.username ? ["--username", decodeURIComponent(u.username)] : []),
      ]
      const env: Record<string, string> = {}
      if (u.password) env.PGPASSWORD = decodeURIComponent(u.password)
      const sslmode = u.searchParams.get("sslmode")
      if (sslmode) env.PGSSLMODE = sslmode
      return { args, database, env }
    },
    catch: () =>
      Exit.config(
        `the target is not a PostgreSQL URL with a database (postgres://user:password@host:port/database): ${ConnectionUrl.redact(Redacted.value(url))}`,
      ),
  })

const installHint =
  "install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or put them on PATH"

/** Runs a client tool to the end; exit 2 when it is not installed, exit 3 when it fails. */
export const runTool = (
  tool: "pg_dump" | "pg_restore" | "psql",
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
): Effect.Effect<void, Exit.CliError> =>
  Effect.async<void, Exit.CliError>((resume) => {
    let child: ChildProcess
    let stderr = ""
    try {
      child = spawn(tool, [...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "pipe"],
      })
    } catch (e) {
      resume(Effect.fail(Exit.failure(`cannot start ${tool}: ${(e as Error).message}`)))
      return
    }
    child.stderr?.on("data", (d) => {
      stderr += d
    })
    child.on("error", (e: NodeJS.ErrnoException) =>
      resume(
        Effect.fail(
          e.code === "ENOENT"
            ? Exit.config(`${tool} was not found: ${installHint}`)
            : Exit.failure(`cannot start ${tool}: ${e.message}`),
        ),
      ),
    )
    child.on("close", (code) =>
      resume(
        code === 0
          ? Effect.void
          : Effect.fail(Exit.failure(`${tool} failed (exit ${code}): ${stderr.trim()}`)),
      ),
    )
    return Effect.sync(() => {
      child.kill()
    })
  })

/** Fails with exit 2 and how to install it when a client tool is not on PATH. */
export const requireTool = (tool: "pg_dump" | "pg_restore" | "psql"): Effect.Effect<void, Exit.CliError> =>
  runTool(tool, ["--version"], {})

/** Runs a client tool and returns what it printed on standard output. */
const toolOutput = (tool: "pg_restore", args: ReadonlyArray<string>): Effect.Effect<string, Exit.CliError> =>
  Effect.async<string, Exit.CliError>((resume) => {
    let stdout = ""
    let stderr = ""
    const child = spawn(tool, [...args], { stdio: ["ignore", "pipe", "pipe"] })
    child.stdout.on("data", (d) => {
      stdout += d
    })
    child.stderr.on("data", (d) => {
      stderr += d
    })
    child.on("error", (e: NodeJS.ErrnoException) =>
      resume(
        Effect.fail(
          e.code === "ENOENT"
            ? Exit.config(`${tool} was not found: ${installHint}`)
            : Exit.failure(e.message),
        ),
      ),
    )
    child.on("close", (code) =>
      resume(
        code === 0
          ? Effect.succeed(stdout)
          : Effect.fail(Exit.failure(`${tool} failed (exit ${code}): ${stderr.trim()}`)),
      ),
    )
    return Effect.sync(() => {
      child.kill()
    })
  })

/** The SHA-256 of a file, read as a stream so that a dump of any size fits. */
export const sha256 = (file: string): Effect.Effect<string, Exit.CliError> =>
  Effect.tryPromise({
    try: async () => {
      const hash = createHash("sha256")
      await pipeline(createReadStream(file), hash)
      return hash.digest("hex")
    },
    catch: (e) => Exit.failure(`cannot read ${file}: ${(e as Error).message}`),
  })

// ---------------------------------------------------------------------------------------------
// Output

const units = ["bytes", "KiB", "MiB", "GiB", "TiB"] as const

/** A size for people: bytes below 1 KiB, else one decimal of the largest unit. */
export const size = (bytes: number): string => {
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${bytes} bytes` : `${v.toFixed(1)} ${units[i]}`
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

const table = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const w = Math.max(4, ...rows.map((r) => r[0].length))
  const v = Math.max(4, ...rows.map((r) => r[1].length))
  return [
    `${"file".padEnd(w)}  ${"size".padStart(v)}`,
    ...rows.map(([a, b]) => `${a.padEnd(w)}  ${b.padStart(v)}`),
  ]
}

// ---------------------------------------------------------------------------------------------
// Backup

const emptyOrAbsent = (dir: string): Effect.Effect<void, Exit.CliError> =>
  Effect.suspend(() => {
    if (!existsSync(dir)) return Effect.void
    if (!statSync(dir).isDirectory()) return Effect.fail(Exit.config(`${dir} is not a directory`))
    return readdirSync(dir).length === 0
      ? Effect.void
      : Effect.fail(Exit.config(`${dir} is not empty: back up into a new or empty directory`))
  })

/** What a backup wrote and how long it took. */
export interface BackupOutcome {
  readonly dir: string
  readonly manifest: BackupManifest
  readonly written: ReadonlyArray<{ readonly file: string; readonly bytes: number }>
  readonly missingSchemas: ReadonlyArray<string>
  readonly millis: number
}

/**
 * Dumps the whole database and each portal schema into `dir`. Every dump reads the same snapshot,
 * exported by a transaction held open meanwhile, so the schema archives agree with the whole one.
 */
export const backup = (
  target: Redacted.Redacted<string>,
  dir: string,
  now: () => Date,
): Effect.Effect<BackupOutcome, Exit.CliError> =>
  Effect.gen(function* () {
    const started = Date.now()
    yield* emptyOrAbsent(dir)
    yield* requireTool("pg_dump")
    const conn = yield* connection(target)
    const createdAt = now().toISOString()
    const dumped = yield* Target.use(
      target,
      Effect.gen(function* () {
        const db = yield* PgClient.PgClient
        const pgFailure = (e: { readonly message: string }) => Exit.failure(e.message)
        const version = yield* db
          .query<{ v: string }>("select current_setting('server_version') as v")
          .pipe(Effect.mapError(pgFailure))
        const level = yield* PgLedger.schemaVersion.pipe(Effect.mapError(pgFailure))
        const present = yield* db
          .query<{ nspname: string }>("select nspname from pg_namespace where nspname = any($1)", [
            [...schemas],
          ])
          .pipe(Effect.mapError(pgFailure))
        const have = new Set(present.map((r) => r.nspname))
        const inBackup = schemas.filter((s) => have.has(s))
        const jobs: Array<{ file: string; schema: string | null }> = [
          { file: wholeFile, schema: null },
          ...inBackup.map((s) => ({ file: schemaFile(s), schema: s })),
        ]
        yield* Effect.sync(() => mkdirSync(dir, { recursive: true }))
        yield* db
          .transaction((c) =>
            Effect.gen(function* () {
              yield* PgClient.query(c, "set transaction isolation level repeatable read, read only")
              const snap = yield* PgClient.query<{ s: string }>(c, "select pg_export_snapshot() as s")
              const snapshot = snap[0]!.s
              for (const job of jobs)
                yield* runTool(
                  "pg_dump",
                  [
                    "--format=custom",
                    `--snapshot=${snapshot}`,
                    ...(job.schema === null ? [] : [`--schema=${job.schema}`]),
                    `--file=${path.join(dir, job.file)}`,
                    ...conn.args,
                    "--dbname",
                    conn.database,
                  ],
                  conn.env,
                )
            }),
          )
          .pipe(Effect.mapError((e) => (e instanceof Exit.CliError ? e : pgFailure(e))))
        return {
          jobs,
          serverVersion: version[0]?.v ?? "unknown",
          schemaVersion: level,
          missing: schemas.filter((s) => !have.has(s)),
        }
      }),
    )
    const files: Array<BackupFile> = []
    for (const job of dumped.jobs) {
      const file = path.join(dir, job.file)
      files.push({
        file: job.file,
        schema: job.schema,
        bytes: statSync(file).size,
        sha256: yield* sha256(file),
      })
    }
    const manifest: BackupManifest = {
      format: 1,
      createdAt,
      database: ConnectionUrl.redact(Redacted.value(target)),
      serverVersion: dumped.serverVersion,
      schemaVersion: dumped.schemaVersion,
      files,
    }
    const manifestPath = path.join(dir, manifestFile)
    yield* Effect.sync(() => writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`))
    const manifestSum = yield* sha256(manifestPath)
    // Text mode (two spaces), the default of `sha256sum`; the manifest is covered too.
    const sums = [...files.map((f) => `${f.sha256}  ${f.file}`), `${manifestSum}  ${manifestFile}`]
    yield* Effect.sync(() => writeFileSync(path.join(dir, sumsFile), `${sums.join("\n")}\n`))
    const written = [...files, manifestFile, sumsFile].map((f) =>
      typeof f === "string"
        ? { file: f, bytes: statSync(path.join(dir, f)).size }
        : { file: f.file, bytes: f.bytes },
    )
    return { dir, manifest, written, missingSchemas: dumped.missing, millis: Date.now() - started }
  })

/** A backup's summary: where, what, each file with its size, and the time taken. */
export const renderBackup = (o: BackupOutcome): string =>
  [
    `backed up ${o.manifest.database} (PostgreSQL ${o.manifest.serverVersion}, portal schema at migration ${o.manifest.schemaVersion}) into ${o.dir} in ${seconds(o.millis)}`,
    ...(o.missingSchemas.length === 0
      ? []
      : [`schemas not in the database, not dumped: ${o.missingSchemas.join(", ")}`]),
    "",
    ...table(o.written.map((w) => [w.file, size(w.bytes)] as const)),
  ].join("\n")

// ---------------------------------------------------------------------------------------------
// Restore

/** Checks every file of `SHA256SUMS` and reads the manifest; exit 1 naming the first bad file. */
export const verify = (dir: string): Effect.Effect<BackupManifest, Exit.CliError> =>
  Effect.gen(function* () {
    const noGo = (message: string) => new Exit.CliError({ code: Exit.noGo, message })
    const sumsPath = path.join(dir, sumsFile)
    if (!existsSync(sumsPath))
      return yield* Effect.fail(
        noGo(`${sumsPath} is missing: this is not a complete backup; nothing was restored`),
      )
    const lines = readFileSync(sumsPath, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
    const verified = new Set<string>()
    for (const line of lines) {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line)
      if (m === null)
        return yield* Effect.fail(noGo(`${sumsPath} has a line that is not a checksum: ${line}`))
      const [, expected, name] = m as unknown as [string, string, string]
      const file = path.join(dir, name)
      if (!existsSync(file))
        return yield* Effect.fail(noGo(`${name} is missing from ${dir}; nothing was restored`))
      const actual = yield* sha256(file)
      if (actual !== expected)
        return yield* Effect.fail(
          noGo(
            `${name} does not match its checksum (damaged or changed since the backup); nothing was restored`,
          ),
        )
      verified.add(name)
    }
    if (!verified.has(manifestFile))
      return yield* Effect.fail(noGo(`${sumsPath} does not cover ${manifestFile}; nothing was restored`))
    const manifest = yield* Effect.try({
      try: () => JSON.parse(readFileSync(path.join(dir, manifestFile), "utf8")) as BackupManifest,
      catch: () => noGo(`${manifestFile} is not a backup manifest; nothing was restored`),
    })
    for (const f of manifest.files)
      if (!verified.has(f.file))
        return yield* Effect.fail(
          noGo(`${f.file} is in ${manifestFile} but has no checksum; nothing was restored`),
        )
    return manifest
  })

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

/** The tables of `schema`, parents before the tables whose foreign keys point at them. */
const tablesInLoadOrder = (schema: string) =>
  Effect.gen(function* () {
    const db = yield* PgClient.PgClient
    const tables = yield* db.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind = 'r' order by c.relname`,
      [schema],
    )
    const edges = yield* db.query<{ child: string; parent: string }>(
      `select ch.relname as child, pa.relname as parent
         from pg_constraint k
         join pg_class ch on ch.oid = k.conrelid
         join pg_class pa on pa.oid = k.confrelid
         join pg_namespace n on n.oid = ch.relnamespace and n.oid = pa.relnamespace
        where k.contype = 'f' and n.nspname = $1 and k.conrelid <> k.confrelid`,
      [schema],
    )
    const names = tables.map((t) => t.name)
    const parents = new Map(names.map((t) => [t, new Set<string>()]))
    for (const e of edges) parents.get(e.child)?.add(e.parent)
    const order: Array<string> = []
    const placed = new Set<string>()
    let progress = true
    while (progress) {
      progress = false
      for (const t of names)
        if (!placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p))) {
          order.push(t)
          placed.add(t)
          progress = true
        }
    }
    // A cycle of foreign keys has no order; its tables go last and PostgreSQL decides.
    return [...order, ...names.filter((t) => !placed.has(t))]
  })

/** What a restore did. */
export interface RestoreOutcome {
  readonly file: string
  readonly schema: string | null
  readonly tables: number
  readonly millis: number
}

/**
 * Replaces the rows of one schema's tables with the backup's, in one transaction. The structure
 * stays: dropping the schema's tables would take the foreign keys and views of the other schemas
 * that depend on them. A row elsewhere that still needs a removed row fails the whole restore.
 */
const restoreSchema = (
  conn: Connection,
  target: Redacted.Redacted<string>,
  file: string,
  schema: string,
): Effect.Effect<number, Exit.CliError> =>
  Effect.gen(function* () {
    const order = yield* Target.use(
      target,
      tablesInLoadOrder(schema).pipe(Effect.mapError((e) => Exit.failure(e.message))),
    )
    const rank = new Map(order.map((t, i) => [t, i]))
    const toc = yield* toolOutput("pg_restore", ["--list", file])
    const entry = (line: string) => /^\d+; \d+ \d+ (TABLE DATA|SEQUENCE SET) (\S+) (\S+) /.exec(line)
    const data = toc
      .split("\n")
      .filter((l) => entry(l)?.[1] === "TABLE DATA" && entry(l)?.[2] === schema)
      .sort((a, b) => (rank.get(entry(a)![3]!) ?? order.length) - (rank.get(entry(b)![3]!) ?? order.length))
    const sequences = toc
      .split("\n")
      .filter((l) => entry(l)?.[1] === "SEQUENCE SET" && entry(l)?.[2] === schema)
    const work = mkdtempSync(path.join(tmpdir(), "sb-restore-"))
    return yield* Effect.gen(function* () {
      const list = path.join(work, "list")
      const clear = path.join(work, "clear.sql")
      const load = path.join(work, "load.sql")
      writeFileSync(list, `${[...data, ...sequences].join("\n")}\n`)
      writeFileSync(
        clear,
        `${[...order]
          .reverse()
          .map((t) => `delete from ${ident(schema)}.${ident(t)};`)
          .join("\n")}\n`,
      )
      yield* runTool("pg_restore", ["--data-only", `--use-list=${list}`, `--file=${load}`, file], {})
      yield* runTool(
        "psql",
        [
          "--no-psqlrc",
          "--quiet",
          "--single-transaction",
          "--set=ON_ERROR_STOP=1",
          ...conn.args,
          "--dbname",
          conn.database,
          "--file",
          clear,
          "--file",
          load,
        ],
        conn.env,
      ).pipe(
        Effect.mapError((e) =>
          e.code === Exit.runtime
            ? Exit.failure(
                `${e.message}\nnothing was restored (one transaction)${/violates foreign key constraint/.test(e.message) ? `: rows of other schemas point at rows of ${schema} the backup does not have; restore the whole database, or remove those rows first` : ""}`,
              )
            : e,
        ),
      )
      return order.length
    }).pipe(Effect.ensuring(Effect.sync(() => rmSync(work, { recursive: true, force: true }))))
  })

/** Verifies the backup in `dir`, asks, and restores the whole database or one schema of it. */
export const restore = (
  target: Redacted.Redacted<string>,
  dir: string,
  schema: string | null,
  yes: boolean,
): Effect.Effect<RestoreOutcome | null, Exit.CliError, Terminal.Terminal> =>
  Effect.gen(function* () {
    const manifest = yield* verify(dir)
    const conn = yield* connection(target)
    yield* requireTool("pg_restore")
    if (schema !== null) yield* requireTool("psql")
    const chosen = manifest.files.find((f) => f.schema === schema)
    if (chosen === undefined)
      return yield* Effect.fail(
        Exit.config(
          `the backup has no dump of schema ${schema}; it has: ${manifest.files.flatMap((f) => (f.schema === null ? [] : [f.schema])).join(", ")}`,
        ),
      )
    const into = ConnectionUrl.redact(Redacted.value(target))
    yield* Console.log(
      `checksums ok: ${manifest.files.length + 1} files of the backup of ${manifest.database} made ${manifest.createdAt} (portal schema at migration ${manifest.schemaVersion})`,
    )
    yield* Console.log(
      schema === null
        ? `will restore the whole database from ${chosen.file} into ${into}: every object in the backup is dropped and created again with the backup's rows`
        : `will restore schema ${schema} from ${chosen.file} into ${into}: the rows of its tables are replaced by the backup's`,
    )
    if (!(yield* CommandLine.confirm("Restore?", "restore", yes))) {
      yield* Console.log("nothing was restored")
      return null
    }
    const started = Date.now()
    const file = path.join(dir, chosen.file)
    const tables =
      schema === null
        ? yield* runTool(
            "pg_restore",
            [
              "--clean",
              "--if-exists",
              "--no-owner",
              // All or nothing: a failure half-way leaves the database as it was.
              "--single-transaction",
              ...conn.args,
              "--dbname",
              conn.database,
              file,
            ],
            conn.env,
          ).pipe(
            Effect.mapError((e) =>
              e.code === Exit.runtime
                ? Exit.failure(`${e.message}\nnothing was restored (one transaction)`)
                : e,
            ),
            Effect.as(0),
          )
        : yield* restoreSchema(conn, target, file, schema)
    return { file: chosen.file, schema, tables, millis: Date.now() - started }
  })

/** A restore's summary. */
export const renderRestore = (o: RestoreOutcome): string =>
  o.schema === null
    ? `restored the whole database from ${o.file} in ${seconds(o.millis)}`
    : `restored schema ${o.schema} (${o.tables} ${o.tables === 1 ? "table" : "tables"}) from ${o.file} in ${seconds(o.millis)}`

// ---------------------------------------------------------------------------------------------
// Commands

const manifestOption = CommandLine.optionalManifest(
  `The manifest whose target to use; default: ${Target.envVariable}`,
)

/** The `backup` command. */
export const backupCommand = Command.make(
  "backup",
  {
    out: Options.directory("out", { exists: "either" }).pipe(
      Options.withDescription("The directory to write into; it must be empty or not exist"),
    ),
    manifest: manifestOption,
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadOptionalManifest(args.manifest)
      const target = yield* Target.url(loaded, process.env)
      const outcome = yield* backup(target, args.out, () => new Date())
      yield* Console.log(renderBackup(outcome))
    }),
).pipe(
  Command.withDescription(
    "Dump the portal database (pg_dump -Fc) and each portal schema into DIR, with manifest.json and SHA256SUMS.",
  ),
)

/** The `restore` command. */
export const restoreCommand = Command.make(
  "restore",
  {
    from: Options.directory("from", { exists: "yes" }).pipe(
      Options.withDescription("The directory a backup wrote"),
    ),
    schema: Options.text("schema").pipe(
      Options.withDescription("Restore only the rows of this schema's tables, from its own dump"),
      Options.optional,
    ),
    yes: CommandLine.yes,
    manifest: manifestOption,
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadOptionalManifest(args.manifest)
      const target = yield* Target.url(loaded, process.env)
      const outcome = yield* restore(target, args.from, Option.getOrNull(args.schema), args.yes)
      if (outcome !== null) yield* Console.log(renderRestore(outcome))
    }),
).pipe(
  Command.withDescription(
    "Check a backup's checksums, then restore the whole database or one schema from it. Asks first unless --yes.",
  ),
)
