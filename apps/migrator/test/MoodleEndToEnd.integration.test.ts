/**
 * The Moodle fixture (packages/mappers/test/fixtures/moodle) migrated end to end by the built CLI
 * with the shipped manifest, into a portal that already holds the Gibbon fixture's people (loaded
 * the real way, by the CLI with gibbon.yaml): Moodle users are matched to them, and every source
 * row is loaded, or rejected or skipped with a reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

// The fixture's dirt rejects more than the tolerated 2% of some entity's rows: run ends with exit 4.
const overTolerance = 4

const fixtures = path.resolve(import.meta.dirname, "../../../packages/mappers/test/fixtures")
const gibbonManifest = path.resolve(import.meta.dirname, "../manifests/gibbon.yaml")
const moodleManifest = path.resolve(import.meta.dirname, "../manifests/moodle.yaml")

let gibbon: TestDatabase
let moodle: TestDatabase
let target: TestDatabase
let my: mysql.Connection
let portal: pg.Client

const env = () => ({
  GIBBON_MYSQL_URL: gibbon.url,
  MOODLE_MYSQL_URL: moodle.url,
  SCHOOLBRIDGE_TARGET_URL: target.url,
})
const rows = async (sql: string, params: Array<unknown> = []) => (await portal.query(sql, params)).rows
const count = async (table: string) =>
  Number(((await my.query(`select count(*) as n from ${table}`)) as [Array<{ n: number }>, unknown])[0][0]!.n)

const sources: Record<string, string> = {
  "moodle.users": "mdl_user",
  "moodle.classes": "mdl_course",
  "moodle.enrollments": "mdl_user_enrolments",
  "moodle.assessments": "mdl_grade_items",
  "moodle.assessment_results": "mdl_grade_grades",
}
const tables: Record<string, string> = {
  "moodle.users": "auth.users",
  "moodle.classes": "academic.classes",
  "moodle.enrollments": "academic.enrollments",
  "moodle.assessments": "academic.assessments",
  "moodle.assessment_results": "academic.assessment_results",
}

// The portal student a Gibbon person became.
const gibbonStudent = async (gibbonPersonId: number) =>
  (
    await rows(
      `select s.id, s.user_id, s.student_number from academic.students s
        where s.legacy_source = 'gibbon.students' and s.legacy_id = $1`,
      [String(gibbonPersonId)],
    )
  )[0] as { id: string; user_id: string; student_number: string }

beforeAll(async () => {
  gibbon = await createMysqlDatabase("gibbon")
  moodle = await createMysqlDatabase("moodle")
  target = await createPgDatabase("portal")
  const g = await mysql.createConnection({ uri: gibbon.url, multipleStatements: true })
  for (const f of ["00-core.sql", "10-academic.sql", "20-finance.sql"])
    await g.query(readFileSync(path.join(fixtures, "gibbon", f), "utf8"))
  await g.end()
  my = await mysql.createConnection({ uri: moodle.url, multipleStatements: true })
  await my.query(readFileSync(path.join(fixtures, "moodle/moodle.sql"), "utf8"))
  // The Moodle fixture's people (S-0001, aisyah@school.my, ...) are those of the mapper tests, not
  // the Gibbon fixture's. These rows of this test's own copy are pointed at Gibbon people instead:
  //   3  idnumber ' s2020-001 ' → Ahmad Razak (Gibbon 101) by student number, case and spaces aside;
  //   4  email ' Zoe.Tan@Example.COM ' → Zoe Tan (102) by email;
  //   5  email of Nurul Huda (2), a teacher: matched, but not a student;
  //   11 idnumber S2020-009 → Aisyah binti Osman (109), with the admin's email (idnumber wins, noted);
  //   14 Ahmad's email: a second account of Ahmad, rejected (user 3 already matched him);
  //   12 username zoe.tan, which a Gibbon user holds: cannot be created.
  await my.query(
    `update mdl_user set idnumber = ' s2020-001 ' where id = 3;
     update mdl_user set email = ' Zoe.Tan@Example.COM ' where id = 4;
     update mdl_user set email = 'nurul.huda@sa01.edu.my' where id = 5;
     update mdl_user set idnumber = 'S2020-009', email = 'admin@sa01.edu.my' where id = 11;
     update mdl_user set email = 'ahmad.razak@student.sa01.edu.my' where id = 14;
     update mdl_user set username = 'zoe.tan' where id = 12;`,
  )
  portal = new pg.Client({ connectionString: target.url })
  await portal.connect()
}, 120_000)
afterAll(async () => {
  await my?.end()
  await portal?.end()
  await gibbon?.drop()
  await moodle?.drop()
  await target?.drop()
})

// The Moodle users the runs created in the portal, by Moodle id.
const created = () =>
  rows("select legacy_id from auth.users where legacy_source = 'moodle.users' order by legacy_id::int")

describe("Moodle → portal through the CLI, after Gibbon", () => {
  let gibbonUsers: number

  it("loads the portal's people from Gibbon first, with gibbon.yaml", async () => {
    const g = await cli(["run", "--manifest", gibbonManifest, "--tenant", "SA01"], env())
    expect(g.code).toBe(overTolerance)
    expect((await gibbonStudent(101)).student_number).toBe("S2020-001")
    expect((await gibbonStudent(109)).student_number).toBe("S2020-009")
    gibbonUsers = (await rows("select count(*)::int as n from auth.users"))[0].n
  })

  it("runs to completion with the shipped manifest", async () => {
    const run = await cli(["run", "--manifest", moodleManifest, "--tenant", "SA01"], env())
    expect(run.stderr).not.toMatch(/error|failed/i)
    expect(run.code).toBe(overTolerance)
    // The summary says how many Moodle users matched by each key (3 and 11 by idnumber, 4 and 5 by email).
    const matched = run.stdout.split("\n").filter((l) => l.includes("moodle_matched_by_"))
    expect(matched.map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      ["moodle.users", "moodle_matched_by_email", "2"],
      ["moodle.users", "moodle_matched_by_idnumber", "2"],
    ])
  })

  it("accounts for every source row of every entity: read = loaded + rejected + skipped", async () => {
    const accounts = await rows(
      `select entity, sum(read_count)::int as read, sum(loaded_count)::int as loaded,
              sum(rejected_count)::int as rejected, sum(skipped_count)::int as skipped
         from migration.batches where entity like 'moodle.%' group by entity order by entity`,
    )
    expect(accounts.map((a) => a.entity).sort()).toEqual(Object.keys(sources).sort())
    for (const a of accounts) {
      expect([a.entity, a.read]).toEqual([a.entity, await count(sources[a.entity]!)])
      expect([a.entity, a.read]).toEqual([a.entity, a.loaded + a.rejected + a.skipped])
      const [{ n }] = await rows(
        `select count(*)::int as n from ${tables[a.entity]} where legacy_source = $1`,
        [a.entity],
      )
      expect([a.entity, n]).toEqual([a.entity, a.loaded])
    }
    expect(Object.fromEntries(accounts.map((a) => [a.entity, [a.loaded, a.rejected, a.skipped]]))).toEqual({
      "moodle.users": [2, 5, 7],
      "moodle.classes": [3, 1, 1],
      "moodle.enrollments": [4, 6, 5],
      "moodle.assessments": [5, 3, 1],
      "moodle.assessment_results": [5, 3, 4],
    })
  })

  it("creates no portal user for a matched Moodle user, and records the match in the id map", async () => {
    // Only the unmatched users 7 and 10 are created (unmatchedUsers: create); their ids are
    // derived, so only the matches are written to the id map.
    expect(await created()).toEqual([{ legacy_id: "7" }, { legacy_id: "10" }])
    expect((await rows("select count(*)::int as n from auth.users"))[0].n).toBe(gibbonUsers + 2)
    const mapped = await rows(
      `select m.legacy_id as moodle, u.legacy_source, u.legacy_id from migration.id_map m
         join auth.users u on u.id = m.target_id
        where m.entity = 'moodle.users' order by m.legacy_id::int`,
    )
    expect(mapped).toEqual([
      { moodle: "3", legacy_source: "gibbon.users", legacy_id: "101" },
      { moodle: "4", legacy_source: "gibbon.users", legacy_id: "102" },
      { moodle: "5", legacy_source: "gibbon.users", legacy_id: "2" },
      { moodle: "11", legacy_source: "gibbon.users", legacy_id: "109" },
    ])
  })

  it("points enrolments and results at the Gibbon students, and at Moodle's classes and assessments", async () => {
    // Joined to Gibbon's students only: a row pointing anywhere else would be missing.
    const enrolments = await rows(
      `select e.legacy_id, s.legacy_id as student, c.legacy_id as class,
              e.enrollment_date::text as start, e.end_date::text as end, e.status
         from academic.enrollments e
         join academic.students s on s.id = e.student_id and s.legacy_source = 'gibbon.students'
         join academic.classes c on c.id = e.class_id and c.legacy_source = 'moodle.classes'
        where e.legacy_source = 'moodle.enrollments' order by e.legacy_id::int`,
    )
    expect(enrolments).toEqual([
      { legacy_id: "1", student: "101", class: "2", start: "2024-01-01", end: null, status: "active" },
      // Suspended in Moodle.
      {
        legacy_id: "2",
        student: "102",
        class: "2",
        start: "2024-01-01",
        end: "2025-01-01",
        status: "withdrawn",
      },
      // Through the disabled self enrolment; no start time, so the creation time.
      { legacy_id: "3", student: "109", class: "2", start: "2024-01-01", end: null, status: "withdrawn" },
      {
        legacy_id: "4",
        student: "101",
        class: "3",
        start: "2024-01-01",
        end: "2024-02-01",
        status: "completed",
      },
    ])
    const results = await rows(
      `select r.legacy_id, s.legacy_id as student, a.legacy_id as assessment, r.score::text,
              r.percentage::text, g.legacy_source || ':' || g.legacy_id as graded_by
         from academic.assessment_results r
         join academic.students s on s.id = r.student_id and s.legacy_source = 'gibbon.students'
         join academic.assessments a on a.id = r.assessment_id and a.legacy_source = 'moodle.assessments'
         left join auth.users g on g.id = r.graded_by
        where r.legacy_source = 'moodle.assessment_results' order by r.legacy_id::int`,
    )
    expect(results).toEqual([
      {
        legacy_id: "1",
        student: "101",
        assessment: "2",
        score: "20.00",
        percentage: "66.67",
        graded_by: "gibbon.users:2",
      },
      {
        legacy_id: "2",
        student: "102",
        assessment: "3",
        score: "4.00",
        percentage: "75.00",
        graded_by: "moodle.users:7",
      },
      { legacy_id: "3", student: "109", assessment: "2", score: null, percentage: null, graded_by: null },
      {
        legacy_id: "9",
        student: "101",
        assessment: "1",
        score: "66.67",
        percentage: "66.67",
        graded_by: null,
      },
      {
        legacy_id: "11",
        student: "102",
        assessment: "1",
        score: "0.00",
        percentage: "0.00",
        graded_by: "gibbon.users:2",
      },
    ])
  })

  it("gives every rejected or skipped row its reasons", async () => {
    const unexplained = await rows(
      `select b.entity, b.rejected_count + b.skipped_count as missing,
              (select count(distinct coalesce(e.source_key, e.error_id::text)) from migration.row_errors e
                where e.batch_id = b.batch_id and e.kind in ('rejected', 'skipped'))::int as explained
         from migration.batches b where b.entity like 'moodle.%'`,
    )
    for (const u of unexplained) expect([u.entity, u.explained]).toEqual([u.entity, u.missing])
    const rejected = await rows(
      `select b.entity, e.source_key, string_agg(e.rule, ',' order by e.rule) as rules
         from migration.row_errors e join migration.batches b using (batch_id)
        where b.entity like 'moodle.%' and e.kind = 'rejected' and e.message <> ''
        group by 1, 2 order by 1, e.source_key::int`,
    )
    expect(rejected).toEqual([
      { entity: "moodle.assessment_results", source_key: "5", rules: "grade_range" },
      { entity: "moodle.assessment_results", source_key: "6", rules: "moodle_grade_item" },
      { entity: "moodle.assessment_results", source_key: "7", rules: "moodle_user" },
      { entity: "moodle.assessments", source_key: "6", rules: "grade_range" },
      { entity: "moodle.assessments", source_key: "7", rules: "moodle_course" },
      { entity: "moodle.assessments", source_key: "8", rules: "moodle_itemtype" },
      { entity: "moodle.classes", source_key: "4", rules: "class_name" },
      { entity: "moodle.enrollments", source_key: "8", rules: "moodle_user" },
      { entity: "moodle.enrollments", source_key: "9", rules: "moodle_enrol" },
      { entity: "moodle.enrollments", source_key: "10", rules: "moodle_course" },
      { entity: "moodle.enrollments", source_key: "11", rules: "enrollment_dates" },
      { entity: "moodle.enrollments", source_key: "12", rules: "enrollment_date" },
      { entity: "moodle.enrollments", source_key: "13", rules: "moodle_course" },
      { entity: "moodle.users", source_key: "8", rules: "email_unique" },
      { entity: "moodle.users", source_key: "9", rules: "email_unique" },
      { entity: "moodle.users", source_key: "12", rules: "username_unique" },
      { entity: "moodle.users", source_key: "13", rules: "email,person_name" },
      { entity: "moodle.users", source_key: "14", rules: "moodle_user_duplicate" },
    ])
    const skipped = await rows(
      `select b.entity, e.source_key, e.message
         from migration.row_errors e join migration.batches b using (batch_id)
        where b.entity in ('moodle.users', 'moodle.enrollments') and e.kind = 'skipped'
        order by 1, e.source_key::int`,
    )
    expect(skipped).toEqual([
      { entity: "moodle.enrollments", source_key: "5", message: "user 5 is not a portal student" },
      { entity: "moodle.enrollments", source_key: "6", message: "user 7 is not a portal student" },
      {
        entity: "moodle.enrollments",
        source_key: "7",
        message: "user 6 is not migrated: deleted in Moodle",
      },
      {
        entity: "moodle.enrollments",
        source_key: "14",
        message: "user 3 is enrolled in course 2 again: enrolment 1 is kept",
      },
      {
        entity: "moodle.enrollments",
        source_key: "15",
        message: expect.stringMatching(
          /^user 14 was rejected: portal user .* is already matched by Moodle user 3$/,
        ),
      },
      { entity: "moodle.users", source_key: "1", message: "the Moodle guest account" },
      {
        entity: "moodle.users",
        source_key: "2",
        message: expect.stringMatching(/^a Moodle site administrator/),
      },
      {
        entity: "moodle.users",
        source_key: "3",
        message: expect.stringMatching(/^matched portal user .* by idnumber$/),
      },
      {
        entity: "moodle.users",
        source_key: "4",
        message: expect.stringMatching(/^matched portal user .* by email$/),
      },
      {
        entity: "moodle.users",
        source_key: "5",
        message: expect.stringMatching(/^matched portal user .* by email$/),
      },
      { entity: "moodle.users", source_key: "6", message: "deleted in Moodle" },
      {
        entity: "moodle.users",
        source_key: "11",
        message: expect.stringMatching(/^matched portal user .* by idnumber$/),
      },
    ])
    const conflict = await rows(
      `select e.rule from migration.row_errors e join migration.batches b using (batch_id)
        where b.entity = 'moodle.users' and e.source_key = '11' and e.kind = 'note'`,
    )
    expect(conflict).toContainEqual({ rule: "moodle_user_match" })
  })

  it("a second run over the same source changes nothing", async () => {
    const snapshot = () =>
      rows(
        `select (select md5(string_agg(id::text || updated_at::text, ',' order by id)) from auth.users) as users,
                (select md5(string_agg(id::text || updated_at::text, ',' order by id)) from academic.classes) as classes,
                (select md5(string_agg(id::text || student_id::text || status::text, ',' order by id))
                   from academic.enrollments) as enrollments,
                (select md5(string_agg(id::text || updated_at::text, ',' order by id)) from academic.assessments) as assessments,
                (select md5(string_agg(id::text || coalesce(score::text, '') || student_id::text, ',' order by id))
                   from academic.assessment_results) as results,
                (select count(*) from migration.id_map where entity like 'moodle.%') as mapped`,
      )
    const before = await snapshot()
    const again = await cli(["run", "--manifest", moodleManifest, "--tenant", "SA01"], env())
    expect(again.code).toBe(overTolerance)
    expect(await snapshot()).toEqual(before)
    // The users created by the first run are not matched to themselves: they stay created, once.
    expect(await created()).toEqual([{ legacy_id: "7" }, { legacy_id: "10" }])
    const second = await rows(
      `select entity, sum(loaded_count)::int as loaded, sum(rejected_count)::int as rejected
         from migration.batches
        where run_id = (select max(run_id) from migration.batches) group by entity order by entity`,
    )
    expect(second).toEqual([
      { entity: "moodle.assessment_results", loaded: 0, rejected: 3 },
      { entity: "moodle.assessments", loaded: 0, rejected: 3 },
      { entity: "moodle.classes", loaded: 0, rejected: 1 },
      { entity: "moodle.enrollments", loaded: 0, rejected: 6 },
      { entity: "moodle.users", loaded: 0, rejected: 5 },
    ])
  })

  it("refuses an unmatched-user policy it does not know (exit 2), loading nothing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moodle-manifest-"))
    const file = path.join(dir, "moodle.yaml")
    writeFileSync(
      file,
      readFileSync(moodleManifest, "utf8").replace("unmatchedUsers: create", "unmatchedUsers: merge"),
    )
    const batches = async () => (await rows("select count(*)::int as n from migration.batches"))[0].n
    const before = await batches()
    const r = await cli(["run", "--manifest", file, "--tenant", "SA01"], env())
    rmSync(dir, { recursive: true, force: true })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'options.unmatchedUsers: Expected one of "create", "skip", "reject", actual "merge"',
    )
    expect(await batches()).toBe(before)
  })
})
