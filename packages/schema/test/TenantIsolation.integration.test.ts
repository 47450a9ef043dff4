import type pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrated, type PortalDatabase, schemas } from "./PortalDatabase.js"

let portal: PortalDatabase
let app: pg.Client
let migrator: pg.Client

const userA = "00000000-0000-4000-8000-00000000000a"
const userB = "00000000-0000-4000-8000-00000000000b"
const studentA = "00000000-0000-4000-8000-0000000000a1"
const studentB = "00000000-0000-4000-8000-0000000000b1"
const guardianA = "00000000-0000-4000-8000-0000000000a2"
const guardianB = "00000000-0000-4000-8000-0000000000b2"

// The test connects as the server's superuser and becomes each role with SET SESSION AUTHORIZATION,
// which makes it that role for every check (RLS, grants) without depending on pg_hba or passwords.
const as = async (role: string, tenant: string | null) => {
  const client = await portal.connect()
  await client.query(`set session authorization ${role}`)
  if (tenant !== null) await client.query("select set_config('app.tenant_id', $1, false)", [tenant])
  return client
}

const count = async (client: pg.Client, sql: string, params: ReadonlyArray<unknown> = []) =>
  Number((await client.query(sql, params as Array<unknown>)).rows[0]!.n)

beforeAll(async () => {
  portal = await migrated("rls")
  await portal.admin.query(`
    insert into auth.tenants (code, name) values ('A', 'School A'), ('B', 'School B');
    insert into auth.users (id, tenant_id, first_name, email) values
      ('${userA}', 'A', 'Aisyah', 'aisyah@a.example'),
      ('${userB}', 'B', 'Badrul', 'badrul@b.example');
    insert into academic.students (id, tenant_id, user_id, student_number) values
      ('${studentA}', 'A', '${userA}', 'STU2024A0001'), ('${studentB}', 'B', '${userB}', 'STU2024B0001');
    insert into academic.guardians (id, tenant_id, first_name) values
      ('${guardianA}', 'A', 'Ibu A'), ('${guardianB}', 'B', 'Ibu B');
    insert into academic.student_guardians (tenant_id, student_id, guardian_id, relationship) values
      ('B', '${studentB}', '${guardianB}', 'mother');
  `)
  app = await as("schoolbridge_app", "A")
  migrator = await as("schoolbridge_migrator", null)
})
afterAll(async () => {
  await portal?.drop()
})

describe("row-level security", () => {
  it("puts a tenant_isolation policy on every table with a tenant_id", async () => {
    const rows = (
      await portal.admin.query<{ table: string; rls: boolean; policies: number }>(
        `select c.oid::regclass::text as table, c.relrowsecurity as rls,
                (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
          where n.nspname = any($1) and c.relkind = 'r'`,
        [schemas],
      )
    ).rows
    expect(rows.length).toBeGreaterThan(30)
    expect(rows.filter((r) => !r.rls || r.policies !== 1)).toEqual([])
  })

  it("lets the application role see its own tenant's rows and none of another's", async () => {
    expect((await app.query("select id from auth.users")).rows).toEqual([{ id: userA }])
    expect(await count(app, "select count(*) as n from academic.students")).toBe(1)
    expect(await count(app, "select count(*) as n from academic.students where tenant_id = 'B'")).toBe(0)
    expect((await app.query("select code from auth.tenants")).rows).toEqual([{ code: "A" }])
  })

  it("refuses the application role's inserts, updates and deletes of another tenant's rows", async () => {
    await expect(
      app.query(`insert into auth.users (tenant_id, first_name) values ('B', 'Intruder')`),
    ).rejects.toThrow(/row-level security/)
    expect((await app.query(`update auth.users set first_name = 'X' where id = '${userB}'`)).rowCount).toBe(0)
    expect((await app.query(`delete from academic.students where tenant_id = 'B'`)).rowCount).toBe(0)
    // Moving an own row to the other tenant is a write into it, refused as well.
    await expect(app.query(`update auth.users set tenant_id = 'B' where id = '${userA}'`)).rejects.toThrow(
      /row-level security/,
    )
    const b = await portal.admin.query(`select first_name from auth.users where id = '${userB}'`)
    expect(b.rows).toEqual([{ first_name: "Badrul" }])
    expect(
      await count(portal.admin, "select count(*) as n from academic.students where tenant_id = 'B'"),
    ).toBe(1)
  })

  it("lets the application role write its own tenant's rows", async () => {
    await app.query(`insert into auth.users (tenant_id, first_name) values ('A', 'Amir')`)
    expect(
      (await app.query(`update auth.users set phone = '+60123456789' where id = '${userA}'`)).rowCount,
    ).toBe(1)
    expect(await count(app, "select count(*) as n from auth.users")).toBe(2)
  })

  it("shows a session without a tenant setting no tenant-owned rows", async () => {
    const anonymous = await as("schoolbridge_app", null)
    expect(await count(anonymous, "select count(*) as n from auth.users")).toBe(0)
    await expect(
      anonymous.query(`insert into auth.users (tenant_id, first_name) values ('A', 'Nobody')`),
    ).rejects.toThrow(/row-level security/)
  })

  it("keeps the shared catalog and the migration ledger out of the application role's reach", async () => {
    await expect(app.query(`insert into auth.roles (code, name) values ('x', 'X')`)).rejects.toThrow(
      /permission denied/,
    )
    await expect(app.query(`insert into auth.tenants (code, name) values ('C', 'C')`)).rejects.toThrow(
      /permission denied/,
    )
    await expect(app.query("select count(*) from migration.runs")).rejects.toThrow(/permission denied/)
  })

  it("lets the migrator role bypass row-level security and use the ledger", async () => {
    expect(await count(migrator, "select count(*) as n from academic.students")).toBe(2)
    await migrator.query(`insert into auth.users (tenant_id, first_name) values ('B', 'Loaded')`)
    expect(await count(migrator, "select count(*) as n from auth.users where tenant_id = 'B'")).toBe(2)
    await migrator.query(`insert into migration.runs (label) values ('rls test')`)
    await migrator.query(
      `insert into migration.targets (target_table, id_column, tenant_column, legacy_columns)
       values ('academic.students', 'id', 'tenant_id', true)`,
    )
    await migrator.query("select migration.refresh_legacy_id_map()")
    expect(await count(migrator, "select count(*) as n from migration.legacy_id_map")).toBe(0)
    const owned = await portal.admin.query(
      `select count(*) as n from pg_class c join pg_roles r on r.oid = c.relowner
        where r.rolname in ('schoolbridge_migrator', 'schoolbridge_app')`,
    )
    expect(Number(owned.rows[0].n)).toBe(0)
  })
})

describe("references across tenants", () => {
  // What an id of another tenant makes the database say must not depend on whether that id exists.
  const link = (client: pg.Client, tenant: string, student: string, guardian: string) =>
    client.query(
      "insert into academic.student_guardians (tenant_id, student_id, guardian_id, relationship) values ($1, $2, $3, 'mother')",
      [tenant, student, guardian],
    )
  const missing = "00000000-0000-4000-8000-0000000000ff"

  it("refuses the application role a link to another tenant's student, exactly as to an id that exists nowhere", async () => {
    const other = await link(app, "A", studentB, guardianA).catch((e: Error) => e)
    const none = await link(app, "A", missing, guardianA).catch((e: Error) => e)
    expect(other).toBeInstanceOf(Error)
    expect((other as { code?: string }).code).toBe("23503")
    expect((other as Error).message).toBe((none as Error).message)
    // Nor does a pair that another tenant has linked already answer "already exists".
    const pair = await link(app, "A", studentB, guardianB).catch((e: Error) => e)
    expect((pair as { code?: string }).code).toBe("23503")
    expect(await count(portal.admin, "select count(*) as n from academic.student_guardians")).toBe(1)
  })

  it("refuses the migrator, which bypasses row-level security, the same links", async () => {
    await expect(link(migrator, "A", studentB, guardianA)).rejects.toThrow(
      /student_guardians_student_id_fkey/,
    )
    await expect(link(migrator, "B", studentB, guardianA)).rejects.toThrow(
      /student_guardians_guardian_id_fkey/,
    )
    await expect(
      migrator.query("insert into academic.teachers (tenant_id, user_id) values ('A', $1)", [userB]),
    ).rejects.toThrow(/teachers_user_id_fkey/)
    // Within one tenant the same statements go through.
    await link(migrator, "A", studentA, guardianA)
    expect(await count(portal.admin, "select count(*) as n from academic.student_guardians")).toBe(2)
  })

  it("follows a tenant whose code changes, through every key", async () => {
    await portal.admin.query("update auth.tenants set code = 'B2' where code = 'B'")
    expect(
      (
        await portal.admin.query("select tenant_id from academic.student_guardians where student_id = $1", [
          studentB,
        ])
      ).rows,
    ).toEqual([{ tenant_id: "B2" }])
    await portal.admin.query("update auth.tenants set code = 'B' where code = 'B2'")
  })
})
