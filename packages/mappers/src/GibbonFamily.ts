/**
 * Gibbon families into the portal: parents (`gibbonPerson` with a Parent role) become
 * `academic.guardians`, and every (adult, child) pair of a family (`gibbonFamilyAdult` ×
 * `gibbonFamilyChild`, with `gibbonFamilyRelationship`) becomes an `academic.student_guardians` row.
 * A Gibbon family links adults to children only through the family, so the pairs are planned by a
 * pure function over the family tables (small: one row per family member) and the links entity reads
 * the planned pairs, each with a deterministic key `<familyID>:<adultPersonID>:<childPersonID>`.
 */

import { CodeMap, Email, MalaysianAddress, PersonName, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as Contact from "./Contact.js"
import {
  birthDateOf,
  blank,
  categoriesOf,
  cleanOrNull,
  cleanWith,
  genderOf,
  type NationalIds,
  nationalIdOf,
  normalizeId,
  type Options,
  type PersonOptions,
  PersonRow,
  personKey,
  phone,
  printedNames,
  type RoleCategory,
  type RoleIndex,
  studentsEntity,
  usersEntity,
  yesNo,
} from "./Gibbon.js"
import type { Relationship } from "./LegacySisGuardians.js"
import { compareKeys } from "./StudentNumber.js"

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

/** A raw `gibbonFamily` row: the household, with its home address. */
export const FamilyRow = Schema.Struct({
  gibbonFamilyID: Key,
  name: Scalar,
  homeAddress: Scalar,
  homeAddressDistrict: Scalar,
  homeAddressCountry: Scalar,
})
/** A raw Gibbon family. */
export type FamilyRow = typeof FamilyRow.Type

/** A raw `gibbonFamilyAdult` row: one adult of one family, with how to contact them. */
export const FamilyAdultRow = Schema.Struct({
  gibbonFamilyAdultID: Key,
  gibbonFamilyID: Scalar,
  gibbonPersonID: Scalar,
  /** `enum('Y','N')`: may the adult see the children's records. */
  childDataAccess: Scalar,
  /** `int(2)`, 1 is called first. */
  contactPriority: Scalar,
  contactCall: Scalar,
  contactSMS: Scalar,
  contactEmail: Scalar,
  contactMail: Scalar,
})
/** A raw Gibbon family adult. */
export type FamilyAdultRow = typeof FamilyAdultRow.Type

/** A raw `gibbonFamilyChild` row: one child of one family. */
export const FamilyChildRow = Schema.Struct({
  gibbonFamilyChildID: Key,
  gibbonFamilyID: Scalar,
  gibbonPersonID: Scalar,
})
/** A raw Gibbon family child. */
export type FamilyChildRow = typeof FamilyChildRow.Type

/** A raw `gibbonFamilyRelationship` row: person 1 (an adult) is `relationship` to person 2 (a child). */
export const FamilyRelationshipRow = Schema.Struct({
  gibbonFamilyRelationshipID: Key,
  gibbonFamilyID: Scalar,
  gibbonPersonID1: Scalar,
  gibbonPersonID2: Scalar,
  relationship: Scalar,
})
/** A raw Gibbon family relationship. */
export type FamilyRelationshipRow = typeof FamilyRelationshipRow.Type

/** A `gibbonPerson` row as the guardians mapper reads it: the person columns and the profession. */
export const GuardianRow = Schema.Struct({
  ...PersonRow.fields,
  profession: Schema.optional(Scalar),
})
/** A raw Gibbon parent. */
export type GuardianRow = typeof GuardianRow.Type

/** Entity name of the guardians flow. */
export const guardiansEntity = "gibbon.guardians"
/** Entity name of the student–guardian links flow (read from the planned family pairs). */
export const studentGuardiansEntity = "gibbon.student_guardians"

/** What the family and document mappers know of a person: role categories and whether they have a login. */
export interface Person {
  readonly categories: ReadonlySet<RoleCategory>
  readonly login: boolean
}

/** Persons by key, for the mappers that point at a person's portal rows. */
export type PersonIndex = ReadonlyMap<string, Person>

/** Indexes `gibbonPerson` rows (key, role categories, login); rows without an id are left out. */
export const indexPersons = (rows: ReadonlyArray<PersonRow>, roles: RoleIndex): PersonIndex => {
  const index = new Map<string, Person>()
  for (const row of rows) {
    const key = normalizeId(row.gibbonPersonID)
    if (key !== undefined)
      index.set(key, { categories: categoriesOf(row, roles), login: blank(row.username) !== null })
  }
  return index
}

/** Gibbon's relationship words (the family editor's list) → portal relationships. */
export const relationshipTable: CodeMap.Table<Relationship> = {
  father: ["Father", "Step-Father", "Stepfather"],
  mother: ["Mother", "Step-Mother", "Stepmother"],
  guardian: ["Guardian", "Adoptive Parent"],
  grandparent: ["Grandfather", "Grandmother", "Grandparent"],
  sibling: ["Brother", "Sister", "Sibling"],
  relative: ["Uncle", "Aunt", "Cousin", "Relative"],
  other: ["Nanny/Helper", "Other"],
}

/** Cleanser for `gibbonFamilyRelationship.relationship`. */
export const relationship = CodeMap.make(relationshipTable, { name: "Gibbon relationship" })

/** The home address of a family, as the cleansers' address input. */
export interface Home {
  readonly line1: string | null
  readonly city: string | null
  readonly country: string | null
}

const familyKey = (input: unknown): string | undefined => normalizeId(input)

/**
 * The home address of every adult: that of their first family (in family-key order) with a home
 * address. Gibbon keeps a household's address on the family, not on each parent.
 */
export const homes = (
  families: ReadonlyArray<FamilyRow>,
  adults: ReadonlyArray<FamilyAdultRow>,
): ReadonlyMap<string, Home> => {
  const byFamily = new Map<string, Home>()
  for (const f of families) {
    const key = familyKey(f.gibbonFamilyID)
    const line1 = blank(f.homeAddress)
    if (key !== undefined && line1 !== null)
      byFamily.set(key, { line1, city: blank(f.homeAddressDistrict), country: blank(f.homeAddressCountry) })
  }
  const sorted = [...adults].sort((a, b) =>
    compareKeys(familyKey(a.gibbonFamilyID) ?? "", familyKey(b.gibbonFamilyID) ?? ""),
  )
  const result = new Map<string, Home>()
  for (const a of sorted) {
    const person = normalizeId(a.gibbonPersonID)
    const home = byFamily.get(familyKey(a.gibbonFamilyID) ?? "")
    if (person !== undefined && home !== undefined && !result.has(person)) result.set(person, home)
  }
  return result
}

/** Options of the guardians mapper. */
export interface GuardianOptions extends PersonOptions {
  /** National ids from the ID Card documents (`GibbonDocuments.nationalIds`). */
  readonly nationalIds?: NationalIds | undefined
  /** Family home addresses by adult (`homes`), used when the person has no address of their own. */
  readonly homes?: ReadonlyMap<string, Home> | undefined
}

const guardiansValues = Table.values(Academic.Guardians)

/** Maps one `gibbonPerson` with a Parent role to an `academic.guardians` row array; others are skipped. */
export const mapGuardian =
  (options: GuardianOptions) =>
  (row: GuardianRow, ctx: Transform.RowContext): Transform.Outcome => {
    if (!categoriesOf(row, options.roles, ctx).has("Parent")) return Transform.skip("not a parent")
    const key = personKey(row)
    const first = cleanWith(
      ctx,
      "firstName",
      "person_name",
      PersonName.clean(blank(row.firstName) ?? blank(row.preferredName), { required: true }),
    )
    const last = cleanWith(ctx, "surname", "person_name", PersonName.clean(blank(row.surname)))
    const steps = [key, first, last]
    if (!key.ok || !first.ok || !last.ok || first.value === null)
      return Transform.reject(...steps.flatMap((s) => (s.ok ? [] : [s.reason])))
    const email = Contact.email(ctx, "email", Email.clean(blank(row.email)))
    const tel = Contact.phone(ctx, "phone1", phone(row.phone1CountryCode, row.phone1))
    const own = blank(row.address1)
    const home = own === null ? options.homes?.get(key.value) : undefined
    const address = cleanOrNull(
      ctx,
      "address1",
      "address",
      MalaysianAddress.clean({
        line1: home?.line1 ?? own,
        line2: null,
        city: home === undefined ? blank(row.address1District) : home.city,
        state: null,
        postcode: null,
        country: home === undefined ? blank(row.address1Country) : home.country,
      }),
    )
    return guardiansValues({
      id: ctx.id(ctx.tenant, key.value),
      tenant_id: options.tenant,
      user_id: blank(row.username) === null ? null : ctx.id(ctx.tenant, key.value, usersEntity),
      first_name: first.value,
      last_name: last.value,
      ...printedNames(row, ctx),
      date_of_birth: birthDateOf(row, options, ctx),
      gender: genderOf(row, ctx),
      email,
      phone: tel,
      national_id: nationalIdOf(options.nationalIds, key.value, ctx),
      occupation: cleanOrNull(ctx, "profession", "text", Text.clean(blank(row.profession))),
      address,
      legacy_source: ctx.entity,
      legacy_id: key.value,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon guardians entity (Parent role category); loads after the users some guardians log in as. */
export const guardians = (options: GuardianOptions): Entity.Entity<GuardianRow> => ({
  name: guardiansEntity,
  target: Academic.Guardians.target,
  transform: Transform.fromRow(mapGuardian(options)),
  ids: "ordered",
  dependsOn: [usersEntity],
})

/** One (adult, child) pair of a family: the row the links entity reads. */
export interface FamilyPair {
  /** `<familyID>:<adult gibbonPersonID>:<child gibbonPersonID>`, normalized ids. */
  readonly key: string
  readonly adult: FamilyAdultRow
  readonly child: FamilyChildRow
  /** The relationship gibbonFamilyRelationship records for the pair, as written; null when none. */
  readonly relationship: string | null
  /** The key of an earlier pair of the same adult and child (in another family), when there is one. */
  readonly duplicateOf: string | null
}

const idText = (input: unknown): string => normalizeId(input) ?? String(input ?? "").trim()

/**
 * Plans every (adult, child) pair of every family: families in key order, adults by contact priority
 * then `gibbonFamilyAdultID`, children by `gibbonFamilyChildID`. Rows without a family id pair with
 * nobody. The same adult and child met again in a later family is marked `duplicateOf` (the portal
 * keeps one link per student and guardian). Pure: the same tables give the same pairs and keys.
 */
export const familyPairs = (
  adults: ReadonlyArray<FamilyAdultRow>,
  children: ReadonlyArray<FamilyChildRow>,
  relationships: ReadonlyArray<FamilyRelationshipRow>,
): Array<FamilyPair> => {
  const group = <R extends { readonly gibbonFamilyID: unknown }>(rows: ReadonlyArray<R>) => {
    const byFamily = new Map<string, Array<R>>()
    for (const row of rows) {
      const family = familyKey(row.gibbonFamilyID)
      if (family === undefined) continue
      const list = byFamily.get(family) ?? []
      list.push(row)
      byFamily.set(family, list)
    }
    return byFamily
  }
  const adultsBy = group(adults)
  const childrenBy = group(children)
  const said = new Map<string, string>()
  for (const r of relationships) {
    const text = blank(r.relationship)
    const k = `${idText(r.gibbonFamilyID)}:${idText(r.gibbonPersonID1)}:${idText(r.gibbonPersonID2)}`
    if (text !== null && !said.has(k)) said.set(k, text)
  }
  const priority = (a: FamilyAdultRow): number => {
    const n = Number(blank(a.contactPriority))
    return Number.isInteger(n) && n >= 1 ? n : Number.POSITIVE_INFINITY
  }
  const pairs: Array<FamilyPair> = []
  const seen = new Map<string, string>()
  for (const family of [...adultsBy.keys()].sort(compareKeys)) {
    const kids = [...(childrenBy.get(family) ?? [])].sort((a, b) =>
      compareKeys(idText(a.gibbonFamilyChildID), idText(b.gibbonFamilyChildID)),
    )
    const grownups = [...adultsBy.get(family)!].sort(
      (a, b) =>
        priority(a) - priority(b) ||
        compareKeys(idText(a.gibbonFamilyAdultID), idText(b.gibbonFamilyAdultID)),
    )
    for (const adult of grownups)
      for (const child of kids) {
        const people = `${idText(adult.gibbonPersonID)}:${idText(child.gibbonPersonID)}`
        const key = `${family}:${people}`
        pairs.push({
          key,
          adult,
          child,
          relationship: said.get(key) ?? null,
          duplicateOf: seen.get(people) ?? null,
        })
        if (!seen.has(people)) seen.set(people, key)
      }
  }
  return pairs
}

/** Options of the student–guardian links mapper. */
export interface StudentGuardianOptions extends Options {
  /** Every `gibbonPerson` (`indexPersons`): a pair links only a parent to a student with a login. */
  readonly persons: PersonIndex
}

const linksValues = Table.values(Academic.StudentGuardians)

// A Y/N contact flag; anything else, empty included, is noted and read as N.
const contactFlag = (ctx: Transform.RowContext, column: string, input: unknown): boolean => {
  const flag = yesNo(input)
  if (flag._tag === "Invalid") {
    ctx.note(column, "yes_no", `${flag.reason}: read as N`)
    return false
  }
  if (flag._tag === "Corrected") ctx.note(column, "yes_no", flag.changes.join("; "))
  // An enum column holds '' when it was given a value outside the enum.
  if (flag.value === null) ctx.note(column, "yes_no", "empty (not Y or N): read as N")
  return flag.value === true
}

/**
 * Maps one family pair to an `academic.student_guardians` row array, or rejects it when the adult is
 * not a mapped parent, the child not a mapped student, or the pair repeats an earlier one.
 */
export const mapStudentGuardian =
  (options: StudentGuardianOptions) =>
  (pair: FamilyPair, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const adultKey = normalizeId(pair.adult.gibbonPersonID)
    const childKey = normalizeId(pair.child.gibbonPersonID)
    const adult = adultKey === undefined ? undefined : options.persons.get(adultKey)
    const child = childKey === undefined ? undefined : options.persons.get(childKey)
    const adultColumn = "gibbonFamilyAdult.gibbonPersonID"
    const childColumn = "gibbonFamilyChild.gibbonPersonID"
    const adultText = String(pair.adult.gibbonPersonID)
    const childText = String(pair.child.gibbonPersonID)
    if (adult === undefined)
      reasons.push(
        Transform.reason(adultColumn, "guardian_missing", `adult ${adultText} is not in gibbonPerson`),
      )
    else if (!adult.categories.has("Parent"))
      reasons.push(
        Transform.reason(
          adultColumn,
          "guardian_role",
          `adult ${adultKey} has no Parent role: no guardian row to link`,
        ),
      )
    if (child === undefined)
      reasons.push(
        Transform.reason(childColumn, "student_missing", `child ${childText} is not in gibbonPerson`),
      )
    else if (!child.categories.has("Student"))
      reasons.push(
        Transform.reason(
          childColumn,
          "student_role",
          `child ${childKey} has no Student role: no student row to link`,
        ),
      )
    else if (!child.login)
      reasons.push(
        Transform.reason(
          childColumn,
          "student_link",
          `child ${childKey} has no username, so no student row: nothing to link`,
        ),
      )
    if (pair.duplicateOf !== null)
      reasons.push(
        Transform.reason(
          null,
          "student_guardian_unique",
          `the same adult and child are already linked by family pair ${pair.duplicateOf}`,
        ),
      )
    if (adultKey === undefined || childKey === undefined || reasons.length > 0)
      return Transform.reject(...reasons)
    const raw = blank(pair.adult.contactPriority)
    const n = Number(raw)
    let priority: number | null = null
    if (raw !== null && Number.isInteger(n) && n >= 1 && n <= 32767) priority = n
    else
      ctx.note(
        "contactPriority",
        "contact_priority",
        `${raw === null ? "no contact priority" : `contact priority ${raw} is not 1 or more`}: stored as empty`,
      )
    const said = relationship.clean(pair.relationship)
    let kind: Relationship = "guardian"
    if (said._tag === "Invalid")
      ctx.note("relationship", "relationship", `${said.reason}: stored as guardian`)
    else if (said.value === null)
      ctx.note("relationship", "relationship", "no gibbonFamilyRelationship row: stored as guardian")
    // Mapping Gibbon's word to the portal's is the code table's job, not a correction worth a note.
    else kind = said.value
    const primary = priority === 1
    return linksValues({
      id: ctx.id(ctx.tenant, pair.key),
      tenant_id: options.tenant,
      student_id: ctx.id(ctx.tenant, childKey, studentsEntity),
      guardian_id: ctx.id(ctx.tenant, adultKey, guardiansEntity),
      relationship: kind,
      is_primary: primary,
      contact_priority: priority,
      // Whoever Gibbon may phone is an emergency contact; the first contact always is.
      is_emergency_contact: contactFlag(ctx, "contactCall", pair.adult.contactCall) || primary,
      legacy_source: ctx.entity,
      legacy_id: pair.key,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon student–guardian links entity over `familyPairs`; keys are not numbers, so ids are hashed. */
export const studentGuardians = (options: StudentGuardianOptions): Entity.Entity<FamilyPair> => ({
  name: studentGuardiansEntity,
  target: Academic.StudentGuardians.target,
  transform: Transform.fromRow(mapStudentGuardian(options)),
  ids: "hashed",
  dependsOn: [studentsEntity, guardiansEntity],
})
