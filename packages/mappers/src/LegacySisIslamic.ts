/**
 * The generic legacy SIS's Quran programmes and the students enrolled in them (seed 001 §6.2.1
 * `008_migrate_quran_programs`, §6.3.3, §4.2 `gibbonQuranProgram`/`gibbonQuranEnrollment` for the
 * columns) into `islamic.quran_programs` and `islamic.quran_enrollments`. The enrolments' ids are the
 * ones `LegacySis.quranProgress` already points at.
 */

import { CodeMap, DateInput, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Islamic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import { cleanOrDefault } from "./Field.js"
import {
  cleanOrNull,
  cleanWith,
  collect,
  Key,
  type Options,
  quranEnrollmentsEntity,
  reference,
  Scalar,
  type Step,
  studentsEntity,
  teachersEntity,
  timestamps,
} from "./LegacySis.js"
import { academicYearsEntity, flag, yearReference } from "./LegacySisAcademic.js"
import * as Quran from "./Quran.js"

/** A raw row of a legacy `quran_programs` table. */
export const QuranProgramRow = Schema.Struct({
  program_id: Key,
  program_code: Scalar,
  program_name: Scalar,
  program_type: Scalar,
  description: Scalar,
  /** Juz numbers as text: `30`, `1-30`, `1,2,3`, `[29, 30]`. */
  target_juz: Scalar,
  /** Surah numbers, written the same ways. */
  target_surahs: Scalar,
  duration_months: Scalar,
  prerequisites: Scalar,
  is_active: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number, Schema.Boolean))),
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy Quran programme. */
export type QuranProgramRow = typeof QuranProgramRow.Type

/** A raw row of a legacy `quran_enrollments` table (the rows `quran_progress.enrollment_id` names). */
export const QuranEnrollmentRow = Schema.Struct({
  enrollment_id: Key,
  student_id: Schema.NullOr(Key),
  program_id: Schema.NullOr(Key),
  /** The school year by name, e.g. `2024` or `2024/2025`. */
  academic_year: Scalar,
  /** The legacy `teacher_id` of the ustaz or ustazah. */
  teacher_id: Schema.NullOr(Key),
  enrollment_date: Scalar,
  status: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy Quran enrolment. */
export type QuranEnrollmentRow = typeof QuranEnrollmentRow.Type

/** Entity name of the Quran programmes flow. */
export const quranProgramsEntity = "legacy-sis.quran_programs"
/** Entity name of the Quran enrolments flow (the same name `LegacySis.quranProgress` points at). */
export { quranEnrollmentsEntity }

/** A portal programme type (`islamic.quran_programs.program_type`). */
export type ProgramType = "hifz_full" | "hifz_partial" | "tilawah" | "tajweed"

/** Programme types: the portal's four (seed §4.2 `programType`) with the names schools use. */
export const programTypeTable: CodeMap.Table<ProgramType> = {
  hifz_full: ["hifz", "full hifz", "hifz full", "tahfiz", "hafazan", "30 juz", "HF"],
  hifz_partial: ["partial", "hifz partial", "partial hifz", "juz amma", "HP"],
  tilawah: ["tilawah", "tilawa", "recitation", "iqra", "TL"],
  tajweed: ["tajweed", "tajwid", "TJ"],
}

/** Cleanser for programme types. */
export const programType = CodeMap.make(programTypeTable, { name: "Quran programme type" })

/** A portal Quran enrolment status (`islamic.quran_enrollments.status`). */
export type EnrollmentStatus = "active" | "completed" | "withdrawn"

/** Enrolment statuses (seed §4.2 `status`) with the legacy spellings. */
export const enrollmentStatusTable: CodeMap.Table<EnrollmentStatus> = {
  active: ["A", "active", "ongoing", "enrolled", "1", "aktif", "sedang belajar"],
  completed: ["C", "completed", "done", "graduated", "khatam", "tamat", "selesai"],
  withdrawn: ["W", "withdrawn", "dropped", "left", "inactive", "0", "berhenti", "tidak aktif", "tarik diri"],
}

/** Cleanser for Quran enrolment statuses. */
export const enrollmentStatus = CodeMap.make(enrollmentStatusTable, { name: "Quran enrolment status" })

/**
 * A list of whole numbers in `1..max`, written as `30`, `1-30`, `1, 2, 5-7` or a JSON array; sorted,
 * without repeats. Empty is null.
 */
export const numberList = (
  input: unknown,
  max: number,
):
  | { readonly ok: true; readonly value: ReadonlyArray<number> | null }
  | { readonly ok: false; readonly message: string } => {
  if (input === null || input === undefined) return { ok: true, value: null }
  const text = String(input)
    .trim()
    .replace(/^\[(.*)\]$/su, "$1")
  if (text === "") return { ok: true, value: null }
  const found = new Set<number>()
  for (const part of text.split(/[,;\s]+/u).filter((p) => p !== "")) {
    const m = /^(\d+)(?:[-–](\d+))?$/u.exec(part)
    if (m === null) return { ok: false, message: `${part} is not a number or a range` }
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (from < 1 || to > max || to < from) return { ok: false, message: `${part} is not within 1–${max}` }
    for (let n = from; n <= to; n++) found.add(n)
  }
  return { ok: true, value: [...found].sort((a, b) => a - b) }
}

const list = (column: string, input: unknown, max: number): Step<ReadonlyArray<number> | null> => {
  const read = numberList(input, max)
  return read.ok ? read : { ok: false, reason: Transform.reason(column, "number_list", read.message) }
}

const months = (input: unknown): Step<number | null> => {
  if (input === null || input === undefined || String(input).trim() === "") return { ok: true, value: null }
  const text = String(input).trim()
  const n = typeof input === "number" ? input : /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(n) || n < 1 || n > 600)
    return {
      ok: false,
      reason: Transform.reason("duration_months", "integer", `${text} is not a whole number of months 1–600`),
    }
  return { ok: true, value: n }
}

const programsValues = Table.values(Islamic.QuranPrograms)

/** Maps one legacy Quran programme to an `islamic.quran_programs` row array, or rejects it with every reason. */
export const mapQuranProgram =
  (options: Options) =>
  (row: QuranProgramRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const name = cleanWith(ctx, "program_name", "text", Text.clean(row.program_name, { required: true }))
    const code = cleanWith(ctx, "program_code", "text", Text.clean(row.program_code))
    const type = cleanWith(
      ctx,
      "program_type",
      "program_type",
      programType.clean(row.program_type, { required: true }),
    )
    const juz = list("target_juz", row.target_juz, Quran.juzCount)
    const surahs = list("target_surahs", row.target_surahs, 114)
    const duration = months(row.duration_months)
    collect(reasons, [name, code, type, juz, surahs, duration])
    const times = timestamps(ctx, row, options)
    if (
      !name.ok ||
      !code.ok ||
      !type.ok ||
      !juz.ok ||
      !surahs.ok ||
      !duration.ok ||
      name.value === null ||
      type.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    // The portal needs a code (unique per tenant); the legacy key is unique, so a code built on it is.
    let programCode = code.value
    if (programCode === null) {
      programCode = `QP-${ctx.key}`
      ctx.note("program_code", "text", `no programme code: ${programCode}, from the legacy key`)
    }
    let active = flag(row.is_active)
    if (active === undefined) {
      ctx.note("is_active", "flag", `${String(row.is_active).trim()} is not a yes/no value; kept active`)
      active = true
    }
    return programsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      code: programCode,
      name: name.value,
      program_type: type.value,
      description: cleanOrNull(ctx, "description", "text", Text.clean(row.description, { multiline: true })),
      target_juz: juz.value,
      target_surahs: surahs.value,
      duration_months: duration.value,
      prerequisites: cleanOrNull(
        ctx,
        "prerequisites",
        "text",
        Text.clean(row.prerequisites, { multiline: true }),
      ),
      is_active: active ?? true,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy Quran programmes entity. */
export const quranPrograms = (options: Options): Entity.Entity<QuranProgramRow> => ({
  name: quranProgramsEntity,
  target: Islamic.QuranPrograms.target,
  transform: Transform.fromRow(mapQuranProgram(options)),
  ids: "ordered",
})

const enrollmentsValues = Table.values(Islamic.QuranEnrollments)

/** Maps one legacy Quran enrolment to an `islamic.quran_enrollments` row array, or rejects it with every reason. */
export const mapQuranEnrollment =
  (options: Options) =>
  (row: QuranEnrollmentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const student = reference(ctx, "student_id", row.student_id, studentsEntity, true)
    const program = reference(ctx, "program_id", row.program_id, quranProgramsEntity, true)
    const teacher = reference(ctx, "teacher_id", row.teacher_id, teachersEntity, false)
    const date = cleanWith(
      ctx,
      "enrollment_date",
      "date",
      DateInput.clean(row.enrollment_date, {
        today: options.asOf,
        timeZone: options.timeZone,
        required: true,
      }),
    )
    const status = cleanOrDefault(
      ctx,
      "status",
      "quran_enrollment_status",
      enrollmentStatus.clean(row.status),
      "active",
    )
    collect(reasons, [student, program, teacher, date])
    const times = timestamps(ctx, row, options)
    if (
      !student.ok ||
      !program.ok ||
      !teacher.ok ||
      !date.ok ||
      student.value === null ||
      program.value === null ||
      date.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    return enrollmentsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      student_id: student.value,
      program_id: program.value,
      academic_year_id: yearReference(ctx, "academic_year", row.academic_year),
      teacher_id: teacher.value,
      enrollment_date: date.value,
      status,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy Quran enrolments entity; loads after the students, programmes, teachers and years it links. */
export const quranEnrollments = (options: Options): Entity.Entity<QuranEnrollmentRow> => ({
  name: quranEnrollmentsEntity,
  target: Islamic.QuranEnrollments.target,
  transform: Transform.fromRow(mapQuranEnrollment(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, quranProgramsEntity, teachersEntity, academicYearsEntity],
})
