/**
 * `check`: everything a migration needs, tried before cutover night without writing anything. Each
 * source and the target are connected to, their versions read, the declared tables and columns looked
 * up, the privileges the run needs asked of the server, and the space a backup of the target takes
 * compared with the free space where it would go. Every problem says what to do about it.
 */
import { accessSync, constants, statfsSync, statSync } from "node:fs"
import * as path from "node:path"
import { Command, Options } from "@effect/cli"
import { MysqlClient, PgClient, PgLedger, SqliteClient } from "@schoolbridge/connectors"
import { Migrations } from "@schoolbridge/schema"
import { Console, Effect, Either, Redacted, type Scope } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"
import * as Systems from "./Systems.js"

/** One line of the check table. */
export interface Item {
  /** What was checked: `source legacy`, `target`, `file students`. */
  readonly subject: string
  /** The check, e.g. `connect`, `table users`, `column users.user_id`. */
  readonly check: string
  readonly ok: boolean
  /** What was found; for a problem, also what to do. */
  readonly detail: string
}

const ok = (subject: string, check: string, detail: string): Item => ({ subject, check, ok: true, detail })
const problem = (subject: string, check: string, detail: string): Item => ({
  subject,
  check,
  ok: false,
  detail,
})

/** Where each secret of the manifest comes from, for hints (`set LEGACY_MYSQL_URL`). */
const refText = (ref: Manifest.SecretRef): string => ("env" in ref ? ref.env : `the file ${ref.file}`)

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** `db.table` or `table` as the schema (null: the connection's) and the table. */
const splitTable = (name: string): { readonly schema: string | null; readonly table: string } => {
  const dot = name.indexOf(".")
  return dot < 0 ? { schema: null, table: name } : { schema: name.slice(0, dot), table: name.slice(dot + 1) }
}

const quoteMysql = (name: string) =>
  name
    .split(".")
    .map((p) => `\`${p.replace(/`/g, "``")}\``)
    .join(".")
const quotePg = (name: string) =>
  name
    .split(".")
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join(".")

/** The columns a declared entity needs in its table: the key and the tenant column. */
const neededColumns = (e: Manifest.EntityDecl): Array<{ readonly column: string; readonly role: string }> => [
  ...(e.key ? [{ column: e.key, role: `key of ${e.name}` }] : []),
  ...(e.tenantColumn ? [{ column: e.tenantColumn, role: `tenant column of ${e.name}` }] : []),
]

/** The tables a database source is read from, each with the columns its entities need. */
const tablesOf = (manifest: Manifest.Manifest, source: string) => {
  const tables = new Map<string, Map<string, string>>()
  for (const e of manifest.entities) {
    if (e.source !== source || e.table === undefined) continue
    const columns = tables.get(e.table) ?? new Map<string, string>()
    for (const c of neededColumns(e)) if (!columns.has(c.column)) columns.set(c.column, c.role)
    tables.set(e.table, columns)
  }
  return tables
}

/** What the table checks need of a database source, MySQL or PostgreSQL. */
interface Probe {
  /** The columns of a table the user can see, lower case; empty when it sees no such table. */
  readonly columns: (schema: string | null, table: string) => Effect.Effect<Set<string>, string>
  /** Runs `select 1 from table [where ...] limit 0`; fails with the driver's code and message. */
  readonly select: (
    table: string,
    where?: string,
  ) => Effect.Effect<void, { readonly code?: string | undefined; readonly message: string }>
  readonly noSuchTable: ReadonlySet<string>
  readonly denied: ReadonlySet<string>
  /** The database a bare table name is in, for messages. */
  readonly database: string
}

// The probe comes first: the catalog hides tables the user may not read, and only the error of a
// query tells "missing" from "not allowed".
const tableChecks = (manifest: Manifest.Manifest, name: string, probe: Probe) =>
  Effect.gen(function* () {
    const subject = `source ${name}`
    const items: Array<Item> = []
    for (const [table, columns] of tablesOf(manifest, name)) {
      const { schema, table: bare } = splitTable(table)
      const where = `${schema ?? probe.database}.${bare}`
      const selected = yield* Effect.either(probe.select(table))
      if (Either.isLeft(selected)) {
        const { code, message } = selected.left
        items.push(
          problem(
            subject,
            `table ${table}`,
            code !== undefined && probe.noSuchTable.has(code)
              ? `no table ${bare} in ${schema ?? probe.database}: fix the entity's table in the manifest, or restore the table`
              : code !== undefined && probe.denied.has(code)
                ? `no SELECT privilege on ${where}: grant select on it to the migration's user`
                : `cannot select from it: ${message}`,
          ),
        )
        continue
      }
      items.push(ok(subject, `table ${table}`, "exists, select allowed"))
      const present = yield* Effect.either(probe.columns(schema, bare))
      if (Either.isLeft(present)) {
        items.push(problem(subject, `columns of ${table}`, `cannot read them: ${present.left}`))
        continue
      }
      for (const [column, role] of columns)
        items.push(
          present.right.has(column.toLowerCase())
            ? ok(subject, `column ${table}.${column}`, `exists (${role})`)
            : problem(
                subject,
                `column ${table}.${column}`,
                `no column ${column} in ${table} (${role}): fix the manifest or the table`,
              ),
        )
    }
    // An entity's own condition is SQL the run will send: a typo in it fails here, not at night.
    for (const [i, e] of manifest.entities.entries()) {
      if (e.source !== name || e.table === undefined || e.where === undefined) continue
      const valid = yield* Effect.either(probe.select(e.table, e.where))
      items.push(
        Either.isLeft(valid)
          ? problem(
              subject,
              `where of ${e.name}`,
              `the condition fails: ${valid.left.message}: fix entities[${i}].where`,
            )
          : ok(subject, `where of ${e.name}`, "valid"),
      )
    }
    return items
  })

const mysqlChecks = (
  manifest: Manifest.Manifest,
  name: string,
  url: Redacted.Redacted<string>,
  hint: string,
): Effect.Effect<Array<Item>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const subject = `source ${name}`
    const connected = yield* Effect.either(MysqlClient.make({ url, max: 1 }))
    if (Either.isLeft(connected)) return [problem(subject, "connect", `${connected.left.message}; ${hint}`)]
    const db = connected.right
    const info = yield* Effect.either(
      db.query<{ v: string; d: string | null }>("select version() as v, database() as d"),
    )
    if (Either.isLeft(info)) return [problem(subject, "connect", `${info.left.message}; ${hint}`)]
    const { v, d } = info.right[0]!
    const probe: Probe = {
      database: d ?? "(no database selected)",
      columns: (schema, table) =>
        db
          .query<{ c: string }>(
            `select lower(column_name) as c from information_schema.columns
              where table_schema = coalesce(?, database()) and table_name = ?`,
            [schema, table],
          )
          .pipe(
            Effect.map((rows) => new Set(rows.map((r) => String(r.c)))),
            Effect.mapError((e) => e.message),
          ),
      select: (table, where) =>
        Effect.asVoid(
          db.query(
            `select 1 from ${quoteMysql(table)}${where === undefined ? "" : ` where (${where})`} limit 0`,
          ),
        ),
      noSuchTable: new Set(["ER_NO_SUCH_TABLE", "ER_BAD_DB_ERROR"]),
      denied: new Set(["ER_TABLEACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR"]),
    }
    return [
      ok(subject, "connect", `connected to ${db.describe}`),
      // MariaDB says `10.11.6-MariaDB-0+deb12u1`: the number is what an operator compares.
      ok(subject, "server", /mariadb/i.test(v) ? `MariaDB ${v.split("-")[0]}` : `MySQL ${v}`),
      ...(yield* tableChecks(manifest, name, probe)),
    ]
  })

const postgresSourceChecks = (
  manifest: Manifest.Manifest,
  name: string,
  url: Redacted.Redacted<string>,
  hint: string,
): Effect.Effect<Array<Item>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const subject = `source ${name}`
    const connected = yield* Effect.either(
      PgClient.make({ url, max: 1, applicationName: "schoolbridge-check" }),
    )
    if (Either.isLeft(connected)) return [problem(subject, "connect", `${connected.left.message}; ${hint}`)]
    const db = connected.right
    const info = yield* Effect.either(
      db.query<{ v: string; d: string }>(
        "select current_setting('server_version') as v, current_database() as d",
      ),
    )
    if (Either.isLeft(info)) return [problem(subject, "connect", `${info.left.message}; ${hint}`)]
    const { v, d } = info.right[0]!
    const probe: Probe = {
      database: d,
      columns: (schema, table) =>
        db
          .query<{ c: string }>(
            `select lower(column_name::text) as c from information_schema.columns
              where table_schema = coalesce($1::text, current_schema()) and table_name = $2`,
            [schema, table],
          )
          .pipe(
            Effect.map((rows) => new Set(rows.map((r) => String(r.c)))),
            Effect.mapError((e) => e.message),
          ),
      select: (table, where) =>
        Effect.asVoid(
          db.query(
            `select 1 from ${quotePg(table)}${where === undefined ? "" : ` where (${where})`} limit 0`,
          ),
        ),
      noSuchTable: new Set(["42P01", "3F000"]),
      denied: new Set(["42501"]),
    }
    return [
      ok(subject, "connect", `connected to ${db.describe}`),
      ok(subject, "server", `PostgreSQL ${v}`),
      ...(yield* tableChecks(manifest, name, probe)),
    ]
  })

const sqliteChecks = (
  manifest: Manifest.Manifest,
  name: string,
  file: string,
): Effect.Effect<Array<Item>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const subject = `source ${name}`
    const found = readable(subject, "path", file, "file")
    if (!found.ok) return [found]
    const opened = yield* Effect.either(SqliteClient.make({ path: file }))
    if (Either.isLeft(opened)) return [found, problem(subject, "open", opened.left.message)]
    const db = opened.right
    const version = yield* Effect.either(db.query<{ v: string }>("select sqlite_version() as v"))
    // SQLite has no privileges and no error codes here: a missing table is the only way a select fails.
    const probe: Probe = {
      database: path.basename(file),
      columns: (_schema, table) =>
        db.query<{ c: string }>("select lower(name) as c from pragma_table_info(?)", [table]).pipe(
          Effect.map((rows) => new Set(rows.map((r) => String(r.c)))),
          Effect.mapError((e) => e.message),
        ),
      select: (table, where) =>
        Effect.asVoid(
          db.query(
            `select 1 from ${quotePg(table)}${where === undefined ? "" : ` where (${where})`} limit 0`,
          ),
        ).pipe(
          Effect.mapError((e) => ({
            code: /no such table/i.test(e.message) ? "no such table" : undefined,
            message: e.message,
          })),
        ),
      noSuchTable: new Set(["no such table"]),
      denied: new Set(),
    }
    return [
      found,
      Either.isRight(version)
        ? ok(subject, "server", `SQLite ${version.right[0]?.v ?? "?"} (the file read into memory)`)
        : problem(subject, "server", version.left.message),
      ...(yield* tableChecks(manifest, name, probe)),
    ]
  })

/** A path that must be a readable file (or, for a source read per entity, a directory). */
const readable = (subject: string, check: string, file: string, want: "file" | "directory"): Item => {
  try {
    const s = statSync(file)
    if (want === "file" && !s.isFile()) return problem(subject, check, `${file} is not a file`)
    if (want === "directory" && !s.isDirectory())
      return problem(subject, check, `${file} is not a directory (the entities name files in it)`)
    accessSync(file, constants.R_OK)
    return ok(subject, check, want === "file" ? `${file} readable, ${bytes(s.size)}` : `${file} readable`)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return problem(
      subject,
      check,
      code === "ENOENT"
        ? `${file} does not exist: fix the path in the manifest or copy the export there`
        : code === "EACCES"
          ? `${file} is not readable by this user: change its permissions`
          : `${file}: ${errorText(e)}`,
    )
  }
}

const fileChecks = (manifest: Manifest.Manifest, name: string, kind: string, base: string): Array<Item> => {
  const subject = `source ${name}`
  // csv, ndjson and json entities that name a `table` read that file in the source's directory.
  const perEntity = kind === "csv" || kind === "ndjson" || kind === "json"
  const tables = [
    ...new Set(manifest.entities.filter((e) => e.source === name && e.table).map((e) => e.table!)),
  ]
  if (!perEntity || tables.length === 0) return [readable(subject, "path", base, "file")]
  return [
    readable(subject, "path", base, "directory"),
    ...tables.map((t) => readable(subject, `file ${t}`, path.join(base, t), "file")),
  ]
}

/** Bytes for people: 1.5 MB. */
export const bytes = (n: number): string => {
  const units = ["B", "kB", "MB", "GB", "TB"]
  let v = n
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

// The schemas the portal's migrations create, read from the shipped migrations so that a new schema
// is checked without a change here.
const portalSchemas = [
  ...new Set(
    Migrations.all.flatMap((m) =>
      [...m.sql.matchAll(/create schema if not exists (\w+)/gi)].map((x) => x[1]!.toLowerCase()),
    ),
  ),
]

const targetChecks = (
  url: Redacted.Redacted<string>,
  hint: string,
  backupDir: string,
): Effect.Effect<Array<Item>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const subject = "target"
    const connected = yield* Effect.either(
      PgClient.make({ url, max: 1, applicationName: "schoolbridge-check" }),
    )
    if (Either.isLeft(connected)) return [problem(subject, "connect", `${connected.left.message}; ${hint}`)]
    const db = connected.right
    const items: Array<Item> = [ok(subject, "connect", `connected to ${db.describe}`)]
    const query = <R extends Record<string, unknown>>(sql: string, params?: ReadonlyArray<unknown>) =>
      Effect.either(db.query<R>(sql, params))

    const version = yield* query<{ server_version: string }>("show server_version")
    items.push(
      Either.isLeft(version)
        ? problem(subject, "server", `cannot read the version: ${version.left.message}`)
        : ok(subject, "server", `PostgreSQL ${version.right[0]?.server_version}`),
    )

    const latest = Migrations.all.at(-1)?.version ?? 0
    const level = yield* Effect.either(Effect.provideService(PgLedger.schemaStatus, PgClient.PgClient, db))
    if (Either.isLeft(level))
      items.push(
        problem(
          subject,
          "schema",
          `cannot read the portal schema's migration level (${errorText(level.left)}): check the database is the portal's`,
        ),
      )
    else {
      const { current, pending, unknown } = level.right
      // Versions may arrive out of order (0017 merged after 0018): up to date means none is pending.
      const late = pending.filter((v) => v < current)
      if (unknown.length > 0 && unknown.every((v) => v > latest))
        items.push(
          problem(
            subject,
            "schema",
            `at migration ${current}, newer than this migrator knows (${latest}): use the migrator release that matches the portal`,
          ),
        )
      else if (unknown.length > 0)
        items.push(
          problem(
            subject,
            "schema",
            `at migration ${current}, with migration(s) ${unknown.join(", ")} that this migrator does not ship: use the migrator release that matches the portal`,
          ),
        )
      else if (pending.length === 0) items.push(ok(subject, "schema", `up to date at migration ${latest}`))
      else if (current === 0)
        items.push(
          ok(subject, "schema", `empty: run will create the portal schema (migrations 1 to ${latest})`),
        )
      else if (late.length === 0)
        items.push(
          ok(subject, "schema", `at migration ${current}: run will migrate it from ${current} to ${latest}`),
        )
      else
        items.push(
          ok(
            subject,
            "schema",
            `at migration ${current} without ${late.join(", ")}: run will apply migration(s) ${pending.join(", ")}`,
          ),
        )
    }
    const behind = Either.isRight(level) && level.right.unknown.length === 0 && level.right.pending.length > 0

    // Creating: a missing portal schema needs CREATE on the database; a schema the migrations add to
    // needs CREATE on it. Nothing to create when the schema is up to date.
    const privileges = yield* query<{ database: boolean; missing: Array<string>; denied: Array<string> }>(
      `select has_database_privilege(current_database(), 'CREATE') as database,
              coalesce(array(select s from unnest($1::text[]) s where to_regnamespace(s) is null), '{}') as missing,
              coalesce(array(select s from unnest($1::text[]) s where to_regnamespace(s) is not null
                                and not has_schema_privilege(s, 'CREATE,USAGE')), '{}') as denied`,
      [portalSchemas],
    )
    if (Either.isLeft(privileges))
      items.push(problem(subject, "create", `cannot ask for privileges: ${privileges.left.message}`))
    else {
      const p = privileges.right[0]!
      const needsDatabase = behind && p.missing.length > 0 && !p.database
      const denied = behind ? p.denied : []
      items.push(
        needsDatabase
          ? problem(
              subject,
              "create",
              `no CREATE privilege on the database, and the run must create schema(s) ${p.missing.join(", ")}: grant create on database to the migration's user`,
            )
          : denied.length > 0
            ? problem(
                subject,
                "create",
                `no CREATE/USAGE on schema(s) ${denied.join(", ")}, which the run's migrations change: grant them, or run as the schema owner`,
              )
            : ok(
                subject,
                "create",
                behind
                  ? "may create the portal's schemas and tables"
                  : "nothing to create: the schema is up to date",
              ),
      )
    }

    const inserts = yield* query<{ tables: string; denied: Array<string> }>(
      `select count(*)::text as tables,
              coalesce(array_agg(n.nspname || '.' || c.relname order by n.nspname, c.relname)
                         filter (where not has_table_privilege(c.oid, 'INSERT')), '{}') as denied
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = any($1::text[])`,
      // `validation` holds the views the checks read; the run writes nothing there.
      [portalSchemas.filter((s) => s !== "validation")],
    )
    if (Either.isLeft(inserts))
      items.push(problem(subject, "insert", `cannot ask for privileges: ${inserts.left.message}`))
    else {
      const { tables, denied } = inserts.right[0]!
      items.push(
        denied.length > 0
          ? problem(
              subject,
              "insert",
              `no INSERT on ${denied.length} table(s), e.g. ${denied.slice(0, 5).join(", ")}: grant insert on them to the migration's user`,
            )
          : ok(
              subject,
              "insert",
              Number(tables) === 0
                ? "no portal tables yet: the run creates the tables it loads"
                : `insert allowed on all ${tables} portal tables`,
            ),
      )
    }

    const size = yield* query<{ n: string }>("select pg_database_size(current_database())::text as n")
    if (Either.isLeft(size))
      items.push(problem(subject, "backup space", `cannot read the database size: ${size.left.message}`))
    else {
      const needed = Number(size.right[0]!.n)
      let free: number | null = null
      let why = ""
      try {
        const s = statfsSync(backupDir)
        free = Number(s.bavail) * Number(s.bsize)
      } catch (e) {
        why = errorText(e)
      }
      items.push(
        free === null
          ? problem(
              subject,
              "backup space",
              `cannot read the free space of ${backupDir} (${why}): pass an existing directory with --backup-dir`,
            )
          : free < needed
            ? problem(
                subject,
                "backup space",
                `a backup needs about ${bytes(needed)}, ${backupDir} has ${bytes(free)} free: free space or pass another --backup-dir`,
              )
            : ok(subject, "backup space", `database ${bytes(needed)}, ${bytes(free)} free in ${backupDir}`),
      )
    }
    return items
  })

/** The password of a connection URL, to make sure it never reaches the output. */
const passwordOf = (url: string): string | null => {
  try {
    const p = decodeURIComponent(new URL(url).password)
    return p === "" ? null : p
  } catch {
    return null
  }
}

/**
 * Runs every check of a manifest. Resolving the secrets and file paths comes first: a missing
 * variable is a configuration error (exit 2) before anything connects.
 */
export const run = (
  loaded: Manifest.Loaded,
  env: Readonly<Record<string, string | undefined>>,
  backupDir: string,
): Effect.Effect<ReadonlyArray<Item>, Exit.CliError> =>
  Effect.gen(function* () {
    const { manifest } = loaded
    const problems: Array<string> = []
    const resolved = new Map<string, Redacted.Redacted<string> | string>()
    for (const [name, source] of Object.entries(manifest.sources)) {
      const r: Either.Either<Redacted.Redacted<string> | string, Manifest.ManifestError> =
        "url" in source
          ? Manifest.secret(loaded, source.url, ["sources", name, "url"], env)
          : Manifest.filePath(loaded, source.path, ["sources", name, "path"], env)
      if (Either.isLeft(r)) problems.push(r.left.message)
      else resolved.set(name, r.right)
    }
    const target = Manifest.secret(loaded, manifest.target.url, ["target", "url"], env)
    if (Either.isLeft(target)) problems.push(target.left.message)
    if (problems.length > 0 || Either.isLeft(target))
      return yield* Effect.fail(Exit.config(problems.join("\n")))

    const items: Array<Item> = []
    for (const [name, source] of Object.entries(manifest.sources)) {
      const value = resolved.get(name)!
      if (source.kind === "mysql" || source.kind === "postgres") {
        const hint = `check that the server is up and that ${refText((source as Manifest.Source & { url: Manifest.SecretRef }).url)} names the right host, port, user, password and database`
        const url = value as Redacted.Redacted<string>
        items.push(
          ...(yield* Effect.scoped(
            source.kind === "mysql"
              ? mysqlChecks(manifest, name, url, hint)
              : postgresSourceChecks(manifest, name, url, hint),
          )),
        )
      } else if (source.kind === "sqlite")
        items.push(...(yield* Effect.scoped(sqliteChecks(manifest, name, value as string))))
      else items.push(...fileChecks(manifest, name, source.kind, value as string))
    }
    const targetHint = `check that the server is up and that ${refText(manifest.target.url)} names the right host, port, user, password and database`
    items.push(...(yield* Effect.scoped(targetChecks(target.right, targetHint, path.resolve(backupDir)))))

    // Drivers word their errors; none should echo a password, but the output is checked anyway.
    const secrets = [target.right, ...resolved.values()]
      .map((v) => (typeof v === "string" ? null : passwordOf(Redacted.value(v))))
      // A password of a few characters would blank out ordinary words; the drivers redact those already.
      .filter((p): p is string => p !== null && p.length >= 4)
    const scrub = (s: string) => secrets.reduce((t, p) => t.split(p).join("***"), s)
    return items.map((i) => ({ ...i, detail: scrub(i.detail) }))
  })

/** The check table: one line per check, problems marked, and a last line with the count. */
export const render = (items: ReadonlyArray<Item>): string => {
  const rows = items.map((i) => [i.ok ? "ok" : "PROBLEM", i.subject, i.check, i.detail] as const)
  const width = (k: 0 | 1 | 2) =>
    Math.max(...rows.map((r) => r[k].length), ["result", "what", "check"][k]!.length)
  const line = (r: ReadonlyArray<string>) =>
    `${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]!.padEnd(width(2))}  ${r[3]}`.trimEnd()
  const failed = items.filter((i) => !i.ok).length
  return [
    line(["result", "what", "check", "detail"]),
    ...rows.map(line),
    failed === 0 ? `${items.length} checks, all ok` : `${items.length} checks, ${failed} failed`,
  ].join("\n")
}

/** The `check` command. */
export const command = Command.make(
  "check",
  {
    manifest: CommandLine.manifest("The migration manifest (YAML) to check"),
    backupDir: Options.directory("backup-dir").pipe(
      Options.withDescription("Where a backup of the target would go, for the free-space check; default: ."),
      Options.withDefault("."),
    ),
  },
  ({ manifest, backupDir }) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadManifest(manifest)
      yield* Systems.load(loaded)
      const items = yield* run(loaded, process.env, backupDir)
      yield* Console.log(render(items))
      const failed = items.filter((i) => !i.ok)
      if (failed.length > 0)
        return yield* Effect.fail(
          new Exit.CliError({
            code: Exit.noGo,
            message: `${failed.length} check(s) failed: ${failed.map((i) => `${i.subject} ${i.check}`).join(", ")}`,
          }),
        )
    }),
).pipe(
  Command.withDescription(
    "Check connectivity, versions, tables, columns, privileges, the portal schema level and backup space before a run. Writes nothing. Exit 0 all ok, 1 a check failed.",
  ),
)
