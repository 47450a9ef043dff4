/**
 * Gibbon's academic structure (GibbonEdu/core `gibbon.sql`, v22+ names) into the portal: school
 * years become `academic.academic_years`, form groups (roll groups before v22) become
 * `academic.classes` with the grade level of their year group, and student enrolments become
 * `academic.enrollments`. Look-ups across tables (years, year groups, the year groups of each form
 * group) are pure indexes built before the run, so every batch sees the same facts.
 */

import { type Cleaned, CodeMap, DateInput } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import type * as CodeTables from "./CodeTables.js"
import { blank, normalizeId, type Options, studentsEntity, teachersEntity } from "./Gibbon.js"

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

/** Entity name of the academic years flow (`gibbonSchoolYear`). */
export const academicYearsEntity = "gibbon.academic_years"
/** Entity name of the classes flow (`gibbonFormGroup`, or `gibbonRollGroup` before v22). */
export const classesEntity = "gibbon.classes"
/** Entity name of the enrollments flow (`gibbonStudentEnrolment`). */
export const enrollmentsEntity = "gibbon.enrollments"

/**
 * Which names the install uses for form groups. Gibbon v22 renamed roll groups to form groups
 * (`gibbonRollGroup` → `gibbonFormGroup`, `gibbonRollGroupID` → `gibbonFormGroupID` in every table)
 * and kept the ids, so classes keep their target ids across the upgrade.
 */
export type FormGroupNames = "v22" | "pre-v22"

/** The form-group table and id column of an install. */
export const formGroupColumns = (
  names: FormGroupNames = "v22",
): { readonly table: string; readonly id: "gibbonFormGroupID" | "gibbonRollGroupID" } =>
  names === "v22"
    ? { table: "gibbonFormGroup", id: "gibbonFormGroupID" }
    : { table: "gibbonRollGroup", id: "gibbonRollGroupID" }

/** The form-group id of a row under the install's names. */
export const formGroupIdOf = (row: object, names: FormGroupNames = "v22"): unknown =>
  (row as Readonly<Record<string, unknown>>)[formGroupColumns(names).id]

type Step<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly reason: Transform.Reason }

const fail = (column: string | null, rule: string, message: string): Step<never> => ({
  ok: false,
  reason: Transform.reason(column, rule, message),
})

const cleanWith = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A>,
): Step<A> => {
  if (cleaned._tag === "Invalid") return fail(column, rule, cleaned.reason)
  if (cleaned._tag === "Corrected") ctx.note(column, rule, cleaned.changes.join("; "))
  return { ok: true, value: cleaned.value }
}

const idStep = (column: string, input: unknown, what: string): Step<string> => {
  const id = normalizeId(input)
  return id === undefined
    ? fail(column, "gibbon_id", `no ${what} id (${String(input)})`)
    : { ok: true, value: id }
}

const reasonsOf = (steps: ReadonlyArray<Step<unknown>>): Array<Transform.Reason> =>
  steps.flatMap((s) => (s.ok ? [] : [s.reason]))

// ---------------------------------------------------------------------------------------------
// School years

/** A raw `gibbonSchoolYear` row. */
export const SchoolYearRow = Schema.Struct({
  gibbonSchoolYearID: Key,
  name: Scalar,
  /** `enum('Past','Current','Upcoming')`. */
  status: Scalar,
  sequenceNumber: Scalar,
  firstDay: Scalar,
  lastDay: Scalar,
})
/** A raw Gibbon school year. */
export type SchoolYearRow = typeof SchoolYearRow.Type

/** A `gibbonSchoolYear.status`. */
export type SchoolYearStatus = "Past" | "Current" | "Upcoming"

/** The school-year statuses; matching ignores case and whitespace, so ` current ` reads as Current. */
export const schoolYearStatusTable: CodeMap.Table<SchoolYearStatus> = { Past: [], Current: [], Upcoming: [] }

/** Cleanser for `gibbonSchoolYear.status`. */
export const schoolYearStatus = CodeMap.make(schoolYearStatusTable, { name: "Gibbon school year status" })

/** What other tables need to know of a school year; a fact that did not clean is null. */
export interface SchoolYearFacts {
  readonly name: string | null
  readonly status: SchoolYearStatus | null
  readonly firstDay: string | null
  readonly lastDay: string | null
  /** True when `mapSchoolYear` loads the year (name, status and both days in order), so rows may point at it. */
  readonly loaded: boolean
}

/** School years by normalized `gibbonSchoolYearID`. */
export type SchoolYearIndex = ReadonlyMap<string, SchoolYearFacts>

/** Indexes `gibbonSchoolYear` rows by id (a small table, read whole before the run); rows with no id are left out. */
export const indexSchoolYears = (
  rows: Iterable<SchoolYearRow>,
  options: Pick<Options, "asOf" | "timeZone">,
): SchoolYearIndex => {
  const index = new Map<string, SchoolYearFacts>()
  const day = { today: options.asOf, timeZone: options.timeZone } as const
  const date = (input: unknown) => {
    const cleaned = DateInput.clean(blank(input), day)
    return cleaned._tag === "Invalid" ? null : cleaned.value
  }
  for (const row of rows) {
    const id = normalizeId(row.gibbonSchoolYearID)
    if (id === undefined) continue
    const status = schoolYearStatus.clean(row.status)
    const facts = {
      name: blank(row.name),
      status: status._tag === "Invalid" ? null : status.value,
      firstDay: date(row.firstDay),
      lastDay: date(row.lastDay),
    }
    const loaded =
      facts.name !== null &&
      facts.status !== null &&
      facts.firstDay !== null &&
      facts.lastDay !== null &&
      facts.lastDay >= facts.firstDay
    index.set(id, { ...facts, loaded })
  }
  return index
}

const academicYearsValues = Table.values(Academic.AcademicYears)

/**
 * Maps one `gibbonSchoolYear` to an `academic.academic_years` row array, or rejects it with every
 * reason: both days are required (the portal's years are date ranges) and must be in order.
 */
export const mapSchoolYear =
  (options: Options) =>
  (row: SchoolYearRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = idStep("gibbonSchoolYearID", row.gibbonSchoolYearID, "school year")
    const nameText = blank(row.name)
    const name: Step<string> =
      nameText === null
        ? fail("name", "required", "the school year has no name")
        : { ok: true, value: nameText }
    const statusCleaned = schoolYearStatus.clean(row.status, { required: true })
    // The table's keys are the codes, so the matcher's own "mapped X to X" would say nothing.
    const status = cleanWith(
      ctx,
      "status",
      "school_year_status",
      statusCleaned._tag === "Corrected"
        ? { ...statusCleaned, changes: [`"${statusCleaned.original}" read as ${statusCleaned.value}`] }
        : statusCleaned,
    )
    const day = { today: options.asOf, timeZone: options.timeZone, required: true } as const
    const first = cleanWith(ctx, "firstDay", "date", DateInput.clean(blank(row.firstDay), day))
    const last = cleanWith(ctx, "lastDay", "date", DateInput.clean(blank(row.lastDay), day))
    const reasons = reasonsOf([key, name, status, first, last])
    // ISO dates compare correctly as strings.
    if (first.ok && last.ok && first.value !== null && last.value !== null && last.value < first.value)
      reasons.push(
        Transform.reason("lastDay", "date_order", `ends ${last.value}, before it starts ${first.value}`),
      )
    if (
      !key.ok ||
      !name.ok ||
      !first.ok ||
      !last.ok ||
      first.value === null ||
      last.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    return academicYearsValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      name: name.value,
      code: null,
      start_date: first.value,
      end_date: last.value,
      is_current: status.ok && status.value === "Current",
      // Gibbon keeps no enrolment window per year.
      is_enrollment_open: false,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon academic years entity. */
export const academicYears = (options: Options): Entity.Entity<SchoolYearRow> => ({
  name: academicYearsEntity,
  target: Academic.AcademicYears.target,
  transform: Transform.fromRow(mapSchoolYear(options)),
  ids: "ordered",
})

// ---------------------------------------------------------------------------------------------
// Year groups

/** A raw `gibbonYearGroup` row. */
export const YearGroupRow = Schema.Struct({
  gibbonYearGroupID: Key,
  name: Scalar,
  nameShort: Scalar,
  sequenceNumber: Scalar,
  /** Head of year: the portal has no place for one. */
  gibbonPersonIDHOY: Scalar,
})
/** A raw Gibbon year group. */
export type YearGroupRow = typeof YearGroupRow.Type

/** The grade level a year group gives its form groups: its name, else its short name. */
export interface YearGroupFacts {
  readonly gradeLevel: string | null
  readonly sequenceNumber: number | null
}

/** Year groups by normalized `gibbonYearGroupID`. */
export type YearGroupIndex = ReadonlyMap<string, YearGroupFacts>

/** Indexes `gibbonYearGroup` rows by id; rows with no id are left out. */
export const indexYearGroups = (rows: Iterable<YearGroupRow>): YearGroupIndex => {
  const index = new Map<string, YearGroupFacts>()
  for (const row of rows) {
    const id = normalizeId(row.gibbonYearGroupID)
    if (id === undefined) continue
    const sequence = Number(blank(row.sequenceNumber))
    index.set(id, {
      gradeLevel: blank(row.name) ?? blank(row.nameShort),
      sequenceNumber: Number.isInteger(sequence) && blank(row.sequenceNumber) !== null ? sequence : null,
    })
  }
  return index
}

// ---------------------------------------------------------------------------------------------
// Enrolment rows (read here by the classes pre-pass and the enrollments mapper)

/** A raw `gibbonStudentEnrolment` row, v22+ names. */
export const StudentEnrolmentRow = Schema.Struct({
  gibbonStudentEnrolmentID: Key,
  gibbonPersonID: Scalar,
  gibbonSchoolYearID: Scalar,
  gibbonYearGroupID: Scalar,
  gibbonFormGroupID: Scalar,
  rollOrder: Scalar,
})
/** A raw Gibbon student enrolment (v22+). */
export type StudentEnrolmentRow = typeof StudentEnrolmentRow.Type

/** A raw `gibbonStudentEnrolment` row of an install before v22. */
export const PreV22StudentEnrolmentRow = Schema.Struct({
  gibbonStudentEnrolmentID: Key,
  gibbonPersonID: Scalar,
  gibbonSchoolYearID: Scalar,
  gibbonYearGroupID: Scalar,
  gibbonRollGroupID: Scalar,
  rollOrder: Scalar,
})
/** A raw Gibbon student enrolment (before v22). */
export type PreV22StudentEnrolmentRow = typeof PreV22StudentEnrolmentRow.Type

/** An enrolment under either naming. */
export type AnyStudentEnrolmentRow = StudentEnrolmentRow | PreV22StudentEnrolmentRow

/** The year groups of each form group, by normalized form-group id, in order of first appearance. */
export type FormGroupYears = ReadonlyMap<string, ReadonlyArray<string>>

/**
 * A form group has no year-group column: its students' enrolments say which year group it serves.
 * Built over the whole enrolment table before the run (a pass over two id columns).
 */
export const formGroupYears = (
  rows: Iterable<AnyStudentEnrolmentRow>,
  names: FormGroupNames = "v22",
): FormGroupYears => {
  const years = new Map<string, Array<string>>()
  for (const row of rows) {
    const group = normalizeId(formGroupIdOf(row, names))
    const year = normalizeId(row.gibbonYearGroupID)
    if (group === undefined || year === undefined) continue
    const list = years.get(group)
    if (list === undefined) years.set(group, [year])
    else if (!list.includes(year)) list.push(year)
  }
  return years
}

// ---------------------------------------------------------------------------------------------
// Form groups → classes

/** A raw `gibbonFormGroup` row (v22+): the columns the classes mapper reads. */
export const FormGroupRow = Schema.Struct({
  gibbonFormGroupID: Key,
  gibbonSchoolYearID: Scalar,
  name: Scalar,
  nameShort: Scalar,
  gibbonPersonIDTutor: Scalar,
  gibbonPersonIDTutor2: Scalar,
  gibbonPersonIDTutor3: Scalar,
  gibbonSpaceID: Scalar,
})
/** A raw Gibbon form group. */
export type FormGroupRow = typeof FormGroupRow.Type

/** A raw `gibbonRollGroup` row (before v22): the same columns under the old id name. */
export const RollGroupRow = Schema.Struct({
  gibbonRollGroupID: Key,
  gibbonSchoolYearID: Scalar,
  name: Scalar,
  nameShort: Scalar,
  gibbonPersonIDTutor: Scalar,
  gibbonPersonIDTutor2: Scalar,
  gibbonPersonIDTutor3: Scalar,
  gibbonSpaceID: Scalar,
})
/** A raw Gibbon roll group (before v22). */
export type RollGroupRow = typeof RollGroupRow.Type

/** The row schema of the form-group table under the install's names. */
export const formGroupRowSchema = (names: FormGroupNames = "v22") =>
  names === "v22" ? FormGroupRow : RollGroupRow

/** Room names by normalized `gibbonSpaceID` (`gibbonSpace.name`). */
export type SpaceIndex = ReadonlyMap<string, string>

/** A raw `gibbonSpace` row: the columns the room look-up reads. */
export const SpaceRow = Schema.Struct({ gibbonSpaceID: Key, name: Scalar })
/** A raw Gibbon space. */
export type SpaceRow = typeof SpaceRow.Type

/** Indexes `gibbonSpace` rows by id; rows with no id or no name are left out. */
export const indexSpaces = (rows: Iterable<SpaceRow>): SpaceIndex => {
  const index = new Map<string, string>()
  for (const row of rows) {
    const id = normalizeId(row.gibbonSpaceID)
    const name = blank(row.name)
    if (id !== undefined && name !== null) index.set(id, name)
  }
  return index
}

/** Options of the classes mapper. */
export interface ClassOptions extends Options {
  /** Default "v22". */
  readonly formGroupNames?: FormGroupNames | undefined
  readonly schoolYears: SchoolYearIndex
  readonly yearGroups: YearGroupIndex
  /** From `formGroupYears` over the enrolment table. */
  readonly formGroupYears: FormGroupYears
  /** Room names; without it `room` stays empty. */
  readonly spaces?: SpaceIndex | undefined
  /**
   * Person ids the teachers flow loads. Given, a tutor outside it is not linked (noted) instead of
   * failing the foreign key at load; without it every tutor is linked.
   */
  readonly teachers?: ReadonlySet<string> | undefined
}

const classesValues = Table.values(Academic.Classes)

/**
 * Maps one form group (or pre-v22 roll group) to an `academic.classes` row array. The first tutor
 * who is a migrated teacher becomes the homeroom teacher; the year group of its enrolments gives
 * the grade level.
 */
export const mapFormGroup =
  (options: ClassOptions) =>
  (row: FormGroupRow | RollGroupRow, ctx: Transform.RowContext): Transform.Outcome => {
    const names = options.formGroupNames ?? "v22"
    const idColumn = formGroupColumns(names).id
    const key = idStep(idColumn, formGroupIdOf(row, names), "form group")
    const short = blank(row.nameShort)
    const nameText = blank(row.name)
    const name: Step<string> =
      nameText !== null
        ? { ok: true, value: nameText }
        : short !== null
          ? { ok: true, value: short }
          : fail("name", "required", "the form group has neither name nor nameShort")
    if (nameText === null && short !== null) ctx.note("name", "required", `no name: nameShort ${short} used`)
    const yearKey = idStep("gibbonSchoolYearID", row.gibbonSchoolYearID, "school year")
    const facts = yearKey.ok ? options.schoolYears.get(yearKey.value) : undefined
    const year: Step<string> = !yearKey.ok
      ? yearKey
      : facts === undefined
        ? fail("gibbonSchoolYearID", "school_year", `school year ${yearKey.value} is not in gibbonSchoolYear`)
        : !facts.loaded
          ? fail(
              "gibbonSchoolYearID",
              "school_year",
              `school year ${yearKey.value} is rejected, so not migrated`,
            )
          : yearKey
    if (!key.ok || !name.ok || !year.ok) return Transform.reject(...reasonsOf([key, name, year]))

    const tutorColumns = ["gibbonPersonIDTutor", "gibbonPersonIDTutor2", "gibbonPersonIDTutor3"] as const
    let homeroom: string | null = null
    const others: Array<string> = []
    for (const column of tutorColumns) {
      const tutor = normalizeId(row[column])
      if (tutor === undefined) continue
      if (options.teachers !== undefined && !options.teachers.has(tutor)) {
        ctx.note(column, "teacher_link", `tutor ${tutor} is not a migrated teacher: not linked`)
        continue
      }
      if (homeroom === null) homeroom = tutor
      else others.push(tutor)
    }
    if (others.length > 0)
      ctx.note(
        "gibbonPersonIDTutor2",
        "teacher_link",
        `co-tutors ${others.join(", ")} not kept: the portal has one homeroom teacher`,
      )

    let gradeLevel: string | null = null
    const years = options.formGroupYears.get(key.value) ?? []
    if (years.length === 1) {
      gradeLevel = options.yearGroups.get(years[0]!)?.gradeLevel ?? null
      if (gradeLevel === null)
        ctx.note("gibbonYearGroupID", "grade_level", `year group ${years[0]} is not in gibbonYearGroup`)
    } else if (years.length > 1)
      ctx.note(
        "gibbonYearGroupID",
        "grade_level",
        `enrolments name several year groups (${years.join(", ")}): grade level left empty`,
      )

    const space = normalizeId(row.gibbonSpaceID)
    let room: string | null = null
    if (space !== undefined && options.spaces !== undefined) {
      room = options.spaces.get(space) ?? null
      if (room === null) ctx.note("gibbonSpaceID", "room", `space ${space} is not in gibbonSpace`)
    }

    return classesValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      academic_year_id: ctx.id(ctx.tenant, year.value, academicYearsEntity),
      code: short,
      name: name.value,
      grade_level: gradeLevel,
      homeroom_teacher_id: homeroom === null ? null : ctx.id(ctx.tenant, homeroom, teachersEntity),
      capacity: null,
      room,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon classes entity (form groups); loads after the years and teachers it points at. */
export const classes = (options: ClassOptions): Entity.Entity<FormGroupRow | RollGroupRow> => ({
  name: classesEntity,
  target: Academic.Classes.target,
  transform: Transform.fromRow(mapFormGroup(options)),
  ids: "ordered",
  dependsOn: [academicYearsEntity, teachersEntity],
})

// ---------------------------------------------------------------------------------------------
// Enrolments → enrollments

/** Options of the enrollments mapper. */
export interface EnrollmentOptions extends Options {
  /** Default "v22". */
  readonly formGroupNames?: FormGroupNames | undefined
  /** Every school year: an enrolment is dated from its year's first day. */
  readonly schoolYears: SchoolYearIndex
  /** Person ids the students flow loads. Given, an enrolment of anyone else is rejected. */
  readonly students?: ReadonlySet<string> | undefined
  /** Form-group ids the classes flow loads. Given, an enrolment in any other is rejected. */
  readonly classes?: ReadonlySet<string> | undefined
}

/** Enrolment status by the status of its school year: a past year's enrolment is over. */
export const enrollmentStatusByYear: Readonly<Record<SchoolYearStatus, CodeTables.EnrollmentStatus>> = {
  Past: "completed",
  Current: "active",
  Upcoming: "active",
}

const enrollmentsValues = Table.values(Academic.Enrollments)

/**
 * Maps one `gibbonStudentEnrolment` to an `academic.enrollments` row array, or rejects it with
 * every reason. Gibbon enrols a student in a form group for a whole school year, so the dates are
 * the year's: it starts on `firstDay` and, once the year is past, ends on `lastDay`.
 */
export const mapEnrolment =
  (options: EnrollmentOptions) =>
  (row: AnyStudentEnrolmentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const names = options.formGroupNames ?? "v22"
    const groupColumn = formGroupColumns(names).id
    const key = idStep("gibbonStudentEnrolmentID", row.gibbonStudentEnrolmentID, "enrolment")
    let person = idStep("gibbonPersonID", row.gibbonPersonID, "student")
    if (person.ok && options.students !== undefined && !options.students.has(person.value))
      person = fail("gibbonPersonID", "student_link", `person ${person.value} is not a migrated student`)
    let group = idStep(groupColumn, formGroupIdOf(row, names), "form group")
    if (group.ok && options.classes !== undefined && !options.classes.has(group.value))
      group = fail(groupColumn, "class_link", `form group ${group.value} is not a migrated class`)
    const yearKey = idStep("gibbonSchoolYearID", row.gibbonSchoolYearID, "school year")
    let year: Step<SchoolYearFacts & { readonly status: SchoolYearStatus; readonly firstDay: string }> =
      yearKey.ok
        ? fail("gibbonSchoolYearID", "school_year", `school year ${yearKey.value} is not in gibbonSchoolYear`)
        : yearKey
    const facts = yearKey.ok ? options.schoolYears.get(yearKey.value) : undefined
    if (facts !== undefined) {
      if (facts.firstDay === null)
        year = fail(
          "gibbonSchoolYearID",
          "enrollment_date",
          `school year ${yearKey.ok ? yearKey.value : ""} has no firstDay to date the enrolment from`,
        )
      else if (facts.status === null)
        year = fail(
          "gibbonSchoolYearID",
          "school_year_status",
          `school year ${yearKey.ok ? yearKey.value : ""} has no valid status`,
        )
      else year = { ok: true, value: { ...facts, status: facts.status, firstDay: facts.firstDay } }
    }
    if (!key.ok || !person.ok || !group.ok || !year.ok)
      return Transform.reject(...reasonsOf([key, person, group, year]))
    const status = enrollmentStatusByYear[year.value.status]
    return enrollmentsValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      student_id: ctx.id(ctx.tenant, person.value, studentsEntity),
      class_id: ctx.id(ctx.tenant, group.value, classesEntity),
      enrollment_date: year.value.firstDay,
      end_date: status === "completed" ? year.value.lastDay : null,
      status,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon enrollments entity; loads after the students and classes it links. */
export const enrollments = (options: EnrollmentOptions): Entity.Entity<AnyStudentEnrolmentRow> => ({
  name: enrollmentsEntity,
  target: Academic.Enrollments.target,
  transform: Transform.fromRow(mapEnrolment(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, classesEntity],
})
