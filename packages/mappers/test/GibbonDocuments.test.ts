import { TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import * as Gibbon from "../src/Gibbon.js"
import * as GibbonDocuments from "../src/GibbonDocuments.js"
import * as GibbonFamily from "../src/GibbonFamily.js"

const base = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z" } as const

// gibbonPersonalDocumentType as installed, zero-filled as some drivers return it.
const types = GibbonDocuments.indexTypes([
  { gibbonPersonalDocumentTypeID: "001", name: "Primary Passport", document: "Passport" },
  { gibbonPersonalDocumentTypeID: "003", name: "ID Card", document: "ID Card" },
  { gibbonPersonalDocumentTypeID: "004", name: "Residency/Visa", document: "Visa" },
  { gibbonPersonalDocumentTypeID: "005", name: "Birth Certificate", document: "Document" },
])

const doc = (over: Partial<GibbonDocuments.DocumentRow>): GibbonDocuments.DocumentRow => ({
  gibbonPersonalDocumentID: 1,
  gibbonPersonalDocumentTypeID: 3,
  foreignTable: "gibbonPerson",
  foreignTableID: 101,
  document: "ID Card",
  documentNumber: null,
  documentName: null,
  documentType: null,
  dateIssue: null,
  dateExpiry: null,
  filePath: null,
  country: null,
  timestamp: null,
  ...over,
})

// 101 a student, 201 a parent without a login, 1 staff with one, 4 staff without.
const persons: GibbonFamily.PersonIndex = new Map([
  ["101", { categories: new Set(["Student"] as const), login: true }],
  ["201", { categories: new Set(["Parent"] as const), login: false }],
  ["1", { categories: new Set(["Staff"] as const), login: true }],
  ["4", { categories: new Set(["Staff"] as const), login: false }],
])

const entity = GibbonDocuments.documents({ ...base, types, persons })
const run = (rows: ReadonlyArray<GibbonDocuments.DocumentRow>) =>
  Transform.run(
    entity.transform,
    rows,
    rows.map((r) => String(r.gibbonPersonalDocumentID)),
    { entity: entity.name, tenant: "SA01" },
  )
const rowsOf = (ok: ReadonlyArray<ReadonlyArray<unknown>>) =>
  ok.map((r) => Object.fromEntries(Academic.PersonDocuments.columns.map((c, i) => [c, r[i]])))
const id = (entity: string, key: string) => TargetId.forEntity(entity)("SA01", key)

describe("document types", () => {
  it("index by normalized id; a document's kind is its type's, else its own column", () => {
    expect(types.get("3")).toEqual({ name: "ID Card", kind: "id_card" })
    expect(GibbonDocuments.kindOf(doc({ gibbonPersonalDocumentTypeID: "0001", document: "" }), types)).toBe(
      "passport",
    )
    expect(GibbonDocuments.kindOf(doc({ gibbonPersonalDocumentTypeID: 9, document: "Visa" }), types)).toBe(
      "visa",
    )
    expect(GibbonDocuments.kindOf(doc({ gibbonPersonalDocumentTypeID: 9, document: "" }), types)).toBeNull()
  })

  it("knows a person's documents from those of other tables", () => {
    expect(GibbonDocuments.ownerOf(doc({ foreignTableID: "0000000101" }))).toBe("101")
    expect(GibbonDocuments.ownerOf(doc({ foreignTable: "gibbonAdmissionsApplication" }))).toBeUndefined()
  })
})

describe("national ids", () => {
  it("takes the first valid MyKad per person, noting bad and conflicting cards; foreign cards and passports are not ids", () => {
    const plan = GibbonDocuments.nationalIds(
      [
        doc({ gibbonPersonalDocumentID: 5, foreignTableID: 101, documentNumber: "120314145523" }),
        doc({ gibbonPersonalDocumentID: 2, foreignTableID: 101, documentNumber: "120314-14-5525" }),
        doc({ gibbonPersonalDocumentID: 3, foreignTableID: 201, documentNumber: "A1234567" }),
        doc({
          gibbonPersonalDocumentID: 4,
          foreignTableID: 1,
          documentNumber: "1234 5678 9012",
          country: "India",
        }),
        doc({
          gibbonPersonalDocumentID: 6,
          foreignTableID: 4,
          gibbonPersonalDocumentTypeID: 1,
          documentNumber: "790303-10-5544",
        }),
        doc({
          gibbonPersonalDocumentID: 7,
          foreignTable: "gibbonAdmissionsApplication",
          foreignTableID: 4,
          documentNumber: "790303-10-5544",
        }),
      ],
      types,
      base,
    )
    expect([...plan.ids]).toEqual([["101", "120314-14-5525"]])
    expect([...plan.notes]).toEqual([
      [
        "201",
        "ID Card 3: not a MyKad number: looks like a passport or old IC number (letters and digits); not used as the national id",
      ],
      ["101", "ID Card 5 holds 120314-14-5523, another card 120314-14-5525: kept 120314-14-5525"],
    ])
  })

  it("notes an ID card with an empty number: the person has no national id, and that is said", () => {
    const plan = GibbonDocuments.nationalIds(
      [doc({ gibbonPersonalDocumentID: 9, foreignTableID: 102, documentNumber: "  " })],
      types,
      base,
    )
    expect(plan.ids.size).toBe(0)
    expect([...plan.notes]).toEqual([["102", "ID Card 9: no document number; no national id"]])
  })

  it("a bad card is not noted when the person has a good one", () => {
    const plan = GibbonDocuments.nationalIds(
      [
        doc({ gibbonPersonalDocumentID: 1, documentNumber: "991332-14-5678" }),
        doc({ gibbonPersonalDocumentID: 2, documentNumber: "120314-14-5523" }),
      ],
      types,
      base,
    )
    expect([...plan.ids]).toEqual([["101", "120314-14-5523"]])
    expect(plan.notes.size).toBe(0)
  })
})

describe("gibbon.person_documents", () => {
  it("maps a student's passport and a parent's ID card, pointing at their portal rows", () => {
    const out = run([
      doc({
        gibbonPersonalDocumentID: "000000000008",
        gibbonPersonalDocumentTypeID: "001",
        document: "Passport",
        documentNumber: " A12345678 ",
        documentName: "AISYAH BINTI OSMAN",
        dateIssue: "2020-01-10",
        dateExpiry: "2025-01-09",
        filePath: "uploads/passport.pdf",
        country: "Malaysia",
        timestamp: "2020-01-11 10:15:00",
      }),
      doc({ gibbonPersonalDocumentID: 9, foreignTableID: 201, documentNumber: "800101145671" }),
    ])
    expect(rowsOf(out.ok)).toEqual([
      {
        id: id(entity.name, "8"),
        tenant_id: "SA01",
        user_id: id(Gibbon.usersEntity, "101"),
        student_id: id(Gibbon.studentsEntity, "101"),
        guardian_id: null,
        document_type: "passport",
        title: "Primary Passport",
        subtype: null,
        holder_name: "AISYAH BINTI OSMAN",
        document_number: "A12345678",
        country: "MY",
        issued_on: "2020-01-10",
        expires_on: "2025-01-09",
        file_path: "uploads/passport.pdf",
        legacy_source: "gibbon.person_documents",
        legacy_id: "8",
        created_at: "2020-01-11T02:15:00.000Z",
        updated_at: "2020-01-11T02:15:00.000Z",
        deleted_at: null,
      },
      {
        id: id(entity.name, "9"),
        tenant_id: "SA01",
        user_id: null,
        student_id: null,
        guardian_id: id(GibbonFamily.guardiansEntity, "201"),
        document_type: "id_card",
        title: "ID Card",
        subtype: null,
        holder_name: null,
        document_number: "800101-14-5671",
        country: null,
        issued_on: null,
        expires_on: null,
        file_path: null,
        legacy_source: "gibbon.person_documents",
        legacy_id: "9",
        created_at: base.loadedAt,
        updated_at: base.loadedAt,
        deleted_at: null,
      },
    ])
    expect(out.notes.map((n) => [n.key, n.column, n.rule])).toEqual([
      ["000000000008", "timestamp", "timestamp"],
      ["000000000008", "country", "country"],
      ["9", "documentNumber", "mykad"],
    ])
  })

  it("rejects with every reason, keeps foreign ID cards as they are, and skips application documents", () => {
    const out = run([
      doc({ gibbonPersonalDocumentID: 1, documentNumber: "991332-14-5678", foreignTableID: 999 }),
      doc({
        gibbonPersonalDocumentID: 2,
        gibbonPersonalDocumentTypeID: 1,
        dateIssue: "2022-05-01",
        dateExpiry: "2021-05-01",
        foreignTableID: 4,
      }),
      doc({ gibbonPersonalDocumentID: 3, gibbonPersonalDocumentTypeID: 9, document: "" }),
      doc({
        gibbonPersonalDocumentID: 4,
        foreignTableID: 1,
        documentNumber: "1234 5678 9012",
        country: "IN",
      }),
      doc({ gibbonPersonalDocumentID: 5, foreignTable: "gibbonAdmissionsApplication" }),
      doc({ gibbonPersonalDocumentID: "x", gibbonPersonalDocumentTypeID: 5, document: "Document" }),
      doc({ gibbonPersonalDocumentID: 6, gibbonPersonalDocumentTypeID: 5, dateIssue: "31/02/2020" }),
    ])
    expect(out.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      [
        "1",
        [
          ["foreignTableID", "holder"],
          ["documentNumber", "mykad"],
        ],
      ],
      [
        "2",
        [
          ["foreignTableID", "holder"],
          ["dateExpiry", "date_order"],
        ],
      ],
      ["3", [["gibbonPersonalDocumentTypeID", "document_type"]]],
      ["x", [["gibbonPersonalDocumentID", "gibbon_id"]]],
    ])
    expect(out.skipped).toEqual([
      { key: "5", reason: "belongs to gibbonAdmissionsApplication, not to a person" },
    ])
    expect(
      rowsOf(out.ok).map((r) => [r.legacy_id, r.document_type, r.document_number, r.country, r.issued_on]),
    ).toEqual([
      ["4", "id_card", "1234 5678 9012", "IN", null],
      ["6", "document", null, null, null],
    ])
    expect(out.notes.filter((n) => n.key === "6").map((n) => [n.column, n.rule])).toEqual([
      ["dateIssue", "date"],
    ])
  })

  it("gives the same ids on a second run", () => {
    const rows = [
      doc({ gibbonPersonalDocumentID: 11 }),
      doc({ gibbonPersonalDocumentID: 12, foreignTableID: 201 }),
    ]
    expect(run(rows).ok).toEqual(run(rows).ok)
    expect(entity.dependsOn).toEqual(["gibbon.users", "gibbon.students", "gibbon.guardians"])
  })
})
