import { type Entity, TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as GibbonAcademic from "../src/GibbonAcademic.js"
import * as GibbonAttendance from "../src/GibbonAttendance.js"
import { loadMysqlFixture, type MysqlFixture, type TableRead } from "./fixtures/MysqlFixture.js"

// The academic fixture alone: its people (staff 1-4, students 101-110; 199 is nobody) are the
// people fixture's, given here as the sets the users, teachers and students entities load.
const staff: ReadonlySet<string> = new Set(["1", "2", "3", "4"])
const students: ReadonlySet<string> = new Set(Array.from({ length: 10 }, (_, i) => String(101 + i)))

const base = { tenant: "SA01", asOf: "2025-06-30", loadedAt: "2025-06-30T00:00:00.000Z" } as const

let fixture: MysqlFixture
let years: TableRead<GibbonAcademic.SchoolYearRow>
let yearGroups: TableRead<GibbonAcademic.YearGroupRow>
let spaces: TableRead<GibbonAcademic.SpaceRow>
let formGroups: TableRead<GibbonAcademic.FormGroupRow>
let enrolments: TableRead<GibbonAcademic.StudentEnrolmentRow>
let codes: TableRead<GibbonAttendance.AttendanceCodeRow>
let logs: TableRead<GibbonAttendance.AttendanceLogRow>

beforeAll(async () => {
  fixture = await loadMysqlFixture(["gibbon/10-academic.sql"], "gibbon_academic")
  years = await fixture.read({ table: "gibbonSchoolYear", key: "gibbonSchoolYearID" })
  yearGroups = await fixture.read({ table: "gibbonYearGroup", key: "gibbonYearGroupID" })
  spaces = await fixture.read({ table: "gibbonSpace", key: "gibbonSpaceID" })
  formGroups = await fixture.read({ table: "gibbonFormGroup", key: "gibbonFormGroupID" })
  enrolments = await fixture.read({ table: "gibbonStudentEnrolment", key: "gibbonStudentEnrolmentID" })
  codes = await fixture.read({ table: "gibbonAttendanceCode", key: "gibbonAttendanceCodeID" })
  logs = await fixture.read({ table: "gibbonAttendanceLogPerson", key: "gibbonAttendanceLogPersonID" })
}, 60_000)

afterAll(async () => {
  await fixture?.drop()
})

const run = <Row>(entity: Entity.Entity<Row>, read: TableRead<Row>) =>
  Transform.run(entity.transform, read.rows, read.keys, { entity: entity.name, tenant: "SA01" })

const records = (
  table: { readonly schema: unknown; readonly columns: ReadonlyArray<string> },
  rows: ReadonlyArray<Transform.Row>,
) =>
  rows.map((r) => {
    const record = Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))
    expect(Schema.decodeUnknownEither(table.schema as Schema.Schema<unknown>)(record)._tag).toBe("Right")
    return record
  })

const rejections = (result: Transform.Result) =>
  result.rejected.map((r) => ({ key: r.key, reasons: r.reasons.map((x) => `${x.column}:${x.rule}`) }))

const notes = (result: Transform.Result) =>
  result.notes.map((n) => `${n.key} ${n.column}:${n.rule} ${n.message}`)

// The pre-passes a migration runs over the whole (small, or narrow) tables before the entities.
const plan = () => {
  const schoolYears = GibbonAcademic.indexSchoolYears(years.rows, base)
  const classes = GibbonAcademic.classes({
    ...base,
    schoolYears,
    yearGroups: GibbonAcademic.indexYearGroups(yearGroups.rows),
    formGroupYears: GibbonAcademic.formGroupYears(enrolments.rows),
    spaces: GibbonAcademic.indexSpaces(spaces.rows),
    teachers: staff,
  })
  const loadedClasses = new Set(
    run(classes, formGroups).okRaw.map((r) => String((r as GibbonAcademic.FormGroupRow).gibbonFormGroupID)),
  )
  return {
    years: GibbonAcademic.academicYears(base),
    classes,
    loadedClasses,
    enrollments: GibbonAcademic.enrollments({ ...base, schoolYears, students, classes: loadedClasses }),
    attendance: GibbonAttendance.attendance({
      ...base,
      latest: GibbonAttendance.latestLogs(logs.rows, base),
      codes: GibbonAttendance.indexAttendanceCodes(codes.rows),
      students,
      classes: loadedClasses,
      users: staff,
    }),
  }
}

const id = (entity: string, legacy: string) => TargetId.forEntity(entity)("SA01", legacy)

describe("Gibbon academic fixture", () => {
  it("reads the zero dates as null with a source note", () => {
    expect(years.notes.map((n) => `${n.key} ${n.column}:${n.rule}`)).toEqual(["27 firstDay:zero_date"])
    expect(logs.notes.map((n) => `${n.key} ${n.column}:${n.rule}`)).toEqual(["12 date:zero_date"])
  })

  it("maps gibbonSchoolYear to academic years", () => {
    const out = run(plan().years, years)
    expect(records(Academic.AcademicYears, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "code": null,
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": "2024-12-13",
          "id": "bf4faded-2bb9-8000-8000-000000000018",
          "is_current": false,
          "is_enrollment_open": false,
          "legacy_id": "24",
          "legacy_source": "gibbon.academic_years",
          "name": "2024",
          "start_date": "2024-01-02",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "code": null,
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": "2025-12-12",
          "id": "bf4faded-2bb9-8000-8000-000000000019",
          "is_current": true,
          "is_enrollment_open": false,
          "legacy_id": "25",
          "legacy_source": "gibbon.academic_years",
          "name": "2025",
          "start_date": "2025-01-06",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "code": null,
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": "2026-12-11",
          "id": "bf4faded-2bb9-8000-8000-00000000001a",
          "is_current": false,
          "is_enrollment_open": false,
          "legacy_id": "26",
          "legacy_source": "gibbon.academic_years",
          "name": "2026",
          "start_date": "2026-01-05",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "27",
          "reasons": [
            "firstDay:date",
          ],
        },
        {
          "key": "28",
          "reasons": [
            "name:required",
            "status:school_year_status",
            "lastDay:date_order",
          ],
        },
      ]
    `)
    expect(out.skipped).toEqual([])
  })

  it("maps gibbonFormGroup to classes with their year, homeroom teacher, grade level and room", () => {
    const out = run(plan().classes, formGroups)
    expect(records(Academic.Classes, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000018",
          "capacity": null,
          "code": "1A",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "grade_level": "Year 1",
          "homeroom_teacher_id": "d7a6aded-2bb9-8000-8000-000000000001",
          "id": "ec56aded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.classes",
          "name": "1 Amanah",
          "room": "Bilik 1A",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "capacity": null,
          "code": "2A",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "grade_level": "Year 2",
          "homeroom_teacher_id": "d7a6aded-2bb9-8000-8000-000000000001",
          "id": "ec56aded-2bb9-8000-8000-000000000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.classes",
          "name": "2 Amanah",
          "room": "Bilik 2A",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "capacity": null,
          "code": "2B",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "grade_level": "Year 2",
          "homeroom_teacher_id": "d7a6aded-2bb9-8000-8000-000000000003",
          "id": "ec56aded-2bb9-8000-8000-000000000003",
          "legacy_id": "3",
          "legacy_source": "gibbon.classes",
          "name": "2 Bestari",
          "room": null,
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-000000000019",
          "capacity": null,
          "code": "3C",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "grade_level": null,
          "homeroom_teacher_id": null,
          "id": "ec56aded-2bb9-8000-8000-000000000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.classes",
          "name": "3C",
          "room": null,
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "academic_year_id": "bf4faded-2bb9-8000-8000-00000000001a",
          "capacity": null,
          "code": "3A",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "grade_level": "Y03",
          "homeroom_teacher_id": "d7a6aded-2bb9-8000-8000-000000000004",
          "id": "ec56aded-2bb9-8000-8000-000000000005",
          "legacy_id": "5",
          "legacy_source": "gibbon.classes",
          "name": "3 Amanah",
          "room": "Makmal Sains",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "6",
          "reasons": [
            "gibbonSchoolYearID:gibbon_id",
          ],
        },
        {
          "key": "7",
          "reasons": [
            "gibbonSchoolYearID:school_year",
          ],
        },
        {
          "key": "8",
          "reasons": [
            "gibbonSchoolYearID:school_year",
          ],
        },
      ]
    `)
    expect(notes(out)).toMatchInlineSnapshot(`
      [
        "2 gibbonPersonIDTutor2:teacher_link co-tutors 2 not kept: the portal has one homeroom teacher",
        "3 gibbonPersonIDTutor:teacher_link tutor 199 is not a migrated teacher: not linked",
        "3 gibbonSpaceID:room space 99 is not in gibbonSpace",
        "4 name:required no name: nameShort 3C used",
        "4 gibbonYearGroupID:grade_level enrolments name several year groups (2, 3): grade level left empty",
      ]
    `)
  })

  it("maps gibbonStudentEnrolment to enrollments dated by the school year", () => {
    const out = run(plan().enrollments, enrolments)
    expect(records(Academic.Enrollments, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000001",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": "2024-12-13",
          "enrollment_date": "2024-01-02",
          "id": "8097aded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.enrollments",
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000001",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": "2024-12-13",
          "enrollment_date": "2024-01-02",
          "id": "8097aded-2bb9-8000-8000-000000000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.enrollments",
          "status": "completed",
          "student_id": "db39aded-2bb9-8000-8000-000000000066",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000003",
          "legacy_id": "3",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-000000000066",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000003",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000005",
          "legacy_id": "5",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-000000000067",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000003",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000006",
          "legacy_id": "6",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-000000000068",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000004",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000007",
          "legacy_id": "7",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-000000000069",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000004",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000008",
          "legacy_id": "8",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-00000000006a",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000005",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2026-01-05",
          "id": "8097aded-2bb9-8000-8000-00000000000d",
          "legacy_id": "13",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-00000000006c",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000003",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000010",
          "legacy_id": "16",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-00000000006e",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "end_date": null,
          "enrollment_date": "2025-01-06",
          "id": "8097aded-2bb9-8000-8000-000000000011",
          "legacy_id": "17",
          "legacy_source": "gibbon.enrollments",
          "status": "active",
          "student_id": "db39aded-2bb9-8000-8000-00000000006b",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "9",
          "reasons": [
            "gibbonPersonID:student_link",
          ],
        },
        {
          "key": "10",
          "reasons": [
            "gibbonPersonID:gibbon_id",
          ],
        },
        {
          "key": "11",
          "reasons": [
            "gibbonFormGroupID:gibbon_id",
          ],
        },
        {
          "key": "12",
          "reasons": [
            "gibbonFormGroupID:class_link",
          ],
        },
        {
          "key": "14",
          "reasons": [
            "gibbonSchoolYearID:enrollment_date",
          ],
        },
        {
          "key": "15",
          "reasons": [
            "gibbonSchoolYearID:school_year",
          ],
        },
      ]
    `)
    expect(out.notes).toEqual([])
  })

  it("maps gibbonAttendanceLogPerson: the latest log of each person-day, the others skipped naming it", () => {
    const out = run(plan().attendance, logs)
    expect(records(Academic.Attendance, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "attendance_date": "2025-03-03",
          "class_id": null,
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-000000000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000002",
          "remarks": "Gibbon: Left - Early; reason: Medical; Demam, dijemput ibu",
          "status": "absent",
          "student_id": "db39aded-2bb9-8000-8000-000000000065",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-03",
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-000000000004",
          "legacy_id": "4",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000001",
          "remarks": null,
          "status": "late",
          "student_id": "db39aded-2bb9-8000-8000-000000000066",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-04",
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-000000000006",
          "legacy_id": "6",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000001",
          "remarks": "corrected after roll call",
          "status": "absent",
          "student_id": "db39aded-2bb9-8000-8000-000000000066",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-03",
          "class_id": "ec56aded-2bb9-8000-8000-000000000003",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-000000000007",
          "legacy_id": "7",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000003",
          "remarks": null,
          "status": "late",
          "student_id": "db39aded-2bb9-8000-8000-000000000067",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-03",
          "class_id": "ec56aded-2bb9-8000-8000-000000000004",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-00000000000d",
          "legacy_id": "13",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000002",
          "remarks": "Gibbon: Present - Offsite; Pertandingan bola sepak",
          "status": "present",
          "student_id": "db39aded-2bb9-8000-8000-00000000006a",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-03",
          "class_id": null,
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-00000000000e",
          "legacy_id": "14",
          "legacy_source": "gibbon.attendance",
          "recorded_by": null,
          "remarks": null,
          "status": "present",
          "student_id": "db39aded-2bb9-8000-8000-00000000006b",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-05",
          "class_id": "ec56aded-2bb9-8000-8000-000000000004",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-000000000010",
          "legacy_id": "16",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000004",
          "remarks": null,
          "status": "present",
          "student_id": "db39aded-2bb9-8000-8000-00000000006c",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
      ]
    `)
    expect(out.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "1",
          "reason": "superseded by log 2, the latest log of person 101 on 2025-03-03 (Gibbon reads the last one taken)",
        },
        {
          "key": "3",
          "reason": "superseded by log 2, the latest log of person 101 on 2025-03-03 (Gibbon reads the last one taken)",
        },
        {
          "key": "5",
          "reason": "superseded by log 6, the latest log of person 102 on 2025-03-04 (Gibbon reads the last one taken)",
        },
        {
          "key": "15",
          "reason": "superseded by log 16, the latest log of person 108 on 2025-03-05 (Gibbon reads the last one taken)",
        },
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "8",
          "reasons": [
            "type:attendance_status",
          ],
        },
        {
          "key": "9",
          "reasons": [
            "gibbonPersonID:student_link",
          ],
        },
        {
          "key": "10",
          "reasons": [
            "gibbonPersonID:gibbon_id",
          ],
        },
        {
          "key": "11",
          "reasons": [
            "date:date",
          ],
        },
        {
          "key": "12",
          "reasons": [
            "date:date",
          ],
        },
      ]
    `)
    expect(notes(out)).toMatchInlineSnapshot(`
      [
        "14 gibbonFormGroupID:class_link form group 99 is not a migrated class: no class",
        "14 gibbonPersonIDTaker:user_link taker 199 is not a migrated user: not linked",
      ]
    `)
    expect(out.ok.length + out.skipped.length + out.rejected.length).toBe(logs.rows.length)
  })

  it("links every foreign key to the id the referenced flow gives that row", () => {
    const p = plan()
    const yearIds = new Set(records(Academic.AcademicYears, run(p.years, years).ok).map((r) => r.id))
    const classRows = records(Academic.Classes, run(p.classes, formGroups).ok)
    const classIds = new Set(classRows.map((r) => r.id))
    for (const c of classRows) expect(yearIds).toContain(c.academic_year_id)
    expect(classRows.map((c) => c.homeroom_teacher_id)).toEqual([
      id("gibbon.teachers", "1"),
      id("gibbon.teachers", "1"),
      id("gibbon.teachers", "3"),
      null,
      id("gibbon.teachers", "4"),
    ])
    for (const e of records(Academic.Enrollments, run(p.enrollments, enrolments).ok)) {
      expect(classIds).toContain(e.class_id)
      expect(e.student_id).toBe(id("gibbon.students", studentOf(e)))
    }
    const userIds = [...staff].map((s) => id("gibbon.users", s))
    const studentIds = [...students].map((s) => id("gibbon.students", s))
    for (const a of records(Academic.Attendance, run(p.attendance, logs).ok)) {
      if (a.class_id !== null) expect(classIds).toContain(a.class_id)
      if (a.recorded_by !== null) expect(userIds).toContain(a.recorded_by)
      expect(studentIds).toContain(a.student_id)
    }
  })

  it("gives the same rows and ids when run twice, and whatever the batch size", () => {
    const p = plan()
    for (const [entity, read] of [
      [p.years, years],
      [p.classes, formGroups],
      [p.enrollments, enrolments],
      [p.attendance, logs],
    ] as const) {
      const once = run(entity as Entity.Entity<unknown>, read as TableRead<unknown>)
      const twice = run(entity as Entity.Entity<unknown>, read as TableRead<unknown>)
      expect(twice.ok).toEqual(once.ok)
      // One row per batch: what the engine's smallest batches would see.
      const single = read.rows.map((row, i) =>
        Transform.run((entity as Entity.Entity<unknown>).transform, [row], [read.keys[i]!], {
          entity: entity.name,
          tenant: "SA01",
        }),
      )
      expect(single.flatMap((r) => r.ok)).toEqual(once.ok)
      expect(single.flatMap((r) => r.skipped)).toEqual(once.skipped)
      expect(single.flatMap((r) => r.rejected)).toEqual(once.rejected)
    }
  })
})

// The student of an enrollment row, read back from its source row by id.
const studentOf = (e: Record<string, unknown>) =>
  String(enrolments.rows.find((r) => String(r.gibbonStudentEnrolmentID) === e.legacy_id)?.gibbonPersonID)

describe("Gibbon academic fixture, pre-v22 names", () => {
  let old: MysqlFixture
  beforeAll(async () => {
    old = await loadMysqlFixture(["gibbon/pre-v22.sql"], "gibbon_prev22")
  }, 60_000)
  afterAll(async () => {
    await old?.drop()
  })

  it("reads gibbonRollGroup and gibbonRollGroupID with formGroupNames pre-v22, to the same ids", async () => {
    const names = "pre-v22" as const
    const columns = GibbonAcademic.formGroupColumns(names)
    const oldYears = await old.read<GibbonAcademic.SchoolYearRow>({
      table: "gibbonSchoolYear",
      key: "gibbonSchoolYearID",
    })
    const groups = await old.read<GibbonAcademic.RollGroupRow>({ table: columns.table, key: columns.id })
    const oldEnrolments = await old.read<GibbonAcademic.PreV22StudentEnrolmentRow>({
      table: "gibbonStudentEnrolment",
      key: "gibbonStudentEnrolmentID",
    })
    const schoolYears = GibbonAcademic.indexSchoolYears(oldYears.rows, base)
    const classes = run(
      GibbonAcademic.classes({
        ...base,
        formGroupNames: names,
        schoolYears,
        yearGroups: new Map([
          ["1", { gradeLevel: "Year 1", sequenceNumber: 1 }],
          ["2", { gradeLevel: "Year 2", sequenceNumber: 2 }],
        ]),
        formGroupYears: GibbonAcademic.formGroupYears(oldEnrolments.rows, names),
        teachers: staff,
      }),
      groups,
    )
    expect(
      records(Academic.Classes, classes.ok).map((c) => [c.id, c.name, c.grade_level, c.homeroom_teacher_id]),
    ).toEqual([
      [id("gibbon.classes", "1"), "1 Amanah", "Year 1", id("gibbon.teachers", "1")],
      [id("gibbon.classes", "2"), "2 Amanah", "Year 2", id("gibbon.teachers", "1")],
    ])
    expect(rejections(classes)).toEqual([{ key: "3", reasons: ["gibbonSchoolYearID:gibbon_id"] }])
    const enrolled = run(
      GibbonAcademic.enrollments({
        ...base,
        formGroupNames: names,
        schoolYears,
        students,
        classes: new Set(["1", "2"]),
      }),
      oldEnrolments,
    )
    expect(
      records(Academic.Enrollments, enrolled.ok).map((e) => [
        e.legacy_id,
        e.class_id,
        e.enrollment_date,
        e.status,
      ]),
    ).toEqual([
      ["1", id("gibbon.classes", "1"), "2024-01-02", "completed"],
      ["3", id("gibbon.classes", "2"), "2025-01-06", "active"],
    ])
    expect(rejections(enrolled)).toEqual([{ key: "4", reasons: ["gibbonRollGroupID:gibbon_id"] }])
  })
})
