/**
 * Gibbon SMS: which mapper each entity name runs, and the small reference tables and whole-table
 * plans its options need (roles, student numbers, national ids from ID cards, school years, the
 * latest attendance log of each person-day, family pairs).
 */
import { Source } from "@schoolbridge/core"
import {
  Gibbon,
  GibbonAcademic,
  GibbonAttendance,
  GibbonDocuments,
  GibbonFamily,
  GibbonFinance,
  StudentNumber,
} from "@schoolbridge/mappers"
import { Effect, Schema } from "effect"
import { commonOptions, type Factory, type Prep, type System } from "../System.js"
import * as Tenancy from "../Tenancy.js"

type Rows<A> = Effect.Effect<ReadonlyArray<A>, import("../Exit.js").CliError>

// A table of the Gibbon database, read from the source of the entity being built.
const table =
  (p: Prep, self: string) =>
  <A>(name: string, key: string): Rows<A> =>
    p.table(self, name, key, self) as Rows<A>

const options = (p: Prep): Gibbon.Options => ({
  tenant: p.tenant,
  asOf: p.asOf,
  loadedAt: p.loadedAt,
  timeZone: p.manifest.timeZone,
})

const formGroupNames = (p: Prep): GibbonAcademic.FormGroupNames =>
  p.option<GibbonAcademic.FormGroupNames>("formGroupNames", "v22")

const roles = (p: Prep, self: string) =>
  Effect.map(table(p, self)<Gibbon.RoleRow>("gibbonRole", "gibbonRoleID"), Gibbon.indexRoles)

const persons = (p: Prep, self: string) => table(p, self)<Gibbon.PersonRow>("gibbonPerson", "gibbonPersonID")

// Students and guardians both take their national ids from the ID cards: planned once per run.
const nationalIds = (p: Prep, self: string) =>
  p.memo(
    "gibbon.nationalIds",
    Effect.gen(function* () {
      const t = table(p, self)
      const types = GibbonDocuments.indexTypes(
        yield* t<GibbonDocuments.DocumentTypeRow>(
          "gibbonPersonalDocumentType",
          "gibbonPersonalDocumentTypeID",
        ),
      )
      const docs = yield* t<GibbonDocuments.DocumentRow>("gibbonPersonalDocument", "gibbonPersonalDocumentID")
      return GibbonDocuments.nationalIds(docs, types, options(p))
    }),
  )

const schoolYears = (p: Prep, self: string) =>
  Effect.map(table(p, self)<GibbonAcademic.SchoolYearRow>("gibbonSchoolYear", "gibbonSchoolYearID"), (rows) =>
    GibbonAcademic.indexSchoolYears(rows, options(p)),
  )

const finance = (p: Prep): GibbonFinance.FinanceOptions => ({
  ...options(p),
  currency: p.option("currency", "MYR"),
})

// What the invoice, fee and payment mappers share (made once per run): whom each invoice bills, its
// fees and payments, and which invoices the invoices mapper rejects.
const invoicePlan = (p: Prep, self: string) =>
  p.memo(
    "gibbon.invoice.plan",
    Effect.gen(function* () {
      const t = table(p, self)
      const { currency } = finance(p)
      const invoiceRows = yield* t<GibbonFinance.InvoiceRow>("gibbonFinanceInvoice", "gibbonFinanceInvoiceID")
      const invoicees = GibbonFinance.indexInvoicees(
        yield* t<GibbonFinance.InvoiceeRow>("gibbonFinanceInvoicee", "gibbonFinanceInvoiceeID"),
      )
      const students = GibbonFinance.studentKeys(yield* persons(p, self), yield* roles(p, self))
      const catalog = GibbonFinance.indexFees(
        yield* t<GibbonFinance.FeeRow>("gibbonFinanceFee", "gibbonFinanceFeeID"),
        currency,
      )
      const fees = GibbonFinance.feeTotals(
        yield* t<GibbonFinance.InvoiceFeeRow>("gibbonFinanceInvoiceFee", "gibbonFinanceInvoiceFeeID"),
        catalog,
        currency,
      )
      const paid = GibbonFinance.paidTotals(
        yield* t<GibbonFinance.PaymentRow>("gibbonPayment", "gibbonPaymentID"),
        currency,
      )
      const invoiceOptions: GibbonFinance.InvoiceOptions = {
        ...finance(p),
        invoices: GibbonFinance.indexInvoices(invoiceRows, invoicees, students),
        fees,
        paid,
        overpaid: p.option<"reject" | "flag">("overpaid", "flag"),
      }
      return {
        invoiceOptions,
        catalog,
        rejected: GibbonFinance.rejectedInvoices(invoiceRows, invoiceOptions),
      }
    }),
  )

const entities: Record<string, Factory> = {
  [Gibbon.usersEntity]: (p) =>
    Effect.gen(function* () {
      const self = Gibbon.usersEntity
      return Gibbon.users({
        ...options(p),
        roles: yield* roles(p, self),
        passwords: p.manifest.passwords,
        resetHash: p.resetHash(),
        emailHolders: Gibbon.emailHolders(yield* persons(p, self)),
      })
    }),
  [Gibbon.studentsEntity]: (p) =>
    Effect.gen(function* () {
      const self = Gibbon.studentsEntity
      const base = { ...options(p), roles: yield* roles(p, self) }
      const numbers = StudentNumber.plan(
        Gibbon.numberInputs(yield* persons(p, self), base),
        p.option("schoolCode", p.tenant),
      )
      return Gibbon.students({ ...base, numbers, nationalIds: yield* nationalIds(p, self) })
    }),
  [Gibbon.teachersEntity]: (p) =>
    Effect.map(roles(p, Gibbon.teachersEntity), (r) => Gibbon.teachers({ ...options(p), roles: r })),
  [GibbonFamily.guardiansEntity]: (p) =>
    Effect.gen(function* () {
      const self = GibbonFamily.guardiansEntity
      const t = table(p, self)
      const families = yield* t<GibbonFamily.FamilyRow>("gibbonFamily", "gibbonFamilyID")
      const adults = yield* t<GibbonFamily.FamilyAdultRow>("gibbonFamilyAdult", "gibbonFamilyAdultID")
      return GibbonFamily.guardians({
        ...options(p),
        roles: yield* roles(p, self),
        nationalIds: yield* nationalIds(p, self),
        homes: GibbonFamily.homes(families, adults),
      })
    }),
  [GibbonFamily.studentGuardiansEntity]: (p) =>
    Effect.gen(function* () {
      const self = GibbonFamily.studentGuardiansEntity
      const t = table(p, self)
      const pairs = GibbonFamily.familyPairs(
        yield* t<GibbonFamily.FamilyAdultRow>("gibbonFamilyAdult", "gibbonFamilyAdultID"),
        yield* t<GibbonFamily.FamilyChildRow>("gibbonFamilyChild", "gibbonFamilyChildID"),
        yield* t<GibbonFamily.FamilyRelationshipRow>(
          "gibbonFamilyRelationship",
          "gibbonFamilyRelationshipID",
        ),
      )
      const index = GibbonFamily.indexPersons(yield* persons(p, self), yield* roles(p, self))
      return {
        entity: GibbonFamily.studentGuardians({ ...options(p), persons: index }),
        source: Source.fromRows("gibbon family pairs", pairs, (pair) => pair.key),
      }
    }),
  [GibbonDocuments.documentsEntity]: (p) =>
    Effect.gen(function* () {
      const self = GibbonDocuments.documentsEntity
      const t = table(p, self)
      return GibbonDocuments.documents({
        ...options(p),
        types: GibbonDocuments.indexTypes(
          yield* t<GibbonDocuments.DocumentTypeRow>(
            "gibbonPersonalDocumentType",
            "gibbonPersonalDocumentTypeID",
          ),
        ),
        persons: GibbonFamily.indexPersons(yield* persons(p, self), yield* roles(p, self)),
      })
    }),
  [GibbonAcademic.academicYearsEntity]: (p) => Effect.succeed(GibbonAcademic.academicYears(options(p))),
  [GibbonAcademic.classesEntity]: (p) =>
    Effect.gen(function* () {
      const self = GibbonAcademic.classesEntity
      const t = table(p, self)
      const names = formGroupNames(p)
      return GibbonAcademic.classes({
        ...options(p),
        formGroupNames: names,
        schoolYears: yield* schoolYears(p, self),
        yearGroups: GibbonAcademic.indexYearGroups(
          yield* t<GibbonAcademic.YearGroupRow>("gibbonYearGroup", "gibbonYearGroupID"),
        ),
        formGroupYears: GibbonAcademic.formGroupYears(
          yield* t<GibbonAcademic.AnyStudentEnrolmentRow>(
            "gibbonStudentEnrolment",
            "gibbonStudentEnrolmentID",
          ),
          names,
        ),
        spaces: GibbonAcademic.indexSpaces(yield* t<GibbonAcademic.SpaceRow>("gibbonSpace", "gibbonSpaceID")),
      })
    }),
  [GibbonAcademic.enrollmentsEntity]: (p) =>
    Effect.map(schoolYears(p, GibbonAcademic.enrollmentsEntity), (years) =>
      GibbonAcademic.enrollments({ ...options(p), formGroupNames: formGroupNames(p), schoolYears: years }),
    ),
  [GibbonAttendance.attendanceEntity]: (p) =>
    Effect.gen(function* () {
      const self = GibbonAttendance.attendanceEntity
      const t = table(p, self)
      const logs = yield* t<GibbonAttendance.AnyAttendanceLogRow>(
        "gibbonAttendanceLogPerson",
        "gibbonAttendanceLogPersonID",
      )
      return GibbonAttendance.attendance({
        ...options(p),
        formGroupNames: formGroupNames(p),
        latest: GibbonAttendance.latestLogs(logs, options(p)),
        codes: GibbonAttendance.indexAttendanceCodes(
          yield* t<GibbonAttendance.AttendanceCodeRow>("gibbonAttendanceCode", "gibbonAttendanceCodeID"),
        ),
      })
    }),
  [GibbonFinance.feeStructuresEntity]: (p) => Effect.succeed(GibbonFinance.feeStructures(finance(p))),
  [GibbonFinance.invoicesEntity]: (p) =>
    Effect.map(invoicePlan(p, GibbonFinance.invoicesEntity), (plan) =>
      GibbonFinance.invoices(plan.invoiceOptions),
    ),
  [GibbonFinance.invoiceItemsEntity]: (p) =>
    Effect.map(invoicePlan(p, GibbonFinance.invoiceItemsEntity), (plan) =>
      GibbonFinance.invoiceItems({
        ...finance(p),
        invoices: plan.invoiceOptions.invoices,
        fees: plan.invoiceOptions.fees,
        catalog: plan.catalog,
        rejectedInvoices: plan.rejected,
      }),
    ),
  [GibbonFinance.paymentsEntity]: (p) =>
    Effect.map(invoicePlan(p, GibbonFinance.paymentsEntity), (plan) =>
      GibbonFinance.payments({ ...finance(p), invoices: plan.invoiceOptions.invoices }),
    ),
  [GibbonFinance.paymentAllocationsEntity]: (p) =>
    Effect.map(invoicePlan(p, GibbonFinance.paymentAllocationsEntity), (plan) =>
      GibbonFinance.paymentAllocations({
        ...finance(p),
        invoices: plan.invoiceOptions.invoices,
        rejectedInvoices: plan.rejected,
      }),
    ),
}

// Where each table's rows get their school in a Gibbon that serves several: a person has the school
// of their own School Code and every school of their children; the rest follows the person, the
// invoice or the form group it belongs to, and the school years and fee catalogue are shared.
const person = Tenancy.via("gibbonPersonID", "gibbonPerson", "gibbonPersonID", Tenancy.own)
const child = person
const familyOfChild = Tenancy.via("gibbonFamilyID", "gibbonFamilyChild", "gibbonFamilyID", child)
const adult = Tenancy.any(familyOfChild, person)
const personRoute = Tenancy.any(
  Tenancy.own,
  Tenancy.via("gibbonPersonID", "gibbonFamilyAdult", "gibbonPersonID", familyOfChild),
)
const invoicee = person
const invoice = Tenancy.via(
  "gibbonFinanceInvoiceeID",
  "gibbonFinanceInvoicee",
  "gibbonFinanceInvoiceeID",
  invoicee,
)
const ofInvoice = (column: string, when?: string) =>
  Tenancy.via(column, "gibbonFinanceInvoice", "gibbonFinanceInvoiceID", invoice, when)
const formGroup = (id: string) =>
  Tenancy.any(
    Tenancy.via("gibbonPersonIDTutor", "gibbonPerson", "gibbonPersonID", Tenancy.own),
    Tenancy.via("gibbonPersonIDTutor2", "gibbonPerson", "gibbonPersonID", Tenancy.own),
    Tenancy.via("gibbonPersonIDTutor3", "gibbonPerson", "gibbonPersonID", Tenancy.own),
    Tenancy.via(id, "gibbonStudentEnrolment", id, person),
  )

const routes: Readonly<Record<string, Tenancy.Route>> = {
  gibbonPerson: personRoute,
  gibbonFamilyChild: child,
  gibbonFamilyAdult: adult,
  gibbonFamily: Tenancy.any(
    familyOfChild,
    Tenancy.via("gibbonFamilyID", "gibbonFamilyAdult", "gibbonFamilyID", person),
  ),
  gibbonPersonalDocument: Tenancy.via(
    "foreignTableID",
    "gibbonPerson",
    "gibbonPersonID",
    personRoute,
    "foreignTable = 'gibbonPerson'",
  ),
  gibbonSchoolYear: Tenancy.every,
  gibbonFinanceFee: Tenancy.every,
  gibbonFormGroup: formGroup("gibbonFormGroupID"),
  gibbonRollGroup: formGroup("gibbonRollGroupID"),
  gibbonStudentEnrolment: person,
  gibbonAttendanceLogPerson: person,
  gibbonFinanceInvoicee: invoicee,
  gibbonFinanceInvoice: invoice,
  gibbonFinanceInvoiceFee: ofInvoice("gibbonFinanceInvoiceID"),
  gibbonPayment: ofInvoice("foreignTableID", "foreignTable = 'gibbonFinanceInvoice'"),
}

const numeric = /^\d+$/

// `customField: School Code`: each person's value as the mappers read it (zero-filled ids or not),
// pushed to the source as the person ids of each school.
const customFieldRule: NonNullable<System["tenancyRule"]> = (rule, tenants, context) =>
  Effect.gen(function* () {
    const name = rule.customField
    if (name === undefined) return null
    const fields = yield* context.read("gibbonCustomField", "gibbonCustomFieldID")
    const ids: Gibbon.CustomFieldIds = new Map(
      fields.map((f) => [String(f.name), f.gibbonCustomFieldID as string | number]),
    )
    const persons = yield* context.read("gibbonPerson", "gibbonPersonID")
    const bySchool = new Map<string, Array<string>>(tenants.map((t) => [t, []]))
    const shown = new Map<string, string | null>()
    for (const p of persons) {
      const key = String(p.gibbonPersonID)
      const field = Gibbon.customField(p.fields, name, ids)
      const value = field._tag === "Invalid" ? null : field.value
      shown.set(key, field._tag === "Invalid" ? `(${field.reason})` : value)
      const tenant = value === null ? undefined : rule.map ? rule.map[value] : value
      if (tenant !== undefined)
        bySchool.get(tenant)?.push(numeric.test(key) ? String(Number(key)) : `'${key.replace(/'/g, "''")}'`)
    }
    return {
      belongs: (alias, tenant) => {
        const list = bySchool.get(tenant) ?? []
        return list.length === 0
          ? "1 = 0"
          : `${alias}.${context.quote("gibbonPersonID")} in (${list.join(", ")})`
      },
      describe: (row) =>
        Tenancy.describeValue(
          `custom field "${name}"`,
          shown.get(String(row.gibbonPersonID)) ?? null,
          rule,
          tenants,
        ),
    }
  })

/** Gibbon SMS. */
export const system: System = {
  name: "gibbon",
  options: Schema.Struct({
    ...commonOptions,
    formGroupNames: Schema.optional(Schema.Literal("v22", "pre-v22")),
    overpaid: Schema.optional(Schema.Literal("reject", "flag")),
  }),
  entities,
  targets: {
    [Gibbon.usersEntity]: "auth.users",
    [Gibbon.studentsEntity]: "academic.students",
    [Gibbon.teachersEntity]: "academic.teachers",
    [GibbonFamily.guardiansEntity]: "academic.guardians",
    [GibbonFamily.studentGuardiansEntity]: "academic.student_guardians",
    [GibbonDocuments.documentsEntity]: "academic.person_documents",
    [GibbonAcademic.academicYearsEntity]: "academic.academic_years",
    [GibbonAcademic.classesEntity]: "academic.classes",
    [GibbonAcademic.enrollmentsEntity]: "academic.enrollments",
    [GibbonAttendance.attendanceEntity]: "academic.attendance",
    [GibbonFinance.feeStructuresEntity]: "financial.fee_structures",
    [GibbonFinance.invoicesEntity]: "financial.invoices",
    [GibbonFinance.invoiceItemsEntity]: "financial.invoice_items",
    [GibbonFinance.paymentsEntity]: "financial.payments",
    [GibbonFinance.paymentAllocationsEntity]: "financial.payment_allocations",
  },
  // The columns each mapper reads (an install before v22 names some differently: both are read).
  reads: Object.fromEntries(
    (
      [
        [Gibbon.usersEntity, [Gibbon.PersonRow]],
        [Gibbon.studentsEntity, [Gibbon.PersonRow]],
        [Gibbon.teachersEntity, [Gibbon.PersonRow]],
        [GibbonFamily.guardiansEntity, [Gibbon.PersonRow, GibbonFamily.GuardianRow]],
        [GibbonFamily.studentGuardiansEntity, [GibbonFamily.FamilyAdultRow]],
        [GibbonDocuments.documentsEntity, [GibbonDocuments.DocumentRow]],
        [GibbonAcademic.academicYearsEntity, [GibbonAcademic.SchoolYearRow]],
        [GibbonAcademic.classesEntity, [GibbonAcademic.FormGroupRow, GibbonAcademic.RollGroupRow]],
        [
          GibbonAcademic.enrollmentsEntity,
          [GibbonAcademic.StudentEnrolmentRow, GibbonAcademic.PreV22StudentEnrolmentRow],
        ],
        [GibbonAttendance.attendanceEntity, [GibbonAttendance.AttendanceLogRow]],
        [GibbonFinance.feeStructuresEntity, [GibbonFinance.FeeRow]],
        [GibbonFinance.invoicesEntity, [GibbonFinance.InvoiceRow]],
        [GibbonFinance.invoiceItemsEntity, [GibbonFinance.InvoiceFeeRow]],
        [GibbonFinance.paymentsEntity, [GibbonFinance.PaymentRow]],
        [GibbonFinance.paymentAllocationsEntity, [GibbonFinance.PaymentRow]],
      ] as const
    ).map(([entity, rows]) => [entity, rows.flatMap((r) => Object.keys(r.fields))]),
  ),
  planned: [GibbonFamily.studentGuardiansEntity],
  // The family links are planned pairs of an adult and a child of one family: validate counts them
  // as the adults joined with their family's children, compared by count and ledger (no single key).
  checks: ({ dialect: d }) => ({
    [GibbonFamily.studentGuardiansEntity]: {
      legacyIds: "derived",
      sourceJoin: `join ${d.id("gibbonFamilyChild")} c on c.${d.id("gibbonFamilyID")} = t.${d.id("gibbonFamilyID")}`,
    },
  }),
  keyKind: "integer",
  routes,
  tenancyRule: customFieldRule,
}
