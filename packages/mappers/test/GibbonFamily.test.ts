import { TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as GibbonFamily from "../src/GibbonFamily.js"

const roles = Gibbon.indexRoles([
  { gibbonRoleID: "001", category: "Staff", name: "Administrator" },
  { gibbonRoleID: "002", category: "Staff", name: "Teacher" },
  { gibbonRoleID: "003", category: "Student", name: "Student" },
  { gibbonRoleID: "004", category: "Parent", name: "Parent" },
])

const base = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z", roles } as const

const person = (over: Partial<GibbonFamily.GuardianRow>): GibbonFamily.GuardianRow => ({
  gibbonPersonID: 201,
  surname: "",
  firstName: "",
  preferredName: "",
  gender: "Unspecified",
  username: "",
  password: "",
  passwordStrong: "",
  passwordStrongSalt: "",
  passwordForceReset: "N",
  status: "Full",
  canLogin: "Y",
  gibbonRoleIDPrimary: "004",
  gibbonRoleIDAll: "004",
  dob: null,
  email: null,
  lastTimestamp: null,
  address1: "",
  address1District: "",
  address1Country: "",
  phone1CountryCode: "",
  phone1: "",
  studentID: "",
  dateStart: null,
  profession: "",
  ...over,
})

const id = (entity: string, key: string) => TargetId.forEntity(entity)("SA01", key)

const run = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const rowsOf = (
  table: { readonly columns: ReadonlyArray<string> },
  ok: ReadonlyArray<ReadonlyArray<unknown>>,
) => ok.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])))

describe("gibbon.guardians", () => {
  const nationalIds: Gibbon.NationalIds = {
    ids: new Map([["201", "800101-14-5671"]]),
    notes: new Map([["202", "ID Card 9: not a MyKad number; not used as the national id"]]),
  }
  const homes = GibbonFamily.homes(
    [
      {
        gibbonFamilyID: 1,
        name: "Hamid",
        homeAddress: "3 Lorong Maarof",
        homeAddressDistrict: "Bangsar",
        homeAddressCountry: "Malaysia",
      },
      { gibbonFamilyID: 2, name: "Other", homeAddress: "", homeAddressDistrict: "", homeAddressCountry: "" },
    ],
    [
      {
        gibbonFamilyAdultID: 1,
        gibbonFamilyID: 2,
        gibbonPersonID: 202,
        childDataAccess: "Y",
        contactPriority: 1,
        contactCall: "Y",
        contactSMS: "Y",
        contactEmail: "Y",
        contactMail: "N",
      },
      {
        gibbonFamilyAdultID: 2,
        gibbonFamilyID: 1,
        gibbonPersonID: 202,
        childDataAccess: "Y",
        contactPriority: 1,
        contactCall: "Y",
        contactSMS: "Y",
        contactEmail: "Y",
        contactMail: "N",
      },
    ],
  )
  const entity = GibbonFamily.guardians({ ...base, nationalIds, homes })
  const persons = [
    person({
      gibbonPersonID: "0000000201",
      surname: "Ali",
      firstName: "Razak",
      username: "razak.ali",
      email: " Razak.Ali@Gmail.COM ",
      phone1CountryCode: "60",
      phone1: "012-345 6789",
      profession: "Engineer",
      address1: "12 Jalan Ampang",
      address1District: "Kuala Lumpur",
      address1Country: "Malaysia",
    }),
    person({ gibbonPersonID: 202, surname: "TÃ¢n", firstName: "", preferredName: "Mei" }),
    person({
      gibbonPersonID: 203,
      firstName: "Kai",
      email: "mei at tan dot com",
      phone1CountryCode: "60",
      phone1: "abc",
    }),
    person({ gibbonPersonID: 204 }),
    person({ gibbonPersonID: 101, firstName: "Ahmad", gibbonRoleIDPrimary: "003", gibbonRoleIDAll: "003" }),
    person({
      gibbonPersonID: 2,
      firstName: "Nurul",
      gibbonRoleIDPrimary: "002",
      gibbonRoleIDAll: "002,004",
      username: "nurul",
    }),
  ]
  const keys = persons.map((p) => String(p.gibbonPersonID))

  it("maps parents, with the user link, national id and the family's home as the fallback address", () => {
    const out = run(entity, persons, keys)
    expect(rowsOf(Academic.Guardians, out.ok)).toEqual([
      {
        id: id(entity.name, "201"),
        tenant_id: "SA01",
        user_id: id(Gibbon.usersEntity, "201"),
        first_name: "Razak",
        last_name: "Ali",
        official_name: null,
        name_in_script: null,
        date_of_birth: null,
        gender: null,
        email: "razak.ali@gmail.com",
        phone: "+60123456789",
        national_id: "800101-14-5671",
        occupation: "Engineer",
        address: {
          line1: "12 Jalan Ampang",
          line2: null,
          city: "Kuala Lumpur",
          state: null,
          postcode: null,
          country: "MY",
        },
        legacy_source: "gibbon.guardians",
        legacy_id: "201",
        created_at: base.loadedAt,
        updated_at: base.loadedAt,
        deleted_at: null,
      },
      {
        id: id(entity.name, "202"),
        tenant_id: "SA01",
        user_id: null,
        first_name: "Mei",
        last_name: "Tân",
        official_name: null,
        name_in_script: null,
        date_of_birth: null,
        gender: null,
        email: null,
        phone: null,
        national_id: null,
        occupation: null,
        address: {
          line1: "3 Lorong Maarof",
          line2: null,
          city: "Bangsar",
          state: null,
          postcode: null,
          country: "MY",
        },
        legacy_source: "gibbon.guardians",
        legacy_id: "202",
        created_at: base.loadedAt,
        updated_at: base.loadedAt,
        deleted_at: null,
      },
      // A bad email and phone cost the values, not the guardian.
      expect.objectContaining({ legacy_id: "203", first_name: "Kai", email: null, phone: null }),
      expect.objectContaining({ legacy_id: "2", first_name: "Nurul", user_id: id(Gibbon.usersEntity, "2") }),
    ])
    expect(out.notes.filter((n) => n.key === "203").map((n) => [n.column, n.rule, n.message])).toEqual([
      ["email", "email", "no @ in the address; stored as empty"],
      ["phone1", "phone", "contains letters; stored as empty"],
      ["gender", "gender", '"Unspecified" means not recorded: set to empty'],
    ])
    expect(out.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["204", [["firstName", "person_name"]]],
    ])
    expect(out.skipped).toEqual([{ key: "101", reason: "not a parent" }])
    expect(out.notes.filter((n) => n.key === "202").map((n) => [n.column, n.rule])).toEqual([
      ["surname", "person_name"],
      ["address1", "address"],
      ["gender", "gender"],
      ["documentNumber", "national_id"],
    ])
  })

  it("gives the same ids on a second run", () => {
    expect(run(entity, persons, keys).ok).toEqual(run(entity, persons, keys).ok)
  })
})

const adult = (over: Partial<GibbonFamily.FamilyAdultRow>): GibbonFamily.FamilyAdultRow => ({
  gibbonFamilyAdultID: 1,
  gibbonFamilyID: 1,
  gibbonPersonID: 201,
  childDataAccess: "Y",
  contactPriority: 1,
  contactCall: "Y",
  contactSMS: "Y",
  contactEmail: "Y",
  contactMail: "N",
  ...over,
})
const child = (gibbonFamilyChildID: number, gibbonFamilyID: unknown, gibbonPersonID: unknown) =>
  ({ gibbonFamilyChildID, gibbonFamilyID, gibbonPersonID }) as GibbonFamily.FamilyChildRow

describe("gibbon.guardians: names as printed, date of birth and gender", () => {
  const entity = GibbonFamily.guardians(base)
  const parents = [
    person({
      gibbonPersonID: 201,
      surname: "Ali",
      firstName: "Razak",
      gender: "M",
      dob: "1980-01-01",
      officialName: "Razak bin Ali",
      nameInCharacters: "رزاق بن علي",
    }),
    person({
      gibbonPersonID: 203,
      surname: "Tan",
      firstName: "Kok Leong",
      gender: "F",
      dob: "1979-13-01",
      officialName: "Tan Kok Leong",
      nameInCharacters: "陈国良",
    }),
    person({ gibbonPersonID: 206, firstName: "Abdul", gender: "male", dob: "2030-06-01" }),
  ]

  it("keeps a parent's dob, gender and printed names; a bad dob is empty with a note and the parent loads", () => {
    const out = run(entity, parents, ["201", "203", "206"])
    expect(out.rejected).toEqual([])
    const rows = rowsOf(Academic.Guardians, out.ok)
    const pick = ["official_name", "name_in_script", "date_of_birth", "gender"] as const
    expect(rows.map((r) => pick.map((c) => r[c]))).toEqual([
      ["Razak bin Ali", "رزاق بن علي", "1980-01-01", "male"],
      ["Tan Kok Leong", "陈国良", null, "female"],
      [null, null, null, "male"],
    ])
    const dobNotes = out.notes.filter((n) => n.column === "dob").map((n) => [n.key, n.rule, n.value])
    expect(dobNotes).toEqual([
      ["203", "date", "1979-13-01"],
      ["206", "date", "2030-06-01"],
    ])
    expect(out.notes.find((n) => n.key === "206" && n.column === "dob")?.message).toBe(
      "2030-06-01 is in the future; stored as empty",
    )
  })
})

describe("family pairs", () => {
  const adults = [
    adult({ gibbonFamilyAdultID: 2, gibbonPersonID: 202, contactPriority: 2, contactCall: "N" }),
    adult({ gibbonFamilyAdultID: 1, gibbonFamilyID: "0000001", gibbonPersonID: "0000000201" }),
    adult({ gibbonFamilyAdultID: 3, gibbonFamilyID: 8, gibbonPersonID: 201 }),
    adult({ gibbonFamilyAdultID: 4, gibbonFamilyID: 0, gibbonPersonID: 203 }),
  ]
  const children = [child(1, 1, 101), child(2, 1, 102), child(3, 8, 101), child(4, 9, 103)]
  const relationships = [
    {
      gibbonFamilyRelationshipID: 1,
      gibbonFamilyID: 1,
      gibbonPersonID1: 201,
      gibbonPersonID2: 101,
      relationship: "Father",
    },
    {
      gibbonFamilyRelationshipID: 2,
      gibbonFamilyID: 1,
      gibbonPersonID1: 202,
      gibbonPersonID2: 101,
      relationship: " ",
    },
  ]

  it("pairs every adult with every child of the same family, contact priority first; repeats are marked", () => {
    const pairs = GibbonFamily.familyPairs(adults, children, relationships)
    expect(pairs.map((p) => [p.key, p.relationship, p.duplicateOf])).toEqual([
      ["1:201:101", "Father", null],
      ["1:201:102", null, null],
      ["1:202:101", null, null],
      ["1:202:102", null, null],
      ["8:201:101", null, "1:201:101"],
    ])
  })

  const persons: GibbonFamily.PersonIndex = new Map([
    ["201", { categories: new Set(["Parent"] as const), login: true }],
    ["202", { categories: new Set(["Parent"] as const), login: false }],
    ["203", { categories: new Set(["Staff"] as const), login: true }],
    ["101", { categories: new Set(["Student"] as const), login: true }],
    ["102", { categories: new Set(["Student"] as const), login: false }],
    ["104", { categories: new Set(["Parent"] as const), login: true }],
  ])
  const entity = GibbonFamily.studentGuardians({ ...base, persons })

  it("maps each pair to a student_guardians row, or rejects it with every reason", () => {
    const pairs: Array<GibbonFamily.FamilyPair> = [
      ...GibbonFamily.familyPairs(adults, children, relationships),
      {
        key: "5:203:999",
        adult: adult({ gibbonFamilyID: 5, gibbonPersonID: 203 }),
        child: child(9, 5, 999),
        relationship: null,
        duplicateOf: null,
      },
      {
        key: "6:205:104",
        adult: adult({ gibbonFamilyID: 6, gibbonPersonID: 205, contactPriority: "x" }),
        child: child(10, 6, 104),
        relationship: "Nanny/Helper",
        duplicateOf: null,
      },
      {
        key: "7:201:101",
        adult: adult({ gibbonFamilyID: 7, contactPriority: 0, contactCall: "" }),
        child: child(11, 7, 101),
        relationship: "Step-Mother",
        duplicateOf: null,
      },
    ]
    const out = run(
      entity,
      pairs,
      pairs.map((p) => p.key),
    )
    expect(rowsOf(Academic.StudentGuardians, out.ok)).toEqual([
      {
        id: TargetId.hashed(entity.name, "SA01", "1:201:101"),
        tenant_id: "SA01",
        student_id: id(Gibbon.studentsEntity, "101"),
        guardian_id: id(GibbonFamily.guardiansEntity, "201"),
        relationship: "father",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
        legacy_source: "gibbon.student_guardians",
        legacy_id: "1:201:101",
        created_at: base.loadedAt,
        updated_at: base.loadedAt,
        deleted_at: null,
      },
      {
        id: TargetId.hashed(entity.name, "SA01", "1:202:101"),
        tenant_id: "SA01",
        student_id: id(Gibbon.studentsEntity, "101"),
        guardian_id: id(GibbonFamily.guardiansEntity, "202"),
        relationship: "guardian",
        is_primary: false,
        contact_priority: 2,
        is_emergency_contact: false,
        legacy_source: "gibbon.student_guardians",
        legacy_id: "1:202:101",
        created_at: base.loadedAt,
        updated_at: base.loadedAt,
        deleted_at: null,
      },
      {
        id: TargetId.hashed(entity.name, "SA01", "7:201:101"),
        tenant_id: "SA01",
        student_id: id(Gibbon.studentsEntity, "101"),
        guardian_id: id(GibbonFamily.guardiansEntity, "201"),
        relationship: "mother",
        is_primary: false,
        contact_priority: null,
        is_emergency_contact: false,
        legacy_source: "gibbon.student_guardians",
        legacy_id: "7:201:101",
        created_at: base.loadedAt,
        updated_at: base.loadedAt,
        deleted_at: null,
      },
    ])
    expect(out.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["1:201:102", [["gibbonFamilyChild.gibbonPersonID", "student_link"]]],
      ["1:202:102", [["gibbonFamilyChild.gibbonPersonID", "student_link"]]],
      ["8:201:101", [[null, "student_guardian_unique"]]],
      [
        "5:203:999",
        [
          ["gibbonFamilyAdult.gibbonPersonID", "guardian_role"],
          ["gibbonFamilyChild.gibbonPersonID", "student_missing"],
        ],
      ],
      [
        "6:205:104",
        [
          ["gibbonFamilyAdult.gibbonPersonID", "guardian_missing"],
          ["gibbonFamilyChild.gibbonPersonID", "student_role"],
        ],
      ],
    ])
    expect(out.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["1:202:101", "relationship", "relationship"],
      ["7:201:101", "contactPriority", "contact_priority"],
      ["7:201:101", "contactCall", "yes_no"],
    ])
  })

  it("reads relationships through the Gibbon code table", () => {
    expect(GibbonFamily.relationship.clean("Step-Father")).toMatchObject({ value: "father" })
    expect(GibbonFamily.relationship.clean("adoptive parent")).toMatchObject({ value: "guardian" })
    expect(GibbonFamily.relationship.clean("Mom")._tag).toBe("Invalid")
  })

  it("gives the same keys and ids on a second run", () => {
    const a = GibbonFamily.familyPairs(adults, children, relationships)
    const b = GibbonFamily.familyPairs([...adults].reverse(), [...children].reverse(), relationships)
    expect(b.map((p) => p.key)).toEqual(a.map((p) => p.key))
    expect(
      run(
        entity,
        b,
        b.map((p) => p.key),
      ).ok,
    ).toEqual(
      run(
        entity,
        a,
        a.map((p) => p.key),
      ).ok,
    )
    expect(entity.ids).toBe("hashed")
  })
})
