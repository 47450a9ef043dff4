/**
 * Gibbon SMS (GibbonEdu/core, `gibbon.sql`) into the portal. This part holds Gibbon's storage
 * conventions as small pure functions; the entity mappers build on them. Nothing reads the clock.
 */

import {
  Cleaned,
  CodeMap,
  DateInput,
  Email,
  Gender,
  MalaysianAddress,
  MyKad,
  PersonName,
  Phone,
  Text,
} from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Auth, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import type * as CodeTables from "./CodeTables.js"
import * as Contact from "./Contact.js"
import { cleanOrDefault, cleanOrNull, cleanWith, type Step } from "./Field.js"
import * as Password from "./Password.js"
import * as RawValue from "./RawValue.js"
import type * as StudentNumber from "./StudentNumber.js"

/**
 * A Gibbon id as the legacy key: `INT UNSIGNED ZEROFILL` columns come back as `0000000123` from some
 * drivers and as `123` from others, so both become `"123"`. Empty, zero or non-numeric → undefined.
 */
export const normalizeId: (input: unknown) => string | undefined = RawValue.positiveId

/** Gibbon's "empty string means missing": trimmed text, or null when blank or null. */
export const blank: (input: unknown) => string | null = RawValue.blank

/** An `enum('Y','N')` column as a boolean; blank is null (nullable enums and `''` members). */
export const yesNo = (input: unknown): Cleaned.Cleaned<boolean | null> => {
  const text = blank(input)
  if (text === null) return Cleaned.valid(null)
  if (text === "Y") return Cleaned.valid(true)
  if (text === "N") return Cleaned.valid(false)
  const upper = text.toUpperCase()
  if (upper === "Y" || upper === "N")
    return Cleaned.corrected(upper === "Y", text, [`"${text}" read as ${upper}`])
  return Cleaned.invalid(text, `"${text}" is not Y or N`)
}

/**
 * A comma-separated id list (`gibbonRoleIDAll`, `gibbonYearGroupIDList`) as normalized ids, in
 * order, without repeats. Blank is an empty list; any entry that is not an id makes it Invalid.
 */
export const idList = (input: unknown): Cleaned.Cleaned<ReadonlyArray<string>> => {
  const text = blank(input)
  if (text === null) return Cleaned.valid([])
  const ids: Array<string> = []
  const bad: Array<string> = []
  for (const part of text.split(",")) {
    const entry = part.trim()
    if (entry === "") continue
    const id = normalizeId(entry)
    if (id === undefined) bad.push(entry)
    else if (!ids.includes(id)) ids.push(id)
  }
  if (bad.length > 0) return Cleaned.invalid(text, `not ids: ${bad.join(", ")}`)
  return Cleaned.valid(ids)
}

/** The status of a `gibbonPerson` (`enum('Full','Expected','Left','Pending Approval')`). */
export type PersonStatus = "Full" | "Expected" | "Left" | "Pending Approval"

// Gibbon's statuses have spaces; CodeMap matching ignores case and whitespace, so `PendingApproval`
// and ` pending approval ` match too.

/** `gibbonPerson.status` → `auth.users.status`: an expected person has an account not yet in use. */
export const userStatusTable: CodeMap.Table<CodeTables.UserStatus> = {
  active: ["Full"],
  pending: ["Expected", "Pending Approval"],
  inactive: ["Left"],
  suspended: [],
  archived: [],
}

/** Cleanser for `gibbonPerson.status` as a user status. */
export const userStatus = CodeMap.make(userStatusTable, { name: "Gibbon person status" })

/**
 * `gibbonPerson.status` of a student → `academic.students.status`. An expected student is enrolled
 * ahead of time (active); one pending approval has not been admitted, so it is not in the table.
 */
export const studentStatusTable: CodeMap.Table<CodeTables.StudentStatus> = {
  active: ["Full", "Expected"],
  withdrawn: ["Left"],
  graduated: [],
  expelled: [],
  transferred: [],
  on_leave: [],
}

/** Cleanser for `gibbonPerson.status` as a student status. */
export const studentStatus = CodeMap.make(studentStatusTable, { name: "Gibbon student status" })

/** `gibbonPerson.status` of staff → `academic.teachers.employment_status`. */
export const employmentStatusTable: CodeMap.Table<CodeTables.EmploymentStatus> = {
  active: ["Full", "Expected"],
  resigned: ["Left"],
  on_leave: [],
  retired: [],
  terminated: [],
}

/** Cleanser for `gibbonPerson.status` as an employment status. */
export const employmentStatus = CodeMap.make(employmentStatusTable, { name: "Gibbon staff status" })

/**
 * Custom field ids by name, from `gibbonCustomField` (`name` → `gibbonCustomFieldID`), as the
 * manifest provides them.
 */
export type CustomFieldIds = ReadonlyMap<string, string | number>

/**
 * A named custom field from a `fields` column (a JSON object keyed by `gibbonCustomFieldID`, zero
 * filled or not). Blank column, absent key or blank value → null; malformed JSON or an unknown
 * field name → Invalid.
 */
export const customField = (
  fields: unknown,
  name: string,
  ids: CustomFieldIds,
): Cleaned.Cleaned<string | null> => {
  const id = normalizeId(ids.get(name))
  if (id === undefined) return Cleaned.invalid(name, `no custom field named "${name}" in gibbonCustomField`)
  const text = blank(fields)
  if (text === null) return Cleaned.valid(null)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return Cleaned.invalid(text, "the fields column is not JSON")
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return Cleaned.invalid(text, "the fields column is not a JSON object")
  for (const [key, value] of Object.entries(parsed)) {
    if (normalizeId(key) !== id) continue
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      return Cleaned.valid(blank(value))
    if (value === null) return Cleaned.valid(null)
    return Cleaned.invalid(
      text,
      `custom field "${name}" holds ${Array.isArray(value) ? "a list" : "an object"}`,
    )
  }
  return Cleaned.valid(null)
}

/** A Gibbon phone (`phoneNCountryCode` + `phoneN`) through the cleansers' split-number form. */
export const phone = (countryCode: unknown, number: unknown): Cleaned.Cleaned<Phone.Phone | null> =>
  Phone.clean({
    countryCode: blank(countryCode),
    number: blank(number),
  })

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

/** A raw `gibbonRole` row: the role catalog that says which roles are students, staff or parents. */
export const RoleRow = Schema.Struct({
  gibbonRoleID: Key,
  /** `enum('Staff','Student','Parent','Other')`. */
  category: Scalar,
  name: Scalar,
})
/** A raw Gibbon role. */
export type RoleRow = typeof RoleRow.Type

/** A `gibbonRole.category`. */
export type RoleCategory = "Staff" | "Student" | "Parent" | "Other"

/** Role categories by normalized `gibbonRoleID`. */
export type RoleIndex = ReadonlyMap<string, RoleCategory>

const roleCategories: ReadonlyArray<RoleCategory> = ["Staff", "Student", "Parent", "Other"]

/** Indexes `gibbonRole` rows by id; rows with no id or an unknown category are left out. */
export const indexRoles = (rows: ReadonlyArray<RoleRow>): RoleIndex => {
  const index = new Map<string, RoleCategory>()
  for (const row of rows) {
    const id = normalizeId(row.gibbonRoleID)
    const category = roleCategories.find((c) => c === blank(row.category))
    if (id !== undefined && category !== undefined) index.set(id, category)
  }
  return index
}

/** A raw `gibbonPerson` row: the columns the person mappers read. */
export const PersonRow = Schema.Struct({
  gibbonPersonID: Key,
  surname: Scalar,
  firstName: Scalar,
  preferredName: Scalar,
  /** `enum('M','F','Other','Unspecified')`. */
  gender: Scalar,
  username: Scalar,
  /** The old unsalted md5 column; recognised only to be refused. */
  password: Scalar,
  /** sha256 hex of salt + password. */
  passwordStrong: Scalar,
  passwordStrongSalt: Scalar,
  passwordForceReset: Scalar,
  /** `enum('Full','Expected','Left','Pending Approval')`. */
  status: Scalar,
  canLogin: Scalar,
  gibbonRoleIDPrimary: Scalar,
  /** Comma-separated `gibbonRoleID`s. */
  gibbonRoleIDAll: Scalar,
  dob: Scalar,
  email: Scalar,
  lastTimestamp: Scalar,
  address1: Scalar,
  address1District: Scalar,
  address1Country: Scalar,
  phone1CountryCode: Scalar,
  phone1: Scalar,
  studentID: Scalar,
  dateStart: Scalar,
  /** The full name as on certificates, `varchar(150)`; older extracts may not select it. */
  officialName: Schema.optional(Scalar),
  /** The name in the person's own script (Jawi, Arabic, Chinese), `varchar(60)`. */
  nameInCharacters: Schema.optional(Scalar),
})
/** A raw Gibbon person. */
export type PersonRow = typeof PersonRow.Type

/** Entity name of the users flow; also each row's `legacy_source`. */
export const usersEntity = "gibbon.users"
/** Entity name of the students flow. */
export const studentsEntity = "gibbon.students"
/** Entity name of the teachers flow. */
export const teachersEntity = "gibbon.teachers"

/** What every Gibbon mapper needs. */
export interface Options {
  /** The tenant's code, written to `tenant_id`. */
  readonly tenant: string
  /** The business date, `YYYY-MM-DD`: the "today" of date checks. */
  readonly asOf: string
  /** The instant written to `created_at`/`updated_at`: `gibbonPerson` keeps no such times. */
  readonly loadedAt: string
  /** IANA zone of Gibbon's local date-times. Default "Asia/Kuala_Lumpur". */
  readonly timeZone?: string | undefined
}

/** Options of the person mappers: the role catalog decides who is a student or staff. */
export interface PersonOptions extends Options {
  readonly roles: RoleIndex
}

/** Options of the users mapper. */
export interface UserOptions extends PersonOptions {
  readonly passwords: Password.Policy
  /** The run's force-reset hashes (`Password.resetHash()`, one per account that resets); without them a reset leaves the hash empty. */
  readonly resetHash?: Password.ResetHash | undefined
  /** Who keeps each email that several accounts share (`emailHolders`); without it every account keeps its own. */
  readonly emailHolders?: Contact.EmailHolders | undefined
}

/** The email holders of Gibbon's accounts (persons with a username), planned over a tenant's persons. */
export const emailHolders = (rows: ReadonlyArray<PersonRow>): Contact.EmailHolders =>
  Contact.emailHolders(
    rows.flatMap((row) => {
      const key = normalizeId(row.gibbonPersonID)
      return key === undefined || blank(row.username) === null ? [] : [{ key, email: blank(row.email) }]
    }),
  )

/** Options of the students mapper. */
export interface StudentOptions extends PersonOptions {
  /** Numbers for every student, planned over the whole table with `StudentNumber.plan`. */
  readonly numbers: StudentNumber.Plan
  /** National ids from the ID Card documents (`GibbonDocuments.nationalIds`); without it `national_id` is null. */
  readonly nationalIds?: NationalIds | undefined
}

/** National ids (MyKad numbers) by person key, planned over `gibbonPersonalDocument` by `GibbonDocuments.nationalIds`. */
export interface NationalIds {
  readonly ids: ReadonlyMap<string, string>
  /** Why a person has no id or another one was not used (a card that is not a MyKad, two different cards). */
  readonly notes: ReadonlyMap<string, string>
}

/** A person's national id from the index, noting on the row why a card was not used. */
export const nationalIdOf = (
  index: NationalIds | undefined,
  key: string,
  ctx: Transform.RowContext,
): string | null => {
  const note = index?.notes.get(key)
  if (note !== undefined) ctx.note("documentNumber", "national_id", note)
  return index?.ids.get(key) ?? null
}

export { cleanOrNull, cleanWith, type Step }

/** The normalized `gibbonPersonID` of a row, or a `gibbon_id` reason. */
export const personKey = (row: Pick<PersonRow, "gibbonPersonID">): Step<string> => {
  const key = normalizeId(row.gibbonPersonID)
  return key === undefined
    ? {
        ok: false,
        reason: Transform.reason("gibbonPersonID", "gibbon_id", `${String(row.gibbonPersonID)} is not an id`),
      }
    : { ok: true, value: key }
}

/**
 * The role categories of a person: the primary role and every role of `gibbonRoleIDAll`. Ids the
 * catalog does not know are noted and ignored.
 */
export const categoriesOf = (
  row: PersonRow,
  roles: RoleIndex,
  ctx?: Transform.RowContext,
): ReadonlySet<RoleCategory> => {
  const all = idList(row.gibbonRoleIDAll)
  if (all._tag === "Invalid") ctx?.note("gibbonRoleIDAll", "gibbon_id_list", `${all.reason}; ignored`)
  const primary = normalizeId(row.gibbonRoleIDPrimary)
  const ids = [...(primary === undefined ? [] : [primary]), ...(all._tag === "Invalid" ? [] : all.value)]
  const found = new Set<RoleCategory>()
  for (const id of new Set(ids)) {
    const category = roles.get(id)
    if (category === undefined) ctx?.note("gibbonRoleIDAll", "gibbon_role", `role ${id} is not in gibbonRole`)
    else found.add(category)
  }
  return found
}

/** The algorithm tag of a carried-over Gibbon hash: sha256 hex of salt + password, kept as `salt$hex`. */
export const passwordAlgorithm = "gibbon_sha256"

/** Why a Gibbon password was not carried over (for a note; never contains the value). */
export type PasswordFallback = Password.Fallback | "gibbon_reset"

/**
 * The password columns of a Gibbon person. Carry-over keeps `passwordStrong` with its salt, as
 * `salt$hex` tagged `gibbon_sha256` (`auth.users` has no salt column, so the salt travels in the hash
 * text the way modular-crypt formats carry theirs). Without a strong hash the old md5 `password`
 * column goes through the shared policy, which refuses it; `passwordForceReset = Y` forces a reset.
 */
export const passwordColumns = (
  policy: Password.Policy,
  row: Pick<PersonRow, "password" | "passwordStrong" | "passwordStrongSalt" | "passwordForceReset">,
  resetHash?: Password.ResetHash | undefined,
): { readonly columns: Password.Columns; readonly fallback?: PasswordFallback } => {
  // A hash of the account's own, made only where the account resets.
  const reset = () => Password.resetColumns(resetHash)
  if (policy === "force-reset") return { columns: reset() }
  if (blank(row.passwordForceReset) === "Y") return { columns: reset(), fallback: "gibbon_reset" }
  const strong = blank(row.passwordStrong)
  if (strong === null) return Password.apply(policy, blank(row.password), resetHash)
  const salt = blank(row.passwordStrongSalt)
  if (!/^[0-9a-f]{64}$/i.test(strong) || salt === null || salt.includes("$"))
    return { columns: reset(), fallback: "unrecognised" }
  return {
    columns: {
      password_hash: `${salt}$${strong.toLowerCase()}`,
      password_algorithm: passwordAlgorithm,
      must_reset_password: false,
    },
  }
}

const fallbackMessages: Record<PasswordFallback, string> = {
  missing: "no legacy password hash: the user must set a password",
  unrecognised: "passwordStrong is not a salted sha256 hash the portal verifies: not kept, reset required",
  weak: "only the old unsalted md5 password is set: not kept, reset required",
  gibbon_reset: "Gibbon required a password reset (passwordForceReset Y): reset required",
}

// A name has at least one letter in any script: "-" or "0" typed into a required form field is not one.
const letter = /\p{L}/u

/** One of the names a school prints on certificates, through `Text`; blank is null, a value that is no name is null with a note. */
export const printedName = (ctx: Transform.RowContext, column: string, input: unknown): string | null => {
  const text = blank(input)
  const cleaned = Text.clean(text)
  return cleanOrNull(
    ctx,
    column,
    "text",
    cleaned._tag !== "Invalid" && cleaned.value !== null && !letter.test(cleaned.value)
      ? Cleaned.invalid(text ?? "", `"${cleaned.value}" has no letters: not a name`)
      : cleaned,
  )
}

/** `officialName` and `nameInCharacters` as the portal's `official_name` and `name_in_script`. */
export const printedNames = (
  row: Pick<PersonRow, "officialName" | "nameInCharacters">,
  ctx: Transform.RowContext,
): { readonly official_name: string | null; readonly name_in_script: string | null } => ({
  official_name: printedName(ctx, "officialName", row.officialName),
  name_in_script: printedName(ctx, "nameInCharacters", row.nameInCharacters),
})

/**
 * `gibbonPerson.dob` of staff and parents: a date not after `asOf`. Unlike a student's, it identifies
 * nobody, so an unreadable or future date is null with a note and the row loads.
 */
export const birthDateOf = (row: Pick<PersonRow, "dob">, options: Options, ctx: Transform.RowContext) =>
  cleanOrNull(
    ctx,
    "dob",
    "date",
    DateInput.clean(blank(row.dob), { today: options.asOf, timeZone: options.timeZone, notFuture: true }),
  )

const usersValues = Table.values(Auth.Users)

/** Maps one `gibbonPerson` with a username to an `auth.users` row array, or rejects it with every reason. */
export const mapUser =
  (options: UserOptions) =>
  (row: PersonRow, ctx: Transform.RowContext): Transform.Outcome => {
    const username = blank(row.username)
    if (username === null) return Transform.skip("no username: the person has no login")
    const key = personKey(row)
    const first = cleanWith(
      ctx,
      "firstName",
      "person_name",
      PersonName.clean(blank(row.firstName) ?? blank(row.preferredName), { required: true }),
    )
    const last = cleanWith(ctx, "surname", "person_name", PersonName.clean(blank(row.surname)))
    // A status or login flag says what the school last recorded, not who the person is: an unknown
    // one is the documented default (pending: an administrator activates the account), noted.
    const status = cleanOrDefault(ctx, "status", "user_status", userStatus.clean(row.status), "pending")
    const canLogin = cleanOrNull(ctx, "canLogin", "yes_no", yesNo(row.canLogin))
    const steps = [key, first, last]
    if (!key.ok || !first.ok || !last.ok)
      return Transform.reject(...steps.flatMap((s) => (s.ok ? [] : [s.reason])))
    const email = Contact.accountEmail(
      ctx,
      "email",
      Email.clean(blank(row.email)),
      key.value,
      options.emailHolders ?? Contact.noSharedEmails,
    )
    const tel = Contact.phone(ctx, "phone1", phone(row.phone1CountryCode, row.phone1))
    let userStatusValue = status
    if (canLogin === false && userStatusValue !== "inactive") {
      ctx.note("canLogin", "user_status", `login disabled in Gibbon: ${userStatusValue} → inactive`)
      userStatusValue = "inactive"
    }
    const password = passwordColumns(options.passwords, row, options.resetHash)
    if (password.fallback !== undefined)
      ctx.note("passwordStrong", "password_policy", fallbackMessages[password.fallback])
    const lastLogin = cleanOrNull(
      ctx,
      "lastTimestamp",
      "timestamp",
      DateInput.clean(blank(row.lastTimestamp), {
        kind: "dateTime",
        timeZone: options.timeZone,
        today: options.asOf,
        notFuture: true,
      }),
    )
    return usersValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      email,
      username,
      ...password.columns,
      first_name: first.value ?? "",
      last_name: last.value,
      ...printedNames(row, ctx),
      phone: tel,
      avatar_url: null,
      status: userStatusValue,
      email_verified: false,
      last_login_at: lastLogin,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon users entity: every `gibbonPerson` with a username. */
export const users = (options: UserOptions): Entity.Entity<PersonRow> => ({
  name: usersEntity,
  target: Auth.Users.target,
  transform: Transform.fromRow(mapUser(options)),
  ids: "ordered",
})

// A student or teacher row points at the person's user row, which exists only with a username.
const linkUser = (row: PersonRow, ctx: Transform.RowContext, key: string): Step<string> =>
  blank(row.username) === null
    ? {
        ok: false,
        reason: Transform.reason(
          "username",
          "user_link",
          "no username: the person has no user row to link to",
        ),
      }
    : { ok: true, value: ctx.id(ctx.tenant, key, usersEntity) }

/** The planner's input for a `gibbonPerson` table: `studentID` and the year of `dateStart` (else of the business date). */
export const numberInputs = (
  rows: ReadonlyArray<PersonRow>,
  options: PersonOptions,
): Array<StudentNumber.Input> =>
  rows.flatMap((r) => {
    const key = normalizeId(r.gibbonPersonID)
    if (key === undefined || !categoriesOf(r, options.roles).has("Student")) return []
    const start = DateInput.clean(blank(r.dateStart), { today: options.asOf, timeZone: options.timeZone })
    // No start date that can be read: a number of the business year, rather than no child.
    const year =
      start._tag !== "Invalid" && start.value !== null
        ? Number(start.value.slice(0, 4))
        : Number(options.asOf.slice(0, 4))
    return [{ key, number: blank(r.studentID), year }]
  })

/**
 * `gibbonPerson.gender` through the gender code table. The portal's gender has male and female
 * only: Gibbon's Other has no label there, so it is null with a note, as an unknown code is.
 */
export const genderOf = (
  row: Pick<PersonRow, "gender">,
  ctx: Transform.RowContext,
): CodeTables.Gender | null => {
  const gender = cleanOrNull(ctx, "gender", "gender", Gender.clean(row.gender))
  if (gender === "other") {
    ctx.note("gender", "gender", "Gibbon gender Other has no portal label: stored as empty")
    return null
  }
  return gender
}

/**
 * A student's birth date and sex beside their MyKad's: one the record lacks is taken from the card
 * (noted); two that disagree are a `mykad_mismatch` finding, and the record's value is stored.
 */
const checkedByMyKad = (
  ctx: Transform.RowContext,
  nationalId: string | null,
  dob: string | null,
  gender: CodeTables.Gender | null,
  asOf: string,
): { readonly dob: string | null; readonly gender: CodeTables.Gender | null } => {
  const card = nationalId === null ? null : MyKad.clean(nationalId, { referenceDate: asOf })
  const kad = card === null || card._tag === "Invalid" ? null : card.value
  if (kad === null) return { dob, gender }
  if (dob === null) ctx.note("dob", "date", `no readable birth date: taken from the MyKad, ${kad.birthDate}`)
  else if (dob !== kad.birthDate)
    ctx.note(
      "dob",
      "mykad_mismatch",
      `the MyKad's birth date is ${kad.birthDate}, the record's ${dob}; the record's is stored`,
    )
  if (gender === null)
    ctx.note("gender", "gender", `no gender the portal knows: taken from the MyKad, ${kad.sex}`)
  else if (gender !== kad.sex)
    ctx.note(
      "gender",
      "mykad_mismatch",
      `the MyKad says ${kad.sex}, the record ${gender}; the record's is stored`,
    )
  return { dob: dob ?? kad.birthDate, gender: gender ?? kad.sex }
}

const studentsValues = Table.values(Academic.Students)

/** Maps one `gibbonPerson` with a Student role to an `academic.students` row array; others are skipped. */
export const mapStudent =
  (options: StudentOptions) =>
  (row: PersonRow, ctx: Transform.RowContext): Transform.Outcome => {
    if (!categoriesOf(row, options.roles, ctx).has("Student")) return Transform.skip("not a student")
    const key = personKey(row)
    if (!key.ok) return Transform.reject(key.reason)
    const reasons: Array<Transform.Reason> = []
    const user = linkUser(row, ctx, key.value)
    if (!user.ok) reasons.push(user.reason)
    const number = options.numbers.numbers.get(key.value)
    if (options.numbers.duplicates.has(key.value))
      reasons.push(
        Transform.reason(
          "studentID",
          "student_number_unique",
          `student id ${blank(row.studentID)} is already held by another student`,
        ),
      )
    else if (number === undefined)
      reasons.push(
        Transform.reason("studentID", "student_number", "no studentID and no dateStart year to generate one"),
      )
    else if (blank(row.studentID) === null) ctx.note("studentID", "student_number", `generated ${number}`)
    // An applicant pending approval has not been admitted: not a student of the portal yet.
    if (blank(row.status)?.toLowerCase() === "pending approval")
      return Transform.skip("pending approval in Gibbon: not admitted, so not a student yet")
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    // A birth date, a start date or a status that cannot be read is a detail of the child: empty (or
    // the documented default) with a note, never the child.
    const dob = cleanOrNull(ctx, "dob", "date", DateInput.clean(blank(row.dob), { ...day, notFuture: true }))
    const start = cleanOrNull(ctx, "dateStart", "date", DateInput.clean(blank(row.dateStart), day))
    const status = cleanOrDefault(ctx, "status", "student_status", studentStatus.clean(row.status), "active")
    if (!user.ok || number === undefined || reasons.length > 0) return Transform.reject(...reasons)
    const address = cleanOrNull(
      ctx,
      "address1",
      "address",
      MalaysianAddress.clean({
        line1: blank(row.address1),
        line2: null,
        city: blank(row.address1District),
        state: null,
        postcode: null,
        country: blank(row.address1Country),
      }),
    )
    const nationalId = nationalIdOf(options.nationalIds, key.value, ctx)
    const checked = checkedByMyKad(ctx, nationalId, dob, genderOf(row, ctx), options.asOf)
    return studentsValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      user_id: user.value,
      student_number: number,
      date_of_birth: checked.dob,
      gender: checked.gender,
      nationality: null,
      national_id: nationalId,
      blood_type: null,
      medical_notes: null,
      admission_date: start,
      status,
      address,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon students entity; loads after the users it points at. */
export const students = (options: StudentOptions): Entity.Entity<PersonRow> => ({
  name: studentsEntity,
  target: Academic.Students.target,
  transform: Transform.fromRow(mapStudent(options)),
  ids: "ordered",
  dependsOn: [usersEntity],
})

const teachersValues = Table.values(Academic.Teachers)

/** Maps one `gibbonPerson` with a Staff role to an `academic.teachers` row array; others are skipped. */
export const mapTeacher =
  (options: PersonOptions) =>
  (row: PersonRow, ctx: Transform.RowContext): Transform.Outcome => {
    if (!categoriesOf(row, options.roles, ctx).has("Staff")) return Transform.skip("not staff")
    const key = personKey(row)
    if (!key.ok) return Transform.reject(key.reason)
    const user = linkUser(row, ctx, key.value)
    const hired = cleanOrNull(
      ctx,
      "dateStart",
      "date",
      DateInput.clean(blank(row.dateStart), { today: options.asOf, timeZone: options.timeZone }),
    )
    const status = cleanOrDefault(
      ctx,
      "status",
      "employment_status",
      employmentStatus.clean(row.status),
      "active",
    )
    if (!user.ok) return Transform.reject(user.reason)
    return teachersValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      user_id: user.value,
      staff_number: null,
      specialization: null,
      qualification: null,
      hire_date: hired,
      date_of_birth: birthDateOf(row, options, ctx),
      gender: genderOf(row, ctx),
      employment_status: status,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon teachers entity (Staff role category); loads after the users it points at. */
export const teachers = (options: PersonOptions): Entity.Entity<PersonRow> => ({
  name: teachersEntity,
  target: Academic.Teachers.target,
  transform: Transform.fromRow(mapTeacher(options)),
  ids: "ordered",
  dependsOn: [usersEntity],
})
