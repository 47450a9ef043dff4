import { Data, Effect } from "effect"
import * as Migrations from "./Migrations.js"

/** A failure to bring a database to the current schema; `reason` says what to fix. */
export class MigratorError extends Data.TaggedError("MigratorError")<{
  readonly reason: "changed" | "unknown-version" | "failed" | "connection"
  readonly version?: number
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * What the runner needs from a driver: one connection that runs SQL text (several statements
 * allowed when there are no parameters), and a way to run an effect in a transaction on it.
 */
export interface Session {
  readonly query: (
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, unknown>
  readonly transaction: <A, E>(self: Effect.Effect<A, E>) => Effect.Effect<A, unknown>
}

/** What `migrate` did. */
export interface MigrateResult {
  readonly applied: ReadonlyArray<{ readonly version: number; readonly name: string; readonly ms: number }>
  readonly current: number
}

const ledgerTable = "public.schoolbridge_schema_migrations"
// Any constant works; it only has to be the same for every process that migrates this database.
const advisoryLockKey = 7_314_420_211

const fail = (
  reason: MigratorError["reason"],
  message: string,
  extra: { version?: number; cause?: unknown } = {},
) => new MigratorError({ reason, message, ...extra })

/**
 * Applies the pending migrations, each in its own transaction, under an advisory lock so two
 * processes never migrate at once. Refuses to run when an applied migration's file has changed
 * or the database has a version this code does not know (it is newer than the code).
 */
export const migrate = (
  session: Session,
  migrations: ReadonlyArray<Migrations.Migration> = Migrations.all,
): Effect.Effect<MigrateResult, MigratorError> =>
  Effect.gen(function* () {
    const q = (sql: string, params?: ReadonlyArray<unknown>) =>
      session.query(sql, params).pipe(Effect.mapError((cause) => fail("failed", errorText(cause), { cause })))
    yield* q(`select pg_advisory_lock(${advisoryLockKey})`)
    return yield* Effect.gen(function* () {
      yield* q(`create table if not exists ${ledgerTable} (
        version integer primary key, name text not null, checksum text not null,
        applied_at timestamptz not null default now(), duration_ms integer not null)`)
      const rows = yield* q(`select version, name, checksum from ${ledgerTable} order by version`)
      const known = new Map(migrations.map((m) => [m.version, m]))
      for (const row of rows) {
        const version = Number(row.version)
        const m = known.get(version)
        if (!m) {
          return yield* fail(
            "unknown-version",
            `the database has migration ${version} (${String(row.name)}) which this schoolbridge does not know; upgrade schoolbridge`,
            { version },
          )
        }
        if (m.checksum !== row.checksum) {
          return yield* fail(
            "changed",
            `migration ${version}_${m.name}.sql changed after it was applied; restore the file as applied and add a new migration instead`,
            { version },
          )
        }
      }
      const done = new Set(rows.map((r) => Number(r.version)))
      const applied: Array<{ version: number; name: string; ms: number }> = []
      for (const m of migrations) {
        if (done.has(m.version)) continue
        const started = Date.now()
        yield* session
          .transaction(
            Effect.zipRight(
              q(m.sql),
              q(`insert into ${ledgerTable} (version, name, checksum, duration_ms) values ($1, $2, $3, $4)`, [
                m.version,
                m.name,
                m.checksum,
                Date.now() - started,
              ]),
            ),
          )
          .pipe(
            Effect.mapError((e) =>
              fail("failed", `migration ${m.version}_${m.name} failed: ${errorText(e)}`, {
                version: m.version,
                cause: e,
              }),
            ),
          )
        applied.push({ version: m.version, name: m.name, ms: Date.now() - started })
      }
      return { applied, current: migrations.at(-1)?.version ?? 0 }
    }).pipe(Effect.ensuring(q(`select pg_advisory_unlock(${advisoryLockKey})`).pipe(Effect.ignore)))
  })

/** The schema level of a database: the highest applied version, or 0 when none is. */
export const currentVersion = (session: Session): Effect.Effect<number, MigratorError> =>
  Effect.gen(function* () {
    const present = yield* session.query(`select to_regclass('${ledgerTable}') is not null as present`)
    if (present[0]?.present !== true) return 0
    const rows = yield* session.query(`select coalesce(max(version), 0) as v from ${ledgerTable}`)
    return Number(rows[0]?.v ?? 0)
  }).pipe(Effect.mapError((cause) => fail("connection", errorText(cause), { cause })))

/** Where a database stands against the shipped migrations. */
export interface Status {
  /** The highest applied version, 0 when none is. */
  readonly current: number
  /** Shipped versions the database has not applied, in order: lower ones too, when a version arrived late. */
  readonly pending: ReadonlyArray<number>
  /** Applied versions this code does not ship (a newer schoolbridge, or another branch's build, ran). */
  readonly unknown: ReadonlyArray<number>
}

/**
 * Compares the ledger with the shipped migrations. Versions need not be contiguous and may arrive
 * out of order (0017 merged after 0018), so being up to date means every shipped version is applied,
 * not that the highest one is.
 */
export const status = (
  session: Session,
  migrations: ReadonlyArray<Migrations.Migration> = Migrations.all,
): Effect.Effect<Status, MigratorError> =>
  Effect.gen(function* () {
    const present = yield* session.query(`select to_regclass('${ledgerTable}') is not null as present`)
    const applied =
      present[0]?.present === true
        ? (yield* session.query(`select version from ${ledgerTable} order by version`)).map((r) =>
            Number(r.version),
          )
        : []
    const done = new Set(applied)
    const known = new Set(migrations.map((m) => m.version))
    return {
      current: applied.at(-1) ?? 0,
      pending: migrations.map((m) => m.version).filter((v) => !done.has(v)),
      unknown: applied.filter((v) => !known.has(v)),
    }
  }).pipe(Effect.mapError((cause) => fail("connection", errorText(cause), { cause })))

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))
