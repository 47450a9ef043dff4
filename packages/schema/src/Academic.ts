import { Schema } from "effect"
import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `academic.gender_type`. */
export const Gender = C.enumOf("academic.gender_type", ["male", "female"])

/** `academic.student_status`. */
export const StudentStatus = C.enumOf("academic.student_status", [
  "active",
  "graduated",
  "withdrawn",
  "expelled",
  "transferred",
  "on_leave",
])

/** `academic.attendance_status`. */
export const AttendanceStatus = C.enumOf("academic.attendance_status", [
  "present",
  "absent",
  "late",
  "excused",
  "sick",
  "holiday",
])

/** The blood types `academic.students.blood_type` accepts. */
export const BloodType = C.oneOf(["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"])

/** The structured address stored as jsonb (the shape of the cleansers' MalaysianAddress). */
export const Address = Schema.Struct({
  line1: Schema.NullOr(Schema.String),
  line2: Schema.NullOr(Schema.String),
  city: Schema.NullOr(Schema.String),
  state: Schema.NullOr(Schema.String),
  postcode: Schema.NullOr(Schema.String),
  country: Schema.NullOr(Schema.String),
})

/** `academic.academic_years`. */
export const AcademicYears = Table.make("academic.academic_years", {
  ...Table.id,
  ...Table.tenant,
  name: C.text,
  code: C.nullable(C.text),
  start_date: C.date,
  end_date: C.date,
  is_current: C.boolean,
  is_enrollment_open: C.boolean,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.academic_years`. */
export type AcademicYear = Table.Row<typeof AcademicYears>

/** `academic.students`: a student, always with a user account (`user_id`) that holds the name. */
export const Students = Table.make("academic.students", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.uuid,
  student_number: C.text,
  date_of_birth: C.nullable(C.date),
  gender: C.nullable(Gender),
  nationality: C.nullable(C.text),
  national_id: C.nullable(C.text),
  blood_type: C.nullable(BloodType),
  medical_notes: C.nullable(C.text),
  admission_date: C.nullable(C.date),
  status: StudentStatus,
  address: C.nullable(C.jsonb(Address)),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.students`. */
export type Student = Table.Row<typeof Students>

/** `academic.guardians`: a parent or carer, with or without a portal account. */
export const Guardians = Table.make("academic.guardians", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.nullable(C.uuid),
  first_name: C.text,
  last_name: C.nullable(C.text),
  /** As `auth.users.official_name`: a guardian may have no account, so the name is kept here too. */
  official_name: C.nullable(C.text),
  /** As `auth.users.name_in_script`. */
  name_in_script: C.nullable(C.text),
  date_of_birth: C.nullable(C.date),
  gender: C.nullable(Gender),
  email: C.nullable(C.text),
  phone: C.nullable(C.text),
  national_id: C.nullable(C.text),
  occupation: C.nullable(C.text),
  address: C.nullable(C.jsonb(Address)),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.guardians`. */
export type Guardian = Table.Row<typeof Guardians>

/** `academic.student_guardians`: who to call for a student, in `contact_priority` order. */
export const StudentGuardians = Table.make("academic.student_guardians", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  guardian_id: C.uuid,
  relationship: C.text,
  is_primary: C.boolean,
  contact_priority: C.nullable(C.smallint),
  is_emergency_contact: C.boolean,
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.student_guardians`. */
export type StudentGuardian = Table.Row<typeof StudentGuardians>

/** `academic.teachers`: staff who teach, each with a user account. */
export const Teachers = Table.make("academic.teachers", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.uuid,
  staff_number: C.nullable(C.text),
  specialization: C.nullable(C.text),
  qualification: C.nullable(C.text),
  hire_date: C.nullable(C.date),
  date_of_birth: C.nullable(C.date),
  gender: C.nullable(Gender),
  employment_status: C.oneOf(["active", "on_leave", "resigned", "retired", "terminated"]),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.teachers`. */
export type Teacher = Table.Row<typeof Teachers>

/** `academic.classes`: form groups, subject classes and LMS courses. */
export const Classes = Table.make("academic.classes", {
  ...Table.id,
  ...Table.tenant,
  academic_year_id: C.nullable(C.uuid),
  code: C.nullable(C.text),
  name: C.text,
  grade_level: C.nullable(C.text),
  homeroom_teacher_id: C.nullable(C.uuid),
  capacity: C.nullable(C.integer),
  room: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.classes`. */
export type Class = Table.Row<typeof Classes>

/** `academic.enrollments`: a student in a class. */
export const Enrollments = Table.make("academic.enrollments", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  class_id: C.uuid,
  enrollment_date: C.date,
  end_date: C.nullable(C.date),
  status: C.oneOf(["active", "completed", "withdrawn", "transferred"]),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.enrollments`. */
export type Enrollment = Table.Row<typeof Enrollments>

/** `academic.attendance`: one mark per student per day (and class, when taken per class). */
export const Attendance = Table.make("academic.attendance", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  class_id: C.nullable(C.uuid),
  attendance_date: C.date,
  status: AttendanceStatus,
  remarks: C.nullable(C.text),
  recorded_by: C.nullable(C.uuid),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.attendance`. */
export type AttendanceRow = Table.Row<typeof Attendance>

/** `academic.assessments`: an exam, quiz, assignment or LMS grade item. */
export const Assessments = Table.make("academic.assessments", {
  ...Table.id,
  ...Table.tenant,
  academic_year_id: C.nullable(C.uuid),
  class_id: C.nullable(C.uuid),
  name: C.text,
  category: C.nullable(C.text),
  term: C.nullable(C.text),
  max_score: C.numeric(10, 2),
  weight: C.nullable(C.numeric(6, 3)),
  assessed_on: C.nullable(C.date),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.assessments`. */
export type Assessment = Table.Row<typeof Assessments>

/** `academic.assessment_results`: one student's result in one assessment (high volume). */
export const AssessmentResults = Table.make("academic.assessment_results", {
  ...Table.id,
  ...Table.tenant,
  assessment_id: C.uuid,
  student_id: C.uuid,
  score: C.nullable(C.numeric(10, 2)),
  percentage: C.nullable(C.numeric(5, 2)),
  grade: C.nullable(C.text),
  feedback: C.nullable(C.text),
  graded_by: C.nullable(C.uuid),
  graded_at: C.nullable(C.timestamptz),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.assessment_results`. */
export type AssessmentResult = Table.Row<typeof AssessmentResults>

/** `academic.person_documents`: passports, ID cards, visas and other documents of a person. */
export const PersonDocuments = Table.make("academic.person_documents", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.nullable(C.uuid),
  student_id: C.nullable(C.uuid),
  guardian_id: C.nullable(C.uuid),
  document_type: C.oneOf(["passport", "id_card", "visa", "document"]),
  title: C.nullable(C.text),
  subtype: C.nullable(C.text),
  holder_name: C.nullable(C.text),
  document_number: C.nullable(C.text),
  country: C.nullable(C.text),
  issued_on: C.nullable(C.date),
  expires_on: C.nullable(C.date),
  file_path: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.person_documents`. */
export type PersonDocument = Table.Row<typeof PersonDocuments>

/** `academic.private_lessons`: one-to-one lessons of a student with a teacher, outside the class timetable. */
export const PrivateLessons = Table.make("academic.private_lessons", {
  ...Table.id,
  ...Table.tenant,
  student_id: C.uuid,
  teacher_id: C.nullable(C.uuid),
  subject: C.nullable(C.text),
  lesson_date: C.date,
  start_time: C.nullable(C.text),
  duration_minutes: C.nullable(C.integer),
  fee: C.nullable(C.numeric(12, 2)),
  currency: C.text,
  status: C.oneOf(["scheduled", "completed", "cancelled", "no_show"]),
  notes: C.nullable(C.text),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `academic.private_lessons`. */
export type PrivateLesson = Table.Row<typeof PrivateLessons>
