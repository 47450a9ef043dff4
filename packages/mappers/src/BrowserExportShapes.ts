/**
 * The browser app changed its record shapes over the years, and an export holds both: records the
 * current MockDataService wrote beside older localStorage ones. An older record is read through the
 * documented aliases of its collection (`fullName` is `name`, `dob` is `dateOfBirth`, `marks` is
 * `score` …), and any snake_case key is read as its camelCase field (`class_id` is `classId`). A key
 * that is neither a field nor an alias is not dropped silently: `reshape` lists it, and the mappers
 * note it with its value, so the run's notes count it and show a sample.
 */

/** Older key names of each collection, by the field they stand for. */
export const aliases: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  students: {
    fullName: "name",
    studentName: "name",
    dob: "dateOfBirth",
    birthDate: "dateOfBirth",
    birthday: "dateOfBirth",
    studentNo: "studentNumber",
    matricNo: "studentNumber",
    admissionDate: "joinDate",
    enrolledAt: "joinDate",
    parentPhone: "parentContact",
    guardianContact: "parentContact",
    guardianEmail: "parentEmail",
    created: "createdAt",
    updated: "updatedAt",
  },
  teachers: {
    fullName: "name",
    teacherName: "name",
    staffNo: "staffNumber",
    created: "createdAt",
    updated: "updatedAt",
  },
  classes: { className: "name", classCode: "code", homeroomTeacherId: "teacherId", roomId: "classroomId" },
  classrooms: { roomName: "name" },
  attendance: { attendanceDate: "date", remarks: "notes", markedBy: "recordedBy", teacherId: "recordedBy" },
  grades: {
    marks: "score",
    mark: "score",
    obtained: "score",
    outOf: "maxScore",
    maxMarks: "maxScore",
    totalMarks: "maxScore",
    fullMarks: "maxScore",
    assessment: "title",
    assessmentType: "type",
    remarks: "comments",
    feedback: "comments",
    gradedAt: "date",
  },
  privateLessons: { time: "startTime", durationMinutes: "duration", fee: "price" },
  paymentObligations: { dueOn: "dueDate", issuedOn: "issueDate", total: "amount" },
  payments: {
    paidAt: "paymentDate",
    paidOn: "paymentDate",
    paymentMethod: "method",
    referenceNo: "reference",
  },
  quranProgress: {
    surahNumber: "surah",
    surahName: "surah",
    surahNo: "surah",
    juzNumber: "juz",
    ayahFrom: "verseFrom",
    ayatFrom: "verseFrom",
    fromVerse: "verseFrom",
    startVerse: "verseFrom",
    ayahTo: "verseTo",
    ayatTo: "verseTo",
    toVerse: "verseTo",
    endVerse: "verseTo",
    versesMemorized: "verseTo",
    sessionType: "type",
    kind: "type",
    sessionDate: "date",
    rating: "quality",
    grade: "quality",
    marks: "score",
    errors: "mistakes",
    remarks: "notes",
  },
  announcements: {
    subject: "title",
    content: "body",
    message: "body",
    text: "body",
    target: "audience",
    publishedAt: "date",
    pinned: "isPinned",
    author: "authorId",
    teacherId: "authorId",
    expiryDate: "expiresAt",
  },
}

/** Split name fields of older records, read as one `name` ("first last"). */
const nameParts = ["firstName", "lastName"] as const

/** A record read into the fields of its collection. */
export interface Reshaped {
  /** The record under its fields' names. */
  readonly record: Record<string, unknown>
  /** Each older key read, with the field it was read as (`fullName → name`). */
  readonly aliased: ReadonlyArray<readonly [string, string]>
  /** Keys no field or alias knows, with their values. */
  readonly unknown: ReadonlyArray<readonly [string, unknown]>
  /** Older keys whose field was also given, with a different value: the field's value is kept. */
  readonly conflicts: ReadonlyArray<readonly [string, string]>
}

const camel = (key: string): string => key.replace(/_+([a-z0-9])/gu, (_, c: string) => c.toUpperCase())

const empty = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "")

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * Reads one record of `collection` into `fields`: a field keeps its own value; an alias (or a
 * snake_case spelling) fills its field when the field itself is empty. `firstName`/`lastName` fill an
 * empty `name` when the collection has one. Pure; the input is not changed.
 */
export const reshape = (
  collection: string,
  fields: ReadonlySet<string>,
  input: Readonly<Record<string, unknown>>,
): Reshaped => {
  const known = aliases[collection] ?? {}
  const record: Record<string, unknown> = {}
  const later: Array<readonly [string, string, unknown]> = []
  const unknown: Array<readonly [string, unknown]> = []
  for (const [key, value] of Object.entries(input)) {
    if (fields.has(key)) record[key] = value
    else {
      const field = known[key] ?? (fields.has(camel(key)) ? camel(key) : undefined)
      if (field !== undefined && fields.has(field)) later.push([key, field, value])
      else if (!(fields.has("name") && (nameParts as ReadonlyArray<string>).includes(key)))
        unknown.push([key, value])
    }
  }
  const aliased: Array<readonly [string, string]> = []
  const conflicts: Array<readonly [string, string]> = []
  for (const [key, field, value] of later) {
    if (empty(record[field])) {
      if (!empty(value)) {
        record[field] = value
        aliased.push([key, field])
      }
    } else if (!empty(value) && !same(record[field], value)) conflicts.push([key, field])
  }
  if (fields.has("name") && empty(record.name)) {
    const parts = nameParts.map((k) => input[k]).filter((v) => !empty(v))
    if (parts.length > 0) {
      record.name = parts.map((v) => String(v).trim()).join(" ")
      aliased.push(["firstName/lastName", "name"])
    }
  }
  return { record, aliased, unknown, conflicts }
}
