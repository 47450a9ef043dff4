/**
 * One record per thing, one child per child, in a browser export that holds the app's live records
 * beside older copies of them. Two rules, both decided over the whole export before anything maps:
 *
 * - **Copies** (records of one collection with the same id): identical copies collapse into the
 *   first; otherwise the newest copy wins (the latest `updatedAt`, else `createdAt`; then the
 *   current shape over an older one read through aliases; then the later in the array, which the
 *   app wrote last). The others are skipped as copies of it, and references to the id reach the
 *   winner. Two students under one id whose names differ are not copies of one child: the newest
 *   loads and the other is held.
 * - **Persons** (students with different ids): records sharing a student number, or a name and a
 *   birth date, or a name and an email, are one child when their names agree and their birth dates
 *   do not contradict each other. The newest live record wins (active over any other status, then
 *   the latest change, then the current shape); the others are skipped as merged into it, and every
 *   reference to them (attendance, grades, obligations, payments, lessons) is re-pointed to it. A
 *   student number held by two different children cannot be decided here: the newest loads and the
 *   other is held (`duplicate_person_held`) for the school.
 */
import * as People from "./Persons.js"

/** One record as the rules see it. */
export interface Candidate {
  /** The record's key in its collection (`stu-1`, `stu-1 (copy 2)`). */
  readonly key: string
  /** Its id, shared by its copies. */
  readonly id: string
  /** Its fields, for comparing copies. */
  readonly record: Readonly<Record<string, unknown>>
  /** The latest of its change and creation times that can be read, ISO; "" when none. */
  readonly touched: string
  /** Written in the current shape (no alias read). */
  readonly current: boolean
}

/** A record set aside for another of the same id. */
export interface Copy {
  readonly key: string
  readonly id: string
  /** The key of the copy that loads. */
  readonly winner: string
  readonly identical: boolean
}

/** The copies of one collection: every losing copy by its key, and the winning key of each repeated id. */
export interface Copies {
  readonly losers: ReadonlyMap<string, Copy>
  readonly winners: ReadonlyMap<string, string>
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )

// Newest first: the latest change, then the current shape, then the later record in the array.
const newestCopy = (a: Candidate & { readonly at: number }, b: Candidate & { readonly at: number }) =>
  a.touched !== b.touched
    ? a.touched > b.touched
      ? -1
      : 1
    : a.current !== b.current
      ? a.current
        ? -1
        : 1
      : b.at - a.at

/** Decides the copies of one collection (`candidates` in array order). Pure. */
export const copies = (candidates: ReadonlyArray<Candidate>): Copies => {
  const byId = new Map<string, Array<Candidate & { readonly at: number }>>()
  candidates.forEach((c, at) => {
    if (c.id === "") return
    const group = byId.get(c.id)
    if (group) group.push({ ...c, at })
    else byId.set(c.id, [{ ...c, at }])
  })
  const losers = new Map<string, Copy>()
  const winners = new Map<string, string>()
  for (const [id, group] of byId) {
    if (group.length < 2) continue
    const texts = new Set(group.map((c) => canonical(c.record)))
    const identical = texts.size === 1
    const winner = identical ? group[0]! : [...group].sort(newestCopy)[0]!
    winners.set(id, winner.key)
    for (const c of group)
      if (c.key !== winner.key) losers.set(c.key, { key: c.key, id, winner: winner.key, identical })
  }
  return { losers, winners }
}

/** What the person rule reads of a student. */
export interface Student {
  readonly id: string
  readonly first: unknown
  readonly last: unknown
  readonly number: string | undefined
  readonly dob: string | null
  readonly email: string | null
  readonly live: boolean
  readonly touched: string
  readonly current: boolean
}

/** The identity two student records share. */
export type SharedKey = "student_number" | "name_and_birth_date" | "name_and_email"

/** A student merged into another (`winner`: the id that loads in its place, chains followed). */
export type Merge = People.Merge<SharedKey>

/** A student held back: it shares `value` with `other`, which loads, but is not shown to be the same child. */
export type Hold = People.Hold<SharedKey>

/** The person decisions over the students, by student id. */
export type Persons = People.Decisions<SharedKey>

interface Read extends Student, People.Person {}

// The newest live record first: active over any other, then the latest change, then the current shape.
const newestLive = (a: Read, b: Read): number =>
  a.live !== b.live
    ? a.live
      ? -1
      : 1
    : a.touched !== b.touched
      ? a.touched > b.touched
        ? -1
        : 1
      : a.current !== b.current
        ? a.current
          ? -1
          : 1
        : a.id < b.id
          ? 1
          : a.id > b.id
            ? -1
            : 0

/** Decides which students (one record per id) are one child. Pure. */
export const persons = (students: ReadonlyArray<Student>): Persons => {
  const all: Array<Read> = students.map((s) => ({
    ...s,
    key: s.id,
    name: People.nameWords(s.first, s.last),
  }))
  const name = (s: Read) => (s.name.length === 0 ? undefined : [...s.name].sort().join(" "))
  const and = (s: Read, other: string | null) =>
    name(s) === undefined || other === null ? undefined : `${name(s)}|${other}`
  return People.decide(all, newestLive, [
    { by: "student_number", keyOf: (s) => s.number?.toUpperCase(), hold: true },
    { by: "name_and_birth_date", keyOf: (s) => and(s, s.dob), hold: false },
    { by: "name_and_email", keyOf: (s) => and(s, s.email), hold: false },
  ])
}
