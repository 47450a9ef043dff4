import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Source } from "@schoolbridge/core"
import { Chunk, Effect, Either, Stream } from "effect"
import { describe, expect, it } from "vitest"
import * as JsonDocument from "../src/JsonDocument.js"

const doc = { version: 2, data: { students: [{ id: "s1" }, 7, { id: 3 }, { name: "no id" }], note: "x" } }

describe("JsonDocument", () => {
  it("finds an array by dot path; a missing one is empty, anything else is a configuration error", async () => {
    expect(await Effect.runPromise(JsonDocument.at(doc, "e.json", "data.students"))).toHaveLength(4)
    expect(await Effect.runPromise(JsonDocument.at(doc, "e.json", "data.payments"))).toEqual([])
    expect(await Effect.runPromise(JsonDocument.at(doc, "e.json", "version.students"))).toEqual([])
    const bad = await Effect.runPromise(Effect.either(JsonDocument.at(doc, "e.json", "data.note")))
    expect(Either.isLeft(bad) && [bad.left.code, bad.left.message]).toEqual([
      2,
      "e.json: data.note is not an array",
    ])
  })

  it("streams objects keyed by their id (else their index) and rejects what is not an object", async () => {
    const source = JsonDocument.source("e.json", doc.data.students, "data.students", "id")
    const batches = Chunk.toReadonlyArray(
      await Effect.runPromise(Stream.runCollect(source.stream(Source.wholeSource, null, 3))),
    )
    expect(
      batches.map((b) => ({ keys: b.keys, rejected: b.rejected.map((r) => r.key), cursor: b.cursor })),
    ).toEqual([
      { keys: ["s1", "3"], rejected: ["#1"], cursor: 3 },
      { keys: ["#3"], rejected: [], cursor: 4 },
    ])
    expect(batches[0]!.rejected[0]!.reasons[0]!.message).toBe("element 1 of data.students is not an object")
    const resumed = await Effect.runPromise(Stream.runCollect(source.stream(Source.wholeSource, 3, 3)))
    expect(Chunk.toReadonlyArray(resumed).map((b) => b.keys)).toEqual([["#3"]])
  })

  it("reads a file once and says when it is missing or not JSON", async () => {
    const load = JsonDocument.loader()
    const missing = await Effect.runPromise(Effect.either(load("/nonexistent/export.json")))
    expect(Either.isLeft(missing) && missing.left.message).toBe("/nonexistent/export.json: no such file")
    // "Zoë" in windows-1252: refused, not read as "Zo\uFFFD".
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sb-doc-")), "export.json")
    writeFileSync(file, Buffer.from('{"data":{"students":[{"name":"Zo\u00eb"}]}}', "latin1"))
    const bad = await Effect.runPromise(Effect.either(load(file)))
    expect(Either.isLeft(bad) && bad.left.message).toBe(
      `${file}: is not UTF-8 text (a browser export is UTF-8: was it saved again in another encoding?)`,
    )
  })
})
