import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { Record } from "../src/index.js"

const student = {
  sdmsId: "S000000001",
  myKad: "140312-10-5521",
  fullName: "Nur Aisyah binti Ismail",
  birthDate: "2014-03-12",
  sex: "F",
  nationality: "MYS",
  schoolCode: "BBA0001",
  yearLevel: "Tahun 6",
  enrolmentStatus: "active",
  lastUpdated: "2026-10-01T08:00:00.000Z",
}

describe("Record.decode", () => {
  it("types the known fields and keeps the whole body, unknown fields included, in raw", () => {
    const body = { ...student, bloodType: "O+", guardians: [{ name: "Ismail bin Ahmad" }] }
    const decoded = Either.getOrThrow(Record.decode("students", "S000000001", body))
    expect(decoded.fullName).toBe("Nur Aisyah binti Ismail")
    expect(decoded.passportNo).toBeNull()
    expect(decoded.raw).toEqual(body)
    expect("bloodType" in decoded).toBe(false)
  })

  it("names a missing required field in a typed InvalidResponse", () => {
    const { fullName: _, ...body } = student
    const e = Either.getOrThrow(Either.flip(Record.decode("students", "S000000001", body)))
    expect(e.reason).toBe("InvalidResponse")
    expect(e.field).toBe("fullName")
    expect(e.message).toBe("SDMS students S000000001: fullName is missing")
  })

  it("names a mistyped nested field, and lists every problem", () => {
    const school = {
      schoolCode: "WBA0001",
      name: "SK Setiawangsa",
      type: "SK",
      state: "WP Kuala Lumpur",
      district: "Keramat",
      address: { line1: "Jalan 1", postcode: 54200, city: "Setiawangsa", state: "WP Kuala Lumpur" },
      ppdCode: "W011",
      jpnCode: "JWP",
    }
    const e = Either.getOrThrow(Either.flip(Record.decode("schools", "WBA0001", school)))
    expect(e.field).toBe("address.postcode")
    expect(e.message).toMatch(/lastUpdated is missing/)
  })

  it("refuses a body that is not an object", () => {
    const e = Either.getOrThrow(Either.flip(Record.decode("staff", "T000000001", [1, 2])))
    expect([e.reason, e.subject]).toEqual(["InvalidResponse", "staff"])
  })
})
