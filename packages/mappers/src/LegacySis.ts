/**
 * The generic legacy SIS of seed 001 §5 (MySQL `users` and `students`) into `auth.users` and
 * `academic.students`. Row functions are pure: options carry the tenant, the policy and the business
 * date; nothing reads the clock or the environment.
 */

import type { Cleaned } from "@schoolbridge/cleansers"
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
import { Academic, Auth, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as CodeTables from "./CodeTables.js"
import * as Password from "./Password.js"
import type * as StudentNumber from "./StudentNumber.js"

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

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
}

type Step<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly reason: Transform.Reason }

// Runs a cleanser: Invalid becomes a rejection reason, Corrected a note on the row.
const cleanWith = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A>,
): Step<A> => {
  if (cleaned._tag === "Invalid") return { ok: false, reason: Transform.reason(column, rule, cleaned.reason) }
  if (cleaned._tag === "Corrected") ctx.note(column, rule, cleaned.changes.join("; "))
  return { ok: true, value: cleaned.value }
}

// Optional attributes: an Invalid value is dropped with a note instead of costing the whole row.
const cleanOrNull = <A>(
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  cleaned: Cleaned.Cleaned<A | null>,
): A | null => {
  if (cleaned._tag === "Invalid") {
    ctx.note(column, rule, `${cleaned.reason}; stored as empty`)
    return null
  }
  if (cleaned._tag === "Corrected") ctx.note(column, rule, cleaned.changes.join("; "))
  return cleaned.value
}

const timestamps = (
  ctx: Transform.RowContext,
  row: { readonly created_date: unknown; readonly modified_date: unknown },
  options: Options,
  reasons: Array<Transform.Reason>,
): { created_at: string; updated_at: string } => {
  const dt = { kind: "dateTime", timeZone: options.timeZone, today: options.asOf, notFuture: true } as const
  const created = cleanWith(ctx, "created_date", "timestamp", DateInput.clean(row.created_date, dt))
  const modified = cleanWith(ctx, "modified_date", "timestamp", DateInput.clean(row.modified_date, dt))
  if (!created.ok) reasons.push(created.reason)
  if (!modified.ok) reasons.push(modified.reason)
  let createdAt = created.ok ? created.value : null
  if (createdAt === null) {
    ctx.note("created_date", "timestamp", "no creation time: used the load time")
    createdAt = options.loadedAt
  }
  const updatedAt = (modified.ok ? modified.value : null) ?? createdAt
  return { created_at: createdAt, updated_at: updatedAt }
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
    const reasons: Array<Transform.Reason> = []
    const email = cleanWith(ctx, "email", "email", Email.clean(row.email))
    const first = cleanWith(
      ctx,
      "first_name",
      "person_name",
      PersonName.clean(row.first_name, { required: true }),
    )
    const last = cleanWith(ctx, "last_name", "person_name", PersonName.clean(row.last_name))
    const phone = cleanWith(ctx, "phone", "phone", Phone.clean(row.phone))
    const status = cleanWith(
      ctx,
      "status",
      "user_status",
      CodeTables.userStatus.clean(row.status, { required: true }),
    )
    for (const s of [email, first, last, phone, status]) if (!s.ok) reasons.push(s.reason)
    const times = timestamps(ctx, row, options, reasons)
    if (!email.ok || !first.ok || !last.ok || !phone.ok || !status.ok || reasons.length > 0)
      return Transform.reject(...reasons)
    const password = Password.apply(options.passwords, row.password === null ? null : String(row.password))
    if (password.fallback !== undefined)
      ctx.note("password", "password_policy", fallbackMessages[password.fallback])
    return usersValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      email: email.value,
      username: null,
      ...password.columns,
      first_name: first.value ?? "",
      last_name: last.value,
      phone: phone.value === null ? null : Phone.format(phone.value),
      avatar_url: null,
      status: status.value ?? "pending",
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

/** Legacy user keys by normalized email, for students that carry an email instead of a user id. */
export interface EmailIndex {
  readonly users: ReadonlyMap<string, string>
  /** Emails two or more users share: a student cannot be linked through them. */
  readonly ambiguous: ReadonlySet<string>
}

/** The email form used for linking: the cleansers' canonical email, or undefined when not an email. */
export const normalizeEmail = (input: unknown): string | undefined => {
  const cleaned = Email.clean(input)
  return cleaned._tag === "Invalid" || cleaned.value === null ? undefined : cleaned.value
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
  /** Links students without a `user_id` to their user by email. */
  readonly emails?: EmailIndex | undefined
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

/** Maps one legacy student to an `academic.students` row array, or rejects it with every reason. */
export const mapStudent =
  (options: StudentOptions) =>
  (row: StudentRow, ctx: Transform.RowContext): Transform.Outcome => {
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
    const dob = cleanWith(ctx, "dob", "date", DateInput.clean(row.dob, { ...day, notFuture: true }))
    const admission = cleanWith(ctx, "admission_date", "date", DateInput.clean(row.admission_date, day))
    const gender = cleanOrNull(ctx, "gender", "gender", CodeTables.gender.clean(row.gender))
    const mykad = cleanWith(
      ctx,
      "ic_number",
      "mykad",
      MyKad.clean(row.ic_number, {
        referenceDate: options.asOf,
        birthDate: dob.ok ? dob.value : null,
        sex: gender,
      }),
    )
    const status = cleanWith(
      ctx,
      "status",
      "student_status",
      CodeTables.studentStatus.clean(row.status, { required: true }),
    )
    for (const s of [dob, admission, mykad, status]) if (!s.ok) reasons.push(s.reason)
    const times = timestamps(ctx, row, options, reasons)
    if (
      !user.ok ||
      !dob.ok ||
      !admission.ok ||
      !mykad.ok ||
      !status.ok ||
      number === undefined ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
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
      date_of_birth: dob.value ?? mykad.value?.birthDate ?? null,
      gender: gender ?? mykad.value?.sex ?? null,
      nationality: cleanOrNull(ctx, "nationality", "country", Country.clean(row.nationality)),
      national_id: mykad.value?.number ?? null,
      blood_type: cleanOrNull(ctx, "blood_group", "blood_type", CodeTables.bloodType.clean(row.blood_group)),
      medical_notes: cleanOrNull(
        ctx,
        "medical_info",
        "text",
        Text.clean(row.medical_info, { multiline: true }),
      ),
      admission_date: admission.value,
      status: status.value ?? "active",
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
