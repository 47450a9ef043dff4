/**
 * Generates the legacy SIS dataset and writes it:
 *   tsx src/main.ts --students 3000 [--seed 1] [--year 2026] (--sqlite FILE | --mysql URL [--replace])
 * and prints the rows of each table.
 */
import { parseArgs } from "node:util"
import { generate, rowCounts } from "./LegacyDataset.js"
import { loadMysql } from "./Mysql.js"
import { writeSqlite } from "./Sqlite.js"

const usage =
  "usage: generate --students N [--seed S] [--year YYYY] (--sqlite FILE | --mysql URL [--replace])"

const main = async () => {
  const { values } = parseArgs({
    options: {
      students: { type: "string" },
      seed: { type: "string", default: "1" },
      year: { type: "string" },
      sqlite: { type: "string" },
      mysql: { type: "string" },
      replace: { type: "boolean", default: false },
    },
  })
  const students = Number(values.students)
  const seed = Number(values.seed)
  if (
    !Number.isInteger(students) ||
    students < 1 ||
    !Number.isInteger(seed) ||
    (values.sqlite === undefined) === (values.mysql === undefined)
  ) {
    process.stderr.write(`${usage}\n`)
    process.exit(2)
  }
  const started = performance.now()
  const dataset = generate({
    students,
    seed,
    ...(values.year !== undefined ? { year: Number(values.year) } : {}),
  })
  const generated = performance.now()
  if (values.sqlite !== undefined) await writeSqlite(dataset, values.sqlite)
  else await loadMysql(dataset, values.mysql!, { replace: values.replace })
  const written = performance.now()
  const counts = rowCounts(dataset)
  const width = Math.max(...Object.keys(counts).map((name) => name.length))
  for (const [name, n] of Object.entries(counts)) process.stdout.write(`${name.padEnd(width)}  ${n}\n`)
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  process.stdout.write(
    `${"total".padEnd(width)}  ${total}  (${dataset.dirt.length} dirty rows planted; generated in ${((generated - started) / 1000).toFixed(1)} s, written in ${((written - generated) / 1000).toFixed(1)} s)\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
