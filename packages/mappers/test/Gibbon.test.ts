import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"

describe("Gibbon conventions", () => {
  it("normalizes zero-filled ids once, from text or numbers", () => {
    expect(Gibbon.normalizeId("0000000123")).toBe("123")
    expect(Gibbon.normalizeId(" 003 ")).toBe("3")
    expect(Gibbon.normalizeId(123)).toBe("123")
    expect(Gibbon.normalizeId("123")).toBe("123")
    expect(Gibbon.normalizeId("0000000000")).toBeUndefined()
    expect(Gibbon.normalizeId("")).toBeUndefined()
    expect(Gibbon.normalizeId(null)).toBeUndefined()
    expect(Gibbon.normalizeId("12a")).toBeUndefined()
    expect(Gibbon.normalizeId(-4)).toBeUndefined()
    expect(Gibbon.normalizeId(1.5)).toBeUndefined()
  })

  it("reads empty strings as missing", () => {
    expect(Gibbon.blank("")).toBeNull()
    expect(Gibbon.blank("   ")).toBeNull()
    expect(Gibbon.blank(null)).toBeNull()
    expect(Gibbon.blank(undefined)).toBeNull()
    expect(Gibbon.blank(" Ahmad ")).toBe("Ahmad")
    expect(Gibbon.blank(0)).toBe("0")
  })

  it("reads Y/N enums as booleans", () => {
    expect(Gibbon.yesNo("Y")).toEqual({ _tag: "Valid", value: true })
    expect(Gibbon.yesNo("N")).toEqual({ _tag: "Valid", value: false })
    expect(Gibbon.yesNo("")).toEqual({ _tag: "Valid", value: null })
    expect(Gibbon.yesNo(null)).toEqual({ _tag: "Valid", value: null })
    expect(Gibbon.yesNo(" y")).toEqual({
      _tag: "Corrected",
      value: true,
      original: "y",
      changes: ['"y" read as Y'],
    })
    expect(Gibbon.yesNo("Yes")).toEqual({ _tag: "Invalid", original: "Yes", reason: '"Yes" is not Y or N' })
  })

  it("splits comma-separated id lists", () => {
    expect(Gibbon.idList("001,003, 004")).toEqual({ _tag: "Valid", value: ["1", "3", "4"] })
    expect(Gibbon.idList("003,003,,")).toEqual({ _tag: "Valid", value: ["3"] })
    expect(Gibbon.idList("")).toEqual({ _tag: "Valid", value: [] })
    expect(Gibbon.idList("001,abc,0")).toEqual({
      _tag: "Invalid",
      original: "001,abc,0",
      reason: "not ids: abc, 0",
    })
  })

  it("maps person statuses with spaces through code tables", () => {
    const user = (s: string) => Gibbon.userStatus.clean(s)
    expect(user("Full")).toMatchObject({ value: "active" })
    expect(user("Expected")).toMatchObject({ value: "pending" })
    expect(user("Pending Approval")).toMatchObject({ value: "pending" })
    expect(user(" pending  approval ")).toMatchObject({ value: "pending" })
    expect(user("Left")).toMatchObject({ value: "inactive" })
    expect(Gibbon.studentStatus.clean("Expected")).toMatchObject({ value: "active" })
    expect(Gibbon.studentStatus.clean("Left")).toMatchObject({ value: "withdrawn" })
    expect(Gibbon.studentStatus.clean("Pending Approval")._tag).toBe("Invalid")
    expect(Gibbon.employmentStatus.clean("Left")).toMatchObject({ value: "resigned" })
    expect(Gibbon.employmentStatus.clean("Full")).toMatchObject({ value: "active" })
  })

  describe("custom fields", () => {
    const ids: Gibbon.CustomFieldIds = new Map<string, string | number>([
      ["School Code", "0003"],
      ["House", 7],
    ])

    it("reads a named field from the JSON keyed by gibbonCustomFieldID", () => {
      const fields = '{"0003":" SA01 ","0007":"Blue"}'
      expect(Gibbon.customField(fields, "School Code", ids)).toEqual({ _tag: "Valid", value: "SA01" })
      expect(Gibbon.customField(fields, "House", ids)).toEqual({ _tag: "Valid", value: "Blue" })
      expect(Gibbon.customField('{"3":"SA02"}', "School Code", ids)).toEqual({ _tag: "Valid", value: "SA02" })
    })

    it("treats a blank column, an absent key and a blank value as missing", () => {
      expect(Gibbon.customField("", "School Code", ids)).toEqual({ _tag: "Valid", value: null })
      expect(Gibbon.customField("{}", "School Code", ids)).toEqual({ _tag: "Valid", value: null })
      expect(Gibbon.customField('{"0003":""}', "School Code", ids)).toEqual({ _tag: "Valid", value: null })
    })

    it("refuses malformed JSON, non-scalar values and unknown names", () => {
      expect(Gibbon.customField("a:1:{}", "School Code", ids)).toEqual({
        _tag: "Invalid",
        original: "a:1:{}",
        reason: "the fields column is not JSON",
      })
      expect(Gibbon.customField('{"0003":["x"]}', "School Code", ids)).toEqual({
        _tag: "Invalid",
        original: '{"0003":["x"]}',
        reason: 'custom field "School Code" holds a list',
      })
      expect(Gibbon.customField("{}", "Bus Route", ids)).toEqual({
        _tag: "Invalid",
        original: "Bus Route",
        reason: 'no custom field named "Bus Route" in gibbonCustomField',
      })
    })
  })

  it("joins phone country codes kept in their own column", () => {
    const mobile = Gibbon.phone("60", "012-345 6789")
    expect(mobile._tag).not.toBe("Invalid")
    expect(mobile._tag !== "Invalid" && mobile.value?.number).toBe("+60123456789")
    const sg = Gibbon.phone(" 65", "9123 4567")
    expect(sg._tag !== "Invalid" && sg.value?.number).toBe("+6591234567")
    expect(Gibbon.phone("", "")).toEqual({ _tag: "Valid", value: null })
    expect(Gibbon.phone("abc", "0123456789")._tag).toBe("Invalid")
  })
})
