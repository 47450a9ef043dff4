/**
 * Spreadsheets (CSV or XLSX, read by the connectors' sources) onto the raw rows of an existing mapper.
 * A school declares which spreadsheet header holds which raw column of the target mapper's raw row
 * schema (`LegacySis.StudentRow`, `BrowserExport.StudentRecord`, ...); each record is turned into that
 * raw row and handed to the target's own transform, so a student list typed into Excel goes through
 * exactly the cleansing and mapping of the legacy table it stands in for.
 *
 * Headers match ignoring case and spaces (`Date of Birth` = `dateofbirth` = ` DATE OF  BIRTH`). The
 * layout is checked against the sheet's header once, before any row is mapped: every missing required
 * header is named in one error; headers the mapping does not use are listed, not refused.
 */

import { type Entity, Transform } from "@schoolbridge/core"
import { Data, Either, Schema } from "effect"
import * as BrowserExport from "./BrowserExport.js"
import * as LegacySis from "./LegacySis.js"

/** A spreadsheet layout that cannot be used, found before any row is mapped. */
export class LayoutError extends Data.TaggedError("LayoutError")<{
  readonly reason: "missing_headers" | "unknown_column" | "ambiguous_header" | "duplicate_column"
  readonly message: string
  /** The headers or columns to blame. */
  readonly names: ReadonlyArray<string>
}> {}

/** A declared mapping of spreadsheet headers onto a raw row schema. */
export interface Mapping {
  /** Spreadsheet header → raw column; a dotted column (`emergencyContact.phone`) fills a nested record. */
  readonly columns: Readonly<Record<string, string>>
  /** Raw columns whose header must be in the sheet. */
  readonly required?: ReadonlyArray<string>
  /**
   * The raw column that identifies a row (`student_id`, `id`). It becomes the row's key; when no
   * header gives it, or the cell is empty, the record's own key (its line or row number) is used.
   */
  readonly key: string
  /** Values for raw columns no header gives (e.g. a status the whole sheet shares). */
  readonly constants?: Readonly<Record<string, unknown>>
}

/** A mapping checked against one sheet's header. */
export interface Plan {
  /** Raw column → the sheet's header for it, as the sheet spells it. */
  readonly headers: ReadonlyMap<string, string>
  /** Sheet headers the mapping does not use. */
  readonly unknown: ReadonlyArray<string>
  readonly key: string
  readonly fields: ReadonlyArray<string>
  readonly constants: Readonly<Record<string, unknown>>
}

/** A header as compared: lower case, no spaces. */
export const normalize = (header: string): string => header.toLowerCase().replace(/\s+/gu, "")

const list = (names: ReadonlyArray<string>) => names.map((n) => JSON.stringify(n)).join(", ")

/**
 * Checks a mapping against a raw schema and a sheet's header (the keys of its records, in order).
 * Fails with every missing required header at once.
 */
export const plan = (
  mapping: Mapping,
  schema: { readonly fields: Readonly<Record<string, unknown>> },
  header: ReadonlyArray<string>,
): Either.Either<Plan, LayoutError> => {
  const fields = Object.keys(schema.fields)
  const rawColumns = [...Object.values(mapping.columns), mapping.key, ...(mapping.required ?? [])]
  const unknownColumns = [...new Set(rawColumns.filter((c) => !fields.includes(c.split(".")[0]!)))]
  if (unknownColumns.length > 0)
    return Either.left(
      new LayoutError({
        reason: "unknown_column",
        names: unknownColumns,
        message: `the mapping names raw column ${list(unknownColumns)}, which the target's rows do not have; they have ${list(fields)}`,
      }),
    )
  const byColumn = new Map<string, string>()
  for (const [h, c] of Object.entries(mapping.columns)) {
    const other = byColumn.get(c)
    if (other !== undefined)
      return Either.left(
        new LayoutError({
          reason: "duplicate_column",
          names: [other, h],
          message: `headers ${list([other, h])} are both mapped to raw column ${JSON.stringify(c)}`,
        }),
      )
    byColumn.set(c, h)
  }
  const sheet = new Map<string, string>()
  for (const h of header) {
    const n = normalize(h)
    const other = sheet.get(n)
    if (other !== undefined)
      return Either.left(
        new LayoutError({
          reason: "ambiguous_header",
          names: [other, h],
          message: `the sheet's headers ${list([other, h])} are the same ignoring case and spaces`,
        }),
      )
    sheet.set(n, h)
  }
  const headers = new Map<string, string>()
  for (const [column, h] of byColumn) {
    const found = sheet.get(normalize(h))
    if (found !== undefined) headers.set(column, found)
  }
  const missing = (mapping.required ?? []).filter((c) => !headers.has(c)).map((c) => byColumn.get(c) ?? c)
  if (missing.length > 0)
    return Either.left(
      new LayoutError({
        reason: "missing_headers",
        names: missing,
        message: `the sheet has no ${missing.length === 1 ? "header" : "headers"} ${list(missing)}; it has ${list(header)}`,
      }),
    )
  const used = new Set(headers.values())
  return Either.right({
    headers,
    unknown: header.filter((h) => !used.has(h)),
    key: mapping.key,
    fields,
    constants: mapping.constants ?? {},
  })
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "")

const setPath = (target: Record<string, unknown>, path: string, value: unknown) => {
  const parts = path.split(".")
  let at = target
  for (const part of parts.slice(0, -1)) {
    const next = at[part]
    if (typeof next !== "object" || next === null) at[part] = {}
    at = at[part] as Record<string, unknown>
  }
  at[parts[parts.length - 1]!] = value
}

/**
 * The raw row a spreadsheet record stands for, and its key. An empty cell is null (what the legacy
 * database held for a missing value); raw columns no header gives are null or their constant.
 */
export const toRaw = (
  p: Plan,
  record: Readonly<Record<string, unknown>>,
  sourceKey: string,
): { readonly key: string; readonly raw: Record<string, unknown> } => {
  const raw: Record<string, unknown> = {}
  for (const f of p.fields) raw[f] = Object.hasOwn(p.constants, f) ? p.constants[f] : null
  for (const [column, header] of p.headers) {
    const v = record[header]
    setPath(raw, column, blank(v) ? null : typeof v === "string" ? v.trim() : v)
  }
  const own = raw[p.key]
  const key = blank(own) ? sourceKey : String(own)
  if (blank(own)) raw[p.key] = sourceKey
  return { key, raw }
}

/**
 * The target's transform over spreadsheet records: each record becomes its raw row (checked against
 * the raw schema; a row that does not fit is rejected with rule `raw_row`) and the target maps it.
 * Keys become the raw key column's values, so notes, rejections and ids use the same legacy ids as
 * the target's own source would.
 */
export const transform =
  <Raw>(
    p: Plan,
    schema: Schema.Schema<Raw, Raw>,
    target: Transform.Transform<Raw>,
  ): Transform.Transform<Record<string, unknown>> =>
  (rows, keys, ctx) => {
    const decode = Schema.decodeUnknownEither(schema)
    const good: Array<Raw> = []
    const goodKeys: Array<string> = []
    const rejected: Array<Transform.Rejected> = []
    rows.forEach((record, i) => {
      const { key, raw } = toRaw(p, record, keys[i]!)
      const decoded = decode(raw)
      if (Either.isRight(decoded)) {
        good.push(decoded.right)
        goodKeys.push(key)
      } else
        rejected.push({
          key,
          raw: record,
          reasons: [
            Transform.reason(
              null,
              "raw_row",
              `the record does not fit the target's rows: ${decoded.left.message}`,
            ),
          ],
        })
    })
    const result = target(good, goodKeys, ctx)
    if (rejected.length > 0) result.rejected.push(...rejected)
    return result
  }

/**
 * The target entity fed from a spreadsheet: same name, table, ids and dependencies (so foreign keys
 * agree with the entities it is loaded beside), its transform behind the spreadsheet layout.
 */
export const entity = <Raw>(
  p: Plan,
  schema: Schema.Schema<Raw, Raw>,
  target: Entity.Entity<Raw>,
): Entity.Entity<Record<string, unknown>> => ({
  ...target,
  // Spreadsheet keys are whatever the sheet holds: traced by id, never by range.
  ids: "hashed",
  transform: transform(p, schema, target.transform),
})

/** Raw row schemas a spreadsheet can stand in for, by the entity whose mapper reads them. */
export const rawSchemas = {
  [LegacySis.usersEntity]: LegacySis.UserRow,
  [LegacySis.studentsEntity]: LegacySis.StudentRow,
  [LegacySis.teachersEntity]: LegacySis.TeacherRow,
  [LegacySis.classesEntity]: LegacySis.ClassRow,
  [LegacySis.enrollmentsEntity]: LegacySis.EnrollmentRow,
  [LegacySis.attendanceEntity]: LegacySis.AttendanceRow,
  [BrowserExport.studentsEntity]: BrowserExport.StudentRecord,
  [BrowserExport.teachersEntity]: BrowserExport.TeacherRecord,
  [BrowserExport.classesEntity]: BrowserExport.ClassRecord,
  [BrowserExport.attendanceEntity]: BrowserExport.AttendanceRecord,
  [BrowserExport.assessmentResultsEntity]: BrowserExport.GradeRecord,
  [BrowserExport.invoicesEntity]: BrowserExport.PaymentObligationRecord,
  [BrowserExport.paymentsEntity]: BrowserExport.PaymentRecord,
  [BrowserExport.privateLessonsEntity]: BrowserExport.PrivateLessonRecord,
} as const
