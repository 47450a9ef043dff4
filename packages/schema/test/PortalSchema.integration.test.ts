import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Academic, Auth, Table } from "../src/index.js"
import { migrated, type PortalDatabase, schemas, tables } from "./PortalDatabase.js"

let portal: PortalDatabase
beforeAll(async () => {
  portal = await migrated("portal")
})
afterAll(async () => {
  await portal?.drop()
})

interface LiveColumn {
  readonly table: string
  readonly column: string
  readonly type: string
  readonly nullable: boolean
}

const liveColumns = async (): Promise<ReadonlyArray<LiveColumn>> =>
  (
    await portal.admin.query<LiveColumn>(
      `select n.nspname || '.' || c.relname as table, a.attname as column,
              format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1) and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
        order by 1, a.attnum`,
      [schemas],
    )
  ).rows

const fromSchemas = (): ReadonlyArray<LiveColumn> =>
  tables.flatMap((t) =>
    t.columns.map((column) => {
      const c = t.fields[column]!
      return { table: t.table, column, type: c.sqlType, nullable: c.nullable }
    }),
  )

const key = (c: LiveColumn) => `${c.table}.${c.column}`

describe("the portal schema", () => {
  it("has an effect Schema for every table, and a table for every effect Schema", async () => {
    const live = new Set((await liveColumns()).map((c) => c.table))
    const declared = tables.map((t) => t.table)
    expect(new Set(declared).size).toBe(declared.length)
    expect([...live].sort()).toEqual([...declared].sort())
  })

  it("matches the live columns both ways: name, type and nullability", async () => {
    const live = await liveColumns()
    const declared = fromSchemas()
    const liveByKey = new Map(live.map((c) => [key(c), c]))
    const declaredByKey = new Map(declared.map((c) => [key(c), c]))
    const missingInDb = declared.filter((c) => !liveByKey.has(key(c))).map(key)
    const missingInSchemas = live.filter((c) => !declaredByKey.has(key(c))).map(key)
    const differing = declared
      .filter((c) => liveByKey.has(key(c)))
      .filter((c) => {
        const l = liveByKey.get(key(c))!
        return l.type !== c.type || l.nullable !== c.nullable
      })
      .map((c) => ({ declared: c, live: liveByKey.get(key(c)) }))
    expect({ missingInDb, missingInSchemas, differing }).toEqual({
      missingInDb: [],
      missingInSchemas: [],
      differing: [],
    })
  })

  it("declares every enum with the database's labels, in order", async () => {
    const rows = (
      await portal.admin.query<{ type: string; labels: Array<string> }>(
        `select n.nspname || '.' || t.typname as type, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
           from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
          where n.nspname = any($1) group by 1 order by 1`,
        [schemas],
      )
    ).rows
    const declared = new Map<string, ReadonlyArray<string>>()
    for (const t of tables)
      for (const c of Object.values(t.fields)) if (c.labels) declared.set(c.sqlType, c.labels)
    expect(Object.fromEntries([...declared].sort())).toEqual(
      Object.fromEntries(rows.map((r) => [r.type, r.labels])),
    )
  })

  it("gives every table a uuid primary key named id", async () => {
    const rows = (
      await portal.admin.query<{ table: string; pk: string | null }>(
        `select n.nspname || '.' || c.relname as table,
                (select string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',')
                   from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
                  where k.conrelid = c.oid and k.contype = 'p') as pk
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = any($1) and c.relkind in ('r', 'p') order by 1`,
        [schemas],
      )
    ).rows
    expect(rows.filter((r) => r.pk !== "id:uuid")).toEqual([])
  })

  // A key that carries the tenant, (tenant_id, student_id), is served as well by an index led by
  // student_id alone: ids are unique across tenants.
  it("indexes every foreign key (its columns, the tenant aside, lead some index)", async () => {
    const rows = (
      await portal.admin.query<{ constraint: string }>(
        `select k.conrelid::regclass::text || ' ' || k.conname as constraint
           from pg_constraint k join pg_namespace n on n.oid = k.connamespace
          cross join lateral (
            select coalesce(array_agg(a.attnum), '{}') as cols from pg_attribute a
             where a.attrelid = k.conrelid and a.attnum = any (k.conkey)
               and (a.attname <> 'tenant_id' or cardinality(k.conkey) = 1)) own
          where k.contype = 'f' and n.nspname = any($1)
            and not exists (
              select 1 from pg_index i
               where i.indrelid = k.conrelid
                 and ((i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                      and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey
                   or (i.indkey::int2[])[0:cardinality(own.cols) - 1] @> own.cols
                      and (i.indkey::int2[])[0:cardinality(own.cols) - 1] <@ own.cols))`,
        [schemas],
      )
    ).rows
    expect(rows).toEqual([])
  })

  it("puts the tenant in every foreign key between tenant-owned tables", async () => {
    const rows = (
      await portal.admin.query<{ constraint: string }>(
        `select k.conrelid::regclass::text || ' ' || k.conname as constraint
           from pg_constraint k join pg_namespace n on n.oid = k.connamespace
          where k.contype = 'f' and n.nspname = any($1) and k.confrelid <> 'auth.tenants'::regclass
            and exists (select 1 from pg_attribute a where a.attrelid = k.conrelid and a.attname = 'tenant_id')
            and exists (select 1 from pg_attribute a where a.attrelid = k.confrelid and a.attname = 'tenant_id')
            and not (
              (select a.attname from pg_attribute a where a.attrelid = k.conrelid and a.attnum = k.conkey[1]) = 'tenant_id'
              and (select a.attname from pg_attribute a where a.attrelid = k.confrelid and a.attnum = k.confkey[1]) = 'tenant_id')`,
        [schemas],
      )
    ).rows
    expect(rows).toEqual([])
  })

  it("keeps legacy_source / legacy_id, with an index, on every migrated entity", async () => {
    const derived = new Set([
      "auth.permissions",
      "auth.role_permissions",
      "auth.roles",
      "auth.sessions",
      "auth.refresh_tokens",
      "analytics.dashboard_metrics",
      "analytics.report_cache",
      "audit.audit_log",
    ])
    const migratedTables = tables.filter((t) => !derived.has(t.table))
    expect(migratedTables.filter((t) => !("legacy_source" in t.fields && "legacy_id" in t.fields))).toEqual(
      [],
    )
    const indexed = (
      await portal.admin.query<{ table: string }>(
        `select distinct i.indrelid::regclass::text as table from pg_index i
          where pg_get_indexdef(i.indexrelid) like '%(legacy_source, legacy_id)%'`,
      )
    ).rows.map((r) => r.table)
    expect(migratedTables.map((t) => t.table).filter((t) => !indexed.includes(t))).toEqual([])
  })

  it("keeps created_at / updated_at given on insert, with now() as the default", async () => {
    await portal.admin.query(`insert into auth.tenants (code, name) values ('TS1', 'Timestamps')`)
    const given = await portal.admin.query(
      `insert into auth.users (tenant_id, first_name, created_at, updated_at)
       values ('TS1', 'Aminah', '2015-03-01T08:00:00Z', '2019-07-09T10:30:00Z')
       returning created_at, updated_at`,
    )
    expect(given.rows[0]).toEqual({
      created_at: new Date("2015-03-01T08:00:00Z"),
      updated_at: new Date("2019-07-09T10:30:00Z"),
    })
    const defaulted = await portal.admin.query(
      `insert into auth.users (tenant_id, first_name) values ('TS1', 'Hakim') returning created_at = now() as ok`,
    )
    expect(defaulted.rows[0]).toEqual({ ok: true })
  })
})

describe("row Schemas", () => {
  it("decode a mapper's row and order its values as the engine target's columns", () => {
    const row: Table.Row<typeof Academic.Students> = {
      id: "0a1b0000-0001-8000-8000-000000000007",
      tenant_id: "SMA1",
      user_id: "0a1c0000-0001-8000-8000-000000000007",
      student_number: "STU2024SMA0007",
      date_of_birth: "2012-05-04",
      gender: "female",
      nationality: "MY",
      national_id: "120504-10-5678",
      blood_type: "O+",
      medical_notes: null,
      admission_date: "2024-01-02",
      status: "active",
      address: {
        line1: "12 Jalan Mawar",
        line2: null,
        city: "Shah Alam",
        state: "Selangor",
        postcode: "40000",
        country: "MY",
      },
      legacy_source: "legacy_students",
      legacy_id: "7",
      created_at: "2024-01-02T00:00:00Z",
      updated_at: "2024-01-02T00:00:00Z",
      deleted_at: null,
    }
    expect(Schema.decodeUnknownSync(Academic.Students.schema)(row)).toEqual(row)
    const values = Table.values(Academic.Students)(row)
    expect(values[Academic.Students.columns.indexOf("student_number")]).toBe("STU2024SMA0007")
    expect(Academic.Students.target).toEqual({
      table: "academic.students",
      columns: Academic.Students.columns,
      tenantColumn: "tenant_id",
    })
    expect(Auth.Roles.target).toEqual({ table: "auth.roles", columns: Auth.Roles.columns })
  })

  it("refuse values the database would refuse", () => {
    const decode = Schema.decodeUnknownEither(Academic.Students.fields.status.schema)
    expect(decode("expelled")._tag).toBe("Right")
    expect(decode("Expelled")._tag).toBe("Left")
    const amount = Schema.decodeUnknownEither(Academic.AssessmentResults.fields.percentage.schema)
    expect(amount("99.50")._tag).toBe("Right")
    expect(amount(99.5)._tag).toBe("Left")
    expect(amount("199.999")._tag).toBe("Left")
  })
})
