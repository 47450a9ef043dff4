import { describe, expect, it } from "vitest"
import * as Auth from "../src/Auth.js"
import * as TextLength from "../src/TextLength.js"

describe("TextLength", () => {
  it("gives every text column of a table a rule, by what the column is", () => {
    const limits = new Map(TextLength.limitsFor("auth.users").map((l) => [l.column, l]))
    const text = Auth.Users.columns.filter((c) => Auth.Users.fields[c].sqlType === "text")
    expect([...limits.keys()]).toEqual(text)
    expect(limits.get("last_name")).toEqual({ column: "last_name", max: 200, overflow: "truncate" })
    expect(limits.get("email")).toEqual({ column: "email", max: 254, overflow: "null" })
    expect(limits.get("legacy_id")).toEqual({ column: "legacy_id", max: 255, overflow: "reject" })
    expect(limits.get("phone")).toEqual({ column: "phone", max: 32, overflow: "null" })
    expect(limits.get("official_name")).toEqual({ column: "official_name", max: 200, overflow: "truncate" })
    expect(limits.get("name_in_script")).toEqual({ column: "name_in_script", max: 200, overflow: "truncate" })
    expect(limits.get("id")).toBeUndefined()
    expect(TextLength.limitsFor("no.such_table")).toEqual([])
  })

  it("rejects where the rule would null a column that takes no null", () => {
    const limits = TextLength.limitsOf(Auth.Tenants)
    expect(limits.find((l) => l.column === "timezone")).toEqual({
      column: "timezone",
      max: 64,
      overflow: "reject",
    })
    expect(TextLength.ruleOf("teacher_notes")).toEqual({ max: 100_000, overflow: "truncate" })
    expect(TextLength.ruleOf("something_else")).toBe(TextLength.defaultRule)
  })
})
