/**
 * The legacy SIS's table layout (apps/migrator/test/fixtures/legacy-sis-full.sql, the columns
 * manifests/legacy-sis.yaml reads), defined once; the MySQL, SQLite and PostgreSQL DDL are all built
 * from it.
 */

/** A column type, named after its MySQL declaration. */
export type ColumnType =
  | { readonly kind: "int"; readonly unsigned?: boolean }
  | { readonly kind: "tinyint1" }
  | { readonly kind: "varchar"; readonly length: number }
  | { readonly kind: "char"; readonly length: number }
  | { readonly kind: "text" }
  | { readonly kind: "date" }
  | { readonly kind: "datetime" }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }

/** One column: its name and type; every column but the key is nullable, as in the legacy system. */
export interface Column {
  readonly name: string
  readonly type: ColumnType
}

/** One legacy table: the key is its first column. */
export interface Table {
  readonly name: string
  readonly columns: ReadonlyArray<Column>
  /** The key is `AUTO_INCREMENT` in MySQL (tables the legacy app created with unsigned ids). */
  readonly autoIncrement?: boolean
}

const int: ColumnType = { kind: "int" }
const uint: ColumnType = { kind: "int", unsigned: true }
const flag: ColumnType = { kind: "tinyint1" }
const text: ColumnType = { kind: "text" }
const date: ColumnType = { kind: "date" }
const datetime: ColumnType = { kind: "datetime" }
const varchar = (length: number): ColumnType => ({ kind: "varchar", length })
const char = (length: number): ColumnType => ({ kind: "char", length })
const decimal = (precision: number, scale: number): ColumnType => ({ kind: "decimal", precision, scale })

const cols = (spec: ReadonlyArray<readonly [string, ColumnType]>): ReadonlyArray<Column> =>
  spec.map(([name, type]) => ({ name, type }))
const stamps = [
  ["created_date", datetime],
  ["modified_date", datetime],
] as const
const address = [
  ["address1", varchar(255)],
  ["address2", varchar(255)],
  ["city", varchar(100)],
  ["state", varchar(100)],
  ["postal_code", varchar(10)],
  ["country", varchar(60)],
] as const

/** Every table, parents before children. */
export const tables = [
  {
    name: "users",
    columns: cols([
      ["user_id", int],
      ["email", varchar(255)],
      ["password", varchar(255)],
      ["first_name", varchar(100)],
      ["last_name", varchar(100)],
      ["phone", varchar(40)],
      ["status", varchar(20)],
      ["email_verified", flag],
      ...stamps,
    ]),
  },
  {
    name: "students",
    columns: cols([
      ["student_id", int],
      ["user_id", int],
      ["email", varchar(255)],
      ["student_number", varchar(30)],
      ["dob", date],
      ["gender", varchar(10)],
      ["nationality", varchar(60)],
      ["ic_number", varchar(20)],
      ["blood_group", varchar(5)],
      ["medical_info", text],
      ["admission_date", date],
      ["status", varchar(20)],
      ...address,
      ...stamps,
    ]),
  },
  {
    name: "teachers",
    columns: cols([
      ["teacher_id", int],
      ["user_id", int],
      ["staff_no", varchar(20)],
      ["specialization", varchar(100)],
      ["qualification", varchar(100)],
      ["hire_date", date],
      ["status", varchar(20)],
      ...stamps,
    ]),
  },
  {
    name: "guardians",
    columns: cols([
      ["guardian_id", int],
      ["student_id", int],
      ["user_id", int],
      ["first_name", varchar(100)],
      ["last_name", varchar(100)],
      ["email", varchar(255)],
      ["phone", varchar(40)],
      ["ic_number", varchar(20)],
      ["occupation", varchar(100)],
      ["relationship", varchar(30)],
      ["is_primary", varchar(5)],
      ["priority", int],
      ["emergency_contact", varchar(5)],
      ...address,
      ...stamps,
    ]),
  },
  {
    name: "academic_years",
    autoIncrement: true,
    columns: cols([
      ["year_id", uint],
      ["year_name", varchar(30)],
      ["start_date", date],
      ["end_date", date],
      ["is_current", flag],
      ["is_enrollment_open", char(1)],
      ...stamps,
    ]),
  },
  {
    name: "classes",
    columns: cols([
      ["class_id", int],
      ["class_code", varchar(20)],
      ["class_name", varchar(100)],
      ["grade_level", varchar(20)],
      ["teacher_id", int],
      ["capacity", varchar(10)],
      ["room", varchar(30)],
      ["academic_year", varchar(30)],
      ...stamps,
    ]),
  },
  {
    name: "enrollments",
    columns: cols([
      ["enrollment_id", int],
      ["student_id", int],
      ["class_id", int],
      ["enrollment_date", date],
      ["end_date", date],
      ["status", varchar(20)],
      ...stamps,
    ]),
  },
  {
    name: "attendance",
    columns: cols([
      ["attendance_id", int],
      ["student_id", int],
      ["class_id", int],
      ["attendance_date", date],
      ["status", varchar(20)],
      ["remarks", text],
      ["recorded_by", int],
      ...stamps,
    ]),
  },
  {
    name: "assessments",
    autoIncrement: true,
    columns: cols([
      ["assessment_id", uint],
      ["class_id", uint],
      ["academic_year", varchar(30)],
      ["name", varchar(100)],
      ["category", varchar(30)],
      ["term", varchar(30)],
      ["max_score", decimal(8, 2)],
      ["weight", decimal(6, 3)],
      ["assessment_date", date],
      ...stamps,
    ]),
  },
  {
    name: "grades",
    autoIncrement: true,
    columns: cols([
      ["grade_id", uint],
      ["assessment_id", uint],
      ["student_id", uint],
      ["score", varchar(10)],
      ["grade", varchar(20)],
      ["remarks", text],
      ["graded_by", uint],
      ["graded_date", datetime],
      ...stamps,
    ]),
  },
  {
    name: "quran_programs",
    autoIncrement: true,
    columns: cols([
      ["program_id", uint],
      ["program_code", varchar(20)],
      ["program_name", varchar(100)],
      ["program_type", varchar(30)],
      ["description", text],
      ["target_juz", varchar(100)],
      ["target_surahs", varchar(200)],
      ["duration_months", int],
      ["prerequisites", text],
      ["is_active", flag],
      ...stamps,
    ]),
  },
  {
    name: "quran_enrollments",
    autoIncrement: true,
    columns: cols([
      ["enrollment_id", uint],
      ["student_id", uint],
      ["program_id", uint],
      ["academic_year", varchar(30)],
      ["teacher_id", uint],
      ["enrollment_date", date],
      ["status", varchar(20)],
      ...stamps,
    ]),
  },
  {
    name: "quran_progress",
    columns: cols([
      ["progress_id", int],
      ["enrollment_id", int],
      ["surah_no", int],
      ["juz_no", int],
      ["status", varchar(20)],
      ["verses_done", int],
      ["quality_pct", decimal(5, 2)],
      ["start_date", date],
      ["complete_date", date],
      ["last_review_date", date],
      ["review_count", int],
      ["notes", text],
      ...stamps,
    ]),
  },
  {
    name: "fee_structures",
    autoIncrement: true,
    columns: cols([
      ["fee_id", uint],
      ["fee_code", varchar(20)],
      ["fee_name", varchar(100)],
      ["description", text],
      ["amount", decimal(10, 2)],
      ["frequency", varchar(20)],
      ["grade_level", varchar(20)],
      ["academic_year", varchar(30)],
      ["is_active", flag],
      ...stamps,
    ]),
  },
  {
    name: "invoices",
    columns: cols([
      ["invoice_id", int],
      ["invoice_no", varchar(30)],
      ["student_id", int],
      ["academic_year", varchar(30)],
      ["invoice_date", date],
      ["due_date", date],
      ["subtotal", decimal(12, 2)],
      ["discount", decimal(12, 2)],
      ["tax", decimal(12, 2)],
      ["total", decimal(12, 2)],
      ["paid", decimal(12, 2)],
      ["balance", decimal(12, 2)],
      ["status", varchar(20)],
      ["notes", text],
      ...stamps,
    ]),
  },
  {
    name: "invoice_items",
    columns: cols([
      ["item_id", int],
      ["invoice_id", int],
      ["description", varchar(255)],
      ["quantity", decimal(10, 2)],
      ["unit_price", decimal(12, 2)],
      ["amount", decimal(12, 2)],
      ...stamps,
    ]),
  },
  {
    name: "payments",
    columns: cols([
      ["payment_id", int],
      ["invoice_id", int],
      ["student_id", int],
      ["amount", decimal(12, 2)],
      ["payment_date", datetime],
      ["method", varchar(30)],
      ["reference", varchar(60)],
      ["receipt_no", varchar(30)],
      ["status", varchar(20)],
      ["notes", text],
      ...stamps,
    ]),
  },
] as const satisfies ReadonlyArray<Table>

/** The name of a legacy table. */
export type TableName = (typeof tables)[number]["name"]

/** The definition of one table by name. */
export const table = (name: TableName): Table => tables.find((t) => t.name === name)!

const mysqlType = (t: ColumnType): string => {
  switch (t.kind) {
    case "int":
      return t.unsigned === true ? "INT UNSIGNED" : "INT"
    case "tinyint1":
      return "TINYINT(1)"
    case "varchar":
      return `VARCHAR(${t.length})`
    case "char":
      return `CHAR(${t.length})`
    case "text":
      return "TEXT"
    case "date":
      return "DATE"
    case "datetime":
      return "DATETIME"
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`
  }
}

// SQLite keeps what the columns mean: whole numbers as INTEGER, dates and date-times as TEXT (as
// SQLite applications store them), fixed-point money and marks as NUMERIC.
const sqliteType = (t: ColumnType): string => {
  switch (t.kind) {
    case "int":
    case "tinyint1":
      return "INTEGER"
    case "decimal":
      return "NUMERIC"
    default:
      return "TEXT"
  }
}

/**
 * The PostgreSQL type `postgresDdl` declares a column with. It keeps what the column means: whole
 * numbers as integers (unsigned ones as bigint, whose range holds theirs), flags as smallint (0 and 1
 * as MySQL's TINYINT(1) gives them, not booleans), real date and timestamp columns, exact numeric
 * money and marks, text as text.
 */
export const postgresType = (t: ColumnType): string => {
  switch (t.kind) {
    case "int":
      return t.unsigned === true ? "bigint" : "integer"
    case "tinyint1":
      return "smallint"
    case "varchar":
      return `varchar(${t.length})`
    case "char":
      return `char(${t.length})`
    case "text":
      return "text"
    case "date":
      return "date"
    case "datetime":
      return "timestamp"
    case "decimal":
      return `numeric(${t.precision},${t.scale})`
  }
}

/** `CREATE TABLE` of one table in MySQL/MariaDB, as the legacy system declared it. */
export const mysqlDdl = (t: Table): string => {
  const [key, ...rest] = t.columns
  const lines = [
    `  ${key!.name} ${mysqlType(key!.type)} NOT NULL${t.autoIncrement === true ? " AUTO_INCREMENT" : ""}`,
    ...rest.map((c) => `  ${c.name} ${mysqlType(c.type)} NULL`),
    `  PRIMARY KEY (${key!.name})`,
  ]
  return `CREATE TABLE ${t.name} (\n${lines.join(",\n")}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`
}

/** `CREATE TABLE` of one table in SQLite, the key an `INTEGER PRIMARY KEY`. */
export const sqliteDdl = (t: Table): string => {
  const [key, ...rest] = t.columns
  const lines = [
    `  ${key!.name} INTEGER PRIMARY KEY`,
    ...rest.map((c) => `  ${c.name} ${sqliteType(c.type)}`),
  ]
  return `CREATE TABLE ${t.name} (\n${lines.join(",\n")}\n)`
}

/**
 * `CREATE TABLE` of one table in PostgreSQL, the key an integer primary key (an identity where the
 * MySQL table has `AUTO_INCREMENT`).
 */
export const postgresDdl = (t: Table): string => {
  const [key, ...rest] = t.columns
  const lines = [
    `  ${key!.name} ${postgresType(key!.type)}${t.autoIncrement === true ? " generated by default as identity" : ""} primary key`,
    ...rest.map((c) => `  ${c.name} ${postgresType(c.type)}`),
  ]
  return `create table ${t.name} (\n${lines.join(",\n")}\n)`
}
