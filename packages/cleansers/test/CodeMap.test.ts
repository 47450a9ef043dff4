import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as CodeMap from "../src/CodeMap.js"
import { table } from "./Table.js"

// The user status table of the migration plan (§5.1.1).
const UserStatus = CodeMap.make(
  {
    active: ["A", "1", "yes"],
    inactive: ["I", "0", "no"],
    pending: ["P", "new"],
    suspended: ["S", "blocked"],
    archived: ["D", "deleted"],
  },
  { name: "user status" },
)

describe("CodeMap", () => {
  table("user status", (input) => UserStatus.clean(input), [
    ["active", "Valid", "active"],
    ["A", "Corrected", "active", ['mapped "A" to "active"']],
    ["a", "Corrected", "active", ['mapped "A" to "active"']],
    [" Yes ", "Corrected", "active", ['mapped "yes" to "active"']],
    [1, "Corrected", "active", ['mapped "1" to "active"']],
    ["ACTIVE", "Corrected", "active", ['mapped "active" to "active"']],
    ["Dele ted", "Corrected", "archived", ['mapped "deleted" to "archived"']],
    ["X", "Invalid", 'unknown user status "X"'],
    [null, "Valid", null],
  ])
  const WithDefault = CodeMap.make({ pending: ["P"], active: ["A"] }, { name: "status", default: "pending" })
  table("with default", (input) => WithDefault.clean(input), [
    ["Q", "Corrected", "pending", ['unknown status "Q", used default "pending"']],
  ])
  it("refuses a key listed under two codes", () => {
    expect(() => CodeMap.make({ a: ["x"], b: ["X "] })).toThrow('key "X " maps to both "a" and "b"')
  })
  it("reports the matched key and validates codes", () => {
    expect(UserStatus.lookup("blocked")).toEqual({ code: "suspended", key: "blocked" })
    expect(UserStatus.isValid("active")).toBe(true)
    expect(UserStatus.isValid("A")).toBe(false)
  })
  it("decodes through its Schema", () => {
    expect(Schema.decodeUnknownSync(UserStatus.schema)("yes")).toBe("active")
    expect(() => Schema.decodeUnknownSync(UserStatus.schema)("maybe")).toThrow('unknown user status "maybe"')
  })
})
