import { Schema } from "effect"
import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `islamic.memorization_status`. */
export const MemorizationStatus = C.enumOf("islamic.memorization_status", [
  "not_started",
  "in_progress",
  "completed",
  "under_review",
  "certified",
])

/** `islamic.quality_rating`. */
export const QualityRating = C.enumOf("islamic.quality_rating", [
  "excellent",
  "very_good",
  "good",
  "satisfactory",
  "needs_improvement",
  "poor",
])

const surah = C.smallint.schema.pipe(Schema.between(1, 114))
const juz = C.smallint.schema.pipe(Schema.between(1, 30))

/** `islamic.quran_programs`: hifz, tilawah and tajweed programmes a school runs. */
export const QuranPrograms = Table.make("islamic.quran_programs", {
  ...Table.id,
  ...Table.tenant,
  code: C.text,
  name: C.text,
  program_type: C.oneOf(["hifz_full", "hifz_partial", "tilawah", "tajweed"]),
  description: C.nullable(C.text),
  target_juz: C.nullable(C.jsonb(Schema.Array(juz))),
  target_surahs: C.nullable(C.jsonb(Schema.Array(surah))),
  duration_months: C.nullable(C.integer),
  prerequisites: C.nullable(C.text),
  is_active: C.boolean,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `islamic.quran_programs`. */
export type QuranProgram = Table.Row<typeof QuranPrograms>

/** `islamic.quran_enrollments`: a student in a Quran programme. */
export const QuranEnrollments = Table.make("islamic.quran_enrollments", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  program_id: C.uuid,
  academic_year_id: C.nullable(C.uuid),
  teacher_id: C.nullable(C.uuid),
  enrollment_date: C.date,
  status: C.oneOf(["active", "completed", "withdrawn"]),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `islamic.quran_enrollments`. */
export type QuranEnrollment = Table.Row<typeof QuranEnrollments>

/** `islamic.hafiz_progress`: memorisation of one surah within an enrolment. */
export const HafizProgress = Table.make("islamic.hafiz_progress", {
  ...Table.id,
  ...Table.tenant,
  enrollment_id: C.uuid,
  surah_number: { ...C.smallint, schema: surah },
  juz_number: C.nullable({ ...C.smallint, schema: juz }),
  status: MemorizationStatus,
  verses_memorized: C.integer,
  total_verses: C.integer,
  quality_score: C.nullable(C.numeric(5, 2)),
  start_date: C.nullable(C.date),
  completion_date: C.nullable(C.date),
  last_reviewed_at: C.nullable(C.date),
  review_count: C.integer,
  teacher_notes: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `islamic.hafiz_progress`. */
export type HafizProgressRow = Table.Row<typeof HafizProgress>

/** `islamic.murajaah_sessions`: a revision session over a range of verses. */
export const MurajaahSessions = Table.make("islamic.murajaah_sessions", {
  ...Table.id,
  ...Table.tenant,
  enrollment_id: C.uuid,
  teacher_id: C.nullable(C.uuid),
  session_date: C.date,
  surah_from: C.nullable({ ...C.smallint, schema: surah }),
  verse_from: C.nullable(C.smallint),
  surah_to: C.nullable({ ...C.smallint, schema: surah }),
  verse_to: C.nullable(C.smallint),
  juz_number: C.nullable({ ...C.smallint, schema: juz }),
  quality: C.nullable(QualityRating),
  mistakes_count: C.integer,
  duration_minutes: C.nullable(C.integer),
  notes: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `islamic.murajaah_sessions`. */
export type MurajaahSession = Table.Row<typeof MurajaahSessions>

/** `islamic.tajweed_assessments`: a rated recitation. */
export const TajweedAssessments = Table.make("islamic.tajweed_assessments", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  enrollment_id: C.nullable(C.uuid),
  assessor_id: C.nullable(C.uuid),
  assessed_on: C.date,
  surah_number: C.nullable({ ...C.smallint, schema: surah }),
  overall_rating: QualityRating,
  score: C.nullable(C.numeric(5, 2)),
  criteria: C.nullable(C.jsonb(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  notes: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `islamic.tajweed_assessments`. */
export type TajweedAssessment = Table.Row<typeof TajweedAssessments>

/** `islamic.islamic_studies_grades`: grades in aqidah, fiqh, sirah, akhlak, Arabic and the like. */
export const IslamicStudiesGrades = Table.make("islamic.islamic_studies_grades", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  academic_year_id: C.nullable(C.uuid),
  class_id: C.nullable(C.uuid),
  teacher_id: C.nullable(C.uuid),
  subject: C.text,
  term: C.nullable(C.text),
  score: C.nullable(C.numeric(5, 2)),
  grade: C.nullable(C.text),
  remarks: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `islamic.islamic_studies_grades`. */
export type IslamicStudiesGrade = Table.Row<typeof IslamicStudiesGrades>
