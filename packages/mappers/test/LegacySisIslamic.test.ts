import { TargetId, Transform } from "@schoolbridge/core"
import { Islamic } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { LegacySisIslamic as I, LegacySis, LegacySisAcademic } from "../src/index.js"

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

describe("LegacySisIslamic.numberList", () => {
  it.each([
    ["30", 30, [30]],
    ["1-3, 30", 30, [1, 2, 3, 30]],
    ["[29, 30, 30]", 30, [29, 30]],
    ["78–80", 114, [78, 79, 80]],
    ["", 30, null],
    [null, 30, null],
  ])("%s → %o", (input, max, value) => {
    expect(I.numberList(input, max)).toEqual({ ok: true, value })
  })
  it.each([
    ["31", "31 is not within 1–30"],
    ["0", "0 is not within 1–30"],
    ["5-2", "5-2 is not within 1–30"],
    ["Juz Amma", "Juz is not a number or a range"],
  ])("%s is refused", (input, message) => {
    expect(I.numberList(input, 30)).toEqual({ ok: false, message })
  })
})

const program = (over: Partial<I.QuranProgramRow>): I.QuranProgramRow => ({
  program_id: 1,
  program_code: null,
  program_name: null,
  program_type: null,
  description: null,
  target_juz: null,
  target_surahs: null,
  duration_months: null,
  prerequisites: null,
  created_date: "2022-01-03 08:00:00",
  modified_date: null,
  ...over,
})

// Dirty: local type names, ranges, no code, an unknown type, juz 31, a bad duration, no name.
const programs: ReadonlyArray<I.QuranProgramRow> = [
  program({
    program_id: 1,
    program_code: "HIFZ-FULL",
    program_name: " Tahfiz  Penuh ",
    program_type: "Tahfiz",
    target_juz: "1-30",
    duration_months: "36",
    is_active: 1,
  }),
  program({
    program_id: 2,
    program_name: "Juz Amma",
    program_type: "juz amma",
    target_juz: "30",
    target_surahs: "78-114",
    duration_months: 12,
    prerequisites: "Iqra 6",
    is_active: "N",
  }),
  program({ program_id: 3, program_code: "X", program_name: "Arabic", program_type: "language" }),
  program({
    program_id: 4,
    program_code: "Y",
    program_name: "Bad",
    program_type: "tajwid",
    target_juz: "31",
  }),
  program({ program_id: 5, program_name: "", program_type: "TL", duration_months: "two years" }),
]

describe("LegacySisIslamic.quranPrograms", () => {
  const entity = I.quranPrograms(base)
  const keys = ["1", "2", "3", "4", "5"]

  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(entity, programs, keys)
    const common = {
      tenant_id: "SA01",
      description: null,
      legacy_source: "legacy-sis.quran_programs",
      created_at: "2022-01-03T00:00:00.000Z",
      updated_at: "2022-01-03T00:00:00.000Z",
      deleted_at: null,
    }
    expect(result.ok.map((r) => record(Islamic.QuranPrograms, r))).toEqual([
      {
        ...common,
        id: TargetId.of(I.quranProgramsEntity, "SA01", "1"),
        code: "HIFZ-FULL",
        name: "Tahfiz Penuh",
        program_type: "hifz_full",
        target_juz: Array.from({ length: 30 }, (_, i) => i + 1),
        target_surahs: null,
        duration_months: 36,
        prerequisites: null,
        is_active: true,
        legacy_id: "1",
      },
      {
        ...common,
        id: TargetId.of(I.quranProgramsEntity, "SA01", "2"),
        code: "QP-2",
        name: "Juz Amma",
        program_type: "hifz_partial",
        target_juz: [30],
        target_surahs: Array.from({ length: 37 }, (_, i) => 78 + i),
        duration_months: 12,
        prerequisites: "Iqra 6",
        is_active: false,
        legacy_id: "2",
      },
    ])
    expect(decodes(Islamic.QuranPrograms, result.ok)).toEqual(["Right", "Right"])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["3", [["program_type", "program_type"]]],
      ["4", [["target_juz", "number_list"]]],
      [
        "5",
        [
          ["program_name", "text"],
          ["duration_months", "integer"],
        ],
      ],
    ])
    const notes = result.notes.filter((n) => ["1", "2"].includes(n.key) && n.rule !== "timestamp")
    expect(notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["1", "program_name", "text"],
      ["1", "program_type", "program_type"],
      ["2", "program_type", "program_type"],
      ["2", "program_code", "text"],
    ])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, programs, keys)).toEqual(runBatch(entity, programs, keys))
  })
})

const enrollment = (over: Partial<I.QuranEnrollmentRow>): I.QuranEnrollmentRow => ({
  enrollment_id: 1,
  student_id: null,
  program_id: null,
  academic_year: null,
  teacher_id: null,
  enrollment_date: null,
  status: null,
  created_date: "2024-01-05 08:00:00",
  modified_date: null,
  ...over,
})

// Dirty: a day-first date, a Malay status, no student, an unknown programme status, no date.
const enrollments: ReadonlyArray<I.QuranEnrollmentRow> = [
  enrollment({
    enrollment_id: 1,
    student_id: 7,
    program_id: 1,
    academic_year: "2024",
    teacher_id: 4,
    enrollment_date: "05/01/2024",
    status: "A",
  }),
  enrollment({
    enrollment_id: 2,
    student_id: "8",
    program_id: 2,
    enrollment_date: "2023-01-09",
    status: "khatam",
  }),
  enrollment({
    enrollment_id: 3,
    student_id: null,
    program_id: 1,
    enrollment_date: "2024-01-05",
    status: "active",
  }),
  enrollment({ enrollment_id: 4, student_id: 9, program_id: 1, enrollment_date: null, status: "paused" }),
]

describe("LegacySisIslamic.quranEnrollments", () => {
  const entity = I.quranEnrollments(base)
  const keys = ["1", "2", "3", "4"]

  it("maps and rejects the dirty fixture, with students, programmes, teachers and years resolved", () => {
    const result = runBatch(entity, enrollments, keys)
    const common = {
      tenant_id: "SA01",
      legacy_source: "legacy-sis.quran_enrollments",
      created_at: "2024-01-05T00:00:00.000Z",
      updated_at: "2024-01-05T00:00:00.000Z",
      deleted_at: null,
    }
    expect(result.ok.map((r) => record(Islamic.QuranEnrollments, r))).toEqual([
      {
        ...common,
        id: TargetId.of(I.quranEnrollmentsEntity, "SA01", "1"),
        student_id: TargetId.of(LegacySis.studentsEntity, "SA01", "7"),
        program_id: TargetId.of(I.quranProgramsEntity, "SA01", "1"),
        academic_year_id: TargetId.of(LegacySisAcademic.academicYearsEntity, "SA01", "2024"),
        teacher_id: TargetId.of(LegacySis.teachersEntity, "SA01", "4"),
        enrollment_date: "2024-01-05",
        status: "active",
        legacy_id: "1",
      },
      {
        ...common,
        id: TargetId.of(I.quranEnrollmentsEntity, "SA01", "2"),
        student_id: TargetId.of(LegacySis.studentsEntity, "SA01", "8"),
        program_id: TargetId.of(I.quranProgramsEntity, "SA01", "2"),
        academic_year_id: null,
        teacher_id: null,
        enrollment_date: "2023-01-09",
        status: "completed",
        legacy_id: "2",
      },
    ])
    expect(decodes(Islamic.QuranEnrollments, result.ok)).toEqual(["Right", "Right"])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["3", [["student_id", "reference"]]],
      ["4", [["enrollment_date", "date"]]],
    ])
  })
  it("gives the ids that Quran progress rows point at, and programme ids the programmes flow gives", () => {
    const progress = runBatch(
      LegacySis.quranProgress(base),
      [
        {
          progress_id: 1,
          enrollment_id: 1,
          surah_no: 114,
          juz_no: 30,
          status: "C",
          verses_done: 6,
          quality_pct: "90",
          start_date: "2024-02-01",
          complete_date: "2024-02-10",
          last_review_date: null,
          review_count: 1,
          notes: null,
          created_date: "2024-02-10 08:00:00",
          modified_date: null,
        },
      ],
      ["1"],
    )
    const enrolled = runBatch(entity, enrollments, keys)
    const programIds = runBatch(I.quranPrograms(base), programs, ["1", "2", "3", "4", "5"]).ok.map(
      (r) => record(Islamic.QuranPrograms, r).id,
    )
    expect(record(Islamic.HafizProgress, progress.ok[0]!).enrollment_id).toBe(
      record(Islamic.QuranEnrollments, enrolled.ok[0]!).id,
    )
    for (const r of enrolled.ok) expect(programIds).toContain(record(Islamic.QuranEnrollments, r).program_id)
  })
  it("is idempotent", () => {
    expect(runBatch(entity, enrollments, keys)).toEqual(runBatch(entity, enrollments, keys))
  })
})
