import { Schema } from "effect"

/**
 * A column of a portal table: the effect Schema of the values a mapper writes into it (COPY-ready:
 * dates and instants as ISO strings, amounts as exact decimal strings), its PostgreSQL type as
 * `format_type` prints it, and whether it takes null. The drift test compares all three with the
 * live database.
 */
export interface Column<S extends Schema.Schema.Any = Schema.Schema.Any> {
  readonly schema: S
  readonly sqlType: string
  readonly nullable: boolean
  /** The labels of an enum type, in declaration order. */
  readonly labels?: ReadonlyArray<string>
}

const make = <S extends Schema.Schema.Any>(schema: S, sqlType: string): Column<S> => ({
  schema,
  sqlType,
  nullable: false,
})

/** The same column, taking null. */
export const nullable = <S extends Schema.Schema.Any>(column: Column<S>): Column<Schema.NullOr<S>> => ({
  ...column,
  schema: Schema.NullOr(column.schema),
  nullable: true,
})

/** `uuid`. */
export const uuid = make(Schema.UUID, "uuid")

/** `text`. */
export const text = make(Schema.String, "text")

/** `boolean`. */
export const boolean = make(Schema.Boolean, "boolean")

/** `integer` (32-bit). */
export const integer = make(Schema.Int.pipe(Schema.between(-2147483648, 2147483647)), "integer")

/** `smallint` (16-bit). */
export const smallint = make(Schema.Int.pipe(Schema.between(-32768, 32767)), "smallint")

/** `bigint`, as a JavaScript number: exact up to 2^53, which byte sizes and counts stay below. */
export const bigint = make(
  Schema.Int.pipe(Schema.between(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
  "bigint",
)

/** `date` as `YYYY-MM-DD`, what the cleansers' DateInput produces and PostgreSQL reads as it is. */
export const date = make(Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)), "date")

/** `timestamp with time zone` as an ISO 8601 instant with its offset (`…Z` or `…+08:00`). */
export const timestamptz = make(
  Schema.String.pipe(
    Schema.pattern(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/),
  ),
  "timestamp with time zone",
)

/** `numeric(precision, scale)` as an exact decimal string (`"-1234.50"`), never a binary float. */
export const numeric = (precision: number, scale: number) =>
  make(
    Schema.String.pipe(
      Schema.pattern(
        new RegExp(`^-?\\d{1,${precision - scale}}${scale > 0 ? `(\\.\\d{1,${scale}})?` : ""}$`),
      ),
    ),
    `numeric(${precision},${scale})`,
  )

/** Unconstrained `numeric` as a decimal string (metrics of any magnitude). */
export const decimal = make(Schema.String.pipe(Schema.pattern(/^-?\d+(\.\d+)?$/)), "numeric")

/** `jsonb` holding values of `schema`. */
export const jsonb = <S extends Schema.Schema.Any>(schema: S): Column<S> => make(schema, "jsonb")

/** A PostgreSQL enum type (schema-qualified name) and its labels. */
export const enumOf = <const L extends readonly [string, ...Array<string>]>(sqlType: string, labels: L) => ({
  ...make(Schema.Literal(...labels), sqlType),
  labels,
})

/** A `text` column with a check constraint listing its values. */
export const oneOf = <const L extends readonly [string, ...Array<string>]>(values: L) =>
  make(Schema.Literal(...values), "text")
