import { Transform } from "@schoolbridge/core"
import { Academic, Financial, Islamic } from "@schoolbridge/schema"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as A from "../src/LegacySisAcademic.js"
import * as Fees from "../src/LegacySisFees.js"
import * as I from "../src/LegacySisIslamic.js"
import { loadMysqlFixture, type MysqlFixture, type TableRead } from "./fixtures/MysqlFixture.js"

// The legacy SIS academic, fee and Quran tables read through MysqlSource (DECIMAL as text, TINYINT as
// numbers, zero dates as null with a source note), then mapped as a run maps them.

const base = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z" } as const

let fixture: MysqlFixture
const read = <Row>(table: string, key: string): Promise<TableRead<Row>> => fixture.read<Row>({ table, key })

const run = <Row>(entity: { name: string; transform: Transform.Transform<Row> }, table: TableRead<Row>) =>
  Transform.run(entity.transform, table.rows, table.keys, { entity: entity.name, tenant: "SA01" })

const rejections = (result: Transform.Result) =>
  result.rejected.map((r) => [r.key, r.reasons.map((x) => `${x.column}:${x.rule}`).join(" ")])

const column = (table: { readonly columns: ReadonlyArray<string> }, result: Transform.Result, name: string) =>
  result.ok.map((r) => r[table.columns.indexOf(name)])

beforeAll(async () => {
  fixture = await loadMysqlFixture(["legacy-sis/academic.sql"], "legacy_academic")
}, 60_000)

afterAll(async () => {
  await fixture?.drop()
})

describe("legacy SIS academic tables from MariaDB", () => {
  it("maps academic years: zero dates noted by the source, duplicate names and non-years rejected", async () => {
    const years = await read<A.AcademicYearRow>("academic_years", "year_id")
    expect(years.notes.map((n) => [n.key, n.column])).toEqual([["2", "start_date"]])
    const result = run(A.academicYears({ ...base, duplicates: A.duplicateYears(years.rows) }), years)
    expect(result.okKeys).toEqual(["1", "2"])
    expect(column(Academic.AcademicYears, result, "name")).toEqual(["2024", "2025"])
    expect(column(Academic.AcademicYears, result, "start_date")).toEqual(["2024-01-02", "2025-01-01"])
    expect(column(Academic.AcademicYears, result, "is_current")).toEqual([false, true])
    expect(column(Academic.AcademicYears, result, "is_enrollment_open")).toEqual([false, true])
    expect(rejections(result)).toEqual([
      ["3", "year_name:academic_year_unique"],
      ["4", "year_name:academic_year"],
    ])
  })

  it("maps assessments and grades with DECIMAL maxima, percentages and links", async () => {
    const assessments = await read<A.AssessmentRow>("assessments", "assessment_id")
    const grades = await read<A.GradeRow>("grades", "grade_id")
    const a = run(A.assessments(base), assessments)
    expect(a.okKeys).toEqual(["1", "2"])
    expect(column(Academic.Assessments, a, "max_score")).toEqual(["100.00", "100.00"])
    expect(column(Academic.Assessments, a, "weight")).toEqual(["0.400", null])
    expect(rejections(a)).toEqual([["3", "max_score:decimal_range"]])
    const g = run(A.grades({ ...base, assessments: A.indexAssessments(assessments.rows) }), grades)
    expect(g.okKeys).toEqual(["1", "2"])
    expect(column(Academic.AssessmentResults, g, "score")).toEqual(["78.50", "45.00"])
    expect(column(Academic.AssessmentResults, g, "percentage")).toEqual(["78.50", "45.00"])
    expect(rejections(g)).toEqual([
      ["3", "score:score_range"],
      ["4", "assessment_id:reference"],
      ["6", "student_id:reference"],
    ])
    expect(g.skipped.map((s) => s.key)).toEqual(["5"])
    const assessmentIds = new Set(column(Academic.Assessments, a, "id"))
    for (const id of column(Academic.AssessmentResults, g, "assessment_id"))
      expect(assessmentIds.has(id)).toBe(true)
  })

  it("maps fee structures; their years are the years flow's ids", async () => {
    const fees = await read<Fees.FeeStructureRow>("fee_structures", "fee_id")
    const result = run(Fees.feeStructures(base), fees)
    expect(result.okKeys).toEqual(["1", "2"])
    expect(column(Financial.FeeStructures, result, "amount")).toEqual(["1200.00", "150.00"])
    expect(column(Financial.FeeStructures, result, "frequency")).toEqual(["monthly", "one_time"])
    expect(column(Financial.FeeStructures, result, "is_active")).toEqual([true, false])
    expect(rejections(result)).toEqual([
      ["3", "amount:amount_range"],
      ["4", "frequency:fee_frequency"],
    ])
    const years = run(A.academicYears(base), await read<A.AcademicYearRow>("academic_years", "year_id"))
    const year2024 = column(Academic.AcademicYears, years, "id")[0]
    expect(column(Financial.FeeStructures, result, "academic_year_id")).toEqual([year2024, year2024])
  })

  it("maps Quran programmes and enrolments; enrolments point at the programmes flow's ids", async () => {
    const programs = run(I.quranPrograms(base), await read<I.QuranProgramRow>("quran_programs", "program_id"))
    expect(programs.okKeys).toEqual(["1", "2"])
    expect(column(Islamic.QuranPrograms, programs, "code")).toEqual(["HIFZ-FULL", "QP-2"])
    expect(column(Islamic.QuranPrograms, programs, "target_surahs")[1]).toHaveLength(37)
    expect(rejections(programs)).toEqual([
      ["3", "program_type:program_type"],
      ["4", "target_juz:number_list duration_months:integer"],
    ])
    const source = await read<I.QuranEnrollmentRow>("quran_enrollments", "enrollment_id")
    expect(source.notes.map((n) => [n.key, n.column])).toEqual([["3", "enrollment_date"]])
    const enrolled = run(I.quranEnrollments(base), source)
    // An unknown status is the documented default with a note: the enrolment loads.
    expect(enrolled.okKeys).toEqual(["1", "2", "4"])
    expect(column(Islamic.QuranEnrollments, enrolled, "status")).toEqual(["active", "completed", "active"])
    expect(rejections(enrolled)).toEqual([["3", "enrollment_date:date"]])
    const programIds = column(Islamic.QuranPrograms, programs, "id")
    expect(column(Islamic.QuranEnrollments, enrolled, "program_id").slice(0, 2)).toEqual(programIds)
  })
})
