/**
 * The browser app's JSON export (seed 003): one document whose collections are read whole, planned
 * together (ids, student numbers, shared emails, guardians shared by siblings), then mapped entity by
 * entity. Each entity reads its collection at `<documentRoot>.<collection>` (default `data.`).
 */
import { BrowserExport } from "@schoolbridge/mappers"
import { Effect, Schema } from "effect"
import type * as Exit from "../Exit.js"
import { commonOptions, type Factory, type Prep, type System } from "../System.js"
import * as BrowserExportChecks from "./BrowserExportChecks.js"

const root = (p: Prep) => {
  const r = p.option<string>("documentRoot", "data")
  return r === "" ? "" : `${r}.`
}

// The plan is made once per run, over every collection.
const planOf = (p: Prep, self: string): Effect.Effect<BrowserExport.Plan, Exit.CliError> =>
  p.memo(
    "browser.plan",
    Effect.gen(function* () {
      const collections = yield* Effect.forEach(BrowserExport.collectionNames, (name) =>
        Effect.map(p.table(self, `${root(p)}${name}`, "id", self), (rows) => [name, rows] as const),
      )
      const document = Object.fromEntries(collections) as unknown as BrowserExport.Document
      const whole = yield* p.document(self, self)
      return BrowserExport.plan(document, {
        schoolCode: p.option("schoolCode", p.tenant),
        asOf: p.asOf,
        timeZone: p.manifest.timeZone,
        exportedAt: BrowserExport.exportedAt(whole, p.manifest.timeZone),
      })
    }),
  )

const factory =
  (name: string): Factory =>
  (p) =>
    Effect.flatMap(planOf(p, name), (plan) => {
      const entity = BrowserExport.entities({
        tenant: p.tenant,
        asOf: p.asOf,
        loadedAt: p.loadedAt,
        timeZone: p.manifest.timeZone,
        plan,
        resetHash: p.resetHash(),
        currency: p.option("currency", "MYR"),
      }).find((e) => e.name === name)
      // Every name of `sourceOf` is an entity of `entities`; the end-to-end test holds them together.
      return entity ? Effect.succeed(entity) : Effect.die(new Error(`BrowserExport.entities has no ${name}`))
    })

const names = Object.keys(BrowserExport.sourceOf)

// The portal table of each entity, as BrowserExport builds them (checked when a run builds them).
const targets: Record<string, string> = {
  [BrowserExport.studentUsersEntity]: "auth.users",
  [BrowserExport.teacherUsersEntity]: "auth.users",
  [BrowserExport.teachersEntity]: "academic.teachers",
  [BrowserExport.classesEntity]: "academic.classes",
  [BrowserExport.studentsEntity]: "academic.students",
  [BrowserExport.enrollmentsEntity]: "academic.enrollments",
  [BrowserExport.parentsEntity]: "academic.guardians",
  [BrowserExport.parentLinksEntity]: "academic.student_guardians",
  [BrowserExport.emergencyContactsEntity]: "academic.guardians",
  [BrowserExport.emergencyLinksEntity]: "academic.student_guardians",
  [BrowserExport.discountsEntity]: "financial.scholarships",
  [BrowserExport.studentDiscountsEntity]: "financial.student_scholarships",
  [BrowserExport.attendanceEntity]: "academic.attendance",
  [BrowserExport.assessmentsEntity]: "academic.assessments",
  [BrowserExport.assessmentResultsEntity]: "academic.assessment_results",
  [BrowserExport.invoicesEntity]: "financial.invoices",
  [BrowserExport.invoiceItemsEntity]: "financial.invoice_items",
  [BrowserExport.paymentsEntity]: "financial.payments",
  [BrowserExport.paymentAllocationsEntity]: "financial.payment_allocations",
  [BrowserExport.privateLessonsEntity]: "academic.private_lessons",
  [BrowserExport.quranProgramsEntity]: "islamic.quran_programs",
  [BrowserExport.quranEnrollmentsEntity]: "islamic.quran_enrollments",
  [BrowserExport.quranProgressEntity]: "islamic.hafiz_progress",
  [BrowserExport.murajaahEntity]: "islamic.murajaah_sessions",
  [BrowserExport.announcementsEntity]: "communication.announcements",
}

/** The browser app's export. */
export const system: System = {
  name: "browser-export",
  options: Schema.Struct({
    ...commonOptions,
    documentRoot: Schema.optional(Schema.String),
  }),
  entities: Object.fromEntries(names.map((n) => [n, factory(n)])),
  targets,
  checks: BrowserExportChecks.checks,
  // The newest copy of a repeated id loads as the id: validate compares it so.
  fileKeys: (entity, rows, keys) => {
    const collection = BrowserExport.sourceOf[entity]
    return collection === undefined ? keys : BrowserExport.legacyKeys(collection, rows, keys)
  },
  // Classrooms have no table of their own: the plan reads them for the classes' rooms.
  references: (option) => {
    const r = option<string>("documentRoot", "data")
    return [`${r === "" ? "" : `${r}.`}classrooms`]
  },
}
