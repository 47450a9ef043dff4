import { TargetId, Transform } from "@schoolbridge/core"
import { Academic, Auth } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import * as Moodle from "../src/Moodle.js"

const tenant = "SA01"
const loadedAt = "2025-01-15T00:00:00Z"
const idOf = (entity: string, key: string | number) => TargetId.of(entity, tenant, key)

const run = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant })

const rowsOf = (
  table: { readonly columns: ReadonlyArray<string> },
  ok: ReadonlyArray<ReadonlyArray<unknown>>,
) => ok.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])))

const reasonsOf = (result: Transform.Result) =>
  result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])

// Portal users as the app reads them; ids are what auth.users already holds.
const U_AISYAH = "00000000-0000-4000-8000-00000000000a"
const U_BEN = "00000000-0000-4000-8000-00000000000b"
const U_TEACHER = "00000000-0000-4000-8000-00000000000c"
const U_ZARA = "00000000-0000-4000-8000-00000000000d"
const U_CHLOE = "00000000-0000-4000-8000-00000000000e"
const S_AISYAH = "00000000-0000-4000-8000-0000000000aa"
const S_BEN = "00000000-0000-4000-8000-0000000000bb"
const S_CHLOE = "00000000-0000-4000-8000-0000000000ee"

const match = Moodle.userMatch({
  users: [
    { id: U_AISYAH, email: "aisyah@school.my", username: "aisyah" },
    { id: U_BEN, email: "ben@school.my", username: "ben" },
    { id: U_TEACHER, email: "teacher@school.my", username: "cikgu" },
    { id: U_ZARA, email: null, username: "Zara" },
    { id: U_CHLOE, email: "chloe@school.my", username: "chloe" },
  ],
  students: [
    { id: S_AISYAH, user_id: U_AISYAH, student_number: "S-0001" },
    { id: S_BEN, user_id: U_BEN, student_number: "S-0002" },
    { id: S_CHLOE, user_id: U_CHLOE, student_number: "S-0003" },
  ],
  identifiers: [
    { user_id: U_TEACHER, value: "T-77" },
    { user_id: U_AISYAH, value: "A-OLD" },
  ],
})

const bcrypt = "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"

const user = (over: Partial<Moodle.UserRow>): Moodle.UserRow => ({
  id: 0,
  auth: "manual",
  confirmed: true,
  deleted: false,
  suspended: false,
  username: "",
  password: "",
  idnumber: "",
  firstname: "",
  lastname: "",
  email: "",
  phone1: "",
  lastaccess: 0,
  timecreated: 1704067200,
  timemodified: 1704067200,
  ...over,
})

// Dirty on purpose: guest, admin, deleted, suspended, nologin, duplicate emails, idnumbers in the
// wrong case, an idnumber and an email naming different people, a taken username, zero times.
const users: ReadonlyArray<Moodle.UserRow> = [
  user({ id: 1, username: "guest", firstname: "Guest user", email: "root@localhost", confirmed: true }),
  user({ id: 2, username: "admin", firstname: "Admin", lastname: "User", email: "admin@moodle.local" }),
  user({ id: 3, username: "aisyah", idnumber: " s-0001 ", firstname: "Aisyah", email: "aisyah@school.my" }),
  user({ id: 4, username: "ben", idnumber: "X-999", firstname: "Ben", email: " Ben@School.MY " }),
  user({ id: 5, username: "cikgu.m", idnumber: "T-77", firstname: "Mariam", email: "other@school.my" }),
  user({ id: 6, username: "gone@x.com.1700000000", deleted: 1, idnumber: "S-0001", firstname: "Gone" }),
  user({
    id: 7,
    username: "chong",
    password: bcrypt,
    firstname: "wei ming",
    lastname: "CHONG",
    email: "chong@x.com",
    suspended: 1,
    phone1: "012-345 6789",
    lastaccess: 1706745600,
    timemodified: 1706745600,
  }),
  user({ id: 8, username: "dup1", firstname: "Dup", lastname: "One", email: "dup@x.com" }),
  user({ id: 9, username: "dup2", firstname: "Dup", lastname: "Two", email: "DUP@x.com" }),
  user({
    id: 10,
    username: "noone",
    auth: "nologin",
    password: "not cached",
    firstname: "No",
    lastname: "Login",
    email: "noone@x.com",
    timecreated: 0,
    timemodified: 0,
  }),
  user({ id: 11, username: "mixed", idnumber: "S-0003", firstname: "Mixed", email: "teacher@school.my" }),
  user({ id: 12, username: "ZARA", firstname: "Zara", email: "zara@x.com" }),
  user({ id: 13, username: "pending", firstname: "", email: "bad@", confirmed: 0 }),
  user({ id: 14, username: "aisyah.old", idnumber: "A-OLD", firstname: "Aisyah", email: "aisyah.old@x.com" }),
]
const userKeys = users.map((u) => String(u.id))

const plan = Moodle.planUsers(users, match, { unmatched: "create" })

describe("Moodle storage conventions", () => {
  it("reads ids, flags and blanks", () => {
    expect([Moodle.normalizeId(12), Moodle.normalizeId("0012"), Moodle.normalizeId(0)]).toEqual([
      "12",
      "12",
      undefined,
    ])
    expect([Moodle.flag(true), Moodle.flag(1), Moodle.flag("0"), Moodle.flag(null)]).toEqual([
      true,
      true,
      false,
      false,
    ])
    expect(Moodle.blank("  ")).toBeNull()
  })
  it("turns Unix seconds into UTC instants and local dates; 0 is never", () => {
    expect(Moodle.instant(1704067200)).toBe("2024-01-01T00:00:00Z")
    expect(Moodle.instant("1704067201")).toBe("2024-01-01T00:00:01Z")
    expect(Moodle.instant(0)).toBeNull()
    expect(Moodle.localDate(1704038400, "Asia/Kuala_Lumpur")).toBe("2024-01-01")
    expect(Moodle.localDate(1704038400, "UTC")).toBe("2023-12-31")
    expect(Moodle.localDate(0, "UTC")).toBeNull()
  })
  it("scales grades exactly and rounds half away from zero", () => {
    expect(Moodle.decimal("85.50000")).toBe(8550000n)
    expect(Moodle.decimal(7)).toBe(700000n)
    expect(Moodle.decimal("1.234567")).toBeUndefined()
    expect(Moodle.decimal("abc")).toBeUndefined()
    expect(Moodle.toScore(8550500n)).toBe("85.51")
    expect(Moodle.toScore(-100500n)).toBe("-1.01")
    expect(Moodle.percentage(2000000n, 0n, 3000000n)).toBe("66.67")
    expect(Moodle.percentage(300000n, 100000n, 500000n)).toBe("50.00")
    expect(Moodle.percentage(3000001n, 0n, 3000000n)).toBeUndefined()
    expect(Moodle.percentage(0n, 0n, 0n)).toBeUndefined()
  })
  it("names the source tables under a prefix", () => {
    expect(Moodle.tables("m_").gradeGrades).toBe("m_grade_grades")
    expect(Moodle.tables().user).toBe("mdl_user")
  })
})

describe("Moodle user matching", () => {
  it("leaves ambiguous portal keys out of the index", () => {
    const m = Moodle.userMatch({
      users: [
        { id: U_AISYAH, email: "same@x.com", username: null },
        { id: U_BEN, email: "SAME@x.com ", username: null },
      ],
      identifiers: [
        { user_id: U_AISYAH, value: "K1" },
        { user_id: U_BEN, value: "k1" },
        { user_id: U_BEN, value: "K2" },
      ],
    })
    expect([...m.byEmail]).toEqual([])
    expect([...m.byIdnumber]).toEqual([["K2", U_BEN]])
  })
  it("plans every user: idnumber first, then username, then email; never the guest, the deleted or an unmatched admin", () => {
    const noIdnumber = (by: string) => ({
      column: "idnumber",
      rule: "moodle_idnumber",
      message: `no idnumber in Moodle; matched by ${by}`,
    })
    expect(Object.fromEntries(plan)).toEqual({
      "1": { kind: "skipped", reason: "the Moodle guest account" },
      "2": {
        kind: "skipped",
        reason:
          "a Moodle site administrator matching no portal user: portal administrators are provisioned, not migrated",
      },
      "3": { kind: "matched", userId: U_AISYAH, studentId: S_AISYAH, by: "idnumber", notes: [] },
      // An idnumber that names no one is reported; the username finds Ben.
      "4": {
        kind: "matched",
        userId: U_BEN,
        studentId: S_BEN,
        by: "username",
        notes: [
          {
            column: "idnumber",
            rule: "moodle_idnumber",
            message:
              "idnumber X-999 is no portal student number, staff number or username; matched by username",
          },
        ],
      },
      "5": {
        kind: "matched",
        userId: U_TEACHER,
        studentId: null,
        by: "idnumber",
        notes: [
          {
            column: "email",
            rule: "moodle_email_differs",
            message: "Moodle has other@school.my, the portal teacher@school.my: the portal's is kept",
          },
        ],
      },
      "6": { kind: "skipped", reason: "deleted in Moodle" },
      "7": { kind: "created" },
      "8": {
        kind: "rejected",
        reasons: [
          {
            column: "email",
            rule: "email_unique",
            message: "email dup@x.com is shared by several Moodle users",
          },
        ],
      },
      "9": {
        kind: "rejected",
        reasons: [
          {
            column: "email",
            rule: "email_unique",
            message: "email dup@x.com is shared by several Moodle users",
          },
        ],
      },
      "10": { kind: "created" },
      "11": {
        kind: "matched",
        userId: U_CHLOE,
        studentId: S_CHLOE,
        by: "idnumber",
        notes: [
          {
            column: "email",
            rule: "moodle_user_match",
            message: `email teacher@school.my belongs to portal user ${U_TEACHER}; matched by idnumber instead`,
          },
          {
            column: "email",
            rule: "moodle_email_differs",
            message: "Moodle has teacher@school.my, the portal chloe@school.my: the portal's is kept",
          },
        ],
      },
      // Zara's Moodle email is not the portal's (she has none there): her username is hers.
      "12": {
        kind: "matched",
        userId: U_ZARA,
        studentId: null,
        by: "username",
        notes: [noIdnumber("username")],
      },
      "13": {
        kind: "rejected",
        reasons: [
          { column: "email", rule: "email", message: expect.any(String) },
          { column: "firstname", rule: "person_name", message: "missing" },
        ],
      },
      "14": {
        kind: "rejected",
        reasons: [
          {
            column: "idnumber",
            rule: "moodle_user_duplicate",
            message: `portal user ${U_AISYAH} is already matched by Moodle user 3`,
          },
        ],
      },
    })
  })
  it("keeps one Moodle account per portal user: an idnumber match first, then the lowest id", () => {
    const m = Moodle.planUsers(
      [
        user({ id: 20, username: "ben.a", email: "ben@school.my" }),
        user({ id: 21, username: "ben.b", idnumber: "S-0002" }),
      ],
      match,
      { unmatched: "create" },
    )
    expect(Object.fromEntries(m)).toEqual({
      "20": {
        kind: "rejected",
        reasons: [
          {
            column: "email",
            rule: "moodle_user_duplicate",
            message: `portal user ${U_BEN} is already matched by Moodle user 21`,
          },
        ],
      },
      "21": { kind: "matched", userId: U_BEN, studentId: S_BEN, by: "idnumber", notes: [] },
    })
  })
  it("skips or rejects unmatched users under the other policies", () => {
    const skip = Moodle.planUsers(users, match, { unmatched: "skip" })
    expect(skip.get("7")).toEqual({
      kind: "skipped",
      reason: "no portal user matches (no idnumber; email chong@x.com is no portal user's)",
    })
    const reject = Moodle.planUsers(users, match, { unmatched: "reject", siteAdmins: [] })
    expect(reject.get("2")).toEqual({
      kind: "rejected",
      reasons: [
        {
          column: "idnumber",
          rule: "moodle_user_match",
          message: "no portal user matches (no idnumber; email admin@moodle.local is no portal user's)",
        },
      ],
    })
    expect(reject.get("8")).toEqual({
      kind: "rejected",
      reasons: [
        {
          column: "idnumber",
          rule: "moodle_user_match",
          message: "no portal user matches (no idnumber; email dup@x.com is shared by several Moodle users)",
        },
      ],
    })
  })
  it("maps a matched site admin like anyone else", () => {
    const m = Moodle.planUsers([user({ id: 2, username: "admin", email: "teacher@school.my" })], match, {
      unmatched: "create",
    })
    expect(m.get("2")).toEqual({
      kind: "matched",
      userId: U_TEACHER,
      studentId: null,
      by: "email",
      notes: [
        { column: "idnumber", rule: "moodle_idnumber", message: "no idnumber in Moodle; matched by email" },
      ],
    })
  })

  it("matches an idnumber that holds the SIS username, as many schools keep it", () => {
    const m = Moodle.planUsers(
      [user({ id: 30, username: "m.chloe", idnumber: "CHLOE", email: "c@x.my" })],
      match,
      {
        unmatched: "create",
      },
    )
    expect(m.get("30")).toMatchObject({ kind: "matched", userId: U_CHLOE, by: "idnumber" })
  })

  it("matches by username only when the names agree: a username is chosen, two people may share one", () => {
    const named = Moodle.userMatch({
      users: [{ id: U_ZARA, email: null, username: "zoe.tan", first_name: "Zoë", last_name: "Tan" }],
    })
    const m = Moodle.planUsers(
      [
        user({ id: 50, username: "ZOE.TAN", firstname: "ZOE", lastname: "tan", email: "zt@x.my" }),
        user({ id: 51, username: "zoe.tan", firstname: "Zara", lastname: "Tan", email: "zara@x.my" }),
      ],
      named,
      { unmatched: "reject" },
    )
    expect(m.get("50")).toMatchObject({ kind: "matched", userId: U_ZARA, by: "username" })
    expect(m.get("51")).toMatchObject({ kind: "rejected" })
  })

  it("never creates the account of a person another run rejected: it waits for that row", () => {
    const held = Moodle.userMatch({
      users: [],
      pending: [
        { where: "gibbon.users 0000000042 (run 3)", username: "Faiz", email: null, numbers: ["S-0042"] },
      ],
    })
    const m = Moodle.planUsers(
      [
        user({ id: 40, username: "faiz", firstname: "Faiz", email: "faiz@x.my" }),
        user({ id: 41, username: "f.other", idnumber: "s-0042", firstname: "Faiz", email: "f2@x.my" }),
        user({ id: 42, username: "new", firstname: "New", email: "new@x.my" }),
      ],
      held,
      { unmatched: "create" },
    )
    for (const id of ["40", "41"])
      expect(m.get(id)).toEqual({
        kind: "rejected",
        reasons: [
          {
            column: "username",
            rule: "person_not_migrated",
            message:
              "this person was rejected by gibbon.users 0000000042 (run 3) and is not in the portal yet: correct that row and run again, then this account is matched, never created twice",
          },
        ],
      })
    expect(m.get("42")).toEqual({ kind: "created" })
  })
})

describe("Moodle users", () => {
  const result = run(Moodle.users({ tenant, loadedAt, passwords: "carry-over", plan }), users, userKeys)
  it("creates only unmatched users, carrying bcrypt under carry-over", () => {
    expect(rowsOf(Auth.Users, result.ok)).toEqual([
      {
        id: idOf(Moodle.usersEntity, 7),
        tenant_id: tenant,
        email: "chong@x.com",
        username: "chong",
        password_hash: bcrypt,
        password_algorithm: "bcrypt",
        must_reset_password: false,
        first_name: "Wei Ming",
        last_name: "Chong",
        official_name: null,
        name_in_script: null,
        phone: "+60123456789",
        avatar_url: null,
        status: "suspended",
        email_verified: false,
        last_login_at: "2024-02-01T00:00:00Z",
        legacy_source: "moodle.users",
        legacy_id: "7",
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-02-01T00:00:00Z",
        deleted_at: null,
      },
      {
        id: idOf(Moodle.usersEntity, 10),
        tenant_id: tenant,
        email: "noone@x.com",
        username: "noone",
        password_hash: null,
        password_algorithm: null,
        must_reset_password: true,
        first_name: "No",
        last_name: "Login",
        official_name: null,
        name_in_script: null,
        phone: null,
        avatar_url: null,
        status: "inactive",
        email_verified: false,
        last_login_at: null,
        legacy_source: "moodle.users",
        legacy_id: "10",
        created_at: loadedAt,
        updated_at: loadedAt,
        deleted_at: null,
      },
    ])
  })
  it("records matched users in the id map and skips the rest with reasons", () => {
    expect(result.mapped).toEqual([
      { tenant, legacyId: "3", targetId: U_AISYAH },
      { tenant, legacyId: "4", targetId: U_BEN },
      { tenant, legacyId: "5", targetId: U_TEACHER },
      { tenant, legacyId: "11", targetId: U_CHLOE },
      { tenant, legacyId: "12", targetId: U_ZARA },
    ])
    expect(result.skipped.map((s) => s.key)).toEqual(["1", "2", "3", "4", "5", "6", "11", "12"])
    expect(result.skipped[2]!.reason).toBe(`matched portal user ${U_AISYAH} by idnumber`)
    expect(reasonsOf(result)).toEqual([
      ["8", [["email", "email_unique"]]],
      ["9", [["email", "email_unique"]]],
      [
        "13",
        [
          ["email", "email"],
          ["firstname", "person_name"],
        ],
      ],
      ["14", [["idnumber", "moodle_user_duplicate"]]],
    ])
  })
  it("notes repairs, fallbacks and conflicts without the password value", () => {
    expect(result.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["4", "idnumber", "moodle_idnumber"],
      ["5", "email", "moodle_email_differs"],
      ["7", "firstname", "person_name"],
      ["7", "lastname", "person_name"],
      ["7", "phone1", "phone"],
      ["10", "password", "password_policy"],
      ["10", "timecreated", "moodle_time"],
      ["11", "email", "moodle_user_match"],
      ["11", "email", "moodle_email_differs"],
      ["12", "idnumber", "moodle_idnumber"],
    ])
    expect(JSON.stringify(result.notes)).not.toContain("not cached")
  })
  it("never carries a hash under force-reset, and gives the same ids twice", () => {
    const reset = run(Moodle.users({ tenant, loadedAt, passwords: "force-reset", plan }), users, userKeys)
    expect(rowsOf(Auth.Users, reset.ok).map((r) => [r.password_hash, r.must_reset_password])).toEqual([
      [null, true],
      [null, true],
    ])
    expect(reset.ok.map((r) => r[0])).toEqual(result.ok.map((r) => r[0]))
  })
  it("writes an argon2id reset hash of their own to every user who must reset", () => {
    const columns = (passwords: "carry-over" | "force-reset") => {
      let n = 0
      const resetHash = { _tag: "ResetHash", next: () => `$argon2id$v=19$m=8,t=1,p=1$c2FsdA$${++n}` } as const
      return rowsOf(
        Auth.Users,
        run(Moodle.users({ tenant, loadedAt, passwords, resetHash, plan }), users, userKeys).ok,
      ).map((r) => [r.legacy_id, r.password_hash, r.password_algorithm, r.must_reset_password])
    }
    expect(columns("carry-over")).toEqual([
      ["7", bcrypt, "bcrypt", false],
      ["10", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$1", "argon2id", true],
    ])
    expect(columns("force-reset")).toEqual([
      ["7", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$1", "argon2id", true],
      ["10", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$2", "argon2id", true],
    ])
  })
})

const categories = Moodle.indexCategories([
  { id: 1, name: "Miscellaneous", idnumber: null, parent: 0, path: "/1", visible: 1 },
  { id: 3, name: "Form 1", idnumber: "F1", parent: 0, path: "/3", visible: 1 },
  { id: 4, name: "  ", idnumber: null, parent: 3, path: "/3/4", visible: 1 },
])

const course = (over: Partial<Moodle.CourseRow>): Moodle.CourseRow => ({
  id: 0,
  category: 3,
  fullname: "",
  shortname: "",
  idnumber: "",
  format: "topics",
  visible: true,
  startdate: 0,
  enddate: 0,
  timecreated: 1704067200,
  timemodified: 1704067200,
  ...over,
})

const courses: ReadonlyArray<Moodle.CourseRow> = [
  course({ id: 1, category: 0, fullname: "Smart Academy", shortname: "SA", format: "site" }),
  course({ id: 2, fullname: "Mathematics Form 1", shortname: "MATH-F1", timemodified: 1706745600 }),
  course({ id: 3, category: 99, fullname: "", shortname: "SCI-F1", visible: false, timecreated: 0 }),
  course({ id: 4, fullname: " ", shortname: "" }),
]
const courseIndex = Moodle.indexCourses(courses)

describe("Moodle courses", () => {
  const result = run(Moodle.classes({ tenant, loadedAt, categories }), courses, ["1", "2", "3", "4"])
  it("maps courses to classes with the category as grade level; skips the site course", () => {
    expect([...courseIndex]).toEqual(["2", "3"])
    expect(rowsOf(Academic.Classes, result.ok)).toEqual([
      {
        id: idOf(Moodle.classesEntity, 2),
        tenant_id: tenant,
        academic_year_id: null,
        code: "MATH-F1",
        name: "Mathematics Form 1",
        grade_level: "Form 1",
        homeroom_teacher_id: null,
        capacity: null,
        room: null,
        legacy_source: "moodle.classes",
        legacy_id: "2",
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-02-01T00:00:00Z",
        deleted_at: null,
      },
      {
        id: idOf(Moodle.classesEntity, 3),
        tenant_id: tenant,
        academic_year_id: null,
        code: "SCI-F1",
        name: "SCI-F1",
        grade_level: null,
        homeroom_teacher_id: null,
        capacity: null,
        room: null,
        legacy_source: "moodle.classes",
        legacy_id: "3",
        created_at: loadedAt,
        updated_at: "2024-01-01T00:00:00Z",
        deleted_at: null,
      },
    ])
    expect(result.skipped).toEqual([{ key: "1", reason: "the Moodle site (front page) course" }])
    expect(reasonsOf(result)).toEqual([["4", [["fullname", "class_name"]]]])
    expect(result.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["3", "fullname", "class_name"],
      ["3", "category", "moodle_category"],
      ["3", "visible", "moodle_hidden"],
    ])
  })
})

const enrols = Moodle.indexEnrols([
  { id: 10, enrol: "manual", status: 0, courseid: 2 },
  { id: 11, enrol: "self", status: 1, courseid: 2 },
  { id: 12, enrol: "manual", status: 0, courseid: 1 },
  { id: 13, enrol: "manual", status: 0, courseid: 3 },
])

const ue = (over: Partial<Moodle.UserEnrolmentRow>): Moodle.UserEnrolmentRow => ({
  id: 0,
  status: 0,
  enrolid: 10,
  userid: 3,
  timestart: 1704038400,
  timeend: 0,
  timecreated: 1704067200,
  timemodified: 1704067200,
  ...over,
})

describe("Moodle enrolments", () => {
  it("keeps one enrolment per user and course: an active one first, then the lowest id", () => {
    const rows = [
      ue({ id: 30, enrolid: 11 }),
      ue({ id: 31, enrolid: 10, status: 1 }),
      ue({ id: 32, enrolid: 10, userid: 4 }),
      ue({ id: 33, enrolid: 10 }),
      ue({ id: 34, enrolid: 77 }),
    ]
    expect(Object.fromEntries(Moodle.duplicateEnrolments(rows, enrols))).toEqual({ "30": "33", "31": "33" })
  })
  const rows: ReadonlyArray<Moodle.UserEnrolmentRow> = [
    ue({ id: 1 }),
    ue({ id: 2, userid: 4, status: 1, timeend: 1735660800 }),
    ue({ id: 3, userid: 11, enrolid: 11, timestart: 0, timeend: 2147483647 }),
    ue({ id: 4, userid: 3, enrolid: 13, timeend: 1706745600 }),
    ue({ id: 5, userid: 5 }),
    ue({ id: 6, userid: 7 }),
    ue({ id: 7, userid: 6 }),
    ue({ id: 8, userid: 999 }),
    ue({ id: 9, enrolid: 77 }),
    ue({ id: 10, enrolid: 12 }),
    ue({ id: 11, userid: 4, enrolid: 13, timestart: 1706745600, timeend: 1704067200 }),
    ue({ id: 12, userid: 11, enrolid: 13, timestart: 0, timecreated: 0 }),
    ue({ id: 13, enrolid: 11 }),
    ue({ id: 14, userid: 14 }),
  ]
  const duplicates = Moodle.duplicateEnrolments(rows, enrols)
  const options = {
    tenant,
    loadedAt,
    asOf: "2025-01-15",
    users: plan,
    enrols,
    courses: courseIndex,
    duplicates,
  }
  const result = run(
    Moodle.enrollments(options),
    rows,
    rows.map((r) => String(r.id)),
  )
  const base = {
    tenant_id: tenant,
    legacy_source: "moodle.enrollments",
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    deleted_at: null,
  }
  it("maps portal students' enrolments with local dates and Moodle's statuses", () => {
    expect(rowsOf(Academic.Enrollments, result.ok)).toEqual([
      {
        ...base,
        id: idOf(Moodle.enrollmentsEntity, 1),
        student_id: S_AISYAH,
        class_id: idOf(Moodle.classesEntity, 2),
        enrollment_date: "2024-01-01",
        end_date: null,
        status: "active",
        legacy_id: "1",
      },
      {
        ...base,
        id: idOf(Moodle.enrollmentsEntity, 2),
        student_id: S_BEN,
        class_id: idOf(Moodle.classesEntity, 2),
        enrollment_date: "2024-01-01",
        end_date: "2025-01-01",
        status: "withdrawn",
        legacy_id: "2",
      },
      {
        ...base,
        id: idOf(Moodle.enrollmentsEntity, 3),
        student_id: S_CHLOE,
        class_id: idOf(Moodle.classesEntity, 2),
        enrollment_date: "2024-01-01",
        end_date: null,
        status: "withdrawn",
        legacy_id: "3",
      },
      {
        ...base,
        id: idOf(Moodle.enrollmentsEntity, 4),
        student_id: S_AISYAH,
        class_id: idOf(Moodle.classesEntity, 3),
        enrollment_date: "2024-01-01",
        end_date: "2024-02-01",
        status: "completed",
        legacy_id: "4",
      },
    ])
  })
  it("skips non-students and unmigrated users; rejects missing users, methods and courses", () => {
    expect(result.skipped).toEqual([
      { key: "5", reason: "user 5 is not a portal student" },
      { key: "6", reason: "user 7 is not a portal student" },
      { key: "7", reason: "user 6 is not migrated: deleted in Moodle" },
      { key: "13", reason: "user 3 is enrolled in course 2 again: enrolment 1 is kept" },
      {
        key: "14",
        reason: `user 14 was rejected: portal user ${U_AISYAH} is already matched by Moodle user 3`,
      },
    ])
    expect(reasonsOf(result)).toEqual([
      ["8", [["userid", "moodle_user"]]],
      ["9", [["enrolid", "moodle_enrol"]]],
      ["10", [["enrolid", "moodle_course"]]],
      ["11", [["timeend", "enrollment_dates"]]],
      ["12", [["timestart", "enrollment_date"]]],
    ])
    expect(result.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["2", "status", "enrollment_status"],
      ["3", "timestart", "moodle_time"],
      ["3", "enrolid", "enrollment_status"],
    ])
  })
})

const item = (over: Partial<Moodle.GradeItemRow>): Moodle.GradeItemRow => ({
  id: 0,
  courseid: 2,
  itemname: null,
  itemtype: "mod",
  itemmodule: "assign",
  iteminstance: 1,
  gradetype: 1,
  grademax: "100.00000",
  grademin: "0.00000",
  hidden: 0,
  timecreated: 1704067200,
  timemodified: 1704067200,
  ...over,
})

const items: ReadonlyArray<Moodle.GradeItemRow> = [
  item({
    id: 1,
    itemtype: "course",
    itemmodule: null,
    iteminstance: 2,
    timecreated: null,
    timemodified: null,
  }),
  item({ id: 2, itemname: "Essay 1", grademax: "30.00000" }),
  item({
    id: 3,
    itemname: "Quiz scale",
    itemmodule: "quiz",
    gradetype: 2,
    grademin: "1.00000",
    grademax: "5.00000",
  }),
  item({ id: 4, itemtype: "category", itemmodule: null, hidden: 1, grademax: "12.34567" }),
  item({ id: 5, itemname: "Reflection", gradetype: 3 }),
  item({ id: 6, itemname: "Broken", grademax: "0.00000" }),
  item({ id: 7, itemname: "Orphan", courseid: 42 }),
  item({ id: 8, itemname: "Weird", itemtype: "outcome" }),
  item({ id: 9, itemname: null, iteminstance: 7 }),
]
const itemIndex = Moodle.indexGradeItems(items, courseIndex)

describe("Moodle grade items", () => {
  it("refuses item types that only look like keys, and a grademax that rounds to zero", () => {
    const odd = [
      item({ id: 40, itemname: "Proto", itemtype: "constructor" }),
      item({ id: 41, itemname: "Tiny", grademax: "0.00400" }),
      item({ id: 42, itemname: "Small", grademax: "0.00500" }),
    ]
    const result = run(Moodle.assessments({ tenant, loadedAt, courses: courseIndex }), odd, [
      "40",
      "41",
      "42",
    ])
    expect(reasonsOf(result)).toEqual([
      ["40", [["itemtype", "moodle_itemtype"]]],
      ["41", [["grademax", "grade_range"]]],
    ])
    expect(rowsOf(Academic.Assessments, result.ok).map((r) => r.max_score)).toEqual(["0.01"])
  })
  const result = run(
    Moodle.assessments({ tenant, loadedAt, courses: courseIndex }),
    items,
    items.map((r) => String(r.id)),
  )
  const base = {
    tenant_id: tenant,
    academic_year_id: null,
    class_id: idOf(Moodle.classesEntity, 2),
    term: null,
    weight: null,
    assessed_on: null,
    legacy_source: "moodle.assessments",
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    deleted_at: null,
  }
  it("maps value and scale items; names totals; skips items without scores", () => {
    expect([...itemIndex.keys()]).toEqual(["1", "2", "3", "4", "9"])
    expect(rowsOf(Academic.Assessments, result.ok)).toEqual([
      {
        ...base,
        id: idOf(Moodle.assessmentsEntity, 1),
        name: "Course total",
        category: "course_total",
        max_score: "100.00",
        legacy_id: "1",
        created_at: loadedAt,
        updated_at: loadedAt,
      },
      {
        ...base,
        id: idOf(Moodle.assessmentsEntity, 2),
        name: "Essay 1",
        category: "assign",
        max_score: "30.00",
        legacy_id: "2",
      },
      {
        ...base,
        id: idOf(Moodle.assessmentsEntity, 3),
        name: "Quiz scale",
        category: "quiz",
        max_score: "5.00",
        legacy_id: "3",
      },
      {
        ...base,
        id: idOf(Moodle.assessmentsEntity, 4),
        name: "Category total",
        category: "category_total",
        max_score: "12.35",
        legacy_id: "4",
      },
      {
        ...base,
        id: idOf(Moodle.assessmentsEntity, 9),
        name: "assign 7",
        category: "assign",
        max_score: "100.00",
        legacy_id: "9",
      },
    ])
    expect(result.skipped).toEqual([{ key: "5", reason: "grade type text: the item has no score" }])
    expect(reasonsOf(result)).toEqual([
      ["6", [["grademax", "grade_range"]]],
      ["7", [["courseid", "moodle_course"]]],
      ["8", [["itemtype", "moodle_itemtype"]]],
    ])
    expect(result.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["3", "grademin", "grade_range"],
      ["4", "grademax", "grade_range"],
      ["4", "hidden", "moodle_hidden"],
      ["9", "itemname", "assessment_name"],
    ])
  })
})

const grade = (over: Partial<Moodle.GradeRow>): Moodle.GradeRow => ({
  id: 0,
  itemid: 2,
  userid: 3,
  usermodified: 5,
  finalgrade: null,
  hidden: 0,
  overridden: 0,
  excluded: 0,
  feedback: null,
  timecreated: 1704067200,
  timemodified: 1706745600,
  ...over,
})

describe("Moodle grades", () => {
  const rows: ReadonlyArray<Moodle.GradeRow> = [
    grade({ id: 1, finalgrade: "20.00000", feedback: " <p>Good</p> " }),
    grade({ id: 2, userid: 4, itemid: 3, finalgrade: "4.00000", usermodified: 7, hidden: 1 }),
    grade({ id: 3, userid: 11, finalgrade: null, feedback: "Please resubmit", usermodified: 2 }),
    grade({ id: 4, finalgrade: null }),
    grade({ id: 5, finalgrade: "31.00000" }),
    grade({ id: 6, itemid: 6, finalgrade: "1.00000" }),
    grade({ id: 7, userid: 999, finalgrade: "1.00000" }),
    grade({ id: 8, userid: 5, finalgrade: "1.00000" }),
    grade({ id: 9, itemid: 1, finalgrade: "66.666666" }),
    grade({
      id: 10,
      itemid: 1,
      finalgrade: "66.66650",
      overridden: 1704067200,
      excluded: 1,
      usermodified: 0,
    }),
    grade({ id: 11, userid: 14, finalgrade: "10.00000" }),
  ]
  const result = run(
    Moodle.assessmentResults({ tenant, loadedAt, users: plan, items: itemIndex }),
    rows,
    rows.map((r) => String(r.id)),
  )
  const base = {
    tenant_id: tenant,
    grade: null,
    legacy_source: "moodle.assessment_results",
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-02-01T00:00:00Z",
    deleted_at: null,
  }
  it("scales final grades to percentages of the item's range", () => {
    expect(rowsOf(Academic.AssessmentResults, result.ok)).toEqual([
      {
        ...base,
        id: idOf(Moodle.resultsEntity, 1),
        assessment_id: idOf(Moodle.assessmentsEntity, 2),
        student_id: S_AISYAH,
        score: "20.00",
        percentage: "66.67",
        feedback: "<p>Good</p>",
        graded_by: U_TEACHER,
        graded_at: "2024-02-01T00:00:00Z",
        legacy_id: "1",
      },
      {
        ...base,
        id: idOf(Moodle.resultsEntity, 2),
        assessment_id: idOf(Moodle.assessmentsEntity, 3),
        student_id: S_BEN,
        score: "4.00",
        percentage: "75.00",
        feedback: null,
        graded_by: idOf(Moodle.usersEntity, 7),
        graded_at: "2024-02-01T00:00:00Z",
        legacy_id: "2",
      },
      {
        ...base,
        id: idOf(Moodle.resultsEntity, 3),
        assessment_id: idOf(Moodle.assessmentsEntity, 2),
        student_id: S_CHLOE,
        score: null,
        percentage: null,
        feedback: "Please resubmit",
        graded_by: null,
        graded_at: null,
        legacy_id: "3",
      },
      {
        ...base,
        id: idOf(Moodle.resultsEntity, 10),
        assessment_id: idOf(Moodle.assessmentsEntity, 1),
        student_id: S_AISYAH,
        score: "66.67",
        percentage: "66.67",
        feedback: null,
        graded_by: null,
        graded_at: "2024-02-01T00:00:00Z",
        legacy_id: "10",
      },
    ])
  })
  it("skips the ungraded and non-students; rejects out-of-range grades and missing items or users", () => {
    expect(result.skipped).toEqual([
      { key: "4", reason: "not graded" },
      { key: "8", reason: "user 5 is not a portal student" },
      {
        key: "11",
        reason: `user 14 was rejected: portal user ${U_AISYAH} is already matched by Moodle user 3`,
      },
    ])
    expect(reasonsOf(result)).toEqual([
      ["5", [["finalgrade", "grade_range"]]],
      ["6", [["itemid", "moodle_grade_item"]]],
      ["7", [["userid", "moodle_user"]]],
      ["9", [["finalgrade", "moodle_grade"]]],
    ])
    expect(result.rejected[0]!.reasons[0]!.message).toBe("31.00 is outside its item's range 0.00–30.00")
    expect(result.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["2", "hidden", "moodle_hidden"],
      ["3", "finalgrade", "moodle_grade"],
      ["3", "usermodified", "moodle_user"],
      ["10", "excluded", "moodle_excluded"],
      ["10", "overridden", "moodle_overridden"],
    ])
  })
})
