import { Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as GibbonAcademic from "../src/GibbonAcademic.js"
import * as GibbonAttendance from "../src/GibbonAttendance.js"

const base = {
  tenant: "SA01",
  asOf: "2025-06-30",
  loadedAt: "2025-06-30T00:00:00.000Z",
} as const

// The transform run as the engine runs it, for tenant SA01, with the rows' own ids as keys.
const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  key: (row: Row) => unknown,
) =>
  Transform.run(
    entity.transform,
    rows,
    rows.map((r) => String(key(r))),
    { entity: entity.name, tenant: "SA01" },
  )

const rowsOf = (
  table: { readonly columns: ReadonlyArray<string> },
  ok: ReadonlyArray<ReadonlyArray<unknown>>,
) => ok.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])))

const rejections = (out: Transform.Result) =>
  out.rejected.map((r) => ({
    key: r.key,
    reasons: r.reasons.map((x) => `${x.column}: ${x.rule}: ${x.message}`),
  }))

// Dirty on purpose: zero-filled ids as text, a status with spaces and lower case, a zero date read
// as null, a blank name, an invalid status stored as '', days out of order.
const years: ReadonlyArray<GibbonAcademic.SchoolYearRow> = [
  {
    gibbonSchoolYearID: "024",
    name: "2024",
    status: "Past",
    sequenceNumber: 1,
    firstDay: "2024-01-02",
    lastDay: "2024-12-13",
  },
  {
    gibbonSchoolYearID: 25,
    name: "2025",
    status: " current ",
    sequenceNumber: 2,
    firstDay: "2025-01-06",
    lastDay: "2025-12-12",
  },
  {
    gibbonSchoolYearID: "026",
    name: "2026",
    status: "Upcoming",
    sequenceNumber: 3,
    firstDay: "2026-01-05",
    lastDay: "2026-12-11",
  },
  {
    gibbonSchoolYearID: "027",
    name: "2027",
    status: "Upcoming",
    sequenceNumber: 4,
    firstDay: null,
    lastDay: "2027-12-10",
  },
  {
    gibbonSchoolYearID: "028",
    name: " ",
    status: "",
    sequenceNumber: 5,
    firstDay: "2028-12-01",
    lastDay: "2028-01-03",
  },
  {
    gibbonSchoolYearID: "000",
    name: "2029",
    status: "Upcoming",
    sequenceNumber: 6,
    firstDay: "2029-01-02",
    lastDay: "2029-12-10",
  },
]
const schoolYears = GibbonAcademic.indexSchoolYears(years, base)
const yearsEntity = GibbonAcademic.academicYears(base)

describe("gibbon.academic_years", () => {
  it("maps school years with both days, current from the status; rejects missing or disordered days", () => {
    const out = runBatch(yearsEntity, years, (r) => r.gibbonSchoolYearID)
    expect(rowsOf(Academic.AcademicYears, out.ok)).toMatchInlineSnapshot(`
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
          "key": "027",
          "reasons": [
            "firstDay: date: missing",
          ],
        },
        {
          "key": "028",
          "reasons": [
            "name: required: the school year has no name",
            "status: school_year_status: missing",
            "lastDay: date_order: ends 2028-01-03, before it starts 2028-12-01",
          ],
        },
        {
          "key": "000",
          "reasons": [
            "gibbonSchoolYearID: gibbon_id: no school year id (000)",
          ],
        },
      ]
    `)
    expect(out.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "status",
          "key": "25",
          "message": "" current " read as Current",
          "rule": "school_year_status",
        },
      ]
    `)
  })

  it("indexes every year with an id, and says which ones load", () => {
    expect(Object.fromEntries(schoolYears)).toMatchInlineSnapshot(`
      {
        "24": {
          "firstDay": "2024-01-02",
          "lastDay": "2024-12-13",
          "loaded": true,
          "name": "2024",
          "status": "Past",
        },
        "25": {
          "firstDay": "2025-01-06",
          "lastDay": "2025-12-12",
          "loaded": true,
          "name": "2025",
          "status": "Current",
        },
        "26": {
          "firstDay": "2026-01-05",
          "lastDay": "2026-12-11",
          "loaded": true,
          "name": "2026",
          "status": "Upcoming",
        },
        "27": {
          "firstDay": null,
          "lastDay": "2027-12-10",
          "loaded": false,
          "name": "2027",
          "status": "Upcoming",
        },
        "28": {
          "firstDay": "2028-12-01",
          "lastDay": "2028-01-03",
          "loaded": false,
          "name": null,
          "status": null,
        },
      }
    `)
  })
})

const yearGroups = GibbonAcademic.indexYearGroups([
  {
    gibbonYearGroupID: "001",
    name: "Year 1",
    nameShort: "Y01",
    sequenceNumber: 1,
    gibbonPersonIDHOY: "0000000001",
  },
  { gibbonYearGroupID: "002", name: "Year 2", nameShort: "Y02", sequenceNumber: 2, gibbonPersonIDHOY: null },
  { gibbonYearGroupID: "003", name: "", nameShort: "Y03", sequenceNumber: 3, gibbonPersonIDHOY: null },
])

const enrolment = (
  id: number,
  person: unknown,
  year: unknown,
  yearGroup: unknown,
  group: unknown,
): GibbonAcademic.StudentEnrolmentRow => ({
  gibbonStudentEnrolmentID: String(id).padStart(8, "0"),
  gibbonPersonID: person as string,
  gibbonSchoolYearID: year as string,
  gibbonYearGroupID: yearGroup as string,
  gibbonFormGroupID: group as string,
  rollOrder: null,
})

const enrolments: ReadonlyArray<GibbonAcademic.StudentEnrolmentRow> = [
  enrolment(1, "0000000101", "024", "001", "00001"),
  enrolment(3, 101, 25, 2, 2),
  enrolment(5, 103, 25, 2, 3),
  enrolment(7, 105, 25, 2, 4),
  enrolment(8, 106, 25, 3, 4),
  enrolment(9, 199, 25, 2, 2),
  enrolment(10, "", 25, 2, 2),
  enrolment(11, 107, 25, 2, "00000"),
  enrolment(13, 108, 26, 3, 5),
  enrolment(14, 109, 27, 3, 5),
  enrolment(15, 110, 29, 2, 2),
  enrolment(16, 110, 28, 2, 2),
]

const formGroup = (
  id: string,
  year: unknown,
  name: string,
  short: string,
  tutors: ReadonlyArray<unknown>,
  space: unknown,
): GibbonAcademic.FormGroupRow => ({
  gibbonFormGroupID: id,
  gibbonSchoolYearID: year as string,
  name,
  nameShort: short,
  gibbonPersonIDTutor: (tutors[0] ?? null) as string | null,
  gibbonPersonIDTutor2: (tutors[1] ?? null) as string | null,
  gibbonPersonIDTutor3: (tutors[2] ?? null) as string | null,
  gibbonSpaceID: space as string | null,
})

const formGroups: ReadonlyArray<GibbonAcademic.FormGroupRow> = [
  formGroup("00001", "024", "1 Amanah", "1A", ["0000000001"], "00001"),
  formGroup("00002", "025", "2 Amanah", "2A", ["0000000001", "0000000002"], "00002"),
  formGroup("00003", "025", "2 Bestari", "2B", ["0000000199", "0000000003"], "00099"),
  formGroup("00004", "025", " ", "3C", [], null),
  formGroup("00005", "026", "3 Amanah", "3A", ["0000000004"], null),
  formGroup("00006", "000", "Ghost", "GH", ["0000000001"], null),
  formGroup("00007", "028", "Lama", "LM", [], null),
  formGroup("00008", "029", "Hilang", "HL", [], null),
]
// The same table as a pre-v22 install has it.
const rollGroups: ReadonlyArray<GibbonAcademic.RollGroupRow> = formGroups.map(
  ({ gibbonFormGroupID, ...rest }) => ({ gibbonRollGroupID: gibbonFormGroupID, ...rest }),
)

const teacherIds = new Set(["1", "2", "3", "4"])
const studentIds = new Set(["101", "102", "103", "104", "105", "106", "107", "108", "109", "110"])
const spaces = GibbonAcademic.indexSpaces([
  { gibbonSpaceID: "0000000001", name: "Bilik 1A" },
  { gibbonSpaceID: "0000000002", name: "Bilik 2A" },
])
const classOptions = {
  ...base,
  schoolYears,
  yearGroups,
  formGroupYears: GibbonAcademic.formGroupYears(enrolments),
  spaces,
  teachers: teacherIds,
}

describe("gibbon.classes", () => {
  it("reads the year groups of each form group from its enrolments", () => {
    expect(Object.fromEntries(classOptions.formGroupYears)).toEqual({
      "1": ["1"],
      "2": ["2"],
      "3": ["2"],
      "4": ["2", "3"],
      "5": ["3"],
    })
  })

  it("maps form groups with homeroom teacher, grade level and room; rejects those without a migrated year", () => {
    const out = runBatch(GibbonAcademic.classes(classOptions), formGroups, (r) => r.gibbonFormGroupID)
    expect(rowsOf(Academic.Classes, out.ok)).toMatchInlineSnapshot(`
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
          "room": null,
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "00006",
          "reasons": [
            "gibbonSchoolYearID: gibbon_id: no school year id (000)",
          ],
        },
        {
          "key": "00007",
          "reasons": [
            "gibbonSchoolYearID: school_year: school year 28 is rejected, so not migrated",
          ],
        },
        {
          "key": "00008",
          "reasons": [
            "gibbonSchoolYearID: school_year: school year 29 is not in gibbonSchoolYear",
          ],
        },
      ]
    `)
    expect(out.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "gibbonPersonIDTutor2",
          "key": "00002",
          "message": "co-tutors 2 not kept: the portal has one homeroom teacher",
          "rule": "teacher_link",
        },
        {
          "column": "gibbonPersonIDTutor",
          "key": "00003",
          "message": "tutor 199 is not a migrated teacher: not linked",
          "rule": "teacher_link",
        },
        {
          "column": "gibbonSpaceID",
          "key": "00003",
          "message": "space 99 is not in gibbonSpace",
          "rule": "room",
        },
        {
          "column": "name",
          "key": "00004",
          "message": "no name: nameShort 3C used",
          "rule": "required",
        },
        {
          "column": "gibbonYearGroupID",
          "key": "00004",
          "message": "enrolments name several year groups (2, 3): grade level left empty",
          "rule": "grade_level",
        },
      ]
    `)
  })

  it("reads pre-v22 roll groups the same way, to the same ids", () => {
    const v22 = runBatch(GibbonAcademic.classes(classOptions), formGroups, (r) => r.gibbonFormGroupID)
    const old = runBatch(
      GibbonAcademic.classes({
        ...classOptions,
        formGroupNames: "pre-v22",
        formGroupYears: GibbonAcademic.formGroupYears(
          enrolments.map(({ gibbonFormGroupID, ...rest }) => ({
            ...rest,
            gibbonRollGroupID: gibbonFormGroupID,
          })),
          "pre-v22",
        ),
      }),
      rollGroups,
      (r) => r.gibbonRollGroupID,
    )
    expect(old.ok).toEqual(v22.ok)
    expect(old.notes).toEqual(v22.notes)
    expect(rejections(old).map((r) => r.key)).toEqual(rejections(v22).map((r) => r.key))
    // Without the pre-v22 option the old id column is not found.
    const wrong = runBatch(GibbonAcademic.classes(classOptions), rollGroups.slice(0, 1) as never, () => "1")
    expect(rejections(wrong)).toEqual([
      { key: "1", reasons: ["gibbonFormGroupID: gibbon_id: no form group id (undefined)"] },
    ])
    expect(GibbonAcademic.formGroupColumns("pre-v22")).toEqual({
      table: "gibbonRollGroup",
      id: "gibbonRollGroupID",
    })
  })

  it("points at the ids the years and teachers flows give those rows", () => {
    const klass = rowsOf(
      Academic.Classes,
      runBatch(GibbonAcademic.classes(classOptions), formGroups.slice(1, 2), (r) => r.gibbonFormGroupID).ok,
    )[0]!
    const year = rowsOf(
      Academic.AcademicYears,
      runBatch(yearsEntity, years.slice(1, 2), (r) => r.gibbonSchoolYearID).ok,
    )[0]!
    const roles = Gibbon.indexRoles([{ gibbonRoleID: "002", category: "Staff", name: "Teacher" }])
    const tutor: Gibbon.PersonRow = {
      gibbonPersonID: "0000000001",
      surname: "Ali",
      firstName: "Ahmad",
      preferredName: "",
      gender: "M",
      username: "ahmad.ali",
      password: "",
      passwordStrong: "",
      passwordStrongSalt: "",
      passwordForceReset: "N",
      status: "Full",
      canLogin: "Y",
      gibbonRoleIDPrimary: "002",
      gibbonRoleIDAll: "002",
      dob: null,
      email: null,
      lastTimestamp: null,
      address1: "",
      address1District: "",
      address1Country: "",
      phone1CountryCode: "",
      phone1: "",
      studentID: "",
      dateStart: null,
    }
    const teacher = rowsOf(
      Academic.Teachers,
      runBatch(Gibbon.teachers({ ...base, roles }), [tutor], (r) => r.gibbonPersonID).ok,
    )[0]!
    expect(klass.academic_year_id).toBe(year.id)
    expect(klass.homeroom_teacher_id).toBe(teacher.id)
  })
})

const enrollmentOptions = {
  ...base,
  schoolYears,
  students: studentIds,
  classes: new Set(["1", "2", "3", "4", "5"]),
}

describe("gibbon.enrollments", () => {
  it("dates enrolments from their school year, completed once the year is past; rejects with every reason", () => {
    const out = runBatch(
      GibbonAcademic.enrollments(enrollmentOptions),
      enrolments,
      (r) => r.gibbonStudentEnrolmentID,
    )
    expect(rowsOf(Academic.Enrollments, out.ok)).toMatchInlineSnapshot(`
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
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "00000009",
          "reasons": [
            "gibbonPersonID: student_link: person 199 is not a migrated student",
          ],
        },
        {
          "key": "00000010",
          "reasons": [
            "gibbonPersonID: gibbon_id: no student id ()",
          ],
        },
        {
          "key": "00000011",
          "reasons": [
            "gibbonFormGroupID: gibbon_id: no form group id (00000)",
          ],
        },
        {
          "key": "00000014",
          "reasons": [
            "gibbonSchoolYearID: enrollment_date: school year 27 has no firstDay to date the enrolment from",
          ],
        },
        {
          "key": "00000015",
          "reasons": [
            "gibbonSchoolYearID: school_year: school year 29 is not in gibbonSchoolYear",
          ],
        },
        {
          "key": "00000016",
          "reasons": [
            "gibbonSchoolYearID: school_year_status: school year 28 has no valid status",
          ],
        },
      ]
    `)
    expect(out.notes).toEqual([])
  })

  it("reads pre-v22 gibbonRollGroupID to the same rows, and points at the classes' ids", () => {
    const entity = GibbonAcademic.enrollments(enrollmentOptions)
    const v22 = runBatch(entity, enrolments, (r) => r.gibbonStudentEnrolmentID)
    const old = runBatch(
      GibbonAcademic.enrollments({ ...enrollmentOptions, formGroupNames: "pre-v22" }),
      enrolments.map(({ gibbonFormGroupID, ...rest }) => ({ ...rest, gibbonRollGroupID: gibbonFormGroupID })),
      (r) => r.gibbonStudentEnrolmentID,
    )
    expect(old.ok).toEqual(v22.ok)
    expect(rejections(old)).toEqual(
      rejections(v22).map((r) => ({
        ...r,
        reasons: r.reasons.map((x) => x.replace("gibbonFormGroupID", "gibbonRollGroupID")),
      })),
    )
    const classIds = rowsOf(
      Academic.Classes,
      runBatch(GibbonAcademic.classes(classOptions), formGroups, (r) => r.gibbonFormGroupID).ok,
    ).map((c) => c.id)
    for (const row of rowsOf(Academic.Enrollments, v22.ok)) expect(classIds).toContain(row.class_id)
  })
})

const log = (
  id: number,
  person: unknown,
  date: string | null,
  type: string,
  taken: string | null,
  more: Partial<GibbonAttendance.AttendanceLogRow> = {},
): GibbonAttendance.AttendanceLogRow => ({
  gibbonAttendanceLogPersonID: String(id).padStart(14, "0"),
  gibbonAttendanceCodeID: null,
  gibbonPersonID: person as string,
  context: "Form Group",
  direction: "In",
  type,
  reason: "",
  comment: "",
  date,
  gibbonCourseClassID: null,
  gibbonFormGroupID: "00002",
  timestampTaken: taken,
  gibbonPersonIDTaker: "0000000001",
  ...more,
})

const logs: ReadonlyArray<GibbonAttendance.AttendanceLogRow> = [
  log(1, 101, "2025-03-03", "Present", "2025-03-03 07:45:00"),
  log(2, 101, "2025-03-03", "Left - Early", "2025-03-03 11:20:00", {
    direction: "Out",
    reason: "Medical",
    comment: "Demam, dijemput ibu",
    context: "Person",
    gibbonFormGroupID: null,
    gibbonPersonIDTaker: "0000000002",
  }),
  log(3, 101, "2025-03-03", "Absent", "2025-03-03 09:00:00", {
    context: "Class",
    gibbonCourseClassID: "00000012",
  }),
  log(4, 102, "2025-03-03", "Present - Late", "2025-03-03 07:50:00"),
  log(5, 102, "2025-03-04", "Present", "2025-03-04 07:45:00"),
  log(6, 102, "2025-03-04", "Absent", "2025-03-04 07:45:00", { comment: "corrected after roll call" }),
  log(7, 103, "2025-03-03", " present -  late ", "2025-03-03 07:55:00", { gibbonFormGroupID: "00003" }),
  log(8, 104, "2025-03-03", "Sick Bay", "2025-03-03 08:30:00"),
  log(9, 199, "2025-03-03", "Present", "2025-03-03 07:45:00"),
  log(10, "0000000000", "2025-03-03", "Present", "2025-03-03 07:45:00"),
  log(11, 105, "2025-12-01", "Absent", "2025-06-01 10:00:00", { context: "Future" }),
  log(12, 105, null, "Present", "2025-03-03 07:45:00"),
  log(13, 106, "2025-03-03", "", null, { gibbonAttendanceCodeID: "003", comment: "Pertandingan bola sepak" }),
  log(14, 107, "2025-03-03", "Present", "2025-03-03 07:45:00", {
    gibbonFormGroupID: "00099",
    gibbonPersonIDTaker: "0000000199",
  }),
  log(15, 108, "2025-03-05", "Absent", null, { reason: "Family" }),
  log(16, 108, "2025-03-05", "Present", null),
]
const codes = GibbonAttendance.indexAttendanceCodes([
  { gibbonAttendanceCodeID: "001", name: "Present" },
  { gibbonAttendanceCodeID: "003", name: "Present - Offsite" },
])
const latest = GibbonAttendance.latestLogs(logs, base)
const attendanceOptions = {
  ...base,
  latest,
  codes,
  students: studentIds,
  classes: new Set(["1", "2", "3", "4", "5"]),
  users: teacherIds,
}
const attendanceEntity = GibbonAttendance.attendance(attendanceOptions)
const logKey = (r: GibbonAttendance.AnyAttendanceLogRow) => r.gibbonAttendanceLogPersonID

describe("gibbon.attendance", () => {
  it("picks the latest log of each person-day by timestampTaken, then id", () => {
    expect(Object.fromEntries(latest)).toEqual({
      "101|2025-03-03": "2",
      "102|2025-03-03": "4",
      "102|2025-03-04": "6",
      "103|2025-03-03": "7",
      "104|2025-03-03": "8",
      "199|2025-03-03": "9",
      "105|2025-12-01": "11",
      "106|2025-03-03": "13",
      "107|2025-03-03": "14",
      "108|2025-03-05": "16",
    })
  })

  it("loads the latest log per day, skips earlier ones naming the winner, rejects the rest", () => {
    const out = runBatch(attendanceEntity, logs, logKey)
    expect(rowsOf(Academic.Attendance, out.ok)).toMatchInlineSnapshot(`
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
          "recorded_by": "2949aded-2bb9-8000-8000-000000000001",
          "remarks": null,
          "status": "late",
          "student_id": "db39aded-2bb9-8000-8000-000000000067",
          "tenant_id": "SA01",
          "updated_at": "2025-06-30T00:00:00.000Z",
        },
        {
          "attendance_date": "2025-03-03",
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-00000000000d",
          "legacy_id": "13",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000001",
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
          "class_id": "ec56aded-2bb9-8000-8000-000000000002",
          "created_at": "2025-06-30T00:00:00.000Z",
          "deleted_at": null,
          "id": "59e8aded-2bb9-8000-8000-000000000010",
          "legacy_id": "16",
          "legacy_source": "gibbon.attendance",
          "recorded_by": "2949aded-2bb9-8000-8000-000000000001",
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
          "key": "00000000000001",
          "reason": "superseded by log 2, the latest log of person 101 on 2025-03-03 (Gibbon reads the last one taken)",
        },
        {
          "key": "00000000000003",
          "reason": "superseded by log 2, the latest log of person 101 on 2025-03-03 (Gibbon reads the last one taken)",
        },
        {
          "key": "00000000000005",
          "reason": "superseded by log 6, the latest log of person 102 on 2025-03-04 (Gibbon reads the last one taken)",
        },
        {
          "key": "00000000000015",
          "reason": "superseded by log 16, the latest log of person 108 on 2025-03-05 (Gibbon reads the last one taken)",
        },
      ]
    `)
    expect(rejections(out)).toMatchInlineSnapshot(`
      [
        {
          "key": "00000000000008",
          "reasons": [
            "type: attendance_status: unknown Gibbon attendance type "Sick Bay"",
          ],
        },
        {
          "key": "00000000000009",
          "reasons": [
            "gibbonPersonID: student_link: person 199 is not a migrated student",
          ],
        },
        {
          "key": "00000000000010",
          "reasons": [
            "gibbonPersonID: gibbon_id: no student id (0000000000)",
          ],
        },
        {
          "key": "00000000000011",
          "reasons": [
            "date: date: 2025-12-01 is in the future",
          ],
        },
        {
          "key": "00000000000012",
          "reasons": [
            "date: date: missing",
          ],
        },
      ]
    `)
    expect(out.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "gibbonFormGroupID",
          "key": "00000000000014",
          "message": "form group 99 is not a migrated class: no class",
          "rule": "class_link",
        },
        {
          "column": "gibbonPersonIDTaker",
          "key": "00000000000014",
          "message": "taker 199 is not a migrated user: not linked",
          "rule": "user_link",
        },
      ]
    `)
    // Every row is accounted for.
    expect(out.ok.length + out.skipped.length + out.rejected.length).toBe(logs.length)
  })

  it("gives the same answer whatever the batches, in any order", () => {
    const whole = runBatch(attendanceEntity, logs, logKey)
    const reversed = [...logs].reverse()
    const parts = [reversed.slice(0, 3), reversed.slice(3, 4), reversed.slice(4, 11), reversed.slice(11)].map(
      (b) => runBatch(attendanceEntity, b, logKey),
    )
    const sortByKey = <A extends { key: string }>(xs: ReadonlyArray<A>) =>
      [...xs].sort((a, b) => Number(a.key) - Number(b.key))
    const okOf = (r: Transform.Result) => r.okKeys.map((key, i) => ({ key, row: r.ok[i] }))
    expect(sortByKey(parts.flatMap(okOf))).toEqual(sortByKey(okOf(whole)))
    expect(sortByKey(parts.flatMap((p) => p.skipped))).toEqual(sortByKey(whole.skipped))
    expect(sortByKey(parts.flatMap((p) => p.rejected))).toEqual(sortByKey(whole.rejected))
  })

  it("rejects a log the latest-log index was not built from", () => {
    const out = runBatch(
      GibbonAttendance.attendance({ ...attendanceOptions, latest: new Map() }),
      logs.slice(0, 1),
      logKey,
    )
    expect(rejections(out)).toEqual([
      {
        key: "00000000000001",
        reasons: [
          "gibbonAttendanceLogPersonID: latest_log: person 101 on 2025-03-03 is not in the latest-log index: build it from the same table",
        ],
      },
    ])
  })

  it("reads pre-v22 gibbonRollGroupID to the same rows", () => {
    const old = logs.map(({ gibbonFormGroupID, ...rest }) => ({
      ...rest,
      gibbonRollGroupID: gibbonFormGroupID,
    }))
    const outOld = runBatch(
      GibbonAttendance.attendance({ ...attendanceOptions, formGroupNames: "pre-v22" }),
      old,
      logKey,
    )
    const outNew = runBatch(attendanceEntity, logs, logKey)
    expect(outOld.ok).toEqual(outNew.ok)
    expect(outOld.skipped).toEqual(outNew.skipped)
  })

  it("maps every core Gibbon type", () => {
    const core = ["Present", "Present - Late", "Present - Offsite", "Absent", "Left", "Left - Early"]
    expect(core.map((t) => GibbonAttendance.attendanceType.lookup(t)?.code)).toEqual([
      "present",
      "late",
      "present",
      "absent",
      "absent",
      "absent",
    ])
  })
})

describe("idempotence", () => {
  it("gives the same ids when the same rows are mapped twice", () => {
    const twice = <Row>(
      entity: { name: string; transform: Transform.Transform<Row> },
      rows: ReadonlyArray<Row>,
      key: (r: Row) => unknown,
    ) => expect(runBatch(entity, rows, key).ok).toEqual(runBatch(entity, rows, key).ok)
    twice(yearsEntity, years, (r) => r.gibbonSchoolYearID)
    twice(GibbonAcademic.classes(classOptions), formGroups, (r) => r.gibbonFormGroupID)
    twice(GibbonAcademic.enrollments(enrollmentOptions), enrolments, (r) => r.gibbonStudentEnrolmentID)
    twice(attendanceEntity, logs, logKey)
  })
})
