/**
 * The generic legacy SIS of seed 001 §5: which mapper each entity name runs, and the whole-table
 * pre-passes its options need (student numbers, email and guardian indexes, invoice totals, duplicate
 * year names, assessment maxima).
 */
import { Source } from "@schoolbridge/core"
import {
  LegacySis,
  LegacySisAcademic,
  LegacySisDuplicates,
  LegacySisFees,
  LegacySisFinance,
  LegacySisGuardians,
  LegacySisIslamic,
  StudentNumber,
} from "@schoolbridge/mappers"
import type { Declaration } from "@schoolbridge/validators"
import { Effect, Schema } from "effect"
import {
  type CheckContext,
  commonOptions,
  type EntityChecks,
  type Factory,
  type Planned,
  type Prep,
  type System,
} from "../System.js"
import * as Tenancy from "../Tenancy.js"

const options = (p: Prep): LegacySis.Options => ({
  tenant: p.tenant,
  asOf: p.asOf,
  loadedAt: p.loadedAt,
  timeZone: p.manifest.timeZone,
})

const money = (p: Prep) => ({
  currency: p.option("currency", "MYR"),
})

const rows = <A>(p: Prep, entity: string, needer: string) =>
  Effect.map(p.rowsOf(entity, needer), (r) => r as unknown as ReadonlyArray<A>)

// The declared entities whose rows name school years (column `academic_year`), for derived years.
const yearColumns = [
  LegacySis.classesEntity,
  LegacySisFinance.invoicesEntity,
  LegacySisFees.feeStructuresEntity,
  LegacySisAcademic.assessmentsEntity,
  LegacySisIslamic.quranEnrollmentsEntity,
]

/**
 * Academic years: the legacy `academic_years` table, a later row with an earlier row's name rejected
 * by `duplicateYears`; or, with the option `deriveYears: true` for a source without that table, one
 * planned row per distinct year name of the declared entities' `academic_year` columns.
 */
const academicYears: Factory = (p) =>
  Effect.gen(function* () {
    const self = LegacySisAcademic.academicYearsEntity
    const years = { ...options(p), startMonth: p.option<number | undefined>("yearStartMonth", undefined) }
    if (!p.option("deriveYears", false)) {
      const table = yield* rows<LegacySisAcademic.AcademicYearRow>(p, self, self)
      return LegacySisAcademic.academicYears({
        ...years,
        duplicates: LegacySisAcademic.duplicateYears(table),
      })
    }
    const names: Array<unknown> = []
    for (const entity of yearColumns) {
      if (!p.manifest.entities.some((e) => e.name === entity)) continue
      for (const row of yield* p.rowsOf(entity, self)) names.push(row.academic_year)
    }
    const planned: Planned = {
      entity: LegacySisAcademic.academicYears(years),
      source: Source.fromRows("legacy years by name", LegacySisAcademic.deriveYears(names), (r) =>
        String(r.year_id),
      ),
    }
    return planned
  })

/**
 * Students entered twice (`LegacySisDuplicates`), decided once over the whole students table and the
 * users it links; nothing to decide when the manifest does not declare both.
 */
const duplicates = (p: Prep) => {
  const declared = (name: string) => p.manifest.entities.some((e) => e.name === name)
  if (!declared(LegacySis.studentsEntity) || !declared(LegacySis.usersEntity))
    return Effect.succeed(LegacySisDuplicates.none)
  return p.memo(
    "legacy-sis duplicates",
    Effect.gen(function* () {
      const students = yield* rows<LegacySis.StudentRow>(
        p,
        LegacySis.studentsEntity,
        LegacySis.studentsEntity,
      )
      const users = yield* rows<LegacySis.UserRow>(p, LegacySis.usersEntity, LegacySis.studentsEntity)
      return LegacySisDuplicates.plan(students, users, options(p))
    }),
  )
}

const invoiceTotals = (p: Prep, needer: string) =>
  Effect.map(rows<LegacySisFinance.InvoiceItemRow>(p, LegacySisFinance.invoiceItemsEntity, needer), (items) =>
    LegacySisFinance.totals(items, money(p).currency),
  )

const entities: Record<string, Factory> = {
  [LegacySis.usersEntity]: (p) =>
    Effect.gen(function* () {
      const users = yield* rows<LegacySis.UserRow>(p, LegacySis.usersEntity, LegacySis.usersEntity)
      return LegacySis.users({
        ...options(p),
        passwords: p.manifest.passwords,
        ...(p.manifest.passwords === "force-reset" ? { resetHash: p.resetHash() } : {}),
        emailHolders: LegacySis.emailHolders(users),
        duplicates: yield* duplicates(p),
      })
    }),
  [LegacySis.studentsEntity]: (p) =>
    Effect.gen(function* () {
      const students = yield* rows<LegacySis.StudentRow>(
        p,
        LegacySis.studentsEntity,
        LegacySis.studentsEntity,
      )
      const users = yield* rows<LegacySis.UserRow>(p, LegacySis.usersEntity, LegacySis.studentsEntity)
      const twice = yield* duplicates(p)
      // A merged or held record does not hold its student number against the record that loads.
      const aside = LegacySisDuplicates.setAside(twice)
      const numbers = StudentNumber.plan(
        LegacySis.numberInputs(students, options(p)).filter((i) => !aside.has(i.key)),
        p.option("schoolCode", p.tenant),
      )
      return LegacySis.students({
        ...options(p),
        numbers,
        emails: LegacySis.indexUsersByEmail(users),
        mykadWins: p.option("mykadWins", false),
        duplicates: twice,
      })
    }),
  [LegacySis.teachersEntity]: (p) => Effect.succeed(LegacySis.teachers(options(p))),
  [LegacySis.classesEntity]: (p) => Effect.succeed(LegacySis.classes(options(p))),
  [LegacySis.enrollmentsEntity]: (p) => Effect.succeed(LegacySis.enrollments(options(p))),
  [LegacySis.attendanceEntity]: (p) => Effect.succeed(LegacySis.attendance(options(p))),
  [LegacySisGuardians.guardiansEntity]: (p) => Effect.succeed(LegacySisGuardians.guardians(options(p))),
  [LegacySisGuardians.studentGuardiansEntity]: (p) =>
    Effect.map(
      rows<LegacySisGuardians.GuardianRow>(
        p,
        LegacySisGuardians.guardiansEntity,
        LegacySisGuardians.studentGuardiansEntity,
      ),
      (guardians) =>
        LegacySisGuardians.studentGuardians({
          ...options(p),
          priorities: LegacySisGuardians.contactPriorities(guardians),
        }),
    ),
  [LegacySisAcademic.academicYearsEntity]: academicYears,
  [LegacySisAcademic.assessmentsEntity]: (p) => Effect.succeed(LegacySisAcademic.assessments(options(p))),
  [LegacySisAcademic.gradesEntity]: (p) =>
    Effect.map(
      rows<LegacySisAcademic.AssessmentRow>(
        p,
        LegacySisAcademic.assessmentsEntity,
        LegacySisAcademic.gradesEntity,
      ),
      (assessments) =>
        LegacySisAcademic.grades({
          ...options(p),
          assessments: LegacySisAcademic.indexAssessments(assessments),
        }),
    ),
  [LegacySisFees.feeStructuresEntity]: (p) =>
    Effect.succeed(LegacySisFees.feeStructures({ ...options(p), ...money(p) })),
  [LegacySisIslamic.quranProgramsEntity]: (p) => Effect.succeed(LegacySisIslamic.quranPrograms(options(p))),
  [LegacySisIslamic.quranEnrollmentsEntity]: (p) =>
    Effect.succeed(LegacySisIslamic.quranEnrollments(options(p))),
  [LegacySis.quranProgressEntity]: (p) => Effect.succeed(LegacySis.quranProgress(options(p))),
  [LegacySisFinance.invoicesEntity]: (p) =>
    Effect.gen(function* () {
      const invoices = yield* rows<LegacySisFinance.InvoiceRow>(
        p,
        LegacySisFinance.invoicesEntity,
        LegacySisFinance.invoicesEntity,
      )
      return LegacySisFinance.invoices({
        ...options(p),
        ...money(p),
        numbers: LegacySisFinance.planInvoiceNumbers(
          LegacySisFinance.invoiceNumberInputs(invoices, options(p)),
        ),
        totals: yield* invoiceTotals(p, LegacySisFinance.invoicesEntity),
        overpaid: p.option<"reject" | "flag">("overpaid", "flag"),
      })
    }),
  [LegacySisFinance.invoiceItemsEntity]: (p) =>
    Effect.map(invoiceTotals(p, LegacySisFinance.invoiceItemsEntity), (totals) =>
      LegacySisFinance.invoiceItems({ ...options(p), ...money(p), totals }),
    ),
  [LegacySisFinance.paymentsEntity]: (p) =>
    Effect.map(
      rows<LegacySisFinance.InvoiceRow>(p, LegacySisFinance.invoicesEntity, LegacySisFinance.paymentsEntity),
      (invoices) =>
        LegacySisFinance.payments({
          ...options(p),
          ...money(p),
          invoiceStudents: LegacySisFinance.invoiceStudents(invoices),
        }),
    ),
  [LegacySisFinance.paymentAllocationsEntity]: (p) =>
    Effect.map(
      rows<LegacySisFinance.InvoiceRow>(
        p,
        LegacySisFinance.invoicesEntity,
        LegacySisFinance.paymentAllocationsEntity,
      ),
      (invoices) =>
        LegacySisFinance.paymentAllocations({
          ...options(p),
          ...money(p),
          invoiceStudents: LegacySisFinance.invoiceStudents(invoices),
        }),
    ),
}

// Every entity's references to a merged student or account point at the record it was merged into.
const repointed: Record<string, Factory> = Object.fromEntries(
  Object.entries(entities).map(([name, make]) => [
    name,
    (p: Prep) =>
      Effect.gen(function* () {
        const made = yield* make(p)
        const plan = yield* duplicates(p)
        return "source" in made
          ? { ...made, entity: LegacySisDuplicates.repoint(made.entity, plan) }
          : LegacySisDuplicates.repoint(made, plan)
      }),
  ]),
)

/** The generic legacy SIS. */
// Where each table's rows get their school in a legacy SIS that holds several: the tenancy rule
// applies to users (a column such as `school_code`); students and staff have their user's school,
// and everything else follows its student, class, enrolment or invoice. School years, fees and Quran
// programmes are shared by every school.
const user = Tenancy.via("user_id", "users", "user_id", Tenancy.own)
// A student whose user link was lost is linked to their user by email, as the students mapper does.
const studentUser = Tenancy.any(user, Tenancy.viaText("email", "users", "email", Tenancy.own))
const student = Tenancy.via("student_id", "students", "student_id", studentUser)
const teacher = Tenancy.via("teacher_id", "teachers", "teacher_id", user)
const klass = Tenancy.via(
  "class_id",
  "classes",
  "class_id",
  Tenancy.any(teacher, Tenancy.via("class_id", "enrollments", "class_id", student)),
)

const routes: Readonly<Record<string, Tenancy.Route>> = {
  users: Tenancy.own,
  students: studentUser,
  teachers: user,
  // A guardian row links a student; one whose link was lost has the school of its own account.
  guardians: Tenancy.any(student, user),
  academic_years: Tenancy.every,
  classes: Tenancy.any(teacher, Tenancy.via("class_id", "enrollments", "class_id", student)),
  enrollments: student,
  attendance: student,
  assessments: klass,
  grades: student,
  quran_programs: Tenancy.every,
  quran_enrollments: student,
  quran_progress: Tenancy.via("enrollment_id", "quran_enrollments", "enrollment_id", student),
  fee_structures: Tenancy.every,
  invoices: student,
  invoice_items: Tenancy.via("invoice_id", "invoices", "invoice_id", student),
  // A payment belongs to its payer's school, whether or not it names an invoice (a deposit).
  payments: student,
}

const sen = { kind: "decimal", scale: 2 } as const
const date = { kind: "date" } as const
const timestamp = { kind: "timestamp" } as const

/**
 * What `validate` compares of each legacy entity besides its keys: the columns the mappers copy
 * unchanged, written on the source side the way the mapper reads them (a missing discount is 0, a
 * missing quantity 1, an end before the start is empty, an amount is quantity × unit price, an
 * invoice's total is its lines less discount plus tax), and the money totals invoiced, paid and
 * allocated per tenant and year. Columns the mappers cleanse (names, codes, phones, statuses) or
 * may fill from elsewhere (generated numbers, MyKad birth dates, derived year dates) are left out:
 * a correct migration changes them. A CSV or spreadsheet export of the tables is compared by key
 * only: its dates and amounts are text in whatever spelling the export wrote, which the cleansers
 * read and SQL cannot.
 */
const checks = ({
  source,
  dialect: d,
  timeZone,
  tableOf,
}: CheckContext): Readonly<Record<string, EntityChecks>> => {
  if (source === "files") return {}
  const c = (name: string) => `t.${d.id(name)}`
  const zone = `'${timeZone.replace(/'/g, "''")}'`
  const line = (q: string, price: string) => `round(round(coalesce(${q}, 1), 2) * round(${price}, 2), 2)`
  const items = d.id(tableOf(LegacySisFinance.invoiceItemsEntity) ?? "invoice_items")
  // Each invoice's lines summed once, by a join: a subquery per invoice scans the lines per invoice.
  const lines = `left join (select ${d.id("invoice_id")} as sb_invoice,
      sum(${line(d.id("quantity"), d.id("unit_price"))}) as sb_lines
      from ${items} group by ${d.id("invoice_id")}) l on l.sb_invoice = ${c("invoice_id")}`
  const invoiceTotal = `(coalesce(l.sb_lines, ${c("subtotal")}) - coalesce(${c("discount")}, 0) + coalesce(${c("tax")}, 0))`
  const paidAt: Declaration.AsIsColumn = {
    source: "payment_date",
    target: "paid_at",
    type: timestamp,
    targetSql: `("paid_at" at time zone ${zone})`,
  }
  return {
    [LegacySis.studentsEntity]: { asIs: [{ source: "admission_date", type: date }] },
    [LegacySis.enrollmentsEntity]: {
      asIs: [
        { source: "enrollment_date", type: date },
        {
          source: "end_date",
          type: date,
          sourceSql: `case when ${c("end_date")} >= ${c("enrollment_date")} then ${c("end_date")} end`,
        },
      ],
    },
    [LegacySis.attendanceEntity]: { asIs: [{ source: "attendance_date", type: date }] },
    [LegacySisIslamic.quranEnrollmentsEntity]: { asIs: [{ source: "enrollment_date", type: date }] },
    [LegacySis.quranProgressEntity]: {
      asIs: [
        { source: "surah_no", target: "surah_number", type: { kind: "integer" } },
        {
          source: "verses_done",
          target: "verses_memorized",
          type: { kind: "integer" },
          sourceSql: `coalesce(${c("verses_done")}, 0)`,
        },
      ],
    },
    [LegacySisFees.feeStructuresEntity]: { asIs: [{ source: "amount", type: sen }] },
    [LegacySisFinance.invoicesEntity]: {
      sourceJoin: lines,
      asIs: [
        { source: "invoice_date", type: date },
        { source: "total", target: "total_amount", type: sen, sourceSql: invoiceTotal },
        {
          source: "discount",
          target: "discount_amount",
          type: sen,
          sourceSql: `coalesce(${c("discount")}, 0)`,
        },
        { source: "tax", target: "tax_amount", type: sen, sourceSql: `coalesce(${c("tax")}, 0)` },
        { source: "paid", target: "paid_amount", type: sen, sourceSql: `coalesce(${c("paid")}, 0)` },
      ],
      money: [
        {
          id: "invoiced",
          title: "Invoiced",
          amount: { source: "total", target: "total_amount", type: sen, sourceSql: invoiceTotal },
          date: { source: "invoice_date", type: date },
        },
      ],
    },
    [LegacySisFinance.invoiceItemsEntity]: {
      asIs: [
        { source: "quantity", type: sen, sourceSql: `coalesce(${c("quantity")}, 1)` },
        { source: "unit_price", type: sen },
        { source: "amount", type: sen, sourceSql: line(c("quantity"), c("unit_price")) },
      ],
    },
    [LegacySisFinance.paymentsEntity]: {
      asIs: [{ source: "amount", type: sen }, paidAt],
      money: [{ id: "paid", title: "Paid", amount: { source: "amount", type: sen }, date: paidAt }],
    },
    [LegacySisFinance.paymentAllocationsEntity]: {
      asIs: [{ source: "amount", type: sen }],
      money: [
        {
          id: "allocated",
          title: "Allocated to invoices",
          amount: { source: "amount", type: sen },
          // An allocation is dated by its payment.
          date: {
            ...paidAt,
            targetSql: `((select p.paid_at from financial.payments p where p.id = t.payment_id) at time zone ${zone})`,
          },
        },
      ],
    },
  }
}

export const system: System = {
  routes,
  checks,
  name: "legacy-sis",
  options: Schema.Struct({
    ...commonOptions,
    overpaid: Schema.optional(Schema.Literal("reject", "flag")),
    deriveYears: Schema.optional(Schema.Boolean),
    mykadWins: Schema.optional(Schema.Boolean),
    yearStartMonth: Schema.optional(Schema.Int.pipe(Schema.between(1, 12))),
  }),
  entities: repointed,
  // The mappers read only the declared entities' tables, and of them these columns.
  references: () => [],
  reads: Object.fromEntries(
    (
      [
        [LegacySis.usersEntity, LegacySis.UserRow],
        [LegacySis.studentsEntity, LegacySis.StudentRow],
        [LegacySis.teachersEntity, LegacySis.TeacherRow],
        [LegacySisGuardians.guardiansEntity, LegacySisGuardians.GuardianRow],
        [LegacySisGuardians.studentGuardiansEntity, LegacySisGuardians.GuardianRow],
        [LegacySis.academicYearsEntity, LegacySisAcademic.AcademicYearRow],
        [LegacySis.classesEntity, LegacySis.ClassRow],
        [LegacySis.enrollmentsEntity, LegacySis.EnrollmentRow],
        [LegacySis.attendanceEntity, LegacySis.AttendanceRow],
        [LegacySisAcademic.assessmentsEntity, LegacySisAcademic.AssessmentRow],
        [LegacySisAcademic.gradesEntity, LegacySisAcademic.GradeRow],
        [LegacySisIslamic.quranProgramsEntity, LegacySisIslamic.QuranProgramRow],
        [LegacySis.quranEnrollmentsEntity, LegacySisIslamic.QuranEnrollmentRow],
        [LegacySis.quranProgressEntity, LegacySis.QuranProgressRow],
        [LegacySisFees.feeStructuresEntity, LegacySisFees.FeeStructureRow],
        [LegacySisFinance.invoicesEntity, LegacySisFinance.InvoiceRow],
        [LegacySisFinance.invoiceItemsEntity, LegacySisFinance.InvoiceItemRow],
        [LegacySisFinance.paymentsEntity, LegacySisFinance.PaymentRow],
        [LegacySisFinance.paymentAllocationsEntity, LegacySisFinance.PaymentRow],
      ] as const
    ).map(([entity, row]) => [entity, Object.keys(row.fields)]),
  ),
  targets: {
    [LegacySis.usersEntity]: "auth.users",
    [LegacySis.studentsEntity]: "academic.students",
    [LegacySis.teachersEntity]: "academic.teachers",
    [LegacySis.classesEntity]: "academic.classes",
    [LegacySis.enrollmentsEntity]: "academic.enrollments",
    [LegacySis.attendanceEntity]: "academic.attendance",
    [LegacySisGuardians.guardiansEntity]: "academic.guardians",
    [LegacySisGuardians.studentGuardiansEntity]: "academic.student_guardians",
    [LegacySisAcademic.academicYearsEntity]: "academic.academic_years",
    [LegacySisAcademic.assessmentsEntity]: "academic.assessments",
    [LegacySisAcademic.gradesEntity]: "academic.assessment_results",
    [LegacySisFees.feeStructuresEntity]: "financial.fee_structures",
    [LegacySisIslamic.quranProgramsEntity]: "islamic.quran_programs",
    [LegacySisIslamic.quranEnrollmentsEntity]: "islamic.quran_enrollments",
    [LegacySis.quranProgressEntity]: "islamic.hafiz_progress",
    [LegacySisFinance.invoicesEntity]: "financial.invoices",
    [LegacySisFinance.invoiceItemsEntity]: "financial.invoice_items",
    [LegacySisFinance.paymentsEntity]: "financial.payments",
    [LegacySisFinance.paymentAllocationsEntity]: "financial.payment_allocations",
  },
}
