/**
 * What the PostgreSQL sink makes of a row whose parent is not in the portal: a required reference to
 * a parent this run rejected is refused as `parent_rejected:<entity>` naming the parent and the root
 * cause, down a chain; an optional one is stored as empty with a note and the row loads.
 */
import { type Entity, Pipeline, Source, Transform } from "@schoolbridge/core"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Layer, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgClient, PgLedger, PgSink } from "../src/index.js"

const ddl = `
  create schema school;
  create table school.teachers (
    id uuid primary key, tenant_id text not null, legacy_id text not null, name text not null,
    unique (tenant_id, id)
  );
  create table school.classes (
    id uuid primary key, tenant_id text not null, legacy_id text not null,
    -- required: a class has its teacher; optional: a stand-in
    teacher_id uuid not null, stand_in_id uuid,
    unique (tenant_id, id),
    foreign key (tenant_id, teacher_id) references school.teachers (tenant_id, id),
    foreign key (tenant_id, stand_in_id) references school.teachers (tenant_id, id)
  );
  create table school.marks (
    id uuid primary key, tenant_id text not null, legacy_id text not null, class_id uuid not null,
    foreign key (tenant_id, class_id) references school.classes (tenant_id, id)
  );`

type Row = Record<string, string | null>

// Teachers with a blank name are rejected by the transform; Gibbon-like zero-filled keys.
const teachers: Entity.Entity<Row> = {
  name: "teachers",
  ids: "ordered",
  target: {
    table: "school.teachers",
    columns: ["id", "tenant_id", "legacy_id", "name"],
    tenantColumn: "tenant_id",
  },
  transform: Transform.fromRow((r, ctx) =>
    r.name === ""
      ? Transform.reject(Transform.reason("name", "person_name", "no name"))
      : [ctx.id("SA01", Number(r.id)), "SA01", String(Number(r.id)), r.name],
  ),
}

const classes: Entity.Entity<Row> = {
  name: "classes",
  ids: "ordered",
  dependsOn: ["teachers"],
  target: {
    table: "school.classes",
    columns: ["id", "tenant_id", "legacy_id", "teacher_id", "stand_in_id"],
    tenantColumn: "tenant_id",
  },
  transform: Transform.fromRow((r, ctx) => [
    ctx.id("SA01", Number(r.id)),
    "SA01",
    r.id,
    ctx.id("SA01", Number(r.teacher), "teachers"),
    r.standIn === null ? null : ctx.id("SA01", Number(r.standIn), "teachers"),
  ]),
}

const marks: Entity.Entity<Row> = {
  name: "marks",
  ids: "ordered",
  dependsOn: ["classes"],
  target: {
    table: "school.marks",
    columns: ["id", "tenant_id", "legacy_id", "class_id"],
    tenantColumn: "tenant_id",
  },
  transform: Transform.fromRow((r, ctx) => [
    ctx.id("SA01", Number(r.id)),
    "SA01",
    r.id,
    ctx.id("SA01", Number(r.class), "classes"),
  ]),
}

const rows = <R extends Row>(name: string, list: ReadonlyArray<R>) =>
  Source.fromRows(name, list, (r) => r.id!)

let db: TestDatabase
let pool: pg.Pool

beforeAll(async () => {
  db = await createPgDatabase("references")
  pool = new pg.Pool({ connectionString: db.url, max: 2 })
  pool.on("error", () => {})
  const pgLayer = PgClient.layer({ url: Redacted.make(db.url), max: 3 })
  await Effect.runPromise(PgLedger.migrateSchema.pipe(Effect.provide(pgLayer)))
  await pool.query(ddl)
  const steps: ReadonlyArray<Pipeline.Step> = [
    {
      entity: teachers,
      source: rows("teachers", [
        { id: "0000000001", name: "Puan Aminah" },
        // No name: rejected, and with it the class it teaches.
        { id: "0000000002", name: "" },
        // A key that is not a number, rejected too: the parent search never reads it as one.
        { id: "T-9", name: "" },
      ]),
    },
    {
      entity: classes,
      source: rows("classes", [
        { id: "10", teacher: "1", standIn: "2" },
        { id: "11", teacher: "2", standIn: null },
        // A teacher no source row has: the plain constraint, nothing to blame.
        { id: "12", teacher: "99", standIn: "98" },
        { id: "13", teacher: "1", standIn: "98" },
      ]),
    },
    {
      entity: marks,
      source: rows("marks", [
        { id: "100", class: "10" },
        { id: "101", class: "11" },
        { id: "102", class: "11" },
      ]),
    },
  ]
  await Effect.runPromise(
    Pipeline.run(steps, { batchSize: 100 }).pipe(
      Effect.provide(Layer.mergeAll(PgSink.layer, PgLedger.layer).pipe(Layer.provideMerge(pgLayer))),
    ),
  )
})
afterAll(async () => {
  await pool?.end()
  await db?.drop()
})

const ledger = async (kind: string) =>
  (
    await pool.query<{ entity: string; key: string; column: string | null; rule: string; message: string }>(
      `select entity, source_key as key, column_name as column, rule, message from migration.row_errors
        where kind = $1 order by entity, length(source_key), source_key, rule`,
      [kind],
    )
  ).rows

describe("rows whose parent is not in the portal", () => {
  it("loads a row whose optional reference is missing, with that reference empty", async () => {
    const loaded = await pool.query(
      `select c.legacy_id, t.legacy_id as teacher, s.legacy_id as stand_in from school.classes c
         join school.teachers t on t.id = c.teacher_id left join school.teachers s on s.id = c.stand_in_id
        order by c.legacy_id`,
    )
    expect(loaded.rows).toEqual([
      { legacy_id: "10", teacher: "1", stand_in: null },
      { legacy_id: "13", teacher: "1", stand_in: null },
    ])
    expect((await ledger("note")).map((n) => [n.entity, n.key, n.column, n.rule, n.message])).toEqual([
      [
        "classes",
        "10",
        "stand_in_id",
        "parent_rejected:teachers",
        "stand_in_id refers to teachers 0000000002, rejected in this run; root cause: teachers 0000000002 person_name (no name); stored as empty",
      ],
      [
        "classes",
        "13",
        "stand_in_id",
        "reference_missing",
        "stand_in_id refers to a row that is not in teachers; stored as empty",
      ],
    ])
  })

  it("refuses a row whose required parent this run rejected, naming the parent and the root cause down a chain", async () => {
    const refused = (await ledger("rejected")).map((r) => [r.entity, r.key, r.column, r.rule, r.message])
    const root = "root cause: teachers 0000000002 person_name (no name)"
    expect(refused).toEqual([
      [
        "classes",
        "11",
        "teacher_id",
        "parent_rejected:teachers",
        `teacher_id refers to teachers 0000000002, rejected in this run; ${root}`,
      ],
      // No row of the run is its teacher: the database's own refusal stands.
      [
        "classes",
        "12",
        "teacher_id",
        expect.stringMatching(/^constraint:/),
        expect.stringContaining("not present"),
      ],
      [
        "marks",
        "101",
        "class_id",
        "parent_rejected:classes",
        `class_id refers to classes 11, rejected in this run; ${root}`,
      ],
      [
        "marks",
        "102",
        "class_id",
        "parent_rejected:classes",
        `class_id refers to classes 11, rejected in this run; ${root}`,
      ],
      ["teachers", "T-9", "name", "person_name", "no name"],
      ["teachers", "0000000002", "name", "person_name", "no name"],
    ])
    const counts = await pool.query(
      "select entity, sum(loaded_count)::int as loaded, sum(rejected_count)::int as rejected from migration.batches group by 1 order by 1",
    )
    expect(counts.rows).toEqual([
      { entity: "classes", loaded: 2, rejected: 2 },
      { entity: "marks", loaded: 1, rejected: 2 },
      { entity: "teachers", loaded: 1, rejected: 2 },
    ])
  })
})
