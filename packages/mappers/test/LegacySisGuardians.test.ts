import { TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as LegacySis from "../src/LegacySis.js"
import * as Guardians from "../src/LegacySisGuardians.js"

const base = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
} as const

// The transform run as the engine runs it (Transform.run), for tenant SA01.
const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const decodes = (
  table: { readonly schema: unknown; readonly columns: ReadonlyArray<string> },
  rows: ReadonlyArray<Transform.Row>,
) =>
  rows.map(
    (r) =>
      Schema.decodeUnknownEither(table.schema as Schema.Schema<unknown>)(
        Object.fromEntries(table.columns.map((c, i) => [c, r[i]])),
      )._tag,
  )

const guardian = (over: Partial<Guardians.GuardianRow>): Guardians.GuardianRow => ({
  guardian_id: 1,
  student_id: 1,
  first_name: null,
  last_name: null,
  email: null,
  phone: null,
  ic_number: null,
  occupation: null,
  relationship: null,
  is_primary: null,
  address1: null,
  address2: null,
  city: null,
  state: null,
  postal_code: null,
  country: null,
  created_date: "2020-01-10 09:00:00",
  modified_date: null,
  ...over,
})

// Dirty: case and spaces, Malay relationships, Y/N flags, a legacy priority, a bad email, a bad phone,
// a missing name, a guardian with no student, a flag that is neither yes nor no.
const rows: ReadonlyArray<Guardians.GuardianRow> = [
  guardian({
    guardian_id: 1,
    student_id: 1,
    user_id: 2,
    first_name: "rahman",
    last_name: "bin ismail",
    email: " Rahman@Example.COM",
    phone: "012-345 6789",
    ic_number: "800101-14-5677",
    occupation: " Engineer ",
    relationship: "Bapa",
    is_primary: "N",
    priority: "2",
    address1: "12 Jalan Mawar",
    city: "Shah Alam",
    state: "Selangor",
    postal_code: "40000",
  }),
  guardian({
    guardian_id: 2,
    student_id: 1,
    first_name: "Aminah",
    last_name: "Yusof",
    phone: "+60 13 222 3344",
    relationship: "ibu",
    is_primary: "Y",
    emergency_contact: 0,
  }),
  guardian({
    guardian_id: 3,
    student_id: 1,
    first_name: "Ali",
    relationship: "Uncle Bob",
    priority: "1",
    emergency_contact: "yes",
  }),
  guardian({ guardian_id: 4, student_id: null, first_name: "Orphan", relationship: "guardian" }),
  guardian({ guardian_id: 5, student_id: 2, first_name: "", email: "not-an-email", phone: "12" }),
  guardian({ guardian_id: 6, student_id: 2, first_name: "Siti", is_primary: "maybe" }),
]
const keys = rows.map((r) => String(r.guardian_id))
const priorities = Guardians.contactPriorities(rows)

describe("LegacySisGuardians.contactPriorities", () => {
  it("orders each student's guardians: primary, then legacy priority, then key", () => {
    expect(Object.fromEntries(priorities)).toEqual({ "1": 3, "2": 1, "3": 2, "5": 1, "6": 2 })
  })
})

describe("LegacySisGuardians.guardians", () => {
  it("maps, rejects and notes the dirty fixture", () => {
    const result = runBatch(Guardians.guardians(base), rows, keys)
    expect(decodes(Academic.Guardians, result.ok)).toEqual(["Right", "Right", "Right", "Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "1e77aded-2bb9-8000-8000-000000000001",
          "SA01",
          "2f16aded-2bb9-8000-8000-000000000002",
          "Rahman",
          "bin Ismail",
          null,
          null,
          null,
          null,
          "rahman@example.com",
          "+60123456789",
          "800101-14-5677",
          "Engineer",
          {
            "city": "Shah Alam",
            "country": "MY",
            "line1": "12 Jalan Mawar",
            "line2": null,
            "postcode": "40000",
            "state": "Selangor",
          },
          "legacy-sis.guardians",
          "1",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "1e77aded-2bb9-8000-8000-000000000002",
          "SA01",
          null,
          "Aminah",
          "Yusof",
          null,
          null,
          null,
          null,
          null,
          "+60132223344",
          null,
          null,
          null,
          "legacy-sis.guardians",
          "2",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "1e77aded-2bb9-8000-8000-000000000003",
          "SA01",
          null,
          "Ali",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          "legacy-sis.guardians",
          "3",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "1e77aded-2bb9-8000-8000-000000000004",
          "SA01",
          null,
          "Orphan",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          "legacy-sis.guardians",
          "4",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "1e77aded-2bb9-8000-8000-000000000006",
          "SA01",
          null,
          "Siti",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          "legacy-sis.guardians",
          "6",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`
      [
        {
          "key": "5",
          "reasons": [
            {
              "column": "first_name",
              "message": "missing",
              "rule": "person_name",
            },
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "first_name",
          "key": "1",
          "message": "capitalized the name (it was all lower case)",
          "rule": "person_name",
        },
        {
          "column": "last_name",
          "key": "1",
          "message": "capitalized the name (it was all lower case)",
          "rule": "person_name",
        },
        {
          "column": "email",
          "key": "1",
          "message": "trimmed spaces; converted to lower case",
          "rule": "email",
        },
        {
          "column": "phone",
          "key": "1",
          "message": "removed spaces; removed dashes; replaced the leading 0 with country code +60",
          "rule": "phone",
        },
        {
          "column": "created_date",
          "key": "1",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "occupation",
          "key": "1",
          "message": "trimmed surrounding whitespace",
          "rule": "text",
        },
        {
          "column": "address",
          "key": "1",
          "message": "assumed country MY",
          "rule": "address",
        },
        {
          "column": "phone",
          "key": "2",
          "message": "removed spaces",
          "rule": "phone",
        },
        {
          "column": "created_date",
          "key": "2",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "3",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "4",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "5",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
        {
          "column": "created_date",
          "key": "6",
          "message": "converted from Asia/Kuala_Lumpur to UTC",
          "rule": "timestamp",
        },
      ]
    `)
  })

  it("points at the user ids the users entity gives", () => {
    const result = runBatch(Guardians.guardians(base), rows, keys)
    expect(result.ok[0]![Academic.Guardians.columns.indexOf("user_id")]).toBe(
      TargetId.ordered(TargetId.prefix(LegacySis.usersEntity, "SA01"), 2),
    )
  })

  it("is idempotent", () => {
    const entity = Guardians.guardians(base)
    expect(runBatch(entity, rows, keys)).toEqual(runBatch(entity, rows, keys))
  })
})

describe("LegacySisGuardians.studentGuardians", () => {
  it("links guardians to students with contact priority; skips and rejects as guardians does", () => {
    const result = runBatch(Guardians.studentGuardians({ ...base, priorities }), rows, keys)
    expect(decodes(Academic.StudentGuardians, result.ok)).toEqual(["Right", "Right", "Right"])
    expect(result.ok).toMatchInlineSnapshot(`
      [
        [
          "856eaded-2bb9-8000-8000-000000000001",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          "1e77aded-2bb9-8000-8000-000000000001",
          "father",
          false,
          3,
          false,
          "legacy-sis.student_guardians",
          "1",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "856eaded-2bb9-8000-8000-000000000002",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          "1e77aded-2bb9-8000-8000-000000000002",
          "mother",
          true,
          1,
          true,
          "legacy-sis.student_guardians",
          "2",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
        [
          "856eaded-2bb9-8000-8000-000000000003",
          "SA01",
          "e5b5aded-2bb9-8000-8000-000000000001",
          "1e77aded-2bb9-8000-8000-000000000003",
          "guardian",
          false,
          2,
          true,
          "legacy-sis.student_guardians",
          "3",
          "2020-01-10T01:00:00.000Z",
          "2020-01-10T01:00:00.000Z",
          null,
        ],
      ]
    `)
    expect(result.skipped).toMatchInlineSnapshot(`
      [
        {
          "key": "4",
          "reason": "the guardian names no student: nothing to link",
        },
      ]
    `)
    expect(result.rejected.map((r) => ({ key: r.key, reasons: r.reasons }))).toMatchInlineSnapshot(`
      [
        {
          "key": "5",
          "reasons": [
            {
              "column": "first_name",
              "message": "missing",
              "rule": "person_name",
            },
          ],
        },
        {
          "key": "6",
          "reasons": [
            {
              "column": "is_primary",
              "message": "maybe is not yes or no",
              "rule": "flag",
            },
          ],
        },
      ]
    `)
    expect(result.notes).toMatchInlineSnapshot(`
      [
        {
          "column": "relationship",
          "key": "1",
          "message": "mapped "bapa" to "father"",
          "rule": "relationship",
        },
        {
          "column": "relationship",
          "key": "2",
          "message": "mapped "ibu" to "mother"",
          "rule": "relationship",
        },
        {
          "column": "relationship",
          "key": "3",
          "message": "unknown relationship "Uncle Bob"; stored as empty",
          "rule": "relationship",
          "value": "Uncle Bob",
        },
        {
          "column": "relationship",
          "key": "3",
          "message": "no known relationship: stored as guardian",
          "rule": "relationship",
        },
      ]
    `)
  })

  it("points at the guardian and student ids their entities give", () => {
    const links = runBatch(Guardians.studentGuardians({ ...base, priorities }), rows, keys)
    const people = runBatch(Guardians.guardians(base), rows, keys)
    const ids = new Map(people.okKeys.map((k, i) => [k, people.ok[i]![0]]))
    const cols = Academic.StudentGuardians.columns
    const student1 = TargetId.ordered(TargetId.prefix(LegacySis.studentsEntity, "SA01"), 1)
    expect(links.ok.map((r) => [r[cols.indexOf("guardian_id")], r[cols.indexOf("student_id")]])).toEqual([
      [ids.get("1"), student1],
      [ids.get("2"), student1],
      [ids.get("3"), student1],
    ])
  })

  it("is idempotent", () => {
    const entity = Guardians.studentGuardians({ ...base, priorities })
    expect(runBatch(entity, rows, keys)).toEqual(runBatch(entity, rows, keys))
  })
})
