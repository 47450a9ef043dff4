/**
 * The generic legacy SIS of seed 001 (its academic years, assessments and grades) into
 * `academic.academic_years`, `academic.assessments` and `academic.assessment_results`. The seed names
 * these flows (§3.2.1 "Grades", §4.1, §6.2.1) without their legacy columns; the rows below are the
 * usual shape of such a system, documented in docs/reference/mappings/legacy-sis.md.
 */

import type { Cleaned } from "@schoolbridge/cleansers"
import { DateInput, Money, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import {
  academicYearsEntity,
  classesEntity,
  cleanOrNull,
  cleanWith,
  collect,
  Key,
  type Options,
  reference,
  Scalar,
  type Step,
  studentsEntity,
  timestamps,
  usersEntity,
} from "./LegacySis.js"
import * as SchoolYear from "./SchoolYear.js"

/** Entity name of the academic years flow (defined beside the other entity names, used by classes). */
export { academicYearsEntity }
/** Entity name of the assessments flow. */
export const assessmentsEntity = "legacy-sis.assessments"
/** Entity name of the assessment results (grades) flow. */
export const gradesEntity = "legacy-sis.grades"

/** The canonical year of a legacy year name (`SchoolYear.parse`). */
export const yearName = SchoolYear.parse
/** The dates a year spans when the source gives none (`SchoolYear.dates`). */
export const yearDates = SchoolYear.dates

/** The id the academic years flow gives the year a name names. */
export const yearId = (ctx: Transform.RowContext, year: SchoolYear.YearName): string =>
  SchoolYear.id(ctx, year, academicYearsEntity)

/** An optional reference to a legacy SIS year by its name; text that names no year is noted and left empty. */
export const yearReference = (ctx: Transform.RowContext, column: string, input: unknown): string | null =>
  SchoolYear.reference(ctx, column, input, academicYearsEntity)

/** A yes/no flag as legacy tables store it (1/0, Y/N, yes/no, true/false, active/inactive), or null. */
export const flag = (input: unknown): boolean | null | undefined => {
  if (input === null || input === undefined) return null
  if (typeof input === "boolean") return input
  const text = String(input).trim().toLowerCase()
  if (text === "") return null
  if (["1", "y", "yes", "true", "t", "active", "a"].includes(text)) return true
  if (["0", "n", "no", "false", "f", "inactive", "i"].includes(text)) return false
  return undefined
}

// A flag column: an unreadable value is noted and the default kept.
const flagOr = (ctx: Transform.RowContext, column: string, input: unknown, fallback: boolean | null) => {
  const f = flag(input)
  if (f === undefined) {
    const used = fallback === null ? "derived instead" : `used ${String(fallback)}`
    ctx.note(column, "flag", `${String(input).trim()} is not a yes/no value; ${used}`)
    return fallback
  }
  return f ?? fallback
}

/** A raw row of a legacy `academic_years` table, or one `deriveYears` made from year names. */
export const AcademicYearRow = Schema.Struct({
  year_id: Key,
  year_name: Scalar,
  start_date: Scalar,
  end_date: Scalar,
  is_current: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number, Schema.Boolean))),
  is_enrollment_open: Schema.optional(
    Schema.NullOr(Schema.Union(Schema.String, Schema.Number, Schema.Boolean)),
  ),
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy academic year. */
export type AcademicYearRow = typeof AcademicYearRow.Type

/**
 * Year rows for a source without a years table: one per distinct school year named in `names` (the
 * year columns of invoices, fee structures, assessments, Quran enrolments), keyed by canonical name.
 */
export const deriveYears = (names: Iterable<unknown>): Array<AcademicYearRow> => {
  const found = new Map<string, SchoolYear.YearName>()
  for (const n of names) {
    const year = yearName(n)
    if (year !== undefined) found.set(year.name, year)
  }
  return [...found.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((y) => ({
      year_id: y.name,
      year_name: y.name,
      start_date: null,
      end_date: null,
      created_date: null,
      modified_date: null,
    }))
}

/** Legacy years whose name another, lower-keyed year already has; their rows would share an id. */
export const duplicateYears = (rows: ReadonlyArray<AcademicYearRow>): ReadonlyMap<string, string> => {
  const first = new Map<string, string>()
  const duplicates = new Map<string, string>()
  const keyed = rows.map((r) => ({ key: String(r.year_id).trim(), year: yearName(r.year_name) }))
  keyed.sort((a, b) => compareKeys(a.key, b.key))
  for (const { key, year } of keyed) {
    if (year === undefined) continue
    const seen = first.get(year.name)
    if (seen === undefined) first.set(year.name, key)
    else if (seen !== key) duplicates.set(key, seen)
  }
  return duplicates
}

// Numeric keys in number order, then text keys: the lower legacy key keeps a contested name.
const compareKeys = (a: string, b: string): number => {
  const na = /^\d+$/.test(a)
  const nb = /^\d+$/.test(b)
  if (na && nb) return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)
  if (na !== nb) return na ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Options of the academic years mapper. */
export interface YearOptions extends Options {
  /** The month school years start in, 1–12, for dates derived from a name. Default 1 (January). */
  readonly startMonth?: number | undefined
  /** `duplicateYears` over the whole table: those rows are rejected instead of colliding. */
  readonly duplicates?: ReadonlyMap<string, string> | undefined
}

const yearsValues = Table.values(Academic.AcademicYears)

/** Maps one legacy academic year to an `academic.academic_years` row array, or rejects it with every reason. */
export const mapAcademicYear =
  (options: YearOptions) =>
  (row: AcademicYearRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const year = yearName(row.year_name)
    if (year === undefined)
      reasons.push(
        Transform.reason(
          "year_name",
          "academic_year",
          row.year_name === null || String(row.year_name).trim() === ""
            ? "missing"
            : `${String(row.year_name).trim()} is not a school year name like 2024 or 2024/2025`,
        ),
      )
    const holder = options.duplicates?.get(ctx.key)
    if (holder !== undefined && year !== undefined)
      reasons.push(
        Transform.reason(
          "year_name",
          "academic_year_unique",
          `year ${year.name} is already year ${holder}: one name, one year`,
        ),
      )
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    const start = cleanWith(ctx, "start_date", "date", DateInput.clean(row.start_date, day))
    const end = cleanWith(ctx, "end_date", "date", DateInput.clean(row.end_date, day))
    collect(reasons, [start, end])
    const times = timestamps(ctx, row, options)
    if (year === undefined || !start.ok || !end.ok || reasons.length > 0) return Transform.reject(...reasons)
    const derived = yearDates(year, options.startMonth)
    if (start.value === null) ctx.note("start_date", "date", `no start date: ${derived.start}, from the name`)
    if (end.value === null) ctx.note("end_date", "date", `no end date: ${derived.end}, from the name`)
    const startDate = start.value ?? derived.start
    const endDate = end.value ?? derived.end
    // ISO dates compare correctly as strings.
    if (endDate < startDate)
      return Transform.reject(
        Transform.reason("end_date", "date_order", `ends ${endDate}, before it starts ${startDate}`),
      )
    const name = String(row.year_name).trim()
    if (name !== year.name) ctx.note("year_name", "academic_year", `${name} stored as ${year.name}`)
    const current = flagOr(ctx, "is_current", row.is_current, null)
    const id = yearId(ctx, year)
    // The id comes from the name, not the key: the id map records it for look-ups by legacy key.
    if (ctx.key !== year.name) ctx.map(ctx.tenant, ctx.key, id)
    return yearsValues({
      id,
      tenant_id: options.tenant,
      name: year.name,
      code: `AY${year.startYear}`,
      start_date: startDate,
      end_date: endDate,
      is_current: current ?? (startDate <= options.asOf && options.asOf <= endDate),
      is_enrollment_open: flagOr(ctx, "is_enrollment_open", row.is_enrollment_open, false) ?? false,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy academic years entity. Ids come from the canonical year name, so keys may be any text. */
export const academicYears = (options: YearOptions): Entity.Entity<AcademicYearRow> => ({
  name: academicYearsEntity,
  target: Academic.AcademicYears.target,
  transform: Transform.fromRow(mapAcademicYear(options)),
  ids: "hashed",
})

/** A raw row of a legacy `assessments` table: one exam, test or piece of coursework of a class. */
export const AssessmentRow = Schema.Struct({
  assessment_id: Key,
  class_id: Schema.NullOr(Key),
  /** The school year by name, e.g. `2024` or `2024/2025`. */
  academic_year: Scalar,
  name: Scalar,
  category: Scalar,
  term: Scalar,
  max_score: Scalar,
  weight: Scalar,
  assessment_date: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy assessment. */
export type AssessmentRow = typeof AssessmentRow.Type

/** The score an assessment is out of when the legacy row leaves it empty. */
export const defaultMaxScore = "100.00"

/** Bounds of a decimal column: places after the point, and the accepted range. */
interface DecimalRange {
  readonly scale: number
  readonly min: number
  readonly max: number
  /** The minimum itself is refused (a maximum score of 0). */
  readonly minOpen?: boolean
}

/**
 * An exact decimal with `scale` places (more are rounded half up: the cleanser's Corrected) between
 * the bounds; empty is null. A trailing `%` is dropped: legacy marks are often typed as `85%`.
 */
export const readDecimal = (
  input: unknown,
  range: DecimalRange,
): { readonly cleaned: Cleaned.Cleaned<string | null>; readonly outOfRange?: string } => {
  const text = typeof input === "string" ? input.trim().replace(/%$/u, "") : input
  let cleaned = Money.clean(text, { scale: range.scale, rounding: "halfUp" })
  // Writing 85 as 85.00 is no repair worth a note; rounding is.
  if (cleaned._tag === "Corrected" && cleaned.changes.every((c) => c.startsWith("wrote as a decimal")))
    cleaned = { _tag: "Valid", value: cleaned.value }
  if (cleaned._tag === "Invalid" || cleaned.value === null) return { cleaned }
  const n = Number(cleaned.value)
  if (n < range.min || (range.minOpen === true && n === range.min) || n > range.max)
    return {
      cleaned,
      outOfRange: `${cleaned.value} is not ${range.minOpen === true ? "above" : "at least"} ${range.min} and at most ${range.max}`,
    }
  return { cleaned }
}

const decimal = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  range: DecimalRange,
): Step<string | null> => {
  const read = readDecimal(input, range)
  const step = cleanWith(ctx, column, "decimal", read.cleaned)
  if (!step.ok) return step
  if (read.outOfRange !== undefined)
    return { ok: false, reason: Transform.reason(column, "decimal_range", read.outOfRange) }
  return step
}

const maxRange: DecimalRange = { scale: 2, min: 0, minOpen: true, max: 99_999_999.99 }
const maxScore = (ctx: Transform.RowContext, input: unknown) => decimal(ctx, "max_score", input, maxRange)

const assessmentsValues = Table.values(Academic.Assessments)

/** Maps one legacy assessment to an `academic.assessments` row array, or rejects it with every reason. */
export const mapAssessment =
  (options: Options) =>
  (row: AssessmentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const name = cleanWith(ctx, "name", "text", Text.clean(row.name, { required: true }))
    const klass = reference(ctx, "class_id", row.class_id, classesEntity, false)
    const max = maxScore(ctx, row.max_score)
    const weight = decimal(ctx, "weight", row.weight, { scale: 3, min: 0, max: 999.999 })
    const date = cleanWith(
      ctx,
      "assessment_date",
      "date",
      DateInput.clean(row.assessment_date, { today: options.asOf, timeZone: options.timeZone }),
    )
    collect(reasons, [name, klass, max, weight, date])
    const times = timestamps(ctx, row, options)
    if (
      !name.ok ||
      !klass.ok ||
      !max.ok ||
      !weight.ok ||
      !date.ok ||
      name.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    if (max.value === null) ctx.note("max_score", "decimal", `no maximum score: out of ${defaultMaxScore}`)
    return assessmentsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      academic_year_id: yearReference(ctx, "academic_year", row.academic_year),
      class_id: klass.value,
      name: name.value,
      category: cleanOrNull(ctx, "category", "text", Text.clean(row.category)),
      term: cleanOrNull(ctx, "term", "text", Text.clean(row.term)),
      max_score: max.value ?? defaultMaxScore,
      weight: weight.value,
      assessed_on: date.value,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy assessments entity; loads after the classes and years it points at. */
export const assessments = (options: Options): Entity.Entity<AssessmentRow> => ({
  name: assessmentsEntity,
  target: Academic.Assessments.target,
  transform: Transform.fromRow(mapAssessment(options)),
  ids: "ordered",
  dependsOn: [classesEntity, academicYearsEntity],
})

/** The maximum score of each legacy assessment key whose maximum is readable (empty means 100). */
export type AssessmentIndex = ReadonlyMap<string, number>

/** Indexes the assessments table (small: one row per exam per class) for the grades mapper. Pure. */
export const indexAssessments = (rows: ReadonlyArray<AssessmentRow>): AssessmentIndex => {
  const index = new Map<string, number>()
  for (const row of rows) {
    const max = readDecimal(row.max_score, maxRange)
    if (max.cleaned._tag !== "Invalid" && max.outOfRange === undefined)
      index.set(String(row.assessment_id).trim(), Number(max.cleaned.value ?? defaultMaxScore))
  }
  return index
}

/** A raw row of a legacy `grades` table: one student's mark in one assessment. */
export const GradeRow = Schema.Struct({
  grade_id: Key,
  assessment_id: Schema.NullOr(Key),
  student_id: Schema.NullOr(Key),
  score: Scalar,
  /** A letter or band (`A+`, `B`, `Cemerlang`), kept as written. */
  grade: Scalar,
  remarks: Scalar,
  /** The legacy `user_id` of whoever marked it. */
  graded_by: Schema.NullOr(Key),
  graded_date: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy grade. */
export type GradeRow = typeof GradeRow.Type

/** Options of the grades mapper. */
export interface GradeOptions extends Options {
  /** `indexAssessments` over the whole assessments table: each result's maximum, for its percentage. */
  readonly assessments: AssessmentIndex
}

const resultsValues = Table.values(Academic.AssessmentResults)

/** Maps one legacy grade to an `academic.assessment_results` row array, or rejects or skips it. */
export const mapGrade =
  (options: GradeOptions) =>
  (row: GradeRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const assessment = reference(ctx, "assessment_id", row.assessment_id, assessmentsEntity, true)
    const student = reference(ctx, "student_id", row.student_id, studentsEntity, true)
    const marker = reference(ctx, "graded_by", row.graded_by, usersEntity, false)
    const score = decimal(ctx, "score", row.score, { scale: 2, min: 0, max: 99_999_999.99 })
    const graded = cleanOrNull(
      ctx,
      "graded_date",
      "timestamp",
      DateInput.clean(row.graded_date, {
        kind: "dateTime",
        today: options.asOf,
        timeZone: options.timeZone,
        notFuture: true,
      }),
    )
    collect(reasons, [assessment, student, marker, score])
    const max = assessment.ok ? options.assessments.get(String(row.assessment_id).trim()) : undefined
    if (assessment.ok && max === undefined)
      reasons.push(
        Transform.reason(
          "assessment_id",
          "reference",
          `assessment ${String(row.assessment_id).trim()} is not in the assessments table or has no usable maximum`,
        ),
      )
    if (score.ok && score.value !== null && max !== undefined && Number(score.value) > max)
      reasons.push(
        Transform.reason("score", "score_range", `${score.value} is above the assessment's maximum ${max}`),
      )
    const letter = cleanWith(ctx, "grade", "text", Text.clean(row.grade, { maxLength: 20 }))
    if (!letter.ok) reasons.push(letter.reason)
    const times = timestamps(ctx, row, options)
    if (
      !assessment.ok ||
      !student.ok ||
      !marker.ok ||
      !score.ok ||
      !letter.ok ||
      assessment.value === null ||
      student.value === null ||
      max === undefined ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    if (score.value === null && letter.value === null)
      return Transform.skip("no score and no grade: the student was not marked")
    return resultsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      assessment_id: assessment.value,
      student_id: student.value,
      score: score.value,
      percentage: score.value === null ? null : ((Number(score.value) / max) * 100).toFixed(2),
      grade: letter.value,
      feedback: cleanOrNull(ctx, "remarks", "text", Text.clean(row.remarks, { multiline: true })),
      graded_by: marker.value,
      graded_at: graded,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy grades entity; loads after the assessments, students and users it points at. */
export const grades = (options: GradeOptions): Entity.Entity<GradeRow> => ({
  name: gradesEntity,
  target: Academic.AssessmentResults.target,
  transform: Transform.fromRow(mapGrade(options)),
  ids: "ordered",
  dependsOn: [assessmentsEntity, studentsEntity, usersEntity],
})
