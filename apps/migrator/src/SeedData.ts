/**
 * The reference data of a fresh installation (seed §2.1.1 and §6.3), as data: the role catalog, the
 * permission matrix, the current academic year's rule, the Quran programs and a default set of fee
 * structures. `Seed.ts` writes it; tests and docs read it from here.
 */

/** A role of the shared catalog (`auth.roles`). */
export interface Role {
  readonly code: string
  readonly name: string
  readonly isSystem: boolean
  readonly priority: number
}

/** The roles of seed §6.3.1, highest priority first. */
export const roles: ReadonlyArray<Role> = [
  { code: "super_admin", name: "Super Administrator", isSystem: true, priority: 100 },
  { code: "admin", name: "Administrator", isSystem: true, priority: 90 },
  { code: "principal", name: "Principal", isSystem: true, priority: 80 },
  { code: "teacher", name: "Teacher", isSystem: true, priority: 50 },
  { code: "quran_teacher", name: "Quran Teacher", isSystem: true, priority: 50 },
  { code: "accountant", name: "Accountant", isSystem: true, priority: 40 },
  { code: "parent", name: "Parent/Guardian", isSystem: true, priority: 20 },
  { code: "student", name: "Student", isSystem: true, priority: 10 },
]

/** The role each tenant's initial administrator gets. */
export const adminRole = "admin"

/** The username of each tenant's initial administrator (unique per tenant in `auth.users`). */
export const adminUsername = "admin"

/** What a permission is about. */
export const resources: ReadonlyArray<string> = [
  "users",
  "roles",
  "students",
  "guardians",
  "teachers",
  "classes",
  "enrollments",
  "attendance",
  "quran_programs",
  "hafiz_progress",
  "invoices",
  "payments",
  "reports",
  "settings",
]

/** What a permission allows on its resource. */
export const actions: ReadonlyArray<string> = ["create", "read", "update", "delete", "export"]

/** A permission of the shared catalog (`auth.permissions`): `code` is `resource:action`. */
export interface Permission {
  readonly code: string
  readonly resource: string
  readonly action: string
  readonly description: string
}

/** Every resource with every action: 14 × 5 = 70 permissions. */
export const permissions: ReadonlyArray<Permission> = resources.flatMap((resource) =>
  actions.map((action) => ({
    code: `${resource}:${action}`,
    resource,
    action,
    description: `Can ${action} ${resource}`,
  })),
)

/** Which permissions a role gets: every one but some, or exactly the ones named. */
export type Grant =
  | { readonly _tag: "AllExcept"; readonly except: ReadonlyArray<string> }
  | { readonly _tag: "Only"; readonly codes: ReadonlyArray<string> }

/**
 * The permission matrix of seed §6.3.1. `principal` and `accountant` are in the catalog without any
 * permission there, so they get none here; a school grants theirs in the portal.
 */
export const matrix: Readonly<Record<string, Grant>> = {
  super_admin: { _tag: "AllExcept", except: [] },
  admin: { _tag: "AllExcept", except: ["settings:delete"] },
  principal: { _tag: "Only", codes: [] },
  teacher: {
    _tag: "Only",
    codes: [
      "students:read",
      "classes:read",
      "attendance:create",
      "attendance:read",
      "attendance:update",
      "hafiz_progress:create",
      "hafiz_progress:read",
      "hafiz_progress:update",
    ],
  },
  quran_teacher: {
    _tag: "Only",
    codes: [
      "students:read",
      "quran_programs:read",
      "hafiz_progress:create",
      "hafiz_progress:read",
      "hafiz_progress:update",
    ],
  },
  accountant: { _tag: "Only", codes: [] },
  parent: { _tag: "Only", codes: ["students:read", "attendance:read", "invoices:read", "payments:read"] },
  student: { _tag: "Only", codes: ["attendance:read", "hafiz_progress:read"] },
}

/** The permission codes a role gets, in catalog order. */
export const permissionsOf = (role: string): ReadonlyArray<string> => {
  const grant = matrix[role]
  if (grant === undefined) return []
  const named = new Set(grant._tag === "AllExcept" ? grant.except : grant.codes)
  return permissions
    .map((p) => p.code)
    .filter((code) => (grant._tag === "AllExcept" ? !named.has(code) : named.has(code)))
}

/** Every (role, permission) pair of the matrix: the rows of `auth.role_permissions`. */
export const rolePermissions: ReadonlyArray<{ readonly role: string; readonly permission: string }> =
  roles.flatMap((r) => permissionsOf(r.code).map((permission) => ({ role: r.code, permission })))

/** An academic year as `academic.academic_years` stores it. */
export interface AcademicYear {
  readonly name: string
  readonly code: string
  readonly startDate: string
  readonly endDate: string
}

// Malaysia keeps UTC+8 all year (no daylight saving), so a fixed offset gives the school's date.
const kualaLumpurOffsetMs = 8 * 60 * 60 * 1000

/**
 * The current academic year at `now`: the calendar year in Kuala Lumpur, 1 January to 31 December,
 * the shape of a Malaysian school session. Seed §6.3.2's years each span two calendar years and
 * overlap, so its dates are not used; a school adds past and next years in the portal.
 */
export const currentAcademicYear = (now: Date): AcademicYear => {
  const year = new Date(now.getTime() + kualaLumpurOffsetMs).getUTCFullYear()
  return { name: String(year), code: `AY${year}`, startDate: `${year}-01-01`, endDate: `${year}-12-31` }
}

/** A Quran program as `islamic.quran_programs` stores it. */
export interface QuranProgram {
  readonly code: string
  readonly name: string
  readonly programType: "hifz_full" | "hifz_partial" | "tilawah" | "tajweed"
  readonly description: string
  readonly targetJuz: ReadonlyArray<number> | null
  readonly targetSurahs: ReadonlyArray<number> | null
  readonly durationMonths: number
  readonly prerequisites: string | null
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** The Quran programs of seed §6.3.3, for every tenant. */
export const quranPrograms: ReadonlyArray<QuranProgram> = [
  {
    code: "HIFZ-FULL",
    name: "Full Hifz Program",
    programType: "hifz_full",
    description: "Complete Quran memorization program (30 Juz)",
    targetJuz: range(1, 30),
    targetSurahs: null,
    durationMonths: 36,
    prerequisites: null,
  },
  {
    code: "HIFZ-JA",
    name: "Juz Amma Program",
    programType: "hifz_partial",
    description: "Memorization of Juz 30 (Juz Amma)",
    targetJuz: [30],
    targetSurahs: range(78, 114),
    durationMonths: 12,
    prerequisites: null,
  },
  {
    code: "TIL-TAJ",
    name: "Tilawah & Tajweed",
    programType: "tilawah",
    description: "Quran recitation with proper Tajweed rules",
    targetJuz: null,
    targetSurahs: null,
    durationMonths: 24,
    prerequisites: null,
  },
  {
    code: "TAJ-CERT",
    name: "Tajweed Certification",
    programType: "tajweed",
    description: "Advanced Tajweed course with certification",
    targetJuz: null,
    targetSurahs: null,
    durationMonths: 12,
    prerequisites: "Basic Quran reading ability",
  },
]

/** A fee structure as `financial.fee_structures` stores it (for the current academic year). */
export interface FeeStructure {
  readonly code: string
  readonly name: string
  readonly description: string
  readonly amount: string
  readonly currency: string
  readonly frequency: "one_time" | "monthly" | "termly" | "annually"
  readonly isActive: boolean
}

const placeholder = "Placeholder from the installation seed: set the amount, then activate it."

/**
 * The default fee structures. The seed names fee structures as reference data (§2.1.1) but lists
 * none, and amounts are each school's own, so these are inactive placeholders at 0.00 MYR: nothing
 * can be invoiced from them until the school sets an amount and activates them.
 */
export const feeStructures: ReadonlyArray<FeeStructure> = [
  {
    code: "REGISTRATION",
    name: "Registration fee",
    description: placeholder,
    amount: "0.00",
    currency: "MYR",
    frequency: "one_time",
    isActive: false,
  },
  {
    code: "TUITION",
    name: "Tuition fee",
    description: placeholder,
    amount: "0.00",
    currency: "MYR",
    frequency: "monthly",
    isActive: false,
  },
  {
    code: "QURAN",
    name: "Quran program fee",
    description: placeholder,
    amount: "0.00",
    currency: "MYR",
    frequency: "monthly",
    isActive: false,
  },
]
