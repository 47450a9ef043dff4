import { finished } from "node:stream/promises"
import { Entity, Secrets, Sink, TargetId, type Transform } from "@schoolbridge/core"
import { Effect, Layer } from "effect"
import { from as copyFrom } from "pg-copy-streams"
import { type Connection, classify, PgClient, type PgClientShape, type PgError } from "../PgClient.js"
import * as CopyText from "./CopyText.js"

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`
const quoteTable = (table: string) => table.split(".").map(quoteIdent).join(".")

const sinkError = (
  entity: string,
  reason: Sink.SinkError["reason"],
  message: string,
  cause?: unknown,
  seq?: number,
) =>
  new Sink.SinkError({
    reason,
    entity,
    message,
    ...(seq === undefined ? {} : { seq }),
    ...(cause === undefined ? {} : { cause }),
  })

const fromPg = (entity: string, seq?: number) => (e: PgError) =>
  sinkError(
    entity,
    e.reason === "transient" ? "transient" : e.reason === "connection" ? "connection" : "query",
    e.message,
    e,
    seq,
  )

/** A row the database refused, by its index in the batch. */
interface Refusal {
  readonly index: number
  readonly column: string | null
  readonly rule: string
  readonly message: string
  /** For a foreign key: the row's column and the id it names that the parent table does not have. */
  readonly missing?: MissingParent
}

interface MissingParent {
  readonly column: string
  readonly id: string
  /** The parent table as PostgreSQL names it (without its schema). */
  readonly table: string
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * `Key (tenant_id, user_id)=(SA01, 2f16…) is not present in table "users".` → the referencing
 * column and the id it names (the tenant beside it is the row's own).
 */
const missingParent = (e: PgError): MissingParent | undefined => {
  if (e.code !== "23503" || e.detail === undefined) return undefined
  const m = /^Key \(([^)]*)\)=\(([^)]*)\) is not present in table "([^"]+)"/.exec(e.detail)
  if (m === null) return undefined
  const columns = m[1]!.split(", ")
  const values = m[2]!.split(", ")
  if (columns.length !== values.length) return undefined
  const at = values.findIndex((v, i) => uuid.test(v) && columns[i] !== "tenant_id")
  return at < 0 ? undefined : { column: columns[at]!.replace(/^"|"$/g, ""), id: values[at]!, table: m[3]! }
}

/** A row this run rejected, as the ledger has it: its first reason. */
interface Parent {
  readonly entity: string
  readonly key: string
  readonly rule: string
  readonly message: string
}

const rootMark = "; root cause: "

// The first rejection of a chain, carried along it so every row names it.
const rootOf = (p: Parent): string =>
  p.rule.startsWith("parent_rejected:") && p.message.includes(rootMark)
    ? p.message.slice(p.message.indexOf(rootMark) + rootMark.length)
    : `${p.entity} ${p.key} ${p.rule} (${p.message})`

const parentMessage = (column: string, p: Parent) =>
  `${column} refers to ${p.entity} ${p.key}, rejected in this run${rootMark}${rootOf(p)}`

/**
 * The rows this run rejected that missing ids name. An ordered id carries its entity's code and its
 * legacy id, so the parent is found among the run's rejected rows of that entity by key (zero-filled
 * keys are the same number); a name-based id cannot be read back and finds none. The batch's own
 * partition is preferred where several schools of the run rejected the same key.
 */
const rejectedParents = async (
  conn: Connection,
  batch: Sink.LoadBatch,
  ids: ReadonlyArray<string>,
): Promise<Map<string, Parent>> => {
  const found = new Map<string, Parent>()
  const decoded = ids.flatMap((id) => {
    const d = TargetId.decode(id)
    return d === undefined ? [] : [{ id, ...d }]
  })
  if (decoded.length === 0) return found
  const entities = (
    await conn.query<{ entity: string }>(
      "select distinct entity from migration.row_errors where run_id = $1 and kind = 'rejected'",
      [batch.runId],
    )
  ).rows.map((r) => r.entity)
  const byCode = new Map<number, Array<string>>()
  for (const e of entities)
    byCode.set(TargetId.entityCode(e), [...(byCode.get(TargetId.entityCode(e)) ?? []), e])
  const wanted = decoded.filter((d) => byCode.has(d.entityCode))
  if (wanted.length === 0) return found
  const rows = (
    await conn.query<Parent & { readonly partition: string; readonly n: string }>(
      `select entity, key, rule, message, partition, n::text as n
         from (select entity, source_key as key, rule, message, partition_key as partition, error_id,
                      -- a key that is not a number is never cast (the order of a where's terms is the planner's)
                      case when source_key ~ '^[0-9]{1,16}$' then source_key::numeric end as n
                 from migration.row_errors
                where run_id = $1 and kind = 'rejected' and entity = any($2)) r
        where n = any($3::numeric[])
        order by error_id`,
      [
        batch.runId,
        [...new Set(wanted.flatMap((d) => byCode.get(d.entityCode)!))],
        wanted.map((d) => String(d.legacyId)),
      ],
    )
  ).rows
  for (const d of wanted) {
    const names = byCode.get(d.entityCode)!
    const candidates = rows.filter((r) => names.includes(r.entity) && r.n === String(d.legacyId))
    const pick = candidates.find((r) => r.partition === batch.partition) ?? candidates[0]
    if (pick !== undefined)
      found.set(d.id, { entity: pick.entity, key: pick.key, rule: pick.rule, message: pick.message })
  }
  return found
}

/**
 * What the rows the database refused for a missing parent become. A reference the portal allows to
 * be empty (a form group's tutor) is stored as empty with a note and the row written again; a
 * required one stays refused, as `parent_rejected:<entity>` naming the parent and the root cause
 * when this run rejected the parent. Changes `refused` in place; returns the rows written and notes.
 */
const settleReferences = async (
  conn: Connection,
  batch: Sink.LoadBatch,
  info: TargetInfo,
  rows: () => CopyText.Rows,
  write: Writer,
  refused: Array<Refusal>,
  inserted: Array<string>,
): Promise<{ readonly count: number; readonly notes: ReadonlyArray<Transform.Note> }> => {
  if (!refused.some((r) => r.missing !== undefined)) return { count: 0, notes: [] }
  const parents = await rejectedParents(
    conn,
    batch,
    refused.flatMap((r) => (r.missing === undefined ? [] : [r.missing.id])),
  )
  const current = new Map<number, Array<string | null>>()
  const pending = new Map<number, Array<Transform.Note>>()
  let count = 0
  for (;;) {
    const emptied = refused.filter((r) => r.missing !== undefined && info.nullable.has(r.missing.column))
    if (emptied.length === 0) break
    for (const r of emptied) {
      refused.splice(refused.indexOf(r), 1)
      const values = current.get(r.index) ?? CopyText.decode(rows(), r.index)
      values[batch.target.columns.indexOf(r.missing!.column)] = null
      current.set(r.index, values)
      const parent = parents.get(r.missing!.id)
      const note: Transform.Note = {
        key: batch.keys[r.index] ?? "",
        column: r.missing!.column,
        rule: parent === undefined ? "reference_missing" : `parent_rejected:${parent.entity}`,
        message:
          parent === undefined
            ? `${r.missing!.column} refers to a row that is not in ${r.missing!.table}; stored as empty`
            : `${parentMessage(r.missing!.column, parent)}; stored as empty`,
      }
      pending.set(r.index, [...(pending.get(r.index) ?? []), note])
    }
    const again = [...new Set(emptied.map((r) => r.index))]
    const local: Array<Refusal> = []
    const block = CopyText.rows(CopyText.block(again.map((i) => current.get(i)!)))
    count += await writeIsolating(
      conn,
      block,
      again.map((_, j) => j),
      write,
      local,
      inserted,
    )
    for (const l of local) refused.push({ ...l, index: again[l.index]! })
  }
  for (let i = 0; i < refused.length; i++) {
    const r = refused[i]!
    const parent = r.missing === undefined ? undefined : parents.get(r.missing.id)
    if (parent !== undefined)
      refused[i] = {
        ...r,
        rule: `parent_rejected:${parent.entity}`,
        message: parentMessage(r.missing!.column, parent),
      }
  }
  const stillRefused = new Set(refused.map((r) => r.index))
  const notes = [...pending].flatMap(([index, n]) => (stillRefused.has(index) ? [] : n))
  return { count, notes }
}

/** What writing some rows did: how many went in, and which ids were inserted (merge only). */
interface Written {
  readonly count: number
  readonly insertedIds: ReadonlyArray<string> | null
}

type Writer = (bytes: Buffer | ReadonlyArray<Buffer>) => Promise<Written>

/**
 * A batch's rows as COPY text, with what its trace needs: the id range of each entity and tenant
 * (ordered ids), or every id (hashed ids).
 */
class Encoded {
  constructor(
    readonly block: CopyText.Block,
    readonly ranges: ReadonlyArray<string>,
    readonly ids: ReadonlyArray<string> | null,
  ) {}
}

const encode = (
  target: Entity.Target,
  rows: ReadonlyArray<Transform.Row>,
  trace: Sink.LoadBatch["trace"],
): Encoded => {
  const idIndex = Entity.idIndex(target)
  if (trace === "ids")
    return new Encoded(
      CopyText.block(rows),
      [],
      rows.map((r) => String(r[idIndex])),
    )
  const ids = new Array<string>(rows.length)
  for (let i = 0; i < rows.length; i++) ids[i] = String(rows[i]![idIndex])
  return new Encoded(CopyText.block(rows), TargetId.ranges(ids), null)
}

/** One batch from the chunks the engine encoded ahead. */
const combine = (chunks: ReadonlyArray<unknown>): Encoded => {
  const parts = chunks.filter((c): c is Encoded => c instanceof Encoded)
  if (parts.length !== chunks.length) throw new Error("a batch was encoded by another sink")
  if (parts.length === 1) return parts[0]!
  const block = CopyText.join(parts.map((p) => p.block))
  const ids = parts[0]?.ids === null ? null : parts.flatMap((p) => p.ids ?? [])
  return new Encoded(block, ids === null ? TargetId.ranges(parts.flatMap((p) => p.ranges)) : [], ids)
}

const copyBytes = async (
  conn: Connection,
  sql: string,
  bytes: Buffer | ReadonlyArray<Buffer>,
): Promise<number> => {
  const stream = conn.query(copyFrom(sql))
  if (Buffer.isBuffer(bytes)) stream.end(bytes)
  else {
    for (const piece of bytes) stream.write(piece)
    stream.end()
  }
  await finished(stream)
  return stream.rowCount ?? 0
}

/** `COPY t, line 17, column score: "abc"` → 17. */
const copyLine = (e: PgError): number | null => {
  const m = e.where ? /COPY [^,]+, line (\d+)/.exec(e.where) : null
  return m ? Number(m[1]) : null
}

const refusalOf = (index: number, e: PgError): Refusal => {
  const cause = e.cause as { column?: string; constraint?: string } | undefined
  const missing = missingParent(e)
  return {
    index,
    column: cause?.column ?? missing?.column ?? null,
    rule: e.code?.startsWith("23")
      ? `constraint${cause?.constraint ? `:${cause.constraint}` : ""}`
      : "database_value",
    message: e.message,
    ...(missing === undefined ? {} : { missing }),
  }
}

/**
 * Writes the rows at `indices`; when the database refuses the set because of some rows' data,
 * finds those rows and writes the rest. A COPY error names its line, so that row goes at once;
 * errors without a line (foreign keys, checked at the end of the statement) are found by halving.
 * Each try is inside a savepoint so a failure undoes only itself.
 */
const writeIsolating = async (
  conn: Connection,
  rows: CopyText.Rows,
  indices: ReadonlyArray<number>,
  write: Writer,
  refused: Array<Refusal>,
  inserted: Array<string>,
): Promise<number> => {
  if (indices.length === 0) return 0
  await conn.query("savepoint sb_try")
  try {
    const written = await write(CopyText.pick(rows, indices))
    await conn.query("release savepoint sb_try")
    if (written.insertedIds) inserted.push(...written.insertedIds)
    return written.count
  } catch (thrown) {
    await conn.query("rollback to savepoint sb_try")
    await conn.query("release savepoint sb_try")
    const e = classify(thrown)
    if (e.reason !== "data") throw thrown
    if (indices.length === 1) {
      refused.push(refusalOf(indices[0]!, e))
      return 0
    }
    const at = copyLine(e)
    if (at !== null && at >= 1 && at <= indices.length) {
      refused.push(refusalOf(indices[at - 1]!, e))
      return writeIsolating(
        conn,
        rows,
        [...indices.slice(0, at - 1), ...indices.slice(at)],
        write,
        refused,
        inserted,
      )
    }
    const half = Math.ceil(indices.length / 2)
    const a = await writeIsolating(conn, rows, indices.slice(0, half), write, refused, inserted)
    const b = await writeIsolating(conn, rows, indices.slice(half), write, refused, inserted)
    return a + b
  }
}

interface TargetInfo {
  /** The target's columns the portal allows to be empty. */
  readonly nullable: ReadonlySet<string>
  readonly table: string
  readonly columns: string
  readonly idColumn: string
  readonly idIndex: number
  readonly stage: string
  readonly mergeSql: string
}

const targetInfo = (target: Entity.Target, nullable: ReadonlySet<string>): TargetInfo => {
  const idColumn = Entity.idColumn(target)
  const columns = target.columns.map(quoteIdent).join(", ")
  const stage = `sb_stage_${target.table.replace(/\W/g, "_")}`
  const others = target.columns.filter((c) => c !== idColumn)
  const onConflict =
    target.upsert && others.length > 0
      ? `do update set ${others.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(", ")}
         where (${others.map((c) => `t.${quoteIdent(c)}`).join(", ")}) is distinct from (${others.map((c) => `excluded.${quoteIdent(c)}`).join(", ")})`
      : "do nothing"
  return {
    nullable,
    table: quoteTable(target.table),
    columns,
    idColumn,
    idIndex: Entity.idIndex(target),
    stage,
    mergeSql: `insert into ${quoteTable(target.table)} as t (${columns}) select ${columns} from ${stage}
               on conflict (${quoteIdent(idColumn)}) ${onConflict}
               returning t.${quoteIdent(idColumn)}::text as id, (xmax = 0) as inserted`,
  }
}

const copyWriter =
  (conn: Connection, info: TargetInfo): Writer =>
  async (bytes) => ({
    count: await copyBytes(conn, copySql(info), bytes),
    insertedIds: null,
  })

const copySql = (info: TargetInfo) => `copy ${info.table} (${info.columns}) from stdin`

const mergeWriter =
  (conn: Connection, info: TargetInfo): Writer =>
  async (bytes) => {
    await conn.query(
      `create temp table if not exists ${info.stage} (like ${info.table} including defaults) on commit drop`,
    )
    await conn.query(`truncate ${info.stage}`)
    await copyBytes(conn, `copy ${info.stage} (${info.columns}) from stdin`, bytes)
    const res = await conn.query<{ id: string; inserted: boolean }>(info.mergeSql)
    return { count: res.rows.length, insertedIds: res.rows.filter((r) => r.inserted).map((r) => r.id) }
  }

// jsonb refuses the NUL character, which legacy rows do contain; keep the rest of the row readable.
// A row's credentials (a legacy password, its hash or salt) never reach the ledger: a marker shows
// there was one.
const toJson = (v: unknown) =>
  JSON.stringify(Secrets.redact(v ?? null), CopyText.jsonSafe).replace(/\\u0000/g, "\\ufffd")
const noNul = (s: string | null) => (s === null ? null : s.replaceAll("\u0000", "\ufffd"))

const ledgerRows = (
  batch: Sink.LoadBatch,
  refused: ReadonlyArray<Refusal>,
  rawOf: (index: number) => unknown,
  notes: ReadonlyArray<Transform.Note>,
) => {
  const kind: Array<string> = []
  const key: Array<string | null> = []
  const column: Array<string | null> = []
  const rule: Array<string> = []
  const message: Array<string> = []
  const raw: Array<string | null> = []
  const add = (k: string, sk: string | null, c: string | null, r: string, m: string, rw: string | null) => {
    kind.push(k)
    key.push(noNul(sk))
    column.push(c)
    rule.push(r)
    message.push(noNul(m)!)
    raw.push(rw)
  }
  for (const r of batch.rejected) {
    const json = toJson(r.raw)
    for (const reason of r.reasons) add("rejected", r.key, reason.column, reason.rule, reason.message, json)
  }
  for (const r of refused) {
    add("rejected", batch.keys[r.index] ?? null, r.column, r.rule, r.message, toJson(rawOf(r.index)))
  }
  for (const s of batch.skipped) add("skipped", s.key, null, s.rule ?? "skipped", s.reason, null)
  for (const n of [...batch.notes, ...notes])
    add(
      "note",
      n.key,
      n.column,
      n.rule,
      n.message,
      n.value === undefined ? null : toJson({ [n.column ?? "value"]: n.value }),
    )
  return { kind, key, column, rule, message, raw }
}

/**
 * Loads one batch in one transaction: the rows (COPY, or staging + merge where rows may exist),
 * the rows the database refused, the batch's ledger row with its checkpoint and trace, and its
 * rejected rows, skips and notes. If anything fails, none of it is committed.
 */
const loadBatch = async (
  conn: Connection,
  batch: Sink.LoadBatch,
  info: TargetInfo,
): Promise<Sink.LoadResult> => {
  const encoded = batch.encoded ? combine(batch.encoded) : encode(batch.target, batch.rows, batch.trace)
  const { block } = encoded
  const all = Array.from({ length: block.rows }, (_, i) => i)
  let flat: CopyText.Rows | null = null
  const rowsOf = () => {
    flat ??= CopyText.rows(block)
    return flat
  }
  const refused: Array<Refusal> = []
  const inserted: Array<string> = []
  let mode = batch.mode
  let count = 0
  if (mode === "copy") {
    await conn.query("savepoint sb_copy")
    try {
      count = await copyBytes(conn, copySql(info), block.pieces)
      await conn.query("release savepoint sb_copy")
    } catch (thrown) {
      await conn.query("rollback to savepoint sb_copy")
      await conn.query("release savepoint sb_copy")
      const e = classify(thrown)
      if (e.reason !== "data") throw thrown
      // Some rows are already there (loaded outside this run's ledger): merge this batch instead.
      mode = e.code === "23505" ? "merge" : "copy"
      count = await writeIsolating(
        conn,
        rowsOf(),
        all,
        mode === "merge" ? mergeWriter(conn, info) : copyWriter(conn, info),
        refused,
        inserted,
      )
    }
  } else {
    count = await writeIsolating(conn, rowsOf(), all, mergeWriter(conn, info), refused, inserted)
  }
  const settled = await settleReferences(
    conn,
    batch,
    info,
    rowsOf,
    mode === "merge" ? mergeWriter(conn, info) : copyWriter(conn, info),
    refused,
    inserted,
  )
  count += settled.count

  const refusedSet = new Set(refused.map((r) => r.index))
  // Refused rows inside a range are harmless to its trace: they do not exist.
  const useRanges = mode === "copy" && encoded.ids === null
  const loadedIds = mode === "merge" ? inserted : (encoded.ids ?? []).filter((_, i) => !refusedSet.has(i))
  const rejected = batch.rejected.length + refused.length
  const alreadyThere = block.rows - refused.length - count
  const skipped = batch.skipped.length + alreadyThere
  const loaded = count
  const [b] = (
    await conn.query<{ batch_id: string }>(
      `insert into migration.batches (run_id, entity, partition_key, seq, cursor_from, cursor_to, target_table, mode,
         id_ranges, ids, read_count, loaded_count, rejected_count, skipped_count, skipped_reason, started_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10::uuid[], $11, $12, $13, $14, $15, $16)
       returning batch_id`,
      [
        batch.runId,
        batch.entity,
        batch.partition,
        batch.seq,
        batch.cursorFrom === null ? null : JSON.stringify(batch.cursorFrom),
        JSON.stringify(batch.cursorTo),
        batch.target.table,
        mode,
        useRanges ? encoded.ranges : [],
        useRanges ? [] : loadedIds,
        batch.read,
        loaded,
        rejected,
        skipped,
        alreadyThere > 0 ? `${alreadyThere} rows already in the target, left as they were` : null,
        batch.startedAt ?? null,
      ],
    )
  ).rows
  const batchId = Number(b!.batch_id)
  if (batch.mapped && batch.mapped.length > 0) {
    // The last word on a legacy id wins within a batch; the table keys on it (no tenant: '').
    const byKey = new Map(batch.mapped.map((m) => [`${m.tenant ?? ""}\u0000${m.legacyId}`, m]))
    const mapped = [...byKey.values()]
    await conn.query(
      `insert into migration.id_map (tenant, entity, legacy_id, target_id, batch_id)
       select m.tenant, $1, m.legacy_id, m.target_id, $2
       from unnest($3::text[], $4::text[], $5::uuid[]) as m(tenant, legacy_id, target_id)
       on conflict (tenant, entity, legacy_id) do update set target_id = excluded.target_id, batch_id = excluded.batch_id`,
      [
        batch.entity,
        batchId,
        mapped.map((m) => m.tenant ?? ""),
        mapped.map((m) => m.legacyId),
        mapped.map((m) => m.targetId),
      ],
    )
  }
  // The source row when the engine kept it; else the target row as it was sent, which is what the
  // database judged.
  const rawOf = (index: number): unknown => {
    if (batch.raws.length > 0) return batch.raws[index]
    const values = CopyText.decode(rowsOf(), index)
    return { target: Object.fromEntries(batch.target.columns.map((c, i) => [c, values[i] ?? null])) }
  }
  const l = ledgerRows(batch, refused, rawOf, settled.notes)
  if (l.kind.length > 0) {
    await conn.query(
      `insert into migration.row_errors (run_id, batch_id, entity, partition_key, kind, source_key, column_name, rule, message, raw)
       select $1, $2, $3, $4, u.* from unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[]) as u`,
      [
        batch.runId,
        batchId,
        batch.entity,
        batch.partition,
        l.kind,
        l.key,
        l.column,
        l.rule,
        l.message,
        l.raw,
      ],
    )
  }
  const refusedRows: Array<Transform.Rejected> = refused.map((r) => ({
    key: batch.keys[r.index] ?? "",
    reasons: [{ column: r.column, rule: r.rule, message: r.message }],
    raw: Secrets.redact(rawOf(r.index)),
  }))
  return { batchId, mode, loaded, rejected, skipped, refused: refusedRows }
}

/** Builds the PostgreSQL sink over a client. */
export const make = (db: PgClientShape): Sink.SinkShape => {
  const infos = new Map<string, TargetInfo>()
  return {
    prepare: (entity, target) =>
      Effect.gen(function* () {
        const parts = target.table.split(".")
        if (parts.length !== 2 || !parts.every((p) => identifier.test(p))) {
          return yield* sinkError(
            entity,
            "config",
            `target table "${target.table}" must be written schema.table`,
          )
        }
        const found = yield* db
          .query<{ column_name: string; is_nullable: string }>(
            "select column_name, is_nullable from information_schema.columns where table_schema = $1 and table_name = $2",
            parts,
          )
          .pipe(Effect.mapError(fromPg(entity)))
        if (found.length === 0) {
          return yield* sinkError(
            entity,
            "config",
            `target table ${target.table} does not exist; apply the portal schema migrations first`,
          )
        }
        const have = new Set(found.map((c) => c.column_name))
        const missing = target.columns.filter((c) => !have.has(c))
        if (missing.length > 0) {
          return yield* sinkError(
            entity,
            "config",
            `target table ${target.table} has no column ${missing.join(", ")}`,
          )
        }
        const info = yield* Effect.try({
          try: () =>
            targetInfo(
              target,
              new Set(found.filter((c) => c.is_nullable === "YES").map((c) => c.column_name)),
            ),
          catch: (e) => sinkError(entity, "config", (e as Error).message),
        })
        infos.set(entity, info)
        const legacyColumns = have.has("legacy_source") && have.has("legacy_id")
        const added = yield* db
          .query(
            `insert into migration.targets (target_table, id_column, tenant_column, legacy_columns)
             values ($1, $2, $3, $4) on conflict (target_table) do nothing returning 1`,
            [target.table, info.idColumn, target.tenantColumn ?? null, legacyColumns],
          )
          .pipe(Effect.mapError(fromPg(entity)))
        if (added.length > 0 && legacyColumns) {
          yield* db.query("select migration.refresh_legacy_id_map()").pipe(Effect.mapError(fromPg(entity)))
        }
      }),
    encode,
    load: (batch) => {
      const info = infos.get(batch.entity)
      if (!info)
        return Effect.fail(sinkError(batch.entity, "config", "load before prepare", undefined, batch.seq))
      return db
        .transaction((conn) =>
          Effect.tryPromise({ try: () => loadBatch(conn, batch, info), catch: classify }).pipe(
            Effect.mapError(fromPg(batch.entity, batch.seq)),
            // Commit only after the previous batch did, so checkpoints never leave a gap.
            Effect.zipLeft(
              (batch.commitAfter ?? Effect.void).pipe(
                Effect.mapError((e) =>
                  sinkError(
                    batch.entity,
                    "query",
                    `not committed: the batch before it failed (${e.message})`,
                    e,
                    batch.seq,
                  ),
                ),
              ),
            ),
          ),
        )
        .pipe(Effect.mapError((e) => (e._tag === "PgError" ? fromPg(batch.entity, batch.seq)(e) : e)))
    },
  }
}

/** The sink as a layer over `PgClient`. */
export const layer: Layer.Layer<Sink.Sink, never, PgClient> = Layer.effect(
  Sink.Sink,
  Effect.map(PgClient, make),
)
