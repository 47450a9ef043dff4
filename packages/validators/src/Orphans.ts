import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import type * as Declaration from "./Declaration.js"
import { postgresql as pg } from "./Dialect.js"
import * as Query from "./Query.js"

/** A child → parent link between target tables, found in the catalog or declared. */
export interface Link {
  readonly name: string
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly references: { readonly table: string; readonly columns: ReadonlyArray<string> }
  readonly origin: "catalog" | "declared"
  readonly severity: Check.Severity
}

const catalogSql = `
  select c.conname::text as name,
         cn.nspname::text || '.' || cl.relname::text as child,
         array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
               join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
         pn.nspname::text || '.' || pl.relname::text as parent,
         array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
               join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as parent_columns
  from pg_constraint c
  join pg_class cl on cl.oid = c.conrelid join pg_namespace cn on cn.oid = cl.relnamespace
  join pg_class pl on pl.oid = c.confrelid join pg_namespace pn on pn.oid = pl.relnamespace
  where c.contype = 'f' and cn.nspname = any($1::text[])
  order by 2, 1`

/** Every foreign key of the target schemas, read from the PostgreSQL catalog. */
export const fromCatalog = (schemas: ReadonlyArray<string>) =>
  Effect.map(
    Query.target<{
      name: string
      child: string
      columns: Array<string>
      parent: string
      parent_columns: Array<string>
    }>("orphans:catalog", catalogSql, [schemas]),
    (rows): Array<Link> =>
      rows.map((r) => ({
        name: r.name,
        table: r.child,
        columns: r.columns,
        references: { table: r.parent, columns: r.parent_columns },
        origin: "catalog",
        severity: "critical",
      })),
  )

/** The declared relationships of the entities, minus those the catalog already has. */
export const links = (
  entities: ReadonlyArray<Declaration.EntityDeclaration>,
  catalog: ReadonlyArray<Link>,
): Array<Link> => {
  const key = (l: Pick<Link, "table" | "columns" | "references">) =>
    `${l.table}(${l.columns.join(",")})->${l.references.table}(${l.references.columns.join(",")})`
  const seen = new Set(catalog.map(key))
  const declared: Array<Link> = []
  for (const e of entities) {
    for (const r of e.relationships ?? []) {
      const link: Link = {
        name: `${e.name}.${r.columns.join("_")}`,
        table: r.table ?? e.target.table,
        columns: r.columns,
        references: r.references,
        origin: "declared",
        severity: r.severity ?? "critical",
      }
      if (!seen.has(key(link))) {
        seen.add(key(link))
        declared.push(link)
      }
    }
  }
  return [...catalog, ...declared]
}

const tableColumns = (table: string) => {
  const [schema, name] = table.includes(".") ? table.split(".", 2) : ["public", table]
  return Effect.map(
    Query.target<{ c: string }>(
      `orphans:${table}`,
      "select column_name::text as c from information_schema.columns where table_schema = $1 and table_name = $2",
      [schema, name],
    ),
    (rows) => new Set(rows.map((r) => r.c)),
  )
}

/**
 * Orphans of one link: child rows whose non-null reference finds no parent. One anti-join counts
 * them and returns the first few, with the child's id, tenant and legacy id where it has them.
 */
export const check = (
  link: Link,
  entityOf: (table: string) => string | null,
  sampleLimit = 10,
): Effect.Effect<Check.Check, Query.ValidationError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const id = `orphans:${link.table}:${link.columns.join(",")}`
    const have = yield* tableColumns(link.table)
    const missing = link.columns.filter((c) => !have.has(c))
    if (missing.length > 0 || link.columns.length !== link.references.columns.length) {
      return yield* new Query.ValidationError({
        reason: "declaration",
        check: id,
        message: `relationship ${link.name}: ${missing.length > 0 ? `${link.table} has no column ${missing.join(", ")}` : "column lists differ in length"}`,
      })
    }
    const shown = ["id", "tenant_id", "legacy_source", "legacy_id"].filter(
      (c) => have.has(c) && !link.columns.includes(c),
    )
    const sampleExpr = [...shown, ...link.columns]
      .map((c) => `'${c.replace(/'/g, "''")}', c.${pg.id(c)}`)
      .join(", ")
    const notNull = link.columns.map((c) => `c.${pg.id(c)} is not null`).join(" and ")
    const join = link.columns
      .map((c, i) => `p.${pg.id(link.references.columns[i]!)} = c.${pg.id(c)}`)
      .join(" and ")
    const rows = yield* Query.target<{ sample: Record<string, unknown>; n: string }>(
      id,
      `select jsonb_build_object(${sampleExpr}) as sample, count(*) over () as n
       from ${pg.id(link.table)} c
       where ${notNull} and not exists (select 1 from ${pg.id(link.references.table)} p where ${join})
       limit ${Math.max(1, Math.trunc(sampleLimit))}`,
    )
    const orphans = rows.length === 0 ? 0 : Query.num(rows[0]!.n)
    return Check.make({
      id,
      kind: "orphans",
      title: `${link.table}(${link.columns.join(", ")}) → ${link.references.table}(${link.references.columns.join(", ")})`,
      entity: entityOf(link.table),
      tenant: null,
      severity: link.severity,
      observed: orphans,
      expected: 0,
      passed: orphans === 0,
      detail:
        orphans === 0
          ? `every reference resolves (${link.origin === "catalog" ? `foreign key ${link.name}` : "declared relationship"})`
          : `${orphans} row(s) reference a missing ${link.references.table} row (${link.origin === "catalog" ? `foreign key ${link.name}, loaded with checks off or NOT VALID` : "declared relationship"})`,
      failingRows: orphans,
      samples: rows.slice(0, sampleLimit).map((r) => Check.toSample(r.sample)),
    })
  })
