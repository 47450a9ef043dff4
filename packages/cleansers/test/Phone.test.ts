import { parsePhoneNumberFromString } from "libphonenumber-js/max"
import { describe, expect, it } from "vitest"
import * as Phone from "../src/Phone.js"
import { type Row, table } from "./Table.js"

const mobile = (number: string) => ({ number, country: "MY", type: "mobile" })
const unlisted = (number: string) => ({ number, country: "MY", type: "mobile", unlistedBlock: true })
const fixed = (number: string) => ({ number, country: "MY", type: "fixed_line" })

const rows: ReadonlyArray<Row> = [
  ["+60123456789", "Valid", mobile("+60123456789")],
  [
    "012-345 6789",
    "Corrected",
    mobile("+60123456789"),
    ["removed spaces", "removed dashes", "replaced the leading 0 with country code +60"],
  ],
  ["0123456789", "Corrected", mobile("+60123456789"), ["replaced the leading 0 with country code +60"]],
  [
    "012 345 6789",
    "Corrected",
    mobile("+60123456789"),
    ["removed spaces", "replaced the leading 0 with country code +60"],
  ],
  ["+60 12-345 6789", "Corrected", mobile("+60123456789"), ["removed spaces", "removed dashes"]],
  ["+6012-3456789", "Corrected", mobile("+60123456789"), ["removed dashes"]],
  ["0060123456789", "Corrected", mobile("+60123456789"), ["replaced international prefix 00 with +"]],
  ["60123456789", "Corrected", mobile("+60123456789"), ["added + before country code 60"]],
  ["123456789", "Corrected", mobile("+60123456789"), ["added country code +60"]],
  [123456789, "Corrected", mobile("+60123456789"), ["added country code +60"]],
  [60123456789, "Corrected", mobile("+60123456789"), ["added + before country code 60"]],
  ["011-2345 6789", "Corrected", mobile("+601123456789")],
  [
    "+60 (0)12-345 6789",
    "Corrected",
    mobile("+60123456789"),
    ["removed the (0) trunk prefix", "removed spaces", "removed dashes"],
  ],
  [
    "(012) 345-6789",
    "Corrected",
    mobile("+60123456789"),
    ["removed spaces", "removed dashes", "removed brackets", "replaced the leading 0 with country code +60"],
  ],
  [
    "012.345.6789",
    "Corrected",
    mobile("+60123456789"),
    ["removed dots", "replaced the leading 0 with country code +60"],
  ],
  ["  019-2345678  ", "Corrected", mobile("+60192345678")],
  [
    "０１２３４５６７８９",
    "Corrected",
    mobile("+60123456789"),
    ["converted full-width characters", "replaced the leading 0 with country code +60"],
  ],
  ["tel:+60123456789", "Corrected", mobile("+60123456789")],
  [
    "03-2161 1234",
    "Corrected",
    fixed("+60321611234"),
    ["removed spaces", "removed dashes", "replaced the leading 0 with country code +60"],
  ],
  ["(03) 2161 1234", "Corrected", fixed("+60321611234")],
  ["+60321611234", "Valid", fixed("+60321611234")],
  ["04-261 1234", "Corrected", fixed("+6042611234")],
  ["082-234567", "Corrected", fixed("+6082234567")],
  ["088-234567", "Corrected", fixed("+6088234567")],
  ["1-800-88-1234", "Corrected", { number: "+601800881234", country: "MY", type: "toll_free" }],
  ["03-2161 1234 ext. 205", "Corrected", { ...fixed("+60321611234"), extension: "205" }],
  ["+60321611234 ext. 205", "Valid", { ...fixed("+60321611234"), extension: "205" }],
  ["03-21611234 x12", "Corrected", { ...fixed("+60321611234"), extension: "12" }],
  ["03-2161 1234 samb. 7", "Corrected", { ...fixed("+60321611234"), extension: "7" }],
  [
    "+44 20 7946 0958",
    "Corrected",
    { number: "+442079460958", country: "GB", type: "fixed_line" },
    ["removed spaces"],
  ],
  ["+65 9123 4567", "Corrected", { number: "+6591234567", country: "SG", type: "mobile" }],
  ["+62 812-3456-7890", "Corrected", { number: "+6281234567890", country: "ID", type: "mobile" }],
  ["001 212 555 0123", "Corrected", { number: "+12125550123", country: "US", type: "fixed_line_or_mobile" }],
  ["+1 212 555", "Invalid", "too short for an international number"],
  ["0123", "Invalid", "too short to be a phone number"],
  ["012-345", "Invalid", "a MY mobile number has 9 digits after +60 (012 and 7 more); this one has 5"],
  ["03-21", "Invalid", "too short to be a phone number"],
  ["03-2161", "Invalid", "too short for a MY number"],
  [
    "012-3456 78901234",
    "Invalid",
    "a MY mobile number has 9 digits after +60 (012 and 7 more); this one has 14",
  ],
  ["012-345 6789 / 013-456 7890", "Invalid", "holds more than one phone number"],
  ["012-345 6789, 03-2161 1234", "Invalid", "holds more than one phone number"],
  ["call after 5pm", "Invalid", "contains letters"],
  ["012-ABC-DEFG", "Invalid", "contains letters"],
  ["+60+123456789", "Invalid", "has a + in the middle"],
  ["---", "Invalid", "contains no digits"],
  ["+999 123 4567", "Invalid", "unknown country calling code"],
  [null, "Valid", null],
  ["   ", "Valid", null],
  [
    { countryCode: "60", number: "0123456789" },
    "Corrected",
    mobile("+60123456789"),
    ["removed the leading 0", "joined the separately stored country code +60"],
  ],
  [
    { countryCode: "+60", number: "123456789" },
    "Corrected",
    mobile("+60123456789"),
    ["joined the separately stored country code +60"],
  ],
  [
    { countryCode: 65, number: "9123 4567" },
    "Corrected",
    { number: "+6591234567", country: "SG", type: "mobile" },
  ],
  [{ countryCode: "60", number: "60123456789" }, "Corrected", mobile("+60123456789")],
  [{ countryCode: "", number: "012-3456789" }, "Corrected", mobile("+60123456789")],
  [{ countryCode: "abc", number: "012-3456789" }, "Invalid", '"abc" is not a country calling code'],
]

describe("Phone.clean", () => {
  table("MY default", Phone.clean, rows)
  table("region SG", (input) => Phone.clean(input, { region: "SG" }), [
    [
      "9123 4567",
      "Corrected",
      { number: "+6591234567", country: "SG", type: "mobile" },
      ["removed spaces", "added country code +65"],
    ],
    ["012-345 6789", "Invalid", "impossible length for a SG number"],
  ])
  it("required empty input is missing", () => {
    expect(Phone.clean("", { required: true })).toEqual({ _tag: "Invalid", original: "", reason: "missing" })
  })
  it("the fast path agrees with libphonenumber", () => {
    // A deterministic sweep over MY prefixes and lengths: the regex shortcut must never
    // accept what libphonenumber rejects, nor type a number differently.
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed
    }
    for (let i = 0; i < 5000; i++) {
      const length = 8 + (next() % 4)
      let nsn = String(1 + (next() % 9))
      while (nsn.length < length) nsn += String(next() % 10)
      const ours = Phone.clean(`0${nsn}`)
      const theirs = parsePhoneNumberFromString(`+60${nsn}`)
      const valid = theirs?.isValid() === true
      expect(ours._tag !== "Invalid", nsn).toBe(valid)
      if (ours._tag !== "Invalid" && ours.value !== null && theirs !== undefined)
        expect(ours.value.type.toUpperCase(), nsn).toBe(theirs.getType() ?? "UNKNOWN")
    }
  })
})

describe("Phone: Malaysian mobile numbers in blocks the metadata does not list", () => {
  // 013-0…, 014-0…, 017-0…, 018-0… and 011-0… are real blocks that libphonenumber has not listed:
  // every way of writing them keeps the number, marked for a note.
  table("every form", Phone.clean, [
    ["+60130123456", "Valid", unlisted("+60130123456")],
    ["013-012 3456", "Corrected", unlisted("+60130123456")],
    ["0130123456", "Corrected", unlisted("+60130123456"), ["replaced the leading 0 with country code +60"]],
    ["60130123456", "Corrected", unlisted("+60130123456"), ["added + before country code 60"]],
    ["60-13-012 3456", "Corrected", unlisted("+60130123456")],
    ["6018 012 3456", "Corrected", unlisted("+60180123456")],
    ["60-17-012 3456", "Corrected", unlisted("+60170123456")],
    ["+60 14-012 3456", "Corrected", unlisted("+60140123456"), ["removed spaces", "removed dashes"]],
    ["0060140123456", "Corrected", unlisted("+60140123456")],
    ["130123456", "Corrected", unlisted("+60130123456"), ["added country code +60"]],
    ["011-0123 4567", "Corrected", unlisted("+601101234567")],
    [{ countryCode: "60", number: "013-012 3456" }, "Corrected", unlisted("+60130123456")],
    [{ countryCode: "60", number: "60130123456" }, "Corrected", unlisted("+60130123456")],
    [{ countryCode: "+60", number: "+60130123456" }, "Valid", unlisted("+60130123456")],
    [{ countryCode: 60, number: "130123456" }, "Corrected", unlisted("+60130123456")],
  ])
  table("a listed block is not marked, whichever way it is written", Phone.clean, [
    ["60-12-345 6789", "Corrected", mobile("+60123456789")],
    ["6012 345 6789", "Corrected", mobile("+60123456789")],
  ])
  table("a wrong length says so", Phone.clean, [
    ["017-012345", "Invalid", "a MY mobile number has 9 digits after +60 (017 and 7 more); this one has 8"],
    ["6017012345", "Invalid", "a MY mobile number has 9 digits after +60 (017 and 7 more); this one has 8"],
    ["+6013012345", "Invalid", "a MY mobile number has 9 digits after +60 (013 and 7 more); this one has 8"],
    [
      "011-0123 456",
      "Invalid",
      "a MY mobile number has 10 digits after +60 (011 and 8 more); this one has 9",
    ],
  ])
  it("the mark survives a second cleaning, and the canonical text passes isValid", () => {
    const first = Phone.clean("018-012 3456")
    expect(first._tag).toBe("Corrected")
    const value = first._tag === "Corrected" ? first.value : null
    expect(value !== null && Phone.isValid(value)).toBe(true)
    expect(Phone.clean(Phone.format(value!))).toEqual({ _tag: "Valid", value })
  })
})

describe("Phone reasons", () => {
  table("invalid", Phone.clean, [
    ["082-123456", "Invalid", "not a valid MY number"],
    ["+60 15-0000 0000", "Invalid", "not a valid MY number"],
  ])
})
