/**
 * Student numbers `STU{YEAR}{CODE}{SEQ}` for students that have none. The plan is made once over the
 * whole legacy students table (key, number, admission year), so it is pure and deterministic: the same
 * source gives the same numbers on every run, and a generated number never equals one the source uses.
 *
 * Scheme: YEAR is the admission year (four digits), CODE the school code given by the manifest, SEQ the
 * next free sequence of that prefix, four digits or more. Students without a number take sequences in
 * the order of their legacy keys (numeric keys numerically), starting after the highest sequence the
 * source already uses with the same prefix and skipping any number already taken.
 */

/** What the plan needs of each legacy student. */
export interface Input {
  readonly key: string
  /** The legacy number as given; empty or null means missing. */
  readonly number: string | null
  /** Admission year (or the fallback year the mapper chose); null when unknown. */
  readonly year: number | null
}

/** The outcome: a number per student that has or gets one, the keys whose number another row already holds, and those left without one. */
export interface Plan {
  readonly numbers: ReadonlyMap<string, string>
  /** Keys whose legacy number an earlier key (in key order) already holds; the portal's numbers are unique per tenant. */
  readonly duplicates: ReadonlySet<string>
  /** Keys with no number and no year to build one from. */
  readonly unnumbered: ReadonlySet<string>
}

/** Numeric keys in numeric order, then the rest in code-point order: the order a re-run sees again. */
export const compareKeys = (a: string, b: string): number => {
  const na = /^\d+$/.test(a)
  const nb = /^\d+$/.test(b)
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  if (na !== nb) return na ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** The prefix of generated numbers for a year and school code. */
export const prefix = (year: number, code: string): string => `STU${year}${code}`

/** Assigns numbers: legacy numbers are kept (trimmed), missing ones generated per the scheme above. */
export const plan = (students: ReadonlyArray<Input>, code: string): Plan => {
  const sorted = [...students].sort((a, b) => compareKeys(a.key, b.key))
  const numbers = new Map<string, string>()
  const taken = new Set<string>()
  const duplicates = new Set<string>()
  const unnumbered = new Set<string>()
  const nextSeq = new Map<string, number>()
  for (const s of sorted) {
    const n = s.number?.trim() ?? ""
    if (n === "") continue
    if (taken.has(n)) {
      duplicates.add(s.key)
      continue
    }
    taken.add(n)
    numbers.set(s.key, n)
  }
  // Start each prefix after the highest sequence in use, so generated numbers read as newer.
  for (const n of taken) {
    const m = /^(STU\d{4})(.*?)(\d+)$/.exec(n)
    if (m === null || m[2] !== code) continue
    const p = `${m[1]}${code}`
    nextSeq.set(p, Math.max(nextSeq.get(p) ?? 1, Number(m[3]) + 1))
  }
  for (const s of sorted) {
    if ((s.number?.trim() ?? "") !== "") continue
    if (s.year === null) {
      unnumbered.add(s.key)
      continue
    }
    const p = prefix(s.year, code)
    let seq = nextSeq.get(p) ?? 1
    let candidate = `${p}${String(seq).padStart(4, "0")}`
    while (taken.has(candidate)) {
      seq++
      candidate = `${p}${String(seq).padStart(4, "0")}`
    }
    taken.add(candidate)
    nextSeq.set(p, seq + 1)
    numbers.set(s.key, candidate)
  }
  return { numbers, duplicates, unnumbered }
}
