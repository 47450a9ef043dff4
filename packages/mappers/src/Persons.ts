/**
 * One person, one record: the rule every source's duplicate plan follows (the legacy SIS's students,
 * the browser export's). Records that share an identity key are grouped, pass by pass; in each group
 * the first by the source's order (its newest live record) wins, the others that name the same
 * person are merged into it, and, in a pass that says so, those that name someone else are held for
 * the school. A record decided in one pass takes no part in the next; chains of merges end at the
 * last winner.
 */

const particles = new Set(["bin", "binti", "bt", "bte", "binte", "bn", "al", "ap", "anak", "so", "do"])

/** The words of a name that say who a person is, for comparing two records. */
export const nameWords = (first: unknown, last: unknown): ReadonlyArray<string> =>
  [first, last]
    .map((v) => (v === null || v === undefined ? "" : String(v)))
    .join(" ")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\b([asd])\s*\/\s*([lpo])\b/g, "$1$2")
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 1 && !particles.has(w))

/** Two names agree when one holds every word of the other (a record may drop a middle name), and each has one. */
export const sameName = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length === 0 || b.length === 0) return false
  const [short, long] = a.length <= b.length ? [a, new Set(b)] : [b, new Set(a)]
  return short.every((w) => long.has(w))
}

/** What the rule reads of a record: its key, the words of its name, its birth date. */
export interface Person {
  readonly key: string
  readonly name: ReadonlyArray<string>
  readonly dob: string | null
}

/** Two records name one person when their names agree and their birth dates do not contradict each other. */
export const samePerson = (a: Person, b: Person): boolean =>
  sameName(a.name, b.name) && (a.dob === null || b.dob === null || a.dob === b.dob)

/** One pass: records with the same `keyOf` are a group; with `hold`, those naming another person are held. */
export interface Pass<P extends Person, By extends string> {
  readonly by: By
  readonly keyOf: (p: P) => string | undefined
  readonly hold: boolean
}

/** A record merged into another. */
export interface Merge<By extends string> {
  readonly loser: string
  /** The key that loads in its place (chains followed). */
  readonly winner: string
  readonly by: By
  readonly value: string
}

/** A record held back: it shares `value` with `other`, which loads, but names another person. */
export interface Hold<By extends string> {
  readonly key: string
  readonly other: string
  readonly by: By
  readonly value: string
  readonly why: string
}

/** The rule's decisions over a set of records. */
export interface Decisions<By extends string> {
  readonly merged: ReadonlyMap<string, Merge<By>>
  /** The merges into each winner, by the winner's key. */
  readonly into: ReadonlyMap<string, ReadonlyArray<Merge<By>>>
  readonly held: ReadonlyMap<string, Hold<By>>
}

/** Decides every group of `all`, pass by pass; `first` orders a group, its winner first. Pure. */
export const decide = <P extends Person, By extends string>(
  all: ReadonlyArray<P>,
  first: (a: P, b: P) => number,
  passes: ReadonlyArray<Pass<P, By>>,
): Decisions<By> => {
  const merges: Array<Merge<By>> = []
  const winnerOf = new Map<string, string>()
  const held = new Map<string, Hold<By>>()
  const gone = new Set<string>()
  for (const { by, keyOf, hold } of passes) {
    const groups = new Map<string, Array<P>>()
    for (const p of all) {
      const v = gone.has(p.key) ? undefined : keyOf(p)
      if (v === undefined) continue
      const group = groups.get(v)
      if (group) group.push(p)
      else groups.set(v, [p])
    }
    for (const [value, group] of groups) {
      if (group.length < 2) continue
      const [winner, ...others] = [...group].sort(first)
      for (const other of others) {
        if (samePerson(winner!, other)) {
          merges.push({ loser: other.key, winner: winner!.key, by, value })
          winnerOf.set(other.key, winner!.key)
          gone.add(other.key)
        } else if (hold) {
          const why = sameName(winner!.name, other.name) ? "their birth dates differ" : "their names differ"
          held.set(other.key, { key: other.key, other: winner!.key, by, value, why })
          gone.add(other.key)
        }
      }
    }
  }
  const merged = new Map<string, Merge<By>>()
  const into = new Map<string, Array<Merge<By>>>()
  for (const m of merges) {
    // A chain (a merged into b by one key, b into c by another) ends at the last winner.
    let winner = m.winner
    for (let next = winnerOf.get(winner); next !== undefined; next = winnerOf.get(winner)) winner = next
    const final = { ...m, winner }
    merged.set(m.loser, final)
    into.set(winner, [...(into.get(winner) ?? []), final])
  }
  return { merged, into, held }
}
