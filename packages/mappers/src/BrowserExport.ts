/**
 * The browser app's export (seed 003): one JSON document whose collections (students, teachers,
 * classes, classrooms, attendance, grades, private lessons, payment obligations, payments) were kept
 * in localStorage by its MockDataService. Each collection is read as rows (see `collection`) and
 * mapped into the portal's tables; the export's string ids are kept as `legacy_id`.
 *
 * Facts that need the whole document (which ids exist, which repeat, generated student numbers,
 * classroom names, what each obligation was paid, how grades group into assessments) are planned once
 * by the pure `plan` and handed to every mapper, so each batch sees the same answers.
 */

import {
  type Cleaned,
  CodeMap,
  DateInput,
  Email,
  MalaysianAddress,
  Money,
  PersonName,
  Phone,
  Text,
} from "@schoolbridge/cleansers"
import { type Entity, Source, Transform } from "@schoolbridge/core"
import { Academic, Auth, Communication, Financial, Islamic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import * as Duplicates from "./BrowserExportDuplicates.js"
import * as Shapes from "./BrowserExportShapes.js"
import * as CodeTables from "./CodeTables.js"
import * as Contact from "./Contact.js"
import { cleanOrDefault } from "./Field.js"
import { cleanOrNull, cleanWith, collect, type Step } from "./LegacySis.js"
import { fromCents } from "./LegacySisFinance.js"
import { relationship } from "./LegacySisGuardians.js"
import * as Password from "./Password.js"
import { nameWords, sameName } from "./Persons.js"
import * as Quran from "./Quran.js"
import * as StudentNumber from "./StudentNumber.js"

/** A JSON scalar as the export holds it; absent fields read as undefined. */
export const Value = Schema.optional(
  Schema.NullOr(Schema.Union(Schema.String, Schema.Number, Schema.Boolean)),
)
/** An export id (the app writes strings) or a reference to one. */
export const Id = Schema.optional(Schema.NullOr(Schema.String))

/** The student's emergency contact, nested in the student record. */
export const EmergencyContact = Schema.Struct({ name: Value, relationship: Value, phone: Value })

/** The student's academic info, nested in the student record. */
export const AcademicInfo = Schema.Struct({ level: Value, gpa: Value, enrollmentDate: Value })

/** A raw student of the export (seed 003, "Student Data Transformation"). */
export const StudentRecord = Schema.Struct({
  id: Id,
  name: Value,
  email: Value,
  phone: Value,
  avatar: Value,
  gender: Value,
  studentNumber: Value,
  classId: Id,
  status: Value,
  joinDate: Value,
  dateOfBirth: Value,
  placeOfBirth: Value,
  address: Value,
  /** A phone, or a name and a phone ("Ahmad bin Ali - 012-345 6789"). */
  parentContact: Value,
  parentEmail: Value,
  emergencyContact: Schema.optional(Schema.NullOr(EmergencyContact)),
  academicInfo: Schema.optional(Schema.NullOr(AcademicInfo)),
  hasDiscount: Value,
  /** `percentage` or `fixed`. */
  discountType: Value,
  discountAmount: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw student. */
export type StudentRecord = typeof StudentRecord.Type

/** A raw teacher of the export. */
export const TeacherRecord = Schema.Struct({
  id: Id,
  name: Value,
  email: Value,
  phone: Value,
  avatar: Value,
  staffNumber: Value,
  subject: Value,
  subjects: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  qualification: Value,
  joinDate: Value,
  status: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw teacher. */
export type TeacherRecord = typeof TeacherRecord.Type

/** A raw class of the export. */
export const ClassRecord = Schema.Struct({
  id: Id,
  name: Value,
  code: Value,
  level: Value,
  teacherId: Id,
  classroomId: Id,
  capacity: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw class. */
export type ClassRecord = typeof ClassRecord.Type

/** A raw classroom of the export: no portal table; its name becomes the room of the classes held in it. */
export const ClassroomRecord = Schema.Struct({
  id: Id,
  name: Value,
  building: Value,
  capacity: Value,
  type: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw classroom. */
export type ClassroomRecord = typeof ClassroomRecord.Type

/** A raw attendance mark of the export. */
export const AttendanceRecord = Schema.Struct({
  id: Id,
  studentId: Id,
  classId: Id,
  date: Value,
  status: Value,
  notes: Value,
  /** The teacher who took the register. */
  recordedBy: Id,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw attendance mark. */
export type AttendanceRecord = typeof AttendanceRecord.Type

/** A raw grade of the export: one student's score in one piece of work. */
export const GradeRecord = Schema.Struct({
  id: Id,
  studentId: Id,
  classId: Id,
  subject: Value,
  title: Value,
  /** exam, quiz, assignment… */
  type: Value,
  term: Value,
  score: Value,
  maxScore: Value,
  grade: Value,
  date: Value,
  teacherId: Id,
  comments: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw grade. */
export type GradeRecord = typeof GradeRecord.Type

/** A raw private lesson of the export: one student, one teacher, one subject, one sitting. */
export const PrivateLessonRecord = Schema.Struct({
  id: Id,
  studentId: Id,
  teacherId: Id,
  subject: Value,
  date: Value,
  startTime: Value,
  duration: Value,
  price: Value,
  status: Value,
  notes: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw private lesson. */
export type PrivateLessonRecord = typeof PrivateLessonRecord.Type

/** A raw payment obligation of the export: what a student owes, by when. */
export const PaymentObligationRecord = Schema.Struct({
  id: Id,
  studentId: Id,
  description: Value,
  type: Value,
  amount: Value,
  issueDate: Value,
  dueDate: Value,
  status: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw payment obligation. */
export type PaymentObligationRecord = typeof PaymentObligationRecord.Type

/** A raw payment of the export, against one obligation. */
export const PaymentRecord = Schema.Struct({
  id: Id,
  obligationId: Id,
  studentId: Id,
  amount: Value,
  paymentDate: Value,
  method: Value,
  reference: Value,
  status: Value,
  notes: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw payment. */
export type PaymentRecord = typeof PaymentRecord.Type

/**
 * A raw Quran progress record of the export: one sitting of a student with their Quran teacher, new
 * memorisation (hafazan) or revision (murajaah), over a range of verses of one surah.
 */
export const QuranProgressRecord = Schema.Struct({
  id: Id,
  studentId: Id,
  teacherId: Id,
  /** A surah number or name (`2`, `Al-Baqarah`). */
  surah: Value,
  juz: Value,
  verseFrom: Value,
  verseTo: Value,
  /** `hafazan`/`new` (memorisation), `murajaah`/`revision` (revision). */
  type: Value,
  status: Value,
  /** A rating word (`mumtaz`, `jayyid`, `baik`, `excellent` …) or a score 0–100. */
  quality: Value,
  score: Value,
  mistakes: Value,
  duration: Value,
  date: Value,
  notes: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw Quran progress record. */
export type QuranProgressRecord = typeof QuranProgressRecord.Type

/** A raw announcement of the export. */
export const AnnouncementRecord = Schema.Struct({
  id: Id,
  title: Value,
  body: Value,
  /** `all`, `students`, `parents`, `teachers`, `staff`, `class` (and the Malay words). */
  audience: Value,
  classId: Id,
  /** The teacher who wrote it. */
  authorId: Id,
  isPinned: Value,
  /** When it was published. */
  date: Value,
  expiresAt: Value,
  createdAt: Value,
  updatedAt: Value,
})
/** A raw announcement. */
export type AnnouncementRecord = typeof AnnouncementRecord.Type

/** The export's collections, as the document names them. */
export const collectionNames = [
  "students",
  "teachers",
  "classes",
  "classrooms",
  "attendance",
  "grades",
  "privateLessons",
  "paymentObligations",
  "payments",
  "quranProgress",
  "announcements",
] as const
/** One collection's name. */
export type CollectionName = (typeof collectionNames)[number]

/** The raw record type of each collection. */
export interface Records {
  readonly students: StudentRecord
  readonly teachers: TeacherRecord
  readonly classes: ClassRecord
  readonly classrooms: ClassroomRecord
  readonly attendance: AttendanceRecord
  readonly grades: GradeRecord
  readonly privateLessons: PrivateLessonRecord
  readonly paymentObligations: PaymentObligationRecord
  readonly payments: PaymentRecord
  readonly quranProgress: QuranProgressRecord
  readonly announcements: AnnouncementRecord
}

const recordSchemas = {
  students: StudentRecord,
  teachers: TeacherRecord,
  classes: ClassRecord,
  classrooms: ClassroomRecord,
  attendance: AttendanceRecord,
  grades: GradeRecord,
  privateLessons: PrivateLessonRecord,
  paymentObligations: PaymentObligationRecord,
  payments: PaymentRecord,
  quranProgress: QuranProgressRecord,
  announcements: AnnouncementRecord,
} as const satisfies { readonly [C in CollectionName]: Schema.Struct<Schema.Struct.Fields> }

/** The whole export, every collection read. */
export type Document = { readonly [C in CollectionName]: ReadonlyArray<Records[C]> }

/** A collection's rows and their keys (the record's id, or its index in the array when it has none). */
export interface Collection<Row> {
  readonly rows: ReadonlyArray<Row>
  readonly keys: ReadonlyArray<string>
}

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The array of one collection in a parsed export: at the top level or under `data` (the app's backup
 * wraps it with a version and a date). A missing collection is empty; anything but an array of
 * objects there is a configuration error, thrown once before any row is mapped. Non-object elements
 * are dropped from `rows` and listed in `dropped` by index. Keys are `Source.recordKeys`, as the
 * migrator's document source gives them.
 */
export const collection = <C extends CollectionName>(
  document: unknown,
  name: C,
): Collection<Records[C]> & { readonly dropped: ReadonlyArray<number> } => {
  if (!isObject(document)) throw new Error("the browser export is not a JSON object")
  const holder = isObject(document.data) ? document.data : document
  const value = holder[name]
  if (value === undefined || value === null) return { rows: [], keys: [], dropped: [] }
  if (!Array.isArray(value)) throw new Error(`the export's ${name} is not an array`)
  const rows: Array<Records[C]> = []
  const keys: Array<string> = []
  const dropped: Array<number> = []
  const all = Source.recordKeys(value, "id")
  value.forEach((item: unknown, i) => {
    if (!isObject(item)) {
      dropped.push(i)
      return
    }
    rows.push(item as Records[C])
    keys.push(all[i]!)
  })
  return { rows, keys, dropped }
}

/** Every collection of a parsed export (see `collection`). */
export const read = (document: unknown): Document =>
  Object.fromEntries(collectionNames.map((n) => [n, collection(document, n).rows])) as unknown as Document

// ---------------------------------------------------------------------------------------------------
// The plan

/** The ids of one collection, once its copies and duplicate children are decided. */
export interface Ids {
  /** Every id a record of the collection holds (a repeated id once: its copies are one record). */
  readonly known: ReadonlySet<string>
  /** Ids merged into another record, by the id that loads in their place: references reach that one. */
  readonly merged: ReadonlyMap<string, string>
  /** Ids held back for the school, with why: a reference to one cannot load. */
  readonly held: ReadonlyMap<string, string>
}

/** What every mapper needs to know about the whole export. Made by `plan`. */
export interface Plan {
  readonly ids: { readonly [C in CollectionName]: Ids }
  /** Records of each collection that share an id with the one that loads (see `BrowserExportDuplicates`). */
  readonly copies: { readonly [C in CollectionName]: Duplicates.Copies }
  /** Losing copies of a student id that name a different child: held, not skipped. */
  readonly heldCopies: ReadonlySet<string>
  /** Students with different ids that are one child, and those that cannot be decided. */
  readonly persons: Duplicates.Persons
  /** The export's own time (`exportedAt`), ISO; null when the document does not say. */
  readonly exportedAt: string | null
  /** Student numbers (export numbers kept, missing ones generated from the join year). */
  readonly studentNumbers: StudentNumber.Plan
  /**
   * Emails several students or teachers share (portal emails are unique): a teacher keeps it, else
   * the student of the lowest id; the accounts are keyed `teacher <id>` and `student <id>`.
   */
  readonly emailHolders: Contact.EmailHolders
  /** Classroom names by classroom id. */
  readonly rooms: ReadonlyMap<string, string>
  /** Student id of each obligation. */
  readonly obligationStudents: ReadonlyMap<string, string>
  /** Sen paid to each obligation by completed payments that can be read. */
  readonly paid: ReadonlyMap<string, bigint>
  /** The assessment key of each grade id (see `assessmentKey`). */
  readonly assessments: ReadonlyMap<string, string>
  /** The grade id that writes each assessment: the first of its group. */
  readonly assessmentLeads: ReadonlySet<string>
  /** Grade ids that repeat a student already graded in the same assessment. */
  readonly repeatedGrades: ReadonlySet<string>
  /** The Quran progress record that writes the export's one Quran programme; null when there is none. */
  readonly quranLead: string | null
  /**
   * Each student's Quran enrolment (merged records as one), by student id: the progress record that
   * writes it (their first) and the first day of their progress.
   */
  readonly quranEnrollments: ReadonlyMap<string, { readonly lead: string; readonly since: string | null }>
  /**
   * The portal keeps one memorisation row per student and surah: the sitting that reached furthest
   * (then the latest) writes it, by its id, with the first day and the number of sittings of that
   * surah; `hafizWriters` gives the writer of every other memorisation sitting.
   */
  readonly hafizLeads: ReadonlyMap<string, { readonly since: string | null; readonly sittings: number }>
  readonly hafizWriters: ReadonlyMap<string, string>
  /** Attendance keys set aside for a later mark of the same student, class and day, by the key that loads. */
  readonly repeatedMarks: ReadonlyMap<string, string>
  /**
   * Siblings' shared guardians: student id → the student whose guardian row stands for the same
   * person (same name, and same email or phone), per kind of contact. The sibling whose row has the most
   * contact details owns it, then the first by id.
   */
  readonly guardianOwners: { readonly [K in ContactKind]: ReadonlyMap<string, string> }
}

const text = (input: unknown): string => (input === null || input === undefined ? "" : String(input).trim())

const idOf = (record: { readonly id?: unknown }): string => text(record.id)

// Students and teachers both become portal accounts: the key an email holder plan knows each by.
const accountKey = (kind: "teacher" | "student", record: { readonly id?: unknown }) =>
  `${kind} ${idOf(record)}`

// Who keeps an email a teacher and a student share: the teacher (a staff address), then the lowest id.
const teachersFirst = {
  rule: "a teacher before a student, then the lowest id",
  compare: (a: string, b: string) => {
    const kind = Number(a.startsWith("student ")) - Number(b.startsWith("student "))
    return kind !== 0
      ? kind
      : StudentNumber.compareKeys(a.slice(a.indexOf(" ") + 1), b.slice(b.indexOf(" ") + 1))
  },
}

/** An exact amount in sen, or undefined when it cannot be read. */
const cents = (input: unknown): bigint | undefined => {
  const m = Money.clean(input, {})
  if (m._tag === "Invalid" || m.value === null) return undefined
  const negative = m.value.startsWith("-")
  const [whole = "0", fraction = ""] = (negative ? m.value.slice(1) : m.value).split(".")
  const c = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0").slice(0, 2))
  return negative ? -c : c
}

const usable = <A>(c: Cleaned.Cleaned<A | null>): A | null => (c._tag === "Invalid" ? null : c.value)

const yearOf = (input: unknown, asOf: string): number | null => {
  const d = usable(DateInput.clean(input, { today: asOf }))
  return d !== null ? Number(d.slice(0, 4)) : null
}

const words = (input: unknown): string => text(input).toLowerCase().replace(/\s+/gu, " ")

/**
 * The grouping of grades into assessments: the same piece of work given to one class. Its fields
 * are compared as what they mean, not as written: text without case or extra spaces, the date as
 * a date (`2024-10-10` and `10/10/2024` are one day), the maximum as a number (`"100"`, `100` and
 * `100.0` are one; none is the default 100).
 */
export const assessmentKey = (
  g: GradeRecord,
  options: { readonly asOf: string; readonly timeZone?: string | undefined },
): string => {
  const on = usable(DateInput.clean(g.date, { today: options.asOf, timeZone: options.timeZone }))
  const max = text(g.maxScore) === "" ? 10000n : cents(g.maxScore)
  return [
    text(g.classId),
    words(g.subject),
    words(g.title),
    words(g.type),
    words(g.term),
    on ?? words(g.date),
    max === undefined ? words(g.maxScore) : String(Number(fromCents(max))),
  ].join("|")
}

/** The fields of each collection's current shape. */
const fieldsOf: { readonly [C in CollectionName]: ReadonlySet<string> } = Object.fromEntries(
  collectionNames.map((n) => [n, new Set(Object.keys(recordSchemas[n].fields))]),
) as never

/** One record of a collection, read into its current shape. */
export const shape = <C extends CollectionName>(name: C, record: unknown): Shapes.Reshaped =>
  Shapes.reshape(name, fieldsOf[name], isObject(record) ? record : {})

// The latest of a record's change and creation times that can be read, for choosing between copies.
const touchedAt = (record: Readonly<Record<string, unknown>>, timeZone: string | undefined): string => {
  const dt = { kind: "dateTime", timeZone } as const
  return usable(DateInput.clean(record.updatedAt, dt)) ?? usable(DateInput.clean(record.createdAt, dt)) ?? ""
}

/** The export's own time: `exportedAt` (or `exportDate`, `date`) at the top or under `data`. */
export const exportedAt = (document: unknown, timeZone?: string): string | null => {
  if (!isObject(document)) return null
  const holders = [document, isObject(document.data) ? document.data : {}]
  for (const h of holders)
    for (const k of ["exportedAt", "exportDate", "exported_at", "date"]) {
      const t = usable(DateInput.clean(h[k], { kind: "dateTime", timeZone }))
      if (t !== null) return t
    }
  return null
}

/**
 * The legacy id each record of a collection loads under, given its records and keys in order: a
 * record's own key, except the copy of a repeated id that loads (see `BrowserExportDuplicates`),
 * which loads as the id itself. What `validate` compares the export's records by.
 */
export const legacyKeys = (
  name: CollectionName,
  rows: ReadonlyArray<unknown>,
  keys: ReadonlyArray<string>,
  timeZone?: string,
): ReadonlyArray<string> => {
  const { winners } = Duplicates.copies(
    rows.map((r, i) => {
      const s = shape(name, r)
      return {
        key: keys[i]!,
        id: idOf(s.record),
        record: s.record,
        touched: touchedAt(s.record, timeZone),
        current: s.aliased.length === 0,
      }
    }),
  )
  const loadsAs = new Map([...winners].map(([id, key]) => [key, id]))
  return keys.map((k) => loadsAs.get(k) ?? k)
}

/** Plans the whole export once; pure. `schoolCode` builds generated student numbers. */
export const plan = (
  document: Document,
  options: {
    readonly schoolCode: string
    readonly asOf: string
    readonly timeZone?: string | undefined
    readonly exportedAt?: string | null | undefined
  },
): Plan => {
  // Every collection in its current shape, each record with its key, and the copies of each id.
  const coll = Object.fromEntries(
    collectionNames.map((n) => {
      const rows = document[n]
      const keys = Source.recordKeys(rows, "id")
      const records = rows.map((r, i) => {
        const s = shape(n, r)
        return {
          key: keys[i]!,
          id: idOf(s.record),
          record: s.record,
          touched: touchedAt(s.record, options.timeZone),
          current: s.aliased.length === 0,
        }
      })
      const copies = Duplicates.copies(records)
      return [n, { records, copies, live: records.filter((r) => !copies.losers.has(r.key)) }]
    }),
  ) as unknown as {
    readonly [C in CollectionName]: {
      readonly records: ReadonlyArray<Duplicates.Candidate>
      readonly copies: Duplicates.Copies
      readonly live: ReadonlyArray<Duplicates.Candidate & { readonly record: Records[C] }>
    }
  }
  const copies = Object.fromEntries(
    collectionNames.map((n) => [n, coll[n].copies]),
  ) as unknown as Plan["copies"]
  const day = { today: options.asOf, timeZone: options.timeZone } as const
  const nameOf = (s: StudentRecord) => {
    const n = usable(PersonName.clean(s.name))
    return n === null ? { first: null, last: null } : splitName(n)
  }
  // Losing copies of a student id that name another child are held, not taken for copies.
  const studentByKey = new Map(coll.students.records.map((r) => [r.key, r.record as StudentRecord]))
  const heldCopies = new Set<string>()
  for (const c of copies.students.losers.values()) {
    const [a, b] = [nameOf(studentByKey.get(c.key)!), nameOf(studentByKey.get(c.winner)!)]
    if (!sameName(nameWords(a.first, a.last), nameWords(b.first, b.last))) heldCopies.add(c.key)
  }
  const persons = Duplicates.persons(
    coll.students.live.map((s) => {
      const n = nameOf(s.record)
      return {
        id: s.id,
        first: n.first,
        last: n.last,
        number: text(s.record.studentNumber) === "" ? undefined : text(s.record.studentNumber),
        dob: usable(DateInput.clean(s.record.dateOfBirth, day)),
        email: usable(Email.clean(s.record.email)),
        live: usable(studentStatus.clean(s.record.status)) === "active",
        touched: s.touched,
        current: s.current,
      }
    }),
  )
  const ids = Object.fromEntries(
    collectionNames.map((n) => [
      n,
      {
        known: new Set(coll[n].live.map((r) => r.id).filter((id) => id !== "")),
        merged: n === "students" ? new Map([...persons.merged].map(([id, m]) => [id, m.winner])) : new Map(),
        held:
          n === "students"
            ? new Map(
                [...persons.held].map(([id, h]) => [
                  id,
                  `student ${id} is held as a possible duplicate of ${h.other} (same ${h.by.replaceAll("_", " ")} ${h.value}, but ${h.why})`,
                ]),
              )
            : new Map(),
      } satisfies Ids,
    ]),
  ) as unknown as Plan["ids"]
  const studentOf = (key: unknown): string => {
    const k = text(key)
    return ids.students.merged.get(k) ?? k
  }
  // The records that load as themselves: no losing copy, no merged or held child.
  const students = coll.students.live
    .filter((s) => !persons.merged.has(s.id) && !persons.held.has(s.id))
    .sort((a, b) => StudentNumber.compareKeys(a.id, b.id))
  const studentNumbers = StudentNumber.plan(
    students
      .filter((s) => s.id !== "")
      .map(({ id, record: s }) => ({
        key: id,
        number: text(s.studentNumber) === "" ? null : text(s.studentNumber),
        // No join date at all: the year the record was made, else the business year.
        year:
          yearOf(s.joinDate, options.asOf) ??
          yearOf(s.academicInfo?.enrollmentDate, options.asOf) ??
          yearOf(
            usable(DateInput.clean(s.createdAt, { kind: "dateTime", timeZone: options.timeZone })),
            options.asOf,
          ) ??
          Number(options.asOf.slice(0, 4)),
      })),
    options.schoolCode,
  )
  const emailHolders = Contact.emailHolders(
    [
      ...coll.teachers.live.map(({ record: t }) => ({ key: accountKey("teacher", t), email: t.email })),
      ...students.map(({ record: s }) => ({ key: accountKey("student", s), email: s.email })),
    ],
    teachersFirst,
  )
  const rooms = new Map<string, string>()
  for (const { id, record: r } of coll.classrooms.live) {
    const name = usable(Text.clean(r.name))
    if (id !== "" && name !== null) rooms.set(id, name)
  }
  const obligationStudents = new Map<string, string>()
  for (const { id, record: o } of coll.paymentObligations.live)
    if (id !== "" && text(o.studentId) !== "") obligationStudents.set(id, studentOf(o.studentId))
  const paid = new Map<string, bigint>()
  for (const { id, record: p } of coll.payments.live) {
    if (id === "") continue
    const status = CodeTables.paymentStatus.clean(p.status)
    const completed = status._tag !== "Invalid" && (status.value === null || status.value === "completed")
    const amount = cents(p.amount)
    const obligation = text(p.obligationId)
    if (completed && amount !== undefined && amount > 0n && ids.paymentObligations.known.has(obligation))
      paid.set(obligation, (paid.get(obligation) ?? 0n) + amount)
  }
  const assessments = new Map<string, string>()
  const assessmentLeads = new Set<string>()
  const repeatedGrades = new Set<string>()
  const graded = new Set<string>()
  const groups = new Set<string>()
  const sorted = coll.grades.live
    .filter((g) => g.id !== "")
    .sort((a, b) => StudentNumber.compareKeys(a.id, b.id))
  for (const { id, record: g } of sorted) {
    const key = assessmentKey(g, options)
    if (!groups.has(key)) assessmentLeads.add(id)
    groups.add(key)
    assessments.set(id, key)
    const pair = `${key}#${studentOf(g.studentId)}`
    if (graded.has(pair)) repeatedGrades.add(id)
    graded.add(pair)
  }
  // Marks of one student in one class on one day: the latest taken (then the later record) stands.
  const marks = new Map<string, { readonly key: string; readonly touched: string }>()
  const aside = new Map<string, string>()
  for (const m of coll.attendance.live) {
    const on = usable(DateInput.clean(m.record.date, day))
    if (on === null || text(m.record.studentId) === "") continue
    const slot = `${studentOf(m.record.studentId)}|${text(m.record.classId)}|${on}`
    const before = marks.get(slot)
    // Records come in array order: on equal times the later one stands.
    if (before !== undefined && m.touched < before.touched) aside.set(m.key, slot)
    else {
      if (before !== undefined) aside.set(before.key, slot)
      marks.set(slot, m)
    }
  }
  const repeatedMarks = new Map([...aside].map(([key, slot]) => [key, marks.get(slot)!.key]))
  // One programme for the export's Quran progress, one enrolment per student who has any.
  const quran = [...coll.quranProgress.live]
    .filter((r) => r.id !== "")
    .sort((a, b) => StudentNumber.compareKeys(a.id, b.id))
  const quranEnrollments = new Map<string, { lead: string; since: string | null }>()
  for (const { id, record: r } of quran) {
    const student = studentOf(r.studentId)
    if (student === "") continue
    const on = usable(DateInput.clean(r.date, day))
    const e = quranEnrollments.get(student)
    if (e === undefined) quranEnrollments.set(student, { lead: id, since: on })
    else if (on !== null && (e.since === null || on < e.since)) e.since = on
  }
  const surahs = new Map<
    string,
    { lead: string; reached: number; on: string; since: string | null; ids: Array<string> }
  >()
  for (const { id, record: r } of quran) {
    const student = studentOf(r.studentId)
    const surah = Quran.surahNumber(r.surah)
    const kind = sittingKind.clean(r.type)
    if (student === "" || surah === undefined || (kind._tag !== "Invalid" && kind.value === "murajaah"))
      continue
    const reached = Number(wholeNumber(r.verseTo) ?? wholeNumber(r.verseFrom) ?? 0)
    const on = usable(DateInput.clean(r.date, day)) ?? ""
    const slot = `${student}|${surah}`
    const g = surahs.get(slot)
    if (g === undefined) {
      surahs.set(slot, { lead: id, reached, on, since: on === "" ? null : on, ids: [id] })
      continue
    }
    g.ids.push(id)
    if (on !== "" && (g.since === null || on < g.since)) g.since = on
    if (reached > g.reached || (reached === g.reached && on >= g.on))
      Object.assign(g, { lead: id, reached, on })
  }
  const hafizLeads = new Map(
    [...surahs.values()].map((g) => [g.lead, { since: g.since, sittings: g.ids.length }]),
  )
  const hafizWriters = new Map(
    [...surahs.values()].flatMap((g) => g.ids.filter((i) => i !== g.lead).map((i) => [i, g.lead] as const)),
  )
  const guardianOwners = { parent: new Map<string, string>(), emergency: new Map<string, string>() }
  const planned: Plan = {
    ids,
    copies,
    heldCopies,
    persons,
    exportedAt: options.exportedAt ?? null,
    studentNumbers,
    emailHolders,
    rooms,
    obligationStudents,
    paid,
    assessments,
    assessmentLeads,
    repeatedGrades,
    repeatedMarks,
    quranLead: quran[0]?.id ?? null,
    quranEnrollments,
    hafizLeads,
    hafizWriters,
    guardianOwners,
  }
  // Guardians are read exactly as their mappers read them, so only rows that load can own one.
  const probe: Options = {
    tenant: "",
    asOf: options.asOf,
    loadedAt: "1970-01-01T00:00:00.000Z",
    timeZone: options.timeZone,
    plan: planned,
  }
  const people = { parent: new Map<string, string>(), emergency: new Map<string, string>() }
  const found: Array<{ readonly id: string; readonly kind: ContactKind; readonly g: Guardian }> = []
  for (const { id, record: st } of students) {
    if (readStudent(st, silent, probe, []) === null) continue
    for (const kind of ["parent", "emergency"] as const) {
      const g = guardianOf(st, silent, kind, [])
      if (g !== null && typeof g !== "string" && (g.email !== null || g.phone !== null))
        found.push({ id, kind, g })
    }
  }
  // The sibling with the most contact details owns the row, so none of them is lost; then id order.
  const detail = (g: Guardian) => Number(g.email !== null) + Number(g.phone !== null)
  found.sort((x, y) => detail(y.g) - detail(x.g) || StudentNumber.compareKeys(x.id, y.id))
  for (const { id, kind, g } of found) {
    const name = `${g.first} ${g.last ?? ""}`.trim().toLowerCase()
    const keys = [g.email, g.phone].filter((k) => k !== null).map((k) => `${name}|${k}`)
    const owner = keys.map((k) => people[kind].get(k)).find((o) => o !== undefined)
    if (owner !== undefined) guardianOwners[kind].set(id, owner)
    for (const k of keys) if (!people[kind].has(k)) people[kind].set(k, owner ?? id)
  }
  return planned
}

// A context for reading rows in the plan: notes go nowhere.
const silent: Transform.RowContext = {
  entity: "",
  tenant: null,
  id: () => "",
  note: () => {},
  map: () => {},
  key: "",
}

// ---------------------------------------------------------------------------------------------------
// Shared steps

/** Entity names; also each row's `legacy_source`. */
export const studentUsersEntity = "browser.student_users"
/** Entity name of the students flow. */
export const studentsEntity = "browser.students"
/** Entity name of the class enrolments read from students' `classId`. */
export const enrollmentsEntity = "browser.enrollments"
/** Entity name of the parents read from students' `parentContact`/`parentEmail`. */
export const parentsEntity = "browser.parents"
/** Entity name of the parent–student links. */
export const parentLinksEntity = "browser.parent_links"
/** Entity name of the emergency contacts read from students' `emergencyContact`. */
export const emergencyContactsEntity = "browser.emergency_contacts"
/** Entity name of the emergency contact–student links. */
export const emergencyLinksEntity = "browser.emergency_links"
/** Entity name of each student's discount, as a scholarship. */
export const discountsEntity = "browser.discounts"
/** Entity name of the student–discount links. */
export const studentDiscountsEntity = "browser.student_discounts"
/** Entity name of the teachers' users. */
export const teacherUsersEntity = "browser.teacher_users"
/** Entity name of the teachers flow. */
export const teachersEntity = "browser.teachers"
/** Entity name of the classes flow. */
export const classesEntity = "browser.classes"
/** Entity name of the attendance flow. */
export const attendanceEntity = "browser.attendance"
/** Entity name of the assessments read from grades. */
export const assessmentsEntity = "browser.assessments"
/** Entity name of the assessment results read from grades. */
export const assessmentResultsEntity = "browser.assessment_results"
/** Entity name of the invoices read from payment obligations. */
export const invoicesEntity = "browser.invoices"
/** Entity name of the invoice lines read from payment obligations. */
export const invoiceItemsEntity = "browser.invoice_items"
/** Entity name of the payments flow. */
export const paymentsEntity = "browser.payments"
/** Entity name of the payment allocations read from payments. */
export const paymentAllocationsEntity = "browser.payment_allocations"

/** What every browser-export mapper needs. */
export interface Options {
  /** The tenant's code, written to `tenant_id`. */
  readonly tenant: string
  /** The business date, `YYYY-MM-DD`: the "today" of date checks. */
  readonly asOf: string
  /** The instant written when a record has no creation time, e.g. the run's start. */
  readonly loadedAt: string
  /** IANA zone of the export's local date-times. Default "Asia/Kuala_Lumpur". */
  readonly timeZone?: string | undefined
  /** `plan` over the whole export. */
  readonly plan: Plan
  /** The run's force-reset hash for the users' password columns (the export has no passwords). */
  readonly resetHash?: Password.ResetHash | undefined
  readonly currency?: string | undefined
}

// The record's own id: a record without one cannot be traced, so it is rejected. Records that share
// an id were decided by the plan: only one of them reaches a mapper (see `decided`).
const ownId = (record: { readonly id?: unknown }, reasons: Array<Transform.Reason>): string => {
  const id = idOf(record)
  if (id === "") reasons.push(Transform.reason("id", "id", "the record has no id"))
  return id
}

/**
 * A reference to another collection's record: its target id, checked against the export's ids. A
 * student merged into another is reached through the one that loads; a held one cannot be.
 */
const reference = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  ids: Ids,
  entity: string,
  required: boolean,
): Step<string | null> => {
  const key = text(input)
  if (key === "")
    return required
      ? {
          ok: false,
          reason: Transform.reason(column, "reference", `no ${column}: the record points at nothing`),
        }
      : { ok: true, value: null }
  if (!ids.known.has(key))
    return { ok: false, reason: Transform.reason(column, "reference_missing", `${key} is not in the export`) }
  const held = ids.held.get(key)
  if (held !== undefined)
    return { ok: false, reason: Transform.reason(column, "duplicate_person_held", held) }
  return { ok: true, value: ctx.id(ctx.tenant, ids.merged.get(key) ?? key, entity) }
}

// An optional link: a missing target is dropped with a note rather than costing the row.
const optionalReference = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  ids: Ids,
  entity: string,
): string | null => {
  const ref = reference(ctx, column, input, ids, entity, false)
  if (ref.ok) return ref.value
  ctx.note(column, ref.reason.rule, `${ref.reason.message}; stored as empty`)
  return null
}

const quiet = (ctx: Transform.RowContext): Transform.RowContext => ({ ...ctx, note: () => {} })

/**
 * How far after the export's own time a record's time may be and still be read as the device's
 * clock running ahead: a day. Such a time is noted and stored as the export's time.
 */
export const clockSkewMs = 24 * 60 * 60 * 1000

/**
 * One instant of a record (`createdAt`, `updatedAt`), never a reason to reject it: unreadable is a
 * note and null. A time after the export's own time by at most `clockSkewMs` is clock skew (noted,
 * stored as the export's time); later than that, or after the business date when the export has no
 * time, it cannot be true and is stored as empty with a note.
 */
const instant = (
  ctx: Transform.RowContext,
  column: string,
  input: unknown,
  options: Options,
): string | null => {
  const t = cleanOrNull(
    ctx,
    column,
    "timestamp",
    DateInput.clean(input, { kind: "dateTime", timeZone: options.timeZone }),
  )
  if (t === null) return null
  const exported = options.plan.exportedAt
  if (exported === null) {
    const future = DateInput.clean(t, {
      kind: "dateTime",
      today: options.asOf,
      timeZone: options.timeZone,
      notFuture: true,
    })
    if (future._tag !== "Invalid") return t
    ctx.note(column, "timestamp", `${future.reason}; stored as empty`, input)
    return null
  }
  const ahead = Date.parse(t) - Date.parse(exported)
  if (ahead <= 0) return t
  if (ahead <= clockSkewMs) {
    ctx.note(
      column,
      "clock_skew",
      `${t} is after the export's own time ${exported}: the device's clock ran ahead; stored as ${exported}`,
      input,
    )
    return exported
  }
  ctx.note(
    column,
    "timestamp",
    `${t} is more than a day after the export's own time ${exported}; stored as empty`,
    input,
  )
  return null
}

/** `created_at`/`updated_at` from `createdAt`/`updatedAt` (see `instant`); no creation time is the load time. */
const timestamps = (
  ctx: Transform.RowContext,
  row: { readonly createdAt?: unknown; readonly updatedAt?: unknown },
  options: Options,
): { created_at: string; updated_at: string } => {
  let createdAt = instant(ctx, "createdAt", row.createdAt, options)
  const updatedAt = instant(ctx, "updatedAt", row.updatedAt, options)
  if (createdAt === null) {
    ctx.note("createdAt", "timestamp", "no creation time: used the load time")
    createdAt = options.loadedAt
  }
  return { created_at: createdAt, updated_at: updatedAt ?? createdAt }
}

/**
 * An entity's mapper over records read into their current shape (see `BrowserExportShapes`), after
 * the plan's decisions: a losing copy of an id is skipped (one that names another child is held), a
 * student merged into another is skipped, and one held back is rejected. The entity that reads a
 * collection first (`reports`) notes the older keys it read and the keys no mapping knows, so each
 * is counted once per record.
 */
const decided =
  <C extends CollectionName>(
    collection: C,
    options: Options,
    reports: boolean,
    map: (row: Records[C], ctx: Transform.RowContext) => Transform.Outcome,
  ) =>
  (raw: Records[C], ctx: Transform.RowContext): Transform.Outcome => {
    const { record, aliased, unknown, conflicts } = shape(collection, raw)
    const copy = options.plan.copies[collection].losers.get(ctx.key)
    if (copy !== undefined)
      return options.plan.heldCopies.has(ctx.key)
        ? Transform.reject(
            Transform.reason(
              "id",
              "duplicate_person_held",
              `id ${copy.id} is also held by ${copy.winner}, which loads, but their names differ: held for the school`,
            ),
          )
        : Transform.skip(
            copy.identical
              ? `an identical copy of ${copy.winner}`
              : `an older copy of ${copy.id}: ${copy.winner}, the newest, loads`,
          )
    if (collection === "students") {
      const id = idOf(record)
      const merge = options.plan.persons.merged.get(id)
      if (merge !== undefined)
        return Transform.skip(
          `merged into student ${merge.winner} (same ${merge.by.replaceAll("_", " ")} ${merge.value}): one child entered twice`,
        )
      const held = options.plan.ids.students.held.get(id)
      if (held !== undefined) return Transform.reject(Transform.reason("id", "duplicate_person_held", held))
    }
    if (reports) {
      for (const [key, value] of unknown)
        ctx.note(
          key,
          "unknown_key",
          `${collection} has a field ${key} that no mapping reads: not migrated`,
          value,
        )
      for (const [from, to] of aliased) ctx.note(to, "older_shape", `read from ${from}, the app's older name`)
      for (const [from, to] of conflicts)
        ctx.note(
          from,
          "older_shape",
          `${from} differs from ${to}: ${to} is kept`,
          (raw as Record<string, unknown>)[from],
        )
    }
    return map(record as Records[C], ctx)
  }

// A JSON number is already exact text for Money; rewriting 150 as 150.00 is not worth a note per row.
const amount = (
  ctx: Transform.RowContext,
  column: string,
  rule: string,
  input: unknown,
  options: Money.Options,
) => cleanWith(typeof input === "number" ? quiet(ctx) : ctx, column, rule, Money.clean(input, options))

const day = (options: Options, extra: DateInput.Options = {}): DateInput.Options => ({
  today: options.asOf,
  timeZone: options.timeZone,
  ...extra,
})

const particleWords: ReadonlySet<string> = new Set([
  "bin",
  "binti",
  "binte",
  "bte",
  "bt",
  "bt.",
  "b.",
  "a/l",
  "a/p",
  "s/o",
  "d/o",
  "anak",
  "ak",
  "ibni",
  "ibnu",
])

/**
 * A whole name split into first and last: at a patronymic particle (`Ahmad bin Ali` → `Ahmad`,
 * `bin Ali`), else the last word is the last name. One word is a first name only.
 */
export const splitName = (name: string): { readonly first: string; readonly last: string | null } => {
  const words = name.split(" ")
  const at = words.findIndex((w, i) => i > 0 && particleWords.has(w.toLowerCase()))
  if (at > 0) return { first: words.slice(0, at).join(" "), last: words.slice(at).join(" ") }
  if (words.length === 1) return { first: name, last: null }
  return { first: words.slice(0, -1).join(" "), last: words[words.length - 1]! }
}

interface Person {
  readonly first: string
  readonly last: string | null
  readonly email: string | null
  readonly phone: string | null
}

// Name (required), email and phone of a student or teacher; a bad email or phone is dropped with a
// note, since the person still exists without it.
const readPerson = (
  ctx: Transform.RowContext,
  row: { readonly name?: unknown; readonly email?: unknown; readonly phone?: unknown },
  account: string,
  options: Options,
  reasons: Array<Transform.Reason>,
): Person | null => {
  const name = cleanWith(ctx, "name", "person_name", PersonName.clean(row.name, { required: true }))
  if (!name.ok) reasons.push(name.reason)
  const email = Contact.accountEmail(ctx, "email", Email.clean(row.email), account, options.plan.emailHolders)
  const phone = Contact.phone(ctx, "phone", Phone.clean(row.phone))
  if (!name.ok || name.value === null) return null
  return { ...splitName(name.value), email, phone }
}

const usersValues = Table.values(Auth.Users)

const userRow = (
  ctx: Transform.RowContext,
  options: Options,
  id: string,
  person: Person,
  avatar: unknown,
  status: "active" | "inactive",
  times: { created_at: string; updated_at: string },
) =>
  usersValues({
    id: ctx.id(ctx.tenant, id),
    tenant_id: options.tenant,
    email: person.email,
    username: null,
    ...Password.resetColumns(options.resetHash),
    first_name: person.first,
    last_name: person.last,
    official_name: null,
    name_in_script: null,
    phone: person.phone,
    avatar_url: text(avatar) === "" || text(avatar).startsWith("data:") ? null : text(avatar),
    status,
    email_verified: false,
    last_login_at: null,
    legacy_source: ctx.entity,
    legacy_id: id,
    ...times,
    deleted_at: null,
  })

// ---------------------------------------------------------------------------------------------------
// Students

/**
 * Student statuses of the app: the portal's code table (English and Malay, see `CodeTables`) and the
 * app's own words. It knows `inactive`, which the portal does not: a student no longer attending is
 * read as withdrawn. An unknown status is stored as active with a note.
 */
export const studentStatusTable: CodeMap.Table<CodeTables.StudentStatus> = {
  active: [...CodeTables.studentStatusTable.active, "enrolled"],
  graduated: [...CodeTables.studentStatusTable.graduated, "alumni"],
  withdrawn: [...CodeTables.studentStatusTable.withdrawn, "inactive", "left", "dropped"],
  expelled: [...CodeTables.studentStatusTable.expelled],
  transferred: [...CodeTables.studentStatusTable.transferred],
  on_leave: [...CodeTables.studentStatusTable.on_leave, "suspended"],
}

/** Cleanser for the app's student statuses. */
export const studentStatus = CodeMap.make(studentStatusTable, { name: "student status" })

// The student's own columns, shared by every entity read from students so that a dependant is
// rejected exactly when its student is.
interface Student {
  readonly id: string
  readonly person: Person
  readonly status: CodeTables.StudentStatus
  readonly times: { created_at: string; updated_at: string }
}

const readStudent = (
  row: StudentRecord,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Student | null => {
  const id = ownId(row, reasons)
  const person = readPerson(ctx, row, accountKey("student", row), options, reasons)
  const status = cleanOrDefault(ctx, "status", "student_status", studentStatus.clean(row.status), "active")
  const times = timestamps(ctx, row, options)
  if (person === null || reasons.length > 0) return null
  return { id, person, status, times }
}

/** Maps one student to the `auth.users` row they log in with. */
export const mapStudentUser =
  (options: Options) =>
  (row: StudentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readStudent(row, ctx, options, reasons)
    if (s === null) return Transform.reject(...reasons)
    return userRow(
      ctx,
      options,
      s.id,
      s.person,
      row.avatar,
      s.status === "active" ? "active" : "inactive",
      s.times,
    )
  }

/** The students' users entity. */
export const studentUsers = (options: Options): Entity.Entity<StudentRecord> => ({
  name: studentUsersEntity,
  target: Auth.Users.target,
  transform: Transform.fromRow(decided("students", options, true, mapStudentUser(options))),
  ids: "hashed",
})

const studentsValues = Table.values(Academic.Students)

/** Maps one student to an `academic.students` row, or rejects it with every reason. */
export const mapStudent =
  (options: Options) =>
  (row: StudentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    // The users entity notes the person's columns; only the student's own are noted here.
    const s = readStudent(row, quiet(ctx), options, reasons)
    const dob = cleanOrNull(
      ctx,
      "dateOfBirth",
      "date",
      DateInput.clean(row.dateOfBirth, day(options, { notFuture: true })),
    )
    const joined = cleanOrNull(ctx, "joinDate", "date", DateInput.clean(row.joinDate, day(options)))
    const gender = cleanOrNull(ctx, "gender", "gender", CodeTables.gender.clean(row.gender))
    const number = s === null ? undefined : options.plan.studentNumbers.numbers.get(s.id)
    if (s !== null && options.plan.studentNumbers.duplicates.has(s.id))
      reasons.push(
        Transform.reason(
          "studentNumber",
          "student_number_unique",
          `student number ${text(row.studentNumber)} is already held by another student`,
        ),
      )
    else if (s !== null && number === undefined)
      reasons.push(
        Transform.reason(
          "studentNumber",
          "student_number",
          "no student number and no join year to generate one",
        ),
      )
    if (s === null || number === undefined || reasons.length > 0) return Transform.reject(...reasons)
    if (text(row.studentNumber) === "") ctx.note("studentNumber", "student_number", `generated ${number}`)
    for (const m of options.plan.persons.into.get(s.id) ?? [])
      ctx.note(
        "id",
        "duplicate_person",
        `student ${m.loser} (same ${m.by.replaceAll("_", " ")} ${m.value}) is merged into this record`,
      )
    if (text(row.placeOfBirth) !== "")
      ctx.note("placeOfBirth", "unmapped", "the portal has no place of birth: not migrated")
    const address = cleanOrNull(
      ctx,
      "address",
      "address",
      MalaysianAddress.clean(text(row.address) === "" ? null : { line1: row.address }),
    )
    return studentsValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      user_id: ctx.id(ctx.tenant, s.id, studentUsersEntity),
      student_number: number,
      date_of_birth: dob,
      gender,
      nationality: null,
      national_id: null,
      blood_type: null,
      medical_notes: null,
      admission_date: joined,
      status: s.status,
      address,
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

/** The students entity; loads after their users. */
export const students = (options: Options): Entity.Entity<StudentRecord> => ({
  name: studentsEntity,
  target: Academic.Students.target,
  transform: Transform.fromRow(decided("students", options, false, mapStudent(options))),
  ids: "hashed",
  dependsOn: [studentUsersEntity],
})

const enrollmentsValues = Table.values(Academic.Enrollments)

/** Maps a student's `classId` to an `academic.enrollments` row; a student in no class is skipped. */
export const mapEnrollment =
  (options: Options) =>
  (row: StudentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readStudent(row, quiet(ctx), options, reasons)
    if (s === null) return Transform.reject(...reasons)
    if (text(row.classId) === "") return Transform.skip("the student is in no class")
    const klass = reference(ctx, "classId", row.classId, options.plan.ids.classes, classesEntity, true)
    const start = cleanWith(
      ctx,
      "academicInfo.enrollmentDate",
      "date",
      DateInput.clean(
        text(row.academicInfo?.enrollmentDate) === "" ? row.joinDate : row.academicInfo?.enrollmentDate,
        day(options),
      ),
    )
    collect(reasons, [klass, start])
    if (!klass.ok || !start.ok || klass.value === null || reasons.length > 0)
      return Transform.reject(...reasons)
    let date = start.value
    if (date === null) {
      date = s.times.created_at.slice(0, 10)
      ctx.note(
        "academicInfo.enrollmentDate",
        "date",
        `no enrolment or join date: used the creation date ${date}`,
      )
    }
    return enrollmentsValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      student_id: ctx.id(ctx.tenant, s.id, studentsEntity),
      class_id: klass.value,
      enrollment_date: date,
      end_date: null,
      status:
        s.status === "active" || s.status === "on_leave"
          ? "active"
          : s.status === "graduated"
            ? "completed"
            : s.status === "transferred"
              ? "transferred"
              : "withdrawn",
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

/** The enrolments entity, read from students; loads after the students and classes it links. */
export const enrollments = (options: Options): Entity.Entity<StudentRecord> => ({
  name: enrollmentsEntity,
  target: Academic.Enrollments.target,
  transform: Transform.fromRow(decided("students", options, false, mapEnrollment(options))),
  ids: "hashed",
  dependsOn: [studentsEntity, classesEntity],
})

// ---------------------------------------------------------------------------------------------------
// Guardians: the parent and the emergency contact of each student

/**
 * `parentContact` is a phone, or a name with a phone: `Ahmad bin Ali - 012-345 6789`,
 * `Ahmad bin Ali (0123456789)`, `Ahmad bin Ali, +60 12 345 6789`. The phone is the trailing run of
 * digits, spaces, `+`, `-` and brackets holding at least seven digits.
 */
export const parseContact = (
  input: unknown,
): { readonly name: string | null; readonly phone: string | null } => {
  const t = text(input)
  if (t === "") return { name: null, phone: null }
  const m = /^(.*?)[\s,:;/-]*\(?(\+?[\d][\d\s\-()]{5,}\d)\)?\s*$/u.exec(t)
  if (m === null || (m[2]!.match(/\d/gu)?.length ?? 0) < 7) return { name: t, phone: null }
  const name = m[1]!.replace(/[\s,:;/(-]+$/u, "").trim()
  return { name: name === "" ? null : name, phone: m[2]! }
}

interface Guardian {
  readonly first: string
  readonly last: string | null
  readonly email: string | null
  readonly phone: string | null
}

type ContactKind = "parent" | "emergency"

const phoneOf = (input: string | null): string | null => {
  if (input === null) return null
  const p = Phone.clean(input)
  return p._tag === "Invalid" || p.value === null ? null : Phone.format(p.value)
}

// The parent: name and phone from `parentContact`, email from `parentEmail`; a name missing there is
// taken from the emergency contact when that contact has the same phone (the same person).
const readParent = (
  row: StudentRecord,
  ctx: Transform.RowContext,
  reasons: Array<Transform.Reason>,
): Guardian | "none" | null => {
  const contact = parseContact(row.parentContact)
  const email = cleanOrNull(ctx, "parentEmail", "email", Email.clean(row.parentEmail))
  const formatted = Contact.phone(ctx, "parentContact", Phone.clean(contact.phone))
  if (contact.name === null && contact.phone === null && email === null) return "none"
  let name = contact.name
  const ec = row.emergencyContact
  if (name === null && ec != null && formatted !== null && phoneOf(text(ec.phone)) === formatted)
    name = text(ec.name)
  const cleaned = cleanWith(ctx, "parentContact", "person_name", PersonName.clean(name, { required: true }))
  if (!cleaned.ok) {
    reasons.push(
      Transform.reason("parentContact", "guardian_name", `the parent has no name: ${cleaned.reason.message}`),
    )
    return null
  }
  return { ...splitName(cleaned.value!), email, phone: formatted }
}

const readEmergency = (
  row: StudentRecord,
  ctx: Transform.RowContext,
  reasons: Array<Transform.Reason>,
): Guardian | "none" | "parent" | null => {
  const ec = row.emergencyContact
  if (ec == null || (text(ec.name) === "" && text(ec.phone) === "")) return "none"
  const phone = cleanWith(ctx, "emergencyContact.phone", "phone", Phone.clean(ec.phone, { required: true }))
  const name = cleanWith(
    ctx,
    "emergencyContact.name",
    "person_name",
    PersonName.clean(ec.name, { required: true }),
  )
  collect(reasons, [phone, name])
  if (!phone.ok || !name.ok || phone.value === null || name.value === null) return null
  const formatted = Phone.format(phone.value)
  if (phone.value.unlistedBlock)
    ctx.note("emergencyContact.phone", Contact.unlistedBlockRule, Phone.unlistedBlockNote)
  // The same phone as the parent's: one person, one guardian, flagged as the emergency contact.
  if (phoneOf(parseContact(row.parentContact).phone) === formatted) return "parent"
  return { ...splitName(name.value), email: null, phone: formatted }
}

const guardiansValues = Table.values(Academic.Guardians)

const guardianOf = (
  row: StudentRecord,
  ctx: Transform.RowContext,
  kind: ContactKind,
  reasons: Array<Transform.Reason>,
) => (kind === "parent" ? readParent(row, ctx, reasons) : readEmergency(row, ctx, reasons))

/** Maps a student's parent or emergency contact to an `academic.guardians` row; none given → skipped. */
export const mapGuardian =
  (options: Options, kind: ContactKind) =>
  (row: StudentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readStudent(row, quiet(ctx), options, reasons)
    const g = guardianOf(row, ctx, kind, reasons)
    if (s === null || g === null || reasons.length > 0) return Transform.reject(...reasons)
    if (g === "none")
      return Transform.skip(
        `the student has no ${kind === "parent" ? "parent contact" : "emergency contact"}`,
      )
    if (g === "parent")
      return Transform.skip("the emergency contact is the parent: linked once, as the parent")
    const owner = options.plan.guardianOwners[kind].get(s.id)
    if (owner !== undefined)
      return Transform.skip(
        `the same person as the ${kind} contact of student ${owner}: one guardian for both`,
      )
    return guardiansValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      user_id: null,
      first_name: g.first,
      last_name: g.last,
      official_name: null,
      name_in_script: null,
      date_of_birth: null,
      gender: null,
      email: g.email,
      phone: g.phone,
      national_id: null,
      occupation: null,
      address: null,
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

const linksValues = Table.values(Academic.StudentGuardians)

/** Maps a student's parent or emergency contact to its `academic.student_guardians` link. */
export const mapGuardianLink =
  (options: Options, kind: ContactKind) =>
  (row: StudentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readStudent(row, quiet(ctx), options, reasons)
    const g = guardianOf(row, quiet(ctx), kind, reasons)
    if (s === null || g === null || reasons.length > 0) return Transform.reject(...reasons)
    if (g === "none")
      return Transform.skip(
        `the student has no ${kind === "parent" ? "parent contact" : "emergency contact"}`,
      )
    if (g === "parent")
      return Transform.skip("the emergency contact is the parent: linked once, as the parent")
    const parentIsEmergency = kind === "parent" && readEmergency(row, quiet(ctx), []) === "parent"
    let relation = "guardian"
    if (kind === "emergency" || parentIsEmergency) {
      const r = cleanOrNull(
        ctx,
        "emergencyContact.relationship",
        "relationship",
        relationship.clean(row.emergencyContact?.relationship),
      )
      if (r === null)
        ctx.note("emergencyContact.relationship", "relationship", "no known relationship: stored as guardian")
      relation = r ?? "guardian"
    }
    return linksValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      student_id: ctx.id(ctx.tenant, s.id, studentsEntity),
      guardian_id: ctx.id(
        ctx.tenant,
        options.plan.guardianOwners[kind].get(s.id) ?? s.id,
        kind === "parent" ? parentsEntity : emergencyContactsEntity,
      ),
      relationship: relation,
      is_primary: kind === "parent",
      contact_priority: kind === "parent" ? 1 : 2,
      is_emergency_contact: kind === "emergency" || parentIsEmergency,
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

/** The parents entity, read from students. */
export const parents = (options: Options): Entity.Entity<StudentRecord> => ({
  name: parentsEntity,
  target: Academic.Guardians.target,
  transform: Transform.fromRow(decided("students", options, false, mapGuardian(options, "parent"))),
  ids: "hashed",
})

/** The parent links entity, read from students; loads after the students and parents it joins. */
export const parentLinks = (options: Options): Entity.Entity<StudentRecord> => ({
  name: parentLinksEntity,
  target: Academic.StudentGuardians.target,
  transform: Transform.fromRow(decided("students", options, false, mapGuardianLink(options, "parent"))),
  ids: "hashed",
  dependsOn: [studentsEntity, parentsEntity],
})

/** The emergency contacts entity, read from students. */
export const emergencyContacts = (options: Options): Entity.Entity<StudentRecord> => ({
  name: emergencyContactsEntity,
  target: Academic.Guardians.target,
  transform: Transform.fromRow(decided("students", options, false, mapGuardian(options, "emergency"))),
  ids: "hashed",
})

/** The emergency contact links entity, read from students; loads after the students and contacts it joins. */
export const emergencyLinks = (options: Options): Entity.Entity<StudentRecord> => ({
  name: emergencyLinksEntity,
  target: Academic.StudentGuardians.target,
  transform: Transform.fromRow(decided("students", options, false, mapGuardianLink(options, "emergency"))),
  ids: "hashed",
  dependsOn: [studentsEntity, emergencyContactsEntity],
})

// ---------------------------------------------------------------------------------------------------
// Discounts: each student's discount becomes a scholarship of their own and its link

/** Discount kinds of the app. */
export const discountKind = CodeMap.make<"percentage" | "fixed">(
  { percentage: ["percentage", "percent", "%", "pct"], fixed: ["fixed", "amount", "flat", "rm"] },
  { name: "discount type" },
)

const yes: ReadonlySet<string> = new Set(["true", "1", "yes", "y"])

interface Discount {
  readonly kind: "percentage" | "fixed"
  readonly value: string
}

// Null when the student has no discount; reasons when the discount cannot be read.
const readDiscount = (
  row: StudentRecord,
  ctx: Transform.RowContext,
  reasons: Array<Transform.Reason>,
): Discount | null => {
  if (!yes.has(text(row.hasDiscount).toLowerCase())) return null
  const kind = cleanWith(
    ctx,
    "discountType",
    "discount_type",
    discountKind.clean(row.discountType, { required: true }),
  )
  const value = amount(ctx, "discountAmount", "money", row.discountAmount, { required: true })
  collect(reasons, [kind, value])
  if (!kind.ok || !value.ok || kind.value === null || value.value === null) return null
  const c = cents(value.value) ?? 0n
  if (c <= 0n || (kind.value === "percentage" && c > 10000n)) {
    reasons.push(
      Transform.reason(
        "discountAmount",
        "discount_range",
        `a ${kind.value} discount of ${value.value} is out of range`,
      ),
    )
    return null
  }
  return { kind: kind.value, value: value.value }
}

const scholarshipsValues = Table.values(Financial.Scholarships)
const studentScholarshipsValues = Table.values(Financial.StudentScholarships)

/** Maps a student's discount to a `financial.scholarships` row (one per student); no discount → skipped. */
export const mapDiscount =
  (options: Options, link: boolean) =>
  (row: StudentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readStudent(row, quiet(ctx), options, reasons)
    const d = readDiscount(row, link ? quiet(ctx) : ctx, reasons)
    if (s === null || reasons.length > 0) return Transform.reject(...reasons)
    if (d === null) return Transform.skip("the student has no discount")
    if (link)
      return studentScholarshipsValues({
        id: ctx.id(ctx.tenant, s.id),
        tenant_id: options.tenant,
        student_id: ctx.id(ctx.tenant, s.id, studentsEntity),
        scholarship_id: ctx.id(ctx.tenant, s.id, discountsEntity),
        academic_year_id: null,
        start_date: null,
        end_date: null,
        status: s.status === "active" ? "active" : "ended",
        legacy_source: ctx.entity,
        legacy_id: s.id,
        ...s.times,
        deleted_at: null,
      })
    return scholarshipsValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      code: null,
      name:
        d.kind === "percentage"
          ? `Discount ${d.value.replace(/\.00$/u, "")}%`
          : `Discount ${options.currency ?? "MYR"} ${d.value}`,
      description: `Discount of student ${s.id} in the browser app`,
      kind: d.kind,
      value: d.value,
      is_active: s.status === "active",
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

/** The discounts entity, read from students. */
export const discounts = (options: Options): Entity.Entity<StudentRecord> => ({
  name: discountsEntity,
  target: Financial.Scholarships.target,
  transform: Transform.fromRow(decided("students", options, false, mapDiscount(options, false))),
  ids: "hashed",
})

/** The student–discount links entity, read from students. */
export const studentDiscounts = (options: Options): Entity.Entity<StudentRecord> => ({
  name: studentDiscountsEntity,
  target: Financial.StudentScholarships.target,
  transform: Transform.fromRow(decided("students", options, false, mapDiscount(options, true))),
  ids: "hashed",
  dependsOn: [studentsEntity, discountsEntity],
})

// ---------------------------------------------------------------------------------------------------
// Teachers and classes

const teacherStatus = CodeMap.make<CodeTables.EmploymentStatus>(
  {
    active: ["active"],
    on_leave: ["on leave", "on_leave", "leave"],
    resigned: ["inactive", "resigned", "left"],
    retired: ["retired"],
    terminated: ["terminated"],
  },
  { name: "teacher status" },
)

interface Teacher {
  readonly id: string
  readonly person: Person
  readonly status: CodeTables.EmploymentStatus
  readonly times: { created_at: string; updated_at: string }
}

const readTeacher = (
  row: TeacherRecord,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Teacher | null => {
  const id = ownId(row, reasons)
  const person = readPerson(ctx, row, accountKey("teacher", row), options, reasons)
  const status = cleanOrDefault(ctx, "status", "employment_status", teacherStatus.clean(row.status), "active")
  const times = timestamps(ctx, row, options)
  if (person === null || reasons.length > 0) return null
  return { id, person, status, times }
}

/** Maps one teacher to the `auth.users` row they log in with. */
export const mapTeacherUser =
  (options: Options) =>
  (row: TeacherRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const t = readTeacher(row, ctx, options, reasons)
    if (t === null) return Transform.reject(...reasons)
    return userRow(
      ctx,
      options,
      t.id,
      t.person,
      row.avatar,
      t.status === "active" ? "active" : "inactive",
      t.times,
    )
  }

/** The teachers' users entity. */
export const teacherUsers = (options: Options): Entity.Entity<TeacherRecord> => ({
  name: teacherUsersEntity,
  target: Auth.Users.target,
  transform: Transform.fromRow(decided("teachers", options, true, mapTeacherUser(options))),
  ids: "hashed",
})

const teachersValues = Table.values(Academic.Teachers)

/** Maps one teacher to an `academic.teachers` row, or rejects it with every reason. */
export const mapTeacher =
  (options: Options) =>
  (row: TeacherRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const t = readTeacher(row, quiet(ctx), options, reasons)
    const hired = cleanOrNull(
      ctx,
      "joinDate",
      "date",
      DateInput.clean(row.joinDate, day(options, { notFuture: true })),
    )
    if (t === null || reasons.length > 0) return Transform.reject(...reasons)
    const subjects = [...(row.subjects ?? []), text(row.subject)].map((s) => s.trim()).filter((s) => s !== "")
    return teachersValues({
      id: ctx.id(ctx.tenant, t.id),
      tenant_id: options.tenant,
      user_id: ctx.id(ctx.tenant, t.id, teacherUsersEntity),
      staff_number: cleanOrNull(ctx, "staffNumber", "text", Text.clean(row.staffNumber)),
      specialization: subjects.length === 0 ? null : [...new Set(subjects)].join(", "),
      qualification: cleanOrNull(ctx, "qualification", "text", Text.clean(row.qualification)),
      hire_date: hired,
      employment_status: t.status,
      date_of_birth: null,
      gender: null,
      legacy_source: ctx.entity,
      legacy_id: t.id,
      ...t.times,
      deleted_at: null,
    })
  }

/** The teachers entity; loads after their users. */
export const teachers = (options: Options): Entity.Entity<TeacherRecord> => ({
  name: teachersEntity,
  target: Academic.Teachers.target,
  transform: Transform.fromRow(decided("teachers", options, false, mapTeacher(options))),
  ids: "hashed",
  dependsOn: [teacherUsersEntity],
})

const classesValues = Table.values(Academic.Classes)

/** Maps one class to an `academic.classes` row; its classroom's name becomes the room. */
export const mapClass =
  (options: Options) =>
  (row: ClassRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const id = ownId(row, reasons)
    const name = cleanWith(ctx, "name", "text", Text.clean(row.name, { required: true }))
    const capacityText = text(row.capacity)
    const capacity =
      capacityText === "" ? null : /^\d+$/u.test(capacityText) ? Number(capacityText) : Number.NaN
    if (capacity !== null && !(capacity > 0 && capacity <= 10_000))
      reasons.push(Transform.reason("capacity", "integer", `${capacityText} is not a whole number 1–10000`))
    collect(reasons, [name])
    const times = timestamps(ctx, row, options)
    if (!name.ok || name.value === null || reasons.length > 0) return Transform.reject(...reasons)
    const teacher = optionalReference(
      ctx,
      "teacherId",
      row.teacherId,
      options.plan.ids.teachers,
      teachersEntity,
    )
    const classroom = text(row.classroomId)
    const room = classroom === "" ? null : (options.plan.rooms.get(classroom) ?? null)
    if (classroom !== "" && room === null)
      ctx.note(
        "classroomId",
        "reference_missing",
        `classroom ${classroom} is not in the export or has no name; no room`,
      )
    return classesValues({
      id: ctx.id(ctx.tenant, id),
      tenant_id: options.tenant,
      academic_year_id: null,
      code: cleanOrNull(ctx, "code", "text", Text.clean(row.code)),
      name: name.value,
      grade_level: cleanOrNull(ctx, "level", "text", Text.clean(row.level)),
      homeroom_teacher_id: teacher,
      capacity,
      room,
      legacy_source: ctx.entity,
      legacy_id: id,
      ...times,
      deleted_at: null,
    })
  }

/** The classes entity; loads after the teachers it points at. */
export const classes = (options: Options): Entity.Entity<ClassRecord> => ({
  name: classesEntity,
  target: Academic.Classes.target,
  transform: Transform.fromRow(decided("classes", options, true, mapClass(options))),
  ids: "hashed",
  dependsOn: [teachersEntity],
})

// ---------------------------------------------------------------------------------------------------
// Attendance and grades

const attendanceValues = Table.values(Academic.Attendance)

/** Maps one attendance mark to an `academic.attendance` row; a mark for a student not in the export is rejected. */
export const mapAttendance =
  (options: Options) =>
  (row: AttendanceRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const { ids } = options.plan
    const stands = options.plan.repeatedMarks.get(ctx.key)
    if (stands !== undefined)
      return Transform.skip(`a second mark of the same student, class and day: the later ${stands} stands`)
    const id = ownId(row, reasons)
    const student = reference(ctx, "studentId", row.studentId, ids.students, studentsEntity, true)
    const date = cleanWith(
      ctx,
      "date",
      "date",
      DateInput.clean(row.date, day(options, { notFuture: true, required: true })),
    )
    const status = cleanWith(
      ctx,
      "status",
      "attendance_status",
      CodeTables.attendanceStatus.clean(row.status, { required: true }),
    )
    collect(reasons, [student, date, status])
    const times = timestamps(ctx, row, options)
    if (
      !student.ok ||
      !date.ok ||
      !status.ok ||
      student.value === null ||
      date.value === null ||
      status.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    return attendanceValues({
      id: ctx.id(ctx.tenant, id),
      tenant_id: options.tenant,
      student_id: student.value,
      class_id: optionalReference(ctx, "classId", row.classId, ids.classes, classesEntity),
      attendance_date: date.value,
      status: status.value,
      remarks: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      recorded_by: optionalReference(ctx, "recordedBy", row.recordedBy, ids.teachers, teacherUsersEntity),
      legacy_source: ctx.entity,
      legacy_id: id,
      ...times,
      deleted_at: null,
    })
  }

/** The attendance entity; loads after the students, classes and teachers' users it points at. */
export const attendance = (options: Options): Entity.Entity<AttendanceRecord> => ({
  name: attendanceEntity,
  target: Academic.Attendance.target,
  transform: Transform.fromRow(decided("attendance", options, true, mapAttendance(options))),
  ids: "hashed",
  dependsOn: [studentsEntity, classesEntity, teacherUsersEntity],
})

interface Grade {
  readonly id: string
  readonly assessment: string
  readonly score: bigint | null
  readonly max: bigint
  readonly times: { created_at: string; updated_at: string }
}

// Score and maximum in hundredths; the maximum defaults to 100.
const readGrade = (
  row: GradeRecord,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Grade | null => {
  const id = ownId(row, reasons)
  const max = amount(ctx, "maxScore", "score", row.maxScore, {})
  collect(reasons, [max])
  const maxC = max.ok ? (max.value === null ? 10000n : cents(max.value)!) : null
  if (maxC !== null && maxC <= 0n)
    reasons.push(Transform.reason("maxScore", "score_range", "the maximum score is not positive"))
  // The score is the result, not who or what was assessed: one that cannot be read is empty, noted.
  const score =
    text(row.score) === ""
      ? null
      : cleanOrNull(
          typeof row.score === "number" ? quiet(ctx) : ctx,
          "score",
          "score",
          Money.clean(row.score, {}),
        )
  if (text(row.score) === "") ctx.note("score", "score", "no score: stored as empty")
  let scoreC = score === null ? null : cents(score)!
  if (maxC !== null && maxC > 0n && scoreC !== null && (scoreC < 0n || scoreC > maxC)) {
    ctx.note(
      "score",
      "score_range",
      `score ${fromCents(scoreC)} is not 0–${fromCents(maxC)}; stored as empty`,
      row.score,
    )
    scoreC = null
  }
  const times = timestamps(ctx, row, options)
  const assessment = options.plan.assessments.get(id)
  if (maxC === null || reasons.length > 0 || assessment === undefined) return null
  return { id, assessment, score: scoreC, max: maxC, times }
}

const assessmentsValues = Table.values(Academic.Assessments)

/**
 * Maps the first grade of each assessment (see `assessmentKey`) to an `academic.assessments` row; the
 * other grades of the same assessment are skipped here (they are its results).
 */
export const mapAssessment =
  (options: Options) =>
  (row: GradeRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const g = readGrade(row, quiet(ctx), options, reasons)
    if (g === null) return Transform.reject(...reasons)
    if (!options.plan.assessmentLeads.has(g.id))
      return Transform.skip("another grade of the same assessment writes it")
    const title = text(row.title) || text(row.subject) || text(row.type)
    const name = cleanWith(ctx, "title", "text", Text.clean(title, { required: true }))
    const on = cleanWith(ctx, "date", "date", DateInput.clean(row.date, day(options)))
    collect(reasons, [name, on])
    if (!name.ok || !on.ok || name.value === null || reasons.length > 0) return Transform.reject(...reasons)
    const subject = text(row.subject)
    return assessmentsValues({
      id: ctx.id(ctx.tenant, g.assessment),
      tenant_id: options.tenant,
      academic_year_id: null,
      class_id: optionalReference(ctx, "classId", row.classId, options.plan.ids.classes, classesEntity),
      name: subject !== "" && name.value !== subject ? `${subject}: ${name.value}` : name.value,
      category: cleanOrNull(ctx, "type", "text", Text.clean(row.type)),
      term: cleanOrNull(ctx, "term", "text", Text.clean(row.term)),
      max_score: fromCents(g.max),
      weight: null,
      assessed_on: on.value,
      legacy_source: ctx.entity,
      legacy_id: g.assessment,
      ...g.times,
      deleted_at: null,
    })
  }

/** The assessments entity, read from grades; loads after the classes it points at. */
export const assessments = (options: Options): Entity.Entity<GradeRecord> => ({
  name: assessmentsEntity,
  target: Academic.Assessments.target,
  transform: Transform.fromRow(decided("grades", options, true, mapAssessment(options))),
  ids: "hashed",
  dependsOn: [classesEntity],
})

const resultsValues = Table.values(Academic.AssessmentResults)

/** Maps one grade to an `academic.assessment_results` row with its percentage. */
export const mapAssessmentResult =
  (options: Options) =>
  (row: GradeRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const g = readGrade(row, ctx, options, reasons)
    const student = reference(
      ctx,
      "studentId",
      row.studentId,
      options.plan.ids.students,
      studentsEntity,
      true,
    )
    collect(reasons, [student])
    if (g !== null && options.plan.repeatedGrades.has(g.id))
      reasons.push(
        Transform.reason("studentId", "grade_unique", "the student already has a grade for this assessment"),
      )
    if (g === null || !student.ok || student.value === null || reasons.length > 0)
      return Transform.reject(...reasons)
    // Hundredths of a percent, rounded half up: exact.
    const pct = g.score === null ? null : (g.score * 10000n * 2n + g.max) / (2n * g.max)
    return resultsValues({
      id: ctx.id(ctx.tenant, g.id),
      tenant_id: options.tenant,
      assessment_id: ctx.id(ctx.tenant, g.assessment, assessmentsEntity),
      student_id: student.value,
      score: g.score === null ? null : fromCents(g.score),
      percentage: pct === null ? null : fromCents(pct),
      grade: cleanOrNull(ctx, "grade", "text", Text.clean(row.grade)),
      feedback: cleanOrNull(ctx, "comments", "text", Text.clean(row.comments, { multiline: true })),
      graded_by: optionalReference(
        ctx,
        "teacherId",
        row.teacherId,
        options.plan.ids.teachers,
        teacherUsersEntity,
      ),
      graded_at: null,
      legacy_source: ctx.entity,
      legacy_id: g.id,
      ...g.times,
      deleted_at: null,
    })
  }

/** The assessment results entity, read from grades; loads after the assessments and students it joins. */
export const assessmentResults = (options: Options): Entity.Entity<GradeRecord> => ({
  name: assessmentResultsEntity,
  target: Academic.AssessmentResults.target,
  transform: Transform.fromRow(decided("grades", options, false, mapAssessmentResult(options))),
  ids: "hashed",
  dependsOn: [assessmentsEntity, studentsEntity, teacherUsersEntity],
})

// ---------------------------------------------------------------------------------------------------
// Money: obligations become invoices with one line each; payments are allocated to their obligation

interface Obligation {
  readonly id: string
  readonly student: string
  readonly amount: bigint
  readonly issued: string
  readonly due: string
  readonly times: { created_at: string; updated_at: string }
}

const readObligation = (
  row: PaymentObligationRecord,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Obligation | null => {
  const id = ownId(row, reasons)
  const student = reference(ctx, "studentId", row.studentId, options.plan.ids.students, studentsEntity, true)
  const owed = amount(ctx, "amount", "money", row.amount, {
    currency: options.currency ?? "MYR",
    required: true,
  })
  const due = cleanWith(
    ctx,
    "dueDate",
    "date",
    DateInput.clean(row.dueDate, day(options, { required: true })),
  )
  const issued = cleanWith(ctx, "issueDate", "date", DateInput.clean(row.issueDate, day(options)))
  collect(reasons, [student, owed, due, issued])
  const c = owed.ok && owed.value !== null ? cents(owed.value)! : null
  if (c !== null && c <= 0n)
    reasons.push(Transform.reason("amount", "amount_positive", `amount ${fromCents(c)} is not positive`))
  const times = timestamps(ctx, row, options)
  if (
    !student.ok ||
    student.value === null ||
    c === null ||
    !due.ok ||
    due.value === null ||
    !issued.ok ||
    reasons.length > 0
  )
    return null
  let issuedOn = issued.value ?? times.created_at.slice(0, 10)
  if (issuedOn > due.value) issuedOn = due.value
  return { id, student: student.value, amount: c, issued: issuedOn, due: due.value, times }
}

const invoicesValues = Table.values(Financial.Invoices)

/** Maps one payment obligation to a `financial.invoices` row; paid amount and status come from its payments. */
export const mapInvoice =
  (options: Options) =>
  (row: PaymentObligationRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const o = readObligation(row, ctx, options, reasons)
    if (o === null) return Transform.reject(...reasons)
    const legacy = CodeTables.invoiceStatus.clean(row.status)
    if (legacy._tag === "Invalid")
      ctx.note("status", "invoice_status", `${legacy.reason}; the status is derived from the amounts`)
    const kept = legacy._tag === "Invalid" ? null : legacy.value
    const paid = options.plan.paid.get(o.id) ?? 0n
    if (paid > o.amount)
      ctx.note("amount", "overpaid", `paid ${fromCents(paid)}, more than the ${fromCents(o.amount)} owed`)
    // The app writes `pending` (read as draft) for any obligation not yet paid: only cancelled and
    // refunded are kept from its status; the rest is derived from the amounts and the due date.
    const status = CodeTables.deriveInvoiceStatus({
      totalCents: Number(o.amount),
      paidCents: Number(paid),
      dueDate: o.due,
      asOf: options.asOf,
      legacy: kept === "draft" ? null : kept,
    })
    return invoicesValues({
      id: ctx.id(ctx.tenant, o.id),
      tenant_id: options.tenant,
      invoice_number: o.id,
      student_id: o.student,
      academic_year_id: null,
      invoice_date: o.issued,
      due_date: o.due,
      subtotal: fromCents(o.amount),
      discount_amount: "0.00",
      tax_amount: "0.00",
      total_amount: fromCents(o.amount),
      paid_amount: fromCents(paid),
      balance_due: fromCents(o.amount - paid),
      currency: options.currency ?? "MYR",
      status,
      notes: null,
      legacy_source: ctx.entity,
      legacy_id: o.id,
      ...o.times,
      deleted_at: null,
    })
  }

/** The invoices entity, read from payment obligations; loads after the students billed. */
export const invoices = (options: Options): Entity.Entity<PaymentObligationRecord> => ({
  name: invoicesEntity,
  target: Financial.Invoices.target,
  transform: Transform.fromRow(decided("paymentObligations", options, true, mapInvoice(options))),
  ids: "hashed",
  dependsOn: [studentsEntity],
})

const itemsValues = Table.values(Financial.InvoiceItems)

/** Maps one payment obligation to its single `financial.invoice_items` line. */
export const mapInvoiceItem =
  (options: Options) =>
  (row: PaymentObligationRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const o = readObligation(row, quiet(ctx), options, reasons)
    if (o === null) return Transform.reject(...reasons)
    const description =
      cleanOrNull(ctx, "description", "text", Text.clean(row.description)) ??
      cleanOrNull(ctx, "type", "text", Text.clean(row.type)) ??
      "Payment obligation"
    return itemsValues({
      id: ctx.id(ctx.tenant, o.id),
      tenant_id: options.tenant,
      invoice_id: ctx.id(ctx.tenant, o.id, invoicesEntity),
      fee_structure_id: null,
      description,
      quantity: "1.00",
      unit_price: fromCents(o.amount),
      amount: fromCents(o.amount),
      sort_order: 1,
      legacy_source: ctx.entity,
      legacy_id: o.id,
      ...o.times,
      deleted_at: null,
    })
  }

/** The invoice lines entity, read from payment obligations; loads after the invoices. */
export const invoiceItems = (options: Options): Entity.Entity<PaymentObligationRecord> => ({
  name: invoiceItemsEntity,
  target: Financial.InvoiceItems.target,
  transform: Transform.fromRow(decided("paymentObligations", options, false, mapInvoiceItem(options))),
  ids: "hashed",
  dependsOn: [invoicesEntity],
})

interface Payment {
  readonly id: string
  readonly student: string
  /** The obligation paid, when it is in the export. */
  readonly obligation: string | null
  readonly amount: string
  readonly paidAt: string
  readonly status: CodeTables.PaymentStatus
  readonly times: { created_at: string; updated_at: string }
}

// The student is the payment's own, else its obligation's. A payment for an obligation not in the
// export is still money received: it loads (noted), and only its allocation is rejected.
const readPayment = (
  row: PaymentRecord,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Payment | null => {
  const { ids } = options.plan
  const id = ownId(row, reasons)
  const obligationKey = text(row.obligationId)
  const known = ids.paymentObligations.known.has(obligationKey)
  if (obligationKey !== "" && !known)
    ctx.note(
      "obligationId",
      "reference_missing",
      `obligation ${obligationKey} is not in the export: the payment is not allocated`,
    )
  const billed = known ? options.plan.obligationStudents.get(obligationKey) : undefined
  let studentKey = text(row.studentId)
  if (studentKey === "" && billed !== undefined) studentKey = billed
  else if (studentKey !== "" && billed !== undefined && billed !== studentKey)
    reasons.push(
      Transform.reason(
        "studentId",
        "payment_student",
        `student ${studentKey} paid obligation ${obligationKey}, which bills student ${billed}`,
      ),
    )
  const student = reference(ctx, "studentId", studentKey, ids.students, studentsEntity, true)
  const paid = amount(ctx, "amount", "money", row.amount, {
    currency: options.currency ?? "MYR",
    required: true,
  })
  if (paid.ok && paid.value !== null && (cents(paid.value) ?? 0n) <= 0n)
    reasons.push(Transform.reason("amount", "payment_amount", `amount ${paid.value} is not positive`))
  const paidAt = cleanWith(
    ctx,
    "paymentDate",
    "timestamp",
    DateInput.clean(row.paymentDate, day(options, { kind: "dateTime", notFuture: true, required: true })),
  )
  const status = cleanWith(ctx, "status", "payment_status", CodeTables.paymentStatus.clean(row.status))
  collect(reasons, [student, paid, paidAt, status])
  const times = timestamps(ctx, row, options)
  if (
    !student.ok ||
    !paid.ok ||
    !paidAt.ok ||
    !status.ok ||
    student.value === null ||
    paid.value === null ||
    paidAt.value === null ||
    reasons.length > 0
  )
    return null
  return {
    id,
    student: student.value,
    obligation: known ? obligationKey : null,
    amount: paid.value,
    paidAt: paidAt.value,
    status: status.value ?? "completed",
    times,
  }
}

const paymentsValues = Table.values(Financial.Payments)

/** Maps one payment to a `financial.payments` row, or rejects it with every reason. */
export const mapPayment =
  (options: Options) =>
  (row: PaymentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const p = readPayment(row, ctx, options, reasons)
    if (p === null) return Transform.reject(...reasons)
    let method = cleanOrNull(ctx, "method", "payment_method", CodeTables.paymentMethod.clean(row.method))
    if (method === null) {
      ctx.note("method", "payment_method", "no known method: stored as other")
      method = "other"
    }
    return paymentsValues({
      id: ctx.id(ctx.tenant, p.id),
      tenant_id: options.tenant,
      student_id: p.student,
      receipt_number: null,
      amount: p.amount,
      currency: options.currency ?? "MYR",
      paid_at: p.paidAt,
      method,
      reference: cleanOrNull(ctx, "reference", "text", Text.clean(row.reference)),
      status: p.status,
      notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: p.id,
      ...p.times,
      deleted_at: null,
    })
  }

/** The payments entity; loads after the students who paid. */
export const payments = (options: Options): Entity.Entity<PaymentRecord> => ({
  name: paymentsEntity,
  target: Financial.Payments.target,
  transform: Transform.fromRow(decided("payments", options, true, mapPayment(options))),
  ids: "hashed",
  dependsOn: [studentsEntity],
})

const allocationsValues = Table.values(Financial.PaymentAllocations)

/**
 * Maps a completed payment to its `financial.payment_allocations` row (the whole amount to its
 * obligation). A payment for an obligation not in the export is rejected here so it is seen;
 * payments not completed are skipped.
 */
export const mapPaymentAllocation =
  (options: Options) =>
  (row: PaymentRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const p = readPayment(row, quiet(ctx), options, reasons)
    if (p === null) return Transform.reject(...reasons)
    if (p.obligation === null) {
      const key = text(row.obligationId)
      return key === ""
        ? Transform.skip("the payment names no obligation: nothing to allocate")
        : Transform.reject(
            Transform.reason("obligationId", "reference_missing", `obligation ${key} is not in the export`),
          )
    }
    if (p.status !== "completed") return Transform.skip(`the payment is ${p.status}: it settles nothing`)
    return allocationsValues({
      id: ctx.id(ctx.tenant, p.id),
      tenant_id: options.tenant,
      payment_id: ctx.id(ctx.tenant, p.id, paymentsEntity),
      invoice_id: ctx.id(ctx.tenant, p.obligation, invoicesEntity),
      amount: p.amount,
      legacy_source: ctx.entity,
      legacy_id: p.id,
      ...p.times,
    })
  }

/** The payment allocations entity, read from payments; loads after the payments and invoices it joins. */
export const paymentAllocations = (options: Options): Entity.Entity<PaymentRecord> => ({
  name: paymentAllocationsEntity,
  target: Financial.PaymentAllocations.target,
  transform: Transform.fromRow(decided("payments", options, false, mapPaymentAllocation(options))),
  ids: "hashed",
  dependsOn: [paymentsEntity, invoicesEntity],
})

// ---------------------------------------------------------------------------------------------------
// Private lessons

/** Entity name of the private lessons flow. */
export const privateLessonsEntity = "browser.private_lessons"

/** Lesson statuses of the app. */
export const lessonStatus = CodeMap.make<"scheduled" | "completed" | "cancelled" | "no_show">(
  {
    scheduled: ["scheduled", "upcoming", "pending", "booked", "planned", "confirmed"],
    completed: ["completed", "complete", "done", "attended"],
    cancelled: ["cancelled", "canceled"],
    no_show: ["no_show", "no-show", "no show", "missed", "absent"],
  },
  { name: "lesson status" },
)

/** A lesson's start as `HH:MM` (24-hour): `15:00`, `3:30 pm`, `1500`, `9.15`; undefined when unreadable. */
export const startTime = (input: unknown): string | null | undefined => {
  const t = text(input).toLowerCase()
  if (t === "") return null
  const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/u.exec(t)
  if (m === null) return undefined
  let h = Number(m[1])
  const mi = m[2] === undefined ? 0 : Number(m[2])
  const half = m[3]?.startsWith("p") ? "pm" : m[3] === undefined ? null : "am"
  if (m[2] === undefined && half === null) return undefined
  if (half !== null && (h < 1 || h > 12)) return undefined
  if (half === "pm" && h < 12) h += 12
  if (half === "am" && h === 12) h = 0
  if (h > 23 || mi > 59) return undefined
  return `${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}`
}

// Minutes as a whole number: `60`, `"45 min"`, `"1h"`, `"1.5 hours"`, `"1h30"`.
const minutes = (input: unknown): number | null | undefined => {
  const t = text(input).toLowerCase()
  if (t === "") return null
  let m = /^(\d+)\s*(m|min|mins|minutes)?$/u.exec(t)
  if (m !== null) return Number(m[1])
  m = /^(\d+(?:\.\d+)?)\s*(h|hr|hrs|hour|hours)$/u.exec(t)
  if (m !== null) return Math.round(Number(m[1]) * 60)
  m = /^(\d+)\s*h\s*(\d{1,2})\s*(m|min)?$/u.exec(t)
  if (m !== null) return Number(m[1]) * 60 + Number(m[2])
  return undefined
}

const lessonsValues = Table.values(Academic.PrivateLessons)

/** Maps one private lesson to an `academic.private_lessons` row, or rejects it with every reason. */
export const mapPrivateLesson =
  (options: Options) =>
  (row: PrivateLessonRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const { ids } = options.plan
    const id = ownId(row, reasons)
    const student = reference(ctx, "studentId", row.studentId, ids.students, studentsEntity, true)
    // Lessons are booked ahead: a future date is a plan, not an error.
    const date = cleanWith(ctx, "date", "date", DateInput.clean(row.date, day(options, { required: true })))
    const fee = amount(ctx, "price", "money", row.price, { currency: options.currency ?? "MYR" })
    const status = cleanWith(ctx, "status", "lesson_status", lessonStatus.clean(row.status))
    collect(reasons, [student, date, fee, status])
    if (fee.ok && fee.value !== null && (cents(fee.value) ?? 0n) < 0n)
      reasons.push(Transform.reason("price", "fee_range", `fee ${fee.value} is negative`))
    const times = timestamps(ctx, row, options)
    if (
      !student.ok ||
      !date.ok ||
      !fee.ok ||
      !status.ok ||
      student.value === null ||
      date.value === null ||
      reasons.length > 0
    )
      return Transform.reject(...reasons)
    let start = startTime(row.startTime)
    if (start === undefined) {
      ctx.note("startTime", "time", `${text(row.startTime)} is not a time of day; stored as empty`)
      start = null
    }
    let duration = minutes(row.duration)
    if (duration === undefined || duration === 0 || (duration !== null && duration > 24 * 60)) {
      ctx.note("duration", "duration", `${text(row.duration)} is not a duration in minutes; stored as empty`)
      duration = null
    }
    if (status.value === null) ctx.note("status", "lesson_status", "no status: read as scheduled")
    return lessonsValues({
      id: ctx.id(ctx.tenant, id),
      tenant_id: options.tenant,
      student_id: student.value,
      teacher_id: optionalReference(ctx, "teacherId", row.teacherId, ids.teachers, teachersEntity),
      subject: cleanOrNull(ctx, "subject", "text", Text.clean(row.subject)),
      lesson_date: date.value,
      start_time: start,
      duration_minutes: duration,
      fee: fee.value,
      currency: options.currency ?? "MYR",
      status: status.value ?? "scheduled",
      notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: id,
      ...times,
      deleted_at: null,
    })
  }

/** The private lessons entity; loads after the students and teachers it points at. */
export const privateLessons = (options: Options): Entity.Entity<PrivateLessonRecord> => ({
  name: privateLessonsEntity,
  target: Academic.PrivateLessons.target,
  transform: Transform.fromRow(decided("privateLessons", options, true, mapPrivateLesson(options))),
  ids: "hashed",
  dependsOn: [studentsEntity, teachersEntity],
})

// ---------------------------------------------------------------------------------------------------
// Quran progress: one programme for the export, an enrolment per student, a row per sitting

/** Entity name of the export's one Quran programme, written by the first progress record. */
export const quranProgramsEntity = "browser.quran_programs"
/** Entity name of the students' Quran enrolments, each written by the student's first progress record. */
export const quranEnrollmentsEntity = "browser.quran_enrollments"
/** Entity name of the memorisation sittings (`islamic.hafiz_progress`). */
export const quranProgressEntity = "browser.quran_progress"
/** Entity name of the revision sittings (`islamic.murajaah_sessions`). */
export const murajaahEntity = "browser.murajaah_sessions"

// The programme's legacy id: the app keeps no programmes, so the export has one of its own.
const programKey = "quran"

/** Kinds of sitting: new memorisation, or revision of what is memorised. */
export const sittingKind = CodeMap.make<"hafazan" | "murajaah">(
  {
    hafazan: ["hafazan", "hafalan", "hifz", "new", "memorization", "memorisation", "tasmik", "sabaq"],
    murajaah: ["murajaah", "muraja'ah", "revision", "review", "ulangkaji", "ulang kaji", "sabqi", "manzil"],
  },
  { name: "sitting kind" },
)

/**
 * Rating words of a recitation, English, Arabic and Malay; a 0–100 score is rated by the bands of
 * `ratingOf` instead.
 */
export const qualityRating = CodeMap.make<Schema.Schema.Type<typeof Islamic.QualityRating.schema>>(
  {
    excellent: ["excellent", "mumtaz", "mumtaaz", "cemerlang", "A"],
    very_good: ["very good", "very_good", "jayyid jiddan", "sangat baik", "B"],
    good: ["good", "jayyid", "baik", "C"],
    satisfactory: ["satisfactory", "maqbul", "memuaskan", "sederhana", "D"],
    needs_improvement: ["needs improvement", "needs_improvement", "lemah", "perlu bimbingan", "E"],
    poor: ["poor", "dhaif", "daif", "sangat lemah", "F"],
  },
  { name: "recitation rating" },
)

/** A 0–100 score as a rating: 90 excellent, 80 very good, 65 good, 50 satisfactory, 35 needs improvement, else poor. */
export const ratingOf = (score: number): Schema.Schema.Type<typeof Islamic.QualityRating.schema> =>
  score >= 90
    ? "excellent"
    : score >= 80
      ? "very_good"
      : score >= 65
        ? "good"
        : score >= 50
          ? "satisfactory"
          : score >= 35
            ? "needs_improvement"
            : "poor"

const wholeNumber = (input: unknown): number | null | undefined => {
  const t = text(input)
  if (t === "") return null
  return /^\d+$/u.test(t) ? Number(t) : undefined
}

const score100 = (input: unknown): number | null | undefined => {
  const t = text(input).replace(/%$/u, "")
  if (t === "") return null
  const n = /^\d+(\.\d+)?$/u.test(t) ? Number(t) : Number.NaN
  return Quran.checkQuality(n) === undefined ? Math.round(n * 100) / 100 : undefined
}

interface Sitting {
  readonly id: string
  readonly student: string
  readonly kind: "hafazan" | "murajaah"
  readonly surah: number
  readonly from: number | null
  readonly to: number | null
  readonly on: string | null
  readonly times: { created_at: string; updated_at: string }
}

// What every sitting needs: its student, which surah, how far. The rest are details of it, noted
// when unreadable.
const readSitting = (
  row: QuranProgressRecord,
  ctx: Transform.RowContext,
  options: Options,
  reasons: Array<Transform.Reason>,
): Sitting | null => {
  const id = ownId(row, reasons)
  const student = reference(ctx, "studentId", row.studentId, options.plan.ids.students, studentsEntity, true)
  collect(reasons, [student])
  const surah = Quran.surahNumber(row.surah)
  if (surah === undefined)
    reasons.push(
      Transform.reason(
        "surah",
        "surah_range",
        text(row.surah) === "" ? "no surah" : `${text(row.surah)} names no surah (1–114 or its name)`,
      ),
    )
  const verse = (column: "verseFrom" | "verseTo"): number | null => {
    const n = wholeNumber(row[column])
    const problem =
      n === undefined || surah === undefined || n === null ? undefined : Quran.checkVerses(surah, n)
    if (n === undefined || problem !== undefined) {
      reasons.push(
        Transform.reason(
          column,
          "verse_range",
          problem?.message ?? `${text(row[column])} is not a verse number`,
        ),
      )
      return null
    }
    return n
  }
  const from = verse("verseFrom")
  const to = verse("verseTo")
  if (from !== null && to !== null && from > to)
    reasons.push(Transform.reason("verseTo", "verse_range", `verse ${to} is before verse ${from}`))
  const kind = cleanOrDefault(ctx, "type", "sitting_kind", sittingKind.clean(row.type), "hafazan")
  const on = cleanOrNull(ctx, "date", "date", DateInput.clean(row.date, day(options, { notFuture: true })))
  const times = timestamps(ctx, row, options)
  if (surah === undefined || !student.ok || student.value === null || reasons.length > 0) return null
  const key = text(row.studentId)
  return {
    id,
    student: options.plan.ids.students.merged.get(key) ?? key,
    kind,
    surah,
    from,
    to,
    on,
    times,
  }
}

const programsValues = Table.values(Islamic.QuranPrograms)

/** Writes the export's one Quran programme, from the first progress record; the others are skipped. */
export const mapQuranProgram =
  (options: Options) =>
  (row: QuranProgressRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const lead = options.plan.quranLead
    if (idOf(row) !== lead || lead === null)
      return Transform.skip(`the export's Quran programme is written once, by record ${lead}`)
    return programsValues({
      id: ctx.id(ctx.tenant, programKey),
      tenant_id: options.tenant,
      code: "BROWSER-QURAN",
      name: "Quran (browser app)",
      program_type: "hifz_partial",
      description: "The Quran progress the browser app recorded, sitting by sitting",
      target_juz: null,
      target_surahs: null,
      duration_months: null,
      prerequisites: null,
      is_active: true,
      legacy_source: ctx.entity,
      legacy_id: programKey,
      created_at: options.loadedAt,
      updated_at: options.loadedAt,
      deleted_at: null,
    })
  }

const quranEnrollmentsValues = Table.values(Islamic.QuranEnrollments)

/** Writes a student's Quran enrolment from their first progress record; their other records are skipped here. */
export const mapQuranEnrollment =
  (options: Options) =>
  (row: QuranProgressRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const key = text(row.studentId)
    const student = options.plan.ids.students.merged.get(key) ?? key
    const planned = options.plan.quranEnrollments.get(student)
    if (planned !== undefined && planned.lead !== idOf(row))
      return Transform.skip(`the student's Quran enrolment is written by record ${planned.lead}`)
    const ref = reference(ctx, "studentId", row.studentId, options.plan.ids.students, studentsEntity, true)
    collect(reasons, [ref])
    const times = timestamps(quiet(ctx), row, options)
    if (!ref.ok || ref.value === null || planned === undefined || reasons.length > 0)
      return Transform.reject(...reasons)
    return quranEnrollmentsValues({
      id: ctx.id(ctx.tenant, student),
      tenant_id: options.tenant,
      student_id: ref.value,
      program_id: ctx.id(ctx.tenant, programKey, quranProgramsEntity),
      academic_year_id: null,
      teacher_id: optionalReference(
        ctx,
        "teacherId",
        row.teacherId,
        options.plan.ids.teachers,
        teachersEntity,
      ),
      enrollment_date: planned.since ?? times.created_at.slice(0, 10),
      status: "active",
      legacy_source: ctx.entity,
      legacy_id: student,
      ...times,
      deleted_at: null,
    })
  }

const hafizValues = Table.values(Islamic.HafizProgress)

/**
 * Maps a memorisation sitting to an `islamic.hafiz_progress` row: the surah and the verse reached
 * (`verseTo`, else `verseFrom`); its status from the record, else from how far it reached. The
 * portal keeps one row per student and surah: the sitting that reached furthest writes it (see the
 * plan's `hafizLeads`), starting on the surah's first sitting, the others counted as reviews.
 */
export const mapQuranProgress =
  (options: Options) =>
  (row: QuranProgressRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readSitting(row, ctx, options, reasons)
    if (s === null) return Transform.reject(...reasons)
    if (s.kind === "murajaah") return Transform.skip("a revision sitting: a murajaah session")
    const writer = options.plan.hafizWriters.get(s.id)
    if (writer !== undefined)
      return Transform.skip(
        `surah ${s.surah} of this student is written by sitting ${writer}, which reached furthest (one row per surah)`,
      )
    const lead = options.plan.hafizLeads.get(s.id)
    const total = Quran.versesIn(s.surah)!
    let reached = s.to ?? s.from
    if (reached === null) {
      ctx.note("verseTo", "verse_range", "no verse reached: stored as 0")
      reached = 0
    }
    const given = CodeTables.memorizationStatus.clean(row.status)
    const derived = reached >= total ? "completed" : reached > 0 ? "in_progress" : "not_started"
    const status =
      text(row.status) === "" ? derived : cleanOrDefault(ctx, "status", "memorization_status", given, derived)
    const quality = score100(row.score ?? row.quality)
    if (quality === undefined && text(row.score) !== "")
      ctx.note(
        "score",
        "quality_range",
        `${text(row.score)} is not a score 0–100; stored as empty`,
        row.score,
      )
    return hafizValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      enrollment_id: ctx.id(ctx.tenant, s.student, quranEnrollmentsEntity),
      surah_number: s.surah,
      juz_number: Quran.memorizedJuz(s.surah, reached) ?? null,
      status,
      verses_memorized: reached,
      total_verses: total,
      quality_score: quality === undefined || quality === null ? null : String(quality),
      start_date: lead?.since ?? s.on,
      completion_date: status === "completed" ? s.on : null,
      last_reviewed_at: (lead?.sittings ?? 1) > 1 ? s.on : null,
      review_count: (lead?.sittings ?? 1) - 1,
      teacher_notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

const murajaahValues = Table.values(Islamic.MurajaahSessions)

/** Maps a revision sitting to an `islamic.murajaah_sessions` row; its rating from a word or a score. */
export const mapMurajaah =
  (options: Options) =>
  (row: QuranProgressRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const s = readSitting(row, quiet(ctx), options, reasons)
    if (s === null) return Transform.reject(...reasons)
    if (s.kind !== "murajaah") return Transform.skip("a memorisation sitting: hafiz progress")
    const on = s.on ?? s.times.created_at.slice(0, 10)
    if (s.on === null) ctx.note("date", "date", `no date of the sitting: used its creation date ${on}`)
    const word = qualityRating.clean(row.quality)
    const score = score100(row.score ?? row.quality)
    let quality = word._tag === "Invalid" ? null : word.value
    if (quality === null && score !== undefined && score !== null) quality = ratingOf(score)
    if (quality === null && text(row.quality) !== "")
      ctx.note(
        "quality",
        "recitation_rating",
        `${text(row.quality)} is not a rating or a score; stored as empty`,
        row.quality,
      )
    let mistakes = wholeNumber(row.mistakes)
    if (mistakes === undefined) {
      ctx.note("mistakes", "integer", `${text(row.mistakes)} is not a count; stored as 0`, row.mistakes)
      mistakes = 0
    }
    let duration = minutes(row.duration)
    if (duration === undefined || duration === 0) {
      ctx.note("duration", "duration", `${text(row.duration)} is not a duration in minutes; stored as empty`)
      duration = null
    }
    return murajaahValues({
      id: ctx.id(ctx.tenant, s.id),
      tenant_id: options.tenant,
      enrollment_id: ctx.id(ctx.tenant, s.student, quranEnrollmentsEntity),
      teacher_id: optionalReference(
        ctx,
        "teacherId",
        row.teacherId,
        options.plan.ids.teachers,
        teachersEntity,
      ),
      session_date: on,
      surah_from: s.surah,
      // A range starts at verse 1: a 0 written for "from the start" is no verse.
      verse_from: s.from === 0 ? null : s.from,
      surah_to: s.surah,
      verse_to: s.to === 0 ? null : s.to,
      juz_number: Quran.juzOf(s.surah, s.from ?? 1) ?? null,
      quality,
      mistakes_count: mistakes ?? 0,
      duration_minutes: duration,
      notes: cleanOrNull(ctx, "notes", "text", Text.clean(row.notes, { multiline: true })),
      legacy_source: ctx.entity,
      legacy_id: s.id,
      ...s.times,
      deleted_at: null,
    })
  }

/** The export's Quran programme entity. */
export const quranPrograms = (options: Options): Entity.Entity<QuranProgressRecord> => ({
  name: quranProgramsEntity,
  target: Islamic.QuranPrograms.target,
  transform: Transform.fromRow(decided("quranProgress", options, true, mapQuranProgram(options))),
  ids: "hashed",
})

/** The Quran enrolments entity; loads after the programme and the students and teachers it joins. */
export const quranEnrollments = (options: Options): Entity.Entity<QuranProgressRecord> => ({
  name: quranEnrollmentsEntity,
  target: Islamic.QuranEnrollments.target,
  transform: Transform.fromRow(decided("quranProgress", options, false, mapQuranEnrollment(options))),
  ids: "hashed",
  dependsOn: [quranProgramsEntity, studentsEntity, teachersEntity],
})

/** The memorisation entity; loads after the enrolments. */
export const quranProgress = (options: Options): Entity.Entity<QuranProgressRecord> => ({
  name: quranProgressEntity,
  target: Islamic.HafizProgress.target,
  transform: Transform.fromRow(decided("quranProgress", options, false, mapQuranProgress(options))),
  ids: "hashed",
  dependsOn: [quranEnrollmentsEntity],
})

/** The revision sessions entity; loads after the enrolments and teachers. */
export const murajaahSessions = (options: Options): Entity.Entity<QuranProgressRecord> => ({
  name: murajaahEntity,
  target: Islamic.MurajaahSessions.target,
  transform: Transform.fromRow(decided("quranProgress", options, false, mapMurajaah(options))),
  ids: "hashed",
  dependsOn: [quranEnrollmentsEntity, teachersEntity],
})

// ---------------------------------------------------------------------------------------------------
// Announcements

/** Entity name of the announcements flow. */
export const announcementsEntity = "browser.announcements"

/** Who an announcement is for, English and Malay. */
export const audience = CodeMap.make<"all" | "students" | "parents" | "teachers" | "staff" | "class">(
  {
    all: ["all", "everyone", "public", "semua", "umum"],
    students: ["students", "student", "pelajar", "murid"],
    parents: ["parents", "parent", "guardians", "ibu bapa", "ibubapa", "penjaga"],
    teachers: ["teachers", "teacher", "guru", "cikgu"],
    staff: ["staff", "kakitangan", "staf"],
    class: ["class", "kelas"],
  },
  { name: "audience" },
)

const announcementsValues = Table.values(Communication.Announcements)

/**
 * Maps one announcement to a `communication.announcements` row. A title or a body alone stands
 * for both; one naming a class is for that class (the portal's rule), and `class` without a class
 * that loads is for everyone, noted.
 */
export const mapAnnouncement =
  (options: Options) =>
  (row: AnnouncementRecord, ctx: Transform.RowContext): Transform.Outcome => {
    const reasons: Array<Transform.Reason> = []
    const id = ownId(row, reasons)
    const title = cleanOrNull(ctx, "title", "text", Text.clean(row.title))
    const body = cleanOrNull(ctx, "body", "text", Text.clean(row.body, { multiline: true }))
    if (title === null && body === null)
      reasons.push(Transform.reason("body", "announcement_text", "the announcement has no title and no text"))
    const times = timestamps(ctx, row, options)
    if (reasons.length > 0) return Transform.reject(...reasons)
    if (title === null) ctx.note("title", "text", "no title: the text's first line stands for it")
    const klass = optionalReference(ctx, "classId", row.classId, options.plan.ids.classes, classesEntity)
    let to = cleanOrDefault(ctx, "audience", "audience", audience.clean(row.audience), "all")
    if (klass !== null) to = "class"
    else if (to === "class") {
      ctx.note("audience", "audience", "for a class, but no class that loads: stored as for everyone")
      to = "all"
    }
    const dt = { kind: "dateTime", timeZone: options.timeZone } as const
    return announcementsValues({
      id: ctx.id(ctx.tenant, id),
      tenant_id: options.tenant,
      author_id: optionalReference(
        ctx,
        "authorId",
        row.authorId,
        options.plan.ids.teachers,
        teacherUsersEntity,
      ),
      class_id: klass,
      title: title ?? body!.split("\n")[0]!.slice(0, 200),
      body: body ?? title!,
      audience: to,
      is_pinned: yes.has(text(row.isPinned).toLowerCase()),
      published_at: cleanOrNull(ctx, "date", "timestamp", DateInput.clean(row.date, dt)) ?? times.created_at,
      expires_at: cleanOrNull(ctx, "expiresAt", "timestamp", DateInput.clean(row.expiresAt, dt)),
      legacy_source: ctx.entity,
      legacy_id: id,
      ...times,
      deleted_at: null,
    })
  }

/** The announcements entity; loads after the classes and teachers' users it points at. */
export const announcements = (options: Options): Entity.Entity<AnnouncementRecord> => ({
  name: announcementsEntity,
  target: Communication.Announcements.target,
  transform: Transform.fromRow(decided("announcements", options, true, mapAnnouncement(options))),
  ids: "hashed",
  dependsOn: [classesEntity, teacherUsersEntity],
})

/** Every mapped entity of the export, in an order that loads referenced rows first. */
export const entities = (options: Options): ReadonlyArray<Entity.Entity> => [
  studentUsers(options),
  teacherUsers(options),
  teachers(options),
  classes(options),
  students(options),
  enrollments(options),
  parents(options),
  parentLinks(options),
  emergencyContacts(options),
  emergencyLinks(options),
  discounts(options),
  studentDiscounts(options),
  attendance(options),
  assessments(options),
  assessmentResults(options),
  invoices(options),
  invoiceItems(options),
  payments(options),
  paymentAllocations(options),
  privateLessons(options),
  quranPrograms(options),
  quranEnrollments(options),
  quranProgress(options),
  murajaahSessions(options),
  announcements(options),
]

/** The collection each entity reads. */
export const sourceOf: Readonly<Record<string, CollectionName>> = {
  [studentUsersEntity]: "students",
  [studentsEntity]: "students",
  [enrollmentsEntity]: "students",
  [parentsEntity]: "students",
  [parentLinksEntity]: "students",
  [emergencyContactsEntity]: "students",
  [emergencyLinksEntity]: "students",
  [discountsEntity]: "students",
  [studentDiscountsEntity]: "students",
  [teacherUsersEntity]: "teachers",
  [teachersEntity]: "teachers",
  [classesEntity]: "classes",
  [attendanceEntity]: "attendance",
  [assessmentsEntity]: "grades",
  [assessmentResultsEntity]: "grades",
  [invoicesEntity]: "paymentObligations",
  [invoiceItemsEntity]: "paymentObligations",
  [paymentsEntity]: "payments",
  [paymentAllocationsEntity]: "payments",
  [privateLessonsEntity]: "privateLessons",
  [quranProgramsEntity]: "quranProgress",
  [quranEnrollmentsEntity]: "quranProgress",
  [quranProgressEntity]: "quranProgress",
  [murajaahEntity]: "quranProgress",
  [announcementsEntity]: "announcements",
}
