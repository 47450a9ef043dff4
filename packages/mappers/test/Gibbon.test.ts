import { Transform } from "@schoolbridge/core"
import { Academic, Auth } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as StudentNumber from "../src/StudentNumber.js"

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

// A gibbonPerson as Gibbon stores it: empty strings for what nobody filled in.
const person = (over: Partial<Gibbon.PersonRow>): Gibbon.PersonRow => ({
  gibbonPersonID: "0000000001",
  surname: "Huda",
  firstName: "Nurul",
  preferredName: "",
  gender: "Unspecified",
  username: "",
  password: "",
  passwordStrong: "",
  passwordStrongSalt: "",
  passwordForceReset: "N",
  status: "Full",
  canLogin: "Y",
  gibbonRoleIDPrimary: "002",
  gibbonRoleIDAll: "002",
  dob: null,
  email: null,
  lastTimestamp: null,
  address1: "",
  address1District: "",
  address1Country: "",
  phone1CountryCode: "",
  phone1: "",
  studentID: "",
  dateStart: "2018-01-02",
  officialName: "",
  nameInCharacters: "",
  ...over,
})

const options = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
  roles: Gibbon.indexRoles([
    { gibbonRoleID: "002", category: "Staff", name: "Teacher" },
    { gibbonRoleID: "003", category: "Student", name: "Student" },
  ]),
} as const

const mapAll = <T extends { readonly columns: ReadonlyArray<string> }>(
  entity: { name: string; transform: Transform.Transform<Gibbon.PersonRow> },
  table: T,
  rows: ReadonlyArray<Gibbon.PersonRow>,
) => {
  const keys = rows.map((r) => String(Number(r.gibbonPersonID)))
  const out = Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })
  const byKey = new Map(
    out.ok.map((r, i) => [out.okKeys[i], Object.fromEntries(table.columns.map((c, j) => [c, r[j]]))]),
  )
  const notes = (key: string, column: string) =>
    out.notes.filter((n) => n.key === key && n.column === column).map((n) => n.message)
  return { out, byKey, notes }
}

describe("names as printed on certificates", () => {
  const users = Gibbon.users({ ...options, passwords: "force-reset" })
  const rows = [
    person({
      gibbonPersonID: "0000000001",
      username: "nurul.huda",
      officialName: "Nurul Huda binti Abdullah",
      nameInCharacters: "نور الهدى بنت عبدالله",
    }),
    person({
      gibbonPersonID: "0000000002",
      username: "tan.kl",
      surname: "Tan",
      firstName: "Kok Leong",
      officialName: "  Tan   Kok Leong ",
      nameInCharacters: "陈国良",
    }),
    // UTF-8 read as Windows-1252 on its way into Gibbon.
    person({ gibbonPersonID: "0000000003", username: "tan.ml", nameInCharacters: "é™ˆå›½è‰¯" }),
    // "-" typed into a form that requires an official name; an empty script name is no name.
    person({ gibbonPersonID: "0000000004", username: "lee", officialName: "-", nameInCharacters: "" }),
    // An extract that does not select the columns at all.
    (({ officialName, nameInCharacters, ...rest }) => rest)(
      person({ gibbonPersonID: "0000000005", username: "old" }),
    ),
  ]

  it("loads officialName and nameInCharacters in Jawi and Chinese script onto the user", () => {
    const { out, byKey, notes } = mapAll(users, Auth.Users, rows)
    expect(out.rejected).toEqual([])
    const names = (key: string) => {
      const row = byKey.get(key)!
      return [row.official_name, row.name_in_script]
    }
    expect(names("1")).toEqual(["Nurul Huda binti Abdullah", "نور الهدى بنت عبدالله"])
    expect(names("2")).toEqual(["Tan Kok Leong", "陈国良"])
    expect(notes("2", "officialName")).toEqual(["normalized whitespace"])
    expect(names("3")).toEqual([null, "陈国良"])
    expect(notes("3", "nameInCharacters")).toEqual(["repaired text encoding (UTF-8 read as Windows-1252)"])
    expect(names("4")).toEqual([null, null])
    const printed = out.notes.filter(
      (n) => n.key === "4" && ["officialName", "nameInCharacters"].includes(n.column ?? ""),
    )
    expect(printed.map((n) => [n.column, n.rule, n.message, n.value])).toEqual([
      ["officialName", "text", '"-" has no letters: not a name; stored as empty', "-"],
    ])
    expect(names("5")).toEqual([null, null])
  })

  it("keeps Arabic joiners inside script names and drops invisible characters around Latin ones", () => {
    const ctx = { note: () => {} } as unknown as Transform.RowContext
    expect(Gibbon.printedName(ctx, "nameInCharacters", "مهر\u200cداد")).toBe("مهر\u200cداد")
    expect(Gibbon.printedName(ctx, "officialName", "Siti\u200b Aminah")).toBe("Siti Aminah")
    expect(Gibbon.printedName(ctx, "officialName", "   ")).toBeNull()
  })
})

describe("staff keep their date of birth and gender", () => {
  const teachers = Gibbon.teachers(options)
  const rows = [
    person({ gibbonPersonID: "0000000001", username: "nurul.huda", dob: "1985-09-09", gender: "F" }),
    person({ gibbonPersonID: "0000000002", username: "raj", dob: "31/02/1980", gender: "M" }),
    person({ gibbonPersonID: "0000000003", username: "lim", dob: "2031-05-05", gender: "Other" }),
    person({ gibbonPersonID: "0000000004", username: "wong", dob: "0000-00-00", gender: "Q" }),
    person({ gibbonPersonID: "0000000005", username: "ali", dob: null, gender: "Unspecified" }),
  ]

  it("maps gibbonPerson.dob and gender onto academic.teachers; what cannot be read is empty with a note", () => {
    const { out, byKey, notes } = mapAll(teachers, Academic.Teachers, rows)
    expect(out.rejected).toEqual([])
    expect(out.okKeys).toEqual(["1", "2", "3", "4", "5"])
    const details = (key: string) => [byKey.get(key)!.date_of_birth, byKey.get(key)!.gender]
    expect(details("1")).toEqual(["1985-09-09", "female"])
    expect(notes("1", "dob")).toEqual([])
    expect(details("2")).toEqual([null, "male"])
    expect(notes("2", "dob")).toEqual([expect.stringMatching(/stored as empty$/)])
    expect(details("3")).toEqual([null, null])
    expect(notes("3", "dob")).toEqual(["2031-05-05 is in the future; stored as empty"])
    expect(notes("3", "gender")).toContain("Gibbon gender Other has no portal label: stored as empty")
    expect(details("4")).toEqual([null, null])
    expect(notes("4", "dob")).toEqual(["MySQL zero date means no date: set to empty"])
    expect(notes("4", "gender")).toEqual([expect.stringMatching(/stored as empty$/)])
    expect(details("5")).toEqual([null, null])
    expect(notes("5", "gender")).toEqual(['"Unspecified" means not recorded: set to empty'])
  })

  it("checks a student's birth date and sex against their MyKad: one missing is taken from it, one that differs is a finding", () => {
    const child = (id: string, over: Partial<Gibbon.PersonRow>) =>
      person({
        gibbonPersonID: id,
        username: `kid${id}`,
        studentID: `S${id}`,
        gibbonRoleIDPrimary: "003",
        gibbonRoleIDAll: "003",
        ...over,
      })
    // 120315-14-5678: born 15 March 2012, even last digit: female.
    const rows = [
      child("11", { dob: "31/02/2012", gender: "Unspecified" }),
      child("12", { dob: "2012-03-16", gender: "M" }),
      child("13", { dob: "2012-03-15", gender: "F" }),
    ]
    const nationalIds = {
      ids: new Map(["11", "12", "13"].map((k) => [k, "120315-14-5678"] as const)),
      notes: new Map<string, string>(),
    }
    const numbers = StudentNumber.plan(Gibbon.numberInputs(rows, options), "SA01")
    const { out, byKey } = mapAll(
      Gibbon.students({ ...options, numbers, nationalIds }),
      Academic.Students,
      rows,
    )
    expect([...byKey].map(([k, r]) => [k, r.date_of_birth, r.gender])).toEqual([
      ["11", "2012-03-15", "female"],
      ["12", "2012-03-16", "male"],
      ["13", "2012-03-15", "female"],
    ])
    expect(
      out.notes.filter((n) => n.rule === "mykad_mismatch").map((n) => [n.key, n.column, n.message]),
    ).toEqual([
      ["12", "dob", "the MyKad's birth date is 2012-03-15, the record's 2012-03-16; the record's is stored"],
      ["12", "gender", "the MyKad says female, the record male; the record's is stored"],
    ])
    expect(
      out.notes.filter((n) => n.key === "11" && n.message.includes("taken from the MyKad")),
    ).toHaveLength(2)
  })

  it("stores a student's unreadable date of birth as empty with a note: the child still loads", () => {
    const child = person({
      username: "kid",
      dob: "31/02/2012",
      studentID: "S1",
      gibbonRoleIDPrimary: "003",
      gibbonRoleIDAll: "003",
    })
    const numbers = StudentNumber.plan(Gibbon.numberInputs([child], options), "SA01")
    const students = Gibbon.students({ ...options, numbers })
    const { out, byKey } = mapAll(students, Academic.Students, [child])
    expect(out.rejected).toEqual([])
    expect([...byKey.values()]).toMatchObject([{ date_of_birth: null, student_number: "S1" }])
    expect(out.notes.filter((n) => n.column === "dob").map((n) => n.rule)).toEqual(["date"])
  })
})
