/**
 * The generic legacy SIS of seed 001 §5 (MySQL `users` and `students`) into `auth.users` and
 * `academic.students`. Row functions are pure: options carry the tenant, the policy and the business
 * date; nothing reads the clock or the environment.
 */

import {
  Country,
  DateInput,
  Email,
  MalaysianAddress,
  MyKad,
  PersonName,
  Phone,
  Text,
} from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Auth, Islamic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as CodeTables from "./CodeTables.js"
import * as Contact from "./Contact.js"
import { cleanOrDefault, cleanOrNull, cleanWith, type Step } from "./Field.js"
import type * as Duplicates from "./LegacySisDuplicates.js"
import * as Password from "./Password.js"
import * as Quran from "./Quran.js"
import * as SchoolYear from "./SchoolYear.js"
import type * as StudentNumber from "./StudentNumber.js"

/** A nullable MySQL scalar as the driver returns it: text or number. */
export const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
/** A legacy key: an integer or its text. */
export const Key = Schema.Union(Schema.Number, Schema.String)

/** A raw row of the legacy `users` table (seed 001 §5.1.1, §6.2.2). */
export const UserRow = Schema.Struct({
  user_id: Key,
  email: Scalar,
  /** The stored password value: a hash if the system was careful, maybe plaintext if not. */
  password: Scalar,
  first_name: Scalar,
  last_name: Scalar,
  phone: Scalar,
  status: Scalar,
  email_verified: Schema.optional(Schema.NullOr(Schema.Union(Schema.Number, Schema.Boolean))),
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy user. */
export type UserRow = typeof UserRow.Type

/** A raw row of the legacy `students` table (seed 001 §5.2.1, §6.2.3). */
export const StudentRow = Schema.Struct({
  student_id: Key,
  /** The legacy user, when the row carries it; otherwise the student is linked by `email`. */
  user_id: Schema.optional(Schema.NullOr(Key)),
  email: Schema.optional(Scalar),
  student_number: Scalar,
  dob: Scalar,
  gender: Scalar,
  nationality: Scalar,
  ic_number: Scalar,
  blood_group: Scalar,
  medical_info: Scalar,
  admission_date: Scalar,
  status: Scalar,
  address1: Scalar,
  address2: Scalar,
  city: Scalar,
  state: Scalar,
  postal_code: Scalar,
  country: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy student. */
export type StudentRow = typeof StudentRow.Type

/** Entity names; also each row's `legacy_source`. */
export const usersEntity = "legacy-sis.users"
/** Entity name of the students flow. */
export const studentsEntity = "legacy-sis.students"
/** Entity name of the academic years flow (mapped in `LegacySisAcademic`); years are keyed by name. */
export const academicYearsEntity = "legacy-sis.academic_years"

/** What every legacy SIS mapper needs. */
export interface Options {
  /** The tenant's code, written to `tenant_id`. */
  readonly tenant: string
  /** The business date, `YYYY-MM-DD`: the "today" of date checks. */
  readonly asOf: string
  /** The instant written when the source has no creation time, e.g. the run's start. */
  readonly loadedAt: string
  /** IANA zone of the source's local date-times. Default "Asia/Kuala_Lumpur". */
  readonly timeZone?: string | undefined
}

/** Options of the users mapper. */
export interface UserOptions extends Options {
  readonly passwords: Password.Policy
  /** The run's force-reset hashes (`Password.resetHash()`, one per account that resets); without them a reset leaves the hash empty. */
  readonly resetHash?: Password.ResetHash | undefined
  /** Who keeps each email that several users share (`emailHolders`); without it every user keeps its own. */
  readonly emailHolders?: Contact.EmailHolders | undefined
  /** Accounts of students entered twice, merged into the winner's (`LegacySisDuplicates.plan`). */
  readonly duplicates?: Duplicates.Plan | undefined
}

export { cleanOrNull, cleanWith, type Step }

/**
 * `created_at`/`updated_at` from the legacy `created_date`/`modified_date`. They are bookkeeping, not
 * who a row is: a value that cannot be read is noted and replaced (the load time, or the creation
 * time for `updated_at`), and the row loads.
 */
export const timestamps = (
  ctx: Transform.RowContext,
  row: { readonly created_date: unknown; readonly modified_date: unknown },
  options: Options,
): { created_at: string; updated_at: string } => {
  const dt = { kind: "dateTime", timeZone: options.timeZone, today: options.asOf, notFuture: true } as const
  let createdAt = cleanOrNull(ctx, "created_date", "timestamp", DateInput.clean(row.created_date, dt))
  const updatedAt = cleanOrNull(ctx, "modified_date", "timestamp", DateInput.clean(row.modified_date, dt))
  if (createdAt === null) {
    ctx.note("created_date", "timestamp", "no creation time: used the load time")
    createdAt = options.loadedAt
  }
  return { created_at: createdAt, updated_at: updatedAt ?? createdAt }
}

const fallbackMessages: Record<Password.Fallback, string> = {
  missing: "no legacy password hash: the user must set a password",
  unrecognised:
    "the legacy password is not a hash format the portal verifies (it may be plaintext): not kept, reset required",
  weak: "the legacy password is an unsalted md5/sha1 hash: not kept, reset required",
}

const usersValues = Table.values(Auth.Users)

/** Maps one legacy user to an `auth.users` row array, or rejects it with every reason. */
export const mapUser =
  (options: UserOptions) =>
  (row: UserRow, ctx: Transform.RowContext): Transform.Outcome => {
    const into = options.duplicates?.users.get(ctx.key)
    if (into !== undefined)
      return Transform.skip(`merged into user ${into}: the account of a student entered twice`)
    const reasons: Array<Transform.Reason> = []
    const first = cleanWith(
      ctx,
      "first_name",
      "person_name",
      PersonName.clean(row.first_name, { required: true }),
    )
    const last = cleanWith(ctx, "last_name", "person_name", PersonName.clean(row.last_name))
    const status = cleanOrDefault(
      ctx,
      "status",
      "user_status",
      CodeTables.userStatus.clean(row.status),
      "pending",
    )
    for (const s of [first, last]) if (!s.ok) reasons.push(s.reason)
    const times = timestamps(ctx, row, options)
    if (!first.ok || !last.ok || reasons.length > 0) return Transform.reject(...reasons)
    const email = Contact.accountEmail(
      ctx,
      "email",
      Email.clean(row.email),
      ctx.key,
      options.emailHolders ?? Contact.noSharedEmails,
    )
    const phone = Contact.phone(ctx, "phone", Phone.clean(row.phone))
    const password = Password.apply(
      options.passwords,
      row.password === null ? null : String(row.password),
      options.resetHash,
    )
    if (password.fallback !== undefined)
      ctx.note("password", "password_policy", fallbackMessages[password.fallback])
    return usersValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      email,
      username: null,
      ...password.columns,
      first_name: first.value ?? "",
      last_name: last.value,
      // The legacy SIS keeps no official or script name.
      official_name: null,
      name_in_script: null,
      phone,
      avatar_url: null,
      status,
      email_verified: row.email_verified === 1 || row.email_verified === true,
      last_login_at: null,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy users entity. */
export const users = (options: UserOptions): Entity.Entity<UserRow> => ({
  name: usersEntity,
  target: Auth.Users.target,
  transform: Transform.fromRow(mapUser(options)),
  ids: "ordered",
})

/** The email holders of the legacy users, planned over a tenant's users (the lowest `user_id` keeps a shared email). */
export const emailHolders = (rows: ReadonlyArray<UserRow>): Contact.EmailHolders =>
  Contact.emailHolders(rows.map((row) => ({ key: String(row.user_id), email: row.email })))

/** Legacy user keys by normalized email, for students that carry an email instead of a user id. */
export interface EmailIndex {
  readonly users: ReadonlyMap<string, string>
  /** Emails two or more users share: a student cannot be linked through them. */
  readonly ambiguous: ReadonlySet<string>
}

/**
 * The email form used for linking: the cleansers' canonical email; for text that is not an address
 * (the user loads without it), the text itself, trimmed and lower-cased, since a student and a user
 * carrying the same text are still the same person. Undefined when blank.
 */
export const normalizeEmail = (input: unknown): string | undefined => {
  const cleaned = Email.clean(input)
  if (cleaned._tag !== "Invalid") return cleaned.value ?? undefined
  const text = cleaned.original.trim().toLowerCase()
  return text === "" ? undefined : text
}

/** Indexes a batch (or the whole table) of legacy users by normalized email. Pure. */
export const indexUsersByEmail = (rows: ReadonlyArray<UserRow>): EmailIndex => {
  const users = new Map<string, string>()
  const ambiguous = new Set<string>()
  for (const row of rows) {
    const email = normalizeEmail(row.email)
    if (email === undefined) continue
    const key = String(row.user_id)
    const seen = users.get(email)
    if (seen !== undefined && seen !== key) ambiguous.add(email)
    else users.set(email, key)
  }
  for (const email of ambiguous) users.delete(email)
  return { users, ambiguous }
}

/** Options of the students mapper. */
export interface StudentOptions extends Options {
  /** Numbers for every student, planned over the whole table with `StudentNumber.plan`. */
  readonly numbers: StudentNumber.Plan
  /**
   * Where the MyKad and the record disagree on the birth date or the sex, which one is stored (the
   * other is a `mykad_mismatch` note either way). Default `record`.
   */
  readonly mykadWins?: boolean | undefined
  /** Links students without a `user_id` to their user by email. */
  readonly emails?: EmailIndex | undefined
  /** Students entered twice: merged into one, or held (`LegacySisDuplicates.plan`). */
  readonly duplicates?: Duplicates.Plan | undefined
}

/** The year a student number is built from: admission year, else the year the record was created. */
export const numberYear = (row: StudentRow, options: Options): number | null => {
  for (const input of [row.admission_date, row.created_date]) {
    const d = DateInput.clean(input, { today: options.asOf, timeZone: options.timeZone })
    if (d._tag !== "Invalid" && d.value !== null) return Number(d.value.slice(0, 4))
  }
  return null
}

/** The planner's input for a legacy students table. */
export const numberInputs = (rows: ReadonlyArray<StudentRow>, options: Options): Array<StudentNumber.Input> =>
  rows.map((r) => ({
    key: String(r.student_id),
    number: r.student_number === null ? null : String(r.student_number),
    year: numberYear(r, options),
  }))

// The MyKad states a birth date and a sex too: a record value that cannot be read is taken from a
// valid MyKad with a note; two readable values that disagree are a finding (`mykad_mismatch`), and
// the row loads with the record's value, or the MyKad's with `mykadWins`.
const mismatchRule = "mykad_mismatch"

const birthDate = (
  ctx: Transform.RowContext,
  input: unknown,
  kad: MyKad.MyKad | null,
  day: DateInput.Options,
  mykadWins: boolean,
): Step<string | null> => {
  const cleaned = DateInput.clean(input, day)
  if (cleaned._tag === "Invalid") {
    if (kad === null) {
      ctx.note("dob", "date", `${cleaned.reason}; stored as empty`, cleaned.original)
      return { ok: true, value: null }
    }
    ctx.note("dob", "date", `${cleaned.reason}; taken from the MyKad: ${kad.birthDate}`, cleaned.original)
    return { ok: true, value: kad.birthDate }
  }
  const step = cleanWith(ctx, "dob", "date", cleaned)
  if (!step.ok || step.value === null || kad === null || step.value === kad.birthDate) return step
  ctx.note(
    "dob",
    mismatchRule,
    `the MyKad's birth date is ${kad.birthDate}, the record's ${step.value}; the ${mykadWins ? "MyKad's" : "record's"} is stored`,
  )
  return mykadWins ? { ok: true, value: kad.birthDate } : step
}

const sexOf = (
  ctx: Transform.RowContext,
  input: unknown,
  kad: MyKad.MyKad | null,
  mykadWins: boolean,
): CodeTables.Gender | null => {
  const cleaned = CodeTables.gender.clean(input)
  if (cleaned._tag === "Invalid" && kad !== null) {
    ctx.note("gender", "gender", `${cleaned.reason}; taken from the MyKad: ${kad.sex}`, cleaned.original)
    return kad.sex
  }
  const gender = cleanOrNull(ctx, "gender", "gender", cleaned)
  if (gender === null || kad === null || gender === kad.sex) return gender
  ctx.note(
    "gender",
    mismatchRule,
    `the MyKad says ${kad.sex}, the record ${gender}; the ${mykadWins ? "MyKad's" : "record's"} is stored`,
  )
  return mykadWins ? kad.sex : gender
}

const studentsValues = Table.values(Academic.Students)

const linkUser = (row: StudentRow, ctx: Transform.RowContext, options: StudentOptions): Step<string> => {
  if (row.user_id !== undefined && row.user_id !== null && String(row.user_id).trim() !== "")
    return { ok: true, value: ctx.id(ctx.tenant, String(row.user_id).trim(), usersEntity) }
  const email = normalizeEmail(row.email)
  if (email === undefined)
    return {
      ok: false,
      reason: Transform.reason(
        "user_id",
        "user_link",
        "no user id and no usable email to link the student to a user",
      ),
    }
  if (options.emails?.ambiguous.has(email) === true)
    return {
      ok: false,
      reason: Transform.reason("email", "user_link", `several users have the email ${email}`),
    }
  const user = options.emails?.users.get(email)
  if (user === undefined)
    return { ok: false, reason: Transform.reason("email", "user_link", `no user has the email ${email}`) }
  ctx.note("user_id", "user_link", `linked to user ${user} by email`)
  return { ok: true, value: ctx.id(ctx.tenant, user, usersEntity) }
}

const keyNames: Record<Duplicates.SharedKey, string> = { mykad: "MyKad", student_number: "student number" }

// A student entered twice: the loser is skipped (merged), a held record rejected; the winner notes
// each record merged into it, so every merge is reported with both source keys.
const duplicateOutcome = (
  ctx: Transform.RowContext,
  plan: Duplicates.Plan | undefined,
): Transform.Outcome | undefined => {
  if (plan === undefined) return undefined
  const merged = plan.merged.get(ctx.key)
  if (merged !== undefined)
    return Transform.skip(
      `merged into student ${merged.winner}: the same child (${keyNames[merged.by]} ${merged.value}); its records point at ${merged.winner}`,
    )
  const hold = plan.held.get(ctx.key)
  if (hold !== undefined)
    return Transform.reject(
      Transform.reason(
        "ic_number",
        "duplicate_person_held",
        `MyKad ${hold.value} is also student ${hold.other}'s, and ${hold.why}: held for the school to decide which record is the child's`,
      ),
    )
  for (const m of plan.into.get(ctx.key) ?? [])
    ctx.note(
      m.by === "mykad" ? "ic_number" : "student_number",
      "duplicate_merged",
      `student ${m.loser} (the same ${keyNames[m.by]} ${m.value}) merged into this record`,
    )
  return undefined
}

/** Maps one legacy student to an `academic.students` row array, or rejects it with every reason. */
export const mapStudent =
  (options: StudentOptions) =>
  (row: StudentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const duplicate = duplicateOutcome(ctx, options.duplicates)
    if (duplicate !== undefined) return duplicate
    const reasons: Array<Transform.Reason> = []
    const user = linkUser(row, ctx, options)
    if (!user.ok) reasons.push(user.reason)
    const number = options.numbers.numbers.get(ctx.key)
    if (options.numbers.duplicates.has(ctx.key))
      reasons.push(
        Transform.reason(
          "student_number",
          "student_number_unique",
          `student number ${String(row.student_number).trim()} is already held by another student`,
        ),
      )
    else if (number === undefined)
      reasons.push(
        Transform.reason(
          "student_number",
          "student_number",
          "no student number and no admission or creation year to generate one",
        ),
      )
    else if (row.student_number === null || String(row.student_number).trim() === "")
      ctx.note("student_number", "student_number", `generated ${number}`)
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    // The student number is the child's key here; a MyKad that cannot be read is an attribute lost
    // (null with a note, a finding for the school), not a reason to lose the child.
    const kad = cleanOrNull(
      ctx,
      "ic_number",
      "mykad",
      MyKad.clean(row.ic_number, { referenceDate: options.asOf }),
    )
    const dob = birthDate(ctx, row.dob, kad, { ...day, notFuture: true }, options.mykadWins === true)
    const admission = cleanOrNull(ctx, "admission_date", "date", DateInput.clean(row.admission_date, day))
    const gender = sexOf(ctx, row.gender, kad, options.mykadWins === true)
    const status = cleanOrDefault(
      ctx,
      "status",
      "student_status",
      CodeTables.studentStatus.clean(row.status),
      "active",
    )
    if (!dob.ok) reasons.push(dob.reason)
    const times = timestamps(ctx, row, options)
    if (!user.ok || !dob.ok || number === undefined || reasons.length > 0) return Transform.reject(...reasons)
    const address = cleanOrNull(
      ctx,
      "address",
      "address",
      MalaysianAddress.clean({
        line1: row.address1,
        line2: row.address2,
        city: row.city,
        state: row.state,
        postcode: row.postal_code,
        country: row.country,
      }),
    )
    return studentsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      user_id: user.value,
      student_number: number,
      date_of_birth: dob.value ?? kad?.birthDate ?? null,
      gender: gender ?? kad?.sex ?? null,
      nationality: cleanOrNull(ctx, "nationality", "country", Country.clean(row.nationality)),
      national_id: kad?.number ?? null,
      blood_type: cleanOrNull(ctx, "blood_group", "blood_type", CodeTables.bloodType.clean(row.blood_group)),
      medical_notes: cleanOrNull(
        ctx,
        "medical_info",
        "text",
        Text.clean(row.medical_info, { multiline: true }),
      ),
      admission_date: admission,
      status,
      address,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy students entity; loads after the users it points at. */
export const students = (options: StudentOptions): Entity.Entity<StudentRow> => ({
  name: studentsEntity,
  target: Academic.Students.target,
  transform: Transform.fromRow(mapStudent(options)),
  ids: "ordered",
  dependsOn: [usersEntity],
})

/**
 * A reference to another legacy entity: its id by `ctx.id`, never a look-up, so the target row's
 * foreign key equals the id that entity gives the referenced row.
 */
export const reference = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  entity: string,
  required: boolean,
): Step<string | null> => {
  const key = input === null || input === undefined ? "" : String(input).trim()
  if (key === "")
    return required
      ? {
          ok: false,
          reason: Transform.reason(column, "reference", `no ${column}: the row points at nothing`),
        }
      : { ok: true, value: null }
  if (!/^\d+$/.test(key) && typeof input !== "string")
    return { ok: false, reason: Transform.reason(column, "reference", `${key} is not a key`) }
  return { ok: true, value: ctx.id(ctx.tenant, key, entity) }
}

// Whole numbers from MySQL ints or their text; empty is null.
const integer = (
  column: string,
  input: unknown,
  range: { readonly min: number; readonly max: number },
): Step<number | null> => {
  if (input === null || input === undefined || (typeof input === "string" && input.trim() === ""))
    return { ok: true, value: null }
  const text = String(input).trim()
  const n = typeof input === "number" ? input : /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(n))
    return { ok: false, reason: Transform.reason(column, "integer", `${text} is not a whole number`) }
  if (n < range.min || n > range.max)
    return {
      ok: false,
      reason: Transform.reason(column, "integer", `${n} is not ${range.min}–${range.max}`),
    }
  return { ok: true, value: n }
}

/** Adds the reason of every failed step. */
export const collect = (reasons: Array<Transform.Reason>, steps: ReadonlyArray<Step<unknown>>): void => {
  for (const s of steps) if (!s.ok) reasons.push(s.reason)
}

/** A raw row of the legacy `teachers` table (seed 001 §4.1 `academic.teachers`). */
export const TeacherRow = Schema.Struct({
  teacher_id: Key,
  user_id: Schema.NullOr(Key),
  staff_no: Scalar,
  specialization: Scalar,
  qualification: Scalar,
  hire_date: Scalar,
  status: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy teacher. */
export type TeacherRow = typeof TeacherRow.Type

/** Entity name of the teachers flow. */
export const teachersEntity = "legacy-sis.teachers"

const teachersValues = Table.values(Academic.Teachers)

/** Maps one legacy teacher to an `academic.teachers` row array, or rejects it with every reason. */
export const mapTeacher =
  (options: Options) =>
  (row: TeacherRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const user = reference(ctx, "user_id", row.user_id, usersEntity, true)
    const staff = cleanWith(ctx, "staff_no", "text", Text.clean(row.staff_no))
    const hired = cleanOrNull(
      ctx,
      "hire_date",
      "date",
      DateInput.clean(row.hire_date, { today: options.asOf, timeZone: options.timeZone, notFuture: true }),
    )
    const status = cleanOrDefault(
      ctx,
      "status",
      "employment_status",
      CodeTables.employmentStatus.clean(row.status),
      "active",
    )
    collect(reasons, [user, staff])
    const times = timestamps(ctx, row, options)
    if (!user.ok || !staff.ok || user.value === null || reasons.length > 0)
      return Transform.reject(...reasons)
    return teachersValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      user_id: user.value,
      staff_number: staff.value,
      specialization: cleanOrNull(ctx, "specialization", "text", Text.clean(row.specialization)),
      qualification: cleanOrNull(ctx, "qualification", "text", Text.clean(row.qualification)),
      hire_date: hired,
      // The legacy teachers table has no birth date or gender.
      date_of_birth: null,
      gender: null,
      employment_status: status,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy teachers entity; loads after the users it points at. */
export const teachers = (options: Options): Entity.Entity<TeacherRow> => ({
  name: teachersEntity,
  target: Academic.Teachers.target,
  transform: Transform.fromRow(mapTeacher(options)),
  ids: "ordered",
  dependsOn: [usersEntity],
})

/** A raw row of the legacy `classes` table (seed 001 §4.1 `academic.classes`). */
export const ClassRow = Schema.Struct({
  class_id: Key,
  class_code: Scalar,
  class_name: Scalar,
  grade_level: Scalar,
  /** The homeroom teacher's legacy `teacher_id`. */
  teacher_id: Schema.NullOr(Key),
  capacity: Scalar,
  room: Scalar,
  /** The school year by name (`2024`, `2024/2025`), when the legacy table has the column. */
  academic_year: Schema.optional(Scalar),
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy class. */
export type ClassRow = typeof ClassRow.Type

/** Entity name of the classes flow. */
export const classesEntity = "legacy-sis.classes"

const classesValues = Table.values(Academic.Classes)

/** Maps one legacy class to an `academic.classes` row array, or rejects it with every reason. */
export const mapClass =
  (options: Options) =>
  (row: ClassRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const name = cleanWith(ctx, "class_name", "text", Text.clean(row.class_name, { required: true }))
    const teacher = reference(ctx, "teacher_id", row.teacher_id, teachersEntity, false)
    const capacity = integer("capacity", row.capacity, { min: 0, max: 10_000 })
    collect(reasons, [name, teacher, capacity])
    const times = timestamps(ctx, row, options)
    if (!name.ok || !teacher.ok || !capacity.ok || name.value === null || reasons.length > 0)
      return Transform.reject(...reasons)
    return classesValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      academic_year_id: SchoolYear.reference(ctx, "academic_year", row.academic_year, academicYearsEntity),
      code: cleanOrNull(ctx, "class_code", "text", Text.clean(row.class_code)),
      name: name.value,
      grade_level: cleanOrNull(ctx, "grade_level", "text", Text.clean(row.grade_level)),
      homeroom_teacher_id: teacher.value,
      capacity: capacity.value,
      room: cleanOrNull(ctx, "room", "text", Text.clean(row.room)),
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy classes entity; loads after the teachers and years it points at. */
export const classes = (options: Options): Entity.Entity<ClassRow> => ({
  name: classesEntity,
  target: Academic.Classes.target,
  transform: Transform.fromRow(mapClass(options)),
  ids: "ordered",
  dependsOn: [teachersEntity, academicYearsEntity],
})

/** A raw row of the legacy `enrollments` table (seed 001 §4.1 `academic.enrollments`). */
export const EnrollmentRow = Schema.Struct({
  enrollment_id: Key,
  student_id: Schema.NullOr(Key),
  class_id: Schema.NullOr(Key),
  enrollment_date: Scalar,
  end_date: Scalar,
  status: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy enrollment. */
export type EnrollmentRow = typeof EnrollmentRow.Type

/** Entity name of the enrollments flow. */
export const enrollmentsEntity = "legacy-sis.enrollments"

const enrollmentsValues = Table.values(Academic.Enrollments)

/** Maps one legacy enrollment to an `academic.enrollments` row array, or rejects it with every reason. */
export const mapEnrollment =
  (options: Options) =>
  (row: EnrollmentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const student = reference(ctx, "student_id", row.student_id, studentsEntity, true)
    const klass = reference(ctx, "class_id", row.class_id, classesEntity, true)
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    const start = cleanWith(
      ctx,
      "enrollment_date",
      "date",
      DateInput.clean(row.enrollment_date, { ...day, required: true }),
    )
    let end = cleanOrNull(ctx, "end_date", "date", DateInput.clean(row.end_date, day))
    const status = cleanOrDefault(
      ctx,
      "status",
      "enrollment_status",
      CodeTables.enrollmentStatus.clean(row.status),
      "active",
    )
    collect(reasons, [student, klass, start])
    // ISO dates compare correctly as strings. The start is the enrolment's fact; an end before it is not.
    if (start.ok && start.value !== null && end !== null && end < start.value) {
      ctx.note("end_date", "date_order", `ends ${end}, before it starts ${start.value}; stored as empty`, end)
      end = null
    }
    const times = timestamps(ctx, row, options)
    if (
      !student.ok ||
      !klass.ok ||
      !start.ok ||
      student.value === null ||
      klass.value === null ||
      start.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    return enrollmentsValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      student_id: student.value,
      class_id: klass.value,
      enrollment_date: start.value,
      end_date: end,
      status,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy enrollments entity; loads after the students and classes it links. */
export const enrollments = (options: Options): Entity.Entity<EnrollmentRow> => ({
  name: enrollmentsEntity,
  target: Academic.Enrollments.target,
  transform: Transform.fromRow(mapEnrollment(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, classesEntity],
})

/** A raw row of the legacy `attendance` table (seed 001 §4.1 `academic.attendance`). */
export const AttendanceRow = Schema.Struct({
  attendance_id: Key,
  student_id: Schema.NullOr(Key),
  /** The class the mark was taken in; null for a daily register. */
  class_id: Schema.NullOr(Key),
  attendance_date: Scalar,
  status: Scalar,
  remarks: Scalar,
  /** The legacy `user_id` of whoever took the register. */
  recorded_by: Schema.NullOr(Key),
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy attendance mark. */
export type AttendanceRow = typeof AttendanceRow.Type

/** Entity name of the attendance flow. */
export const attendanceEntity = "legacy-sis.attendance"

const attendanceValues = Table.values(Academic.Attendance)

/** Maps one legacy attendance mark to an `academic.attendance` row array, or rejects it with every reason. */
export const mapAttendance =
  (options: Options) =>
  (row: AttendanceRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const student = reference(ctx, "student_id", row.student_id, studentsEntity, true)
    const klass = reference(ctx, "class_id", row.class_id, classesEntity, false)
    const recorder = reference(ctx, "recorded_by", row.recorded_by, usersEntity, false)
    // A mark for a day that has not happened yet is a data-entry error, not a plan.
    const date = cleanWith(
      ctx,
      "attendance_date",
      "date",
      DateInput.clean(row.attendance_date, {
        today: options.asOf,
        timeZone: options.timeZone,
        notFuture: true,
        required: true,
      }),
    )
    const status = cleanWith(
      ctx,
      "status",
      "attendance_status",
      CodeTables.attendanceStatus.clean(row.status, { required: true }),
    )
    collect(reasons, [student, klass, recorder, date, status])
    const times = timestamps(ctx, row, options)
    if (
      !student.ok ||
      !klass.ok ||
      !recorder.ok ||
      !date.ok ||
      !status.ok ||
      student.value === null ||
      date.value === null ||
      status.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    return attendanceValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      student_id: student.value,
      class_id: klass.value,
      attendance_date: date.value,
      status: status.value,
      remarks: cleanOrNull(ctx, "remarks", "text", Text.clean(row.remarks, { multiline: true })),
      recorded_by: recorder.value,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy attendance entity; loads after the students, classes and users it points at. */
export const attendance = (options: Options): Entity.Entity<AttendanceRow> => ({
  name: attendanceEntity,
  target: Academic.Attendance.target,
  transform: Transform.fromRow(mapAttendance(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, classesEntity, usersEntity],
})

/** A raw row of the legacy `quran_progress` table (seed 001 §5.3.1, §6.2.4). */
export const QuranProgressRow = Schema.Struct({
  progress_id: Key,
  /** The legacy Quran enrolment (seed §6.2.4 `enrollment_id`). */
  enrollment_id: Schema.NullOr(Key),
  surah_no: Scalar,
  /** The legacy juz, often the seed's wrong formula: only compared with the derived one. */
  juz_no: Scalar,
  status: Scalar,
  verses_done: Scalar,
  quality_pct: Scalar,
  start_date: Scalar,
  complete_date: Scalar,
  last_review_date: Scalar,
  review_count: Scalar,
  notes: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy Quran progress row. */
export type QuranProgressRow = typeof QuranProgressRow.Type

/** Entity name of the Quran progress flow. */
export const quranProgressEntity = "legacy-sis.quran_progress"
/** Entity name of the legacy Quran enrolments that progress rows point at (mapped in `LegacySisIslamic`). */
export const quranEnrollmentsEntity = "legacy-sis.quran_enrollments"

// A 0–100 score as numeric(5,2) text; more decimals are rounded with a note.
const quality = (ctx: Transform.RowContext, input: unknown): Step<string | null> => {
  if (input === null || input === undefined || (typeof input === "string" && input.trim() === ""))
    return { ok: true, value: null }
  const text = String(input).trim().replace(/%$/, "")
  const n = typeof input === "number" ? input : /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN
  const problem = Quran.checkQuality(n)
  if (problem !== undefined)
    return {
      ok: false,
      reason: Transform.reason(
        "quality_pct",
        problem.rule,
        Number.isNaN(n) ? `quality ${text} is not a number` : problem.message,
      ),
    }
  const rounded = Math.round(n * 100) / 100
  if (rounded !== n) ctx.note("quality_pct", "quality_range", `${n} rounded to ${rounded}`)
  return { ok: true, value: String(rounded) }
}

const hafizValues = Table.values(Islamic.HafizProgress)

/** Maps one legacy Quran progress row to an `islamic.hafiz_progress` row array, or rejects it with every reason. */
export const mapQuranProgress =
  (options: Options) =>
  (row: QuranProgressRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const enrollment = reference(ctx, "enrollment_id", row.enrollment_id, quranEnrollmentsEntity, true)
    const surah = integer("surah_no", row.surah_no, { min: -32768, max: 32767 })
    const verses = integer("verses_done", row.verses_done, { min: -2147483648, max: 2147483647 })
    const reviews = integer("review_count", row.review_count, { min: 0, max: 2147483647 })
    const score = quality(ctx, row.quality_pct)
    const status = cleanOrDefault(
      ctx,
      "status",
      "memorization_status",
      CodeTables.memorizationStatus.clean(row.status),
      "not_started",
    )
    const day = { today: options.asOf, timeZone: options.timeZone, notFuture: true } as const
    const start = cleanOrNull(ctx, "start_date", "date", DateInput.clean(row.start_date, day))
    const done = cleanOrNull(ctx, "complete_date", "date", DateInput.clean(row.complete_date, day))
    const reviewed = cleanOrNull(ctx, "last_review_date", "date", DateInput.clean(row.last_review_date, day))
    // Which surah and how far are the record; its score and review count are details of it.
    for (const [column, step, raw] of [
      ["review_count", reviews, row.review_count],
      ["quality_pct", score, row.quality_pct],
    ] as const)
      if (!step.ok) ctx.note(column, step.reason.rule, `${step.reason.message}; stored as empty`, String(raw))
    collect(reasons, [enrollment, surah, verses])
    const surahNo = surah.ok ? surah.value : null
    if (surah.ok && surahNo === null) reasons.push(Transform.reason("surah_no", "surah_range", "missing"))
    const surahProblem = surahNo === null ? undefined : Quran.checkSurah(surahNo)
    if (surahProblem !== undefined)
      reasons.push(Transform.reason("surah_no", surahProblem.rule, surahProblem.message))
    const versesNo = verses.ok ? (verses.value ?? 0) : null
    if (surahNo !== null && surahProblem === undefined && versesNo !== null) {
      const p = Quran.checkVerses(surahNo, versesNo)
      if (p !== undefined) reasons.push(Transform.reason("verses_done", p.rule, p.message))
    }
    const times = timestamps(ctx, row, options)
    const total = surahNo === null ? undefined : Quran.versesIn(surahNo)
    const juz = surahNo === null || versesNo === null ? undefined : Quran.memorizedJuz(surahNo, versesNo)
    if (
      !enrollment.ok ||
      enrollment.value === null ||
      surahNo === null ||
      versesNo === null ||
      total === undefined ||
      juz === undefined ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    const legacyJuz = integer("juz_no", row.juz_no, { min: 1, max: Quran.juzCount })
    if (!legacyJuz.ok || (legacyJuz.value !== null && legacyJuz.value !== juz))
      ctx.note(
        "juz_no",
        "juz",
        `legacy juz ${String(row.juz_no)} replaced by ${juz}, from the verses memorised`,
      )
    return hafizValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      enrollment_id: enrollment.value,
      surah_number: surahNo,
      juz_number: juz,
      status,
      verses_memorized: versesNo,
      total_verses: total,
      quality_score: score.ok ? score.value : null,
      start_date: start,
      completion_date: done,
      last_reviewed_at: reviewed,
      review_count: reviews.ok ? (reviews.value ?? 0) : 0,
      teacher_notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy Quran progress entity; loads after the Quran enrolments (`LegacySisIslamic`) it points at. */
export const quranProgress = (options: Options): Entity.Entity<QuranProgressRow> => ({
  name: quranProgressEntity,
  target: Islamic.HafizProgress.target,
  transform: Transform.fromRow(mapQuranProgress(options)),
  ids: "ordered",
  dependsOn: [quranEnrollmentsEntity],
})
