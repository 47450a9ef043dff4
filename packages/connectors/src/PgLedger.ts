import { CheckpointStore, IdMap, Rollback, RowLedger, TargetId } from "@schoolbridge/core"
import { Migrator } from "@schoolbridge/schema"
import { Effect, Layer } from "effect"
import { type Connection, PgClient, type PgClientShape, type PgError, query } from "./PgClient.js"

const ledgerError = (e: PgError) =>
  new CheckpointStore.LedgerError({
    reason: e.reason === "transient" ? "transient" : e.reason === "connection" ? "connection" : "query",
    message: e.message,
    cause: e,
  })

const notFound = (what: string) =>
  new CheckpointStore.LedgerError({ reason: "not-found", message: `${what} does not exist` })

const runRecord = (r: Record<string, unknown>): CheckpointStore.RunRecord => ({
  runId: Number(r.run_id),
  label: (r.label as string | null) ?? null,
  status: r.status as CheckpointStore.RunStatus,
  dryRun: r.dry_run === true,
  options: r.options,
  startedAt: r.started_at as Date,
  finishedAt: (r.finished_at as Date | null) ?? null,
})

/** Applies the portal's schema migrations (ledger first) on the client's database. */
export const migrateSchema = Effect.gen(function* () {
  const db = yield* PgClient
  return yield* db.withConnection((conn) => Migrator.migrate(sessionOf(conn, db)))
})

/** The schema level of the client's database (0 when none is applied). */
export const schemaVersion = Effect.gen(function* () {
  const db = yield* PgClient
  return yield* db.withConnection((conn) => Migrator.currentVersion(sessionOf(conn, db)))
})

/** Where the client's database stands against the shipped migrations (applied, pending, unknown versions). */
export const schemaStatus = Effect.gen(function* () {
  const db = yield* PgClient
  return yield* db.withConnection((conn) => Migrator.status(sessionOf(conn, db)))
})

const sessionOf = (conn: Connection, db: PgClientShape): Migrator.Session => {
  let n = 0
  return {
    query: (sql, params) => query(conn, sql, params),
    // In a dry run the connection is already inside the run's transaction: nest with a savepoint.
    transaction: (self) =>
      Effect.uninterruptibleMask((restore) => {
        const sp = `sb_migrate_${++n}`
        return Effect.gen(function* () {
          yield* query(conn, db.dryRun ? `savepoint ${sp}` : "begin")
          const exit = yield* Effect.exit(restore(self))
          yield* query(
            conn,
            exit._tag === "Success"
              ? db.dryRun
                ? `release savepoint ${sp}`
                : "commit"
              : db.dryRun
                ? `rollback to savepoint ${sp}`
                : "rollback",
          )
          return yield* exit
        })
      }),
  }
}

/** Runs and checkpoints in `migration.runs` / `migration.batches`. */
export const checkpointStore = (db: PgClientShape): CheckpointStore.CheckpointStoreShape => ({
  startRun: ({ label, dryRun, options }) =>
    db
      .query<{ run_id: string }>(
        "insert into migration.runs (label, dry_run, options) values ($1, $2, $3) returning run_id",
        [label, dryRun, JSON.stringify(options ?? {})],
      )
      .pipe(
        Effect.map((rows) => Number(rows[0]!.run_id)),
        Effect.mapError(ledgerError),
      ),
  getRun: (runId) =>
    db.query("select * from migration.runs where run_id = $1", [runId]).pipe(
      Effect.mapError(ledgerError),
      Effect.flatMap((rows) =>
        rows[0] ? Effect.succeed(runRecord(rows[0])) : Effect.fail(notFound(`run ${runId}`)),
      ),
    ),
  reopenRun: (runId) =>
    db
      .query(
        // Rows this code loads have tenant-scoped ids whatever the run began with; the migrator
        // refuses to resume a run that loaded rows the older way (see `tenantlessRuns`).
        `update migration.runs set status = 'running', finished_at = null, message = null, id_scheme = 2
         where run_id = $1 and status <> 'rolled_back' returning *`,
        [runId],
      )
      .pipe(
        Effect.mapError(ledgerError),
        Effect.flatMap((rows) =>
          rows[0]
            ? Effect.succeed(runRecord(rows[0]))
            : db.query("select status from migration.runs where run_id = $1", [runId]).pipe(
                Effect.mapError(ledgerError),
                Effect.flatMap((found) =>
                  Effect.fail(
                    found[0]
                      ? new CheckpointStore.LedgerError({
                          reason: "conflict",
                          message: `run ${runId} was rolled back; start a new run instead of resuming it`,
                        })
                      : notFound(`run ${runId}`),
                  ),
                ),
              ),
        ),
      ),
  finishRun: (runId, status, message) =>
    db
      .query("update migration.runs set status = $2, finished_at = now(), message = $3 where run_id = $1", [
        runId,
        status,
        message ?? null,
      ])
      .pipe(Effect.asVoid, Effect.mapError(ledgerError)),
  resumePoint: (runId, entity, partition) =>
    db
      .query<{ next_seq: number; cursor: unknown; resume_seq: number | null; may_exist: boolean }>(
        `with mine as (
           select seq, cursor_to, rolled_back_at from migration.batches
           where run_id = $1 and entity = $2 and partition_key = $3
         ),
         first_gap as (select min(seq) as seq from mine where rolled_back_at is not null),
         resume as (
           select seq, cursor_to from mine
           where rolled_back_at is null and seq < coalesce((select seq from first_gap), 2147483647)
           order by seq desc limit 1
         )
         select coalesce((select max(seq) from mine), 0) + 1 as next_seq,
                (select cursor_to from resume) as cursor,
                exists (
                  select 1 from migration.batches b
                  where b.entity = $2 and b.partition_key = $3 and b.rolled_back_at is null and b.loaded_count > 0
                    and (b.run_id <> $1 or b.seq > coalesce((select seq from resume), 0))
                ) as may_exist`,
        [runId, entity, partition],
      )
      .pipe(
        Effect.map(([r]) => ({
          nextSeq: Number(r!.next_seq),
          cursor: (r!.cursor ?? null) as CheckpointStore.ResumePoint["cursor"],
          rowsMayExist: r!.may_exist,
        })),
        Effect.mapError(ledgerError),
      ),
})

/** Counts and row errors as recorded. */
export const rowLedger = (db: PgClientShape): RowLedger.RowLedgerShape => ({
  accounts: (runId) =>
    db
      .query(
        `select entity, partition_key,
                count(*) filter (where rolled_back_at is null) as batches,
                coalesce(sum(read_count) filter (where rolled_back_at is null), 0) as read,
                coalesce(sum(loaded_count) filter (where rolled_back_at is null), 0) as loaded,
                coalesce(sum(rejected_count) filter (where rolled_back_at is null), 0) as rejected,
                coalesce(sum(skipped_count) filter (where rolled_back_at is null), 0) as skipped,
                count(*) filter (where rolled_back_at is not null) as rolled_back
         from migration.batches where run_id = $1
         group by entity, partition_key order by min(batch_id)`,
        [runId],
      )
      .pipe(
        Effect.map((rows) =>
          rows.map((r) => ({
            entity: String(r.entity),
            partition: String(r.partition_key),
            batches: Number(r.batches),
            read: Number(r.read),
            loaded: Number(r.loaded),
            rejected: Number(r.rejected),
            skipped: Number(r.skipped),
            rolledBackBatches: Number(r.rolled_back),
          })),
        ),
        Effect.mapError(ledgerError),
      ),
  errors: (runId, filter = {}) =>
    db
      .query(
        `select * from migration.row_errors
         where run_id = $1 and ($2::text is null or entity = $2) and ($3::text is null or kind = $3)
         order by error_id limit $4`,
        [runId, filter.entity ?? null, filter.kind ?? null, filter.limit ?? 1000],
      )
      .pipe(
        Effect.map((rows) =>
          rows.map((r) => ({
            runId: Number(r.run_id),
            batchId: Number(r.batch_id),
            entity: String(r.entity),
            partition: String(r.partition_key),
            kind: r.kind as RowLedger.RowErrorRecord["kind"],
            sourceKey: (r.source_key as string | null) ?? null,
            column: (r.column_name as string | null) ?? null,
            rule: String(r.rule),
            message: String(r.message),
            raw: r.raw,
          })),
        ),
        Effect.mapError(ledgerError),
      ),
})

/** Look-ups in `migration.legacy_id_map`. */
export const idMap = (db: PgClientShape): IdMap.IdMapShape => ({
  lookup: (entity, tenant, legacyIds) =>
    db
      .query<{ legacy_id: string; target_id: string }>(
        `select legacy_id, target_id from migration.legacy_id_map
         where entity = $1 and coalesce(tenant, '') = coalesce($2::text, '') and legacy_id = any($3::text[])`,
        [entity, tenant, legacyIds],
      )
      .pipe(
        Effect.map((rows) => new Map(rows.map((r) => [r.legacy_id, r.target_id]))),
        Effect.mapError(ledgerError),
      ),
})

interface ScopedBatch {
  readonly batch_id: string
  readonly run_id: string
  readonly entity: string
  readonly partition_key: string
  readonly target_table: string
  readonly id_column: string
  readonly tenant_column: string | null
  readonly id_ranges: Array<string>
  readonly ids: Array<string>
}

const scopeFilter = (scope: Rollback.Scope): readonly [string, unknown] => {
  switch (scope._tag) {
    case "Run":
      return ["b.run_id = $1", scope.runId]
    case "Batch":
      return ["b.batch_id = $1", scope.batchId]
    case "Entity":
      return ["b.entity = $1", scope.entity]
    case "Tenant":
      return ["$1::text is not null", scope.tenant]
  }
}

/**
 * The deletes a scope needs, per target table: the id ranges and the ids of its batches (only the
 * tenant's part of them for a tenant scope). Tables come out children first: the reverse of the
 * order they were first loaded in, so foreign keys never block a delete.
 */
const deletesOf = (
  batches: ReadonlyArray<ScopedBatch>,
  scope: Rollback.Scope,
  tenantKey: string | undefined,
) => {
  const tenant = scope._tag === "Tenant" ? scope.tenant : null
  // Ids made before tenants had keys carry the unkeyed code.
  const parts =
    tenant === null
      ? null
      : new Set([TargetId.tenantPart(tenant), ...(tenantKey ? [TargetId.tenantPart(tenant, tenantKey)] : [])])
  const byTable = new Map<
    string,
    {
      idColumn: string
      tenantColumn: string | null
      lo: Array<string>
      hi: Array<string>
      ids: Array<string>
    }
  >()
  for (const b of [...batches].sort((x, y) => Number(y.batch_id) - Number(x.batch_id))) {
    let t = byTable.get(b.target_table)
    if (!t) {
      t = { idColumn: b.id_column, tenantColumn: b.tenant_column, lo: [], hi: [], ids: [] }
      byTable.set(b.target_table, t)
    }
    for (let i = 0; i + 1 < b.id_ranges.length; i += 2) {
      const lo = b.id_ranges[i]!
      // The tenant code sits in characters 4..17 of an ordered id: keep only that tenant's ranges,
      // unless the table has a tenant column to filter on.
      if (parts !== null && t.tenantColumn === null && !parts.has(TargetId.tenantPartOf(lo))) continue
      t.lo.push(lo)
      t.hi.push(b.id_ranges[i + 1]!)
    }
    t.ids.push(...b.ids)
  }
  return { byTable, tenant }
}

// A ledger in a database without the portal's tenants (the engine's own tests) has no keys.
const tenantKeysOn = (conn: Connection, tenants: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const [present] = yield* query<{ ok: boolean }>(
      conn,
      "select to_regclass('auth.tenants') is not null as ok",
    )
    if (!present?.ok) return new Map<string, string>()
    const rows = yield* query<{ code: string; key: string }>(
      conn,
      "select code, id::text as key from auth.tenants where code = any($1::text[])",
      [tenants],
    )
    return new Map(rows.map((r) => [r.code, r.key]))
  })

/** A run whose rows have ids made before ids were scoped by tenant (`migration.runs.id_scheme` 1). */
export interface TenantlessRun {
  readonly runId: number
  readonly entities: ReadonlyArray<string>
}

/**
 * The runs that loaded rows of these entities with ids made before ids were scoped by tenant, and
 * whose rows are still there. Read-only, and answers on a portal of any schema level (before the
 * ledger records the scheme, every run is of the old one), so it can be asked before migrating.
 */
export const tenantlessRuns = (entities: ReadonlyArray<string>) =>
  Effect.flatMap(PgClient, (db) =>
    db.withConnection((conn) =>
      Effect.gen(function* () {
        const [state] = yield* query<{ ledger: boolean; scheme: boolean }>(
          conn,
          `select to_regclass('migration.batches') is not null as ledger,
                  exists (select 1 from information_schema.columns
                           where table_schema = 'migration' and table_name = 'runs' and column_name = 'id_scheme') as scheme`,
        )
        if (!state?.ledger) return []
        const rows = yield* query<{ run_id: string; entities: Array<string> }>(
          conn,
          `select b.run_id, array_agg(distinct b.entity order by b.entity) as entities
             from migration.batches b join migration.runs r using (run_id)
            where b.rolled_back_at is null and b.loaded_count > 0 and b.entity = any($1::text[])
              ${state.scheme ? "and r.id_scheme = 1" : ""}
            group by b.run_id order by b.run_id`,
          [entities],
        )
        return rows.map((r): TenantlessRun => ({ runId: Number(r.run_id), entities: r.entities }))
      }),
    ),
  )

/**
 * The id key of each tenant (its `auth.tenants.id`, see `TargetId.TenantKeys`), for the tenants that
 * are registered; the run registers its tenants first.
 */
export const tenantKeys = (tenants: ReadonlyArray<string>) =>
  Effect.flatMap(PgClient, (db) => db.withConnection((conn) => tenantKeysOn(conn, tenants)))

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`
const quoteTable = (table: string) => table.split(".").map(quoteIdent).join(".")

/** Rollback by run, batch, entity or tenant, exact to the rows each batch recorded. */
export const rollback = (db: PgClientShape): Rollback.RollbackShape => {
  const work = (scope: Rollback.Scope, execute: boolean) =>
    db.transaction((conn) =>
      Effect.gen(function* () {
        const [where, param] = scopeFilter(scope)
        const batches = yield* query<ScopedBatch & Record<string, unknown>>(
          conn,
          `select b.batch_id, b.run_id, b.entity, b.partition_key, b.target_table, b.id_ranges::text[] as id_ranges,
                  b.ids::text[] as ids, t.id_column, t.tenant_column
           from migration.batches b join migration.targets t using (target_table)
           where ${where} and b.rolled_back_at is null and b.loaded_count > 0
           order by b.batch_id ${execute ? "for update of b" : ""}`,
          [param],
        )
        if (scope._tag !== "Tenant" && batches.length === 0) {
          const known = yield* query(conn, `select 1 from migration.batches b where ${where} limit 1`, [
            param,
          ])
          if (known.length === 0) return yield* Effect.fail(notFound(Rollback.describe(scope)))
        }
        const key =
          scope._tag === "Tenant" ? yield* tenantKeysOn(conn, [scope.tenant]) : new Map<string, string>()
        const { byTable, tenant } = deletesOf(
          batches,
          scope,
          scope._tag === "Tenant" ? key.get(scope.tenant) : undefined,
        )
        const tables: Array<{ table: string; rows: number }> = []
        for (const [table, t] of byTable) {
          const x = `${quoteTable(table)} x`
          const id = `x.${quoteIdent(t.idColumn)}`
          const ofTenant = (n: number) =>
            tenant !== null && t.tenantColumn !== null
              ? ` and x.${quoteIdent(t.tenantColumn)}::text = $${n}`
              : ""
          let rows = 0
          if (t.lo.length > 0) {
            const ranges = "unnest($1::uuid[], $2::uuid[]) r(lo, hi)"
            const sql = execute
              ? `with d as (delete from ${x} using ${ranges} where ${id} between r.lo and r.hi${ofTenant(3)} returning 1) select count(*) as n from d`
              : `select count(distinct ${id}) as n from ${x} join ${ranges} on ${id} between r.lo and r.hi${ofTenant(3)}`
            rows += Number((yield* query(conn, sql, ofTenant(3) ? [t.lo, t.hi, tenant] : [t.lo, t.hi]))[0]!.n)
          }
          if (t.ids.length > 0) {
            const sql = execute
              ? `with d as (delete from ${x} where ${id} = any($1::uuid[])${ofTenant(2)} returning 1) select count(*) as n from d`
              : `select count(*) as n from ${x} where ${id} = any($1::uuid[])${ofTenant(2)}`
            rows += Number((yield* query(conn, sql, ofTenant(2) ? [t.ids, tenant] : [t.ids]))[0]!.n)
          }
          tables.push({ table, rows })
        }
        const batchIds = batches.map((b) => b.batch_id)
        const mapWhere = `batch_id = any($1::bigint[])${tenant !== null ? " and tenant = $2" : ""}`
        const mapParams = tenant !== null ? [batchIds, tenant] : [batchIds]
        const idMapEntries = Number(
          (execute
            ? yield* query(
                conn,
                `with d as (delete from migration.id_map where ${mapWhere} returning 1) select count(*) as n from d`,
                mapParams,
              )
            : yield* query(
                conn,
                `select count(*) as n from migration.id_map where ${mapWhere}`,
                mapParams,
              ))[0]!.n,
        )
        if (execute) {
          // A tenant's own partition goes whole; a batch of a shared partition goes whole when none
          // of its rows are left after the delete (a single-tenant source's batches, typically).
          const whole: Array<ScopedBatch> = []
          for (const b of batches) {
            if (scope._tag !== "Tenant" || b.partition_key === scope.tenant) {
              whole.push(b)
              continue
            }
            const x = `${quoteTable(b.target_table)} x`
            const id = `x.${quoteIdent(b.id_column)}`
            const lo = b.id_ranges.filter((_, i) => i % 2 === 0)
            const hi = b.id_ranges.filter((_, i) => i % 2 === 1)
            const left = yield* query<{ left: boolean }>(
              conn,
              `select exists (select 1 from ${x} join unnest($1::uuid[], $2::uuid[]) r(lo, hi) on ${id} between r.lo and r.hi)
                   or exists (select 1 from ${x} where ${id} = any($3::uuid[])) as left`,
              [lo, hi, b.ids],
            )
            if (!left[0]!.left) whole.push(b)
          }
          yield* query(
            conn,
            "update migration.batches set rolled_back_at = now() where batch_id = any($1::bigint[])",
            [whole.map((b) => b.batch_id)],
          )
          if (scope._tag === "Run") {
            yield* query(
              conn,
              "update migration.runs set status = 'rolled_back', finished_at = now() where run_id = $1",
              [scope.runId],
            )
          }
          yield* query(
            conn,
            "insert into migration.rollbacks (scope, batches, removed) values ($1, $2, $3)",
            [Rollback.describe(scope), batches.length, JSON.stringify({ tables, idMapEntries })],
          )
        }
        return { batches: batches.length, tables, idMapEntries } satisfies Rollback.Effects
      }),
    )
  const run = (scope: Rollback.Scope, execute: boolean) =>
    work(scope, execute).pipe(Effect.mapError((e) => (e._tag === "PgError" ? ledgerError(e) : e)))
  return { plan: (scope) => run(scope, false), execute: (scope) => run(scope, true) }
}

/** The ledger services over one PostgreSQL client. */
export const layer: Layer.Layer<
  CheckpointStore.CheckpointStore | RowLedger.RowLedger | IdMap.IdMap | Rollback.Rollback,
  never,
  PgClient
> = Layer.mergeAll(
  Layer.effect(CheckpointStore.CheckpointStore, Effect.map(PgClient, checkpointStore)),
  Layer.effect(RowLedger.RowLedger, Effect.map(PgClient, rowLedger)),
  Layer.effect(IdMap.IdMap, Effect.map(PgClient, idMap)),
  Layer.effect(Rollback.Rollback, Effect.map(PgClient, rollback)),
)
