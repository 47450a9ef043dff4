/**
 * One child, one record: legacy SIS students entered twice are found by their identity keys (a
 * valid MyKad, the student number) before anything is mapped, and each group is resolved by one
 * rule, so a child never loads as two.
 *
 * - Records that name the same child (their names agree once case, spacing, accents and the
 *   particles bin/binti/a/l… are set aside, and their birth dates do not contradict each other) are
 *   merged: the newest live record wins (an active status over any other, then the latest
 *   `modified_date`/`created_date`, then the higher key); the others are skipped as merged into it,
 *   and every reference to them (enrolments, attendance, invoices, payments, guardians …) is
 *   re-pointed to the winner. Their user accounts are merged the same way.
 * - Records with one MyKad that name different children cannot be decided here: the winner by the
 *   same order loads, and the others are held (`duplicate_person_held`, naming the record they
 *   collide with) for the school to resolve, never loaded as a second child with the same MyKad.
 * - Two different children with one student number are left to the student number plan
 *   (`student_number_unique`), as before.
 */
import { type Cleaned, DateInput, MyKad } from "@schoolbridge/cleansers"
import type { Entity, Transform } from "@schoolbridge/core"
import * as CodeTables from "./CodeTables.js"
import {
  indexUsersByEmail,
  normalizeEmail,
  type Options,
  type StudentRow,
  studentsEntity,
  type UserRow,
  usersEntity,
} from "./LegacySis.js"
import * as Persons from "./Persons.js"
import { nameWords, sameName } from "./Persons.js"

/** Which identity key two records share. */
export type SharedKey = "mykad" | "student_number"

/** A record merged into another: the loser is skipped and everything that pointed at it points at the winner. */
export type Merge = Persons.Merge<SharedKey>

/** A record held back: it shares a MyKad with `other`, which loads, but names a different child. */
export type Hold = Persons.Hold<SharedKey>

/** The decisions over a whole students table. */
export interface Plan {
  /** Each merged record by its key; `winner` is the record that loads in its place (chains followed). */
  readonly merged: ReadonlyMap<string, Merge>
  /** The records merged into each winner, by the winner's key, for its notes. */
  readonly into: ReadonlyMap<string, ReadonlyArray<Merge>>
  /** User key of a loser's account → the winner's account, where they differ. */
  readonly users: ReadonlyMap<string, string>
  readonly held: ReadonlyMap<string, Hold>
}

/** No duplicates: what a mapper sees when the students table was not read. */
export const none: Plan = { merged: new Map(), into: new Map(), users: new Map(), held: new Map() }

/** The name comparison the rule uses (`Persons`), kept here for this module's users. */
export { nameWords, sameName }

interface Candidate {
  readonly key: string
  readonly user: string | undefined
  readonly mykad: string | undefined
  readonly number: string | undefined
  readonly name: ReadonlyArray<string>
  readonly dob: string | null
  readonly live: boolean
  readonly touched: string
}

const text = (v: unknown): string | undefined => {
  const s = v === null || v === undefined ? "" : String(v).trim()
  return s === "" ? undefined : s
}

const candidates = (
  students: ReadonlyArray<StudentRow>,
  users: ReadonlyArray<UserRow>,
  options: Options,
): Array<Candidate> => {
  const byUser = new Map(users.map((u) => [String(u.user_id), u]))
  const emails = indexUsersByEmail(users)
  const day = { today: options.asOf, timeZone: options.timeZone } as const
  const time = { ...day, kind: "dateTime" } as const
  const usable = <A>(c: Cleaned.Cleaned<A | null>): A | null => (c._tag === "Invalid" ? null : c.value)
  return students.map((row) => {
    const email = normalizeEmail(row.email)
    const user = text(row.user_id) ?? (email === undefined ? undefined : emails.users.get(email))
    const account = user === undefined ? undefined : byUser.get(user)
    const kad = usable(MyKad.clean(row.ic_number, { referenceDate: options.asOf }))
    const touched =
      usable(DateInput.clean(row.modified_date, time)) ??
      usable(DateInput.clean(row.created_date, time)) ??
      ""
    return {
      key: String(row.student_id),
      user,
      mykad: kad?.number,
      number: text(row.student_number)?.toUpperCase(),
      name: nameWords(account?.first_name, account?.last_name),
      dob: usable(DateInput.clean(row.dob, day)),
      live: usable(CodeTables.studentStatus.clean(row.status)) === "active",
      touched,
    }
  })
}

// The newest live record first: live over not, then the latest change, then the higher key.
const newestFirst = (a: Candidate, b: Candidate): number => {
  if (a.live !== b.live) return a.live ? -1 : 1
  if (a.touched !== b.touched) return a.touched > b.touched ? -1 : 1
  const [x, y] = [Number(a.key), Number(b.key)]
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return y - x
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0
}

/** Decides every duplicate group of a students table (with the users it links). Pure. */
export const plan = (
  students: ReadonlyArray<StudentRow>,
  users: ReadonlyArray<UserRow>,
  options: Options,
): Plan => {
  const all = candidates(students, users, options)
  const { merged, into, held } = Persons.decide(all, newestFirst, [
    { by: "mykad", keyOf: (c) => c.mykad, hold: true },
    { by: "student_number", keyOf: (c) => c.number, hold: false },
  ])
  const byKey = new Map(all.map((c) => [c.key, c]))
  const userMap = new Map<string, string>()
  for (const m of merged.values()) {
    const [from, to] = [byKey.get(m.loser)?.user, byKey.get(m.winner)?.user]
    if (from !== undefined && to !== undefined && from !== to) userMap.set(from, to)
  }
  return { merged, into, users: userMap, held }
}

/** The keys the student number plan must not count: records that will not load as themselves. */
export const setAside = (p: Plan): ReadonlySet<string> => new Set([...p.merged.keys(), ...p.held.keys()])

/**
 * An entity whose references to merged students and users point at the records they were merged
 * into: the row context's `id` answers the winner's id for a loser's key, so every mapper that links
 * a student or a user through `ctx.id` is re-pointed without knowing about duplicates.
 */
export const repoint = <In>(entity: Entity.Entity<In>, p: Plan): Entity.Entity<In> => {
  if (p.merged.size === 0 && p.users.size === 0) return entity
  const winners: Readonly<Record<string, ReadonlyMap<string, string>>> = {
    [studentsEntity]: new Map([...p.merged].map(([loser, m]) => [loser, m.winner])),
    [usersEntity]: p.users,
  }
  const transform: Transform.Transform<In> = (rows, keys, ctx) => {
    const id: Transform.RowContext["id"] = (tenant, legacyId, target) => {
      const name = target ?? ctx.entity
      // A row's own id stays its own: a loser is skipped, never written under its winner's id.
      const own = target === undefined || (name === ctx.entity && String(legacyId) === ctx.key)
      const winner = own ? undefined : winners[name]?.get(String(legacyId))
      return ctx.id(tenant, winner ?? legacyId, target)
    }
    const inner = Object.create(ctx, {
      id: { value: id },
      key: {
        get: () => ctx.key,
        set: (k: string) => {
          ctx.key = k
        },
      },
    }) as typeof ctx
    return entity.transform(rows, keys, inner)
  }
  return { ...entity, transform }
}
