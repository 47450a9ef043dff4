/**
 * The browser export as two years of a real app leave it: live records beside older localStorage
 * copies in an older shape, children entered twice, clocks that ran ahead, one test written two ways.
 * Each expectation below is read off the document by hand.
 */
import { TargetId, Transform } from "@schoolbridge/core"
import { describe, expect, it } from "vitest"
import * as B from "../src/BrowserExport.js"

const exported = "2025-03-21T00:00:00.000Z"

const document = {
  version: "2.0",
  exportedAt: exported,
  data: {
    students: [
      // The live record, and its older localStorage copy under another id: one child.
      {
        id: "s-10",
        name: "Siti Aminah binti Yusof",
        studentNumber: "STU2024X0001",
        classId: "c-1",
        status: "Aktif",
        dateOfBirth: "31/02/2015",
        createdAt: "Thu Mar 20 2025 14:05:00 GMT+0800 (Malaysia Time)",
        updatedAt: "2025-03-20T07:00:00.000Z",
      },
      {
        id: "ls-10",
        fullName: "SITI AMINAH BINTI YUSOF",
        dob: "2015-02-03",
        studentNo: "STU2024X0001",
        class_id: "c-1",
        createdAt: "2024-01-05T00:00:00.000Z",
        updatedAt: "2024-06-01T00:00:00.000Z",
      },
      // The same record twice, byte for byte.
      { id: "s-11", name: "Lim Wei Jie", joinDate: "2024-01-08", createdAt: "2024-01-08T00:00:00.000Z" },
      { id: "s-11", name: "Lim Wei Jie", joinDate: "2024-01-08", createdAt: "2024-01-08T00:00:00.000Z" },
      // Changed two hours after the export's own time: the tablet's clock ran ahead.
      {
        id: "s-12",
        name: "Kumar a/l Raj",
        joinDate: "2024-01-08",
        status: "Tidak Aktif",
        createdAt: "2024-01-08T00:00:00.000Z",
        updatedAt: "2025-03-21T02:00:00.000Z",
      },
      // The older shape alone, with a field no mapping reads, and a status no table knows.
      {
        id: "s-13",
        fullName: "Nur Aisyah binti Hassan",
        dob: "12/05/2014",
        nickname: "Echa",
        status: "Entah",
      },
      // One student number on two different children: the newer loads, the older is held.
      {
        id: "s-14",
        name: "Farid bin Omar",
        studentNumber: "STU2024X0007",
        updatedAt: "2025-01-02T00:00:00Z",
      },
      { id: "s-15", name: "Wong Mei Mei", studentNumber: "STU2024X0007", updatedAt: "2024-01-02T00:00:00Z" },
      // Entered twice with different numbers, but one name and one birth date: one child.
      { id: "s-16", name: "Adam bin Ismail", studentNumber: "A-16", dateOfBirth: "2014-09-09" },
      {
        id: "s-17",
        name: "ADAM BIN ISMAIL",
        studentNumber: "A-17",
        dateOfBirth: "09/09/2014",
        updatedAt: "2025-02-01T00:00:00Z",
      },
    ],
    teachers: [{ id: "t-1", name: "Zainab binti Hassan" }],
    classes: [{ id: "c-1", name: "1 Amanah", teacherId: "t-1" }],
    attendance: [
      { id: "a-1", studentId: "ls-10", classId: "c-1", date: "2025-03-03", status: "present" },
      // The same child, class and day marked again later: the later mark stands.
      {
        id: "a-2",
        studentId: "s-10",
        classId: "c-1",
        date: "03/03/2025",
        status: "late",
        updatedAt: "2025-03-03T02:00:00Z",
      },
      // A class deleted from the app: the mark loads without it.
      { id: "a-3", studentId: "s-10", classId: "c-gone", date: "2025-03-04", status: "present" },
      { id: "a-4", studentId: "s-15", classId: "c-1", date: "2025-03-04", status: "present" },
    ],
    grades: [
      // One test, its maximum and date written two ways, scores under the older `marks`/`outOf`.
      {
        id: "g-1",
        studentId: "s-10",
        classId: "c-1",
        title: "Ujian 1",
        score: 70,
        maxScore: "100",
        date: "2025-03-01",
      },
      {
        id: "g-2",
        studentId: "s-16",
        classId: "c-1",
        title: "Ujian 1 ",
        marks: "64",
        outOf: 100,
        date: "01/03/2025",
      },
      {
        id: "g-3",
        studentId: "s-12",
        classId: "c-1",
        title: "Ujian 1",
        score: "abc",
        maxScore: 100,
        date: "2025-03-01",
      },
    ],
    paymentObligations: [
      { id: "o-1", studentId: "ls-10", amount: 150, dueDate: "2025-03-31", issueDate: "2025-03-01" },
    ],
    payments: [
      {
        id: "p-1",
        obligationId: "o-1",
        amount: 150,
        paymentDate: "2025-03-05T10:00:00+08:00",
        status: "completed",
      },
      {
        id: "p-1",
        obligationId: "o-1",
        amount: 150,
        paymentDate: "2025-03-05T10:00:00+08:00",
        status: "completed",
      },
    ],
  },
}

const data = B.read(document)
const plan = B.plan(data, {
  schoolCode: "X",
  asOf: "2025-03-21",
  exportedAt: B.exportedAt(document),
})
const options: B.Options = { tenant: "X01", asOf: "2025-03-21", loadedAt: "2025-03-22T00:00:00.000Z", plan }
const entities = B.entities(options)
const id = (entity: string, legacyId: string) => TargetId.of(entity, "X01", legacyId)

const run = (name: string) => {
  const entity = entities.find((e) => e.name === name)!
  const c = B.collection(document, B.sourceOf[name]!)
  const result = Transform.run(entity.transform, c.rows, c.keys, { entity: name, tenant: "X01" })
  const rows = result.ok.map((r) => Object.fromEntries(entity.target.columns.map((col, i) => [col, r[i]])))
  return { result, byKey: new Map(rows.map((r, i) => [result.okKeys[i]!, r])) }
}
const notesOf = (result: Transform.Result, key: string) =>
  result.notes.filter((n) => n.key === key).map((n) => `${n.column}:${n.rule}`)

describe("the browser export on real data", () => {
  it("reads its own time, so a clock that ran ahead is told from a time that cannot be", () => {
    expect(plan.exportedAt).toBe(exported)
  })

  it("loads each child once: copies collapse, older copies and second entries are merged, a clash is held", () => {
    const { result, byKey } = run(B.studentsEntity)
    expect([...byKey.keys()]).toEqual(["s-10", "s-11 (copy 1)", "s-12", "s-13", "s-14", "s-17"])
    expect(result.skipped.map((s) => [s.key, s.reason])).toEqual([
      ["ls-10", "merged into student s-10 (same student number STU2024X0001): one child entered twice"],
      ["s-11 (copy 2)", "an identical copy of s-11 (copy 1)"],
      [
        "s-16",
        "merged into student s-17 (same name and birth date adam ismail|2014-09-09): one child entered twice",
      ],
    ])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => x.rule)])).toEqual([
      ["s-15", ["duplicate_person_held"]],
    ])
    expect(result.rejected[0]!.reasons[0]!.message).toBe(
      "student s-15 is held as a possible duplicate of s-14 (same student number STU2024X0007, but their names differ)",
    )
    // The winner names what was merged into it.
    expect(notesOf(result, "s-10")).toContain("id:duplicate_person")
  })

  it("never rejects a child for a date or a status: impossible dates are empty, Malay and unknown statuses read", () => {
    const { result, byKey } = run(B.studentsEntity)
    expect(byKey.get("s-10")).toMatchObject({ date_of_birth: null, status: "active" })
    expect(notesOf(result, "s-10")).toContain("dateOfBirth:date")
    expect(byKey.get("s-12")).toMatchObject({ status: "withdrawn" })
    expect(byKey.get("s-13")).toMatchObject({ status: "active", date_of_birth: "2014-05-12" })
    // The person's columns, the status among them, are noted once, by the users entity.
    expect(notesOf(run(B.studentUsersEntity).result, "s-13")).toContain("status:student_status")
  })

  it("reads Date#toString times with their offset, and a time just after the export as clock skew", () => {
    const users = run(B.studentUsersEntity)
    expect(users.byKey.get("s-10")).toMatchObject({ created_at: "2025-03-20T06:05:00.000Z" })
    expect(users.byKey.get("s-12")).toMatchObject({ updated_at: exported })
    expect(users.result.notes.find((n) => n.key === "s-12" && n.rule === "clock_skew")?.message).toBe(
      `2025-03-21T02:00:00.000Z is after the export's own time ${exported}: the device's clock ran ahead; stored as ${exported}`,
    )
  })

  it("reads the older shape through its aliases and reports a field no mapping knows", () => {
    const users = run(B.studentUsersEntity)
    expect(users.byKey.get("s-13")).toMatchObject({ first_name: "Nur Aisyah", last_name: "binti Hassan" })
    const unknown = users.result.notes.find((n) => n.key === "s-13" && n.rule === "unknown_key")
    expect(unknown).toMatchObject({ column: "nickname", value: "Echa" })
    expect(notesOf(users.result, "s-13")).toContain("name:older_shape")
  })

  it("re-points what hung off a merged record to the child that loads, and rejects what hangs off a held one", () => {
    const marks = run(B.attendanceEntity)
    // a-1 (by the older record ls-10) and a-2 are one child's one day: the later a-2 stands.
    expect(marks.result.skipped.map((s) => [s.key, s.reason])).toEqual([
      ["a-1", "a second mark of the same student, class and day: the later a-2 stands"],
    ])
    expect(marks.byKey.get("a-2")).toMatchObject({
      student_id: id(B.studentsEntity, "s-10"),
      status: "late",
    })
    expect(marks.byKey.get("a-3")).toMatchObject({ class_id: null })
    expect(notesOf(marks.result, "a-3")).toContain("classId:reference_missing")
    expect(marks.result.rejected.map((r) => [r.key, r.reasons.map((x) => x.rule)])).toEqual([
      ["a-4", ["duplicate_person_held"]],
    ])
    const invoices = run(B.invoicesEntity)
    expect(invoices.byKey.get("o-1")).toMatchObject({
      student_id: id(B.studentsEntity, "s-10"),
      paid_amount: "150.00",
    })
  })

  it("counts a payment written twice once", () => {
    const payments = run(B.paymentsEntity)
    expect([...payments.byKey.keys()]).toEqual(["p-1 (copy 1)"])
    expect(payments.result.skipped.map((s) => s.key)).toEqual(["p-1 (copy 2)"])
    expect(plan.paid.get("o-1")).toBe(15000n)
  })

  it("makes one assessment of one test written two ways, and notes a score it cannot read", () => {
    const assessments = run(B.assessmentsEntity)
    expect([...assessments.byKey.keys()]).toEqual(["g-1"])
    expect(assessments.byKey.get("g-1")).toMatchObject({ max_score: "100.00", assessed_on: "2025-03-01" })
    const results = run(B.assessmentResultsEntity)
    const assessment = id(B.assessmentsEntity, plan.assessments.get("g-1")!)
    expect(results.byKey.get("g-2")).toMatchObject({
      assessment_id: assessment,
      student_id: id(B.studentsEntity, "s-17"),
      score: "64.00",
      percentage: "64.00",
    })
    expect(results.byKey.get("g-3")).toMatchObject({ assessment_id: assessment, score: null })
    expect(notesOf(results.result, "g-3")).toContain("score:score")
  })
})
