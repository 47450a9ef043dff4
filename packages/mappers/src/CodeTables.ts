import { CodeMap } from "@schoolbridge/cleansers"
import type { Academic, Auth, Financial, Islamic } from "@schoolbridge/schema"
import type { Schema } from "effect"

/*
 * The code tables of seed 001 §5 as data: each portal code with the legacy spellings that mean it.
 * Matching ignores case and whitespace (CodeMap.normalizeKey), so "Active", " ACTIVE " and "active"
 * are one key. A spelling never appears under two codes: CodeMap refuses such a table at load.
 */

/** A portal `auth.user_status`. */
export type UserStatus = Schema.Schema.Type<typeof Auth.UserStatus.schema>
/** A portal `academic.student_status`. */
export type StudentStatus = Schema.Schema.Type<typeof Academic.StudentStatus.schema>
/** A portal `islamic.memorization_status`. */
export type MemorizationStatus = Schema.Schema.Type<typeof Islamic.MemorizationStatus.schema>
/** A portal `financial.invoice_status`. */
export type InvoiceStatus = Schema.Schema.Type<typeof Financial.InvoiceStatus.schema>
/** A portal `financial.payment_status`. */
export type PaymentStatus = Schema.Schema.Type<typeof Financial.PaymentStatus.schema>
/** A portal `academic.gender_type` (male and female only). */
export type Gender = Schema.Schema.Type<typeof Academic.Gender.schema>
/** A blood type `academic.students.blood_type` accepts. */
export type BloodType = Schema.Schema.Type<typeof Academic.BloodType.schema>

/*
 * Malaysian school systems (and the registers the legacy SIS copied) write statuses in Malay: every
 * table below carries the Malay words beside the English ones. `Aktif` is active; `Tidak Aktif` (and
 * the short `Tak Aktif`) not active; `Berhenti` left of their own accord; `Tamat` finished; `Pindah`
 * moved to another school; `Cuti` on leave; `Gantung` suspended; `Dibuang` expelled; `Bersara`
 * retired; `Selesai` done; `Batal` cancelled; `Gagal` failed.
 */

/** User statuses: seed 001 §5.1.1 "Status Mapping", every value listed there, and the Malay words. */
export const userStatusTable: CodeMap.Table<UserStatus> = {
  active: ["A", "active", "1", "yes", "aktif", "ya"],
  inactive: ["I", "inactive", "0", "no", "tidak aktif", "tak aktif", "berhenti", "tamat", "pindah"],
  pending: ["P", "pending", "new", "baru", "menunggu", "belum aktif"],
  suspended: ["S", "suspended", "blocked", "gantung", "digantung", "disekat"],
  archived: ["D", "deleted", "archived", "dipadam", "dihapus", "arkib"],
}

/**
 * Cleanser for user statuses. An unknown status is Invalid here; a mapper stores its documented
 * default with a note (`Field.cleanOrDefault`), so the unknown code is seen, not silently 'pending'.
 */
export const userStatus = CodeMap.make(userStatusTable, { name: "user status" })

/** Student statuses: seed 001 §5.2.1 refers to the mapping of §6.2.3 (`studentStatusMapping`), all of it. */
export const studentStatusTable: CodeMap.Table<StudentStatus> = {
  active: ["A", "active", "aktif", "masih belajar"],
  graduated: ["G", "graduated", "tamat", "tamat sekolah", "lulus", "graduan"],
  // A child no longer attending, whatever the register called it: the school did not expel or move them.
  withdrawn: ["W", "withdrawn", "berhenti", "tidak aktif", "tak aktif", "keluar", "tarik diri"],
  expelled: ["E", "expelled", "dibuang", "dibuang sekolah", "buang sekolah"],
  transferred: ["T", "transferred", "pindah", "berpindah", "pindah sekolah", "bertukar sekolah"],
  on_leave: ["L", "leave", "on leave", "on_leave", "cuti", "bercuti", "gantung", "digantung"],
}

/** Cleanser for student statuses. */
export const studentStatus = CodeMap.make(studentStatusTable, { name: "student status" })

/** Memorisation statuses: seed 001 §5.3.1 "Memorization Status Mapping", every value listed there. */
export const memorizationStatusTable: CodeMap.Table<MemorizationStatus> = {
  not_started: ["N", "not_started", "0", "belum mula", "belum bermula"],
  in_progress: ["P", "in_progress", "ongoing", "sedang", "sedang menghafal", "dalam proses"],
  completed: ["C", "completed", "done", "selesai", "tamat", "khatam"],
  under_review: ["R", "reviewing", "review", "semakan", "dalam semakan", "murajaah"],
  certified: ["V", "verified", "certified", "disahkan", "bertauliah"],
}

/** Cleanser for memorisation statuses. */
export const memorizationStatus = CodeMap.make(memorizationStatusTable, { name: "memorization status" })

/**
 * Invoice statuses as legacy systems write them. The seed lists only the portal labels (§6.1.2), so
 * the spellings are the labels' own words plus Gibbon's (`Pending`, `Issued`, `Paid - Partial`,
 * `Paid - Late`), which carry the same meaning.
 */
export const invoiceStatusTable: CodeMap.Table<InvoiceStatus> = {
  draft: ["draft", "pending", "draf"],
  sent: ["sent", "issued", "open", "unpaid", "dihantar", "belum bayar", "belum dibayar"],
  partially_paid: [
    "partially_paid",
    "partial",
    "paid - partial",
    "partially paid",
    "sebahagian",
    "bayaran sebahagian",
    "dibayar sebahagian",
  ],
  paid: ["paid", "paid - late", "settled", "dibayar", "sudah bayar", "lunas", "jelas"],
  overdue: ["overdue", "late", "past due", "tertunggak", "lewat bayar"],
  cancelled: ["cancelled", "canceled", "void", "batal", "dibatalkan"],
  refunded: ["refunded", "dipulangkan", "bayaran balik"],
}

/** Cleanser for legacy invoice statuses. */
export const invoiceStatus = CodeMap.make(invoiceStatusTable, { name: "invoice status" })

/**
 * Payment statuses. The seed lists only the portal labels (§6.1.2); Gibbon writes `Complete`,
 * `Partial`, `Final` (a completed payment) and `Failure`.
 */
export const paymentStatusTable: CodeMap.Table<PaymentStatus> = {
  pending: ["pending", "processing", "menunggu", "dalam proses"],
  completed: [
    "completed",
    "complete",
    "partial",
    "final",
    "success",
    "successful",
    "berjaya",
    "selesai",
    "diterima",
  ],
  failed: ["failed", "failure", "declined", "error", "gagal", "ditolak"],
  cancelled: ["cancelled", "canceled", "void", "batal", "dibatalkan"],
  refunded: ["refunded", "refund", "dipulangkan", "bayaran balik"],
}

/** Cleanser for legacy payment statuses. */
export const paymentStatus = CodeMap.make(paymentStatusTable, { name: "payment status" })

/**
 * Genders: seed 001 §6.2.3 `genderMapping` (M/F, 1/2) plus the Malay L/P (lelaki/perempuan). The portal
 * has no third value, so anything else is Invalid here rather than the seed's silent 'male'.
 */
export const genderTable: CodeMap.Table<Gender> = {
  male: ["M", "male", "1", "L", "lelaki", "boy", "man"],
  female: ["F", "female", "2", "P", "perempuan", "girl", "woman"],
}

/** Cleanser for genders. */
export const gender = CodeMap.make(genderTable, { name: "gender" })

const bloodGroups = ["A", "B", "AB", "O"] as const
const rhSpellings: Readonly<Record<"+" | "-", ReadonlyArray<string>>> = {
  "+": ["+", "+ve", "pos", "positive", "positif", "rh+", "rhpositive", "rh positive"],
  "-": ["-", "-ve", "neg", "negative", "negatif", "rh-", "rhnegative", "rh negative"],
}

// Built from groups × Rh spellings so the table stays complete; the digit 0 is a common typo for O.
const bloodTypeSpellings = (group: string, rh: "+" | "-"): ReadonlyArray<string> =>
  (group === "O" ? ["O", "0"] : [group]).flatMap((g) => rhSpellings[rh].map((w) => `${g}${w}`))

/** Blood types: `O POS`, `o+ve`, `0+`, `AB Rh negative` and the like. */
export const bloodTypeTable: CodeMap.Table<BloodType> = Object.fromEntries(
  bloodGroups.flatMap((g) =>
    (["+", "-"] as const).map((rh) => [`${g}${rh}`, bloodTypeSpellings(g, rh)] as const),
  ),
) as CodeMap.Table<BloodType>

/** Cleanser for blood types. */
export const bloodType = CodeMap.make(bloodTypeTable, { name: "blood type" })

/** A teacher's `academic.teachers.employment_status`. */
export type EmploymentStatus = Schema.Schema.Type<typeof Academic.Teachers.fields.employment_status.schema>
/** An `academic.enrollments.status`. */
export type EnrollmentStatus = Schema.Schema.Type<typeof Academic.Enrollments.fields.status.schema>
/** A portal `academic.attendance_status`. */
export type AttendanceStatus = Schema.Schema.Type<typeof Academic.AttendanceStatus.schema>

/**
 * Teacher employment statuses. The seed lists none for teachers, so the spellings are the portal
 * labels and the user-status letters that carry the same meaning (`A`, `I`, `D`).
 */
export const employmentStatusTable: CodeMap.Table<EmploymentStatus> = {
  active: ["A", "active", "1", "employed", "current", "aktif", "berkhidmat"],
  on_leave: ["L", "on_leave", "on leave", "leave", "cuti", "bercuti", "cuti belajar"],
  resigned: [
    "R",
    "resigned",
    "left",
    "I",
    "inactive",
    "0",
    "berhenti",
    "letak jawatan",
    "tidak aktif",
    "tak aktif",
    "pindah",
    "bertukar",
  ],
  retired: ["retired", "bersara", "pencen"],
  terminated: ["T", "terminated", "dismissed", "D", "deleted", "ditamatkan", "dipecat", "dibuang kerja"],
}

/** Cleanser for teacher employment statuses. */
export const employmentStatus = CodeMap.make(employmentStatusTable, { name: "employment status" })

/** Enrollment statuses: the portal labels and their one-letter and spelled-out forms. */
export const enrollmentStatusTable: CodeMap.Table<EnrollmentStatus> = {
  active: ["A", "active", "enrolled", "current", "1", "aktif", "berdaftar"],
  completed: ["C", "completed", "done", "finished", "passed", "tamat", "selesai", "lulus"],
  withdrawn: [
    "W",
    "withdrawn",
    "dropped",
    "0",
    "berhenti",
    "tidak aktif",
    "tak aktif",
    "tarik diri",
    "gugur",
  ],
  transferred: ["T", "transferred", "pindah", "berpindah"],
}

/** Cleanser for enrollment statuses. */
export const enrollmentStatus = CodeMap.make(enrollmentStatusTable, { name: "enrollment status" })

/**
 * Attendance marks. The seed lists only the portal labels (§6.1.2); registers write the first letter,
 * and Malay registers `H` (hadir, present), `TH` (tidak hadir, absent), `MC` (medical leave).
 */
export const attendanceStatusTable: CodeMap.Table<AttendanceStatus> = {
  present: ["P", "present", "H", "hadir", "1"],
  absent: ["A", "absent", "TH", "tidak hadir", "0", "ponteng", "tanpa sebab"],
  late: ["L", "late", "lewat", "tardy", "datang lewat"],
  excused: ["E", "excused", "authorised", "authorized", "bersebab", "dengan kebenaran", "kebenaran"],
  sick: ["S", "sick", "MC", "ill", "sakit", "cuti sakit"],
  holiday: ["holiday", "cuti", "public holiday"],
}

/** Cleanser for attendance marks. */
export const attendanceStatus = CodeMap.make(attendanceStatusTable, { name: "attendance status" })

/** What the invoice status is derived from; amounts in sen (integer cents) so no float decides it. */
export interface InvoiceFacts {
  readonly totalCents: number
  readonly paidCents: number
  /** `YYYY-MM-DD`, or null when the invoice has none. */
  readonly dueDate: string | null
  /** The day the status is judged on, `YYYY-MM-DD` (the migration's business date, passed in). */
  readonly asOf: string
  /** The legacy status, already mapped; only the states amounts cannot show are kept from it. */
  readonly legacy?: InvoiceStatus | null | undefined
}

// Amounts cannot tell a draft, a cancellation or a refund: those come from the legacy status.
const keptFromLegacy: ReadonlySet<InvoiceStatus> = new Set(["draft", "cancelled", "refunded"])

/**
 * The invoice status from its amounts: nothing owed → paid; past due with a balance → overdue;
 * some paid → partially_paid; else sent. Draft, cancelled and refunded are kept from the legacy status.
 */
export const deriveInvoiceStatus = (facts: InvoiceFacts): InvoiceStatus => {
  if (facts.legacy != null && keptFromLegacy.has(facts.legacy)) return facts.legacy
  const balance = facts.totalCents - facts.paidCents
  if (balance <= 0) return "paid"
  // ISO dates compare correctly as strings.
  if (facts.dueDate !== null && facts.dueDate < facts.asOf) return "overdue"
  return facts.paidCents > 0 ? "partially_paid" : "sent"
}

/** A portal `financial.payments.method`. */
export type PaymentMethod = Schema.Schema.Type<typeof Financial.Payments.fields.method.schema>

/** Payment methods as Malaysian school systems write them (English and Malay). */
export const paymentMethodTable: CodeMap.Table<PaymentMethod> = {
  cash: ["cash", "tunai", "counter"],
  bank_transfer: [
    "bank_transfer",
    "bank transfer",
    "transfer",
    "bank",
    "ibg",
    "giro",
    "duitnow",
    "online transfer",
  ],
  card: ["card", "credit card", "debit card", "credit", "debit", "visa", "mastercard"],
  cheque: ["cheque", "check", "cek"],
  fpx: ["fpx", "online banking"],
  ewallet: ["ewallet", "e-wallet", "tng", "touch n go", "grabpay", "boost"],
  other: ["other", "others", "lain-lain"],
}

/** Cleanser for legacy payment methods. */
export const paymentMethod = CodeMap.make(paymentMethodTable, { name: "payment method" })
