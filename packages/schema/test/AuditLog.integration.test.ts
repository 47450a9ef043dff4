import type pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Audit } from "../src/index.js"
import { migrated, type PortalDatabase } from "./PortalDatabase.js"

let portal: PortalDatabase
const user = "00000000-0000-4000-8000-0000000000a1"

const as = async (role: string, tenant: string | null) => {
  const client = await portal.connect()
  await client.query(`set session authorization ${role}`)
  if (tenant !== null) await client.query("select set_config('app.tenant_id', $1, false)", [tenant])
  return client
}

const logged = async (where = "true") =>
  Number((await portal.admin.query(`select count(*) as n from audit.audit_log where ${where}`)).rows[0].n)

const bulkInsert = (client: pg.Client, tenant: string, n: number) =>
  client.query(
    `insert into auth.users (tenant_id, first_name, legacy_source, legacy_id)
     select $1, 'Bulk ' || g, 'legacy_users', g::text from generate_series(1, $2::int) g`,
    [tenant, n],
  )

beforeAll(async () => {
  portal = await migrated("audit")
  await portal.admin.query(`
    insert into auth.tenants (code, name) values ('A', 'School A'), ('B', 'School B');
    insert into auth.users (id, tenant_id, first_name, password_hash, password_algorithm)
    values ('${user}', 'A', 'Aisyah', '$argon2id$v=19$secret', 'argon2id');
  `)
})
afterAll(async () => {
  await portal?.drop()
})

describe("audit log", () => {
  it("logs an update as one row with old and new values, the actor and the tenant", async () => {
    const app = await as("schoolbridge_app", "A")
    await app.query("select set_config('app.actor', 'user:teacher-42', false)")
    const before = await logged()
    await app.query(`update auth.users set phone = '+60123456789' where id = $1`, [user])
    expect(await logged()).toBe(before + 1)
    const row = (
      await portal.admin.query("select * from audit.audit_log order by occurred_at desc, id limit 1")
    ).rows[0]
    expect(row).toMatchObject({
      tenant_id: "A",
      operation: "UPDATE",
      table_name: "auth.users",
      row_id: user,
      actor: "user:teacher-42",
    })
    expect(row.old_data.phone).toBeNull()
    expect(row.new_data.phone).toBe("+60123456789")
    expect(row.old_data.password_hash).toBe("redacted")
    // The application reads its own tenant's trail, and only that.
    expect(Number((await app.query("select count(*) as n from audit.audit_log")).rows[0].n)).toBeGreaterThan(
      0,
    )
    expect(
      Number((await app.query("select count(*) as n from audit.audit_log where tenant_id <> 'A'")).rows[0].n),
    ).toBe(0)
  })

  it("logs inserts and deletes, one row per changed row", async () => {
    const before = await logged("table_name = 'auth.users' and operation = 'INSERT'")
    await bulkInsert(portal.admin, "B", 3)
    expect(await logged("table_name = 'auth.users' and operation = 'INSERT'")).toBe(before + 3)
    await portal.admin.query("delete from auth.users where tenant_id = 'B' and legacy_id = '3'")
    const deleted = await portal.admin.query(
      "select old_data ->> 'legacy_id' as legacy_id from audit.audit_log where operation = 'DELETE'",
    )
    expect(deleted.rows).toEqual([{ legacy_id: "3" }])
  })

  it("logs nothing of a bulk load while the migrator has the triggers off, and logs again once on", async () => {
    const migrator = await as("schoolbridge_migrator", null)
    const before = await logged()
    await migrator.query(Audit.disableTriggersSql)
    await bulkInsert(migrator, "A", 5000)
    await migrator.query("update auth.users set status = 'active' where tenant_id = 'A'")
    expect(await logged()).toBe(before)
    await migrator.query(Audit.enableTriggersSql)
    await migrator.query(`update auth.users set status = 'inactive' where id = $1`, [user])
    expect(await logged()).toBe(before + 1)
  })

  it("switches on again by itself when the migrator's session ends or its transaction does", async () => {
    const crashed = await as("schoolbridge_migrator", null)
    await crashed.query(Audit.disableTriggersSql)
    await crashed.end()
    const next = await as("schoolbridge_migrator", null)
    const before = await logged()
    await next.query(`update auth.users set last_name = 'binti Ahmad' where id = $1`, [user])
    expect(await logged()).toBe(before + 1)

    await next.query("begin")
    await next.query(Audit.disableTriggersForTransactionSql)
    await next.query(`update auth.users set last_name = 'Ahmad' where id = $1`, [user])
    await next.query("commit")
    expect(await logged()).toBe(before + 1)
    await next.query(`update auth.users set last_name = 'binti Ahmad' where id = $1`, [user])
    expect(await logged()).toBe(before + 2)
  })

  it("does not let the application role switch its own audit trail off", async () => {
    const app = await as("schoolbridge_app", "A")
    await expect(app.query(Audit.disableTriggersSql)).rejects.toThrow(/permission denied/)
    await app.query("select set_config('app.audit', 'off', false)")
    const before = await logged()
    await app.query(`update auth.users set phone = '+60198765432' where id = $1`, [user])
    expect(await logged()).toBe(before + 1)
  })

  it("keeps updated_at an update sets, and moves it on an update that does not", async () => {
    await portal.admin.query(`update auth.users set updated_at = '2020-01-01T00:00:00Z' where id = $1`, [
      user,
    ])
    const kept = await portal.admin.query("select updated_at from auth.users where id = $1", [user])
    expect(kept.rows[0].updated_at).toEqual(new Date("2020-01-01T00:00:00Z"))
    await portal.admin.query(`update auth.users set phone = null where id = $1`, [user])
    const moved = await portal.admin.query(
      "select updated_at > '2020-01-01' as moved from auth.users where id = $1",
      [user],
    )
    expect(moved.rows[0].moved).toBe(true)
  })
})
