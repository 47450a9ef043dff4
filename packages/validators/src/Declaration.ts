import type { Severity } from "./Check.js"
import type * as Dialect from "./Dialect.js"

/**
 * What the validators know about a migrated entity. Everything is data, so the mappers (or a
 * manifest) can declare it once; the checks turn it into SQL on each side.
 */

/** How a column copied as-is is written as canonical text on both sides, so the two hashes agree. */
export type ColumnKind =
  | { readonly kind: "text" }
  | { readonly kind: "integer" }
  /** A fixed-point number, compared at this many decimal places. */
  | { readonly kind: "decimal"; readonly scale: number }
  /** MySQL `tinyint(1)` / PostgreSQL `boolean` / SQLite 0, 1 or words such as `true`. */
  | { readonly kind: "boolean" }
  /** Compared as `YYYY-MM-DD`; a zero date (MySQL, or SQLite text `0000-00-00`) counts as null. */
  | { readonly kind: "date" }
  /** Compared as `YYYY-MM-DD HH:MM:SS` (use `timestamp without time zone` on the target). */
  | { readonly kind: "timestamp" }

/** A column copied as-is from source to target. */
export interface AsIsColumn {
  readonly source: string
  /** Defaults to the source column's name. */
  readonly target?: string
  readonly type: ColumnKind
  /** A source expression, in the source dialect, read instead of the source column (e.g. a flag derived from two columns). */
  readonly sourceSql?: string
  /** A PostgreSQL expression read instead of the target column (e.g. `deleted_at is not null`). */
  readonly targetSql?: string
}

/** A relationship between target tables that the catalog may not know (no foreign key declared). */
export interface Relationship {
  /** Schema-qualified child table; defaults to the entity's target table. */
  readonly table?: string
  readonly columns: ReadonlyArray<string>
  readonly references: { readonly table: string; readonly columns: ReadonlyArray<string> }
  readonly severity?: Severity
}

/** A domain rule: a SQL boolean over one target row that must be true (null counts as false). */
export interface DomainRule {
  /** Stable id, e.g. `invoice-balance`. */
  readonly id: string
  readonly title: string
  /** Defaults to the entity's target table. */
  readonly table?: string
  /** e.g. `balance_due = total_amount - paid_amount`; the table is aliased `t`. */
  readonly predicate: string
  /** Columns (or expressions) of `t` to show for each failing row; defaults to the id and legacy id. */
  readonly sampleColumns?: ReadonlyArray<string>
  /** Defaults to `warning` (seed 001 §7.2.2). */
  readonly severity?: Severity
}

/**
 * Values the migration must carry over unchanged (dates, soft-delete flags), compared with the
 * source by checksum like as-is columns, but reported as a domain check of its own.
 */
export interface PreservedRule {
  /** Stable id, e.g. `dates-preserved`. */
  readonly id: string
  readonly title: string
  readonly columns: ReadonlyArray<AsIsColumn>
  /** Defaults to `warning` (seed 001 §7.2.2). */
  readonly severity?: Severity
}

/**
 * A money figure (invoiced, paid, allocated) summed per tenant and calendar year on both sides and
 * compared exactly: an amount, and the date whose year it counts in.
 */
export interface MoneyTotal {
  /** Stable id, e.g. `invoiced`. */
  readonly id: string
  readonly title: string
  /**
   * The amount, of kind `decimal` (its scale is the precision compared). `sourceSql` and `targetSql`
   * see the row as `t`, so a target amount or date may come from a parent row by a subquery.
   */
  readonly amount: AsIsColumn
  /** The date of kind `date` or `timestamp` (read back as local time) whose year places the amount. */
  readonly date: AsIsColumn
  /** Defaults to `critical`: money that does not add up stops the cutover. */
  readonly severity?: Severity
}

/** A seeded random sample compared field by field after mapping the source row. */
export interface FieldSample {
  /** Rows to draw per entity. */
  readonly size: number
  /** The same seed draws the same rows. */
  readonly seed: string
  /** The target fields a source row must become (apply the same cleansers as the migration). */
  readonly map: (row: Record<string, unknown>) => Record<string, unknown>
  readonly severity?: Severity
}

/** One migrated entity: where its rows come from, where they went, and what must hold. */
export interface EntityDeclaration {
  /** Also the `legacy_source` of its target rows unless `target.legacySource` says otherwise. */
  readonly name: string
  readonly source: {
    /** Source table (optionally `schema.table`). */
    readonly table: string
    /** Single-column key; its text is the target's legacy id. */
    readonly key: string
    /**
     * How the key is written as the legacy id: `integer` for keys that are numbers (Gibbon's
     * zero-filled `0000000123` is the mapper's `123`), compared in that form on both sides. Default
     * `text`, the key's text as it is.
     */
    readonly keyKind?: "text" | "integer"
    /**
     * Keys the ledger holds that the source compares under another key: a file record that loads
     * under a legacy id other than its own key (the newest copy of a browser export's repeated id).
     */
    readonly renames?: ReadonlyMap<string, string>
    /** The column that names each row's tenant, for a source that holds several schools. */
    readonly tenantColumn?: string
    /** The tenant of every row, for a source that holds one school (the run's `--tenant`). */
    readonly tenant?: string
    /**
     * A source of several schools whose rows are not named by a column of their own: the condition
     * that a row, aliased `t`, belongs to a tenant (SQL of the source; the tenant as a literal). A row
     * may belong to several (rows the schools share). With `unassigned`, the rows that belong to
     * none count under `(no tenant)`, as the run's ledger files them.
     */
    readonly tenancy?: {
      readonly tenants: ReadonlyArray<string>
      readonly belongs: (tenant: string) => string
      readonly unassigned: boolean
    }
    /** Extra SQL condition that selects the rows that were migrated. */
    readonly where?: string
    /**
     * SQL of the source joined to each row (aliased `t`), for columns that other rows give it: e.g.
     * `left join (select invoice_id as sb_invoice, sum(amount) as sb_lines from invoice_items group
     * by invoice_id) l on l.sb_invoice = t.invoice_id`. It must keep one row per source row, and name
     * its columns apart from the table's (the checks read the table's columns unqualified).
     */
    readonly join?: string
  }
  readonly target: {
    /** Schema-qualified PostgreSQL table. */
    readonly table: string
    /** Defaults to `tenant_id`; null when the table has no tenant. */
    readonly tenantColumn?: string | null
    readonly idColumn?: string
    readonly legacySourceColumn?: string
    readonly legacyIdColumn?: string
    readonly legacySource?: string
    /**
     * The tenants this source's rows went to; rows of other tenants in the same table (another
     * school's migration) are not compared. Default: every tenant.
     */
    readonly tenants?: ReadonlyArray<string>
  }
  /**
   * `derived` when the mapper makes the target's legacy ids from fields of the rows (several source
   * rows becoming one target row, as assessments named by their grades): no source key names a
   * target row, so only the counts and the ledger compare the entity, not the row-by-row checks
   * (checksum, preserved values, money totals, field sample). Default `source`: each target row's
   * legacy id is its source row's key.
   */
  readonly legacyIds?: "source" | "derived"
  readonly asIs?: ReadonlyArray<AsIsColumn>
  readonly relationships?: ReadonlyArray<Relationship>
  readonly rules?: ReadonlyArray<DomainRule>
  readonly preserved?: ReadonlyArray<PreservedRule>
  readonly money?: ReadonlyArray<MoneyTotal>
  readonly sample?: FieldSample
}

/** The target columns of an entity, with defaults filled in. */
export interface ResolvedTarget {
  readonly table: string
  readonly tenantColumn: string | null
  readonly idColumn: string
  readonly legacySourceColumn: string
  readonly legacyIdColumn: string
  readonly legacySource: string
  readonly tenants: ReadonlyArray<string> | null
}

/** The entity's target with every default applied. */
export const target = (e: EntityDeclaration): ResolvedTarget => ({
  table: e.target.table,
  tenantColumn: e.target.tenantColumn === undefined ? "tenant_id" : e.target.tenantColumn,
  idColumn: e.target.idColumn ?? "id",
  legacySourceColumn: e.target.legacySourceColumn ?? "legacy_source",
  legacyIdColumn: e.target.legacyIdColumn ?? "legacy_id",
  legacySource: e.target.legacySource ?? e.name,
  tenants: e.target.tenants && e.target.tenantColumn !== null ? e.target.tenants : null,
})

/**
 * The condition that picks an entity's rows in its target table (alias `alias`, or none): its
 * legacy source, and its tenants when they are given. Placeholders are numbered from `first`.
 */
export const targetRows = (
  t: ResolvedTarget,
  first: number,
  alias = "",
): { readonly sql: string; readonly params: ReadonlyArray<unknown> } => {
  const q = (c: string) => `${alias === "" ? "" : `${alias}.`}"${c.replace(/"/g, '""')}"`
  return t.tenants === null || t.tenantColumn === null
    ? { sql: `${q(t.legacySourceColumn)} = $${first}`, params: [t.legacySource] }
    : {
        sql: `${q(t.legacySourceColumn)} = $${first} and ${q(t.tenantColumn)}::text = any($${first + 1}::text[])`,
        params: [t.legacySource, t.tenants],
      }
}

/**
 * The source expression of each row's tenant, in the source's dialect: its tenant column, the one
 * tenant of a single-school source as a literal, or null.
 */
export const sourceTenant = (
  e: EntityDeclaration,
  d: { readonly id: (name: string) => string; readonly text: (expr: string) => string },
): string =>
  e.source.tenancy
    ? `t.${d.id(tenancyColumn)}`
    : e.source.tenantColumn
      ? d.text(d.id(e.source.tenantColumn))
      : e.source.tenant !== undefined
        ? literal(e.source.tenant)
        : "null"

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`
const tenancyColumn = "sb_tenant"

/** The tenant the rows of a source of several schools that belong to none count under. */
export const noTenant = "(no tenant)"

/**
 * What a source query reads the entity's rows from, aliased `t`: its table, or, for a source of
 * several schools, each tenant's rows of it with their tenant in a column of their own (a row of
 * rows the schools share counts once for each); with the declared `join` after it.
 */
export const sourceFrom = (e: EntityDeclaration, d: { readonly id: (name: string) => string }): string => {
  const table = d.id(e.source.table)
  const tenancy = e.source.tenancy
  const join = e.source.join === undefined ? "" : ` ${e.source.join}`
  if (!tenancy) return `${table} t${join}`
  const placed = (tenant: string) => `coalesce((${tenancy.belongs(tenant)}), false)`
  const parts = tenancy.tenants.map(
    (tenant) =>
      `select ${literal(tenant)} as ${d.id(tenancyColumn)}, t.* from ${table} t where ${placed(tenant)}`,
  )
  if (tenancy.unassigned)
    parts.push(
      `select ${literal(noTenant)} as ${d.id(tenancyColumn)}, t.* from ${table} t where not (${tenancy.tenants.map(placed).join(" or ")})`,
    )
  return `(${parts.join(" union all ")}) t${join}`
}

/** The source key as SQL text in the form the mappers write it into the legacy id. */
export const sourceKey = (e: EntityDeclaration, sd: Dialect.Dialect): string =>
  e.source.keyKind === "integer"
    ? sd.canonical(sd.id(e.source.key), { kind: "integer" })
    : sd.text(sd.id(e.source.key))

/** A key as the source or the ledger gives it, in the form `sourceKey` compares. */
export const keyText = (e: EntityDeclaration, key: unknown): string => {
  const raw = String(key)
  const text = e.source.renames?.get(raw) ?? raw
  return e.source.keyKind === "integer" && /^\d+$/.test(text) ? BigInt(text).toString() : text
}
