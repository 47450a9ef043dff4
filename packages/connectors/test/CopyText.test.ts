import { describe, expect, it } from "vitest"
import * as CopyText from "../src/Sink/CopyText.js"

describe("CopyText", () => {
  const rows = [
    ["a\tb", null, 3, true, "line\nbreak", "back\\slash", "ممتاز 👍"],
    ["plain", undefined, 2.5, false, "", "x", "carriage\rreturn"],
  ]

  it("escapes the four special characters, writes nulls as \\N and keeps UTF-8", () => {
    const b = CopyText.block(rows)
    expect(b.rows).toBe(2)
    expect(Buffer.concat(b.pieces).toString("utf8")).toBe(
      "a\\tb\t\\N\t3\tt\tline\\nbreak\tback\\\\slash\tممتاز 👍\n" +
        "plain\t\\N\t2.5\tf\t\tx\tcarriage\\rreturn\n",
    )
  })

  it("finds each row again and decodes it to the values sent", () => {
    const r = CopyText.rows(CopyText.block(rows))
    expect(CopyText.decode(r, 0)).toEqual(["a\tb", null, "3", "t", "line\nbreak", "back\\slash", "ممتاز 👍"])
    expect(CopyText.pick(r, [1]).toString("utf8")).toBe("plain\t\\N\t2.5\tf\t\tx\tcarriage\\rreturn\n")
  })

  it("grows its buffer for long multi-byte values without losing a byte", () => {
    const long = "جيد ".repeat(20_000)
    const b = CopyText.block([[long], ["after"]])
    expect(Buffer.concat(b.pieces).toString("utf8")).toBe(`${long}\nafter\n`)
  })

  it("writes objects as JSON for json columns", () => {
    expect(CopyText.value({ a: [1, "x\ty"], n: 10n })).toBe('{"a":[1,"x\\\\ty"],"n":"10"}')
  })
})
