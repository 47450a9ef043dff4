import { TargetId, Transform } from "@schoolbridge/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as GibbonDocuments from "../src/GibbonDocuments.js"
import * as GibbonFamily from "../src/GibbonFamily.js"
import * as StudentNumber from "../src/StudentNumber.js"
import { loadMysqlFixture, type MysqlFixture } from "./fixtures/MysqlFixture.js"

// The people fixture read through MysqlSource, every person, document and family table mapped the way
// a run maps them: indexes planned over whole tables first, then each entity per tenant (the 'School
// Code' custom field), as Transform.run does for a partition.

let fixture: MysqlFixture
// Person rows as read, with the custom fields column that picks the tenant.
type FixturePerson = GibbonFamily.GuardianRow & { readonly fields: unknown }
let persons: ReadonlyArray<FixturePerson>
let personNotes: ReadonlyArray<Transform.Note>
let documents: ReadonlyArray<GibbonDocuments.DocumentRow>
let documentNotes: ReadonlyArray<Transform.Note>
let types: GibbonDocuments.TypeIndex
let roles: Gibbon.RoleIndex
let families: ReadonlyArray<GibbonFamily.FamilyRow>
let adults: ReadonlyArray<GibbonFamily.FamilyAdultRow>
let children: ReadonlyArray<GibbonFamily.FamilyChildRow>
let relationships: ReadonlyArray<GibbonFamily.FamilyRelationshipRow>
let fieldIds: Gibbon.CustomFieldIds

beforeAll(async () => {
  fixture = await loadMysqlFixture(["gibbon/00-core.sql"], "gibbon_core")
  roles = Gibbon.indexRoles(
    (await fixture.read<Gibbon.RoleRow>({ table: "gibbonRole", key: "gibbonRoleID" })).rows,
  )
  const fields = await fixture.read<{ gibbonCustomFieldID: number; name: string }>({
    table: "gibbonCustomField",
    key: "gibbonCustomFieldID",
  })
  fieldIds = new Map(fields.rows.map((r) => [r.name, r.gibbonCustomFieldID]))
  const p = await fixture.read<FixturePerson>({ table: "gibbonPerson", key: "gibbonPersonID" })
  persons = p.rows
  personNotes = p.notes
  const d = await fixture.read<GibbonDocuments.DocumentRow>({
    table: "gibbonPersonalDocument",
    key: "gibbonPersonalDocumentID",
  })
  documents = d.rows
  documentNotes = d.notes
  types = GibbonDocuments.indexTypes(
    (
      await fixture.read<GibbonDocuments.DocumentTypeRow>({
        table: "gibbonPersonalDocumentType",
        key: "gibbonPersonalDocumentTypeID",
      })
    ).rows,
  )
  families = (await fixture.read<GibbonFamily.FamilyRow>({ table: "gibbonFamily", key: "gibbonFamilyID" }))
    .rows
  adults = (
    await fixture.read<GibbonFamily.FamilyAdultRow>({
      table: "gibbonFamilyAdult",
      key: "gibbonFamilyAdultID",
    })
  ).rows
  children = (
    await fixture.read<GibbonFamily.FamilyChildRow>({
      table: "gibbonFamilyChild",
      key: "gibbonFamilyChildID",
    })
  ).rows
  relationships = (
    await fixture.read<GibbonFamily.FamilyRelationshipRow>({
      table: "gibbonFamilyRelationship",
      key: "gibbonFamilyRelationshipID",
    })
  ).rows
}, 60_000)

afterAll(async () => {
  await fixture?.drop()
})

const base = { asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z" } as const

// The tenant of a person: the School Code custom field.
const tenantOf = (personKey: string | undefined): string => {
  const row = persons.find((p) => Gibbon.normalizeId(p.gibbonPersonID) === personKey)
  const code = row === undefined ? undefined : Gibbon.customField(row.fields, "School Code", fieldIds)
  return code?._tag === "Valid" && code.value !== null ? code.value : "unknown"
}

interface Mapped {
  readonly rows: Array<Record<string, unknown>>
  readonly rejected: Array<{ key: string; reasons: Array<{ column: string | null; rule: string }> }>
  readonly skipped: Array<Transform.Skipped>
  readonly notes: Array<Transform.Note>
}

// Runs an entity over rows partitioned by tenant, the way the engine runs a partition at a time.
const runByTenant = <Row>(
  make: (tenant: string) => {
    name: string
    transform: Transform.Transform<Row>
    target: { columns: ReadonlyArray<string> }
  },
  rows: ReadonlyArray<Row>,
  keyOf: (row: Row) => string,
  owner: (row: Row) => string | undefined,
): Mapped => {
  const out: Mapped = { rows: [], rejected: [], skipped: [], notes: [] }
  const tenants = [...new Set(rows.map((r) => tenantOf(owner(r))))].sort()
  for (const tenant of tenants) {
    const mine = rows.filter((r) => tenantOf(owner(r)) === tenant)
    const entity = make(tenant)
    const result = Transform.run(entity.transform, mine, mine.map(keyOf), { entity: entity.name, tenant })
    out.rows.push(...result.ok.map((r) => Object.fromEntries(entity.target.columns.map((c, i) => [c, r[i]]))))
    out.rejected.push(
      ...result.rejected.map((r) => ({
        key: r.key,
        reasons: r.reasons.map((x) => ({ column: x.column, rule: x.rule })),
      })),
    )
    out.skipped.push(...result.skipped)
    out.notes.push(...result.notes)
  }
  return out
}

const personKey = (p: Gibbon.PersonRow) => String(p.gibbonPersonID)
const ownPerson = (p: Gibbon.PersonRow) => Gibbon.normalizeId(p.gibbonPersonID)
const pick = (rows: ReadonlyArray<Record<string, unknown>>, ...columns: Array<string>) =>
  rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])))

describe("the Gibbon people fixture", () => {
  it("reads as the engine reads it: ids as numbers, a zero date as null with a note", () => {
    expect(persons.map((p) => p.gibbonPersonID)).toEqual([
      1, 2, 3, 4, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 201, 202, 203, 204, 205, 206, 207, 208,
      209, 210, 211, 212,
    ])
    expect(persons.find((p) => p.gibbonPersonID === 106)?.dob).toBeNull()
    expect(personNotes.map((n) => [n.key, n.column])).toEqual([["106", "dob"]])
    expect(documentNotes.map((n) => [n.key, n.column])).toEqual([["9", "dateIssue"]])
    expect([...roles]).toEqual([
      ["1", "Staff"],
      ["2", "Staff"],
      ["3", "Student"],
      ["4", "Parent"],
      ["6", "Staff"],
    ])
  })

  it("puts each person in a tenant by the School Code custom field", () => {
    const byTenant = (code: string) =>
      persons.filter((p) => tenantOf(ownPerson(p)) === code).map((p) => p.gibbonPersonID)
    expect(byTenant("SB02")).toEqual([3, 108, 209])
    expect(byTenant("SA01")).toHaveLength(persons.length - 3)
  })
})

describe("gibbonPersonalDocument", () => {
  it("plans national ids from the MyKad ID cards, noting a bad card and a second card", () => {
    const ids = GibbonDocuments.nationalIds(documents, types, base)
    expect([...ids.ids]).toEqual([
      ["101", "120314-14-5523"],
      ["102", "120505-10-5678"],
      ["201", "800101-14-5671"],
      ["202", "820202-10-5682"],
      ["203", "750615-08-5133"],
      ["4", "790303-10-5544"],
    ])
    expect([...ids.notes.keys()]).toEqual(["107", "203"])
    expect(ids.notes.get("107")).toMatch(/^ID Card 3: /)
    expect(ids.notes.get("203")).toBe(
      "ID Card 7 holds 750615-08-5135, another card 750615-08-5133: kept 750615-08-5133",
    )
  })

  it("maps every document of a person to person_documents, with exact rejections", () => {
    const personIndex = GibbonFamily.indexPersons(persons, roles)
    const out = runByTenant(
      (tenant) => GibbonDocuments.documents({ ...base, tenant, types, persons: personIndex }),
      documents,
      (d) => String(d.gibbonPersonalDocumentID),
      GibbonDocuments.ownerOf,
    )
    expect(
      pick(
        out.rows,
        "legacy_id",
        "tenant_id",
        "document_type",
        "title",
        "document_number",
        "country",
        "issued_on",
        "expires_on",
        "holder_name",
        "subtype",
        "file_path",
        "created_at",
      ),
    ).toEqual([
      {
        legacy_id: "1",
        tenant_id: "SA01",
        document_type: "id_card",
        title: "ID Card",
        document_number: "120314-14-5523",
        country: null,
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: "uploads/2020/01/mykad_101.jpg",
        created_at: "2020-01-06T01:00:00.000Z",
      },
      {
        legacy_id: "2",
        tenant_id: "SA01",
        document_type: "id_card",
        title: "ID Card",
        document_number: "120505-10-5678",
        country: null,
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "4",
        tenant_id: "SA01",
        document_type: "id_card",
        title: "ID Card",
        document_number: "800101-14-5671",
        country: "MY",
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "5",
        tenant_id: "SA01",
        document_type: "id_card",
        title: "ID Card",
        document_number: "820202-10-5682",
        country: null,
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "6",
        tenant_id: "SA01",
        document_type: "id_card",
        title: "ID Card",
        document_number: "750615-08-5133",
        country: null,
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "7",
        tenant_id: "SA01",
        document_type: "id_card",
        title: "ID Card",
        document_number: "750615-08-5135",
        country: null,
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "8",
        tenant_id: "SA01",
        document_type: "passport",
        title: "Primary Passport",
        document_number: "A12345678",
        country: "MY",
        issued_on: "2020-01-10",
        expires_on: "2025-01-09",
        holder_name: "AISYAH BINTI OSMAN",
        subtype: null,
        file_path: "uploads/2020/01/passport_109.pdf",
        created_at: "2020-01-11T02:15:00.000Z",
      },
      {
        legacy_id: "11",
        tenant_id: "SA01",
        document_type: "document",
        title: "Birth Certificate",
        document_number: null,
        country: "MY",
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: "uploads/2021/01/birth_106.pdf",
        created_at: base.loadedAt,
      },
      {
        legacy_id: "9",
        tenant_id: "SB02",
        document_type: "passport",
        title: "Primary Passport",
        document_number: "K1234567",
        country: "IN",
        issued_on: null,
        expires_on: "2030-06-30",
        holder_name: "RAJ KUMAR",
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "10",
        tenant_id: "SB02",
        document_type: "visa",
        title: "Residency/Visa",
        document_number: null,
        country: null,
        issued_on: null,
        expires_on: "2026-12-31",
        holder_name: null,
        subtype: "Employment Pass",
        file_path: null,
        created_at: base.loadedAt,
      },
      {
        legacy_id: "15",
        tenant_id: "SB02",
        document_type: "id_card",
        title: "ID Card",
        document_number: "1234 5678 9012",
        country: "IN",
        issued_on: null,
        expires_on: null,
        holder_name: null,
        subtype: null,
        file_path: null,
        created_at: base.loadedAt,
      },
    ])
    expect(out.rejected).toEqual([
      { key: "3", reasons: [{ column: "documentNumber", rule: "mykad" }] },
      { key: "14", reasons: [{ column: "dateExpiry", rule: "date_order" }] },
      { key: "16", reasons: [{ column: "gibbonPersonalDocumentTypeID", rule: "document_type" }] },
      { key: "17", reasons: [{ column: "foreignTableID", rule: "holder" }] },
      { key: "12", reasons: [{ column: "foreignTableID", rule: "holder" }] },
    ])
    expect(out.skipped).toEqual([
      { key: "13", reason: "belongs to gibbonAdmissionsApplication, not to a person" },
    ])
    // Holders: a student's document points at the user and student rows, a parent's at the guardian.
    const doc = (key: string) => out.rows.find((r) => r.legacy_id === key)!
    const id = (entity: string, tenant: string, key: string) => TargetId.forEntity(entity)(tenant, key)
    expect(pick([doc("1")], "user_id", "student_id", "guardian_id")).toEqual([
      {
        user_id: id(Gibbon.usersEntity, "SA01", "101"),
        student_id: id(Gibbon.studentsEntity, "SA01", "101"),
        guardian_id: null,
      },
    ])
    expect(pick([doc("5")], "user_id", "student_id", "guardian_id")).toEqual([
      { user_id: null, student_id: null, guardian_id: id(GibbonFamily.guardiansEntity, "SA01", "202") },
    ])
    expect(pick([doc("9")], "user_id", "student_id", "guardian_id")).toEqual([
      { user_id: id(Gibbon.usersEntity, "SB02", "3"), student_id: null, guardian_id: null },
    ])
    // Local times become UTC (a note each), names become ISO codes, a MyKad gets its dashes.
    expect(out.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["1", "timestamp", "timestamp"],
      ["2", "documentNumber", "mykad"],
      ["4", "country", "country"],
      ["8", "timestamp", "timestamp"],
      ["8", "country", "country"],
      ["9", "country", "country"],
      ["15", "country", "country"],
    ])
  })
})

describe("gibbonPerson over the fixture", () => {
  const byTenant = <Row extends Gibbon.PersonRow>(
    make: (tenant: string) => {
      name: string
      transform: Transform.Transform<Row>
      target: { columns: ReadonlyArray<string> }
    },
  ) => runByTenant(make, persons as ReadonlyArray<Row>, personKey, ownPerson)

  it("maps users, a bad email or phone stored as empty with a note, skipping those without a username", () => {
    const out = byTenant((tenant) => Gibbon.users({ ...base, tenant, roles, passwords: "carry-over" }))
    expect(pick(out.rows, "legacy_id", "tenant_id", "username", "email", "first_name", "status")).toEqual([
      {
        legacy_id: "1",
        tenant_id: "SA01",
        username: "admin",
        email: "admin@sa01.edu.my",
        first_name: "Abdul",
        status: "active",
      },
      {
        legacy_id: "2",
        tenant_id: "SA01",
        username: "nurul.huda",
        email: "nurul.huda@sa01.edu.my",
        first_name: "Nurul",
        status: "active",
      },
      {
        legacy_id: "101",
        tenant_id: "SA01",
        username: "ahmad.razak",
        email: "ahmad.razak@student.sa01.edu.my",
        first_name: "Ahmad",
        status: "active",
      },
      {
        legacy_id: "102",
        tenant_id: "SA01",
        username: "zoe.tan",
        email: "zoe.tan@example.com",
        first_name: "Zoë",
        status: "active",
      },
      {
        legacy_id: "103",
        tenant_id: "SA01",
        username: "siti.aminah",
        email: null,
        first_name: "Siti",
        status: "active",
      },
      {
        legacy_id: "105",
        tenant_id: "SA01",
        username: "kai.wong",
        email: null,
        first_name: "Kai",
        status: "active",
      },
      {
        legacy_id: "106",
        tenant_id: "SA01",
        username: "priya.h",
        email: null,
        first_name: "Priya",
        status: "pending",
      },
      {
        legacy_id: "107",
        tenant_id: "SA01",
        username: "farid.i",
        email: null,
        first_name: "Farid",
        status: "inactive",
      },
      {
        legacy_id: "109",
        tenant_id: "SA01",
        username: "aisyah.o",
        email: null,
        first_name: "Aisyah",
        status: "active",
      },
      {
        legacy_id: "110",
        tenant_id: "SA01",
        username: "daniel.w",
        email: null,
        first_name: "Daniel",
        status: "pending",
      },
      {
        legacy_id: "201",
        tenant_id: "SA01",
        username: "razak.ali",
        email: "razak.ali@gmail.com",
        first_name: "Razak",
        status: "active",
      },
      {
        legacy_id: "203",
        tenant_id: "SA01",
        username: "tan.kl",
        email: "tan.kl@yahoo.com",
        first_name: "Kok Leong",
        status: "active",
      },
      {
        legacy_id: "204",
        tenant_id: "SA01",
        username: "tan.mei",
        email: null,
        first_name: "Mei",
        status: "active",
      },
      {
        legacy_id: "205",
        tenant_id: "SA01",
        username: "fatimah.a",
        email: null,
        first_name: "Fatimah",
        status: "active",
      },
      {
        legacy_id: "206",
        tenant_id: "SA01",
        username: "hamid",
        email: null,
        first_name: "Abdul",
        status: "active",
      },
      {
        legacy_id: "208",
        tenant_id: "SA01",
        username: "wong.ck",
        email: "wong.ck@gmail.com",
        first_name: "Chee Keong",
        status: "inactive",
      },
      {
        legacy_id: "210",
        tenant_id: "SA01",
        username: "zainab.o",
        email: null,
        first_name: "Zainab",
        status: "active",
      },
      {
        legacy_id: "212",
        tenant_id: "SA01",
        username: "halimah.o",
        email: "halimah.o@gmail.com",
        first_name: "Halimah",
        status: "active",
      },
      {
        legacy_id: "3",
        tenant_id: "SB02",
        username: "raj.kumar",
        email: "raj.kumar@sb02.edu.my",
        first_name: "Raj",
        status: "active",
      },
      {
        legacy_id: "108",
        tenant_id: "SB02",
        username: "lim.wei",
        email: null,
        first_name: "Wei",
        status: "pending",
      },
      {
        legacy_id: "209",
        tenant_id: "SB02",
        username: "lim.boon",
        email: "lim.boon@gmail.com",
        first_name: "Boon",
        status: "active",
      },
    ])
    // A contact value that cannot be used costs the value, never the person.
    expect(out.rejected).toEqual([])
    expect(
      out.notes
        .filter((n) => ["105", "204", "205"].includes(n.key) && n.message.endsWith("stored as empty"))
        .map((n) => [n.key, n.column, n.rule]),
    ).toEqual([
      ["105", "email", "email"],
      ["204", "email", "email"],
      ["205", "phone1", "phone"],
      ["205", "officialName", "text"],
    ])
    expect(out.skipped.map((s) => s.key)).toEqual(["4", "104", "202", "207", "211"])
  })

  it("maps students with national ids from the ID cards", () => {
    const nationalIds = GibbonDocuments.nationalIds(documents, types, base)
    const out = byTenant((tenant) => {
      const numbers = StudentNumber.plan(
        Gibbon.numberInputs(
          persons.filter((p) => tenantOf(ownPerson(p)) === tenant),
          { ...base, tenant, roles },
        ),
        tenant,
      )
      return Gibbon.students({ ...base, tenant, roles, numbers, nationalIds })
    })
    expect(
      pick(
        out.rows,
        "legacy_id",
        "tenant_id",
        "student_number",
        "national_id",
        "date_of_birth",
        "gender",
        "status",
      ),
    ).toEqual([
      {
        legacy_id: "101",
        tenant_id: "SA01",
        student_number: "S2020-001",
        national_id: "120314-14-5523",
        date_of_birth: "2012-03-14",
        gender: "male",
        status: "active",
      },
      {
        legacy_id: "102",
        tenant_id: "SA01",
        student_number: "S2020-002",
        national_id: "120505-10-5678",
        date_of_birth: "2012-05-05",
        gender: "female",
        status: "active",
      },
      {
        legacy_id: "105",
        tenant_id: "SA01",
        student_number: "S2020-005",
        national_id: null,
        date_of_birth: "2012-08-08",
        gender: "male",
        status: "active",
      },
      {
        legacy_id: "106",
        tenant_id: "SA01",
        student_number: "STU2021SA010001",
        national_id: null,
        date_of_birth: null,
        gender: "female",
        status: "active",
      },
      {
        legacy_id: "107",
        tenant_id: "SA01",
        student_number: "S2019-007",
        national_id: null,
        date_of_birth: "2011-01-20",
        gender: "male",
        status: "withdrawn",
      },
      {
        legacy_id: "109",
        tenant_id: "SA01",
        student_number: "S2020-009",
        national_id: null,
        date_of_birth: "2012-12-12",
        gender: null,
        status: "active",
      },
      {
        legacy_id: "108",
        tenant_id: "SB02",
        student_number: "S2025-108",
        national_id: null,
        date_of_birth: "2013-04-04",
        gender: "male",
        status: "active",
      },
    ])
    expect(out.rejected).toEqual([
      { key: "103", reasons: [{ column: "studentID", rule: "student_number_unique" }] },
      { key: "104", reasons: [{ column: "username", rule: "user_link" }] },
    ])
    // 110 is pending approval: not admitted, so not a student yet; skipped, not rejected.
    expect(out.skipped.filter((s) => s.key === "110")).toEqual([
      { key: "110", reason: "pending approval in Gibbon: not admitted, so not a student yet" },
    ])
    expect(out.notes.filter((n) => n.rule === "national_id")).toEqual([
      {
        key: "107",
        column: "documentNumber",
        rule: "national_id",
        message: expect.stringMatching(/^ID Card 3: .*; not used as the national id$/),
      },
    ])
  })

  it("maps teachers: staff with a login", () => {
    const out = byTenant((tenant) => Gibbon.teachers({ ...base, tenant, roles }))
    expect(pick(out.rows, "legacy_id", "tenant_id", "hire_date", "employment_status")).toEqual([
      { legacy_id: "1", tenant_id: "SA01", hire_date: "2015-01-05", employment_status: "active" },
      { legacy_id: "2", tenant_id: "SA01", hire_date: "2018-01-02", employment_status: "active" },
      { legacy_id: "3", tenant_id: "SB02", hire_date: "2021-07-01", employment_status: "active" },
    ])
    expect(out.rejected).toEqual([{ key: "4", reasons: [{ column: "username", rule: "user_link" }] }])
  })

  it("keeps names as printed on certificates, and the dates of birth and genders of staff and parents", () => {
    const named = (rows: ReadonlyArray<Record<string, unknown>>) =>
      pick(rows, "legacy_id", "official_name", "name_in_script").filter(
        (r) => r.official_name !== null || r.name_in_script !== null,
      )
    const users = byTenant((tenant) => Gibbon.users({ ...base, tenant, roles, passwords: "carry-over" }))
    expect(named(users.rows)).toEqual([
      { legacy_id: "1", official_name: "Abdul Rahman bin Ismail", name_in_script: "عبدالرحمن بن إسماعيل" },
      { legacy_id: "2", official_name: "Nurul Huda binti Abdullah", name_in_script: "نور الهدى بنت عبدالله" },
      { legacy_id: "102", official_name: "Tan Zoe", name_in_script: "陈佐伊" },
      { legacy_id: "203", official_name: "Tan Kok Leong", name_in_script: "陈国良" },
    ])
    const teachers = byTenant((tenant) => Gibbon.teachers({ ...base, tenant, roles }))
    expect(pick(teachers.rows, "legacy_id", "date_of_birth", "gender")).toEqual([
      { legacy_id: "1", date_of_birth: "1975-06-01", gender: "male" },
      { legacy_id: "2", date_of_birth: "1985-09-09", gender: "female" },
      { legacy_id: "3", date_of_birth: null, gender: "male" },
    ])
    const guardians = byTenant((tenant) => GibbonFamily.guardians({ ...base, tenant, roles }))
    expect(named(guardians.rows)).toEqual([
      { legacy_id: "2", official_name: "Nurul Huda binti Abdullah", name_in_script: "نور الهدى بنت عبدالله" },
      { legacy_id: "203", official_name: "Tan Kok Leong", name_in_script: "陈国良" },
    ])
    const details = new Map(guardians.rows.map((r) => [r.legacy_id, [r.date_of_birth, r.gender]]))
    expect(details.get("2")).toEqual(["1985-09-09", "female"])
    expect(details.get("201")).toEqual(["1980-01-01", "male"])
    expect(details.get("210")).toEqual([null, null])
    // A date of birth in the future costs the parent the date, not the row.
    expect(details.get("206")).toEqual([null, "male"])
    expect(guardians.notes.filter((n) => n.column === "dob").map((n) => [n.key, n.message])).toEqual([
      ["206", "2031-05-05 is in the future; stored as empty"],
    ])
  })

  it("maps parents to guardians with ID card national ids and the family's home address", () => {
    const nationalIds = GibbonDocuments.nationalIds(documents, types, base)
    const homes = GibbonFamily.homes(families, adults)
    const out = byTenant((tenant) => GibbonFamily.guardians({ ...base, tenant, roles, nationalIds, homes }))
    expect(
      pick(
        out.rows,
        "legacy_id",
        "tenant_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "national_id",
        "occupation",
      ),
    ).toEqual([
      {
        legacy_id: "2",
        tenant_id: "SA01",
        first_name: "Nurul",
        last_name: "Huda",
        email: "nurul.huda@sa01.edu.my",
        phone: "+60127001234",
        national_id: null,
        occupation: "Teacher",
      },
      {
        legacy_id: "201",
        tenant_id: "SA01",
        first_name: "Razak",
        last_name: "Ali",
        email: "razak.ali@gmail.com",
        phone: "+60123456789",
        national_id: "800101-14-5671",
        occupation: "Engineer",
      },
      {
        legacy_id: "202",
        tenant_id: "SA01",
        first_name: "Aminah",
        last_name: "Yusof",
        email: "aminah.yusof@mail.com",
        phone: "+60132223333",
        national_id: "820202-10-5682",
        occupation: null,
      },
      {
        legacy_id: "203",
        tenant_id: "SA01",
        first_name: "Kok Leong",
        last_name: "Tan",
        email: "tan.kl@yahoo.com",
        phone: "+6591234567",
        national_id: "750615-08-5133",
        occupation: "Accountant",
      },
      {
        legacy_id: "204",
        tenant_id: "SA01",
        first_name: "Mei",
        last_name: "Tân",
        email: null,
        phone: null,
        national_id: null,
        occupation: null,
      },
      {
        legacy_id: "205",
        tenant_id: "SA01",
        first_name: "Fatimah",
        last_name: "Abdullah",
        email: null,
        phone: null,
        national_id: null,
        occupation: null,
      },
      {
        legacy_id: "206",
        tenant_id: "SA01",
        first_name: "Abdul",
        last_name: "Hamid",
        email: null,
        phone: "+60198887777",
        national_id: null,
        occupation: null,
      },
      {
        legacy_id: "207",
        tenant_id: "SA01",
        first_name: "Nora",
        last_name: "Hamid",
        email: null,
        phone: null,
        national_id: null,
        occupation: "Nurse",
      },
      {
        legacy_id: "208",
        tenant_id: "SA01",
        first_name: "Chee Keong",
        last_name: "Wong",
        email: "wong.ck@gmail.com",
        phone: null,
        national_id: null,
        occupation: null,
      },
      {
        legacy_id: "210",
        tenant_id: "SA01",
        first_name: "Zainab",
        last_name: "Osman",
        email: null,
        phone: null,
        national_id: null,
        occupation: null,
      },
      {
        legacy_id: "212",
        tenant_id: "SA01",
        first_name: "Halimah",
        last_name: "Osman",
        email: "halimah.o@gmail.com",
        phone: null,
        national_id: null,
        occupation: null,
      },
      {
        legacy_id: "209",
        tenant_id: "SB02",
        first_name: "Boon",
        last_name: "Lim",
        email: "lim.boon@gmail.com",
        phone: null,
        national_id: null,
        occupation: null,
      },
    ])
    const row = (key: string) => out.rows.find((r) => r.legacy_id === key)!
    expect(row("202").user_id).toBeNull()
    expect(row("201").user_id).not.toBeNull()
    expect(row("207").address).toEqual(row("206").address)
    expect(row("207").address).toMatchObject({ line1: "3 Lorong Maarof", city: "Bangsar" })
    expect(out.rejected).toEqual([{ key: "211", reasons: [{ column: "firstName", rule: "person_name" }] }])
    expect(out.skipped.map((s) => s.key)).toEqual([
      "1",
      "4",
      "101",
      "102",
      "103",
      "104",
      "105",
      "106",
      "107",
      "109",
      "110",
      "3",
      "108",
    ])
    expect(out.notes.filter((n) => n.rule === "national_id").map((n) => n.key)).toEqual(["203"])
  })
})

describe("foreign keys across the Gibbon people entities", () => {
  it("resolve to mapped rows, except links to a student or guardian the mappers rejected", () => {
    const nationalIds = GibbonDocuments.nationalIds(documents, types, base)
    const personIndex = GibbonFamily.indexPersons(persons, roles)
    const people = <Row extends Gibbon.PersonRow>(
      make: (tenant: string) => {
        name: string
        transform: Transform.Transform<Row>
        target: { columns: ReadonlyArray<string> }
      },
    ) => runByTenant(make, persons as ReadonlyArray<Row>, personKey, ownPerson).rows
    const ids = (rows: ReadonlyArray<Record<string, unknown>>) => new Set(rows.map((r) => r.id))
    const users = ids(people((tenant) => Gibbon.users({ ...base, tenant, roles, passwords: "carry-over" })))
    const studentRows = people((tenant) =>
      Gibbon.students({
        ...base,
        tenant,
        roles,
        nationalIds,
        numbers: StudentNumber.plan(
          Gibbon.numberInputs(
            persons.filter((p) => tenantOf(ownPerson(p)) === tenant),
            { ...base, tenant, roles },
          ),
          tenant,
        ),
      }),
    )
    // A student row loads only when its user row does.
    const students = ids(studentRows.filter((r) => users.has(r.user_id)))
    expect(studentRows.length - students.size).toBe(0)
    const guardianRows = people((tenant) => GibbonFamily.guardians({ ...base, tenant, roles }))
    expect(guardianRows.filter((r) => r.user_id !== null && !users.has(r.user_id))).toEqual([])
    const guardians = ids(guardianRows)
    const links = runByTenant(
      (tenant) => GibbonFamily.studentGuardians({ ...base, tenant, persons: personIndex }),
      GibbonFamily.familyPairs(adults, children, relationships),
      (p) => p.key,
      (p) => Gibbon.normalizeId(p.adult.gibbonPersonID),
    ).rows
    // The load refuses these by their foreign key: 103 (duplicate studentID) has no student row. 105
    // (bad email), 204 (bad email) and 205 (bad phone) lost the value only, so their links load.
    expect(
      links
        .filter((l) => !students.has(l.student_id) || !guardians.has(l.guardian_id))
        .map((l) => l.legacy_id),
    ).toEqual(["3:205:103", "3:2:103"])
    const docs = runByTenant(
      (tenant) => GibbonDocuments.documents({ ...base, tenant, types, persons: personIndex }),
      documents,
      (d) => String(d.gibbonPersonalDocumentID),
      GibbonDocuments.ownerOf,
    ).rows
    expect(
      docs.filter(
        (d) =>
          (d.user_id !== null && !users.has(d.user_id)) ||
          (d.student_id !== null && !students.has(d.student_id)) ||
          (d.guardian_id !== null && !guardians.has(d.guardian_id)),
      ),
    ).toEqual([])
  })
})

describe("gibbonFamily → student_guardians", () => {
  const run = () => {
    const pairs = GibbonFamily.familyPairs(adults, children, relationships)
    const personIndex = GibbonFamily.indexPersons(persons, roles)
    return runByTenant(
      (tenant) => GibbonFamily.studentGuardians({ ...base, tenant, persons: personIndex }),
      pairs,
      (p) => p.key,
      (p) => Gibbon.normalizeId(p.adult.gibbonPersonID),
    )
  }

  it("links each adult to each child of the family, with exact rejections", () => {
    const out = run()
    expect(
      pick(
        out.rows,
        "legacy_id",
        "tenant_id",
        "relationship",
        "is_primary",
        "contact_priority",
        "is_emergency_contact",
      ),
    ).toEqual([
      {
        legacy_id: "1:201:101",
        tenant_id: "SA01",
        relationship: "father",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
      {
        legacy_id: "1:202:101",
        tenant_id: "SA01",
        relationship: "mother",
        is_primary: false,
        contact_priority: 2,
        is_emergency_contact: false,
      },
      {
        legacy_id: "2:203:102",
        tenant_id: "SA01",
        relationship: "father",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
      {
        legacy_id: "2:204:102",
        tenant_id: "SA01",
        relationship: "guardian",
        is_primary: false,
        contact_priority: 2,
        is_emergency_contact: true,
      },
      {
        legacy_id: "3:205:103",
        tenant_id: "SA01",
        relationship: "mother",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
      {
        legacy_id: "3:2:103",
        tenant_id: "SA01",
        relationship: "relative",
        is_primary: false,
        contact_priority: 2,
        is_emergency_contact: false,
      },
      {
        legacy_id: "4:206:106",
        tenant_id: "SA01",
        relationship: "guardian",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
      {
        legacy_id: "4:207:106",
        tenant_id: "SA01",
        relationship: "guardian",
        is_primary: false,
        contact_priority: null,
        is_emergency_contact: true,
      },
      {
        legacy_id: "5:208:105",
        tenant_id: "SA01",
        relationship: "father",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
      {
        legacy_id: "7:212:109",
        tenant_id: "SA01",
        relationship: "grandparent",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
      {
        legacy_id: "6:209:108",
        tenant_id: "SB02",
        relationship: "father",
        is_primary: true,
        contact_priority: 1,
        is_emergency_contact: true,
      },
    ])
    expect(out.rejected).toEqual([
      { key: "4:206:104", reasons: [{ column: "gibbonFamilyChild.gibbonPersonID", rule: "student_link" }] },
      {
        key: "4:4:104",
        reasons: [
          { column: "gibbonFamilyAdult.gibbonPersonID", rule: "guardian_role" },
          { column: "gibbonFamilyChild.gibbonPersonID", rule: "student_link" },
        ],
      },
      { key: "4:4:106", reasons: [{ column: "gibbonFamilyAdult.gibbonPersonID", rule: "guardian_role" }] },
      { key: "4:207:104", reasons: [{ column: "gibbonFamilyChild.gibbonPersonID", rule: "student_link" }] },
      {
        key: "7:212:999",
        reasons: [{ column: "gibbonFamilyChild.gibbonPersonID", rule: "student_missing" }],
      },
      { key: "8:201:101", reasons: [{ column: null, rule: "student_guardian_unique" }] },
    ])
    expect(out.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["2:204:102", "relationship", "relationship"],
      ["4:206:106", "relationship", "relationship"],
      ["4:207:106", "contactPriority", "contact_priority"],
      ["4:207:106", "relationship", "relationship"],
      ["7:212:109", "contactCall", "yes_no"],
    ])
  })

  it("points at the student and guardian rows, and gives the same ids on a second run", () => {
    const first = run()
    const second = run()
    expect(second.rows).toEqual(first.rows)
    const link = first.rows.find((r) => r.legacy_id === "1:201:101")!
    const personIndex = GibbonFamily.indexPersons(persons, roles)
    const guardians = runByTenant(
      (tenant) => GibbonFamily.guardians({ ...base, tenant, roles }),
      persons,
      personKey,
      ownPerson,
    )
    const numbers = StudentNumber.plan(
      Gibbon.numberInputs(persons, { ...base, tenant: "SA01", roles }),
      "SA01",
    )
    const students = runByTenant(
      (tenant) => Gibbon.students({ ...base, tenant, roles, numbers }),
      persons,
      personKey,
      ownPerson,
    )
    expect(link.guardian_id).toBe(guardians.rows.find((r) => r.legacy_id === "201")!.id)
    expect(link.student_id).toBe(students.rows.find((r) => r.legacy_id === "101")!.id)
    expect(personIndex.get("4")).toEqual({ categories: new Set(["Staff"]), login: false })
    expect(new Set(first.rows.map((r) => r.id)).size).toBe(first.rows.length)
  })
})
