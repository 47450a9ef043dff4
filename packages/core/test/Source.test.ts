import { Chunk, Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import * as Source from "../src/Source.js"

const rows = Array.from({ length: 7 }, (_, i) => ({ id: `k${i}` }))
const source = Source.fromRows("pairs", rows, (r) => r.id)

const read = (after: Source.Cursor | null, size: number) =>
  Effect.runPromise(Stream.runCollect(source.stream(Source.wholeSource, after, size))).then((c) =>
    Chunk.toReadonlyArray(c).map((b) => ({ keys: b.keys, cursor: b.cursor })),
  )

describe("Source.fromRows", () => {
  it("streams the rows in batches with the count read as the cursor", async () => {
    expect(await read(null, 3)).toEqual([
      { keys: ["k0", "k1", "k2"], cursor: 3 },
      { keys: ["k3", "k4", "k5"], cursor: 6 },
      { keys: ["k6"], cursor: 7 },
    ])
  })

  it("resumes after a cursor and estimates what is left", async () => {
    expect(await read(6, 3)).toEqual([{ keys: ["k6"], cursor: 7 }])
    expect(await read(7, 3)).toEqual([])
    expect(await Effect.runPromise(source.estimate(Source.wholeSource, 5))).toBe(2)
    expect(await Effect.runPromise(source.partitions)).toEqual([Source.wholeSource])
  })
})
