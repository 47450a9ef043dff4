/**
 * The bench dataset: an `assessment_results` table in MariaDB shaped like the legacy SIS's, generated
 * deterministically (same rows for the same N), and kept between runs so only the first run pays for it.
 */
import mysql from "mysql2/promise"

export const mysqlUrl = process.env.SCHOOLBRIDGE_BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"
export const pgUrl = process.env.SCHOOLBRIDGE_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"
export const database = "sb_bench"

/** The same server URL, pointing at another database. */
export const withDatabase = (url: string, name: string): string => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}
const version = 1

const remarks = [
  "Bacaan lancar, tajwid baik",
  "Perlu ulang kaji surah Al-Mulk",
  "ممتاز",
  "جيد جدا، يحتاج إلى مراجعة",
  "Hafazan juz 30 selesai",
  "  Good effort; needs practice with fractions  ",
  "Cemerlang dalam ujian lisan",
  null,
]
const statuses = ["A", "graded", "1", "P", "pending", "0", "X", "G"]
const grades = ["A+", "A", "A-", "B+", "B", "C", "D", "E"]

/** A small fast deterministic PRNG (mulberry32). */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n))

const row = (id: number, rnd: () => number) => {
  const day = 1 + Math.floor(rnd() * 28)
  const month = 1 + Math.floor(rnd() * 12)
  const year = 2015 + Math.floor(rnd() * 10)
  const recorded =
    rnd() < 0.02
      ? "0000-00-00 00:00:00"
      : `${year}-${pad(month)}-${pad(day)} ${pad(7 + Math.floor(rnd() * 10))}:${pad(Math.floor(rnd() * 60))}:00`
  return [
    id,
    1 + (id % 20),
    1 + Math.floor(rnd() * 50_000),
    1 + Math.floor(rnd() * 2_000),
    rnd() < 0.05 ? null : (Math.floor(rnd() * 10_000) / 100).toFixed(2),
    "100.00",
    grades[Math.floor(rnd() * grades.length)],
    statuses[Math.floor(rnd() * statuses.length)],
    recorded,
    remarks[Math.floor(rnd() * remarks.length)],
    `${year + 1}-01-0${1 + (id % 9)} 10:00:00`,
  ]
}

/** Makes sure `sb_bench.assessment_results` holds rows 1..n (or more: the bench reads `id <= n`); true when it generated them. */
export const ensureSource = async (n: number, log: (line: string) => void): Promise<boolean> => {
  const conn = await mysql.createConnection({ uri: mysqlUrl, multipleStatements: true })
  try {
    await conn.query(`create database if not exists ${database} character set utf8mb4`)
    await conn.query(`use ${database}`)
    await conn.query("set session sql_mode = ''")
    const [marker] = await conn.query<Array<mysql.RowDataPacket>>(
      "select table_name from information_schema.tables where table_schema = ? and table_name = 'bench_meta'",
      [database],
    )
    if (marker.length > 0) {
      const [meta] = await conn.query<Array<mysql.RowDataPacket>>("select rows_n, version from bench_meta")
      if (meta[0] && Number(meta[0].rows_n) >= n && Number(meta[0].version) === version) return false
    }
    log(`generating ${n} source rows in MariaDB (kept for later runs)`)
    await conn.query(`
      drop table if exists assessment_results, bench_meta;
      create table assessment_results (
        id int not null primary key,
        tenant_id int not null,
        student_id int not null,
        assessment_id int not null,
        score decimal(5,2) null,
        max_score decimal(5,2) not null,
        grade varchar(2) null,
        status varchar(10) not null,
        recorded_at datetime null,
        remarks text null,
        updated_at datetime not null
      ) engine=InnoDB;
      create table bench_meta (rows_n int, version int)`)
    const rnd = random(42)
    const chunk = 5_000
    for (let start = 1; start <= n; start += chunk) {
      const rows = []
      for (let id = start; id < Math.min(n + 1, start + chunk); id++) rows.push(row(id, rnd))
      await conn.query("insert into assessment_results values ?", [rows])
    }
    await conn.query("insert into bench_meta values (?, ?)", [n, version])
    return true
  } finally {
    await conn.end()
  }
}
