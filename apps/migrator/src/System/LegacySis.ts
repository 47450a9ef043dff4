/**
 * The generic legacy SIS of seed 001 §5: which mapper each entity name runs, and the whole-table
 * pre-passes its options need.
 */
import { LegacySis, LegacySisFinance, LegacySisGuardians, StudentNumber } from "@schoolbridge/mappers"
import { Effect } from "effect"
import type { Factory, Prep, System } from "../System.js"

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

const invoiceTotals = (p: Prep, needer: string) =>
  Effect.map(rows<LegacySisFinance.InvoiceItemRow>(p, LegacySisFinance.invoiceItemsEntity, needer), (items) =>
    LegacySisFinance.totals(items, money(p).currency),
  )

const entities: Record<string, Factory> = {
  [LegacySis.usersEntity]: (p) =>
    Effect.succeed(
      LegacySis.users({
        ...options(p),
        passwords: p.manifest.passwords,
        ...(p.manifest.passwords === "force-reset" ? { resetHash: p.resetHash() } : {}),
      }),
    ),
  [LegacySis.studentsEntity]: (p) =>
    Effect.gen(function* () {
      const students = yield* rows<LegacySis.StudentRow>(
        p,
        LegacySis.studentsEntity,
        LegacySis.studentsEntity,
      )
      const users = yield* rows<LegacySis.UserRow>(p, LegacySis.usersEntity, LegacySis.studentsEntity)
      const numbers = StudentNumber.plan(
        LegacySis.numberInputs(students, options(p)),
        p.option("schoolCode", p.tenant),
      )
      return LegacySis.students({ ...options(p), numbers, emails: LegacySis.indexUsersByEmail(users) })
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

/** The generic legacy SIS. */
export const system: System = {
  name: "legacy-sis",
  entities,
  targets: {
    [LegacySis.usersEntity]: "auth.users",
    [LegacySis.studentsEntity]: "academic.students",
    [LegacySis.teachersEntity]: "academic.teachers",
    [LegacySis.classesEntity]: "academic.classes",
    [LegacySis.enrollmentsEntity]: "academic.enrollments",
    [LegacySis.attendanceEntity]: "academic.attendance",
    [LegacySisGuardians.guardiansEntity]: "academic.guardians",
    [LegacySisGuardians.studentGuardiansEntity]: "academic.student_guardians",
    [LegacySisFinance.invoicesEntity]: "financial.invoices",
    [LegacySisFinance.invoiceItemsEntity]: "financial.invoice_items",
    [LegacySisFinance.paymentsEntity]: "financial.payments",
    [LegacySisFinance.paymentAllocationsEntity]: "financial.payment_allocations",
  },
}
