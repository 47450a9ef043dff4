/**
 * Gibbon SMS (GibbonEdu/core, `gibbon.sql`) into the portal. This part holds Gibbon's storage
 * conventions as small pure functions; the entity mappers build on them. Nothing reads the clock.
 */

import { Cleaned, CodeMap, Phone } from "@schoolbridge/cleansers"
import type * as CodeTables from "./CodeTables.js"

/**
 * A Gibbon id as the legacy key: `INT UNSIGNED ZEROFILL` columns come back as `0000000123` from some
 * drivers and as `123` from others, so both become `"123"`. Empty, zero or non-numeric → undefined.
 */
export const normalizeId = (input: unknown): string | undefined => {
  if (typeof input === "number") return Number.isSafeInteger(input) && input > 0 ? String(input) : undefined
  if (typeof input !== "string") return undefined
  const text = input.trim()
  if (!/^\d+$/.test(text)) return undefined
  const stripped = text.replace(/^0+/, "")
  return stripped === "" ? undefined : stripped
}

/** Gibbon's "empty string means missing": trimmed text, or null when blank or null. */
export const blank = (input: unknown): string | null => {
  if (input === null || input === undefined) return null
  const text = String(input).trim()
  return text === "" ? null : text
}

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
