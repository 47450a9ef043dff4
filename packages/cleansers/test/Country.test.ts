import { describe, expect, it } from "vitest"
import * as Country from "../src/Country.js"
import { table } from "./Table.js"

describe("Country.clean", () => {
  table("default", (input) => Country.clean(input), [
    ["MY", "Valid", "MY"],
    ["my", "Corrected", "MY", ["wrote the ISO code in capitals"]],
    ["MYS", "Corrected", "MY", ["converted ISO alpha-3 MYS to MY"]],
    ["Malaysia", "Corrected", "MY", ['mapped "Malaysia" to MY']],
    ["Malaysian", "Corrected", "MY", ['mapped "Malaysian" to MY']],
    ["WARGANEGARA", "Corrected", "MY"],
    ["Warganegara Malaysia", "Corrected", "MY"],
    ["singapore", "Corrected", "SG"],
    ["Singapura", "Corrected", "SG"],
    ["Indonesian", "Corrected", "ID"],
    ["Brunei Darussalam", "Corrected", "BN"],
    ["Thai", "Corrected", "TH"],
    ["Filipino", "Corrected", "PH"],
    ["Myanmar (Burma)", "Corrected", "MM"],
    ["Cina", "Corrected", "CN"],
    ["People's Republic of China", "Corrected", "CN"],
    ["Jepun", "Corrected", "JP"],
    ["Korea", "Corrected", "KR"],
    ["Korea Utara", "Corrected", "KP"],
    ["Arab Saudi", "Corrected", "SA"],
    ["Mesir", "Corrected", "EG"],
    ["Jerman", "Corrected", "DE"],
    ["U.S.A.", "Corrected", "US"],
    ["United Kingdom", "Corrected", "GB"],
    ["British", "Corrected", "GB"],
    ["Côte d’Ivoire", "Corrected", "CI"],
    ["cote d'ivoire", "Corrected", "CI"],
    ["Timor-Leste", "Corrected", "TL"],
    ["GBR", "Corrected", "GB"],
    ["ZZ", "Invalid", 'unknown country "ZZ"'],
    ["Atlantis", "Invalid", 'unknown country "Atlantis"'],
    [null, "Valid", null],
  ])
  it("knows alpha-3 codes", () => {
    expect(Country.alpha3Of("MY")).toBe("MYS")
    expect(Country.isValid("XK")).toBe(false)
  })
})
