import { Schema } from "effect"
import * as Column from "./Column.js"

/** Structurally the engine's `Entity.Target` (packages/core), which this package cannot import. */
export interface Target {
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly tenantColumn?: string
}

/** The columns of a table, by name. */
export type Fields = Readonly<Record<string, Column.Column>>

/** A portal table: its name, its columns, the effect Schema of a row and the engine target loading it. */
export interface Table<F extends Fields> {
  /** Schema-qualified, e.g. `academic.students`. */
  readonly table: string
  readonly fields: F
  /** Every column, in the order of `fields`: the order of a row array for the engine. */
  readonly columns: ReadonlyArray<Extract<keyof F, string>>
  /** `tenant_id` on tenant-owned tables; absent on the shared catalog tables. */
  readonly tenantColumn: "tenant_id" | null
  readonly schema: Schema.Struct<{ readonly [K in keyof F]: F[K]["schema"] }>
  readonly target: Target
}

/** Any table, whatever its columns. */
export interface Any {
  readonly table: string
  readonly fields: Fields
  readonly columns: ReadonlyArray<string>
  readonly tenantColumn: "tenant_id" | null
  readonly schema: Schema.Schema.Any
  readonly target: Target
}

/** The row type of a table. */
export type Row<T extends Any> = Schema.Schema.Type<T["schema"]>

/** Defines a table from its columns. */
export const make = <const F extends Fields>(table: string, fields: F): Table<F> => {
  const columns = Object.keys(fields) as Array<Extract<keyof F, string>>
  const tenantColumn = "tenant_id" in fields ? "tenant_id" : null
  const schemas = Object.fromEntries(columns.map((c) => [c, fields[c]!.schema])) as {
    readonly [K in keyof F]: F[K]["schema"]
  }
  return {
    table,
    fields,
    columns,
    tenantColumn,
    schema: Schema.Struct(schemas),
    target: tenantColumn === null ? { table, columns } : { table, columns, tenantColumn },
  }
}

/** True for values made by `make`; lets tests find every table a module exports. */
export const isTable = (u: unknown): u is Any =>
  typeof u === "object" &&
  u !== null &&
  typeof (u as Any).table === "string" &&
  Array.isArray((u as Any).columns) &&
  Schema.isSchema((u as Any).schema)

/** A row's values in the table's column order, as the engine's transforms return rows. */
export const values =
  <T extends Any>(table: T) =>
  (row: Row<T>): Array<unknown> => {
    const record = row as Readonly<Record<string, unknown>>
    return table.columns.map((c) => record[c])
  }

/** The uuid primary key every portal table has. */
export const id = { id: Column.uuid } as const

/** The tenant of a tenant-owned row: a tenant's `code` (see auth.tenants). */
export const tenant = { tenant_id: Column.text } as const

/** Where a migrated row came from: the entity name the engine loaded it as, and the source's key. */
export const legacy = {
  legacy_source: Column.nullable(Column.text),
  legacy_id: Column.nullable(Column.text),
} as const

/** Creation and last-change times, kept from the source when a row is migrated. */
export const timestamps = { created_at: Column.timestamptz, updated_at: Column.timestamptz } as const

/** Soft delete: a row with `deleted_at` set is gone for applications but kept for history. */
export const softDelete = { deleted_at: Column.nullable(Column.timestamptz) } as const
