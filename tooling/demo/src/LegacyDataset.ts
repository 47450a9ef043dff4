/**
 * A realistic legacy SIS dataset of one school, generated from a student count and a seed: every
 * table manifests/legacy-sis.yaml reads, in the proportions of a Malaysian school, with the dirt such
 * systems collect placed on a small deterministic set of rows and listed in `dirt` with the outcome
 * the legacy-sis mappers give it. Pure: the same options give byte-identical rows.
 */
import { createHash } from "node:crypto"
import * as Calendar from "./Calendar.js"
import { tables as allTables, type Table, type TableName, table as tableOf } from "./LegacyTables.js"
import * as Malaysia from "./Malaysia.js"
import * as Prng from "./Prng.js"

/** A cell: text (dates, money and codes as the legacy system wrote them), a whole number or NULL. */
export type Value = string | number | null

/** The rows of one table, each in the table's column order, keys ascending from 1. */
export interface TableData {
  readonly table: Table
  readonly rows: ReadonlyArray<ReadonlyArray<Value>>
}

/** What the migration does with a dirty row: refuses it, loads it cleaned, skips it, or loads it with a warning. */
export type Expect = "rejected" | "cleaned" | "skipped" | "flagged"

/** The kinds of dirt the generator plants. */
export type DirtKind =
  | "phone_format"
  | "date_format"
  | "date_invalid"
  | "zero_date"
  | "duplicate_email"
  | "email_case"
  | "malformed_email"
  | "repairable_email"
  | "nameless_user"
  | "mojibake"
  | "orphan_student_user"
  | "orphan_enrollment"
  | "orphan_payment"
  | "overpaid_invoice"
  | "status_spelling"
  | "missing_student_number"
  | "missing_invoice_number"
  | "student_email_link"
  | "guardian_without_student"
  | "unmarked_grade"
  | "unallocated_payment"
  | "pending_payment"

/** One planted defect: the row (table and key), the migrator entity that reads it, and its outcome there. */
export interface Dirt {
  readonly kind: DirtKind
  readonly table: TableName
  readonly key: number
  /** The migrator entity the outcome is for, without the `legacy-sis.` prefix (`payment_allocations`). */
  readonly entity: string
  readonly column: string
  readonly expect: Expect
}

/** Generator options. */
export interface Options {
  /** How many students the school has (the other tables follow from it). */
  readonly students: number
  /** Default 1. */
  readonly seed?: number
  /** The current school year (calendar year, as Malaysian schools run); the previous one is also made. Default 2026. */
  readonly year?: number
}

/** A generated school. */
export interface Dataset {
  readonly students: number
  readonly seed: number
  readonly year: number
  /** Every table, parents before children. */
  readonly tables: ReadonlyArray<TableData>
  readonly dirt: ReadonlyArray<Dirt>
}

type Row = Array<Value>

// Rows are kept as arrays in column order (compact at bench scale); writes by column name go
// through the column positions.
class Tables {
  readonly rows = new Map<TableName, Array<Row>>()
  readonly positions = new Map<TableName, Map<string, number>>()
  constructor() {
    for (const t of allTables) {
      this.rows.set(t.name, [])
      this.positions.set(t.name, new Map(t.columns.map((c, i) => [c.name, i])))
    }
  }
  /** Appends a row; its key is the next one. */
  add(name: TableName, values: Record<string, Value>): number {
    const rows = this.rows.get(name)!
    const key = rows.length + 1
    const t = tableOf(name)
    const row: Row = t.columns.map((c, i) => (i === 0 ? key : (values[c.name] ?? null)))
    rows.push(row)
    return key
  }
  get(name: TableName, key: number, column: string): Value {
    return this.rows.get(name)![key - 1]![this.positions.get(name)!.get(column)!]!
  }
  set(name: TableName, key: number, column: string, value: Value): void {
    this.rows.get(name)![key - 1]![this.positions.get(name)!.get(column)!] = value
  }
  count(name: TableName): number {
    return this.rows.get(name)!.length
  }
}

const money = (sen: number): string => {
  const sign = sen < 0 ? "-" : ""
  const abs = Math.abs(sen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`
}

// UTF-8 bytes read as Windows-1252: the mojibake a latin1 connection makes of names like these.
const cp1252High = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"
const mojibake = (text: string): string =>
  [...Buffer.from(text, "utf8")]
    .map((b) => (b >= 0x80 && b <= 0x9f ? cp1252High[b - 0x80]! : String.fromCharCode(b)))
    .join("")
const accentedNames = ["Zülkifli", "Nur’ain", "Mu’az", "Ma’arof", "Syaza ‘Aqilah", "Hélène"]

// Juz 'Amma (surahs 78–114) with their verse counts, as tahfiz classes start from the end.
const juzAmma: ReadonlyArray<readonly [number, number]> = [
  [114, 6],
  [113, 5],
  [112, 4],
  [111, 5],
  [110, 3],
  [109, 6],
  [108, 3],
  [107, 7],
  [106, 4],
  [105, 5],
  [104, 9],
  [103, 3],
  [102, 8],
  [101, 11],
  [100, 11],
  [99, 8],
  [98, 8],
  [97, 5],
  [96, 19],
  [95, 8],
  [94, 8],
  [93, 11],
  [92, 21],
  [91, 15],
  [90, 20],
  [89, 30],
  [88, 26],
  [87, 19],
  [86, 17],
  [85, 22],
  [84, 25],
  [83, 36],
  [82, 19],
  [81, 29],
  [80, 42],
  [79, 46],
  [78, 40],
]

const levels = [
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ label: `Tahun ${n}`, code: `${n}`, prefix: `${n}` })),
  ...[1, 2, 3, 4, 5].map((n) => ({ label: `Tingkatan ${n}`, code: `T${n}`, prefix: `Tingkatan ${n}` })),
]
const sections = [
  "Amanah",
  "Bestari",
  "Cemerlang",
  "Dedikasi",
  "Gemilang",
  "Harmoni",
  "Ikhlas",
  "Jujur",
  "Kreatif",
  "Lestari",
]

const gradeOf = (pct: number): string =>
  pct >= 90
    ? "A+"
    : pct >= 80
      ? "A"
      : pct >= 70
        ? "A-"
        : pct >= 65
          ? "B+"
          : pct >= 60
            ? "B"
            : pct >= 55
              ? "C+"
              : pct >= 50
                ? "C"
                : pct >= 45
                  ? "D"
                  : pct >= 40
                    ? "E"
                    : "G"

interface Student {
  readonly key: number
  readonly level: number
  readonly sex: Malaysia.Sex
  readonly family: Malaysia.Family
  readonly classNow: number
  readonly classBefore: number | null
  readonly userKey: number | null
  readonly orphan: boolean
}

/** Generates the dataset. */
export const generate = (options: Options): Dataset => {
  const n = Math.max(1, Math.floor(options.students))
  const seed = options.seed ?? 1
  const year = options.year ?? 2026
  const prev = year - 1
  const rng = Prng.make(seed, "rows")
  const pickRng = Prng.make(seed, "dirt")
  const t = new Tables()
  const dirt: Array<Dirt> = []
  // Each kind of dirt touches this many rows: a handful, growing slowly with the school.
  const k = Math.max(1, Math.round(n / 1000))
  const plant = (
    kind: DirtKind,
    name: TableName,
    key: number,
    column: string,
    expect: Expect,
    entity: string = name,
  ) => dirt.push({ kind, table: name, key, entity, column, expect })

  // The export is taken at the end of October: nothing in it is later (the migrator refuses future dates).
  const snapshot = `${year}-10-30`
  const upTo = (day: string) => (day > snapshot ? snapshot : day)
  const yearStart = (y: number) => Calendar.mondayFrom(`${y}-01-05`)
  const yearEnd = (y: number) => `${y}-12-11`
  const domainFor = (r: Prng.Prng) =>
    r.weighted(["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "yahoo.com.my"], [50, 20, 12, 10, 8])
  const schoolDomain = "alhidayah.edu.my"
  const phone = () => Malaysia.formatPhone(Malaysia.mobileDigits(rng), "dash")
  const time = () => rng.int(7, 17)

  const addUser = (
    name: Malaysia.Name,
    email: string | null,
    phoneText: string | null,
    created: string,
  ): number =>
    t.add("users", {
      email,
      password:
        rng.weighted([null, "md5", "plain"], [60, 35, 5]) === "md5"
          ? createHash("md5").update(`${email}:${rng.next()}`).digest("hex")
          : null,
      first_name: name.first,
      last_name: name.last,
      phone: phoneText,
      status: "active",
      email_verified: rng.chance(0.7) ? 1 : 0,
      created_date: Calendar.stamp(created, time(), rng.int(0, 59), rng.int(0, 59)),
      modified_date: rng.chance(0.2)
        ? Calendar.stamp(upTo(Calendar.addDays(created, rng.int(30, 400))), time(), rng.int(0, 59))
        : null,
    })

  // Office staff.
  const admins = Math.max(2, Math.round(n / 250))
  for (let i = 0; i < admins; i++) {
    const name = Malaysia.adultName(rng, rng.chance(0.7) ? "F" : "M")
    addUser(
      name,
      `${Malaysia.emailLocal(name)}${i + 1}@${schoolDomain}`,
      phone(),
      Calendar.dayOfYear(prev - 3, rng.int(0, 300)),
    )
  }

  // Teachers, each with a user.
  const teacherCount = Math.max(2, Math.round(n / 20))
  const teacherUsers: Array<number> = []
  for (let i = 0; i < teacherCount; i++) {
    const sex: Malaysia.Sex = rng.chance(0.7) ? "F" : "M"
    const name = Malaysia.adultName(rng, sex)
    const hired = Calendar.dayOfYear(prev - rng.int(0, 15), rng.int(0, 200))
    const userKey = addUser(
      name,
      `${Malaysia.emailLocal(name)}${t.count("users") + 1}@${schoolDomain}`,
      phone(),
      hired,
    )
    teacherUsers.push(userKey)
    t.add("teachers", {
      user_id: userKey,
      staff_no: `G${String(i + 1).padStart(4, "0")}`,
      specialization: Malaysia.subjects[i % Malaysia.subjects.length]!,
      qualification:
        i % Malaysia.subjects.length === 0 ? "Diploma Tahfiz" : rng.pick(Malaysia.qualifications),
      hire_date: hired,
      status: rng.weighted(["active", "on leave"], [97, 3]),
      created_date: Calendar.stamp(hired, 9),
      modified_date: null,
    })
  }
  const tahfizTeachers = Array.from({ length: teacherCount }, (_, i) => i + 1).filter(
    (key) => (key - 1) % Malaysia.subjects.length === 0 || (key - 1) % Malaysia.subjects.length === 5,
  )

  // Academic years: the previous and the current.
  for (const y of [prev, year])
    t.add("academic_years", {
      year_name: String(y),
      start_date: yearStart(y),
      end_date: yearEnd(y),
      is_current: y === year ? 1 : 0,
      is_enrollment_open: y === year ? "Y" : "N",
      created_date: Calendar.stamp(`${y - 1}-11-0${y === year ? 3 : 4}`, 9),
      modified_date: null,
    })

  // Classes: every level has the same number of sections, about 30 students each.
  const perLevel = Math.max(1, Math.round(n / 30 / levels.length))
  const classKeys = new Map<string, number>() // `${year}:${level}:${section}` → key
  const classTeacher = new Map<number, number>() // class key → teacher key
  for (const y of [prev, year])
    for (let level = 0; level < levels.length; level++)
      for (let s = 0; s < perLevel; s++) {
        const section =
          sections[s % sections.length]! +
          (s >= sections.length ? ` ${Math.floor(s / sections.length) + 1}` : "")
        const teacher = ((level * perLevel + s + (y - prev) * 7) % teacherCount) + 1
        const l = levels[level]!
        const key = t.add("classes", {
          class_code: `${l.code}${section[0]}${s >= sections.length ? Math.floor(s / sections.length) + 1 : ""}`,
          class_name: `${l.prefix} ${section}`,
          grade_level: l.label,
          teacher_id: teacher,
          capacity: "35",
          room: `${level < 6 ? "A" : "B"}-${(level % 6) + 1}${String(s + 1).padStart(2, "0")}`,
          academic_year: String(y),
          created_date: Calendar.stamp(`${y - 1}-12-0${1 + (level % 9)}`, 8),
          modified_date: null,
        })
        classKeys.set(`${y}:${level}:${s}`, key)
        classTeacher.set(key, teacher)
      }

  // Students with their users and guardians. Dirt that must not spread is decided first: an orphan
  // student (its user row is gone) has no enrolments, guardians, invoices or Quran classes.
  const orphanStudents = new Set<number>()
  while (orphanStudents.size < k) orphanStudents.add(pickRng.int(1, n))
  const students: Array<Student> = []
  const guardianUsers: Array<number> = []
  for (let i = 1; i <= n; i++) {
    const orphan = orphanStudents.has(i)
    const level = rng.int(0, levels.length - 1)
    const sex: Malaysia.Sex = rng.chance(0.5) ? "M" : "F"
    const fam = Malaysia.family(rng)
    const name = Malaysia.childName(rng, fam, sex)
    const admittedYear = year - level
    const admitted = Calendar.addDays(yearStart(admittedYear), -rng.int(0, 6))
    const born = Calendar.dayOfYear(year - 7 - level, rng.int(0, 364))
    const home = Malaysia.town(rng)
    const street = Malaysia.streetAddress(rng)
    const created = Calendar.addDays(admitted, -rng.int(10, 60))
    let userKey: number | null = null
    if (orphan)
      userKey = t.count("users") + 1 + 100000 // a user deleted long ago
    else
      userKey = addUser(
        name,
        `${Malaysia.emailLocal(name)}${t.count("users") + 1}@student.${schoolDomain}`,
        level >= 6 && rng.chance(0.6) ? phone() : null,
        created,
      )
    const section = rng.int(0, perLevel - 1)
    const classNow = classKeys.get(`${year}:${level}:${section}`)!
    const classBefore = level > 0 ? classKeys.get(`${prev}:${level - 1}:${rng.int(0, perLevel - 1)}`)! : null
    const malaysian = rng.chance(0.97)
    const key = t.add("students", {
      user_id: userKey,
      email: null,
      student_number: `${admittedYear}-${String(i).padStart(5, "0")}`,
      dob: born,
      gender: sex,
      nationality: malaysian ? "Malaysian" : rng.pick(["Indonesian", "Singaporean", "Bangladeshi"]),
      ic_number: malaysian ? Malaysia.myKad(rng, born, home.birthCode, sex) : null,
      blood_group: rng.chance(0.8)
        ? rng.weighted(["O+", "A+", "B+", "AB+", "O-", "A-"], [38, 26, 26, 6, 2, 2])
        : null,
      medical_info: rng.chance(0.06) ? rng.pick(["Asma", "Alahan kacang", "Eczema", "G6PD"]) : null,
      admission_date: admitted,
      status: "active",
      address1: street.line1,
      address2: street.line2,
      city: home.city,
      state: home.state,
      postal_code: home.postcode,
      country: "Malaysia",
      created_date: Calendar.stamp(created, time(), rng.int(0, 59)),
      modified_date: rng.chance(0.3)
        ? Calendar.stamp(upTo(Calendar.addDays(created, rng.int(30, 300))), time())
        : null,
    })
    students.push({
      key,
      level,
      sex,
      family: fam,
      classNow,
      classBefore,
      userKey: orphan ? null : userKey,
      orphan,
    })
    if (orphan) continue
    // One or two guardians (1.5 per student on average); about a third of them have a portal user.
    const guardians = rng.chance(0.5) ? 2 : 1
    const first: Malaysia.Sex = rng.chance(0.6) ? "M" : "F"
    for (let g = 0; g < guardians; g++) {
      const gsex: Malaysia.Sex = g === 0 ? first : first === "M" ? "F" : "M"
      const gname = Malaysia.parentName(rng, fam, gsex)
      const gborn = Calendar.dayOfYear(year - rng.int(32, 52), rng.int(0, 364))
      const gphone = phone()
      const email = rng.chance(0.7)
        ? `${Malaysia.emailLocal(gname)}${rng.int(1, 99)}${i}@${domainFor(rng)}`
        : null
      const gUser = email !== null && rng.chance(0.45) ? addUser(gname, email, gphone, created) : null
      if (gUser !== null) guardianUsers.push(gUser)
      const relationship =
        gsex === "M"
          ? rng.weighted(["Bapa", "father", "ayah"], [60, 30, 10])
          : rng.weighted(["Ibu", "mother", "emak"], [60, 30, 10])
      t.add("guardians", {
        student_id: key,
        user_id: gUser,
        first_name: gname.first,
        last_name: gname.last,
        email,
        phone: gphone,
        ic_number: rng.chance(0.85) ? Malaysia.myKad(rng, gborn, Malaysia.town(rng).birthCode, gsex) : null,
        occupation: rng.chance(0.8) ? rng.pick(Malaysia.occupations) : null,
        relationship,
        is_primary: g === 0 ? rng.pick(["1", "Y"]) : rng.pick(["0", "N"]),
        priority: g + 1,
        emergency_contact: rng.chance(0.8) ? "Y" : "N",
        address1: street.line1,
        address2: street.line2,
        city: home.city,
        state: home.state,
        postal_code: home.postcode,
        country: "Malaysia",
        created_date: Calendar.stamp(created, time(), rng.int(0, 59)),
        modified_date: null,
      })
    }
  }

  // Accounts nobody links to any more: former parents and staff.
  const dormant: Array<number> = []
  for (let i = 0; i < Math.max(3, Math.round(n / 50)); i++) {
    const name = Malaysia.adultName(rng, rng.chance(0.5) ? "M" : "F")
    dormant.push(
      addUser(
        name,
        `${Malaysia.emailLocal(name)}${t.count("users") + 1}@${domainFor(rng)}`,
        phone(),
        Calendar.dayOfYear(prev - rng.int(3, 8), rng.int(0, 300)),
      ),
    )
    t.set("users", dormant[dormant.length - 1]!, "status", rng.pick(["inactive", "I", "0"]))
  }

  // Enrolments: the previous year's class (not for this year's first-years), then the current one.
  const live = students.filter((s) => !s.orphan)
  for (const s of live)
    if (s.classBefore !== null)
      t.add("enrollments", {
        student_id: s.key,
        class_id: s.classBefore,
        enrollment_date: yearStart(prev),
        end_date: yearEnd(prev),
        status: "completed",
        created_date: Calendar.stamp(yearStart(prev), 8),
        modified_date: Calendar.stamp(yearEnd(prev), 16),
      })
  const current = [...live].sort((a, b) => a.classNow - b.classNow || a.key - b.key)
  for (const s of current)
    t.add("enrollments", {
      student_id: s.key,
      class_id: s.classNow,
      enrollment_date: yearStart(year),
      end_date: null,
      status: "active",
      created_date: Calendar.stamp(yearStart(year), 8),
      modified_date: null,
    })

  // Attendance: the register of the first 20 school days of the current year, class by class.
  for (const day of Calendar.schoolDays(yearStart(year), 20))
    for (const s of current) {
      const status = rng.weighted(["P", "TH", "MC", "L", "E"], [930, 30, 20, 15, 5])
      t.add("attendance", {
        student_id: s.key,
        class_id: s.classNow,
        attendance_date: day,
        status,
        remarks:
          status === "TH"
            ? rng.pick(["Tiada surat", "Ponteng", null])
            : status === "MC"
              ? rng.pick(["Demam", "Selsema", "Sakit perut"])
              : status === "L"
                ? "Lewat"
                : status === "E"
                  ? "Pertandingan daerah"
                  : null,
        recorded_by: teacherUsers[classTeacher.get(s.classNow)! - 1]!,
        created_date: Calendar.stamp(day, 7, rng.int(30, 59), rng.int(0, 59)),
        modified_date: null,
      })
    }

  // Assessments (three a class a year) and every pupil's grade in each.
  const byClass = new Map<number, Array<Student>>()
  for (const s of live) {
    for (const c of s.classBefore === null ? [s.classNow] : [s.classBefore, s.classNow]) {
      const list = byClass.get(c) ?? []
      list.push(s)
      byClass.set(c, list)
    }
  }
  const papers = [
    {
      name: "Ujian Bulanan 1",
      category: "quiz",
      term: "Penggal 1",
      max: 50,
      weight: "0.200",
      month: "03-12",
    },
    {
      name: "Peperiksaan Pertengahan Tahun",
      category: "exam",
      term: "Penggal 1",
      max: 100,
      weight: "0.300",
      month: "05-14",
    },
    {
      name: "Peperiksaan Akhir Tahun",
      category: "exam",
      term: "Penggal 2",
      max: 100,
      weight: "0.500",
      month: "10-15",
    },
  ]
  for (const y of [prev, year])
    for (let level = 0; level < levels.length; level++)
      for (let s = 0; s < perLevel; s++) {
        const classKey = classKeys.get(`${y}:${level}:${s}`)!
        const teacherUser = teacherUsers[classTeacher.get(classKey)! - 1]!
        for (const p of papers) {
          const day = `${y}-${p.month}`
          const assessment = t.add("assessments", {
            class_id: classKey,
            academic_year: String(y),
            name: p.name,
            category: p.category,
            term: p.term,
            max_score: money(p.max * 100),
            weight: p.weight,
            assessment_date: day,
            created_date: Calendar.stamp(`${y}-02-20`, 9),
            modified_date: null,
          })
          for (const pupil of byClass.get(classKey) ?? []) {
            const pct = Math.max(5, Math.min(100, Math.round(rng.normal(68, 16))))
            const score = (pct * p.max) / 100
            t.add("grades", {
              assessment_id: assessment,
              student_id: pupil.key,
              score: Number.isInteger(score) ? String(score) : score.toFixed(1),
              grade: gradeOf(pct),
              remarks: rng.chance(0.1)
                ? rng.pick(["Baik", "Cemerlang", "Perlu usaha lagi", "Tingkatkan usaha"])
                : null,
              graded_by: teacherUser,
              graded_date: Calendar.stamp(Calendar.addDays(day, rng.int(3, 9)), time()),
              created_date: Calendar.stamp(Calendar.addDays(day, rng.int(3, 9)), time()),
              modified_date: null,
            })
          }
        }
      }

  // Quran programmes, and about a third of the students in one of them with their surahs.
  const programs = [
    ["HIFZ-FULL", "Tahfiz Penuh", "Tahfiz", "1-30", null, 36],
    ["JUZ-AMMA", "Hafazan Juz Amma", "juz amma", "30", "78-114", 12],
    ["TILAWAH", "Tilawah dan Iqra", "Tilawah", null, null, 12],
    ["TAJWID", "Tajwid Asas", "tajwid", null, null, 6],
  ] as const
  for (const [code, name, type, juz, surahs, months] of programs)
    t.add("quran_programs", {
      program_code: code,
      program_name: name,
      program_type: type,
      description: null,
      target_juz: juz,
      target_surahs: surahs,
      duration_months: months,
      prerequisites: code === "HIFZ-FULL" ? "Khatam Iqra 6" : null,
      is_active: 1,
      created_date: Calendar.stamp(`${prev - 2}-01-03`, 8),
      modified_date: null,
    })
  const quranShare = live.length === 0 ? 0 : n / 3 / live.filter((s) => s.family.community === "malay").length
  for (const s of live) {
    if (s.family.community !== "malay" || !rng.chance(quranShare)) continue
    const program = rng.weighted([1, 2, 3, 4], [20, 60, 15, 5])
    const enrolled = Calendar.addDays(yearStart(year), rng.int(0, 10))
    const enrollment = t.add("quran_enrollments", {
      student_id: s.key,
      program_id: program,
      academic_year: String(year),
      teacher_id: tahfizTeachers.length > 0 ? rng.pick(tahfizTeachers) : null,
      enrollment_date: enrolled,
      status: "active",
      created_date: Calendar.stamp(enrolled, 8),
      modified_date: null,
    })
    const done = rng.int(2, 5)
    let day = Calendar.addDays(enrolled, 3)
    for (let j = 0; j < done; j++) {
      const [surah, verses] = juzAmma[j]!
      const finished = j < done - 1
      const started = day
      day = Calendar.addDays(day, rng.int(7, 21))
      t.add("quran_progress", {
        enrollment_id: enrollment,
        surah_no: surah,
        juz_no: 30,
        status: finished ? "C" : "P",
        verses_done: finished ? verses : rng.int(0, verses - 1),
        quality_pct: finished ? money(rng.int(70, 100) * 100 - rng.pick([0, 50])) : null,
        start_date: started,
        complete_date: finished ? day : null,
        last_review_date: finished ? Calendar.addDays(day, rng.int(1, 14)) : null,
        review_count: finished ? rng.int(1, 6) : 0,
        notes: rng.chance(0.15)
          ? rng.pick(["Lancar", "Perlu ulang kaji", "Tajwid baik", "Makhraj perlu dibaiki"])
          : null,
        created_date: Calendar.stamp(started, 15),
        modified_date: finished ? Calendar.stamp(day, 15) : null,
      })
    }
  }

  // Fee structures of both years.
  const fees = [
    ["TUI", "Yuran Pengajian", 45000, "penggal"],
    ["REG", "Yuran Pendaftaran", 15000, "sekali"],
    ["PIBG", "Yuran PIBG", 5000, "tahunan"],
    ["BUKU", "Buku Latihan", 8500, "sekali"],
    ["BAS", "Bas Sekolah", 12000, "bulanan"],
  ] as const
  for (const y of [prev, year])
    for (const [code, name, sen, frequency] of fees)
      t.add("fee_structures", {
        fee_code: `${code}-${y}`,
        fee_name: name,
        description: null,
        amount: money(sen),
        frequency,
        grade_level: null,
        academic_year: String(y),
        is_active: y === year ? 1 : 0,
        created_date: Calendar.stamp(`${y - 1}-11-15`, 9),
        modified_date: null,
      })

  // Two invoices a student this year (first and second term), one to three lines each, and the
  // payments that settled most of them.
  let invoiceSeq = 0
  let receiptSeq = 0
  const methods = ["FPX", "fpx", "tunai", "Online Banking", "cek", "DuitNow", "kad kredit"]
  const unpaidInvoices: Array<{ key: number; student: number; balance: number; due: string }> = []
  const paidInvoices: Array<{ key: number; student: number; total: number; date: string }> = []
  for (const s of live)
    for (const term of [0, 1]) {
      const date = term === 0 ? `${year}-01-1${rng.int(2, 6)}` : `${year}-06-0${rng.int(1, 5)}`
      const lines: Array<readonly [string, number]> = [["Yuran Pengajian", 45000]]
      if (term === 0) {
        lines.push(s.level === 0 ? ["Yuran Pendaftaran", 15000] : ["Yuran PIBG", 5000])
        if (rng.chance(0.5)) lines.push(["Buku Latihan", 8500])
      } else if (rng.chance(0.3)) lines.push(["Bas Sekolah", 12000])
      const total = lines.reduce((sum, [, sen]) => sum + sen, 0)
      const due = Calendar.addDays(date, 30)
      const outcome = rng.weighted(["paid", "partial", "unpaid"], term === 0 ? [92, 5, 3] : [75, 10, 15])
      const paid = outcome === "paid" ? total : outcome === "partial" ? Math.round(total / 200) * 100 : 0
      const invoice = t.add("invoices", {
        invoice_no: `INV-${year}-${String(++invoiceSeq).padStart(6, "0")}`,
        student_id: s.key,
        academic_year: String(year),
        invoice_date: date,
        due_date: due,
        subtotal: money(total),
        discount: "0.00",
        tax: "0.00",
        total: money(total),
        paid: money(paid),
        balance: money(total - paid),
        status: outcome,
        notes: null,
        created_date: Calendar.stamp(date, 9),
        modified_date: paid > 0 ? Calendar.stamp(Calendar.addDays(date, 10), 12) : null,
      })
      for (const [description, sen] of lines)
        t.add("invoice_items", {
          invoice_id: invoice,
          description,
          quantity: "1.00",
          unit_price: money(sen),
          amount: money(sen),
          created_date: Calendar.stamp(date, 9),
          modified_date: null,
        })
      // A full payment is now and then made in two instalments.
      const parts =
        outcome === "paid" && rng.chance(0.15)
          ? [Math.round(total / 200) * 100, total - Math.round(total / 200) * 100]
          : paid > 0
            ? [paid]
            : []
      let payDay = date
      for (const amount of parts) {
        payDay = Calendar.addDays(payDay, rng.int(1, 25))
        const method = rng.weighted(methods, [40, 10, 15, 15, 5, 10, 5])
        t.add("payments", {
          invoice_id: invoice,
          student_id: s.key,
          amount: money(amount),
          payment_date: Calendar.stamp(payDay, time(), rng.int(0, 59), rng.int(0, 59)),
          method,
          reference: /fpx|online/i.test(method)
            ? `FPX${rng.int(10000000, 99999999)}`
            : method === "cek"
              ? `CHQ ${String(rng.int(1, 999999)).padStart(6, "0")}`
              : null,
          receipt_no: `R${year}${String(++receiptSeq).padStart(6, "0")}`,
          status: "completed",
          notes: null,
          created_date: Calendar.stamp(payDay, time()),
          modified_date: null,
        })
      }
      if (outcome === "unpaid") unpaidInvoices.push({ key: invoice, student: s.key, balance: total, due })
      if (outcome === "paid" && parts.length === 1)
        paidInvoices.push({ key: invoice, student: s.key, total, date })
    }

  plantDirt({
    t,
    dirt,
    plant,
    pickRng,
    k,
    n,
    year,
    students: live,
    dormant,
    guardianUsers,
    unpaidInvoices,
    paidInvoices,
    nextReceipt: () => `R${year}${String(++receiptSeq).padStart(6, "0")}`,
  })
  for (const s of students)
    if (s.orphan) plant("orphan_student_user", "students", s.key, "user_id", "rejected")

  dirt.sort(
    (a, b) =>
      (a.table === b.table ? a.key - b.key : a.table < b.table ? -1 : 1) ||
      (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0),
  )
  return {
    students: n,
    seed,
    year,
    tables: allTables.map((table) => ({ table, rows: t.rows.get(table.name)! })),
    dirt,
  }
}

interface DirtContext {
  readonly t: Tables
  readonly dirt: Array<Dirt>
  readonly plant: (
    kind: DirtKind,
    name: TableName,
    key: number,
    column: string,
    expect: Expect,
    entity?: string,
  ) => void
  readonly pickRng: Prng.Prng
  readonly k: number
  readonly n: number
  readonly year: number
  readonly students: ReadonlyArray<Student>
  readonly dormant: ReadonlyArray<number>
  readonly guardianUsers: ReadonlyArray<number>
  readonly unpaidInvoices: ReadonlyArray<{ key: number; student: number; balance: number; due: string }>
  readonly paidInvoices: ReadonlyArray<{ key: number; student: number; total: number; date: string }>
  readonly nextReceipt: () => string
}

// Plants each kind of dirt on rows no other dirt touches, so every row has one expected outcome.
const plantDirt = (c: DirtContext): void => {
  const { t, plant, pickRng, k } = c
  const taken = new Map<TableName, Set<number>>()
  const choose = (name: TableName, from: ReadonlyArray<number>, count = k): Array<number> => {
    const used = taken.get(name) ?? new Set<number>()
    taken.set(name, used)
    const free = from.filter((key) => !used.has(key))
    const chosen: Array<number> = []
    while (chosen.length < count && free.length > 0) {
      const [key] = free.splice(pickRng.int(0, free.length - 1), 1)
      chosen.push(key!)
      used.add(key!)
    }
    return chosen
  }
  const keys = (name: TableName) => Array.from({ length: t.count(name) }, (_, i) => i + 1)
  const userKeysOfStudents = c.students.map((s) => s.userKey!)

  // Phones typed every way: all read as the same E.164 number.
  for (const style of ["dashSpace", "plain", "international", "countryNoPlus"] as const) {
    for (const key of choose(
      "users",
      keys("users").filter((u) => t.get("users", u, "phone") !== null),
    )) {
      const digits = String(t.get("users", key, "phone")).replace(/\D/g, "")
      t.set("users", key, "phone", Malaysia.formatPhone(digits, style))
      plant("phone_format", "users", key, "phone", "cleaned")
    }
    for (const key of choose("guardians", keys("guardians"))) {
      const digits = String(t.get("guardians", key, "phone")).replace(/\D/g, "")
      t.set("guardians", key, "phone", Malaysia.formatPhone(digits, style))
      plant("phone_format", "guardians", key, "phone", "cleaned", "guardians")
    }
  }
  // Dates in the other forms a DATE column and the cleanser both read as the same day.
  for (const key of choose(
    "students",
    c.students.map((s) => s.key),
  )) {
    t.set("students", key, "dob", String(t.get("students", key, "dob")).replaceAll("-", "/"))
    plant("date_format", "students", key, "dob", "cleaned")
  }
  for (const key of choose(
    "students",
    c.students.map((s) => s.key),
  )) {
    t.set(
      "students",
      key,
      "admission_date",
      String(t.get("students", key, "admission_date")).replaceAll("-", ""),
    )
    plant("date_format", "students", key, "admission_date", "cleaned")
  }
  // A day that does not exist (MySQL stores it as a zero date): the register row has no date.
  for (const key of choose("attendance", keys("attendance"))) {
    t.set("attendance", key, "attendance_date", `${c.year}-02-30`)
    plant("date_invalid", "attendance", key, "attendance_date", "rejected")
  }
  // Zero dates: harmless where the column may be empty, fatal where it is required.
  for (const key of choose("users", userKeysOfStudents)) {
    t.set("users", key, "created_date", "0000-00-00 00:00:00")
    plant("zero_date", "users", key, "created_date", "cleaned")
  }
  for (const key of choose(
    "students",
    c.students.map((s) => s.key),
  )) {
    t.set("students", key, "admission_date", "0000-00-00")
    plant("zero_date", "students", key, "admission_date", "cleaned")
  }
  for (const key of choose("invoices", keys("invoices"))) {
    t.set("invoices", key, "due_date", "0000-00-00")
    plant("zero_date", "invoices", key, "due_date", "cleaned")
  }
  for (const key of choose("attendance", keys("attendance"))) {
    t.set("attendance", key, "attendance_date", "0000-00-00")
    plant("zero_date", "attendance", key, "attendance_date", "rejected")
  }
  // A parent registered twice, the second time in capitals with a trailing space: the portal keeps
  // an email on one user, the older account, and loads the later one without it, with a note.
  for (const original of choose("users", [...c.guardianUsers])) {
    const email = String(t.get("users", original, "email"))
    const key = t.add("users", {
      email: `${email.charAt(0).toUpperCase()}${email.slice(1, email.indexOf("@"))}@${email.slice(email.indexOf("@") + 1).toUpperCase()} `,
      password: null,
      first_name: t.get("users", original, "first_name"),
      last_name: t.get("users", original, "last_name"),
      phone: t.get("users", original, "phone"),
      status: "active",
      email_verified: 0,
      created_date: `${c.year}-03-02 21:14:00`,
      modified_date: null,
    })
    taken.get("users")!.add(key)
    plant("duplicate_email", "users", key, "email", "flagged")
  }
  // Capitals and spaces around a unique address: lower-cased and trimmed.
  for (const key of choose("users", userKeysOfStudents)) {
    const email = String(t.get("users", key, "email"))
    t.set("users", key, "email", ` ${email.slice(0, 1).toUpperCase()}${email.slice(1)}`)
    plant("email_case", "users", key, "email", "cleaned")
  }
  // Addresses that are not addresses, on accounts nothing links to and on guardians: each person
  // loads without the email, with a note, and the guardians' link rows load with them.
  for (const key of choose("users", [...c.dormant])) {
    t.set(
      "users",
      key,
      "email",
      String(t.get("users", key, "email"))
        .replace("@", ".")
        .replace(/\.com.*$/, ".com"),
    )
    plant("malformed_email", "users", key, "email", "flagged")
  }
  for (const key of choose(
    "guardians",
    keys("guardians").filter(
      (g) => t.get("guardians", g, "email") !== null && t.get("guardians", g, "user_id") === null,
    ),
  )) {
    t.set("guardians", key, "email", String(t.get("guardians", key, "email")).replace(/\.[a-z.]+$/, ""))
    plant("malformed_email", "guardians", key, "email", "flagged")
  }
  // An account with no name left, but still a password hash: the person cannot be named, so refused
  // (its hash is not copied into the ledger).
  for (const key of choose("users", [...c.dormant])) {
    t.set("users", key, "first_name", "")
    t.set("users", key, "last_name", null)
    t.set("users", key, "password", createHash("md5").update(`nameless:${key}`).digest("hex"))
    plant("nameless_user", "users", key, "first_name", "rejected")
  }
  for (const key of choose("users", userKeysOfStudents)) {
    t.set("users", key, "email", String(t.get("users", key, "email")).replace("@", "@@"))
    plant("repairable_email", "users", key, "email", "cleaned")
  }
  // Names saved through a latin1 connection.
  for (const key of choose("users", userKeysOfStudents)) {
    t.set("users", key, "first_name", mojibake(c.pickRng.pick(accentedNames)))
    plant("mojibake", "users", key, "first_name", "cleaned")
  }
  for (const key of choose("guardians", keys("guardians"))) {
    t.set("guardians", key, "first_name", mojibake(c.pickRng.pick(accentedNames)))
    plant("mojibake", "guardians", key, "first_name", "cleaned")
  }
  // An enrolment of a student deleted from the students table.
  {
    const key = t.add("enrollments", {
      student_id: c.n + 5000,
      class_id: 1,
      enrollment_date: `${c.year}-01-05`,
      end_date: null,
      status: "active",
      created_date: `${c.year}-01-05 08:00:00`,
      modified_date: null,
    })
    taken.set("enrollments", new Set([...(taken.get("enrollments") ?? []), key]))
    plant("orphan_enrollment", "enrollments", key, "student_id", "rejected")
  }
  // Status codes in the spellings different screens wrote.
  for (const [name, column, spellings] of [
    ["users", "status", ["A", "Active", "ACTIVE"]],
    ["students", "status", ["A", "Active"]],
    ["teachers", "status", ["A", "Active"]],
    ["enrollments", "status", ["A", "Active", "enrolled"]],
    ["quran_enrollments", "status", ["A", "Active", "ongoing"]],
  ] as const) {
    const from =
      name === "users"
        ? userKeysOfStudents
        : name === "students"
          ? c.students.map((s) => s.key)
          : keys(name).filter((key) => t.get(name, key, column) === "active")
    for (const spelling of spellings)
      for (const key of choose(name, from, 1)) {
        t.set(name, key, column, spelling)
        plant("status_spelling", name, key, column, "cleaned")
      }
  }
  // Students admitted before the school numbered them: the migrator gives them STU numbers.
  for (const key of choose(
    "students",
    c.students.map((s) => s.key),
  )) {
    t.set("students", key, "student_number", null)
    plant("missing_student_number", "students", key, "student_number", "cleaned")
  }
  // A student row linked to its user by email only (in capitals), as older imports did.
  for (const key of choose(
    "students",
    c.students.map((s) => s.key),
  )) {
    const user = Number(t.get("students", key, "user_id"))
    if (taken.get("users")?.has(user) === true) continue
    t.set("students", key, "user_id", null)
    t.set("students", key, "email", String(t.get("users", user, "email")).toUpperCase())
    plant("student_email_link", "students", key, "email", "cleaned")
  }
  // A guardian whose student link was lost: the guardian loads, the link row is skipped.
  for (const key of choose("guardians", keys("guardians"))) {
    t.set("guardians", key, "student_id", null)
    plant("guardian_without_student", "guardians", key, "student_id", "skipped", "student_guardians")
  }
  // Pupils absent from an exam: no score, no grade.
  for (const key of choose("grades", keys("grades"))) {
    t.set("grades", key, "score", null)
    t.set("grades", key, "grade", "")
    plant("unmarked_grade", "grades", key, "score", "skipped")
  }
  // Invoices keyed in without a number: the migrator numbers them.
  for (const key of choose("invoices", keys("invoices"))) {
    t.set("invoices", key, "invoice_no", null)
    plant("missing_invoice_number", "invoices", key, "invoice_no", "cleaned")
  }
  // One invoice paid twice over by a parent: loaded with a negative balance and a warning.
  for (const inv of c.paidInvoices.filter((i) => !(taken.get("invoices")?.has(i.key) ?? false)).slice(0, 1)) {
    const extra = 5000
    t.set("invoices", inv.key, "paid", money(inv.total + extra))
    t.set("invoices", inv.key, "balance", money(-extra))
    t.set("invoices", inv.key, "notes", "Lebihan bayaran")
    taken.get("invoices")!.add(inv.key)
    plant("overpaid_invoice", "invoices", inv.key, "paid", "flagged")
    t.add("payments", {
      invoice_id: inv.key,
      student_id: inv.student,
      amount: money(extra),
      payment_date: `${Calendar.addDays(inv.date, 20)} 10:00:00`,
      method: "DuitNow",
      reference: null,
      receipt_no: c.nextReceipt(),
      status: "completed",
      notes: "Bayaran berganda",
      created_date: `${Calendar.addDays(inv.date, 20)} 10:00:00`,
      modified_date: null,
    })
  }
  const someStudent = c.students[0]?.key ?? 1
  // Payments of an invoice deleted from the invoices table: the payment loads, its allocation cannot.
  for (let i = 0; i < k; i++) {
    const key = t.add("payments", {
      invoice_id: t.count("invoices") + 9000 + i,
      student_id: someStudent,
      amount: "150.00",
      payment_date: `${c.year}-02-1${i % 10} 11:00:00`,
      method: "tunai",
      reference: null,
      receipt_no: c.nextReceipt(),
      status: "completed",
      notes: null,
      created_date: `${c.year}-02-1${i % 10} 11:00:00`,
      modified_date: null,
    })
    plant("orphan_payment", "payments", key, "invoice_id", "rejected", "payment_allocations")
  }
  // Deposits paid ahead of any invoice, and card payments still pending: nothing to allocate yet.
  for (let i = 0; i < k; i++) {
    const key = t.add("payments", {
      invoice_id: null,
      student_id: c.students[(i * 7) % Math.max(1, c.students.length)]?.key ?? someStudent,
      amount: "100.00",
      payment_date: `${c.year}-03-0${1 + (i % 9)} 10:00:00`,
      method: "cash",
      reference: null,
      receipt_no: c.nextReceipt(),
      status: "completed",
      notes: "Deposit",
      created_date: `${c.year}-03-0${1 + (i % 9)} 10:00:00`,
      modified_date: null,
    })
    plant("unallocated_payment", "payments", key, "invoice_id", "skipped", "payment_allocations")
  }
  for (const inv of c.unpaidInvoices
    .filter((i) => !(taken.get("invoices")?.has(i.key) ?? false))
    .slice(0, k)) {
    const key = t.add("payments", {
      invoice_id: inv.key,
      student_id: inv.student,
      amount: money(inv.balance),
      payment_date: `${inv.due} 23:55:00`,
      method: "kad kredit",
      reference: null,
      receipt_no: null,
      status: "pending",
      notes: null,
      created_date: `${inv.due} 23:55:00`,
      modified_date: null,
    })
    plant("pending_payment", "payments", key, "status", "skipped", "payment_allocations")
  }
}

/** Rows per table. */
export const rowCounts = (dataset: Dataset): Record<TableName, number> =>
  Object.fromEntries(dataset.tables.map((d) => [d.table.name, d.rows.length])) as Record<TableName, number>

/** A stable SHA-256 of every row of every table (and the dirt list), for checking determinism. */
export const digest = (dataset: Dataset): string => {
  const hash = createHash("sha256")
  for (const d of dataset.tables) {
    hash.update(`${d.table.name}\n`)
    for (const row of d.rows) hash.update(`${JSON.stringify(row)}\n`)
  }
  hash.update(JSON.stringify(dataset.dirt))
  return hash.digest("hex")
}
