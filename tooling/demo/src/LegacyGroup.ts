/**
 * A school group's legacy SIS: several generated schools (`LegacyDataset.generate`) in one database,
 * as a group that ran one system for all its campuses keeps them. Each school's rows follow the
 * previous school's in every table (keys renumbered, every reference with them), `users` gains the
 * column `school_code` that names each person's campus, and the tables every campus shares (school
 * years, fee catalogue, Quran programmes) are the first school's. Pure, like the school generator.
 */
import { type Dataset, type Dirt, generate, type TableData, type Value } from "./LegacyDataset.js"
import { type Table, type TableName, table as tableOf } from "./LegacyTables.js"

/** One school of the group. */
export interface School {
  /** The school's code, written in `users.school_code` (the migration's tenant). */
  readonly code: string
  readonly students: number
  readonly seed: number
}

/** Generator options. */
export interface Options {
  readonly schools: ReadonlyArray<School>
  /** The current school year, as for one school. Default 2026. */
  readonly year?: number
}

/** A group: the merged tables, and each planted defect with the school it was planted in. */
export interface Group extends Dataset {
  readonly schools: ReadonlyArray<School>
  readonly dirt: ReadonlyArray<Dirt & { readonly school: string }>
}

/** Tables the campuses share: the first school's rows serve every school. */
export const shared: ReadonlySet<TableName> = new Set(["academic_years", "fee_structures", "quran_programs"])

// The columns that hold another table's key (the legacy DDL declares no foreign keys).
const references: Partial<Record<TableName, Readonly<Record<string, TableName>>>> = {
  students: { user_id: "users" },
  teachers: { user_id: "users" },
  guardians: { student_id: "students", user_id: "users" },
  classes: { teacher_id: "teachers" },
  enrollments: { student_id: "students", class_id: "classes" },
  attendance: { student_id: "students", class_id: "classes", recorded_by: "users" },
  assessments: { class_id: "classes" },
  grades: { assessment_id: "assessments", student_id: "students", graded_by: "users" },
  quran_enrollments: { student_id: "students", teacher_id: "teachers" },
  quran_progress: { enrollment_id: "quran_enrollments" },
  invoices: { student_id: "students" },
  invoice_items: { invoice_id: "invoices" },
  payments: { invoice_id: "invoices", student_id: "students" },
}

// A key no school has: where a school's row names a parent that school does not hold (planted
// orphans), the group's row names one that no school holds either.
const nowhere = 10_000_000

/** The `users` table with the campus column. */
const usersWithSchool = (t: Table): Table => ({
  ...t,
  columns: [...t.columns, { name: "school_code", type: { kind: "varchar", length: 10 } }],
})

/** Generates the group. Schools keep their own dirt; a defect planted in a shared table of a later school is not in the group. */
export const generateGroup = (options: Options): Group => {
  const datasets = options.schools.map((s) =>
    generate({ students: s.students, seed: s.seed, ...(options.year ? { year: options.year } : {}) }),
  )
  const first = datasets[0]!
  const offsets = datasets.map(() => new Map<TableName, number>())
  const running = new Map<TableName, number>()
  datasets.forEach((d, i) => {
    for (const td of d.tables) {
      const name = td.table.name as TableName
      const isShared = shared.has(name)
      offsets[i]!.set(name, isShared ? 0 : (running.get(name) ?? 0))
      if (!isShared) running.set(name, (running.get(name) ?? 0) + td.rows.length)
    }
  })
  const tables: Array<TableData> = first.tables.map((td) => {
    const name = td.table.name as TableName
    const table = name === "users" ? usersWithSchool(td.table) : td.table
    if (shared.has(name)) return { table, rows: td.rows }
    const rows: Array<ReadonlyArray<Value>> = []
    datasets.forEach((d, i) => {
      const own = d.tables.find((x) => x.table.name === name)!
      const position = new Map(own.table.columns.map((c, j) => [c.name, j]))
      const refs = Object.entries(references[name] ?? {}).map(
        ([column, parent]) => [position.get(column)!, parent] as const,
      )
      const counts = new Map(d.tables.map((x) => [x.table.name as TableName, x.rows.length]))
      const offset = offsets[i]!.get(name)!
      for (const row of own.rows) {
        const out = [...row]
        out[0] = Number(row[0]) + offset
        for (const [j, parent] of refs) {
          const v = row[j]
          if (v === null || v === undefined) continue
          const key = Number(v)
          const held = Number.isInteger(key) && key >= 1 && key <= (counts.get(parent) ?? 0)
          out[j] = held ? key + offsets[i]!.get(parent)! : key + nowhere
        }
        if (name === "users") out.push(options.schools[i]!.code)
        rows.push(out)
      }
    })
    return { table, rows }
  })
  const dirt = datasets.flatMap((d, i) =>
    d.dirt
      .filter((x) => !(shared.has(x.table) && i > 0))
      .flatMap((x) => grouped(x, d))
      .map((x) => ({ ...x, key: x.key + offsets[i]!.get(x.table)!, school: options.schools[i]!.code })),
  )
  return {
    students: datasets.reduce((n, d) => n + d.students, 0),
    seed: first.seed,
    year: first.year,
    tables,
    dirt,
    schools: options.schools,
  }
}

// In a group, a row that names no parent cannot be placed in a school by it: a guardian whose
// student link was lost, which a school alone loads and whose link it skips, is placed by its own
// user account when it has one, and refused for having no school (as guardian and as link) when not.
const grouped = (d: Dirt, school: Dataset): ReadonlyArray<Dirt> => {
  if (d.kind !== "guardian_without_student") return [d]
  const guardians = school.tables.find((t) => t.table.name === "guardians")!
  const userColumn = guardians.table.columns.findIndex((c) => c.name === "user_id")
  if (guardians.rows[d.key - 1]![userColumn] !== null) return [d]
  return [
    { ...d, expect: "rejected" },
    { ...d, entity: "guardians", expect: "rejected" },
  ]
}

/** The table layout of a group's `table` (users with `school_code`). */
export const tableOfGroup = (name: TableName): Table =>
  name === "users" ? usersWithSchool(tableOf(name)) : tableOf(name)

/**
 * The group's schools: the students shared out in falling shares (the first school the largest, as
 * groups grow from a first campus), each school with a seed of its own.
 */
export const schoolsOf = (
  total: number,
  codes: ReadonlyArray<string>,
  seed: number,
): ReadonlyArray<School> => {
  const weights = codes.map((_, i) => codes.length + 2 - i)
  const sum = weights.reduce((a, b) => a + b, 0)
  const sizes = weights.map((w) => Math.max(1, Math.floor((total * w) / sum)))
  sizes[0]! += total - sizes.reduce((a, b) => a + b, 0)
  return codes.map((code, i) => ({ code, students: sizes[i]!, seed: seed + i }))
}
