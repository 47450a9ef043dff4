/**
 * Gibbon attendance (`gibbonAttendanceLogPerson`) into `academic.attendance`: one portal row per
 * student per day. Gibbon appends a log each time attendance is taken (form group, class, person,
 * future), and reads a day as its latest log; the portal keeps that one. Which log is the latest is
 * decided over the whole table before the run (`latestLogs`), so the answer does not depend on how
 * the engine cuts the table into batches; every other log of the day is skipped, naming the winner.
 */

import { CodeMap, DateInput } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import type * as CodeTables from "./CodeTables.js"
import { blank, normalizeId, type Options, studentsEntity, usersEntity } from "./Gibbon.js"
import { classesEntity, type FormGroupNames, formGroupColumns, formGroupIdOf } from "./GibbonAcademic.js"

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

/** Entity name of the attendance flow. */
export const attendanceEntity = "gibbon.attendance"

/** A raw `gibbonAttendanceLogPerson` row (v22+). */
export const AttendanceLogRow = Schema.Struct({
  gibbonAttendanceLogPersonID: Key,
  gibbonAttendanceCodeID: Scalar,
  gibbonPersonID: Scalar,
  /** `enum('Form Group','Class','Person','Future','Self Registration')`. */
  context: Scalar,
  /** `enum('In','Out')`. */
  direction: Scalar,
  /** The attendance code's name at the time: `Present`, `Absent`, `Left - Early`, ... */
  type: Scalar,
  reason: Scalar,
  comment: Scalar,
  date: Scalar,
  gibbonCourseClassID: Scalar,
  gibbonFormGroupID: Scalar,
  timestampTaken: Scalar,
  gibbonPersonIDTaker: Scalar,
})
/** A raw Gibbon attendance log (v22+). */
export type AttendanceLogRow = typeof AttendanceLogRow.Type

/** A raw `gibbonAttendanceLogPerson` row before v22 (`gibbonRollGroupID`, context `Roll Group`). */
export const PreV22AttendanceLogRow = Schema.Struct({
  gibbonAttendanceLogPersonID: Key,
  gibbonAttendanceCodeID: Scalar,
  gibbonPersonID: Scalar,
  context: Scalar,
  direction: Scalar,
  type: Scalar,
  reason: Scalar,
  comment: Scalar,
  date: Scalar,
  gibbonCourseClassID: Scalar,
  gibbonRollGroupID: Scalar,
  timestampTaken: Scalar,
  gibbonPersonIDTaker: Scalar,
})
/** A raw Gibbon attendance log (before v22). */
export type PreV22AttendanceLogRow = typeof PreV22AttendanceLogRow.Type

/** A log under either naming. */
export type AnyAttendanceLogRow = AttendanceLogRow | PreV22AttendanceLogRow

/**
 * Gibbon attendance types (`gibbonAttendanceCode.name`, copied into each log's `type`) →
 * `academic.attendance_status`. The six core codes come with every install; the others are
 * spellings schools commonly add as "Additional" codes. `Left` and `Left - Early` are direction
 * Out, which Gibbon's own reports count as not present, so they read as absent.
 */
export const attendanceTypeTable: CodeMap.Table<CodeTables.AttendanceStatus> = {
  present: ["Present", "Present - Offsite"],
  late: ["Present - Late"],
  absent: ["Absent", "Left", "Left - Early"],
  excused: ["Absent - Excused", "Excused"],
  sick: ["Absent - Sick", "Sick", "Medical"],
  holiday: ["Holiday", "School Closure"],
}

/** Cleanser for Gibbon attendance types. */
export const attendanceType = CodeMap.make(attendanceTypeTable, { name: "Gibbon attendance type" })

/** Types the portal status alone does not tell apart; the type is kept at the head of `remarks`. */
export const typesKeptInRemarks: ReadonlyArray<string> = ["Present - Offsite", "Left", "Left - Early"]

/** A raw `gibbonAttendanceCode` row: the code names a log's blank `type` is read from. */
export const AttendanceCodeRow = Schema.Struct({ gibbonAttendanceCodeID: Key, name: Scalar })
/** A raw Gibbon attendance code. */
export type AttendanceCodeRow = typeof AttendanceCodeRow.Type

/** Attendance code names by normalized `gibbonAttendanceCodeID`. */
export type AttendanceCodeIndex = ReadonlyMap<string, string>

/** Indexes `gibbonAttendanceCode` rows by id; rows with no id or no name are left out. */
export const indexAttendanceCodes = (rows: Iterable<AttendanceCodeRow>): AttendanceCodeIndex => {
  const index = new Map<string, string>()
  for (const row of rows) {
    const id = normalizeId(row.gibbonAttendanceCodeID)
    const name = blank(row.name)
    if (id !== undefined && name !== null) index.set(id, name)
  }
  return index
}

/** The columns `latestLogs` reads: a narrow query over the log table is enough. */
export type LogOrderRow = Pick<
  AttendanceLogRow,
  "gibbonAttendanceLogPersonID" | "gibbonPersonID" | "date" | "timestampTaken"
>

/** The winning log id of each person-day, keyed by `personDay`. */
export type LatestLogs = ReadonlyMap<string, string>

/** The key of a person-day in `LatestLogs`: normalized person id and ISO date. */
export const personDay = (person: string, date: string): string => `${person}|${date}`

// Numeric ids without leading zeros compare by length, then as text.
const compareIds = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0

const dayOf = (input: unknown, options: Pick<Options, "asOf" | "timeZone">): string | null => {
  const cleaned = DateInput.clean(blank(input), { today: options.asOf, timeZone: options.timeZone })
  return cleaned._tag === "Invalid" ? null : cleaned.value
}

// MySQL timestamps come as `YYYY-MM-DD HH:MM:SS` text, which sorts as it reads; none sorts first.
const takenAt = (input: unknown): string => blank(input) ?? ""

/**
 * The latest log of every person-day, as Gibbon reads a day: the greatest `timestampTaken`, and on
 * a tie (or no timestamp) the greatest id. Rows with no id, no person or no readable date have no
 * person-day and are left out (the mapper rejects them). One entry per person-day: build it once
 * over the whole table, from a generator if it is large.
 */
export const latestLogs = (
  rows: Iterable<LogOrderRow>,
  options: Pick<Options, "asOf" | "timeZone">,
): LatestLogs => {
  const best = new Map<string, { id: string; at: string }>()
  for (const row of rows) {
    const id = normalizeId(row.gibbonAttendanceLogPersonID)
    const person = normalizeId(row.gibbonPersonID)
    const date = dayOf(row.date, options)
    if (id === undefined || person === undefined || date === null) continue
    const key = personDay(person, date)
    const at = takenAt(row.timestampTaken)
    const current = best.get(key)
    if (current === undefined || at > current.at || (at === current.at && compareIds(id, current.id) > 0))
      best.set(key, { id, at })
  }
  return new Map([...best].map(([key, v]) => [key, v.id]))
}

/** Options of the attendance mapper. */
export interface AttendanceOptions extends Options {
  /** Default "v22". */
  readonly formGroupNames?: FormGroupNames | undefined
  /** From `latestLogs` over the same table. */
  readonly latest: LatestLogs
  /** Code names for logs whose `type` is blank. */
  readonly codes?: AttendanceCodeIndex | undefined
  /** A school's own type table; default `attendanceType`. */
  readonly types?: CodeMap.CodeMap<CodeTables.AttendanceStatus> | undefined
  /** Person ids the students flow loads. Given, a log of anyone else is rejected. */
  readonly students?: ReadonlySet<string> | undefined
  /** Form-group ids the classes flow loads. Given, a log naming another is loaded without a class (noted). */
  readonly classes?: ReadonlySet<string> | undefined
  /** Person ids the users flow loads. Given, a taker outside it is not linked (noted). */
  readonly users?: ReadonlySet<string> | undefined
}

const attendanceValues = Table.values(Academic.Attendance)

/**
 * Maps one `gibbonAttendanceLogPerson` to an `academic.attendance` row array when it is the latest
 * log of its person-day; an earlier log is skipped naming the winner; a log that cannot be placed
 * on a person-day, is dated after `asOf`, or has a type the table does not know is rejected.
 */
export const mapAttendanceLog =
  (options: AttendanceOptions) =>
  (row: AnyAttendanceLogRow, ctx: Transform.RowContext): Transform.Outcome => {
    const names = options.formGroupNames ?? "v22"
    const reasons: Array<Transform.Reason> = []
    const key = normalizeId(row.gibbonAttendanceLogPersonID)
    if (key === undefined)
      reasons.push(
        Transform.reason(
          "gibbonAttendanceLogPersonID",
          "gibbon_id",
          `no log id (${String(row.gibbonAttendanceLogPersonID)})`,
        ),
      )
    const person = normalizeId(row.gibbonPersonID)
    if (person === undefined)
      reasons.push(
        Transform.reason("gibbonPersonID", "gibbon_id", `no student id (${String(row.gibbonPersonID)})`),
      )
    else if (options.students !== undefined && !options.students.has(person))
      reasons.push(
        Transform.reason("gibbonPersonID", "student_link", `person ${person} is not a migrated student`),
      )
    // A log for a day that has not come is a plan (Gibbon's future absences), not attendance.
    const date = DateInput.clean(blank(row.date), {
      today: options.asOf,
      timeZone: options.timeZone,
      notFuture: true,
      required: true,
    })
    if (date._tag === "Invalid") reasons.push(Transform.reason("date", "date", date.reason))

    // Supersession first: an earlier log of the day is not loaded whatever else is wrong with it.
    if (key !== undefined && person !== undefined && date._tag !== "Invalid" && date.value !== null) {
      const winner = options.latest.get(personDay(person, date.value))
      if (winner === undefined)
        reasons.push(
          Transform.reason(
            "gibbonAttendanceLogPersonID",
            "latest_log",
            `person ${person} on ${date.value} is not in the latest-log index: build it from the same table`,
          ),
        )
      else if (winner !== key)
        return Transform.skip(
          `superseded by log ${winner}, the latest log of person ${person} on ${date.value} (Gibbon reads the last one taken)`,
        )
    }

    const code = normalizeId(row.gibbonAttendanceCodeID)
    const typeText = blank(row.type) ?? (code === undefined ? null : (options.codes?.get(code) ?? null))
    const types = options.types ?? attendanceType
    const status = typeText === null ? undefined : types.lookup(typeText)
    if (typeText === null) reasons.push(Transform.reason("type", "attendance_status", "no attendance type"))
    else if (status === undefined)
      reasons.push(
        Transform.reason("type", "attendance_status", `unknown Gibbon attendance type "${typeText}"`),
      )

    if (
      reasons.length > 0 ||
      key === undefined ||
      person === undefined ||
      status === undefined ||
      date._tag === "Invalid" ||
      date.value === null
    )
      return Transform.reject(...reasons)
    if (date._tag === "Corrected") ctx.note("date", "date", date.changes.join("; "))

    let klass: string | null = null
    const group = normalizeId(formGroupIdOf(row, names))
    if (group !== undefined) {
      if (options.classes !== undefined && !options.classes.has(group))
        ctx.note(
          formGroupColumns(names).id,
          "class_link",
          `form group ${group} is not a migrated class: no class`,
        )
      else klass = ctx.id(ctx.tenant, group, classesEntity)
    }

    let recorder: string | null = null
    const taker = normalizeId(row.gibbonPersonIDTaker)
    if (taker !== undefined) {
      if (options.users !== undefined && !options.users.has(taker))
        ctx.note("gibbonPersonIDTaker", "user_link", `taker ${taker} is not a migrated user: not linked`)
      else recorder = ctx.id(ctx.tenant, taker, usersEntity)
    }

    const remarks = [
      typesKeptInRemarks.some((t) => CodeMap.normalizeKey(t) === CodeMap.normalizeKey(typeText!))
        ? `Gibbon: ${typeText}`
        : null,
      blank(row.reason) === null ? null : `reason: ${blank(row.reason)}`,
      blank(row.comment),
    ].filter((part): part is string => part !== null)

    return attendanceValues({
      id: ctx.id(ctx.tenant, key),
      tenant_id: options.tenant,
      student_id: ctx.id(ctx.tenant, person, studentsEntity),
      class_id: klass,
      attendance_date: date.value,
      status: status.code,
      remarks: remarks.length === 0 ? null : remarks.join("; "),
      recorded_by: recorder,
      legacy_source: ctx.entity,
      legacy_id: key,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon attendance entity; loads after the students, classes and users it points at. */
export const attendance = (options: AttendanceOptions): Entity.Entity<AnyAttendanceLogRow> => ({
  name: attendanceEntity,
  target: Academic.Attendance.target,
  transform: Transform.fromRow(mapAttendanceLog(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, classesEntity, usersEntity],
})
