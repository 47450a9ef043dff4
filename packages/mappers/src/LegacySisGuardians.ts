/**
 * The legacy SIS's `guardians` table (seed 001 §4.1, §5.1–5.2) into `academic.guardians` and, from the
 * same rows, each guardian's link to their student in `academic.student_guardians`. Contact priority
 * is planned once over the whole table by a pure function and handed to the links mapper.
 */

import { CodeMap, Email, MalaysianAddress, MyKad, PersonName, Phone, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as Contact from "./Contact.js"
import {
  cleanOrNull,
  cleanWith,
  collect,
  Key,
  type Options,
  reference,
  Scalar,
  studentsEntity,
  timestamps,
  usersEntity,
} from "./LegacySis.js"
import { compareKeys } from "./StudentNumber.js"

/** A raw row of the legacy `guardians` table: one guardian of one student. */
export const GuardianRow = Schema.Struct({
  guardian_id: Key,
  /** The student this guardian is for; empty when the legacy system lost the link. */
  student_id: Schema.NullOr(Key),
  /** The guardian's portal login, when they have one. */
  user_id: Schema.optional(Schema.NullOr(Key)),
  first_name: Scalar,
  last_name: Scalar,
  email: Scalar,
  phone: Scalar,
  ic_number: Scalar,
  occupation: Scalar,
  relationship: Scalar,
  is_primary: Scalar,
  /** The legacy contact order (1 first), when the system kept one. */
  priority: Schema.optional(Scalar),
  emergency_contact: Schema.optional(Scalar),
  address1: Scalar,
  address2: Scalar,
  city: Scalar,
  state: Scalar,
  postal_code: Scalar,
  country: Scalar,
  created_date: Scalar,
  modified_date: Scalar,
})
/** A raw legacy guardian. */
export type GuardianRow = typeof GuardianRow.Type

/** Entity name of the guardians flow. */
export const guardiansEntity = "legacy-sis.guardians"
/** Entity name of the student–guardian links flow (read from the same `guardians` table). */
export const studentGuardiansEntity = "legacy-sis.student_guardians"

/** A portal relationship word (`student_guardians.relationship` is free text; these are the ones we write). */
export type Relationship = "father" | "mother" | "guardian" | "grandparent" | "sibling" | "relative" | "other"

/** Relationships as Malaysian school systems write them (English and Malay). */
export const relationshipTable: CodeMap.Table<Relationship> = {
  father: ["father", "f", "bapa", "ayah", "abah", "dad", "stepfather"],
  mother: ["mother", "m", "ibu", "emak", "mak", "umi", "mum", "mom", "stepmother"],
  guardian: ["guardian", "penjaga", "legal guardian", "g"],
  grandparent: ["grandparent", "grandfather", "grandmother", "datuk", "nenek", "atuk", "tok"],
  sibling: ["sibling", "brother", "sister", "abang", "kakak", "adik"],
  relative: ["relative", "uncle", "aunt", "pakcik", "makcik", "saudara"],
  other: ["other", "others", "lain-lain"],
}

/** Cleanser for legacy relationships. */
export const relationship = CodeMap.make(relationshipTable, { name: "relationship" })

const truthy: ReadonlySet<string> = new Set(["1", "y", "yes", "true", "t", "ya"])
const falsy: ReadonlySet<string> = new Set(["", "0", "n", "no", "false", "f", "tidak"])

// MySQL flags: 1/0, Y/N, yes/no; anything else is null (unknown).
const flag = (input: unknown): boolean | null => {
  if (input === null || input === undefined) return false
  const text = String(input).trim().toLowerCase()
  return truthy.has(text) ? true : falsy.has(text) ? false : null
}

const studentKey = (row: GuardianRow): string =>
  row.student_id === null ? "" : String(row.student_id).trim()

/**
 * Contact priority per guardian (1 first) among the guardians of the same student: the primary
 * guardian first, then the legacy `priority` (empty last), then legacy-key order. Pure; run over the
 * whole table before the links entity.
 */
export const contactPriorities = (rows: ReadonlyArray<GuardianRow>): ReadonlyMap<string, number> => {
  const byStudent = new Map<string, Array<GuardianRow>>()
  for (const row of rows) {
    const student = studentKey(row)
    if (student === "") continue
    const list = byStudent.get(student) ?? []
    list.push(row)
    byStudent.set(student, list)
  }
  const order = (row: GuardianRow): number => {
    const text = row.priority === null || row.priority === undefined ? "" : String(row.priority).trim()
    return /^\d+$/.test(text) ? Number(text) : Number.POSITIVE_INFINITY
  }
  const priorities = new Map<string, number>()
  for (const list of byStudent.values()) {
    list.sort(
      (a, b) =>
        Number(flag(b.is_primary) === true) - Number(flag(a.is_primary) === true) ||
        order(a) - order(b) ||
        compareKeys(String(a.guardian_id).trim(), String(b.guardian_id).trim()),
    )
    for (const [i, row] of list.entries()) priorities.set(String(row.guardian_id).trim(), i + 1)
  }
  return priorities
}

interface Guardian {
  readonly user: string | null
  readonly first: string
  readonly last: string | null
  readonly email: string | null
  readonly phone: string | null
  readonly nationalId: string | null
}

// What both entities need, so a link is rejected exactly when its guardian is.
const readGuardian = (
  row: GuardianRow,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Guardian | null => {
  const user = reference(ctx, "user_id", row.user_id, usersEntity, false)
  const first = cleanWith(
    ctx,
    "first_name",
    "person_name",
    PersonName.clean(row.first_name, { required: true }),
  )
  const last = cleanWith(ctx, "last_name", "person_name", PersonName.clean(row.last_name))
  // A guardian is known by name and link; an unreadable MyKad is lost with a note, not the guardian.
  const mykad = cleanOrNull(
    ctx,
    "ic_number",
    "mykad",
    MyKad.clean(row.ic_number, { referenceDate: options.asOf }),
  )
  collect(reasons, [user, first, last])
  if (!user.ok || !first.ok || !last.ok || first.value === null || reasons.length > 0) return null
  return {
    user: user.value,
    first: first.value,
    last: last.value,
    email: Contact.email(ctx, "email", Email.clean(row.email)),
    phone: Contact.phone(ctx, "phone", Phone.clean(row.phone)),
    nationalId: mykad?.number ?? null,
  }
}

const guardiansValues = Table.values(Academic.Guardians)

/** Maps one legacy guardian to an `academic.guardians` row array, or rejects it with every reason. */
export const mapGuardian =
  (options: Options) =>
  (row: GuardianRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const guardian = readGuardian(row, ctx, options, reasons)
    const times = timestamps(ctx, row, options)
    if (guardian === null || reasons.length > 0) return Transform.reject(...reasons)
    return guardiansValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      user_id: guardian.user,
      first_name: guardian.first,
      last_name: guardian.last,
      // The legacy guardians table has no official or script name, birth date or gender.
      official_name: null,
      name_in_script: null,
      date_of_birth: null,
      gender: null,
      email: guardian.email,
      phone: guardian.phone,
      national_id: guardian.nationalId,
      occupation: cleanOrNull(ctx, "occupation", "text", Text.clean(row.occupation)),
      address: cleanOrNull(
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
      ),
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy guardians entity; loads after the users some guardians log in as. */
export const guardians = (options: Options): Entity.Entity<GuardianRow> => ({
  name: guardiansEntity,
  target: Academic.Guardians.target,
  transform: Transform.fromRow(mapGuardian(options)),
  ids: "ordered",
  dependsOn: [usersEntity],
})

/** Options of the student–guardian links mapper. */
export interface StudentGuardianOptions extends Options {
  /** `contactPriorities` over the whole guardians table. */
  readonly priorities: ReadonlyMap<string, number>
}

const linksValues = Table.values(Academic.StudentGuardians)

/** Maps one legacy guardian's student link to an `academic.student_guardians` row array; no student → skipped. */
export const mapStudentGuardian =
  (options: StudentGuardianOptions) =>
  (row: GuardianRow, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    // The guardians entity already noted the person's columns; only the link's own are noted here.
    const quiet: Transform.RowContext = { ...ctx, note: () => {} }
    const guardian = readGuardian(row, quiet, options, reasons)
    const times = timestamps(quiet, row, options)
    const primary = flag(row.is_primary)
    const emergency = flag(row.emergency_contact)
    if (primary === null)
      reasons.push(Transform.reason("is_primary", "flag", `${String(row.is_primary)} is not yes or no`))
    if (emergency === null)
      reasons.push(
        Transform.reason("emergency_contact", "flag", `${String(row.emergency_contact)} is not yes or no`),
      )
    if (guardian === null || primary === null || emergency === null || reasons.length > 0)
      return Transform.reject(...reasons)
    if (studentKey(row) === "") return Transform.skip("the guardian names no student: nothing to link")
    const student = reference(ctx, "student_id", row.student_id, studentsEntity, true)
    if (!student.ok || student.value === null)
      return Transform.reject(...(student.ok ? [] : [student.reason]))
    let kind = cleanOrNull(ctx, "relationship", "relationship", relationship.clean(row.relationship))
    if (kind === null) {
      ctx.note("relationship", "relationship", "no known relationship: stored as guardian")
      kind = "guardian"
    }
    return linksValues({
      id: ctx.id(ctx.tenant, ctx.key),
      tenant_id: options.tenant,
      student_id: student.value,
      guardian_id: ctx.id(ctx.tenant, ctx.key, guardiansEntity),
      relationship: kind,
      is_primary: primary,
      contact_priority: options.priorities.get(ctx.key) ?? null,
      // A primary guardian is the first call in an emergency, whatever the legacy flag says.
      is_emergency_contact: emergency || primary,
      legacy_source: ctx.entity,
      legacy_id: ctx.key,
      ...times,
      deleted_at: null,
    })
  }

/** The legacy student–guardian links entity, read from `guardians`; loads after the students and guardians it joins. */
export const studentGuardians = (options: StudentGuardianOptions): Entity.Entity<GuardianRow> => ({
  name: studentGuardiansEntity,
  target: Academic.StudentGuardians.target,
  transform: Transform.fromRow(mapStudentGuardian(options)),
  ids: "ordered",
  dependsOn: [studentsEntity, guardiansEntity],
})
