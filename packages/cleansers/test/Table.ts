import { expect, it } from "vitest"
import type { Cleaned } from "../src/Cleaned.js"

/** One row: input, expected tag, expected value (or reason), and optionally the exact changes. */
export type Row = readonly [
  input: unknown,
  tag: "Valid" | "Corrected" | "Invalid",
  expected: unknown,
  changes?: ReadonlyArray<string>,
]

/** Runs a table of inputs through a cleanser and asserts exact outputs. */
export const table = (name: string, clean: (input: unknown) => Cleaned<unknown>, rows: ReadonlyArray<Row>) =>
  it.each(rows.map((row) => [JSON.stringify(row[0]), row] as const))(`${name} %s`, (_label, row) => {
    const [input, tag, expected, changes] = row
    const result = clean(input)
    if (result._tag === "Invalid") {
      expect({ tag: result._tag, reason: result.reason }).toEqual({ tag, reason: expected })
    } else {
      expect({ tag: result._tag, value: result.value }).toEqual({ tag, value: expected })
      if (changes !== undefined) expect(result._tag === "Corrected" ? result.changes : []).toEqual(changes)
    }
  })
