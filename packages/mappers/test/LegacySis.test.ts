import { TargetId, Transform } from "@schoolbridge/core"
import { Academic, Auth, Islamic } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { LegacySis, StudentNumber } from "../src/index.js"

const base = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
} as const

// The transform run as the engine runs it (Transform.run), for tenant SA01.
const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const user = (over: Partial<LegacySis.UserRow>): LegacySis.UserRow => ({
  user_id: 1,
  email: null,
  password: null,
  first_name: null,
  last_name: null,
  phone: null,
  status: null,
  created_date: null,
  modified_date: null,
  ...over,
})

// Dirty on purpose: case and spaces, plaintext and weak passwords, a bad email, a missing name.
const users: ReadonlyArray<LegacySis.UserRow> = [
  user({
    user_id: 1,
    email: "  Aisyah.Rahman@Example.COM ",
    password: "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
    first_name: "aisyah",
    last_name: "binti rahman",
    phone: "012-345 6789",
    status: "A",
    email_verified: 1,
    created_date: "2019-03-04 08:15:00",
    modified_date: "2024-06-01 10:00:00",
  }),
  user({
    user_id: 2,
    email: "ahmad@example.com",
    password: "secret123",
    first_name: "Ahmad",
    last_name: "Ali",
    status: "active",
    created_date: "2020-01-10 09:00:00",
    modified_date: null,
  }),
  user({
    user_id: 3,
    email: "not-an-email",
    first_name: "",
    status: "X",
    created_date: "2020-01-10 09:00:00",
    modified_date: null,
  }),
  user({
    user_id: 4,
    email: "siti@example.com",
    password: "5f4dcc3b5aa765d61d8327deb882cf99",
    first_name: "Siti",
    last_name: null,
    status: "blocked",
    created_date: null,
    modified_date: null,
  }),
]

describe("LegacySis.users", () => {
  it("maps, rejects and notes the dirty fixture", () => {
    const entity = LegacySis.users({ ...base, passwords: "carry-over" })
    const result = runBatch(entity, users, ["1", "2", "3", "4"])
    expect(
      result.ok.map(
        (r) =>
          Schema.decodeUnknownEither(Auth.Users.schema)(
            Object.fromEntries(Auth.Users.columns.map((c, i) => [c, r[i]])),
          )._tag,
      ),
    ).toEqual(["Right", "Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "2f16aded-2bb9-8000-8000-000000000001",
          "SA01",
          "aisyah.rahman@example.com",
          null,
          "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
          "bcrypt",
          false,
          "Aisyah",
          "binti Rahman",
          null,
          null,
          "+60123456789",
          null,
          "active",
          true,
          null,
          "legacy-sis.users",
          "1",
          "2019-03-04T00:15:00.000Z",
          "2024-06-01T02:00:00.000Z",
          null,
        ],
        [
          "2f16aded-2bb9-8000-8000-000000000002",
          "SA01",
          "ahmad@example.com",
          null,
          null,
          null,
          true,
          "Ahmad",
          "Ali",
          null,
          null,
          null,
          null,
          "active",
          false,
          null,
          "legacy-sis.users",
          "2",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "2f16aded-2bb9-8000-8000-000000000004",
          "SA01",
          "siti@example.com",
          null,
          null,
          null,
          true,
          "Siti",
          null,
          null,
          null,
          null,
          null,
          "suspended",
          false,
          null,
          "legacy-sis.users",
          "4",
          "2025-01-15T00:00:00.000Z",
          "2025-01-15T00:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected).toMatchInlineSnapshot(`
      [
        {
          "key": "3",
          "raw": {
            "created_date": "2020-01-10 09:00:00",
            "email": "not-an-email",
            "first_name": "",
            "last_name": null,
            "modified_date": null,
            "password": null,
            "phone": null,
            "status": "X",
            "user_id": 3,
          },
          "reasons": [
            {
              "column": "first_name",
              "message": "missing",
              "rule": "person_name",
            },
          ],
        },
      ]
    `)
  })
  it("never writes a plaintext password, nor puts it in a note", () => {
    const result = runBatch(LegacySis.users({ ...base, passwords: "carry-over" }), users, [
      "1",
      "2",
      "3",
      "4",
    ])
    expect(JSON.stringify(result.ok)).not.toContain("secret123")
    expect(JSON.stringify(result.notes)).not.toContain("secret123")
    expect(result.notes.filter((n) => n.rule === "password_policy").map((n) => [n.key, n.message])).toEqual([
      [
        "2",
        "the legacy password is not a hash format the portal verifies (it may be plaintext): not kept, reset required",
      ],
      ["4", "the legacy password is an unsalted md5/sha1 hash: not kept, reset required"],
    ])
  })
  it("force-reset never keeps a hash", () => {
    const result = runBatch(LegacySis.users({ ...base, passwords: "force-reset" }), users.slice(0, 1), ["1"])
    const row = Object.fromEntries(Auth.Users.columns.map((c, i) => [c, result.ok[0]![i]]))
    expect([row.password_hash, row.password_algorithm, row.must_reset_password]).toEqual([null, null, true])
  })
  it("force-reset with the run's reset hashes gives every reset user one of their own, tagged argon2id", () => {
    let n = 0
    const resetHash = { _tag: "ResetHash", next: () => `$argon2id$v=19$m=8,t=1,p=1$c2FsdA$${++n}` } as const
    const result = runBatch(LegacySis.users({ ...base, passwords: "carry-over", resetHash }), users, [
      "1",
      "2",
      "3",
      "4",
    ])
    const columns = result.ok.map((r) => {
      const row = Object.fromEntries(Auth.Users.columns.map((c, i) => [c, r[i]]))
      return [row.legacy_id, row.password_hash, row.password_algorithm, row.must_reset_password]
    })
    expect(columns).toEqual([
      ["1", "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", "bcrypt", false],
      ["2", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$1", "argon2id", true],
      ["4", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$2", "argon2id", true],
    ])
  })
  it("is idempotent: the same rows give the same ids and rows", () => {
    const entity = LegacySis.users({ ...base, passwords: "carry-over" })
    expect(runBatch(entity, users, ["1", "2", "3", "4"])).toEqual(
      runBatch(entity, users, ["1", "2", "3", "4"]),
    )
  })
})

const student = (over: Partial<LegacySis.StudentRow>): LegacySis.StudentRow => ({
  student_id: 1,
  student_number: null,
  dob: null,
  gender: null,
  nationality: null,
  ic_number: null,
  blood_group: null,
  medical_info: null,
  admission_date: null,
  status: null,
  address1: null,
  address2: null,
  city: null,
  state: null,
  postal_code: null,
  country: null,
  created_date: null,
  modified_date: null,
  ...over,
})

const students: ReadonlyArray<LegacySis.StudentRow> = [
  student({
    student_id: 10,
    user_id: 1,
    student_number: "STU2024SA010001",
    dob: "05/06/2012",
    gender: "P",
    nationality: "Malaysian",
    ic_number: "120605-14-5678",
    blood_group: "o pos",
    medical_info: "Asthma",
    admission_date: "2024-01-02",
    status: "A",
    address1: "12, Jalan Mawar",
    city: "Kuala Lumpur",
    postal_code: "50450",
    country: "Malaysia",
    created_date: "2024-01-02 08:00:00",
    modified_date: "2024-01-02 08:00:00",
  }),
  // No number, no user id: linked by email, numbered after the highest 2024 sequence.
  student({
    student_id: 11,
    email: "AHMAD@example.com",
    gender: "M",
    blood_group: "Z",
    admission_date: "2024-01-03",
    status: "leave",
    created_date: "2024-01-03 08:00:00",
  }),
  // Same number as student 10.
  student({
    student_id: 12,
    user_id: 4,
    student_number: " STU2024SA010001 ",
    status: "A",
    created_date: "2024-01-03 08:00:00",
  }),
  // No user, a bad IC, a future birth date, an unknown status.
  student({
    student_id: 13,
    email: "nobody@example.com",
    ic_number: "12345",
    dob: "2030-01-01",
    status: "Q",
    created_date: "2024-01-03 08:00:00",
  }),
]

describe("LegacySis.students", () => {
  const numbers = StudentNumber.plan(LegacySis.numberInputs(students, base), "SA01")
  const emails = LegacySis.indexUsersByEmail(users)
  const entity = LegacySis.students({ ...base, numbers, emails })
  const keys = students.map((s) => String(s.student_id))

  it("links by user id or by normalized email", () => {
    expect([...emails.users]).toEqual([
      ["aisyah.rahman@example.com", "1"],
      ["ahmad@example.com", "2"],
      // Not an address, but a student carrying the same text is still that user's.
      ["not-an-email", "3"],
      ["siti@example.com", "4"],
    ])
  })
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, students, keys)
    expect(
      result.ok.map(
        (r) =>
          Schema.decodeUnknownEither(Academic.Students.schema)(
            Object.fromEntries(Academic.Students.columns.map((c, i) => [c, r[i]])),
          )._tag,
      ),
    ).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "e5b5aded-2bb9-8000-8000-00000000000a",
          "SA01",
          "2f16aded-2bb9-8000-8000-000000000001",
          "STU2024SA010001",
          "2012-06-05",
          "female",
          "MY",
          "120605-14-5678",
          "O+",
          "Asthma",
          "2024-01-02",
          "active",
          {
            "city": "Kuala Lumpur",
            "country": "MY",
            "line1": "12, Jalan Mawar",
            "line2": null,
            "postcode": "50450",
            "state": "Wilayah Persekutuan Kuala Lumpur",
          },
          "legacy-sis.students",
          "10",
          "2024-01-02T00:00:00.000Z",
          "2024-01-02T00:00:00.000Z",
          null,
        ],
        [
          "e5b5aded-2bb9-8000-8000-00000000000b",
          "SA01",
          "2f16aded-2bb9-8000-8000-000000000002",
          "STU2024SA010002",
          null,
          "male",
          null,
          null,
          null,
          null,
          "2024-01-03",
          "on_leave",
          null,
          "legacy-sis.students",
          "11",
          "2024-01-03T00:00:00.000Z",
          "2024-01-03T00:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => [r.key, r.reasons])).toMatchInlineSnapshot(`
      [
        [
          "12",
          [
            {
              "column": "student_number",
              "message": "student number STU2024SA010001 is already held by another student",
              "rule": "student_number_unique",
            },
          ],
        ],
        [
          "13",
          [
            {
              "column": "email",
              "message": "no user has the email nobody@example.com",
              "rule": "user_link",
            },
          ],
        ],
      ]
    `)
  })
  it("points at the user ids the users entity gives", () => {
    const u = runBatch(LegacySis.users({ ...base, passwords: "force-reset" }), users, ["1", "2", "3", "4"])
    const s = runBatch(entity, students, keys)
    const userIdAt = Academic.Students.columns.indexOf("user_id")
    expect(s.ok.map((r) => r[userIdAt])).toEqual([u.ok[0]![0], u.ok[1]![0]])
  })
  it("notes generated numbers and email links", () => {
    const notes = runBatch(entity, students, keys).notes.filter((n) => n.key === "11")
    expect(notes.map((n) => [n.column, n.rule, n.message])).toContainEqual([
      "student_number",
      "student_number",
      "generated STU2024SA010002",
    ])
    expect(notes.map((n) => [n.column, n.rule, n.message])).toContainEqual([
      "user_id",
      "user_link",
      "linked to user 2 by email",
    ])
    expect(notes.map((n) => n.column)).toContain("blood_group")
  })
  it("is idempotent", () => {
    expect(runBatch(entity, students, keys)).toEqual(runBatch(entity, students, keys))
    expect(StudentNumber.plan(LegacySis.numberInputs([...students].reverse(), base), "SA01")).toEqual(numbers)
  })
})

const decodes = (
  table: { columns: ReadonlyArray<string>; schema: Schema.Schema.AnyNoContext },
  rows: ReadonlyArray<Transform.Row>,
) =>
  rows.map(
    (r) =>
      Schema.decodeUnknownEither(table.schema)(Object.fromEntries(table.columns.map((c, i) => [c, r[i]])))
        ._tag,
  )

const teacherRows: ReadonlyArray<LegacySis.TeacherRow> = [
  {
    teacher_id: 20,
    user_id: 1,
    staff_no: " T-001 ",
    specialization: "Tahfiz",
    qualification: "B.A. (Hons)",
    hire_date: "03/01/2018",
    status: "A",
    created_date: "2018-01-03 08:00:00",
    modified_date: null,
  },
  {
    teacher_id: 21,
    user_id: 2,
    staff_no: null,
    specialization: null,
    qualification: null,
    hire_date: null,
    status: "on leave",
    created_date: "2019-05-01 09:00:00",
    modified_date: "2024-02-01 09:00:00",
  },
  {
    teacher_id: 22,
    user_id: null,
    staff_no: "T-003",
    specialization: null,
    qualification: null,
    hire_date: "2031-01-01",
    status: "gone fishing",
    created_date: null,
    modified_date: null,
  },
]
const teacherKeys = teacherRows.map((r) => String(r.teacher_id))

const classRows: ReadonlyArray<LegacySis.ClassRow> = [
  {
    class_id: 30,
    class_code: "4A",
    class_name: "  4 Amanah ",
    grade_level: "Year 4",
    teacher_id: 20,
    capacity: "30",
    room: "B-12",
    created_date: "2024-01-02 07:30:00",
    modified_date: null,
  },
  {
    class_id: 31,
    class_code: null,
    class_name: "Tahfiz Pagi",
    grade_level: null,
    teacher_id: null,
    capacity: null,
    room: null,
    created_date: "2024-01-02 07:30:00",
    modified_date: null,
  },
  {
    class_id: 32,
    class_code: "X",
    class_name: "",
    grade_level: null,
    teacher_id: 21,
    capacity: "-5",
    room: null,
    created_date: "2024-01-02 07:30:00",
    modified_date: null,
  },
]
const classKeys = classRows.map((r) => String(r.class_id))

const enrollmentRows: ReadonlyArray<LegacySis.EnrollmentRow> = [
  {
    enrollment_id: 40,
    student_id: 10,
    class_id: 30,
    enrollment_date: "2024-01-02",
    end_date: null,
    status: "A",
    created_date: "2024-01-02 08:00:00",
    modified_date: null,
  },
  {
    enrollment_id: 41,
    student_id: "11",
    class_id: 31,
    enrollment_date: "02/01/2024",
    end_date: "2024-06-30",
    status: "dropped",
    created_date: "2024-01-02 08:00:00",
    modified_date: "2024-06-30 12:00:00",
  },
  {
    enrollment_id: 42,
    student_id: null,
    class_id: 30,
    enrollment_date: "2024-03-01",
    end_date: "2024-02-01",
    status: "??",
    created_date: "2024-01-02 08:00:00",
    modified_date: null,
  },
]
const enrollmentKeys = enrollmentRows.map((r) => String(r.enrollment_id))

describe("LegacySis.teachers", () => {
  const entity = LegacySis.teachers(base)
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, teacherRows, teacherKeys)
    expect(decodes(Academic.Teachers, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "fcf0aded-2bb9-8000-8000-000000000014",
          "SA01",
          "2f16aded-2bb9-8000-8000-000000000001",
          "T-001",
          "Tahfiz",
          "B.A. (Hons)",
          "2018-01-03",
          null,
          null,
          "active",
          "legacy-sis.teachers",
          "20",
          "2018-01-03T00:00:00.000Z",
          "2018-01-03T00:00:00.000Z",
          null,
        ],
        [
          "fcf0aded-2bb9-8000-8000-000000000015",
          "SA01",
          "2f16aded-2bb9-8000-8000-000000000002",
          null,
          null,
          null,
          null,
          null,
          null,
          "on_leave",
          "legacy-sis.teachers",
          "21",
          "2019-05-01T01:00:00.000Z",
          "2024-02-01T01:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => [r.key, r.reasons])).toMatchInlineSnapshot(`
      [
        [
          "22",
          [
            {
              "column": "user_id",
              "message": "no user_id: the row points at nothing",
              "rule": "reference",
            },
          ],
        ],
      ]
    `)
  })
  it("points at the user ids the users entity gives", () => {
    const u = runBatch(LegacySis.users({ ...base, passwords: "force-reset" }), users, ["1", "2", "3", "4"])
    const t = runBatch(entity, teacherRows, teacherKeys)
    const at = Academic.Teachers.columns.indexOf("user_id")
    expect(t.ok.map((r) => r[at])).toEqual([u.ok[0]![0], u.ok[1]![0]])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, teacherRows, teacherKeys)).toEqual(runBatch(entity, teacherRows, teacherKeys))
  })
})

describe("LegacySis.classes", () => {
  const entity = LegacySis.classes(base)
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, classRows, classKeys)
    expect(decodes(Academic.Classes, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "0068aded-2bb9-8000-8000-00000000001e",
          "SA01",
          null,
          "4A",
          "4 Amanah",
          "Year 4",
          "fcf0aded-2bb9-8000-8000-000000000014",
          30,
          "B-12",
          "legacy-sis.classes",
          "30",
          "2024-01-01T23:30:00.000Z",
          "2024-01-01T23:30:00.000Z",
          null,
        ],
        [
          "0068aded-2bb9-8000-8000-00000000001f",
          "SA01",
          null,
          null,
          "Tahfiz Pagi",
          null,
          null,
          null,
          null,
          "legacy-sis.classes",
          "31",
          "2024-01-01T23:30:00.000Z",
          "2024-01-01T23:30:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => [r.key, r.reasons])).toMatchInlineSnapshot(`
      [
        [
          "32",
          [
            {
              "column": "class_name",
              "message": "missing",
              "rule": "text",
            },
            {
              "column": "capacity",
              "message": "-5 is not 0–10000",
              "rule": "integer",
            },
          ],
        ],
      ]
    `)
  })
  it("points at the teacher ids the teachers entity gives", () => {
    const t = runBatch(LegacySis.teachers(base), teacherRows, teacherKeys)
    const c = runBatch(entity, classRows, classKeys)
    const at = Academic.Classes.columns.indexOf("homeroom_teacher_id")
    expect(c.ok.map((r) => r[at])).toEqual([t.ok[0]![0], null])
  })
  it("links a school year named in an optional academic_year column; a non-year is noted and left empty", () => {
    const rows = [
      { ...classRows[0]!, academic_year: "Sesi 2024/25" },
      { ...classRows[0]!, class_id: 33, academic_year: "semasa" },
    ]
    const result = runBatch(entity, rows, ["30", "33"])
    const at = Academic.Classes.columns.indexOf("academic_year_id")
    expect(result.ok.map((r) => r[at])).toEqual([
      TargetId.of(LegacySis.academicYearsEntity, "SA01", "2024/2025"),
      null,
    ])
    expect(result.notes.filter((n) => n.rule === "academic_year").map((n) => [n.key, n.message])).toEqual([
      ["33", "semasa is not a school year name; stored as empty"],
    ])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, classRows, classKeys)).toEqual(runBatch(entity, classRows, classKeys))
  })
})

describe("LegacySis.enrollments", () => {
  const entity = LegacySis.enrollments(base)
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, enrollmentRows, enrollmentKeys)
    expect(decodes(Academic.Enrollments, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "9ce8aded-2bb9-8000-8000-000000000028",
          "SA01",
          "e5b5aded-2bb9-8000-8000-00000000000a",
          "0068aded-2bb9-8000-8000-00000000001e",
          "2024-01-02",
          null,
          "active",
          "legacy-sis.enrollments",
          "40",
          "2024-01-02T00:00:00.000Z",
          "2024-01-02T00:00:00.000Z",
          null,
        ],
        [
          "9ce8aded-2bb9-8000-8000-000000000029",
          "SA01",
          "e5b5aded-2bb9-8000-8000-00000000000b",
          "0068aded-2bb9-8000-8000-00000000001f",
          "2024-01-02",
          "2024-06-30",
          "withdrawn",
          "legacy-sis.enrollments",
          "41",
          "2024-01-02T00:00:00.000Z",
          "2024-06-30T04:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => [r.key, r.reasons])).toMatchInlineSnapshot(`
      [
        [
          "42",
          [
            {
              "column": "student_id",
              "message": "no student_id: the row points at nothing",
              "rule": "reference",
            },
          ],
        ],
      ]
    `)
  })
  it("points at the student and class ids their entities give", () => {
    const numbers = StudentNumber.plan(LegacySis.numberInputs(students, base), "SA01")
    const emails = LegacySis.indexUsersByEmail(users)
    const s = runBatch(
      LegacySis.students({ ...base, numbers, emails }),
      students,
      students.map((r) => String(r.student_id)),
    )
    const c = runBatch(LegacySis.classes(base), classRows, classKeys)
    const e = runBatch(entity, enrollmentRows, enrollmentKeys)
    const st = Academic.Enrollments.columns.indexOf("student_id")
    const cl = Academic.Enrollments.columns.indexOf("class_id")
    expect(e.ok.map((r) => [r[st], r[cl]])).toEqual([
      [s.ok[0]![0], c.ok[0]![0]],
      [s.ok[1]![0], c.ok[1]![0]],
    ])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, enrollmentRows, enrollmentKeys)).toEqual(
      runBatch(entity, enrollmentRows, enrollmentKeys),
    )
  })
})

const attendanceRows: ReadonlyArray<LegacySis.AttendanceRow> = [
  {
    attendance_id: 50,
    student_id: 10,
    class_id: 30,
    attendance_date: "14/01/2025",
    status: "H",
    remarks: null,
    recorded_by: 1,
    created_date: "2025-01-14 07:45:00",
    modified_date: null,
  },
  {
    attendance_id: 51,
    student_id: 11,
    class_id: null,
    attendance_date: "2025-01-15",
    status: " mc ",
    remarks: "  Demam  ",
    recorded_by: null,
    created_date: "2025-01-15 07:45:00",
    modified_date: null,
  },
  {
    attendance_id: 52,
    student_id: 10,
    class_id: 30,
    attendance_date: "2025-01-16",
    status: "Q",
    remarks: null,
    recorded_by: 1,
    created_date: "2025-01-14 07:45:00",
    modified_date: null,
  },
  {
    attendance_id: 53,
    student_id: "",
    class_id: 30,
    attendance_date: null,
    status: "P",
    remarks: null,
    recorded_by: null,
    created_date: "2025-01-14 07:45:00",
    modified_date: null,
  },
]
const attendanceKeys = attendanceRows.map((r) => String(r.attendance_id))

describe("LegacySis.attendance", () => {
  const entity = LegacySis.attendance(base)
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, attendanceRows, attendanceKeys)
    expect(decodes(Academic.Attendance, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "6eb0aded-2bb9-8000-8000-000000000032",
          "SA01",
          "e5b5aded-2bb9-8000-8000-00000000000a",
          "0068aded-2bb9-8000-8000-00000000001e",
          "2025-01-14",
          "present",
          null,
          "2f16aded-2bb9-8000-8000-000000000001",
          "legacy-sis.attendance",
          "50",
          "2025-01-13T23:45:00.000Z",
          "2025-01-13T23:45:00.000Z",
          null,
        ],
        [
          "6eb0aded-2bb9-8000-8000-000000000033",
          "SA01",
          "e5b5aded-2bb9-8000-8000-00000000000b",
          null,
          "2025-01-15",
          "sick",
          "Demam",
          null,
          "legacy-sis.attendance",
          "51",
          "2025-01-14T23:45:00.000Z",
          "2025-01-14T23:45:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => [r.key, r.reasons])).toMatchInlineSnapshot(`
      [
        [
          "52",
          [
            {
              "column": "attendance_date",
              "message": "2025-01-16 is in the future",
              "rule": "date",
            },
            {
              "column": "status",
              "message": "unknown attendance status "Q"",
              "rule": "attendance_status",
            },
          ],
        ],
        [
          "53",
          [
            {
              "column": "student_id",
              "message": "no student_id: the row points at nothing",
              "rule": "reference",
            },
            {
              "column": "attendance_date",
              "message": "missing",
              "rule": "date",
            },
          ],
        ],
      ]
    `)
  })
  it("points at the student, class and user ids their entities give", () => {
    const numbers = StudentNumber.plan(LegacySis.numberInputs(students, base), "SA01")
    const emails = LegacySis.indexUsersByEmail(users)
    const s = runBatch(
      LegacySis.students({ ...base, numbers, emails }),
      students,
      students.map((r) => String(r.student_id)),
    )
    const c = runBatch(LegacySis.classes(base), classRows, classKeys)
    const u = runBatch(LegacySis.users({ ...base, passwords: "force-reset" }), users, ["1", "2", "3", "4"])
    const a = runBatch(entity, attendanceRows, attendanceKeys)
    const cols = ["student_id", "class_id", "recorded_by"].map((c) =>
      Academic.Attendance.columns.indexOf(c as never),
    )
    expect(a.ok.map((r) => cols.map((i) => r[i]))).toEqual([
      [s.ok[0]![0], c.ok[0]![0], u.ok[0]![0]],
      [s.ok[1]![0], null, null],
    ])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, attendanceRows, attendanceKeys)).toEqual(
      runBatch(entity, attendanceRows, attendanceKeys),
    )
  })
})

const progress = (over: Partial<LegacySis.QuranProgressRow>): LegacySis.QuranProgressRow => ({
  progress_id: 60,
  enrollment_id: 70,
  surah_no: null,
  juz_no: null,
  status: null,
  verses_done: null,
  quality_pct: null,
  start_date: null,
  complete_date: null,
  last_review_date: null,
  review_count: null,
  notes: null,
  created_date: "2024-02-01 08:00:00",
  modified_date: null,
  ...over,
})

// Al-Baqarah 2:150 lies in juz 2 (which begins at 2:142), not the seed formula's answer.
const progressRows: ReadonlyArray<LegacySis.QuranProgressRow> = [
  progress({
    progress_id: 60,
    surah_no: "2",
    juz_no: 1,
    status: "ongoing",
    verses_done: "150",
    quality_pct: "87.456",
    start_date: "2024-02-01",
    review_count: 3,
    last_review_date: "2025-01-10",
  }),
  progress({
    progress_id: 61,
    enrollment_id: "71",
    surah_no: 114,
    juz_no: 30,
    status: "V",
    verses_done: 6,
    quality_pct: 100,
    start_date: "2024-03-01",
    complete_date: "2024-03-08",
    notes: "Mumtaz",
  }),
  progress({ progress_id: 62, surah_no: 115, status: "P", verses_done: 3, quality_pct: "101" }),
  progress({ progress_id: 63, enrollment_id: null, surah_no: 1, status: "X", verses_done: 9 }),
  progress({ progress_id: 64, surah_no: "two", status: "C", verses_done: "-1", quality_pct: "abc" }),
]
const progressKeys = progressRows.map((r) => String(r.progress_id))

describe("LegacySis.quranProgress", () => {
  const entity = LegacySis.quranProgress(base)
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, progressRows, progressKeys)
    expect(decodes(Islamic.HafizProgress, result.ok)).toEqual(["Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "ec45aded-2bb9-8000-8000-00000000003c",
          "SA01",
          "b4e9aded-2bb9-8000-8000-000000000046",
          2,
          2,
          "in_progress",
          150,
          286,
          "87.46",
          "2024-02-01",
          null,
          "2025-01-10",
          3,
          null,
          "legacy-sis.quran_progress",
          "60",
          "2024-02-01T00:00:00.000Z",
          "2024-02-01T00:00:00.000Z",
          null,
        ],
        [
          "ec45aded-2bb9-8000-8000-00000000003d",
          "SA01",
          "b4e9aded-2bb9-8000-8000-000000000047",
          114,
          30,
          "certified",
          6,
          6,
          "100",
          "2024-03-01",
          "2024-03-08",
          null,
          0,
          "Mumtaz",
          "legacy-sis.quran_progress",
          "61",
          "2024-02-01T00:00:00.000Z",
          "2024-02-01T00:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => [r.key, r.reasons])).toMatchInlineSnapshot(`
      [
        [
          "62",
          [
            {
              "column": "surah_no",
              "message": "surah 115 is not 1–114",
              "rule": "surah_range",
            },
          ],
        ],
        [
          "63",
          [
            {
              "column": "enrollment_id",
              "message": "no enrollment_id: the row points at nothing",
              "rule": "reference",
            },
            {
              "column": "verses_done",
              "message": "9 verses is not 0–7, the verses of surah 1",
              "rule": "verse_range",
            },
          ],
        ],
        [
          "64",
          [
            {
              "column": "surah_no",
              "message": "two is not a whole number",
              "rule": "integer",
            },
          ],
        ],
      ]
    `)
    expect(
      result.notes.filter((n) => n.key === "60").map((n) => [n.column, n.message]),
    ).toMatchInlineSnapshot(`
      [
        [
          "quality_pct",
          "87.456 rounded to 87.46",
        ],
        [
          "status",
          "mapped "ongoing" to "in_progress"",
        ],
        [
          "created_date",
          "converted from Asia/Kuala_Lumpur to UTC",
        ],
        [
          "juz_no",
          "legacy juz 1 replaced by 2, from the verses memorised",
        ],
      ]
    `)
  })
  it("points at the Quran enrolment ids by ctx.id", () => {
    const result = runBatch(entity, progressRows, progressKeys)
    const at = Islamic.HafizProgress.columns.indexOf("enrollment_id")
    const ctxId = (k: number) =>
      TargetId.ordered(TargetId.prefix(LegacySis.quranEnrollmentsEntity, "SA01"), k)
    expect(result.ok.map((r) => r[at])).toEqual([ctxId(70), ctxId(71)])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, progressRows, progressKeys)).toEqual(runBatch(entity, progressRows, progressKeys))
  })
})

describe("LegacySis.students and the MyKad", () => {
  // 150614-14-5678: born 2015-06-14 in Kuala Lumpur, female (the last digit is even).
  const kad = "150614-14-5678"
  const rows = [
    // A date that does not exist, beside a valid MyKad: the MyKad's date, with a note.
    student({ student_id: 1, user_id: 1, ic_number: kad, dob: "31/02/2015", gender: "F" }),
    // Two readable values that disagree: a finding, and the record's value is kept.
    student({ student_id: 2, user_id: 2, ic_number: kad, dob: "2015-06-15", gender: "M" }),
    // A gender the code table does not know: the MyKad's.
    student({ student_id: 3, user_id: 3, ic_number: kad, dob: "2015-06-14", gender: "X" }),
    // No MyKad to fall back on: the date that does not exist is stored as empty, and the child loads.
    student({ student_id: 4, user_id: 4, dob: "31/02/2015" }),
  ].map((r) => ({ ...r, created_date: "2024-01-03 08:00:00", status: "active" }))
  const keys = rows.map((r) => String(r.student_id))
  const numbers = StudentNumber.plan(LegacySis.numberInputs(rows, base), "SA01")
  const run = (mykadWins: boolean) => {
    const out = runBatch(LegacySis.students({ ...base, numbers, mykadWins }), rows, keys)
    const columns = Academic.Students.columns
    const get = (r: ReadonlyArray<unknown>, c: string) => r[columns.indexOf(c as (typeof columns)[number])]
    return {
      out,
      loaded: out.ok.map((r) => [get(r, "legacy_id"), get(r, "date_of_birth"), get(r, "gender")]),
      notes: out.notes
        .filter((n) => n.rule === "mykad_mismatch" || n.message.includes("taken from the MyKad"))
        .map((n) => [n.key, n.column, n.rule]),
    }
  }

  it("takes a value the record cannot give from a valid MyKad, and keeps the record's where both are readable", () => {
    const { out, loaded, notes } = run(false)
    expect(loaded).toEqual([
      ["1", "2015-06-14", "female"],
      ["2", "2015-06-15", "male"],
      ["3", "2015-06-14", "female"],
      ["4", null, null],
    ])
    expect(notes).toEqual([
      ["1", "dob", "date"],
      ["2", "dob", "mykad_mismatch"],
      ["2", "gender", "mykad_mismatch"],
      ["3", "gender", "gender"],
    ])
    expect(out.notes.find((n) => n.key === "2" && n.column === "dob")?.message).toBe(
      "the MyKad's birth date is 2015-06-14, the record's 2015-06-15; the record's is stored",
    )
    expect(out.rejected).toEqual([])
    const empty = out.notes.find((n) => n.key === "4" && n.column === "dob")
    expect(empty?.message).toMatch(/stored as empty$/)
    expect(empty?.value).toBe("31/02/2015")
  })

  it("stores the MyKad's values where the manifest says it wins", () => {
    const { loaded } = run(true)
    expect(loaded).toEqual([
      ["1", "2015-06-14", "female"],
      ["2", "2015-06-14", "female"],
      ["3", "2015-06-14", "female"],
      ["4", null, null],
    ])
  })
})
