/**
 * What the database table sources (MySQL, PostgreSQL, SQLite) share: they read one table in key
 * order, after the last committed key (keyset paging), one partition per tenant. Each engine keeps
 * its own SQL where it differs (quotes, parameter markers, casts); this module holds the rest.
 */
import { Source, type Transform } from "@schoolbridge/core"
import { Chunk, Effect, Option, Stream } from "effect"

/** What to read, the same for every table source. Identifiers come from configuration (never from data) and are quoted. */
export interface Options {
  /** The table, maybe qualified by its schema or database. */
  readonly table: string
  /** The primary key (one column): rows stream in its order and resume after its last committed value. */
  readonly key: string
  /** Columns to read; default all. */
  readonly columns?: ReadonlyArray<string>
  /** An extra SQL condition from the manifest, e.g. `deleted = 0`. */
  readonly where?: string
  /** One partition per value of this column (e.g. tenants in parallel). */
  readonly tenantColumn?: string
  /** The tenants to read, instead of every distinct value of `tenantColumn`. */
  readonly tenants?: ReadonlyArray<string>
  /** How rows divide among tenants when a plain column cannot tell (wins over `tenantColumn`). */
  readonly tenancy?: Tenancy
}

/**
 * How a table's rows divide among the tenants of a run, in SQL of the source's dialect over the row,
 * which the query names `t` (so a condition may look the row's parents up in subqueries).
 */
export type Tenancy =
  /** Each tenant's partition reads every row: rows the schools share, such as school years. */
  | { readonly kind: "every"; readonly tenants: ReadonlyArray<string> }
  /**
   * A row belongs to each tenant whose condition holds (usually one). Rows that belong to none of
   * them are read in a partition of their own and each is rejected, with `reason` saying why.
   */
  | {
      readonly kind: "rows"
      readonly tenants: ReadonlyArray<string>
      /** A boolean SQL expression over `t`: the row belongs to this tenant (given as a literal). */
      readonly belongs: (tenant: string) => string
      /** Why a row that belongs to no tenant has none, for its rejection. */
      readonly reason: (row: Record<string, unknown>) => string
    }

/** A tenant code as an SQL string literal (codes are letters, digits and `_ . -`). */
export const tenantLiteral = (tenant: string): string => `'${tenant.replace(/'/g, "''")}'`

// A column partition with named tenants is the simplest case of a condition partition, so that rows
// of a tenant not named are rejected rather than never read.
const tenancyOf = (dialect: Dialect, table: Options): Tenancy | null => {
  if (table.tenancy) return table.tenancy
  if (table.tenantColumn && table.tenants) {
    const column = `t.${dialect.quote(table.tenantColumn)}`
    const tenantColumn = table.tenantColumn
    return {
      kind: "rows",
      tenants: table.tenants,
      belongs: (tenant) => `${column} = ${tenantLiteral(tenant)}`,
      reason: (row) => {
        const v = row[tenantColumn]
        return v === null || v === undefined || String(v).trim() === ""
          ? `${tenantColumn} is empty: the row belongs to no tenant`
          : `${tenantColumn} ${JSON.stringify(String(v))} is none of the run's tenants (${table.tenants!.join(", ")})`
      },
    }
  }
  return null
}

/** How an engine writes names and parameters. */
export interface Dialect {
  /** Quotes an identifier; `schema.table` is quoted part by part. */
  readonly quote: (id: string) => string
  /** The marker of the n-th parameter, counted from 1: `?`, or `$n` in PostgreSQL. */
  readonly marker: (n: number) => string
}

/** Quotes identifiers with `mark` (a backtick or a double quote), doubling the mark inside a name. */
export const quoteWith =
  (mark: string) =>
  (id: string): string =>
    id
      .split(".")
      .map((p) => `${mark}${p.replaceAll(mark, mark + mark)}${mark}`)
      .join(".")

/** A `where` clause (empty, or starting with a space) and its parameters in marker order. */
export interface Conditions {
  readonly where: string
  readonly params: ReadonlyArray<unknown>
}

/**
 * The conditions of one read: the partition's tenant, keys after the cursor and the manifest's own
 * condition. `cursor` writes the cursor's parameter where an engine needs more than its marker (a
 * cast, say).
 */
export const conditions = (
  dialect: Dialect,
  table: Options,
  partition: Source.Partition,
  after: Source.Cursor | null,
  cursor: (marker: string) => string = (marker) => marker,
): Conditions => {
  const sql: Array<string> = []
  const params: Array<unknown> = []
  const tenancy = tenancyOf(dialect, table)
  if (tenancy?.kind === "rows") {
    // A condition may be null (a parent that is missing): only a true one places a row.
    if (partition.unassigned)
      sql.push(`not (${tenancy.tenants.map((t) => `coalesce((${tenancy.belongs(t)}), false)`).join(" or ")})`)
    else if (partition.tenant !== null) sql.push(`coalesce((${tenancy.belongs(partition.tenant)}), false)`)
  } else if (tenancy === null && table.tenantColumn && partition.tenant !== null) {
    params.push(partition.tenant)
    sql.push(`${dialect.quote(table.tenantColumn)} = ${dialect.marker(params.length)}`)
  }
  if (after !== null) {
    params.push(after)
    sql.push(`${dialect.quote(table.key)} > ${cursor(dialect.marker(params.length))}`)
  }
  if (table.where) sql.push(`(${table.where})`)
  return { where: sql.length > 0 ? ` where ${sql.join(" and ")}` : "", params }
}

/** Runs one statement and gives its rows. */
export type Run<E> = (
  sql: string,
  params?: ReadonlyArray<unknown>,
) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, E>

/**
 * One partition per tenant: the tenants named in the options, else every value of the tenant column
 * that `distinct` reads (given the quoted column, it returns them as `t`; nulls belong to no tenant
 * and are dropped). Without a tenant column the whole table is one partition.
 */
export const partitions = <E>(
  dialect: Dialect,
  table: Options,
  distinct: (column: string) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, E>,
): Effect.Effect<ReadonlyArray<Source.Partition>, E> => {
  const tenancy = tenancyOf(dialect, table)
  if (tenancy !== null)
    return Effect.succeed([
      ...tenancy.tenants.map((t) => ({ key: t, tenant: t })),
      ...(tenancy.kind === "rows" ? [Source.unassigned] : []),
    ])
  if (!table.tenantColumn) return Effect.succeed([Source.wholeSource])
  if (table.tenants) return Effect.succeed(table.tenants.map((t) => ({ key: t, tenant: t })))
  return Effect.map(distinct(dialect.quote(table.tenantColumn)), (rows) =>
    rows.filter((r) => r.t !== null).map((r) => ({ key: String(r.t), tenant: String(r.t) })),
  )
}

/** How many rows a read under these conditions would give (`select count(*)`). */
export const count = <E>(run: Run<E>, quotedTable: string, c: Conditions): Effect.Effect<number, E> =>
  Effect.map(run(`select count(*) as n from ${quotedTable}${c.where}`, c.params), (rows) =>
    Number(rows[0]?.n ?? 0),
  )

/** Each row's key as text, for rejections and notes. */
export const keysOf = (rows: ReadonlyArray<Record<string, unknown>>, key: string): Array<string> =>
  rows.map((r) => String(r[key]))

/** A batch of rows in key order (never empty): its last key is the cursor to resume after. */
export const batch = (
  rows: Array<Record<string, unknown>>,
  key: string,
  keys: ReadonlyArray<string>,
  notes: ReadonlyArray<Transform.Note>,
): Source.SourceBatch<Record<string, unknown>> => ({
  rows,
  keys,
  cursor: rows[rows.length - 1]![key] as Source.Cursor,
  rejected: [],
  notes,
})

/**
 * A batch as its partition takes it: in the partition of rows that belong to no tenant, every row
 * is rejected with the tenancy's reason (and counted), never handed to a mapper.
 */
export const place = (
  dialect: Dialect,
  table: Options,
  partition: Source.Partition,
  b: Source.SourceBatch<Record<string, unknown>>,
): Source.SourceBatch<Record<string, unknown>> => {
  const tenancy = partition.unassigned ? tenancyOf(dialect, table) : null
  if (tenancy?.kind !== "rows") return b
  return {
    rows: [],
    keys: [],
    cursor: b.cursor,
    rejected: b.rows.map((raw, i) => ({
      key: b.keys[i]!,
      reasons: [{ column: null, rule: "tenant_unknown", message: tenancy.reason(raw) }],
      raw,
    })),
    notes: [],
  }
}

/**
 * The stream of a partition read page by page: each page starts after the previous page's cursor,
 * and the stream ends at an empty page (`null`) or at one shorter than `batchSize`, which was the
 * table's last.
 */
export const paginate = <E>(
  after: Source.Cursor | null,
  batchSize: number,
  page: (from: Source.Cursor | null) => Effect.Effect<Source.SourceBatch<Record<string, unknown>> | null, E>,
): Stream.Stream<Source.SourceBatch<Record<string, unknown>>, E> =>
  Stream.paginateChunkEffect<Source.Cursor | null, Source.SourceBatch<Record<string, unknown>>, E, never>(
    after,
    (from) =>
      Effect.map(page(from), (b) =>
        b === null
          ? ([Chunk.empty(), Option.none()] as const)
          : ([
              Chunk.of(b),
              b.rows.length < batchSize ? Option.none() : Option.some<Source.Cursor | null>(b.cursor),
            ] as const),
      ),
  )
