/**
 * Moodle LMS (moodle/moodle, `lib/db/install.xml`) into the portal: users matched to the portal's
 * existing people, courses as classes, enrolments, grade items as assessments and grades as
 * percentage results. Cross-table facts (who a Moodle user is in the portal, which courses and grade
 * items were mapped) are computed up front over whole tables by pure `index*`/`planUsers`
 * functions and passed in as options, so each row function stays synchronous and reads nothing else.
 */

import { type Cleaned, Email, PersonName, Phone } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Auth, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as Contact from "./Contact.js"
import * as Password from "./Password.js"
import { nameWords, sameName } from "./Persons.js"
import * as RawValue from "./RawValue.js"

/** Entity name of the users flow; also each row's `legacy_source`. */
export const usersEntity = "moodle.users"
/** Entity name of the classes flow (`mdl_course`). */
export const classesEntity = "moodle.classes"
/** Entity name of the enrolments flow (`mdl_user_enrolments`). */
export const enrollmentsEntity = "moodle.enrollments"
/** Entity name of the assessments flow (`mdl_grade_items`). */
export const assessmentsEntity = "moodle.assessments"
/** Entity name of the assessment results flow (`mdl_grade_grades`). */
export const resultsEntity = "moodle.assessment_results"

/** Moodle's default table prefix; installs may choose another (`$CFG->prefix`). */
export const defaultPrefix = "mdl_"

/** The source table names under a prefix, for the manifest's `MysqlSource` options. */
export const tables = (prefix: string = defaultPrefix) => ({
  user: `${prefix}user`,
  course: `${prefix}course`,
  courseCategories: `${prefix}course_categories`,
  enrol: `${prefix}enrol`,
  userEnrolments: `${prefix}user_enrolments`,
  gradeItems: `${prefix}grade_items`,
  gradeGrades: `${prefix}grade_grades`,
})

// ---------------------------------------------------------------------------------------------
// Storage conventions

/** A Moodle id (`BIGINT(10)`) as the legacy key; zero, negative or non-numeric → undefined. */
export const normalizeId: (input: unknown) => string | undefined = RawValue.positiveId

/** Moodle's NOT NULL text columns default to `''`: trimmed text, or null when blank. */
export const blank: (input: unknown) => string | null = RawValue.blank

/** An `int(1)` flag: MySQL's TINYINT(1) may arrive as a boolean, others as 0/1 or text. */
export const flag = (input: unknown): boolean => {
  if (typeof input === "boolean") return input
  if (typeof input === "number") return input !== 0
  const text = blank(input)
  return text !== null && text !== "0"
}

// Moodle's "forever": enrolments without an end carry 0 or the largest signed 32-bit time.
const forever = 2147483647

/** A Unix-seconds column as a number; 0, blank or not a whole number → null ("never"). */
export const unixSeconds = (input: unknown): number | null => {
  const n = typeof input === "number" ? input : typeof input === "string" ? Number(input.trim()) : Number.NaN
  return Number.isSafeInteger(n) && n > 0 ? n : null
}

/** Unix seconds as a UTC ISO instant (`2024-01-31T08:00:00Z`); 0 or blank → null. */
export const instant = (input: unknown): string | null => {
  const s = unixSeconds(input)
  return s === null ? null : new Date(s * 1000).toISOString().replace(".000Z", "Z")
}

// Building a DateTimeFormat costs far more than formatting with one: one per zone, kept.
const dayFormats = new Map<string, Intl.DateTimeFormat>()
const dayFormat = (timeZone: string): Intl.DateTimeFormat => {
  let f = dayFormats.get(timeZone)
  if (f === undefined) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    dayFormats.set(timeZone, f)
  }
  return f
}

/** Unix seconds as the calendar date in a time zone (`YYYY-MM-DD`); 0 or blank → null. */
export const localDate = (input: unknown, timeZone: string): string | null => {
  const s = unixSeconds(input)
  if (s === null) return null
  const parts = dayFormat(timeZone).formatToParts(new Date(s * 1000))
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return `${get("year")}-${get("month")}-${get("day")}`
}

// Grades are `DECIMAL(10,5)`; they are compared and scaled as integers of 10^-5 so that a
// percentage is rounded once, exactly, and never through a binary float.
const scale = 5
const unit = 10n ** BigInt(scale)

/** A Moodle decimal (`"85.50000"`, or a number) as an integer count of 10^-5; not a decimal → undefined. */
export const decimal = (input: unknown): bigint | undefined => {
  const text =
    typeof input === "number" ? (Number.isFinite(input) ? input.toFixed(scale) : "") : (blank(input) ?? "")
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text)
  if (m === null) return undefined
  const fraction = (m[3] ?? "").padEnd(scale, "0")
  // More than five decimals never comes from a DECIMAL(10,5); rounding it would hide a bad source.
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) return undefined
  const value = BigInt(m[2]!) * unit + BigInt(fraction.slice(0, scale))
  return m[1] === "-" ? -value : value
}

// a / b rounded half away from zero, b > 0.
const divRound = (a: bigint, b: bigint): bigint => {
  const q = ((a < 0n ? -a : a) * 2n + b) / (2n * b)
  return a < 0n ? -q : q
}

// Hundredths as `numeric(p,2)` text.
const hundredths = (n: bigint): string => {
  const sign = n < 0n ? "-" : ""
  const abs = n < 0n ? -n : n
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`
}

/** A 10^-5 count as `numeric(p,2)` text, rounded half away from zero. */
export const toScore = (value: bigint): string => hundredths(divRound(value, unit / 100n))

/**
 * Where `value` lies between `min` and `max` as a 0–100 percentage with two decimals
 * (`(value − min) / (max − min) × 100`), or undefined when the range is empty or the value is
 * outside it.
 */
export const percentage = (value: bigint, min: bigint, max: bigint): string | undefined => {
  if (max <= min || value < min || value > max) return undefined
  return hundredths(divRound((value - min) * 10000n, max - min))
}

// numeric(10,2) holds up to 99999999.99.
const maxScore = 99999999_99n * (unit / 100n)

type Step<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly reason: Transform.Reason }

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

const idStep = (column: string, input: unknown): Step<string> => {
  const key = normalizeId(input)
  return key === undefined
    ? { ok: false, reason: Transform.reason(column, "moodle_id", `${String(input)} is not an id`) }
    : { ok: true, value: key }
}

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number, Schema.Boolean))
const Key = Schema.Union(Schema.Number, Schema.String)

/** What every Moodle mapper needs. */
export interface Options {
  /** The tenant's code, written to `tenant_id`. */
  readonly tenant: string
  /** The instant written where Moodle keeps no time (a creation time of 0). */
  readonly loadedAt: string
}

// ---------------------------------------------------------------------------------------------
// Users

/** A raw `mdl_user` row: the columns the users mapper reads. */
export const UserRow = Schema.Struct({
  id: Key,
  /** Authentication plugin: `manual`, `nologin`, `ldap`, `oauth2`, … */
  auth: Scalar,
  confirmed: Scalar,
  deleted: Scalar,
  suspended: Scalar,
  username: Scalar,
  /** bcrypt (`$2y$`) for `manual` accounts; `not cached` or blank for external ones. */
  password: Scalar,
  /** The school's own id for the person, free text; the first matching key. */
  idnumber: Scalar,
  firstname: Scalar,
  lastname: Scalar,
  email: Scalar,
  phone1: Scalar,
  lastaccess: Scalar,
  timecreated: Scalar,
  timemodified: Scalar,
})
/** A raw Moodle user. */
export type UserRow = typeof UserRow.Type

/** A portal user, as the app reads it from `auth.users` to match Moodle users. */
export interface PortalUser {
  readonly id: string
  readonly email: string | null
  readonly username: string | null
  /** The person's names: a match by username alone must not contradict them. */
  readonly first_name?: string | null
  readonly last_name?: string | null
}

/** A portal student, from `academic.students`: its number is a Moodle idnumber candidate. */
export interface PortalStudent {
  readonly id: string
  readonly user_id: string
  readonly student_number: string
}

/** Another identifier of a portal user that Moodle's idnumber may hold (a legacy SIS or staff id). */
export interface PortalIdentifier {
  readonly user_id: string
  readonly value: string
}

/**
 * A person another system's run rejected (their row is in the ledger, not in the portal): a Moodle
 * account of theirs must wait for that row to be corrected, or it would be created a second time.
 */
export interface PendingPerson {
  /** Where the row was rejected, e.g. `gibbon.users 0000000123 (run 4)`. */
  readonly where: string
  readonly username: string | null
  readonly email: string | null
  /** Student or staff numbers the row holds. */
  readonly numbers: ReadonlyArray<string>
}

/** The portal's people, indexed for matching Moodle users. Build with `userMatch`. */
export interface UserMatch {
  /** idnumber candidates (trimmed, upper case) → portal user id; ambiguous values are left out. */
  readonly byIdnumber: ReadonlyMap<string, string>
  /** Lower-case username → portal user id: Moodle's username, or an idnumber holding the SIS username. */
  readonly byUsername: ReadonlyMap<string, string>
  /** Lower-case email → portal user id; ambiguous values are left out. */
  readonly byEmail: ReadonlyMap<string, string>
  /** Portal user id → the words of its name (see `Persons.nameWords`), where known. */
  readonly namesOf: ReadonlyMap<string, ReadonlyArray<string>>
  /** Portal user id → its lower-case email, to report a Moodle email that differs. */
  readonly emailOf: ReadonlyMap<string, string>
  /** `username:x`, `email:x`, `idnumber:X` of people rejected by another system's run → where. */
  readonly pending: ReadonlyMap<string, string>
  /** Portal user id → its student id, for enrolments and results. */
  readonly studentOf: ReadonlyMap<string, string>
  /** Lower-case usernames already taken in the portal. */
  readonly usernames: ReadonlySet<string>
}

const idnumberKey = (value: string) => value.trim().toUpperCase()

// A key held by two different users matches neither of them.
const uniqueIndex = (pairs: ReadonlyArray<readonly [string, string]>): Map<string, string> => {
  const index = new Map<string, string>()
  const ambiguous = new Set<string>()
  for (const [key, id] of pairs) {
    if (key === "" || ambiguous.has(key)) continue
    const seen = index.get(key)
    if (seen === undefined) index.set(key, id)
    else if (seen !== id) {
      index.delete(key)
      ambiguous.add(key)
    }
  }
  return index
}

/** Indexes the portal's users, students and extra identifiers for matching Moodle users. */
export const userMatch = (portal: {
  readonly users: ReadonlyArray<PortalUser>
  readonly students?: ReadonlyArray<PortalStudent>
  readonly identifiers?: ReadonlyArray<PortalIdentifier>
  readonly pending?: ReadonlyArray<PendingPerson>
}): UserMatch => {
  const students = portal.students ?? []
  const pending = new Map<string, string>()
  for (const p of portal.pending ?? []) {
    if (p.username !== null && p.username.trim() !== "")
      pending.set(`username:${p.username.trim().toLowerCase()}`, p.where)
    if (p.email !== null && p.email.trim() !== "")
      pending.set(`email:${p.email.trim().toLowerCase()}`, p.where)
    for (const n of p.numbers) if (n.trim() !== "") pending.set(`idnumber:${idnumberKey(n)}`, p.where)
  }
  return {
    byUsername: uniqueIndex(
      portal.users.flatMap((u) =>
        u.username === null ? [] : [[u.username.trim().toLowerCase(), u.id] as const],
      ),
    ),
    namesOf: new Map(
      portal.users.flatMap((u) =>
        u.first_name === undefined && u.last_name === undefined
          ? []
          : [[u.id, nameWords(u.first_name, u.last_name)] as const],
      ),
    ),
    emailOf: new Map(
      portal.users.flatMap((u) => (u.email === null ? [] : [[u.id, u.email.trim().toLowerCase()] as const])),
    ),
    pending,
    byIdnumber: uniqueIndex([
      ...students.map((s) => [idnumberKey(s.student_number), s.user_id] as const),
      ...(portal.identifiers ?? []).map((i) => [idnumberKey(i.value), i.user_id] as const),
    ]),
    byEmail: uniqueIndex(
      portal.users.flatMap((u) => (u.email === null ? [] : [[u.email.trim().toLowerCase(), u.id] as const])),
    ),
    studentOf: new Map(students.map((s) => [s.user_id, s.id])),
    usernames: new Set(portal.users.flatMap((u) => (u.username === null ? [] : [u.username.toLowerCase()]))),
  }
}

/**
 * What to do with a Moodle user that matches no portal user: `create` an `auth.users` row,
 * `skip` it (its enrolments and grades are then skipped too), or `reject` it for an operator to
 * resolve (add the idnumber in the portal, or fix the email) before the run is final.
 */
export type Unmatched = "create" | "skip" | "reject"

/** Options of `planUsers`. */
export interface PlanOptions {
  readonly unmatched: Unmatched
  /** Moodle user ids of the site administrators (`mdl_config` `siteadmins`). Default `[2]`, the installer's admin. */
  readonly siteAdmins?: ReadonlyArray<string | number> | undefined
}

/** What became of one Moodle user, decided over the whole `mdl_user` table. */
export type Resolution =
  | {
      readonly kind: "matched"
      readonly userId: string
      readonly studentId: string | null
      readonly by: "idnumber" | "username" | "email"
      /** What the match did not settle: keys pointing at other people, an idnumber that matched nothing, an email that differs. */
      readonly notes: ReadonlyArray<Transform.Reason>
    }
  | { readonly kind: "created" }
  | { readonly kind: "skipped"; readonly reason: string }
  | { readonly kind: "rejected"; readonly reasons: ReadonlyArray<Transform.Reason> }

/** Resolutions by normalized Moodle user id. */
export type UserPlan = ReadonlyMap<string, Resolution>

/** The guest account every Moodle site has. */
export const guestUsername = "guest"

/**
 * Decides, for every `mdl_user` row, whether it is matched to a portal user (by idnumber: a student
 * or staff number or the SIS username; then username; then email), created, skipped or rejected. A
 * person another system's run rejected is not created here: their account waits for that row. Deleted users and the guest are skipped; a site admin is
 * only ever matched, never created; an email or idnumber shared by several live Moodle users is not
 * used to match (it cannot say which of them is the portal's person).
 */
export const planUsers = (rows: ReadonlyArray<UserRow>, match: UserMatch, options: PlanOptions): UserPlan => {
  const admins = new Set((options.siteAdmins ?? [2]).flatMap((a) => normalizeId(a) ?? []))
  const live = rows.filter((r) => normalizeId(r.id) !== undefined && !flag(r.deleted))
  const counts = (values: ReadonlyArray<string | null>) => {
    const n = new Map<string, number>()
    for (const v of values) if (v !== null) n.set(v, (n.get(v) ?? 0) + 1)
    return n
  }
  const emailOf = (r: UserRow) => {
    const e = Email.clean(blank(r.email))
    return e._tag === "Invalid" ? null : e.value
  }
  const emailCount = counts(live.map(emailOf))
  const idnumberCount = counts(
    live.map((r) => (blank(r.idnumber) === null ? null : idnumberKey(String(r.idnumber)))),
  )
  const plan = new Map<string, Resolution>()
  for (const row of rows) {
    const id = normalizeId(row.id)
    if (id === undefined) continue
    if (flag(row.deleted)) {
      plan.set(id, { kind: "skipped", reason: "deleted in Moodle" })
      continue
    }
    if (blank(row.username)?.toLowerCase() === guestUsername) {
      plan.set(id, { kind: "skipped", reason: "the Moodle guest account" })
      continue
    }
    const idnumber = blank(row.idnumber) === null ? null : idnumberKey(String(row.idnumber))
    const username = blank(row.username)?.toLowerCase() ?? null
    const email = emailOf(row)
    // A username is chosen, not issued: two people can hold the same one in two systems, so a match
    // by username stands only when the names do not contradict it.
    const words = nameWords(row.firstname, row.lastname)
    const sameUser = (userId: string | undefined) => {
      const portal = userId === undefined ? undefined : match.namesOf.get(userId)
      return portal === undefined || words.length === 0 || sameName(portal, words) ? userId : undefined
    }
    // The idnumber holds a student or staff number, or (as many schools keep it) the SIS username.
    const byIdnumber =
      idnumber !== null && idnumberCount.get(idnumber) === 1
        ? (match.byIdnumber.get(idnumber) ?? sameUser(match.byUsername.get(idnumber.toLowerCase())))
        : undefined
    const byUsername = username === null ? undefined : sameUser(match.byUsername.get(username))
    const byEmail = email !== null && emailCount.get(email) === 1 ? match.byEmail.get(email) : undefined
    const userId = byIdnumber ?? byUsername ?? byEmail
    if (userId !== undefined) {
      const by = byIdnumber !== undefined ? "idnumber" : byUsername !== undefined ? "username" : "email"
      const notes: Array<Transform.Reason> = []
      for (const [key, other, value] of [
        ["username", byUsername, username],
        ["email", byEmail, email],
      ] as const)
        if (other !== undefined && other !== userId)
          notes.push(
            Transform.reason(
              key,
              "moodle_user_match",
              `${key} ${value} belongs to portal user ${other}; matched by ${by} instead`,
            ),
          )
      if (idnumber === null)
        notes.push(Transform.reason("idnumber", "moodle_idnumber", `no idnumber in Moodle; matched by ${by}`))
      else if (byIdnumber === undefined)
        notes.push(
          Transform.reason(
            "idnumber",
            "moodle_idnumber",
            `idnumber ${idnumber} is no portal student number, staff number or username; matched by ${by}`,
          ),
        )
      const portalEmail = match.emailOf.get(userId)
      if (email !== null && portalEmail !== undefined && portalEmail !== email.toLowerCase())
        notes.push(
          Transform.reason(
            "email",
            "moodle_email_differs",
            `Moodle has ${email}, the portal ${portalEmail}: the portal's is kept`,
          ),
        )
      plan.set(id, {
        kind: "matched",
        userId,
        studentId: match.studentOf.get(userId) ?? null,
        by,
        notes,
      })
      continue
    }
    if (admins.has(id)) {
      plan.set(id, {
        kind: "skipped",
        reason:
          "a Moodle site administrator matching no portal user: portal administrators are provisioned, not migrated",
      })
      continue
    }
    const why = unmatchedWhy(idnumber, idnumberCount, email, emailCount)
    // Their person is not in the portal because another run rejected them: creating the account
    // now would make a second person once that row is corrected.
    const pending = [
      username === null ? undefined : match.pending.get(`username:${username}`),
      email === null ? undefined : match.pending.get(`email:${email.toLowerCase()}`),
      idnumber === null ? undefined : match.pending.get(`idnumber:${idnumber}`),
    ].find((w) => w !== undefined)
    if (pending !== undefined && options.unmatched !== "skip") {
      plan.set(id, {
        kind: "rejected",
        reasons: [
          Transform.reason(
            "username",
            "person_not_migrated",
            `this person was rejected by ${pending} and is not in the portal yet: correct that row and run again, then this account is matched, never created twice`,
          ),
        ],
      })
      continue
    }
    if (options.unmatched === "skip") {
      plan.set(id, { kind: "skipped", reason: `no portal user matches (${why})` })
      continue
    }
    if (options.unmatched === "reject") {
      plan.set(id, {
        kind: "rejected",
        reasons: [Transform.reason("idnumber", "moodle_user_match", `no portal user matches (${why})`)],
      })
      continue
    }
    const reasons = creationProblems(row, match, email, emailCount)
    plan.set(id, reasons.length > 0 ? { kind: "rejected", reasons } : { kind: "created" })
  }
  rejectSecondMatches(plan)
  return plan
}

// Two Moodle accounts of one person would give the portal student two enrolments in a course and
// two results for one assessment (which its unique key refuses): one account is kept, preferring an
// idnumber match, then the lowest id, and the others are left for an operator to merge in Moodle.
const rejectSecondMatches = (plan: Map<string, Resolution>): void => {
  const byPortal = new Map<string, Array<string>>()
  for (const [id, r] of plan) {
    if (r.kind !== "matched") continue
    const list = byPortal.get(r.userId)
    if (list === undefined) byPortal.set(r.userId, [id])
    else list.push(id)
  }
  for (const [userId, ids] of byPortal) {
    if (ids.length < 2) continue
    const by = (id: string) => (plan.get(id) as Extract<Resolution, { kind: "matched" }>).by
    const rank = { idnumber: 0, username: 1, email: 2 } as const
    const ordered = [...ids].sort((a, b) => rank[by(a)] - rank[by(b)] || Number(a) - Number(b))
    const kept = ordered[0]!
    for (const id of ordered.slice(1))
      plan.set(id, {
        kind: "rejected",
        reasons: [
          Transform.reason(
            by(id),
            "moodle_user_duplicate",
            `portal user ${userId} is already matched by Moodle user ${kept}`,
          ),
        ],
      })
  }
}

const unmatchedWhy = (
  idnumber: string | null,
  idnumberCount: ReadonlyMap<string, number>,
  email: string | null,
  emailCount: ReadonlyMap<string, number>,
): string => {
  const parts = [
    idnumber === null
      ? "no idnumber"
      : (idnumberCount.get(idnumber) ?? 0) > 1
        ? `idnumber ${idnumber} is shared by several Moodle users`
        : `idnumber ${idnumber} is no portal student number or identifier`,
    email === null
      ? "no usable email"
      : (emailCount.get(email) ?? 0) > 1
        ? `email ${email} is shared by several Moodle users`
        : `email ${email} is no portal user's`,
  ]
  return parts.join("; ")
}

// What would make a created user fail: checked in the plan, so enrolments and grades never point at
// a user row that was not loaded.
const creationProblems = (
  row: UserRow,
  match: UserMatch,
  email: string | null,
  emailCount: ReadonlyMap<string, number>,
): Array<Transform.Reason> => {
  const reasons: Array<Transform.Reason> = []
  const e = Email.clean(blank(row.email))
  if (e._tag === "Invalid") reasons.push(Transform.reason("email", "email", e.reason))
  else if (email !== null && (emailCount.get(email) ?? 0) > 1)
    reasons.push(
      Transform.reason("email", "email_unique", `email ${email} is shared by several Moodle users`),
    )
  const first = PersonName.clean(blank(row.firstname), { required: true })
  if (first._tag === "Invalid") reasons.push(Transform.reason("firstname", "person_name", first.reason))
  const last = PersonName.clean(blank(row.lastname))
  if (last._tag === "Invalid") reasons.push(Transform.reason("lastname", "person_name", last.reason))
  const username = blank(row.username)?.toLowerCase()
  if (username === undefined) reasons.push(Transform.reason("username", "username", "no username"))
  else if (match.usernames.has(username))
    reasons.push(
      Transform.reason("username", "username_unique", `username ${username} is another portal user's`),
    )
  return reasons
}

/** A portal user (and student) for a Moodle user id, or why there is none. */
export type UserLink =
  | { readonly ok: true; readonly userId: string; readonly studentId: string | null }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string }

/** Resolves a Moodle user id through the plan: the matched portal user, or the created row's id. */
export const resolveUser = (plan: UserPlan, ctx: Transform.RowContext, moodleId: unknown): UserLink => {
  const id = normalizeId(moodleId)
  const resolution = id === undefined ? undefined : plan.get(id)
  if (id === undefined || resolution === undefined)
    return { ok: false, missing: true, reason: `user ${String(moodleId)} is not in mdl_user` }
  switch (resolution.kind) {
    case "matched":
      return { ok: true, userId: resolution.userId, studentId: resolution.studentId }
    case "created":
      return { ok: true, userId: ctx.id(ctx.tenant, id, usersEntity), studentId: null }
    case "skipped":
      return { ok: false, missing: false, reason: `user ${id} is not migrated: ${resolution.reason}` }
    case "rejected":
      return {
        ok: false,
        missing: false,
        reason: `user ${id} was rejected: ${resolution.reasons.map((r) => r.message).join("; ")}`,
      }
  }
}

/** Options of the users mapper. */
export interface UserOptions extends Options {
  readonly passwords: Password.Policy
  /** The run's force-reset hashes (`Password.resetHash()`, one per account that resets); without them a reset leaves the hash empty. */
  readonly resetHash?: Password.ResetHash | undefined
  /** The plan over the whole `mdl_user` table (`planUsers`). */
  readonly plan: UserPlan
}

const fallbackMessages: Record<Password.Fallback, string> = {
  missing: "no password hash in Moodle (external authentication): the user must set a password",
  unrecognised: "the Moodle password is not a bcrypt hash the portal verifies: not kept, reset required",
  weak: "the Moodle password is an old unsalted md5 hash: not kept, reset required",
}

/**
 * The `auth.users` status of a created Moodle user: suspended stays suspended, `nologin` accounts
 * are inactive, unconfirmed self-registrations are pending.
 */
export const userStatus = (row: Pick<UserRow, "auth" | "confirmed" | "suspended">): Auth.User["status"] => {
  if (flag(row.suspended)) return "suspended"
  if (blank(row.auth) === "nologin") return "inactive"
  if (!flag(row.confirmed)) return "pending"
  return "active"
}

const usersValues = Table.values(Auth.Users)

/**
 * Maps one `mdl_user` by its plan: a matched user is recorded in the id map (`ctx.map`) and skipped,
 * since the portal row exists; a created one becomes an `auth.users` row.
 */
export const mapUser =
  (options: UserOptions) =>
  (row: UserRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = idStep("id", row.id)
    if (!key.ok) return Transform.reject(key.reason)
    const resolution = options.plan.get(key.value)
    if (resolution === undefined)
      return Transform.reject(Transform.reason("id", "moodle_user_plan", "the user is not in the plan"))
    switch (resolution.kind) {
      case "skipped":
        return Transform.skip(resolution.reason)
      case "rejected":
        return Transform.reject(...resolution.reasons)
      case "matched": {
        ctx.map(ctx.tenant, key.value, resolution.userId)
        for (const n of resolution.notes) ctx.note(n.column, n.rule, n.message)
        if (flag(row.suspended))
          ctx.note(
            "suspended",
            "user_status",
            "suspended in Moodle; the portal user's status is left as it is",
          )
        if (blank(row.auth) === "nologin")
          ctx.note("auth", "user_status", "nologin in Moodle; the portal user's status is left as it is")
        // One rule per key, so the run's summary says how many matched by each.
        return Transform.skip(
          `matched portal user ${resolution.userId} by ${resolution.by}`,
          `moodle_matched_by_${resolution.by}`,
        )
      }
      case "created":
        break
    }
    const email = cleanWith(ctx, "email", "email", Email.clean(blank(row.email)))
    const first = cleanWith(
      ctx,
      "firstname",
      "person_name",
      PersonName.clean(blank(row.firstname), { required: true }),
    )
    const last = cleanWith(ctx, "lastname", "person_name", PersonName.clean(blank(row.lastname)))
    // The plan checked these already; a failure here means the plan was made over other rows.
    if (!email.ok || !first.ok || !last.ok)
      return Transform.reject(...[email, first, last].flatMap((s) => (s.ok ? [] : [s.reason])))
    const password = Password.apply(options.passwords, blank(row.password), options.resetHash)
    if (password.fallback !== undefined)
      ctx.note("password", "password_policy", fallbackMessages[password.fallback])
    const tel = Contact.phone(ctx, "phone1", Phone.clean(blank(row.phone1)))
    const created = instant(row.timecreated)
    if (created === null) ctx.note("timecreated", "moodle_time", "no creation time (0): loadedAt used")
    const createdAt = created ?? options.loadedAt
    return usersValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      email: email.value,
      username: blank(row.username)?.toLowerCase() ?? null,
      ...password.columns,
      first_name: first.value ?? "",
      last_name: last.value,
      // Moodle's user table has no official or script name.
      official_name: null,
      name_in_script: null,
      phone: tel,
      avatar_url: null,
      status: userStatus(row),
      email_verified: false,
      last_login_at: instant(row.lastaccess),
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: createdAt,
      updated_at: instant(row.timemodified) ?? createdAt,
      deleted_at: null,
    })
  }

/** The Moodle users entity: creates unmatched users (policy `create`) and maps matched ones. */
export const users = (options: UserOptions): Entity.Entity<UserRow> => ({
  name: usersEntity,
  target: Auth.Users.target,
  transform: Transform.fromRow(mapUser(options)),
  ids: "ordered",
})

// ---------------------------------------------------------------------------------------------
// Course categories and courses

/** A raw `mdl_course_categories` row. */
export const CategoryRow = Schema.Struct({
  id: Key,
  name: Scalar,
  idnumber: Scalar,
  parent: Scalar,
  /** `/1/4/9`: the ids from the top category down to this one. */
  path: Scalar,
  visible: Scalar,
})
/** A raw Moodle course category. */
export type CategoryRow = typeof CategoryRow.Type

/** Category names by normalized id. The portal has no category table: a course's category becomes its grade level. */
export type CategoryIndex = ReadonlyMap<string, string>

/** Indexes `mdl_course_categories` by id; rows without an id or a name are left out. */
export const indexCategories = (rows: ReadonlyArray<CategoryRow>): CategoryIndex => {
  const index = new Map<string, string>()
  for (const row of rows) {
    const id = normalizeId(row.id)
    const name = blank(row.name)
    if (id !== undefined && name !== null) index.set(id, name)
  }
  return index
}

/** A raw `mdl_course` row: the columns the classes mapper reads. */
export const CourseRow = Schema.Struct({
  id: Key,
  category: Scalar,
  fullname: Scalar,
  shortname: Scalar,
  idnumber: Scalar,
  /** `site` for the front page course (id 1), else the course format (`topics`, `weeks`, …). */
  format: Scalar,
  visible: Scalar,
  startdate: Scalar,
  enddate: Scalar,
  timecreated: Scalar,
  timemodified: Scalar,
})
/** A raw Moodle course. */
export type CourseRow = typeof CourseRow.Type

/** The front page: a course row that is not a course. */
export const isSiteCourse = (row: Pick<CourseRow, "id" | "format">): boolean =>
  normalizeId(row.id) === "1" || blank(row.format) === "site"

type CourseCheck =
  | { readonly kind: "ok"; readonly key: string; readonly name: string }
  | { readonly kind: "skip"; readonly reason: string }
  | { readonly kind: "reject"; readonly reasons: ReadonlyArray<Transform.Reason> }

const checkCourse = (row: CourseRow): CourseCheck => {
  const key = idStep("id", row.id)
  if (!key.ok) return { kind: "reject", reasons: [key.reason] }
  if (isSiteCourse(row)) return { kind: "skip", reason: "the Moodle site (front page) course" }
  const name = blank(row.fullname) ?? blank(row.shortname)
  if (name === null)
    return {
      kind: "reject",
      reasons: [Transform.reason("fullname", "class_name", "no fullname and no shortname")],
    }
  return { kind: "ok", key: key.value, name }
}

/** Normalized ids of the courses that map to classes; what enrolments and grade items may point at. */
export type CourseIndex = ReadonlySet<string>

/** The courses of `mdl_course` that become classes (not the site course, not rejected). */
export const indexCourses = (rows: ReadonlyArray<CourseRow>): CourseIndex =>
  new Set(
    rows.flatMap((r) => {
      const c = checkCourse(r)
      return c.kind === "ok" ? [c.key] : []
    }),
  )

/** Options of the classes mapper. */
export interface ClassOptions extends Options {
  readonly categories: CategoryIndex
}

const classesValues = Table.values(Academic.Classes)

/** Maps one `mdl_course` to an `academic.classes` row; the site course is skipped. */
export const mapCourse =
  (options: ClassOptions) =>
  (row: CourseRow, ctx: Transform.RowContext): Transform.Outcome => {
    const check = checkCourse(row)
    if (check.kind === "skip") return Transform.skip(check.reason)
    if (check.kind === "reject") return Transform.reject(...check.reasons)
    if (blank(row.fullname) === null)
      ctx.note("fullname", "class_name", "no fullname: the shortname is the name")
    const category = normalizeId(row.category)
    const level = category === undefined ? undefined : options.categories.get(category)
    if (level === undefined)
      ctx.note(
        "category",
        "moodle_category",
        `category ${String(row.category)} is not in mdl_course_categories: no grade level`,
      )
    if (!flag(row.visible))
      ctx.note("visible", "moodle_hidden", "hidden in Moodle; the portal has no hidden flag")
    const created = instant(row.timecreated) ?? options.loadedAt
    return classesValues({
      id: ctx.id(ctx.tenant, check.key),
      tenant_id: options.tenant,
      academic_year_id: null,
      code: blank(row.shortname),
      name: check.name,
      grade_level: level ?? null,
      homeroom_teacher_id: null,
      capacity: null,
      room: null,
      legacy_source: ctx.entity,
      legacy_id: check.key,
      created_at: created,
      updated_at: instant(row.timemodified) ?? created,
      deleted_at: null,
    })
  }

/** The Moodle classes entity (`mdl_course`). */
export const classes = (options: ClassOptions): Entity.Entity<CourseRow> => ({
  name: classesEntity,
  target: Academic.Classes.target,
  transform: Transform.fromRow(mapCourse(options)),
  ids: "ordered",
})

// ---------------------------------------------------------------------------------------------
// Enrolments

/** A raw `mdl_enrol` row: an enrolment method of a course. */
export const EnrolRow = Schema.Struct({
  id: Key,
  /** The plugin: `manual`, `self`, `cohort`, `guest`, … */
  enrol: Scalar,
  /** 0 enabled, 1 disabled. */
  status: Scalar,
  courseid: Scalar,
})
/** A raw Moodle enrolment method. */
export type EnrolRow = typeof EnrolRow.Type

/** An enrolment method, by normalized `mdl_enrol.id`. */
export interface EnrolInstance {
  readonly courseId: string
  readonly method: string
  readonly enabled: boolean
}

/** Enrolment methods by normalized id. */
export type EnrolIndex = ReadonlyMap<string, EnrolInstance>

/** Indexes `mdl_enrol` by id; rows without an id or a course are left out. */
export const indexEnrols = (rows: ReadonlyArray<EnrolRow>): EnrolIndex => {
  const index = new Map<string, EnrolInstance>()
  for (const row of rows) {
    const id = normalizeId(row.id)
    const courseId = normalizeId(row.courseid)
    if (id === undefined || courseId === undefined) continue
    index.set(id, { courseId, method: blank(row.enrol) ?? "", enabled: !flag(row.status) })
  }
  return index
}

/** A raw `mdl_user_enrolments` row. */
export const UserEnrolmentRow = Schema.Struct({
  id: Key,
  /** 0 active, 1 suspended. */
  status: Scalar,
  enrolid: Scalar,
  userid: Scalar,
  timestart: Scalar,
  /** 0 (or 2147483647) when the enrolment has no end. */
  timeend: Scalar,
  timecreated: Scalar,
  timemodified: Scalar,
})
/** A raw Moodle user enrolment. */
export type UserEnrolmentRow = typeof UserEnrolmentRow.Type

/** Extra enrolments of one user in one course (several enrolment methods): row id → the row kept. */
export type EnrolmentDuplicates = ReadonlyMap<string, string>

/**
 * Finds users enrolled in one course through several methods (manual and self, say), which would
 * give the portal two enrolments of a student in a class. Per user and course the row kept is an
 * active one (enrolment and method both enabled) if there is one, then the lowest id.
 */
export const duplicateEnrolments = (
  rows: ReadonlyArray<UserEnrolmentRow>,
  enrols: EnrolIndex,
): EnrolmentDuplicates => {
  const groups = new Map<string, Array<{ readonly id: string; readonly active: boolean }>>()
  for (const row of rows) {
    const id = normalizeId(row.id)
    const user = normalizeId(row.userid)
    const enrolId = normalizeId(row.enrolid)
    const enrol = enrolId === undefined ? undefined : enrols.get(enrolId)
    if (id === undefined || user === undefined || enrol === undefined) continue
    const key = `${user}:${enrol.courseId}`
    const entry = { id, active: enrol.enabled && !flag(row.status) }
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [entry])
    else list.push(entry)
  }
  const duplicates = new Map<string, string>()
  for (const list of groups.values()) {
    if (list.length < 2) continue
    const ordered = [...list].sort(
      (a, b) => Number(b.active) - Number(a.active) || Number(a.id) - Number(b.id),
    )
    for (const extra of ordered.slice(1)) duplicates.set(extra.id, ordered[0]!.id)
  }
  return duplicates
}

/** Options of the enrolments mapper. */
export interface EnrollmentOptions extends Options {
  /** The business date, `YYYY-MM-DD`: an enrolment that ended before it is completed. */
  readonly asOf: string
  /** IANA zone in which Moodle's times become dates. Default "Asia/Kuala_Lumpur". */
  readonly timeZone?: string | undefined
  readonly users: UserPlan
  readonly enrols: EnrolIndex
  readonly courses: CourseIndex
  /** `duplicateEnrolments` over the whole table; without it every row is mapped. */
  readonly duplicates?: EnrolmentDuplicates | undefined
}

const enrollmentsValues = Table.values(Academic.Enrollments)

/**
 * Maps one `mdl_user_enrolments` row to an `academic.enrollments` row for a portal student. A user
 * who is not a portal student (a teacher, a Moodle-only account) is skipped; a user or enrolment
 * method that does not exist is rejected.
 */
export const mapEnrolment =
  (options: EnrollmentOptions) =>
  (row: UserEnrolmentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = idStep("id", row.id)
    if (!key.ok) return Transform.reject(key.reason)
    const enrolId = normalizeId(row.enrolid)
    const enrol = enrolId === undefined ? undefined : options.enrols.get(enrolId)
    if (enrol === undefined)
      return Transform.reject(
        Transform.reason(
          "enrolid",
          "moodle_enrol",
          `enrolment method ${String(row.enrolid)} is not in mdl_enrol`,
        ),
      )
    const user = resolveUser(options.users, ctx, row.userid)
    if (!user.ok && user.missing)
      return Transform.reject(Transform.reason("userid", "moodle_user", user.reason))
    if (!options.courses.has(enrol.courseId))
      return Transform.reject(
        Transform.reason("enrolid", "moodle_course", `course ${enrol.courseId} is not a migrated class`),
      )
    if (!user.ok) return Transform.skip(user.reason)
    if (user.studentId === null)
      return Transform.skip(`user ${normalizeId(row.userid)} is not a portal student`)
    const kept = options.duplicates?.get(key.value)
    if (kept !== undefined)
      return Transform.skip(
        `user ${normalizeId(row.userid)} is enrolled in course ${enrol.courseId} again: enrolment ${kept} is kept`,
      )
    const zone = options.timeZone ?? "Asia/Kuala_Lumpur"
    const start = localDate(row.timestart, zone) ?? localDate(row.timecreated, zone)
    if (start === null)
      return Transform.reject(
        Transform.reason("timestart", "enrollment_date", "no start time and no creation time"),
      )
    if (unixSeconds(row.timestart) === null)
      ctx.note("timestart", "moodle_time", "no start time (0): the creation time is the enrolment date")
    const endSeconds = unixSeconds(row.timeend)
    const end = endSeconds === null || endSeconds >= forever ? null : localDate(endSeconds, zone)
    if (end !== null && end < start)
      return Transform.reject(
        Transform.reason("timeend", "enrollment_dates", `ends ${end}, before it starts ${start}`),
      )
    const suspended = flag(row.status)
    if (suspended)
      ctx.note("status", "enrollment_status", "suspended in Moodle: withdrawn (the portal has no suspended)")
    if (!enrol.enabled)
      ctx.note(
        "enrolid",
        "enrollment_status",
        `enrolment method ${enrol.method} is disabled in Moodle: withdrawn`,
      )
    const status =
      suspended || !enrol.enabled ? "withdrawn" : end !== null && end < options.asOf ? "completed" : "active"
    const created = instant(row.timecreated) ?? options.loadedAt
    return enrollmentsValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      student_id: user.studentId,
      class_id: ctx.id(ctx.tenant, enrol.courseId, classesEntity),
      enrollment_date: start,
      end_date: end,
      status,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: created,
      updated_at: instant(row.timemodified) ?? created,
      deleted_at: null,
    })
  }

/** The Moodle enrolments entity (`mdl_user_enrolments` through `mdl_enrol`); loads after the classes. */
export const enrollments = (options: EnrollmentOptions): Entity.Entity<UserEnrolmentRow> => ({
  name: enrollmentsEntity,
  target: Academic.Enrollments.target,
  transform: Transform.fromRow(mapEnrolment(options)),
  ids: "ordered",
  dependsOn: [classesEntity, usersEntity],
})

// ---------------------------------------------------------------------------------------------
// Grade items and grades

/** A raw `mdl_grade_items` row: the columns the assessments mapper reads. */
export const GradeItemRow = Schema.Struct({
  id: Key,
  courseid: Scalar,
  itemname: Scalar,
  /** `course` (the course total), `category` (a category total), `mod` (an activity), `manual`. */
  itemtype: Scalar,
  /** The activity module of a `mod` item: `assign`, `quiz`, … */
  itemmodule: Scalar,
  iteminstance: Scalar,
  /** 0 none, 1 value, 2 scale, 3 text. */
  gradetype: Scalar,
  /** `DECIMAL(10,5)`, as text. */
  grademax: Scalar,
  grademin: Scalar,
  hidden: Scalar,
  timecreated: Scalar,
  timemodified: Scalar,
})
/** A raw Moodle grade item. */
export type GradeItemRow = typeof GradeItemRow.Type

/** The portal's `assessments.category` for a grade item type (a `mod` item uses its module name). */
export const itemCategory: Readonly<Record<string, string>> = {
  course: "course_total",
  category: "category_total",
  manual: "manual",
}

/** A mapped grade item's range, for scaling its grades. */
export interface GradeRange {
  readonly min: bigint
  readonly max: bigint
}

/** Grade items that became assessments, by normalized id. */
export type GradeItemIndex = ReadonlyMap<string, GradeRange>

type ItemCheck =
  | {
      readonly kind: "ok"
      readonly key: string
      readonly courseId: string
      readonly range: GradeRange
      readonly name: string
      readonly category: string
    }
  | { readonly kind: "skip"; readonly reason: string }
  | { readonly kind: "reject"; readonly reasons: ReadonlyArray<Transform.Reason> }

const checkItem = (row: GradeItemRow, courses: CourseIndex): ItemCheck => {
  const key = idStep("id", row.id)
  if (!key.ok) return { kind: "reject", reasons: [key.reason] }
  const gradetype = Number(row.gradetype)
  if (gradetype === 0) return { kind: "skip", reason: "grade type none: the item takes no grades" }
  if (gradetype === 3) return { kind: "skip", reason: "grade type text: the item has no score" }
  const reasons: Array<Transform.Reason> = []
  if (gradetype !== 1 && gradetype !== 2)
    reasons.push(
      Transform.reason("gradetype", "moodle_gradetype", `${String(row.gradetype)} is not a grade type`),
    )
  const type = blank(row.itemtype)
  const category =
    type === "mod"
      ? blank(row.itemmodule)
      : type !== null && Object.hasOwn(itemCategory, type)
        ? itemCategory[type]
        : undefined
  if (category === undefined || category === null)
    reasons.push(
      Transform.reason(
        type === "mod" ? "itemmodule" : "itemtype",
        "moodle_itemtype",
        type === "mod"
          ? "an activity item without its module"
          : `${String(row.itemtype)} is not a grade item type`,
      ),
    )
  const courseId = normalizeId(row.courseid)
  if (courseId === undefined || !courses.has(courseId))
    reasons.push(
      Transform.reason("courseid", "moodle_course", `course ${String(row.courseid)} is not a migrated class`),
    )
  const max = decimal(row.grademax)
  const min = decimal(row.grademin)
  if (max === undefined || min === undefined)
    reasons.push(Transform.reason("grademax", "grade_range", "grademin or grademax is not a decimal"))
  // Below 0.005 the max_score would round to 0.00, which the portal's check refuses.
  else if (max < unit / 200n || max <= min || max > maxScore)
    reasons.push(
      Transform.reason(
        "grademax",
        "grade_range",
        `range ${String(row.grademin)}–${String(row.grademax)} is not a positive range numeric(10,2) holds`,
      ),
    )
  if (reasons.length > 0 || max === undefined || min === undefined || courseId === undefined || !category)
    return { kind: "reject", reasons }
  const fallbackName =
    type === "course"
      ? "Course total"
      : type === "category"
        ? "Category total"
        : `${category} ${String(row.iteminstance ?? "")}`.trim()
  return {
    kind: "ok",
    key: key.value,
    courseId,
    range: { min, max },
    name: blank(row.itemname) ?? fallbackName,
    category,
  }
}

/** The grade items of `mdl_grade_items` that become assessments, with their ranges. */
export const indexGradeItems = (rows: ReadonlyArray<GradeItemRow>, courses: CourseIndex): GradeItemIndex => {
  const index = new Map<string, GradeRange>()
  for (const row of rows) {
    const c = checkItem(row, courses)
    if (c.kind === "ok") index.set(c.key, c.range)
  }
  return index
}

/** Options of the assessments mapper. */
export interface AssessmentOptions extends Options {
  readonly courses: CourseIndex
}

const assessmentsValues = Table.values(Academic.Assessments)

/** Maps one `mdl_grade_items` row to an `academic.assessments` row; items without scores are skipped. */
export const mapGradeItem =
  (options: AssessmentOptions) =>
  (row: GradeItemRow, ctx: Transform.RowContext): Transform.Outcome => {
    const check = checkItem(row, options.courses)
    if (check.kind === "skip") return Transform.skip(check.reason)
    if (check.kind === "reject") return Transform.reject(...check.reasons)
    if (blank(row.itemname) === null && blank(row.itemtype) === "mod")
      ctx.note("itemname", "assessment_name", `no item name: named ${check.name}`)
    if (check.range.min !== 0n)
      ctx.note(
        "grademin",
        "grade_range",
        `grades start at ${toScore(check.range.min)}: percentages are scaled from it`,
      )
    // A 10^-5 count is whole hundredths when it divides by 1000.
    if (check.range.max % 1000n !== 0n)
      ctx.note(
        "grademax",
        "grade_range",
        `grademax ${String(row.grademax)} rounded to ${toScore(check.range.max)}`,
      )
    if (flag(row.hidden))
      ctx.note("hidden", "moodle_hidden", "hidden from students in Moodle; the portal has no hidden flag")
    const created = instant(row.timecreated) ?? options.loadedAt
    return assessmentsValues({
      id: ctx.id(ctx.tenant, check.key),
      tenant_id: options.tenant,
      academic_year_id: null,
      class_id: ctx.id(ctx.tenant, check.courseId, classesEntity),
      name: check.name,
      category: check.category,
      term: null,
      max_score: toScore(check.range.max),
      weight: null,
      assessed_on: null,
      legacy_source: ctx.entity,
      legacy_id: check.key,
      created_at: created,
      updated_at: instant(row.timemodified) ?? created,
      deleted_at: null,
    })
  }

/** The Moodle assessments entity (`mdl_grade_items`); loads after the classes. */
export const assessments = (options: AssessmentOptions): Entity.Entity<GradeItemRow> => ({
  name: assessmentsEntity,
  target: Academic.Assessments.target,
  transform: Transform.fromRow(mapGradeItem(options)),
  ids: "ordered",
  dependsOn: [classesEntity],
})

/** A raw `mdl_grade_grades` row: the columns the results mapper reads. */
export const GradeRow = Schema.Struct({
  id: Key,
  itemid: Scalar,
  userid: Scalar,
  /** The user who last changed the grade. */
  usermodified: Scalar,
  /** `DECIMAL(10,5)` as text; null when not graded. */
  finalgrade: Scalar,
  /** 0, 1, or a time until which the grade is hidden. */
  hidden: Scalar,
  /** 0, or the time a teacher overrode the computed grade. */
  overridden: Scalar,
  /** 0, or the time the grade was excluded from aggregation. */
  excluded: Scalar,
  feedback: Scalar,
  timecreated: Scalar,
  timemodified: Scalar,
})
/** A raw Moodle grade. */
export type GradeRow = typeof GradeRow.Type

/** Options of the results mapper. */
export interface ResultOptions extends Options {
  readonly users: UserPlan
  readonly items: GradeItemIndex
}

const resultsValues = Table.values(Academic.AssessmentResults)

/**
 * Maps one `mdl_grade_grades` row to an `academic.assessment_results` row: the final grade as the
 * score and as a percentage of its item's range. An ungraded row without feedback is skipped; a
 * grade outside its item's range is rejected.
 */
export const mapGrade =
  (options: ResultOptions) =>
  (row: GradeRow, ctx: Transform.RowContext): Transform.Outcome => {
    const key = idStep("id", row.id)
    if (!key.ok) return Transform.reject(key.reason)
    const itemId = normalizeId(row.itemid)
    const range = itemId === undefined ? undefined : options.items.get(itemId)
    if (range === undefined)
      return Transform.reject(
        Transform.reason(
          "itemid",
          "moodle_grade_item",
          `grade item ${String(row.itemid)} is not a migrated assessment`,
        ),
      )
    const user = resolveUser(options.users, ctx, row.userid)
    if (!user.ok)
      return user.missing
        ? Transform.reject(Transform.reason("userid", "moodle_user", user.reason))
        : Transform.skip(user.reason)
    if (user.studentId === null)
      return Transform.skip(`user ${normalizeId(row.userid)} is not a portal student`)
    const feedback = blank(row.feedback)
    let score: string | null = null
    let percent: string | null = null
    if (blank(row.finalgrade) === null) {
      if (feedback === null) return Transform.skip("not graded")
      ctx.note("finalgrade", "moodle_grade", "not graded; the feedback is kept")
    } else {
      const grade = decimal(row.finalgrade)
      if (grade === undefined)
        return Transform.reject(
          Transform.reason("finalgrade", "moodle_grade", `${String(row.finalgrade)} is not a decimal`),
        )
      const p = percentage(grade, range.min, range.max)
      if (p === undefined)
        return Transform.reject(
          Transform.reason(
            "finalgrade",
            "grade_range",
            `${toScore(grade)} is outside its item's range ${toScore(range.min)}–${toScore(range.max)}`,
          ),
        )
      score = toScore(grade)
      percent = p
    }
    if (flag(row.hidden)) ctx.note("hidden", "moodle_hidden", "hidden from the student in Moodle")
    if (flag(row.excluded)) ctx.note("excluded", "moodle_excluded", "excluded from Moodle's totals")
    if (flag(row.overridden))
      ctx.note("overridden", "moodle_overridden", "overridden by a teacher in the Moodle gradebook")
    let gradedBy: string | null = null
    if (normalizeId(row.usermodified) !== undefined) {
      const grader = resolveUser(options.users, ctx, row.usermodified)
      if (grader.ok) gradedBy = grader.userId
      else ctx.note("usermodified", "moodle_user", `${grader.reason}: no grader`)
    }
    const created = instant(row.timecreated) ?? options.loadedAt
    return resultsValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      assessment_id: ctx.id(ctx.tenant, itemId!, assessmentsEntity),
      student_id: user.studentId,
      score,
      percentage: percent,
      grade: null,
      feedback,
      graded_by: gradedBy,
      graded_at: score === null ? null : instant(row.timemodified),
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: created,
      updated_at: instant(row.timemodified) ?? created,
      deleted_at: null,
    })
  }

/** The Moodle results entity (`mdl_grade_grades`); loads after the assessments and users. */
export const assessmentResults = (options: ResultOptions): Entity.Entity<GradeRow> => ({
  name: resultsEntity,
  target: Academic.AssessmentResults.target,
  transform: Transform.fromRow(mapGrade(options)),
  ids: "ordered",
  dependsOn: [assessmentsEntity, usersEntity],
})
