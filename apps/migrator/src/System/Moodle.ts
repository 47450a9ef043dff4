/**
 * Moodle LMS: which mapper each entity name runs, and the whole-table pre-passes its options need.
 * Moodle's people already exist in the portal (loaded from the school's SIS), so the users plan is
 * made against the portal's own rows of the run's tenant, read before anything of this run loads.
 */
import { Moodle } from "@schoolbridge/mappers"
import { Effect, Schema } from "effect"
import * as Exit from "../Exit.js"
import type { Factory, Prep, System } from "../System.js"

type Rows<A> = Effect.Effect<ReadonlyArray<A>, Exit.CliError>

const rows = <A>(p: Prep, entity: string, needer: string): Rows<A> =>
  p.rowsOf(entity, needer) as unknown as Rows<A>

const options = (p: Prep): Moodle.Options => ({ tenant: p.tenant, loadedAt: p.loadedAt })

const unmatchedPolicies: ReadonlyArray<Moodle.Unmatched> = ["create", "skip", "reject"]

/** The manifest's `unmatchedUsers`: what becomes of a Moodle user no portal user matches. */
const unmatched = (p: Prep): Effect.Effect<Moodle.Unmatched, Exit.CliError> => {
  const value = p.option<unknown>("unmatchedUsers", "reject")
  return unmatchedPolicies.includes(value as Moodle.Unmatched)
    ? Effect.succeed(value as Moodle.Unmatched)
    : Effect.fail(
        Exit.config(`options.unmatchedUsers: ${String(value)} is not one of ${unmatchedPolicies.join(", ")}`),
      )
}

/** The manifest's `siteAdmins`: Moodle user ids of the site administrators (`mdl_config` `siteadmins`). */
const siteAdmins = (p: Prep): Effect.Effect<ReadonlyArray<string>, Exit.CliError> => {
  const value = p.option<unknown>("siteAdmins", [2])
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [value]
  const ids = list.map(Moodle.normalizeId)
  return ids.every((id) => id !== undefined)
    ? Effect.succeed(ids as ReadonlyArray<string>)
    : Effect.fail(
        Exit.config(`options.siteAdmins: ${JSON.stringify(value)} is not a list of Moodle user ids`),
      )
}

/** The manifest's `tablePrefix` (`$CFG->prefix`): names the reference tables no entity declares. */
const tables = (p: Prep) => Moodle.tables(p.option("tablePrefix", Moodle.defaultPrefix))

// The portal's people of the tenant, as Moodle.userMatch reads them. Rows an earlier Moodle run
// created are left out: matching a Moodle user to its own created row would turn it into a match
// on a second run, and its username would count as taken.
const portalPeople = (p: Prep) =>
  Effect.gen(function* () {
    const users = yield* p.portal<{
      id: string
      email: string | null
      username: string | null
      first_name: string | null
      last_name: string | null
    }>(
      `select id::text as id, email, username, first_name, last_name from auth.users
        where tenant_id = $1 and deleted_at is null and legacy_source is distinct from $2`,
      [p.tenant, Moodle.usersEntity],
    )
    const students = yield* p.portal<{ id: string; user_id: string; student_number: string }>(
      `select id::text as id, user_id::text as user_id, student_number from academic.students
        where tenant_id = $1 and deleted_at is null`,
      [p.tenant],
    )
    // Staff numbers are what a school most often keeps in a teacher's Moodle idnumber.
    const identifiers = yield* p.portal<{ user_id: string; value: string }>(
      `select user_id::text as user_id, staff_number as value from academic.teachers
        where tenant_id = $1 and deleted_at is null and staff_number is not null`,
      [p.tenant],
    )
    // People another system's run rejected: in the ledger, not in the portal.
    const rejected = yield* p.portal<{ entity: string; key: string; run: string; raw: unknown }>(
      `select e.entity, e.source_key as key, e.run_id::text as run, e.raw
         from migration.row_errors e
         join migration.batches b on b.batch_id = e.batch_id
         join migration.runs r on r.run_id = e.run_id
        where e.kind = 'rejected' and b.rolled_back_at is null and e.entity not like 'moodle.%'
          and (e.entity like '%.users' or e.entity like '%.students' or e.entity like '%.teachers')
          and (r.options->>'tenant' = $1 or b.partition_key = $1)`,
      [p.tenant],
    )
    const field = (raw: unknown, ...names: ReadonlyArray<string>) =>
      names
        .map((n) =>
          typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[n] : undefined,
        )
        .filter((v): v is string | number => typeof v === "string" || typeof v === "number")
        .map(String)
    const pending = rejected.map((r) => ({
      where: `${r.entity} ${r.key} (run ${r.run})`,
      username: field(r.raw, "username")[0] ?? null,
      email: field(r.raw, "email")[0] ?? null,
      numbers: field(r.raw, "studentID", "student_number", "studentNumber", "staff_number", "staffNumber"),
    }))
    return Moodle.userMatch({ users, students, identifiers, pending })
  })

// The users plan is needed by three factories; it is made once per run.
const userPlan = (p: Prep, needer: string): Effect.Effect<Moodle.UserPlan, Exit.CliError> =>
  p.memo(
    "moodle.users.plan",
    Effect.gen(function* () {
      const policy = yield* unmatched(p)
      const admins = yield* siteAdmins(p)
      const match = yield* portalPeople(p)
      const users = yield* rows<Moodle.UserRow>(p, Moodle.usersEntity, needer)
      return Moodle.planUsers(users, match, { unmatched: policy, siteAdmins: admins })
    }),
  )

const courses = (p: Prep, needer: string) =>
  Effect.map(rows<Moodle.CourseRow>(p, Moodle.classesEntity, needer), Moodle.indexCourses)

const entities: Record<string, Factory> = {
  [Moodle.usersEntity]: (p) =>
    Effect.map(userPlan(p, Moodle.usersEntity), (plan) =>
      Moodle.users({
        ...options(p),
        passwords: p.manifest.passwords,
        ...(p.manifest.passwords === "force-reset" ? { resetHash: p.resetHash() } : {}),
        plan,
      }),
    ),
  [Moodle.classesEntity]: (p) =>
    Effect.map(
      p.table(Moodle.classesEntity, tables(p).courseCategories, "id", Moodle.classesEntity),
      (categories) =>
        Moodle.classes({
          ...options(p),
          categories: Moodle.indexCategories(categories as unknown as ReadonlyArray<Moodle.CategoryRow>),
        }),
    ),
  [Moodle.enrollmentsEntity]: (p) =>
    Effect.gen(function* () {
      const self = Moodle.enrollmentsEntity
      const enrols = Moodle.indexEnrols(
        (yield* p.table(self, tables(p).enrol, "id", self)) as unknown as ReadonlyArray<Moodle.EnrolRow>,
      )
      return Moodle.enrollments({
        ...options(p),
        asOf: p.asOf,
        timeZone: p.manifest.timeZone,
        users: yield* userPlan(p, self),
        enrols,
        courses: yield* courses(p, self),
        duplicates: Moodle.duplicateEnrolments(yield* rows<Moodle.UserEnrolmentRow>(p, self, self), enrols),
      })
    }),
  [Moodle.assessmentsEntity]: (p) =>
    Effect.map(courses(p, Moodle.assessmentsEntity), (index) =>
      Moodle.assessments({ ...options(p), courses: index }),
    ),
  [Moodle.resultsEntity]: (p) =>
    Effect.gen(function* () {
      const self = Moodle.resultsEntity
      const items = Moodle.indexGradeItems(
        yield* rows<Moodle.GradeItemRow>(p, Moodle.assessmentsEntity, self),
        yield* courses(p, self),
      )
      return Moodle.assessmentResults({ ...options(p), users: yield* userPlan(p, self), items })
    }),
}

/** Moodle LMS. */
export const system: System = {
  name: "moodle",
  options: Schema.Struct({
    tablePrefix: Schema.optional(Schema.String.pipe(Schema.pattern(/^[a-z0-9_]*$/))),
    unmatchedUsers: Schema.optional(Schema.Literal("create", "skip", "reject")),
    siteAdmins: Schema.optional(Schema.Array(Schema.Union(Schema.Int, Schema.String))),
  }),
  entities,
  targets: {
    [Moodle.usersEntity]: "auth.users",
    [Moodle.classesEntity]: "academic.classes",
    [Moodle.enrollmentsEntity]: "academic.enrollments",
    [Moodle.assessmentsEntity]: "academic.assessments",
    [Moodle.resultsEntity]: "academic.assessment_results",
  },
}
