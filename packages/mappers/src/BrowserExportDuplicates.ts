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
import { nameWords, sameName } from "./LegacySisDuplicates.js"

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

/** A student merged into another. */
export interface Merge {
  readonly loser: string
  /** The id that loads in its place (chains followed). */
  readonly winner: string
  readonly by: SharedKey
  readonly value: string
}

/** A student held back: it shares `value` with `other`, which loads, but is not shown to be the same child. */
export interface Hold {
  readonly id: string
  readonly other: string
  readonly by: SharedKey
  readonly value: string
  readonly why: string
}

/** The person decisions over the students. */
export interface Persons {
  readonly merged: ReadonlyMap<string, Merge>
  /** The merges into each winner, by the winner's id. */
  readonly into: ReadonlyMap<string, ReadonlyArray<Merge>>
  readonly held: ReadonlyMap<string, Hold>
}

interface Read extends Student {
  readonly words: ReadonlyArray<string>
}

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

const samePerson = (a: Read, b: Read): boolean =>
  sameName(a.words, b.words) && (a.dob === null || b.dob === null || a.dob === b.dob)

/** Decides which students (one record per id) are one child. Pure. */
export const persons = (students: ReadonlyArray<Student>): Persons => {
  const all: Array<Read> = students.map((s) => ({ ...s, words: nameWords(s.first, s.last) }))
  const winnerOf = new Map<string, string>()
  const merges: Array<Merge> = []
  const held = new Map<string, Hold>()
  const gone = new Set<string>()
  const resolve = (by: SharedKey, keyOf: (s: Read) => string | undefined, holdOthers: boolean) => {
    const groups = new Map<string, Array<Read>>()
    for (const s of all) {
      const v = gone.has(s.id) ? undefined : keyOf(s)
      if (v === undefined) continue
      const group = groups.get(v)
      if (group) group.push(s)
      else groups.set(v, [s])
    }
    for (const [value, group] of groups) {
      if (group.length < 2) continue
      const [winner, ...others] = [...group].sort(newestLive)
      for (const other of others) {
        if (samePerson(winner!, other)) {
          merges.push({ loser: other.id, winner: winner!.id, by, value })
          winnerOf.set(other.id, winner!.id)
          gone.add(other.id)
        } else if (holdOthers) {
          const why = sameName(winner!.words, other.words) ? "their birth dates differ" : "their names differ"
          held.set(other.id, { id: other.id, other: winner!.id, by, value, why })
          gone.add(other.id)
        }
      }
    }
  }
  const name = (s: Read) => (s.words.length === 0 ? undefined : [...s.words].sort().join(" "))
  resolve("student_number", (s) => s.number?.toUpperCase(), true)
  const and = (s: Read, other: string | null) =>
    name(s) === undefined || other === null ? undefined : `${name(s)}|${other}`
  resolve("name_and_birth_date", (s) => and(s, s.dob), false)
  resolve("name_and_email", (s) => and(s, s.email), false)
  const merged = new Map<string, Merge>()
  const into = new Map<string, Array<Merge>>()
  for (const m of merges) {
    let winner = m.winner
    for (let next = winnerOf.get(winner); next !== undefined; next = winnerOf.get(winner)) winner = next
    const final = { ...m, winner }
    merged.set(m.loser, final)
    into.set(winner, [...(into.get(winner) ?? []), final])
  }
  return { merged, into, held }
}
