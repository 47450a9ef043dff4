import * as TargetId from "./TargetId.js"

/**
 * Transforms: a batch of source rows in, `{ ok, rejected, skipped, notes }` out. The per-row work is a
 * plain synchronous function; Effect only ever sees whole batches.
 */

/** Why a row was rejected or noted: the column (when one is to blame), a rule id and words for an operator. */
export interface Reason {
  readonly column: string | null
  readonly rule: string
  readonly message: string
}

/** A source row that will not be loaded, with every reason. */
export interface Rejected {
  readonly key: string
  readonly reasons: ReadonlyArray<Reason>
  readonly raw: unknown
}

/** A source row deliberately not loaded (already present, filtered out by a rule), with its reason. */
export interface Skipped {
  readonly key: string
  readonly reason: string
  /** A rule naming the kind of skip, so the ledger and the run's summary count them apart; default `skipped`. */
  readonly rule?: string
}

/** Something worth recording about a row that was loaded anyway (a zero date read as null, a repaired value). */
export interface Note {
  readonly key: string
  readonly column: string | null
  readonly rule: string
  readonly message: string
  /** The source value the note is about, when it was set aside (kept in the ledger's `raw`). */
  readonly value?: unknown
}

/**
 * An identity that cannot be derived from (tenant, entity, legacy id), such as a legacy user matched
 * to an existing portal user by email: kept in the ledger's id map, committed with the batch.
 */
export interface Mapped {
  readonly tenant: string | null
  readonly legacyId: string
  readonly targetId: string
}

/** A target row: its values in the order of the target's columns. */
export type Row = ReadonlyArray<unknown>

/** The outcome of one batch. `okKeys[i]` and `okRaw[i]` belong to `ok[i]` (for database-side rejections). */
export interface Result {
  readonly ok: Array<Row>
  readonly okKeys: Array<string>
  readonly okRaw: Array<unknown>
  readonly rejected: Array<Rejected>
  readonly skipped: Array<Skipped>
  readonly notes: Array<Note>
  readonly mapped: Array<Mapped>
}

/**
 * What the manifest says becomes of a value a cleanser refused in one column: `reject` the row,
 * store it as empty (`null`, the default for a column that is not identity), or `keep` it as written.
 */
export type InvalidPolicy = "reject" | "null" | "keep"

/** What a row function knows besides the row. */
export interface RowContext {
  readonly entity: string
  /** The partition's tenant, when the run is partitioned by tenant. */
  readonly tenant: string | null
  /** Deterministic target id of (tenant, entity, legacy id); see `TargetId`. */
  readonly id: (tenant: string | number | null, legacyId: string | number, entity?: string) => string
  /**
   * Records a note against the current row; `value`, when given, is the source value the note is
   * about (one set aside as empty), kept in the ledger with the note.
   */
  readonly note: (column: string | null, rule: string, message: string, value?: unknown) => void
  /** Records that a legacy id of this entity maps to a target id that is not derived (see `Mapped`). */
  readonly map: (tenant: string | null, legacyId: string, targetId: string) => void
  /** The current row's source key (as the source reports it: a primary key, a line number). */
  readonly key: string
  /** The manifest's policy for an invalid value of a column, when it sets one (see `InvalidPolicy`). */
  readonly onInvalid?: ((column: string) => InvalidPolicy | undefined) | undefined
}

/** A batch transform. Must never throw; the engine still guards against one that does. */
export type Transform<In> = (
  rows: ReadonlyArray<In>,
  keys: ReadonlyArray<string>,
  ctx: RowContext & Cursor,
) => Result

/** The engine's handle to the current row, used by `note`. */
export interface Cursor {
  key: string
}

class Rejection {
  readonly _tag = "Rejection"
  constructor(readonly reasons: ReadonlyArray<Reason>) {}
}

class Skip {
  readonly _tag = "Skip"
  constructor(
    readonly reason: string,
    readonly rule: string | undefined,
  ) {}
}

/** Rejects the current row with one or more reasons. */
export const reject = (...reasons: ReadonlyArray<Reason>): Rejection => new Rejection(reasons)

/** A reason, for `reject`. */
export const reason = (column: string | null, rule: string, message: string): Reason => ({
  column,
  rule,
  message,
})

/** Skips the current row with a reason. */
export const skip = (reason: string, rule?: string): Skip => new Skip(reason, rule)

/** What a row function returns: a target row, a rejection or a skip. */
export type Outcome = Row | Rejection | Skip

/**
 * Builds a batch transform from a per-row function. A row function that throws rejects that row only;
 * one that throws a rejection (`throw Transform.reject(...)`, from a helper deep in a mapper) rejects
 * it with those reasons.
 */
export const fromRow =
  <In>(fn: (row: In, ctx: RowContext) => Outcome): Transform<In> =>
  (rows, keys, ctx) => {
    const result: Result = { ok: [], okKeys: [], okRaw: [], rejected: [], skipped: [], notes: [], mapped: [] }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      const key = keys[i]!
      ctx.key = key
      let out: Outcome
      try {
        out = fn(row, ctx)
      } catch (e) {
        out =
          e instanceof Rejection
            ? e
            : reject(
                reason(
                  null,
                  "transform_exception",
                  `the transform threw: ${e instanceof Error ? e.message : String(e)}`,
                ),
              )
      }
      if (out instanceof Rejection) result.rejected.push({ key, reasons: out.reasons, raw: row })
      else if (out instanceof Skip)
        result.skipped.push(
          out.rule === undefined ? { key, reason: out.reason } : { key, reason: out.reason, rule: out.rule },
        )
      else {
        result.ok.push(out)
        result.okKeys.push(key)
        result.okRaw.push(row)
      }
    }
    return result
  }

/**
 * Runs a transform over rows the way the engine does: ids from `TargetId.forEntity` unless given,
 * notes and id-map entries collected into the result, and a transform that throws rejects the rows
 * it was given instead of losing them. The engine uses it for every chunk; tests and tools use it to
 * run a transform outside a pipeline.
 */
export const run = <In>(
  transform: Transform<In>,
  rows: ReadonlyArray<In>,
  keys: ReadonlyArray<string>,
  options: {
    readonly entity: string
    readonly tenant: string | null
    readonly id?: RowContext["id"]
    /** Per column, the manifest's policy for an invalid value. */
    readonly onInvalid?: Readonly<Record<string, InvalidPolicy>> | undefined
  },
): Result => {
  const notes: Array<Note> = []
  const mapped: Array<Mapped> = []
  const ctx: RowContext & Cursor = {
    entity: options.entity,
    tenant: options.tenant,
    id: options.id ?? TargetId.forEntity(options.entity),
    key: "",
    note: (column, rule, message, value) =>
      notes.push(
        value === undefined
          ? { key: ctx.key, column, rule, message }
          : { key: ctx.key, column, rule, message, value },
      ),
    map: (tenant, legacyId, targetId) => mapped.push({ tenant, legacyId, targetId }),
    onInvalid: options.onInvalid === undefined ? undefined : (column) => options.onInvalid?.[column],
  }
  let result: Result
  try {
    result = transform(rows, keys, ctx)
  } catch (e) {
    const message = `the transform threw: ${e instanceof Error ? e.message : String(e)}`
    result = {
      ok: [],
      okKeys: [],
      okRaw: [],
      rejected: rows.map((raw, i) => ({
        key: keys[i]!,
        reasons: [{ column: null, rule: "transform_exception", message }],
        raw,
      })),
      skipped: [],
      notes: [],
      mapped: [],
    }
  }
  if (notes.length > 0) result.notes.push(...notes)
  if (mapped.length > 0) result.mapped.push(...mapped)
  return result
}

/** A cap on one text column of a target row, and what happens to a longer value (see the portal's TextLength). */
export interface LengthLimit {
  readonly column: string
  /** In characters (code points), as PostgreSQL counts them. */
  readonly max: number
  readonly overflow: "reject" | "null" | "truncate"
}

const codePoints = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

/** The first `max` characters of `s`, never half of a surrogate pair. */
const firstChars = (s: string, max: number): string => {
  let i = 0
  for (let n = 0; n < max && i < s.length; n++) {
    const c = s.charCodeAt(i)
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1
  }
  return s.slice(0, i)
}

/** A source row as kept with a rejection: long strings cut, so a 5 MB value does not go into the ledger. */
const shortened = (raw: unknown): unknown => {
  const cut = (v: unknown) => (typeof v === "string" && v.length > 1000 ? `${v.slice(0, 1000)}…` : v)
  if (Array.isArray(raw)) return raw.map(cut)
  if (typeof raw === "object" && raw !== null)
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, cut(v)]))
  return cut(raw)
}

const n = (x: number) => x.toLocaleString("en-US")

/**
 * Applies length limits to the rows a transform makes: a value over its column's cap rejects the
 * row, becomes null or is cut to the cap, with a note (rule `too_long`) giving its length. Rows are
 * only copied when one of their values is changed.
 */
export const limitLengths = <In>(
  transform: Transform<In>,
  columns: ReadonlyArray<string>,
  limits: ReadonlyArray<LengthLimit>,
): Transform<In> => {
  const checks = limits
    .map((l) => ({ ...l, index: columns.indexOf(l.column) }))
    .filter((l) => l.index >= 0 && l.max > 0)
  if (checks.length === 0) return transform
  return (rows, keys, ctx) => {
    const result = transform(rows, keys, ctx)
    let kept = 0
    for (let i = 0; i < result.ok.length; i++) {
      let row = result.ok[i]!
      const key = result.okKeys[i]!
      const reasons: Array<Reason> = []
      const notes: Array<Note> = []
      for (const c of checks) {
        const v = row[c.index]
        // Fast path: a string no longer in UTF-16 units than the cap is within it in characters too.
        if (typeof v !== "string" || v.length <= c.max) continue
        const length = codePoints(v)
        if (length <= c.max) continue
        const said = `${c.column} is ${n(length)} characters long, over its cap of ${n(c.max)}`
        if (c.overflow === "reject") {
          reasons.push(reason(c.column, "too_long", `${said}; the row is not loaded`))
          continue
        }
        if (row === result.ok[i]) row = [...row]
        ;(row as Array<unknown>)[c.index] = c.overflow === "null" ? null : firstChars(v, c.max)
        notes.push({
          key,
          column: c.column,
          rule: "too_long",
          message:
            c.overflow === "null" ? `${said}; stored as null` : `${said}; the first ${n(c.max)} are stored`,
        })
      }
      if (reasons.length > 0) {
        result.rejected.push({ key, reasons, raw: shortened(result.okRaw[i]) })
        continue
      }
      if (notes.length > 0) result.notes.push(...notes)
      result.ok[kept] = row
      result.okKeys[kept] = key
      result.okRaw[kept] = result.okRaw[i]
      kept++
    }
    result.ok.length = kept
    result.okKeys.length = kept
    result.okRaw.length = kept
    return result
  }
}
