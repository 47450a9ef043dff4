import { Transform } from "@schoolbridge/core"
import { Academic, Auth } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as Password from "../src/Password.js"
import * as StudentNumber from "../src/StudentNumber.js"

// gibbonRole as installed (001 Administrator, 002 Teacher, 003 Student, 004 Parent, 006 Support Staff).
const roles = Gibbon.indexRoles([
  { gibbonRoleID: "001", category: "Staff", name: "Administrator" },
  { gibbonRoleID: "002", category: "Staff", name: "Teacher" },
  { gibbonRoleID: "003", category: "Student", name: "Student" },
  { gibbonRoleID: "004", category: "Parent", name: "Parent" },
  { gibbonRoleID: "006", category: "Staff", name: "Support Staff" },
])

const base = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
  roles,
} as const

const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

const person = (over: Partial<Gibbon.PersonRow>): Gibbon.PersonRow => ({
  gibbonPersonID: "0000000001",
  surname: "",
  firstName: "",
  preferredName: "",
  gender: "Unspecified",
  username: "",
  password: "",
  passwordStrong: "",
  passwordStrongSalt: "",
  passwordForceReset: "N",
  status: "Full",
  canLogin: "Y",
  gibbonRoleIDPrimary: "003",
  gibbonRoleIDAll: "003",
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
  ...over,
})

// Dirty on purpose: zero-filled ids, Y/N, empty strings, statuses with spaces, mojibake, split phones.
const persons: ReadonlyArray<Gibbon.PersonRow> = [
  person({
    gibbonPersonID: "0000000001",
    surname: "TAN",
    firstName: "ZoÃ«",
    gender: "F",
    username: "zoe.tan",
    passwordStrong: hash.toUpperCase(),
    passwordStrongSalt: "abcDEF123./xyz",
    dob: "2012-05-04",
    email: " Zoe.Tan@Example.COM ",
    lastTimestamp: "2024-12-01 08:00:00",
    phone1CountryCode: "60",
    phone1: "012-345 6789",
    dateStart: "2024-01-02",
  }),
  person({
    gibbonPersonID: "0000000002",
    surname: "Ali",
    firstName: "Ahmad",
    gender: "M",
    username: "ahmad.ali",
    password: "5f4dcc3b5aa765d61d8327deb882cf99",
    status: "Left",
    canLogin: "N",
    gibbonRoleIDPrimary: "002",
    gibbonRoleIDAll: "002,001",
    phone1CountryCode: " 65",
    phone1: "9123 4567",
    dateStart: "2015-08-01",
  }),
  person({
    gibbonPersonID: "0000000003",
    surname: "Lim",
    firstName: "",
    preferredName: "Mei",
    username: "parent3",
    passwordStrong: hash,
    passwordStrongSalt: "s4lt",
    passwordForceReset: "Y",
    status: "Pending Approval",
    gibbonRoleIDPrimary: "004",
    gibbonRoleIDAll: "004",
    email: "",
  }),
  person({
    gibbonPersonID: "0000000004",
    surname: "Kumar",
    firstName: "Ravi",
    gender: "Other",
    status: "Expected",
    gibbonRoleIDAll: "003,009",
    studentID: "S-0042",
  }),
  person({
    gibbonPersonID: "0000000005",
    surname: "Wong",
    firstName: "Kai",
    gender: "M",
    username: "kai.wong",
    status: "Pending Approval",
    dob: "2099-01-01",
    email: "not-an-email",
    studentID: "S-0042",
    phone1CountryCode: "abc",
    phone1: "0123456789",
    dateStart: "2024-01-02",
  }),
  person({
    gibbonPersonID: "0000000006",
    surname: "Abdullah",
    firstName: "Siti",
    gender: "Other",
    username: "siti.a",
    canLogin: "N",
    gibbonRoleIDPrimary: "003",
    gibbonRoleIDAll: "003,002",
    studentID: " S-0043 ",
    address1: "12 Jalan Ampang",
    address1District: "Kuala Lumpur",
    address1Country: "Malaysia",
    dob: "2011-02-03",
    dateStart: "2023-01-03",
  }),
]
const keys = persons.map((p) => String(p.gibbonPersonID))

// The transform run as the engine runs it (Transform.run), for tenant SA01.
const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const numbers = StudentNumber.plan(Gibbon.numberInputs(persons, base), "SA01")
const usersEntity = Gibbon.users({ ...base, passwords: "carry-over" })
const studentsEntity = Gibbon.students({ ...base, numbers })
const teachersEntity = Gibbon.teachers(base)

const rowsOf = (
  table: { readonly columns: ReadonlyArray<string> },
  ok: ReadonlyArray<ReadonlyArray<unknown>>,
) => ok.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])))

describe("Gibbon roles", () => {
  it("reads the primary role and gibbonRoleIDAll against gibbonRole", () => {
    expect([...Gibbon.categoriesOf(persons[1]!, roles)]).toEqual(["Staff"])
    expect([...Gibbon.categoriesOf(persons[5]!, roles)]).toEqual(["Student", "Staff"])
    expect([
      ...Gibbon.categoriesOf(person({ gibbonRoleIDPrimary: "004", gibbonRoleIDAll: "" }), roles),
    ]).toEqual(["Parent"])
    expect(roles.get("3")).toBe("Student")
  })
})

describe("Gibbon passwords", () => {
  const cols = { password: "", passwordStrong: hash, passwordStrongSalt: "s4lt", passwordForceReset: "N" }
  it("carries the salted sha256 over as salt$hex tagged gibbon_sha256", () => {
    expect(Gibbon.passwordColumns("carry-over", cols)).toEqual({
      columns: {
        password_hash: `s4lt$${hash}`,
        password_algorithm: "gibbon_sha256",
        must_reset_password: false,
      },
    })
  })
  it("resets under force-reset, on Gibbon's own reset flag, and for anything not a salted sha256", () => {
    const reset = { password_hash: null, password_algorithm: null, must_reset_password: true }
    expect(Gibbon.passwordColumns("force-reset", cols)).toEqual({ columns: reset })
    expect(Gibbon.passwordColumns("carry-over", { ...cols, passwordForceReset: "Y" })).toEqual({
      columns: reset,
      fallback: "gibbon_reset",
    })
    expect(Gibbon.passwordColumns("carry-over", { ...cols, passwordStrongSalt: "" })).toEqual({
      columns: reset,
      fallback: "unrecognised",
    })
    expect(Gibbon.passwordColumns("carry-over", { ...cols, passwordStrong: "hunter2" })).toEqual({
      columns: reset,
      fallback: "unrecognised",
    })
    expect(
      Gibbon.passwordColumns("carry-over", {
        ...cols,
        passwordStrong: "",
        password: "5f4dcc3b5aa765d61d8327deb882cf99",
      }),
    ).toEqual({ columns: reset, fallback: "weak" })
    expect(Gibbon.passwordColumns("carry-over", { ...cols, passwordStrong: "" })).toEqual({
      columns: reset,
      fallback: "missing",
    })
  })
  it("writes an argon2id reset hash of the account's own wherever it resets, when given the run's", () => {
    const run = Password.resetHash()
    const reset = {
      password_hash: expect.stringMatching(/^\$argon2id\$/),
      password_algorithm: "argon2id",
      must_reset_password: true,
    }
    expect(Gibbon.passwordColumns("force-reset", cols, run)).toEqual({ columns: reset })
    expect(Gibbon.passwordColumns("carry-over", { ...cols, passwordForceReset: "Y" }, run)).toEqual({
      columns: reset,
      fallback: "gibbon_reset",
    })
    expect(Gibbon.passwordColumns("carry-over", { ...cols, passwordStrong: "" }, run)).toEqual({
      columns: reset,
      fallback: "missing",
    })
    const a = Gibbon.passwordColumns("force-reset", cols, run).columns.password_hash
    const b = Gibbon.passwordColumns("force-reset", cols, run).columns.password_hash
    expect(a).not.toBe(b)
  })
})

describe("gibbon.users", () => {
  it("maps everyone with a username; a bad email or phone is stored as empty with a note", () => {
    const out = runBatch(usersEntity, persons)
    expect(rowsOf(Auth.Users, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "avatar_url": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "deleted_at": null,
          "email": "zoe.tan@example.com",
          "email_verified": false,
          "first_name": "Zoë",
          "id": "2949aded-2bb9-8000-8000-000000000001",
          "last_login_at": "2024-12-01T00:00:00.000Z",
          "last_name": "Tan",
          "legacy_id": "1",
          "legacy_source": "gibbon.users",
          "must_reset_password": false,
          "name_in_script": null,
          "official_name": null,
          "password_algorithm": "gibbon_sha256",
          "password_hash": "abcDEF123./xyz$9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          "phone": "+60123456789",
          "status": "active",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "username": "zoe.tan",
        },
        {
          "avatar_url": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "deleted_at": null,
          "email": null,
          "email_verified": false,
          "first_name": "Ahmad",
          "id": "2949aded-2bb9-8000-8000-000000000002",
          "last_login_at": null,
          "last_name": "Ali",
          "legacy_id": "2",
          "legacy_source": "gibbon.users",
          "must_reset_password": true,
          "name_in_script": null,
          "official_name": null,
          "password_algorithm": null,
          "password_hash": null,
          "phone": "+6591234567",
          "status": "inactive",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "username": "ahmad.ali",
        },
        {
          "avatar_url": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "deleted_at": null,
          "email": null,
          "email_verified": false,
          "first_name": "Mei",
          "id": "2949aded-2bb9-8000-8000-000000000003",
          "last_login_at": null,
          "last_name": "Lim",
          "legacy_id": "3",
          "legacy_source": "gibbon.users",
          "must_reset_password": true,
          "name_in_script": null,
          "official_name": null,
          "password_algorithm": null,
          "password_hash": null,
          "phone": null,
          "status": "pending",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "username": "parent3",
        },
        {
          "avatar_url": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "deleted_at": null,
          "email": null,
          "email_verified": false,
          "first_name": "Kai",
          "id": "2949aded-2bb9-8000-8000-000000000005",
          "last_login_at": null,
          "last_name": "Wong",
          "legacy_id": "5",
          "legacy_source": "gibbon.users",
          "must_reset_password": true,
          "name_in_script": null,
          "official_name": null,
          "password_algorithm": null,
          "password_hash": null,
          "phone": null,
          "status": "pending",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "username": "kai.wong",
        },
        {
          "avatar_url": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "deleted_at": null,
          "email": null,
          "email_verified": false,
          "first_name": "Siti",
          "id": "2949aded-2bb9-8000-8000-000000000006",
          "last_login_at": null,
          "last_name": "Abdullah",
          "legacy_id": "6",
          "legacy_source": "gibbon.users",
          "must_reset_password": true,
          "name_in_script": null,
          "official_name": null,
          "password_algorithm": null,
          "password_hash": null,
          "phone": null,
          "status": "inactive",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "username": "siti.a",
        },
      ]
    `)
    expect(out.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`[]`)
    expect(out.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "0000000004",
          "reason": "no username: the person has no login",
        },
      ]
    `)
    expect(out.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "firstName",
          "key": "0000000001",
          "message": "repaired text encoding (UTF-8 read as Windows-1252)",
          "rule": "person_name",
        },
        {
          "column": "surname",
          "key": "0000000001",
          "message": "capitalized the name (it was all upper case)",
          "rule": "person_name",
        },
        {
          "column": "status",
          "key": "0000000001",
          "message": "mapped "Full" to "active"",
          "rule": "user_status",
        },
        {
          "column": "email",
          "key": "0000000001",
          "message": "converted to lower case",
          "rule": "email",
        },
        {
          "column": "phone1",
          "key": "0000000001",
          "message": "removed spaces; removed dashes; removed the leading 0; joined the separately stored country code +60",
          "rule": "phone",
        },
        {
          "column": "lastTimestamp",
          "key": "0000000001",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "status",
          "key": "0000000002",
          "message": "mapped "Left" to "inactive"",
          "rule": "user_status",
        },
        {
          "column": "phone1",
          "key": "0000000002",
          "message": "removed spaces; joined the separately stored country code +65",
          "rule": "phone",
        },
        {
          "column": "passwordStrong",
          "key": "0000000002",
          "message": "only the old unsalted md5 password is set: not kept, reset required",
          "rule": "password_policy",
        },
        {
          "column": "status",
          "key": "0000000003",
          "message": "mapped "Pending Approval" to "pending"",
          "rule": "user_status",
        },
        {
          "column": "passwordStrong",
          "key": "0000000003",
          "message": "Gibbon required a password reset (passwordForceReset Y): reset required",
          "rule": "password_policy",
        },
        {
          "column": "status",
          "key": "0000000005",
          "message": "mapped "Pending Approval" to "pending"",
          "rule": "user_status",
        },
        {
          "column": "email",
          "key": "0000000005",
          "message": "no @ in the address; stored as empty",
          "rule": "email",
          "value": "not-an-email",
        },
        {
          "column": "phone1",
          "key": "0000000005",
          "message": ""abc" is not a country calling code; stored as empty",
          "rule": "phone",
          "value": "0123456789",
        },
        {
          "column": "passwordStrong",
          "key": "0000000005",
          "message": "no legacy password hash: the user must set a password",
          "rule": "password_policy",
        },
        {
          "column": "status",
          "key": "0000000006",
          "message": "mapped "Full" to "active"",
          "rule": "user_status",
        },
        {
          "column": "canLogin",
          "key": "0000000006",
          "message": "login disabled in Gibbon: active → inactive",
          "rule": "user_status",
        },
        {
          "column": "passwordStrong",
          "key": "0000000006",
          "message": "no legacy password hash: the user must set a password",
          "rule": "password_policy",
        },
      ]
    `)
  })
})

describe("gibbon.students", () => {
  it("maps Student-role persons; others are skipped", () => {
    const out = runBatch(studentsEntity, persons)
    expect(rowsOf(Academic.Students, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "address": null,
          "admission_date": "2024-01-02",
          "blood_type": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "date_of_birth": "2012-05-04",
          "deleted_at": null,
          "gender": "female",
          "id": "db39aded-2bb9-8000-8000-000000000001",
          "legacy_id": "1",
          "legacy_source": "gibbon.students",
          "medical_notes": null,
          "national_id": null,
          "nationality": null,
          "status": "active",
          "student_number": "STU2024SA010001",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "user_id": "2949aded-2bb9-8000-8000-000000000001",
        },
        {
          "address": {
            "city": "Kuala Lumpur",
            "country": "MY",
            "line1": "12 Jalan Ampang",
            "line2": null,
            "postcode": null,
            "state": null,
          },
          "admission_date": "2023-01-03",
          "blood_type": null,
          "created_at": "2025-01-15T00:00:00.000Z",
          "date_of_birth": "2011-02-03",
          "deleted_at": null,
          "gender": null,
          "id": "db39aded-2bb9-8000-8000-000000000006",
          "legacy_id": "6",
          "legacy_source": "gibbon.students",
          "medical_notes": null,
          "national_id": null,
          "nationality": null,
          "status": "active",
          "student_number": "S-0043",
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "user_id": "2949aded-2bb9-8000-8000-000000000006",
        },
      ]
    `)
    expect(out.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`
      [
        {
          "key": "0000000004",
          "reasons": [
            {
              "column": "username",
              "message": "no username: the person has no user row to link to",
              "rule": "user_link",
            },
          ],
        },
      ]
    `)
    expect(out.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "0000000002",
          "reason": "not a student",
        },
        {
          "key": "0000000003",
          "reason": "not a student",
        },
        {
          "key": "0000000005",
          "reason": "pending approval in Gibbon: not admitted, so not a student yet",
        },
      ]
    `)
    expect(out.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "studentID",
          "key": "0000000001",
          "message": "generated STU2024SA010001",
          "rule": "student_number",
        },
        {
          "column": "status",
          "key": "0000000001",
          "message": "mapped "Full" to "active"",
          "rule": "student_status",
        },
        {
          "column": "gender",
          "key": "0000000001",
          "message": "mapped "f" to "female"",
          "rule": "gender",
        },
        {
          "column": "gibbonRoleIDAll",
          "key": "0000000004",
          "message": "role 9 is not in gibbonRole",
          "rule": "gibbon_role",
        },
        {
          "column": "status",
          "key": "0000000004",
          "message": "mapped "Expected" to "active"",
          "rule": "student_status",
        },
        {
          "column": "status",
          "key": "0000000006",
          "message": "mapped "Full" to "active"",
          "rule": "student_status",
        },
        {
          "column": "address1",
          "key": "0000000006",
          "message": "country: mapped "Malaysia" to MY",
          "rule": "address",
        },
        {
          "column": "gender",
          "key": "0000000006",
          "message": "mapped "other" to "other"",
          "rule": "gender",
        },
        {
          "column": "gender",
          "key": "0000000006",
          "message": "Gibbon gender Other has no portal label: stored as empty",
          "rule": "gender",
        },
      ]
    `)
  })
})

describe("gibbon.teachers", () => {
  it("maps Staff-role persons; others are skipped", () => {
    const out = runBatch(teachersEntity, persons)
    expect(rowsOf(Academic.Teachers, out.ok)).toMatchInlineSnapshot(`
      [
        {
          "created_at": "2025-01-15T00:00:00.000Z",
          "date_of_birth": null,
          "deleted_at": null,
          "employment_status": "resigned",
          "gender": "male",
          "hire_date": "2015-08-01",
          "id": "d7a6aded-2bb9-8000-8000-000000000002",
          "legacy_id": "2",
          "legacy_source": "gibbon.teachers",
          "qualification": null,
          "specialization": null,
          "staff_number": null,
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "user_id": "2949aded-2bb9-8000-8000-000000000002",
        },
        {
          "created_at": "2025-01-15T00:00:00.000Z",
          "date_of_birth": "2011-02-03",
          "deleted_at": null,
          "employment_status": "active",
          "gender": null,
          "hire_date": "2023-01-03",
          "id": "d7a6aded-2bb9-8000-8000-000000000006",
          "legacy_id": "6",
          "legacy_source": "gibbon.teachers",
          "qualification": null,
          "specialization": null,
          "staff_number": null,
          "tenant_id": "SA01",
          "updated_at": "2025-01-15T00:00:00.000Z",
          "user_id": "2949aded-2bb9-8000-8000-000000000006",
        },
      ]
    `)
    expect(out.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`[]`)
    expect(out.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "0000000001",
          "reason": "not staff",
        },
        {
          "key": "0000000003",
          "reason": "not staff",
        },
        {
          "key": "0000000004",
          "reason": "not staff",
        },
        {
          "key": "0000000005",
          "reason": "not staff",
        },
      ]
    `)
  })
})

describe("Gibbon person links", () => {
  it("points students and teachers at the ids the users entity gives the same person", () => {
    const users = runBatch(usersEntity, persons)
    const userIds = new Map(users.ok.map((r, i) => [users.okKeys[i], r[0]]))
    const userIdColumn = (table: { readonly columns: ReadonlyArray<string> }) =>
      table.columns.indexOf("user_id")
    const students = runBatch(studentsEntity, persons)
    const teachers = runBatch(teachersEntity, persons)
    expect(students.ok.length).toBeGreaterThan(0)
    expect(teachers.ok.length).toBeGreaterThan(0)
    students.ok.forEach((r, i) => {
      expect(r[userIdColumn(Academic.Students)]).toBe(userIds.get(students.okKeys[i]))
    })
    teachers.ok.forEach((r, i) => {
      expect(r[userIdColumn(Academic.Teachers)]).toBe(userIds.get(teachers.okKeys[i]))
    })
  })

  it("is idempotent: the same rows map to the same ids and rows", () => {
    for (const entity of [usersEntity, studentsEntity, teachersEntity] as const) {
      const a = runBatch(
        entity as { name: string; transform: Transform.Transform<Gibbon.PersonRow> },
        persons,
      )
      const b = runBatch(
        entity as { name: string; transform: Transform.Transform<Gibbon.PersonRow> },
        persons,
      )
      expect(b).toEqual(a)
    }
  })
})
