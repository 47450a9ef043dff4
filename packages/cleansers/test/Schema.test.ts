import { Either, ParseResult, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { DateInput, MalaysianAddress, MyKad, Phone } from "../src/index.js"

const failure = <A>(schema: Schema.Schema<A, unknown>, input: unknown): string => {
  const decoded = Schema.decodeUnknownEither(schema)(input)
  return Either.isLeft(decoded) ? ParseResult.TreeFormatter.formatErrorSync(decoded.left) : "decoded"
}

describe("Schemas at the edges", () => {
  it("decode through the cleanser and encode the canonical text", () => {
    const phone = Schema.decodeUnknownSync(Phone.schema)("012-345 6789")
    expect(phone).toEqual({ number: "+60123456789", country: "MY", type: "mobile" })
    expect(Schema.encodeSync(Phone.schema)(phone)).toBe("+60123456789")
    expect(Schema.decodeUnknownSync(DateInput.schema)("12 Januari 2015")).toBe("2015-01-12")
    expect(Schema.decodeUnknownSync(DateInput.schema)("0000-00-00")).toBeNull()
    const kad = Schema.decodeUnknownSync(MyKad.schema)("900101145678")
    expect(Schema.encodeSync(MyKad.schema)(kad)).toBe("900101-14-5678")
  })
  it("fail with the Invalid reason", () => {
    expect(failure(Phone.schema, "call me")).toContain("contains letters")
    expect(failure(DateInput.schemaWith({ required: true }), "0000-00-00")).toContain(
      "missing (MySQL zero date)",
    )
    expect(failure(MyKad.schema, "A12345678")).toContain("looks like a passport")
  })
  it("encode addresses back to their parts", () => {
    const address = Schema.decodeUnknownSync(MalaysianAddress.schema)({ state: "KL", postcode: "50450" })
    expect(Schema.encodeSync(MalaysianAddress.schema)(address)).toEqual({
      line1: null,
      line2: null,
      city: null,
      state: "Wilayah Persekutuan Kuala Lumpur",
      postcode: "50450",
      country: "MY",
    })
  })
})
