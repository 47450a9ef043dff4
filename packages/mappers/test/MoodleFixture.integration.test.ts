import { PgClient } from "@schoolbridge/connectors"
import { TargetId, Transform } from "@schoolbridge/core"
import { Academic, Auth, Migrations } from "@schoolbridge/schema"
import { createPgDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Moodle from "../src/Moodle.js"
import { loadMysqlFixture, type MysqlFixture } from "./fixtures/MysqlFixture.js"

const tenant = "SA01"
const loadedAt = "2025-01-15T00:00:00Z"
const asOf = "2025-01-15"
const idOf = (entity: string, key: string | number) => TargetId.of(entity, tenant, key)

// The portal side, as the app reads it from auth.users and academic.students before the run.
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
const t = Moodle.tables("mdl_")

const rowsOf = (
  table: { readonly columns: ReadonlyArray<string> },
  ok: ReadonlyArray<ReadonlyArray<unknown>>,
) => ok.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])))

const reasonsOf = (result: Transform.Result) =>
  result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])

const notesOf = (result: Transform.Result) => result.notes.map((n) => [n.key, n.column, n.rule])

const run = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  read: { rows: ReadonlyArray<Row>; keys: ReadonlyArray<string> },
) => Transform.run(entity.transform, read.rows, read.keys, { entity: entity.name, tenant })

// Reads every table and maps every entity the way a run does: indexes and the user plan over whole
// tables first, then each entity's rows.
const migrate = async (fixture: MysqlFixture) => {
  const users = await fixture.read<Moodle.UserRow>({ table: t.user, key: "id" })
  const categories = await fixture.read<Moodle.CategoryRow>({ table: t.courseCategories, key: "id" })
  const courses = await fixture.read<Moodle.CourseRow>({ table: t.course, key: "id" })
  const enrols = await fixture.read<Moodle.EnrolRow>({ table: t.enrol, key: "id" })
  const enrolments = await fixture.read<Moodle.UserEnrolmentRow>({ table: t.userEnrolments, key: "id" })
  const items = await fixture.read<Moodle.GradeItemRow>({ table: t.gradeItems, key: "id" })
  const grades = await fixture.read<Moodle.GradeRow>({ table: t.gradeGrades, key: "id" })
  const plan = Moodle.planUsers(users.rows, match, { unmatched: "create" })
  const courseIndex = Moodle.indexCourses(courses.rows)
  const itemIndex = Moodle.indexGradeItems(items.rows, courseIndex)
  const enrolIndex = Moodle.indexEnrols(enrols.rows)
  const base = { tenant, loadedAt }
  return {
    sourceNotes: [users, categories, courses, enrols, enrolments, items, grades].flatMap((r) => r.notes),
    users: run(Moodle.users({ ...base, passwords: "carry-over", plan }), users),
    classes: run(Moodle.classes({ ...base, categories: Moodle.indexCategories(categories.rows) }), courses),
    enrollments: run(
      Moodle.enrollments({
        ...base,
        asOf,
        users: plan,
        enrols: enrolIndex,
        courses: courseIndex,
        duplicates: Moodle.duplicateEnrolments(enrolments.rows, enrolIndex),
      }),
      enrolments,
    ),
    assessments: run(Moodle.assessments({ ...base, courses: courseIndex }), items),
    results: run(Moodle.assessmentResults({ ...base, users: plan, items: itemIndex }), grades),
  }
}

let fixture: MysqlFixture
let out: Awaited<ReturnType<typeof migrate>>

beforeAll(async () => {
  fixture = await loadMysqlFixture(["moodle/moodle.sql"], "moodle")
  out = await migrate(fixture)
}, 60_000)

afterAll(async () => {
  await fixture?.drop()
})

describe("Moodle fixture: the source", () => {
  it("reads Moodle's types as the engine does: TINYINT(1) as booleans, DECIMAL as text", async () => {
    const users = await fixture.read<Moodle.UserRow>({ table: t.user, key: "id", where: "id = 6" })
    expect(users.rows[0]).toMatchObject({ id: 6, deleted: true, suspended: false, timecreated: 1704067200 })
    const grades = await fixture.read<Moodle.GradeRow>({ table: t.gradeGrades, key: "id", where: "id = 9" })
    expect(grades.rows[0]).toMatchObject({ finalgrade: "66.66650", overridden: 1704067200, excluded: 1 })
    expect(out.sourceNotes).toEqual([])
  })
  it("reads an install with another table prefix the same way", async () => {
    const other = Moodle.tables("lms_")
    await fixture.exec(
      `CREATE TABLE ${other.user} LIKE ${t.user}; INSERT INTO ${other.user} SELECT * FROM ${t.user};`,
    )
    const a = await fixture.read<Moodle.UserRow>({ table: t.user, key: "id" })
    const b = await fixture.read<Moodle.UserRow>({ table: other.user, key: "id" })
    expect(Moodle.planUsers(b.rows, match, { unmatched: "create" })).toEqual(
      Moodle.planUsers(a.rows, match, { unmatched: "create" }),
    )
  })
})

describe("Moodle fixture: users", () => {
  it("creates the unmatched users only", () => {
    expect(rowsOf(Auth.Users, out.users.ok)).toEqual([
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
  it("maps matched users to the portal's ids, skips guest, admin and deleted, rejects the rest", () => {
    expect(out.users.mapped).toEqual([
      { tenant, legacyId: "3", targetId: U_AISYAH },
      { tenant, legacyId: "4", targetId: U_BEN },
      { tenant, legacyId: "5", targetId: U_TEACHER },
      { tenant, legacyId: "11", targetId: U_CHLOE },
      { tenant, legacyId: "12", targetId: U_ZARA },
    ])
    expect(out.users.skipped).toEqual([
      { key: "1", reason: "the Moodle guest account" },
      {
        key: "2",
        reason:
          "a Moodle site administrator matching no portal user: portal administrators are provisioned, not migrated",
      },
      { key: "3", reason: `matched portal user ${U_AISYAH} by idnumber`, rule: "moodle_matched_by_idnumber" },
      { key: "4", reason: `matched portal user ${U_BEN} by username`, rule: "moodle_matched_by_username" },
      {
        key: "5",
        reason: `matched portal user ${U_TEACHER} by idnumber`,
        rule: "moodle_matched_by_idnumber",
      },
      { key: "6", reason: "deleted in Moodle" },
      { key: "11", reason: `matched portal user ${U_CHLOE} by idnumber`, rule: "moodle_matched_by_idnumber" },
      { key: "12", reason: `matched portal user ${U_ZARA} by username`, rule: "moodle_matched_by_username" },
    ])
    expect(reasonsOf(out.users)).toEqual([
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
    expect(notesOf(out.users)).toEqual([
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
  })
})

describe("Moodle fixture: courses", () => {
  it("maps courses to classes; the site course is skipped, a missing category leaves no grade level", () => {
    const common = {
      tenant_id: tenant,
      academic_year_id: null,
      homeroom_teacher_id: null,
      capacity: null,
      room: null,
      legacy_source: "moodle.classes",
      deleted_at: null,
    }
    expect(rowsOf(Academic.Classes, out.classes.ok)).toEqual([
      {
        ...common,
        id: idOf(Moodle.classesEntity, 2),
        code: "MATH-F1",
        name: "Mathematics Form 1",
        grade_level: "Form 1",
        legacy_id: "2",
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-02-01T00:00:00Z",
      },
      {
        ...common,
        id: idOf(Moodle.classesEntity, 3),
        code: "SCI-F1",
        name: "SCI-F1",
        grade_level: null,
        legacy_id: "3",
        created_at: loadedAt,
        updated_at: "2024-01-01T00:00:00Z",
      },
      {
        ...common,
        id: idOf(Moodle.classesEntity, 5),
        code: "BIO-F1",
        name: "Biologi Tingkatan 1",
        grade_level: "Sains",
        legacy_id: "5",
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
      },
    ])
    expect(out.classes.skipped).toEqual([{ key: "1", reason: "the Moodle site (front page) course" }])
    expect(reasonsOf(out.classes)).toEqual([["4", [["fullname", "class_name"]]]])
    expect(notesOf(out.classes)).toEqual([
      ["3", "fullname", "class_name"],
      ["3", "category", "moodle_category"],
      ["3", "visible", "moodle_hidden"],
    ])
  })
})

describe("Moodle fixture: enrolments", () => {
  it("maps the portal students' enrolments", () => {
    const common = {
      tenant_id: tenant,
      legacy_source: "moodle.enrollments",
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      deleted_at: null,
    }
    expect(rowsOf(Academic.Enrollments, out.enrollments.ok)).toEqual([
      {
        ...common,
        id: idOf(Moodle.enrollmentsEntity, 1),
        student_id: S_AISYAH,
        class_id: idOf(Moodle.classesEntity, 2),
        enrollment_date: "2024-01-01",
        end_date: null,
        status: "active",
        legacy_id: "1",
      },
      {
        ...common,
        id: idOf(Moodle.enrollmentsEntity, 2),
        student_id: S_BEN,
        class_id: idOf(Moodle.classesEntity, 2),
        enrollment_date: "2024-01-01",
        end_date: "2025-01-01",
        status: "withdrawn",
        legacy_id: "2",
      },
      {
        ...common,
        id: idOf(Moodle.enrollmentsEntity, 3),
        student_id: S_CHLOE,
        class_id: idOf(Moodle.classesEntity, 2),
        enrollment_date: "2024-01-01",
        end_date: null,
        status: "withdrawn",
        legacy_id: "3",
      },
      {
        ...common,
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
  it("skips teachers, Moodle-only and deleted users; rejects missing users, methods and courses", () => {
    expect(out.enrollments.skipped).toEqual([
      { key: "5", reason: "user 5 is not a portal student" },
      { key: "6", reason: "user 7 is not a portal student" },
      { key: "7", reason: "user 6 is not migrated: deleted in Moodle" },
      { key: "14", reason: "user 3 is enrolled in course 2 again: enrolment 1 is kept" },
      {
        key: "15",
        reason: `user 14 was rejected: portal user ${U_AISYAH} is already matched by Moodle user 3`,
      },
    ])
    expect(reasonsOf(out.enrollments)).toEqual([
      ["8", [["userid", "moodle_user"]]],
      ["9", [["enrolid", "moodle_enrol"]]],
      ["10", [["enrolid", "moodle_course"]]],
      ["11", [["timeend", "enrollment_dates"]]],
      ["12", [["timestart", "enrollment_date"]]],
      ["13", [["enrolid", "moodle_course"]]],
    ])
    expect(out.enrollments.rejected[0]!.reasons[0]!.message).toBe("user 999 is not in mdl_user")
    expect(notesOf(out.enrollments)).toEqual([
      ["2", "status", "enrollment_status"],
      ["3", "timestart", "moodle_time"],
      ["3", "enrolid", "enrollment_status"],
    ])
  })
})

describe("Moodle fixture: grades", () => {
  it("maps grade items with scores to assessments", () => {
    const common = {
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
    expect(rowsOf(Academic.Assessments, out.assessments.ok)).toEqual([
      {
        ...common,
        id: idOf(Moodle.assessmentsEntity, 1),
        name: "Course total",
        category: "course_total",
        max_score: "100.00",
        legacy_id: "1",
        created_at: loadedAt,
        updated_at: loadedAt,
      },
      {
        ...common,
        id: idOf(Moodle.assessmentsEntity, 2),
        name: "Essay 1",
        category: "assign",
        max_score: "30.00",
        legacy_id: "2",
      },
      {
        ...common,
        id: idOf(Moodle.assessmentsEntity, 3),
        name: "Quiz scale",
        category: "quiz",
        max_score: "5.00",
        legacy_id: "3",
      },
      {
        ...common,
        id: idOf(Moodle.assessmentsEntity, 4),
        name: "Category total",
        category: "category_total",
        max_score: "12.35",
        legacy_id: "4",
      },
      {
        ...common,
        id: idOf(Moodle.assessmentsEntity, 9),
        name: "assign 7",
        category: "assign",
        max_score: "100.00",
        legacy_id: "9",
      },
    ])
    expect(out.assessments.skipped).toEqual([{ key: "5", reason: "grade type text: the item has no score" }])
    expect(reasonsOf(out.assessments)).toEqual([
      ["6", [["grademax", "grade_range"]]],
      ["7", [["courseid", "moodle_course"]]],
      ["8", [["itemtype", "moodle_itemtype"]]],
    ])
  })
  it("maps final grades to scores and percentages; rejects the grade above grademax", () => {
    const common = {
      tenant_id: tenant,
      grade: null,
      legacy_source: "moodle.assessment_results",
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-02-01T00:00:00Z",
      deleted_at: null,
    }
    expect(rowsOf(Academic.AssessmentResults, out.results.ok)).toEqual([
      {
        ...common,
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
        ...common,
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
        ...common,
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
        ...common,
        id: idOf(Moodle.resultsEntity, 9),
        assessment_id: idOf(Moodle.assessmentsEntity, 1),
        student_id: S_AISYAH,
        score: "66.67",
        percentage: "66.67",
        feedback: null,
        graded_by: null,
        graded_at: "2024-02-01T00:00:00Z",
        legacy_id: "9",
      },
      {
        ...common,
        id: idOf(Moodle.resultsEntity, 11),
        assessment_id: idOf(Moodle.assessmentsEntity, 1),
        student_id: S_BEN,
        score: "0.00",
        percentage: "0.00",
        feedback: null,
        graded_by: U_TEACHER,
        graded_at: null,
        legacy_id: "11",
        created_at: loadedAt,
        updated_at: loadedAt,
      },
    ])
    expect(out.results.skipped).toEqual([
      { key: "4", reason: "not graded" },
      { key: "8", reason: "user 5 is not a portal student" },
      { key: "10", reason: "user 6 is not migrated: deleted in Moodle" },
      {
        key: "12",
        reason: `user 14 was rejected: portal user ${U_AISYAH} is already matched by Moodle user 3`,
      },
    ])
    expect(reasonsOf(out.results)).toEqual([
      ["5", [["finalgrade", "grade_range"]]],
      ["6", [["itemid", "moodle_grade_item"]]],
      ["7", [["userid", "moodle_user"]]],
    ])
    expect(notesOf(out.results)).toEqual([
      ["2", "hidden", "moodle_hidden"],
      ["3", "finalgrade", "moodle_grade"],
      ["3", "usermodified", "moodle_user"],
      ["9", "excluded", "moodle_excluded"],
      ["9", "overridden", "moodle_overridden"],
    ])
  })
})

describe("Moodle fixture: across entities", () => {
  it("resolves every foreign key to a row that is loaded or already in the portal", () => {
    const ids = (r: Transform.Result) => new Set(r.ok.map((row) => row[0] as string))
    const classIds = ids(out.classes)
    const assessmentIds = ids(out.assessments)
    const userIds = new Set([...ids(out.users), U_AISYAH, U_BEN, U_TEACHER, U_ZARA, U_CHLOE])
    const students = new Set([S_AISYAH, S_BEN, S_CHLOE])
    for (const e of rowsOf(Academic.Enrollments, out.enrollments.ok)) {
      expect(classIds).toContain(e.class_id)
      expect(students).toContain(e.student_id)
    }
    for (const a of rowsOf(Academic.Assessments, out.assessments.ok)) expect(classIds).toContain(a.class_id)
    for (const r of rowsOf(Academic.AssessmentResults, out.results.ok)) {
      expect(assessmentIds).toContain(r.assessment_id)
      expect(students).toContain(r.student_id)
      if (r.graded_by !== null) expect(userIds).toContain(r.graded_by)
    }
    const mappedTargets = new Set(out.users.mapped.map((m) => m.targetId))
    expect([...mappedTargets].every((id) => userIds.has(id))).toBe(true)
  })
  it("gives the same rows and ids when the tables are read and mapped again", async () => {
    const again = await migrate(fixture)
    for (const k of ["users", "classes", "enrollments", "assessments", "results"] as const) {
      expect(again[k].ok).toEqual(out[k].ok)
      expect(again[k].mapped).toEqual(out[k].mapped)
      expect(again[k].rejected.map((r) => r.key)).toEqual(out[k].rejected.map((r) => r.key))
    }
  })
})

describe("Moodle fixture: into the portal", () => {
  it("loads into PostgreSQL with every foreign key, check and unique key satisfied", async () => {
    const db = await createPgDatabase("moodle")
    try {
      const counts = await Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const pg = yield* PgClient.make({ url: Redacted.make(db.url), max: 1 })
            for (const m of Migrations.all) yield* pg.query(m.sql)
            yield* pg.query("insert into auth.tenants (code, name) values ($1, 'Smart Academy')", [tenant])
            const portalUsers = [
              [U_AISYAH, "aisyah@school.my", "aisyah", "Aisyah"],
              [U_BEN, "ben@school.my", "ben", "Ben"],
              [U_TEACHER, "teacher@school.my", "cikgu", "Mariam"],
              [U_ZARA, null, "Zara", "Zara"],
              [U_CHLOE, "chloe@school.my", "chloe", "Chloe"],
            ]
            for (const [id, email, username, first] of portalUsers)
              yield* pg.query(
                "insert into auth.users (id, tenant_id, email, username, first_name) values ($1, $2, $3, $4, $5)",
                [id, tenant, email, username, first],
              )
            for (const [id, user, number] of [
              [S_AISYAH, U_AISYAH, "S-0001"],
              [S_BEN, U_BEN, "S-0002"],
              [S_CHLOE, U_CHLOE, "S-0003"],
            ])
              yield* pg.query(
                "insert into academic.students (id, tenant_id, user_id, student_number) values ($1, $2, $3, $4)",
                [id, tenant, user, number],
              )
            const loads: ReadonlyArray<
              readonly [{ readonly columns: ReadonlyArray<string> }, string, Transform.Result]
            > = [
              [Auth.Users, "auth.users", out.users],
              [Academic.Classes, "academic.classes", out.classes],
              [Academic.Enrollments, "academic.enrollments", out.enrollments],
              [Academic.Assessments, "academic.assessments", out.assessments],
              [Academic.AssessmentResults, "academic.assessment_results", out.results],
            ]
            for (const [table, name, result] of loads) {
              const n = table.columns.length
              const values = result.ok
                .map((_, r) => `(${table.columns.map((_, c) => `$${r * n + c + 1}`).join(", ")})`)
                .join(", ")
              yield* pg.query(
                `insert into ${name} (${table.columns.join(", ")}) values ${values}`,
                result.ok.flat(),
              )
            }
            return yield* pg.query<{ t: string; n: string }>(
              `select 'users' as t, count(*)::text as n from auth.users where legacy_source = 'moodle.users'
               union all select 'classes', count(*)::text from academic.classes
               union all select 'enrollments', count(*)::text from academic.enrollments
               union all select 'assessments', count(*)::text from academic.assessments
               union all select 'results', count(*)::text from academic.assessment_results`,
            )
          }),
        ),
      )
      expect(Object.fromEntries(counts.map((c) => [c.t, Number(c.n)]))).toEqual({
        users: out.users.ok.length,
        classes: out.classes.ok.length,
        enrollments: out.enrollments.ok.length,
        assessments: out.assessments.ok.length,
        results: out.results.ok.length,
      })
    } finally {
      await db.drop()
    }
  }, 60_000)
})
