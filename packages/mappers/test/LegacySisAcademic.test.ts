import { TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { LegacySisAcademic as A, LegacySis } from "../src/index.js"

const base = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
} as const

const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const record = (table: { readonly columns: ReadonlyArray<string> }, row: Transform.Row) =>
  Object.fromEntries(table.columns.map((c, i) => [c, row[i]]))

const decodes = (
  table: { readonly schema: unknown; readonly columns: ReadonlyArray<string> },
  rows: ReadonlyArray<Transform.Row>,
) =>
  rows.map((r) => Schema.decodeUnknownEither(table.schema as Schema.Schema<unknown>)(record(table, r))._tag)

const yearId = (name: string) => TargetId.of(A.academicYearsEntity, "SA01", name)

describe("LegacySisAcademic.yearName", () => {
  it.each([
    ["2024", "2024", 2024],
    [2024, "2024", 2024],
    [" 2024/2025 ", "2024/2025", 2024],
    ["2024-25", "2024/2025", 2024],
    ["Session 2024/25", "2024/2025", 2024],
    ["AY2023", "2023", 2023],
    ["2099–2100", "2099/2100", 2099],
  ])("%s → %s", (input, name, startYear) => {
    expect(A.yearName(input)).toEqual({ name, startYear })
  })
  it.each([[null], [""], ["next year"], ["2024/2026"], ["2024-23"], ["1850"], ["12024"]])(
    "%s names no year",
    (input) => {
      expect(A.yearName(input)).toBeUndefined()
    },
  )
  it("derives twelve months from the start month", () => {
    expect(A.yearDates({ name: "2024", startYear: 2024 })).toEqual({ start: "2024-01-01", end: "2024-12-31" })
    expect(A.yearDates({ name: "2024/2025", startYear: 2024 }, 3)).toEqual({
      start: "2024-03-01",
      end: "2025-02-28",
    })
  })
})

const year = (over: Partial<A.AcademicYearRow>): A.AcademicYearRow => ({
  year_id: 1,
  year_name: null,
  start_date: null,
  end_date: null,
  created_date: "2023-11-01 09:00:00",
  modified_date: null,
  ...over,
})

// Dirty: a decorated name, a name with no dates, a duplicate name, a bad name, reversed dates,
// an unreadable flag.
const years: ReadonlyArray<A.AcademicYearRow> = [
  year({ year_id: 1, year_name: "2024", start_date: "02/01/2024", end_date: "2024-11-29", is_current: "N" }),
  year({ year_id: 2, year_name: "Session 2025", is_current: "maybe" }),
  year({ year_id: 3, year_name: " 2024 " }),
  year({ year_id: 4, year_name: "Tahun depan" }),
  year({ year_id: 5, year_name: "2023", start_date: "2023-12-01", end_date: "2023-01-01" }),
  year({ year_id: 6, year_name: "2023/2024", is_enrollment_open: 1 }),
]

describe("LegacySisAcademic.academicYears", () => {
  const duplicates = A.duplicateYears(years)
  const entity = A.academicYears({ ...base, duplicates })
  const keys = ["1", "2", "3", "4", "5", "6"]

  it("finds the years whose name a lower key already has", () => {
    expect([...duplicates]).toEqual([["3", "1"]])
  })
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, years, keys)
    expect(result.ok.map((r) => record(Academic.AcademicYears, r))).toEqual([
      {
        id: yearId("2024"),
        tenant_id: "SA01",
        name: "2024",
        code: "AY2024",
        start_date: "2024-01-02",
        end_date: "2024-11-29",
        is_current: false,
        is_enrollment_open: false,
        legacy_source: "legacy-sis.academic_years",
        legacy_id: "1",
        created_at: "2023-11-01T01:00:00.000Z",
        updated_at: "2023-11-01T01:00:00.000Z",
        deleted_at: null,
      },
      {
        id: yearId("2025"),
        tenant_id: "SA01",
        name: "2025",
        code: "AY2025",
        start_date: "2025-01-01",
        end_date: "2025-12-31",
        is_current: true,
        is_enrollment_open: false,
        legacy_source: "legacy-sis.academic_years",
        legacy_id: "2",
        created_at: "2023-11-01T01:00:00.000Z",
        updated_at: "2023-11-01T01:00:00.000Z",
        deleted_at: null,
      },
      {
        id: yearId("2023/2024"),
        tenant_id: "SA01",
        name: "2023/2024",
        code: "AY2023",
        start_date: "2023-01-01",
        end_date: "2023-12-31",
        is_current: false,
        is_enrollment_open: true,
        legacy_source: "legacy-sis.academic_years",
        legacy_id: "6",
        created_at: "2023-11-01T01:00:00.000Z",
        updated_at: "2023-11-01T01:00:00.000Z",
        deleted_at: null,
      },
    ])
    expect(decodes(Academic.AcademicYears, result.ok)).toEqual(["Right", "Right", "Right"])
    // Ids come from names, not keys: the id map records each legacy key's year.
    expect(result.mapped).toEqual([
      { tenant: "SA01", legacyId: "1", targetId: yearId("2024") },
      { tenant: "SA01", legacyId: "2", targetId: yearId("2025") },
      { tenant: "SA01", legacyId: "6", targetId: yearId("2023/2024") },
    ])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["3", [["year_name", "academic_year_unique"]]],
      ["4", [["year_name", "academic_year"]]],
      ["5", [["end_date", "date_order"]]],
    ])
    // Every legacy time is converted from Malaysian time (a `timestamp` note): left out here.
    const notes = result.notes.filter((n) => n.rule !== "timestamp")
    expect(notes.map((n) => [n.key, n.column, n.rule, n.message])).toEqual([
      ["1", "start_date", "date", expect.any(String)],
      ["2", "start_date", "date", "no start date: 2025-01-01, from the name"],
      ["2", "end_date", "date", "no end date: 2025-12-31, from the name"],
      ["2", "year_name", "academic_year", "Session 2025 stored as 2025"],
      ["2", "is_current", "flag", "maybe is not a yes/no value; derived instead"],
      ["6", "start_date", "date", "no start date: 2023-01-01, from the name"],
      ["6", "end_date", "date", "no end date: 2023-12-31, from the name"],
    ])
  })
  it("derives year rows from the names other tables use, and maps them to the same ids", () => {
    const derived = A.deriveYears(["2024", " 2024 ", "2024-25", "AY2024", null, "bad", 2023])
    expect(derived.map((r) => r.year_id)).toEqual(["2023", "2024", "2024/2025"])
    const result = runBatch(
      A.academicYears(base),
      derived,
      derived.map((r) => String(r.year_id)),
    )
    expect(result.rejected).toEqual([])
    // Derived rows are keyed by their name: nothing for the id map.
    expect(result.mapped).toEqual([])
    expect(
      result.ok.map((r) => record(Academic.AcademicYears, r)).map((r) => [r.id, r.name, r.legacy_id]),
    ).toEqual([
      [yearId("2023"), "2023", "2023"],
      [yearId("2024"), "2024", "2024"],
      [yearId("2024/2025"), "2024/2025", "2024/2025"],
    ])
  })
  it("is idempotent: the same rows give the same ids and rows", () => {
    expect(runBatch(entity, years, keys)).toEqual(runBatch(entity, years, keys))
  })
})

const assessment = (over: Partial<A.AssessmentRow>): A.AssessmentRow => ({
  assessment_id: 1,
  class_id: null,
  academic_year: null,
  name: null,
  category: null,
  term: null,
  max_score: null,
  weight: null,
  assessment_date: null,
  created_date: "2024-03-01 08:00:00",
  modified_date: null,
  ...over,
})

// Dirty: spaces, a percentage sign, no maximum, an unreadable year, a zero maximum, no name, a
// negative weight, an impossible date.
const assessmentRows: ReadonlyArray<A.AssessmentRow> = [
  assessment({
    assessment_id: 1,
    class_id: 10,
    academic_year: "2024",
    name: "  Peperiksaan  Pertengahan Tahun ",
    category: "exam",
    term: "Term 1",
    max_score: "100",
    weight: "0.4",
    assessment_date: "15/05/2024",
  }),
  assessment({ assessment_id: 2, class_id: "10", academic_year: "next", name: "Quiz 1", max_score: "" }),
  assessment({ assessment_id: 3, class_id: 10, name: "Oral", max_score: "0" }),
  assessment({ assessment_id: 4, class_id: 10, name: " ", weight: "-1", assessment_date: "31/02/2024" }),
  assessment({ assessment_id: 5, name: "Project", max_score: "50.5%", weight: "1.2345" }),
]

describe("LegacySisAcademic.assessments", () => {
  const entity = A.assessments(base)
  const keys = ["1", "2", "3", "4", "5"]

  it("maps, rejects and notes the dirty fixture, with classes and years resolved", () => {
    const result = runBatch(entity, assessmentRows, keys)
    const rows = result.ok.map((r) => record(Academic.Assessments, r))
    const classId = TargetId.of(LegacySis.classesEntity, "SA01", "10")
    expect(rows).toEqual([
      {
        id: TargetId.of(A.assessmentsEntity, "SA01", "1"),
        tenant_id: "SA01",
        academic_year_id: yearId("2024"),
        class_id: classId,
        name: "Peperiksaan Pertengahan Tahun",
        category: "exam",
        term: "Term 1",
        max_score: "100.00",
        weight: "0.400",
        assessed_on: "2024-05-15",
        legacy_source: "legacy-sis.assessments",
        legacy_id: "1",
        created_at: "2024-03-01T00:00:00.000Z",
        updated_at: "2024-03-01T00:00:00.000Z",
        deleted_at: null,
      },
      {
        id: TargetId.of(A.assessmentsEntity, "SA01", "2"),
        tenant_id: "SA01",
        academic_year_id: null,
        class_id: classId,
        name: "Quiz 1",
        category: null,
        term: null,
        max_score: "100.00",
        weight: null,
        assessed_on: null,
        legacy_source: "legacy-sis.assessments",
        legacy_id: "2",
        created_at: "2024-03-01T00:00:00.000Z",
        updated_at: "2024-03-01T00:00:00.000Z",
        deleted_at: null,
      },
      {
        id: TargetId.of(A.assessmentsEntity, "SA01", "5"),
        tenant_id: "SA01",
        academic_year_id: null,
        class_id: null,
        name: "Project",
        category: null,
        term: null,
        max_score: "50.50",
        weight: "1.235",
        assessed_on: null,
        legacy_source: "legacy-sis.assessments",
        legacy_id: "5",
        created_at: "2024-03-01T00:00:00.000Z",
        updated_at: "2024-03-01T00:00:00.000Z",
        deleted_at: null,
      },
    ])
    expect(decodes(Academic.Assessments, result.ok)).toEqual(["Right", "Right", "Right"])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["3", [["max_score", "decimal_range"]]],
      [
        "4",
        [
          ["name", "text"],
          ["weight", "decimal_range"],
          ["assessment_date", "date"],
        ],
      ],
    ])
    const notes = result.notes.filter((n) => n.rule !== "text" && n.rule !== "timestamp")
    expect(notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["1", "assessment_date", "date"],
      ["2", "max_score", "decimal"],
      ["2", "academic_year", "academic_year"],
      ["5", "weight", "decimal"],
    ])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, assessmentRows, keys)).toEqual(runBatch(entity, assessmentRows, keys))
  })
})

const grade = (over: Partial<A.GradeRow>): A.GradeRow => ({
  grade_id: 1,
  assessment_id: 1,
  student_id: 1,
  score: null,
  grade: null,
  remarks: null,
  graded_by: null,
  graded_date: null,
  created_date: "2024-05-20 10:00:00",
  modified_date: null,
  ...over,
})

// Dirty: a percent mark, a letter only, a mark above the maximum, a negative mark, an assessment the
// table does not have, no student, nothing marked, a future marking time.
const gradeRows: ReadonlyArray<A.GradeRow> = [
  grade({ grade_id: 1, assessment_id: 1, student_id: 7, score: "78.5%", grade: " A- ", graded_by: 3 }),
  grade({ grade_id: 2, assessment_id: 5, student_id: 7, score: 33.333, remarks: "Good\neffort" }),
  grade({
    grade_id: 3,
    assessment_id: 2,
    student_id: 8,
    grade: "Cemerlang",
    graded_date: "2024-05-21 14:30",
  }),
  grade({ grade_id: 4, assessment_id: 1, student_id: 8, score: "101" }),
  grade({ grade_id: 5, assessment_id: 1, student_id: 9, score: "-5" }),
  grade({ grade_id: 6, assessment_id: 3, student_id: 9, score: "5" }),
  grade({ grade_id: 7, assessment_id: 1, student_id: null, score: "50" }),
  grade({ grade_id: 8, assessment_id: 1, student_id: 10 }),
  grade({ grade_id: 9, assessment_id: 1, student_id: 11, score: "60", graded_date: "2030-01-01" }),
]

describe("LegacySisAcademic.grades", () => {
  const index = A.indexAssessments(assessmentRows)
  const entity = A.grades({ ...base, assessments: index })
  const keys = gradeRows.map((r) => String(r.grade_id))

  it("indexes each readable maximum (empty means 100; a zero maximum is left out)", () => {
    expect([...index]).toEqual([
      ["1", 100],
      ["2", 100],
      ["4", 100],
      ["5", 50.5],
    ])
  })
  it("maps, rejects and skips the dirty fixture, with percentages and links", () => {
    const result = runBatch(entity, gradeRows, keys)
    const common = {
      tenant_id: "SA01",
      legacy_source: "legacy-sis.grades",
      created_at: "2024-05-20T02:00:00.000Z",
      updated_at: "2024-05-20T02:00:00.000Z",
      deleted_at: null,
    }
    expect(result.ok.map((r) => record(Academic.AssessmentResults, r))).toEqual([
      {
        ...common,
        id: TargetId.of(A.gradesEntity, "SA01", "1"),
        assessment_id: TargetId.of(A.assessmentsEntity, "SA01", "1"),
        student_id: TargetId.of(LegacySis.studentsEntity, "SA01", "7"),
        score: "78.50",
        percentage: "78.50",
        grade: "A-",
        feedback: null,
        graded_by: TargetId.of(LegacySis.usersEntity, "SA01", "3"),
        graded_at: null,
        legacy_id: "1",
      },
      {
        ...common,
        id: TargetId.of(A.gradesEntity, "SA01", "2"),
        assessment_id: TargetId.of(A.assessmentsEntity, "SA01", "5"),
        student_id: TargetId.of(LegacySis.studentsEntity, "SA01", "7"),
        score: "33.33",
        percentage: "66.00",
        grade: null,
        feedback: "Good\neffort",
        graded_by: null,
        graded_at: null,
        legacy_id: "2",
      },
      {
        ...common,
        id: TargetId.of(A.gradesEntity, "SA01", "3"),
        assessment_id: TargetId.of(A.assessmentsEntity, "SA01", "2"),
        student_id: TargetId.of(LegacySis.studentsEntity, "SA01", "8"),
        score: null,
        percentage: null,
        grade: "Cemerlang",
        feedback: null,
        graded_by: null,
        graded_at: "2024-05-21T06:30:00.000Z",
        legacy_id: "3",
      },
      {
        // A marking time in the future is not the grade: stored as empty with a note, the grade loads.
        ...common,
        id: TargetId.of(A.gradesEntity, "SA01", "9"),
        assessment_id: TargetId.of(A.assessmentsEntity, "SA01", "1"),
        student_id: TargetId.of(LegacySis.studentsEntity, "SA01", "11"),
        score: "60.00",
        percentage: "60.00",
        grade: null,
        feedback: null,
        graded_by: null,
        graded_at: null,
        legacy_id: "9",
      },
    ])
    expect(decodes(Academic.AssessmentResults, result.ok)).toEqual(["Right", "Right", "Right", "Right"])
    expect(
      result.notes.filter((n) => n.key === "9" && n.column === "graded_date").map((n) => [n.rule, n.value]),
    ).toEqual([["timestamp", "2030-01-01"]])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["4", [["score", "score_range"]]],
      ["5", [["score", "decimal_range"]]],
      ["6", [["assessment_id", "reference"]]],
      ["7", [["student_id", "reference"]]],
    ])
    expect(result.skipped).toEqual([
      { key: "8", reason: "no score and no grade: the student was not marked" },
    ])
  })
  it("points at the ids the assessments and students flows give", () => {
    const assessmentsOut = runBatch(A.assessments(base), assessmentRows, ["1", "2", "3", "4", "5"])
    const gradesOut = runBatch(entity, gradeRows, keys)
    const assessmentIds = new Set(assessmentsOut.ok.map((r) => record(Academic.Assessments, r).id))
    for (const r of gradesOut.ok)
      expect(assessmentIds.has(record(Academic.AssessmentResults, r).assessment_id)).toBe(true)
  })
  it("is idempotent", () => {
    expect(runBatch(entity, gradeRows, keys)).toEqual(runBatch(entity, gradeRows, keys))
  })
})
