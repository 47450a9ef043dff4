import { readFileSync } from "node:fs"
import { Entity, TargetId, Transform } from "@schoolbridge/core"
import { Academic, Auth, Communication, Financial, Islamic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as B from "../src/BrowserExport.js"
import * as Gibbon from "../src/Gibbon.js"
import * as LegacySis from "../src/LegacySis.js"

// The dirty export: missing names, bad emails, dates in several formats, a duplicated id, a
// payment for a missing obligation, attendance and an obligation for a missing student.
const document: unknown = JSON.parse(
  readFileSync(new URL("./fixtures/browser/export.json", import.meta.url), "utf8"),
)
const data = B.read(document)
const plan = B.plan(data, { schoolCode: "SA", asOf: "2025-01-15" })
const options: B.Options = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z", plan }
const entities = B.entities(options)

const id = (entity: string, legacyId: string) => TargetId.of(entity, "SA01", legacyId)

// An entity run as the engine runs it, over its collection of the fixture file.
const run = (name: string) => {
  const entity = entities.find((e) => e.name === name)!
  const c = B.collection(document, B.sourceOf[name]!)
  const result = Transform.run(entity.transform, c.rows, c.keys, { entity: name, tenant: "SA01" })
  const rows = result.ok.map((r) => Object.fromEntries(entity.target.columns.map((col, i) => [col, r[i]])))
  return { entity, result, rows, byId: new Map(rows.map((r) => [r.legacy_id as string, r])) }
}

const rejections = (result: Transform.Result) =>
  result.rejected.map((r) => [r.key, ...r.reasons.map((x) => `${x.column}:${x.rule}`)])
const skips = (result: Transform.Result) => result.skipped.map((s) => s.key)

const decodes = (name: string) => {
  const { entity, rows } = run(name)
  return rows.map((r) => Schema.decodeUnknownEither(schemaOf(entity.target.table))(r)._tag)
}

const tables = (
  [
    ...Object.values(Academic),
    ...Object.values(Auth),
    ...Object.values(Financial),
    ...Object.values(Islamic),
    ...Object.values(Communication),
  ] as ReadonlyArray<unknown>
).filter((t: unknown): t is Table.Any => Table.isTable(t))
const schemaOf = (table: string) =>
  tables.find((t) => t.target.table === table)!.schema as Schema.Schema<unknown>

const times = (created: string, updated = created) => ({ created_at: created, updated_at: updated })

describe("collection", () => {
  it("reads a collection under data, keyed by id, and drops elements that are not objects", () => {
    const c = B.collection(document, "classrooms")
    expect(c.keys).toEqual(["room-1", "room-2"])
    expect(c.dropped).toEqual([2])
  })

  it("keys a record without an id by its index, and reads top-level collections too", () => {
    expect(B.collection({ teachers: [{ id: " t1 " }, { name: "x" }] }, "teachers").keys).toEqual(["t1", "#1"])
    expect(B.collection({ data: {} }, "grades")).toEqual({ rows: [], keys: [], dropped: [] })
  })

  it("fails once, before mapping, on a document or collection of the wrong shape", () => {
    expect(() => B.collection([], "students")).toThrow("the browser export is not a JSON object")
    expect(() => B.collection({ students: {} }, "students")).toThrow("the export's students is not an array")
  })
})

describe("plan", () => {
  it("finds duplicate ids, numbers students, names rooms and sums what each obligation was paid", () => {
    // Two records of stu-004: the later-created copy is the newest and loads; the other is its copy.
    expect([...plan.copies.students.losers]).toEqual([
      [
        "stu-004 (copy 1)",
        { key: "stu-004 (copy 1)", id: "stu-004", winner: "stu-004 (copy 2)", identical: false },
      ],
    ])
    expect([...plan.studentNumbers.numbers]).toEqual([
      ["stu-005", "STU2020SA0007"],
      ["stu-001", "STU2024SA0001"],
      ["stu-002", "STU2023SA0001"],
      ["stu-003", "STU2024SA0002"],
      ["stu-004", "STU2024SA0003"],
      ["stu-006", "STU2024SA0004"],
      ["stu-007", "STU2024SA0005"],
    ])
    // A teacher and a student share one address: the teacher keeps it.
    expect([...plan.emailHolders.holder]).toEqual([["shared@example.com", "teacher tch-002"]])
    expect(plan.emailHolders.sharers.get("shared@example.com")).toEqual([
      "teacher tch-002",
      "student stu-005",
    ])
    expect([...plan.rooms]).toEqual([["room-1", "Bilik 1A"]])
    expect([...plan.paid]).toEqual([
      ["obl-1", 15000n],
      ["obl-2", 5000n],
    ])
    expect([...plan.assessmentLeads]).toEqual(["g-1", "g-4"])
    expect([...plan.repeatedGrades]).toEqual(["g-3"])
  })

  it("splits names at a patronymic particle, else before the last word", () => {
    expect(B.splitName("Ahmad bin Ali")).toEqual({ first: "Ahmad", last: "bin Ali" })
    expect(B.splitName("Kumar a/l Raj")).toEqual({ first: "Kumar", last: "a/l Raj" })
    expect(B.splitName("Tan Mei Ling")).toEqual({ first: "Tan Mei", last: "Ling" })
    expect(B.splitName("Aminah")).toEqual({ first: "Aminah", last: null })
  })

  it("reads a parent contact as a name and a phone", () => {
    expect(B.parseContact("Ali bin Abu - 013-222 3333")).toEqual({
      name: "Ali bin Abu",
      phone: "013-222 3333",
    })
    expect(B.parseContact("Ali (0132223333)")).toEqual({ name: "Ali", phone: "0132223333" })
    expect(B.parseContact("0198887777")).toEqual({ name: null, phone: "0198887777" })
    expect(B.parseContact("Aminah")).toEqual({ name: "Aminah", phone: null })
    expect(B.parseContact(null)).toEqual({ name: null, phone: null })
  })
})

describe("students", () => {
  const rejected = [["stu-003", "name:person_name"]]

  it("maps each student to a user, names split and emails cleaned", () => {
    const { result, byId } = run(B.studentUsersEntity)
    expect(byId.get("stu-001")).toEqual({
      id: id(B.studentUsersEntity, "stu-001"),
      tenant_id: "SA01",
      email: "ahmad@example.com",
      username: null,
      password_hash: null,
      password_algorithm: null,
      must_reset_password: true,
      first_name: "ahmad",
      last_name: "BIN ali",
      official_name: null,
      name_in_script: null,
      phone: "+60123456789",
      avatar_url: null,
      status: "active",
      email_verified: false,
      last_login_at: null,
      legacy_source: B.studentUsersEntity,
      legacy_id: "stu-001",
      ...times("2024-01-08T09:00:00.000Z", "2024-06-01T10:00:00.000Z"),
      deleted_at: null,
    })
    expect(byId.get("stu-002")).toMatchObject({
      email: null,
      first_name: "Tan Mei",
      last_name: "Ling",
      phone: null,
      status: "inactive",
      ...times("2023-02-01T00:30:00.000Z"),
    })
    // An email a teacher has too stays with the teacher, with a note here naming the holder.
    expect(byId.get("stu-005")).toMatchObject({ email: null, first_name: "Kumar", last_name: "a/l Raj" })
    expect(result.notes.find((n) => n.key === "stu-005" && n.rule === "shared_email")?.message).toBe(
      "shared@example.com is shared by 2 accounts; teacher tch-002 keeps it (a teacher before a student, then the lowest id), so it is stored as empty here",
    )
    expect(rejections(result)).toEqual(rejected)
    expect(result.notes.filter((n) => n.key === "stu-002").map((n) => `${n.column}:${n.rule}`)).toEqual([
      "email:email",
      "status:student_status",
      "createdAt:timestamp",
    ])
  })

  it("maps each student to academic.students with a generated number, dates in several formats", () => {
    const { result, byId } = run(B.studentsEntity)
    expect(byId.get("stu-001")).toEqual({
      id: id(B.studentsEntity, "stu-001"),
      tenant_id: "SA01",
      user_id: id(B.studentUsersEntity, "stu-001"),
      student_number: "STU2024SA0001",
      date_of_birth: "2012-03-15",
      gender: null,
      nationality: null,
      national_id: null,
      blood_type: null,
      medical_notes: null,
      admission_date: "2024-01-08",
      status: "active",
      address: {
        line1: "12 Jalan Mawar, Taman Melati",
        line2: null,
        city: null,
        state: null,
        postcode: null,
        country: "MY",
      },
      legacy_source: B.studentsEntity,
      legacy_id: "stu-001",
      ...times("2024-01-08T09:00:00.000Z", "2024-06-01T10:00:00.000Z"),
      deleted_at: null,
    })
    expect(byId.get("stu-002")).toMatchObject({ student_number: "STU2023SA0001", status: "withdrawn" })
    expect(byId.get("stu-005")).toMatchObject({
      student_number: "STU2020SA0007",
      admission_date: "2020-03-05",
    })
    expect([...byId.keys()]).toEqual(["stu-001", "stu-002", "stu-004", "stu-005", "stu-006", "stu-007"])
    expect(rejections(result)).toEqual(rejected)
  })

  it("enrols a student in their class; a class not in the export is rejected, no class is skipped", () => {
    const { result, byId } = run(B.enrollmentsEntity)
    expect(byId.get("stu-001")).toEqual({
      id: id(B.enrollmentsEntity, "stu-001"),
      tenant_id: "SA01",
      student_id: id(B.studentsEntity, "stu-001"),
      class_id: id(B.classesEntity, "cls-1"),
      enrollment_date: "2024-01-08",
      end_date: null,
      status: "active",
      legacy_source: B.enrollmentsEntity,
      legacy_id: "stu-001",
      ...times("2024-01-08T09:00:00.000Z", "2024-06-01T10:00:00.000Z"),
      deleted_at: null,
    })
    expect(byId.get("stu-002")).toMatchObject({ status: "withdrawn", enrollment_date: "2023-02-01" })
    expect(rejections(result)).toEqual([...rejected, ["stu-006", "classId:reference_missing"]])
    // The older copy of stu-004 is skipped as such; the copy that loads is in no class.
    expect(skips(result)).toEqual(["stu-004 (copy 1)", "stu-004 (copy 2)", "stu-005"])
    expect(result.skipped[0]!.reason).toBe("an older copy of stu-004: stu-004 (copy 2), the newest, loads")
  })

  it("maps parentContact/parentEmail to a guardian and its primary link", () => {
    const parents = run(B.parentsEntity)
    expect(parents.byId.get("stu-001")).toEqual({
      id: id(B.parentsEntity, "stu-001"),
      tenant_id: "SA01",
      user_id: null,
      first_name: "Ali",
      last_name: "bin Abu",
      official_name: null,
      name_in_script: null,
      date_of_birth: null,
      gender: null,
      email: "ali.abu@example.com",
      phone: "+60132223333",
      national_id: null,
      occupation: null,
      address: null,
      legacy_source: B.parentsEntity,
      legacy_id: "stu-001",
      ...times("2024-01-08T09:00:00.000Z", "2024-06-01T10:00:00.000Z"),
      deleted_at: null,
    })
    // Phone only: the name comes from the emergency contact with the same phone; the bad email is dropped.
    expect(parents.byId.get("stu-002")).toMatchObject({
      first_name: "Tan Ah",
      last_name: "Kow",
      email: null,
      phone: "+60198887777",
    })
    expect(parents.byId.get("stu-006")).toMatchObject({ first_name: "Aminah", last_name: null, phone: null })
    expect(rejections(parents.result)).toEqual(rejected)
    // stu-007's parent is stu-001's (same name and phone): one guardian, linked to both siblings.
    expect(skips(parents.result)).toEqual(["stu-004 (copy 1)", "stu-004 (copy 2)", "stu-005", "stu-007"])
    expect([...plan.guardianOwners.parent]).toEqual([["stu-007", "stu-001"]])

    const links = run(B.parentLinksEntity)
    expect(links.byId.get("stu-001")).toEqual({
      id: id(B.parentLinksEntity, "stu-001"),
      tenant_id: "SA01",
      student_id: id(B.studentsEntity, "stu-001"),
      guardian_id: id(B.parentsEntity, "stu-001"),
      relationship: "guardian",
      is_primary: true,
      contact_priority: 1,
      is_emergency_contact: false,
      legacy_source: B.parentLinksEntity,
      legacy_id: "stu-001",
      ...times("2024-01-08T09:00:00.000Z", "2024-06-01T10:00:00.000Z"),
      deleted_at: null,
    })
    // The parent is also the emergency contact: one guardian, flagged, with the contact's relationship.
    expect(links.byId.get("stu-002")).toMatchObject({ relationship: "father", is_emergency_contact: true })
    expect(links.byId.get("stu-007")).toMatchObject({
      student_id: id(B.studentsEntity, "stu-007"),
      guardian_id: id(B.parentsEntity, "stu-001"),
    })
    expect(rejections(links.result)).toEqual(rejected)
  })

  it("maps emergencyContact to a second guardian unless it is the parent", () => {
    const contacts = run(B.emergencyContactsEntity)
    expect(contacts.rows.map((r) => [r.legacy_id, r.first_name, r.last_name, r.phone])).toEqual([
      ["stu-001", "Siti", "binti Omar", "+60145556666"],
    ])
    expect(skips(contacts.result)).toEqual([
      "stu-002",
      "stu-004 (copy 1)",
      "stu-004 (copy 2)",
      "stu-005",
      "stu-006",
      "stu-007",
    ])
    expect([...plan.guardianOwners.emergency]).toEqual([["stu-007", "stu-001"]])
    const links = run(B.emergencyLinksEntity)
    expect(links.byId.get("stu-001")).toMatchObject({
      guardian_id: id(B.emergencyContactsEntity, "stu-001"),
      relationship: "mother",
      is_primary: false,
      contact_priority: 2,
      is_emergency_contact: true,
    })
    expect(links.byId.get("stu-007")).toMatchObject({ guardian_id: id(B.emergencyContactsEntity, "stu-001") })
    expect(rejections(links.result)).toEqual(rejected)
  })

  it("maps a discount to a scholarship of the student's own and its link", () => {
    const discounts = run(B.discountsEntity)
    expect(discounts.byId.get("stu-001")).toEqual({
      id: id(B.discountsEntity, "stu-001"),
      tenant_id: "SA01",
      code: null,
      name: "Discount 10%",
      description: "Discount of student stu-001 in the browser app",
      kind: "percentage",
      value: "10.00",
      is_active: true,
      legacy_source: B.discountsEntity,
      legacy_id: "stu-001",
      ...times("2024-01-08T09:00:00.000Z", "2024-06-01T10:00:00.000Z"),
      deleted_at: null,
    })
    expect(discounts.byId.get("stu-005")).toMatchObject({
      kind: "fixed",
      value: "50.00",
      name: "Discount MYR 50.00",
    })
    expect(rejections(discounts.result)).toEqual([...rejected, ["stu-006", "discountType:discount_type"]])
    expect(skips(discounts.result)).toEqual(["stu-002", "stu-004 (copy 1)", "stu-004 (copy 2)", "stu-007"])
    const links = run(B.studentDiscountsEntity)
    expect(links.byId.get("stu-005")).toMatchObject({
      student_id: id(B.studentsEntity, "stu-005"),
      scholarship_id: id(B.discountsEntity, "stu-005"),
      status: "active",
    })
  })
})

describe("teachers and classes", () => {
  it("maps teachers to users and academic.teachers; a teacher without an id is rejected", () => {
    const users = run(B.teacherUsersEntity)
    expect(users.byId.get("tch-001")).toMatchObject({
      email: "zainab@school.edu.my",
      first_name: "Zainab",
      last_name: "binti Hassan",
      status: "active",
    })
    expect(users.byId.get("tch-002")).toMatchObject({ email: "shared@example.com", status: "inactive" })
    expect(rejections(users.result)).toEqual([["#2", "id:id"]])
    const teachers = run(B.teachersEntity)
    expect(teachers.byId.get("tch-001")).toEqual({
      id: id(B.teachersEntity, "tch-001"),
      tenant_id: "SA01",
      user_id: id(B.teacherUsersEntity, "tch-001"),
      staff_number: null,
      specialization: "Mathematics, Science",
      qualification: "B.Ed",
      hire_date: "2015-02-01",
      employment_status: "active",
      date_of_birth: null,
      gender: null,
      legacy_source: B.teachersEntity,
      legacy_id: "tch-001",
      ...times("2015-02-01T00:00:00.000Z"),
      deleted_at: null,
    })
    expect(teachers.byId.get("tch-002")).toMatchObject({
      employment_status: "on_leave",
      specialization: "English",
    })
  })

  it("maps classes with their classroom as the room; missing teachers and rooms are noted", () => {
    const { result, byId } = run(B.classesEntity)
    expect(byId.get("cls-1")).toEqual({
      id: id(B.classesEntity, "cls-1"),
      tenant_id: "SA01",
      academic_year_id: null,
      code: "1A",
      name: "1 Amanah",
      grade_level: "Form 1",
      homeroom_teacher_id: id(B.teachersEntity, "tch-001"),
      capacity: 30,
      room: "Bilik 1A",
      legacy_source: B.classesEntity,
      legacy_id: "cls-1",
      ...times("2024-01-02T00:00:00.000Z"),
      deleted_at: null,
    })
    expect(byId.get("cls-2")).toMatchObject({ homeroom_teacher_id: null, room: null, capacity: 35 })
    expect(result.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["cls-2", "teacherId", "reference_missing"],
      ["cls-2", "classroomId", "reference_missing"],
    ])
    expect(rejections(result)).toEqual([["cls-3", "capacity:integer", "name:text"]])
  })
})

describe("attendance and grades", () => {
  it("maps attendance; a mark for a student not in the export is rejected", () => {
    const { result, byId } = run(B.attendanceEntity)
    expect(byId.get("att-1")).toEqual({
      id: id(B.attendanceEntity, "att-1"),
      tenant_id: "SA01",
      student_id: id(B.studentsEntity, "stu-001"),
      class_id: id(B.classesEntity, "cls-1"),
      attendance_date: "2025-01-13",
      status: "present",
      remarks: null,
      recorded_by: id(B.teacherUsersEntity, "tch-001"),
      legacy_source: B.attendanceEntity,
      legacy_id: "att-1",
      ...times("2025-01-13T01:00:00.000Z"),
      deleted_at: null,
    })
    expect(byId.get("att-2")).toMatchObject({
      attendance_date: "2025-01-13",
      status: "absent",
      remarks: "demam",
    })
    expect(rejections(result)).toEqual([
      ["att-3", "studentId:reference_missing"],
      ["att-4", "date:date", "status:attendance_status"],
    ])
  })

  it("groups grades into assessments, written once by their first grade", () => {
    const { result, rows } = run(B.assessmentsEntity)
    const key = "cls-1|mathematics|midterm|exam|term 1|2024-10-10|100"
    expect(rows[0]).toEqual({
      id: id(B.assessmentsEntity, key),
      tenant_id: "SA01",
      academic_year_id: null,
      class_id: id(B.classesEntity, "cls-1"),
      name: "Mathematics: Midterm",
      category: "exam",
      term: "Term 1",
      max_score: "100.00",
      weight: null,
      assessed_on: "2024-10-10",
      legacy_source: B.assessmentsEntity,
      legacy_id: key,
      ...times("2024-10-11T00:00:00.000Z"),
      deleted_at: null,
    })
    expect(rows.map((r) => [r.name, r.max_score])).toEqual([
      ["Mathematics: Midterm", "100.00"],
      ["Science: Quiz 1", "15.00"],
    ])
    // g-5's score is out of range, but the quiz it belongs to is still written by g-4.
    expect(skips(result)).toEqual(["g-2", "g-3", "g-5"])
    expect(rejections(result)).toEqual([])
  })

  it("maps grades to results with exact percentages; a second grade for the same student is rejected", () => {
    const { result, byId } = run(B.assessmentResultsEntity)
    expect(byId.get("g-1")).toEqual({
      id: id(B.assessmentResultsEntity, "g-1"),
      tenant_id: "SA01",
      assessment_id: id(B.assessmentsEntity, "cls-1|mathematics|midterm|exam|term 1|2024-10-10|100"),
      student_id: id(B.studentsEntity, "stu-001"),
      score: "85.00",
      percentage: "85.00",
      grade: "A",
      feedback: "Good work",
      graded_by: id(B.teacherUsersEntity, "tch-001"),
      graded_at: null,
      legacy_source: B.assessmentResultsEntity,
      legacy_id: "g-1",
      ...times("2024-10-11T00:00:00.000Z"),
      deleted_at: null,
    })
    expect(byId.get("g-2")).toMatchObject({ score: "72.50", percentage: "72.50" })
    expect(byId.get("g-4")).toMatchObject({ score: "12.00", percentage: "80.00", graded_by: null })
    expect(rejections(result)).toEqual([["g-3", "studentId:grade_unique"]])
    // A score above the maximum is not a result anyone can use: empty, noted, and the grade loads.
    expect(byId.get("g-5")).toMatchObject({ score: null, percentage: null })
    expect(result.notes.find((n) => n.key === "g-5" && n.column === "score")).toMatchObject({
      rule: "score_range",
      message: "score 20.00 is not 0–15.00; stored as empty",
    })
  })
})

describe("payments", () => {
  it("maps obligations to invoices whose paid amount and status come from their payments", () => {
    const { result, byId } = run(B.invoicesEntity)
    expect(byId.get("obl-1")).toEqual({
      id: id(B.invoicesEntity, "obl-1"),
      tenant_id: "SA01",
      invoice_number: "obl-1",
      student_id: id(B.studentsEntity, "stu-001"),
      academic_year_id: null,
      invoice_date: "2025-01-01",
      due_date: "2025-01-31",
      subtotal: "150.00",
      discount_amount: "0.00",
      tax_amount: "0.00",
      total_amount: "150.00",
      paid_amount: "150.00",
      balance_due: "0.00",
      currency: "MYR",
      status: "paid",
      notes: null,
      legacy_source: B.invoicesEntity,
      legacy_id: "obl-1",
      ...times("2025-01-01T00:00:00.000Z"),
      deleted_at: null,
    })
    // No issue date: the creation date; past due with a balance: overdue.
    expect(byId.get("obl-2")).toMatchObject({
      invoice_date: "2024-12-01",
      due_date: "2024-12-31",
      paid_amount: "50.00",
      balance_due: "150.00",
      status: "overdue",
    })
    expect(rejections(result)).toEqual([
      ["obl-3", "studentId:reference_missing"],
      ["obl-4", "amount:amount_positive"],
    ])
    const items = run(B.invoiceItemsEntity)
    expect(items.byId.get("obl-2")).toEqual({
      id: id(B.invoiceItemsEntity, "obl-2"),
      tenant_id: "SA01",
      invoice_id: id(B.invoicesEntity, "obl-2"),
      fee_structure_id: null,
      description: "Yuran Disember 2024",
      quantity: "1.00",
      unit_price: "200.00",
      amount: "200.00",
      sort_order: 1,
      legacy_source: B.invoiceItemsEntity,
      legacy_id: "obl-2",
      ...times("2024-12-01T00:00:00.000Z"),
      deleted_at: null,
    })
  })

  it("loads a payment for a missing obligation but rejects its allocation", () => {
    const payments = run(B.paymentsEntity)
    expect(payments.byId.get("pay-2")).toEqual({
      id: id(B.paymentsEntity, "pay-2"),
      tenant_id: "SA01",
      student_id: id(B.studentsEntity, "stu-002"),
      receipt_number: null,
      amount: "50.00",
      currency: "MYR",
      paid_at: "2024-12-19T16:00:00.000Z",
      method: "cash",
      reference: "R-77",
      status: "completed",
      notes: null,
      legacy_source: B.paymentsEntity,
      legacy_id: "pay-2",
      ...times("2024-12-20T00:00:00.000Z"),
      deleted_at: null,
    })
    expect(payments.rows.map((r) => [r.legacy_id, r.method, r.status, r.paid_at])).toEqual([
      ["pay-1", "fpx", "completed", "2025-01-05T02:00:00.000Z"],
      ["pay-2", "cash", "completed", "2024-12-19T16:00:00.000Z"],
      ["pay-3", "ewallet", "completed", "2025-01-09T16:00:00.000Z"],
      ["pay-5", "card", "failed", "2025-01-06T16:00:00.000Z"],
    ])
    expect(rejections(payments.result)).toEqual([["pay-4", "amount:payment_amount"]])
    expect(payments.result.notes.filter((n) => n.rule === "reference_missing").map((n) => n.key)).toEqual([
      "pay-3",
    ])
    const allocations = run(B.paymentAllocationsEntity)
    expect(allocations.byId.get("pay-1")).toEqual({
      id: id(B.paymentAllocationsEntity, "pay-1"),
      tenant_id: "SA01",
      payment_id: id(B.paymentsEntity, "pay-1"),
      invoice_id: id(B.invoicesEntity, "obl-1"),
      amount: "150.00",
      legacy_source: B.paymentAllocationsEntity,
      legacy_id: "pay-1",
      ...times("2025-01-05T02:00:00.000Z"),
    })
    expect(rejections(allocations.result)).toEqual([
      ["pay-3", "obligationId:reference_missing"],
      ["pay-4", "amount:payment_amount"],
    ])
    expect(skips(allocations.result)).toEqual(["pay-5"])
  })
})

describe("Quran progress", () => {
  it("writes one programme for the export and one enrolment per student, from their first sitting", () => {
    const programs = run(B.quranProgramsEntity)
    expect(programs.rows.map((r) => [r.legacy_id, r.program_type, r.is_active])).toEqual([
      ["quran", "hifz_partial", true],
    ])
    expect(skips(programs.result)).toEqual(["q-2", "q-3", "q-4", "q-5", "q-6"])
    const enrolments = run(B.quranEnrollmentsEntity)
    expect(enrolments.rows.map((r) => [r.legacy_id, r.enrollment_date, r.program_id])).toEqual([
      ["stu-001", "2024-11-04", id(B.quranProgramsEntity, "quran")],
      ["stu-002", "2024-11-05", id(B.quranProgramsEntity, "quran")],
    ])
    expect(enrolments.rows[0]).toMatchObject({
      student_id: id(B.studentsEntity, "stu-001"),
      teacher_id: id(B.teachersEntity, "tch-001"),
    })
    expect(rejections(enrolments.result)).toEqual([["q-5", "studentId:reference_missing"]])
  })

  it("keeps one memorisation row per student and surah, by surah number or name, from the sitting that reached furthest", () => {
    const { result, byId } = run(B.quranProgressEntity)
    // q-1 (Al-Mulk to verse 15) and q-2 (surah 67 to verse 30) are one surah: q-2 reached its end.
    expect(byId.get("q-2")).toMatchObject({
      enrollment_id: id(B.quranEnrollmentsEntity, "stu-001"),
      surah_number: 67,
      juz_number: 29,
      status: "completed",
      verses_memorized: 30,
      total_verses: 30,
      start_date: "2024-11-04",
      completion_date: "2024-11-18",
      last_reviewed_at: "2024-11-18",
      review_count: 1,
    })
    expect(result.skipped.map((x) => [x.key, x.reason])).toEqual([
      [
        "q-1",
        "surah 67 of this student is written by sitting q-2, which reached furthest (one row per surah)",
      ],
      ["q-3", "a revision sitting: a murajaah session"],
      ["q-6", "a revision sitting: a murajaah session"],
    ])
    expect(rejections(result)).toEqual([
      ["q-4", "surah:surah_range"],
      ["q-5", "studentId:reference_missing"],
    ])
  })

  it("reads a sitting's score and notes as details: an in-progress surah keeps its quality", () => {
    const one = B.plan(
      B.read({
        students: [{ id: "s", name: "Ali bin Abu", joinDate: "2024-01-01" }],
        quranProgress: [
          {
            id: "q",
            studentId: "s",
            surah: "Al-Mulk",
            verseTo: 15,
            score: "88",
            notes: "Lancar",
            date: "2024-11-04",
          },
        ],
      }),
      { schoolCode: "SA", asOf: "2025-01-15" },
    )
    const entity = B.quranProgress({ ...options, plan: one })
    const r = Transform.run(
      entity.transform,
      [
        {
          id: "q",
          studentId: "s",
          surah: "Al-Mulk",
          verseTo: 15,
          score: "88",
          notes: "Lancar",
          date: "2024-11-04",
        },
      ],
      ["q"],
      { entity: entity.name, tenant: "SA01" },
    )
    const row = Object.fromEntries(entity.target.columns.map((c, i) => [c, r.ok[0]![i]]))
    expect(row).toMatchObject({
      status: "in_progress",
      verses_memorized: 15,
      quality_score: "88",
      teacher_notes: "Lancar",
      review_count: 0,
    })
  })

  it("maps revision to murajaah sessions, rated by a word or by a score", () => {
    const { result, byId } = run(B.murajaahEntity)
    expect(byId.get("q-3")).toMatchObject({
      enrollment_id: id(B.quranEnrollmentsEntity, "stu-001"),
      teacher_id: id(B.teachersEntity, "tch-001"),
      session_date: "2024-11-25",
      surah_from: 1,
      verse_from: 1,
      surah_to: 1,
      verse_to: 7,
      juz_number: 1,
      quality: "good",
      mistakes_count: 2,
      duration_minutes: 20,
    })
    // 72 of 100 is in the "good" band (65–79).
    expect(byId.get("q-6")).toMatchObject({ surah_from: 114, verse_from: null, verse_to: 6, quality: "good" })
    expect(skips(result)).toEqual(["q-1", "q-2"])
  })
})

describe("announcements", () => {
  it("maps announcements with their audience in Malay, their class and author; one with no text is rejected", () => {
    const { result, byId } = run(B.announcementsEntity)
    expect(byId.get("ann-1")).toMatchObject({
      title: "Cuti Deepavali",
      body: "Sekolah ditutup pada 31 Oktober.",
      audience: "all",
      is_pinned: true,
      published_at: "2024-10-20T00:00:00.000Z",
      author_id: id(B.teacherUsersEntity, "tch-001"),
      class_id: null,
    })
    // `content` is an older name of `body`; naming a class makes it that class's announcement.
    expect(byId.get("ann-2")).toMatchObject({
      body: "Kelas tambahan Matematik setiap Sabtu.",
      audience: "class",
      class_id: id(B.classesEntity, "cls-1"),
      published_at: "2024-10-21T00:00:00.000Z",
    })
    expect(rejections(result)).toEqual([["ann-3", "body:announcement_text"]])
  })
})

describe("private lessons", () => {
  it("maps lessons with their teacher, local start time, minutes and fee", () => {
    const { result, byId } = run(B.privateLessonsEntity)
    expect(byId.get("pl-1")).toEqual({
      id: id(B.privateLessonsEntity, "pl-1"),
      tenant_id: "SA01",
      student_id: id(B.studentsEntity, "stu-001"),
      teacher_id: id(B.teachersEntity, "tch-001"),
      subject: "Mathematics",
      lesson_date: "2024-12-01",
      start_time: "15:00",
      duration_minutes: 60,
      fee: "80.00",
      currency: "MYR",
      status: "completed",
      notes: null,
      legacy_source: B.privateLessonsEntity,
      legacy_id: "pl-1",
      ...times("2024-11-25T00:00:00.000Z"),
      deleted_at: null,
    })
    // A booked lesson may be in the future; a teacher not in the export is dropped with a note.
    expect(byId.get("pl-3")).toMatchObject({
      teacher_id: null,
      lesson_date: "2025-02-05",
      start_time: "15:30",
      duration_minutes: 45,
      fee: "60.00",
      status: "no_show",
      notes: "parent informed",
    })
    expect(rejections(result)).toEqual([
      ["pl-2", "studentId:reference_missing"],
      ["pl-4", "status:lesson_status", "price:fee_range"],
    ])
    expect(result.notes.filter((n) => n.key === "pl-3").map((n) => `${n.column}:${n.rule}`)).toEqual([
      "date:date",
      "price:money",
      "status:lesson_status",
      "teacherId:reference_missing",
      "notes:text",
    ])
  })

  it("reads start times and durations as people type them", () => {
    expect(
      ["15:00", "3:30 pm", "1500", "9.15", "12am", "3pm", "", "25:00", "15", "noon"].map(B.startTime),
    ).toEqual(["15:00", "15:30", "15:00", "09:15", "00:00", "15:00", null, undefined, undefined, undefined])
  })
})

describe("the whole export", () => {
  it("gives rows the portal schemas accept", () => {
    for (const e of entities)
      expect(
        decodes(e.name).every((t) => t === "Right"),
        e.name,
      ).toBe(true)
  })

  it("is idempotent: the same export mapped twice gives the same rows and ids", () => {
    for (const e of entities) expect(run(e.name).result, e.name).toEqual(run(e.name).result)
    const again = B.plan(B.read(JSON.parse(JSON.stringify(document))), {
      schoolCode: "SA",
      asOf: "2025-01-15",
    })
    expect(again).toEqual(plan)
  })

  it("resolves every foreign key to a row the referenced entity writes", () => {
    const ids = new Map(entities.map((e) => [e.name, new Set(run(e.name).rows.map((r) => r.id))]))
    const check = (name: string, column: string, target: string) => {
      for (const r of run(name).rows)
        if (r[column] !== null)
          expect(ids.get(target)!.has(r[column]), `${name}.${column} ${r.legacy_id}`).toBe(true)
    }
    check(B.studentsEntity, "user_id", B.studentUsersEntity)
    check(B.teachersEntity, "user_id", B.teacherUsersEntity)
    check(B.classesEntity, "homeroom_teacher_id", B.teachersEntity)
    check(B.enrollmentsEntity, "student_id", B.studentsEntity)
    check(B.enrollmentsEntity, "class_id", B.classesEntity)
    check(B.parentLinksEntity, "student_id", B.studentsEntity)
    check(B.parentLinksEntity, "guardian_id", B.parentsEntity)
    check(B.emergencyLinksEntity, "guardian_id", B.emergencyContactsEntity)
    check(B.studentDiscountsEntity, "scholarship_id", B.discountsEntity)
    check(B.attendanceEntity, "student_id", B.studentsEntity)
    check(B.attendanceEntity, "recorded_by", B.teacherUsersEntity)
    check(B.assessmentsEntity, "class_id", B.classesEntity)
    check(B.assessmentResultsEntity, "assessment_id", B.assessmentsEntity)
    check(B.assessmentResultsEntity, "student_id", B.studentsEntity)
    check(B.invoicesEntity, "student_id", B.studentsEntity)
    check(B.invoiceItemsEntity, "invoice_id", B.invoicesEntity)
    check(B.paymentsEntity, "student_id", B.studentsEntity)
    check(B.paymentAllocationsEntity, "payment_id", B.paymentsEntity)
    check(B.paymentAllocationsEntity, "invoice_id", B.invoicesEntity)
    check(B.privateLessonsEntity, "student_id", B.studentsEntity)
    check(B.privateLessonsEntity, "teacher_id", B.teachersEntity)
  })

  it("orders entities so that referenced ones load first, with names whose ids cannot collide", () => {
    expect(Entity.dependencyOrder(entities).map((e) => e.name)).toHaveLength(entities.length)
    const names = [
      ...entities.map((e) => e.name),
      LegacySis.usersEntity,
      LegacySis.studentsEntity,
      Gibbon.usersEntity,
    ]
    expect(TargetId.collisions("entity", names)).toEqual([])
  })
})
