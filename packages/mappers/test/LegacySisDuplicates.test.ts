import { TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import { LegacySisDuplicates as D, LegacySis, StudentNumber } from "../src/index.js"

const base = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z" } as const

const user = (user_id: number, first_name: string, last_name: string | null): LegacySis.UserRow => ({
  user_id,
  email: null,
  password: null,
  first_name,
  last_name,
  phone: null,
  status: "A",
  created_date: "2023-01-01 08:00:00",
  modified_date: null,
})

const student = (over: Partial<LegacySis.StudentRow> & { student_id: number }): LegacySis.StudentRow => ({
  user_id: over.student_id,
  student_number: null,
  dob: null,
  gender: null,
  nationality: null,
  ic_number: null,
  blood_group: null,
  medical_info: null,
  admission_date: "2023-01-09",
  status: "active",
  address1: null,
  address2: null,
  city: null,
  state: null,
  postal_code: null,
  country: null,
  created_date: "2023-01-05 08:00:00",
  modified_date: null,
  ...over,
})

// 150614-14-5678: born 2015-06-14, female. 160101-10-1235: born 2016-01-01, male.
const kadA = "150614-14-5678"
const kadB = "160101-10-1235"

const users = [
  user(1, "NUR AISYAH", "BINTI RAHMAN"),
  user(2, "Nur Aisyah", "binti Rahman"),
  user(3, "Nur Aisyah", "Rahman"),
  user(4, "Siti", "Hajar"),
  user(5, "Lim", "Wei"),
  user(6, "Lim", "Wei"),
  user(8, "Arjun", "a/l Raj"),
  user(9, "Arjun", "A / L RAJ"),
  user(10, "Tan", "Mei Ling"),
]

const students = [
  // 1, 2 and 3 are one child: an older copy, the record in use, and an older withdrawn one.
  student({ student_id: 1, ic_number: kadA, dob: "2015-06-14", modified_date: "2023-05-01 08:00:00" }),
  student({ student_id: 2, ic_number: kadA, dob: "14/06/2015", modified_date: "2024-02-01 08:00:00" }),
  student({ student_id: 3, ic_number: kadA, status: "Berhenti", modified_date: "2024-09-01 08:00:00" }),
  // 4 has 1's MyKad but is a different child: held.
  student({ student_id: 4, ic_number: kadA }),
  // 5 and 6: identical copies but for the key.
  student({ student_id: 5, ic_number: kadB, dob: "2016-01-01", gender: "M" }),
  student({ student_id: 6, ic_number: kadB, dob: "2016-01-01", gender: "M" }),
  // 8 and 9: one child by student number (no MyKad), the particle written two ways.
  student({ student_id: 8, student_number: "stu-1 ", created_date: "2022-01-01 08:00:00" }),
  student({ student_id: 9, student_number: "STU-1", created_date: "2024-01-01 08:00:00" }),
  // 10 shares 9's student number but is another child: left to the number plan.
  student({ student_id: 10, student_number: "STU-1" }),
]

describe("LegacySisDuplicates.plan", () => {
  const plan = D.plan(students, users, base)

  it("merges the records of one child into the newest live one, by MyKad and by student number", () => {
    expect([...plan.merged.values()].map((m) => [m.loser, m.winner, m.by])).toEqual([
      ["1", "2", "mykad"],
      ["3", "2", "mykad"],
      ["5", "6", "mykad"],
      ["8", "9", "student_number"],
    ])
    expect([...plan.into].map(([w, ms]) => [w, ms.map((m) => m.loser)])).toEqual([
      ["2", ["1", "3"]],
      ["6", ["5"]],
      ["9", ["8"]],
    ])
    // Each loser's account is merged into the winner's.
    expect([...plan.users]).toEqual([
      ["1", "2"],
      ["3", "2"],
      ["5", "6"],
      ["8", "9"],
    ])
  })

  it("holds a record whose MyKad another child's record has, and leaves another child's number to the number plan", () => {
    expect([...plan.held.values()]).toEqual([
      { key: "4", other: "2", by: "mykad", value: kadA, why: "their names differ" },
    ])
    expect(plan.merged.has("10")).toBe(false)
    expect(plan.held.has("10")).toBe(false)
  })

  it("does not merge records whose birth dates disagree", () => {
    const p = D.plan(
      [
        student({ student_id: 1, ic_number: kadB, dob: "2016-01-01" }),
        student({ student_id: 2, ic_number: kadB, dob: "2016-02-01" }),
      ],
      [user(1, "Lim", "Wei"), user(2, "Lim", "Wei")],
      base,
    )
    expect(p.merged.size).toBe(0)
    expect(p.held.get("1")).toMatchObject({ other: "2", why: "their birth dates differ" })
  })

  it("compares names without case, accents or particles", () => {
    expect(D.sameName(D.nameWords("NUR AISYAH", "BINTI RAHMAN"), D.nameWords("Nur Aisyah", "Rahman"))).toBe(
      true,
    )
    expect(D.sameName(D.nameWords("Arjun", "A / L RAJ"), D.nameWords("arjun", "a/l raj"))).toBe(true)
    expect(D.sameName(D.nameWords("Zoë", "Tan"), D.nameWords("ZOE", "TAN"))).toBe(true)
    expect(D.sameName(D.nameWords("Siti", "Hajar"), D.nameWords("Nur Aisyah", "Rahman"))).toBe(false)
    expect(D.sameName([], [])).toBe(false)
  })
})

describe("the legacy mappers with a duplicates plan", () => {
  const plan = D.plan(students, users, base)
  const keys = (
    rows: ReadonlyArray<{ student_id?: unknown; user_id?: unknown }>,
    k: "student_id" | "user_id",
  ) => rows.map((r) => String(r[k]))

  it("skips each merged record naming its winner, holds the undecided one, and notes the merges on the winner", () => {
    const aside = D.setAside(plan)
    const numbers = StudentNumber.plan(
      LegacySis.numberInputs(students, base).filter((i) => !aside.has(i.key)),
      "SA01",
    )
    const entity = LegacySis.students({ ...base, numbers, duplicates: plan })
    const out = Transform.run(entity.transform, students, keys(students, "student_id"), {
      entity: entity.name,
      tenant: "SA01",
    })
    expect(out.okKeys).toEqual(["2", "6", "9"])
    expect(out.skipped.map((s) => [s.key, s.reason.split(":")[0]])).toEqual([
      ["1", "merged into student 2"],
      ["3", "merged into student 2"],
      ["5", "merged into student 6"],
      ["8", "merged into student 9"],
    ])
    expect(out.rejected.map((r) => [r.key, r.reasons.map((x) => x.rule)])).toEqual([
      ["4", ["duplicate_person_held"]],
      // Another child with student 9's number: the number plan rejects the later key, as before.
      ["10", ["student_number_unique"]],
    ])
    expect(out.notes.filter((n) => n.rule === "duplicate_merged").map((n) => [n.key, n.message])).toEqual([
      ["2", `student 1 (the same MyKad ${kadA}) merged into this record`],
      ["2", `student 3 (the same MyKad ${kadA}) merged into this record`],
      ["6", `student 5 (the same MyKad ${kadB}) merged into this record`],
      ["9", "student 8 (the same student number STU-1) merged into this record"],
    ])
  })

  it("skips the accounts of merged records", () => {
    const entity = LegacySis.users({ ...base, passwords: "force-reset", duplicates: plan })
    const out = Transform.run(entity.transform, users, keys(users, "user_id"), {
      entity: entity.name,
      tenant: "SA01",
    })
    expect(out.skipped.map((s) => s.key)).toEqual(["1", "3", "5", "8"])
    expect(out.okKeys).toEqual(["2", "4", "6", "9", "10"])
  })

  it("re-points every reference to a merged student at the winner, and keeps each row's own id", () => {
    const enrollment = (enrollment_id: number, student_id: number): LegacySis.EnrollmentRow => ({
      enrollment_id,
      student_id,
      class_id: 30,
      enrollment_date: "2024-01-02",
      end_date: null,
      status: "A",
      created_date: "2024-01-02 08:00:00",
      modified_date: null,
    })
    const rows = [enrollment(40, 1), enrollment(41, 2), enrollment(42, 10)]
    const entity = D.repoint(LegacySis.enrollments(base), plan)
    const out = Transform.run(entity.transform, rows, ["40", "41", "42"], {
      entity: entity.name,
      tenant: "SA01",
    })
    const col = (c: string) => out.ok.map((r) => r[Academic.Enrollments.columns.indexOf(c as never)])
    const studentId = (k: string) => TargetId.of(LegacySis.studentsEntity, "SA01", k)
    expect(col("student_id")).toEqual([studentId("2"), studentId("2"), studentId("10")])
    expect(col("id")).toEqual(
      ["40", "41", "42"].map((k) => TargetId.of(LegacySis.enrollmentsEntity, "SA01", k)),
    )
    // A note made through the re-pointed context lands on the row the engine is at.
    expect(out.notes.every((n) => ["40", "41", "42"].includes(n.key))).toBe(true)
  })
})

describe("a chain of merges", () => {
  it("ends at the last winner: merged by MyKad into a record that is merged by student number", () => {
    const p = D.plan(
      [
        student({ student_id: 1, ic_number: kadB, created_date: "2021-01-01 08:00:00" }),
        student({
          student_id: 2,
          ic_number: kadB,
          student_number: "S-9",
          created_date: "2022-01-01 08:00:00",
        }),
        student({ student_id: 3, student_number: "S-9", created_date: "2023-01-01 08:00:00" }),
      ],
      [user(1, "Lim", "Wei"), user(2, "Lim", "Wei"), user(3, "Lim", "Wei")],
      base,
    )
    expect([...p.merged.values()].map((m) => [m.loser, m.winner])).toEqual([
      ["1", "3"],
      ["2", "3"],
    ])
    expect([...p.users]).toEqual([
      ["1", "3"],
      ["2", "3"],
    ])
  })
})
