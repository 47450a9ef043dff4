import { TargetId, Transform } from "@schoolbridge/core"
import { Financial } from "@schoolbridge/schema"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { LegacySisFees as Fees, LegacySisAcademic } from "../src/index.js"

const base = {
  tenant: "SA01",
  asOf: "2025-01-15",
  loadedAt: "2025-01-15T00:00:00.000Z",
} as const

const runBatch = <Row>(
  entity: { name: string; transform: Transform.Transform<Row> },
  rows: ReadonlyArray<Row>,
  keys: ReadonlyArray<string>,
) => Transform.run(entity.transform, rows, keys, { entity: entity.name, tenant: "SA01" })

const record = (row: Transform.Row) =>
  Object.fromEntries(Financial.FeeStructures.columns.map((c, i) => [c, row[i]]))

const fee = (over: Partial<Fees.FeeStructureRow>): Fees.FeeStructureRow => ({
  fee_id: 1,
  fee_code: null,
  fee_name: null,
  description: null,
  amount: null,
  frequency: null,
  grade_level: null,
  academic_year: null,
  created_date: "2024-01-02 09:00:00",
  modified_date: "2024-06-01 09:00:00",
  ...over,
})

// Dirty: RM marks and separators, Malay frequencies, no frequency, an unknown frequency, a negative
// fee, another currency, no name, an unreadable flag and year.
const fees: ReadonlyArray<Fees.FeeStructureRow> = [
  fee({
    fee_id: 1,
    fee_code: " TUI-Y1 ",
    fee_name: "Yuran  Pengajian",
    description: "Tuition,\nYear 1",
    amount: "RM 1,200.00",
    frequency: "Bulanan",
    grade_level: "Year 1",
    academic_year: "2024",
    is_active: "Y",
  }),
  fee({ fee_id: 2, fee_name: "Registration", amount: 150, academic_year: "2024/25", is_active: "dunno" }),
  fee({ fee_id: 3, fee_name: "Bus", amount: "80", frequency: "fortnightly" }),
  fee({ fee_id: 4, fee_name: "Refund", amount: "-50", frequency: "T", is_active: 0 }),
  fee({ fee_id: 5, fee_name: "Trip", amount: "USD 20" }),
  fee({ fee_id: 6, fee_name: "", amount: null, academic_year: "someday" }),
]

describe("LegacySisFees.feeStructures", () => {
  const entity = Fees.feeStructures(base)
  const keys = ["1", "2", "3", "4", "5", "6"]

  it("maps, rejects and notes the dirty fixture, years resolved by name", () => {
    const result = runBatch(entity, fees, keys)
    const common = {
      tenant_id: "SA01",
      currency: "MYR",
      legacy_source: "legacy-sis.fee_structures",
      created_at: "2024-01-02T01:00:00.000Z",
      updated_at: "2024-06-01T01:00:00.000Z",
      deleted_at: null,
    }
    expect(result.ok.map(record)).toEqual([
      {
        ...common,
        id: TargetId.of(Fees.feeStructuresEntity, "SA01", "1"),
        academic_year_id: TargetId.of(LegacySisAcademic.academicYearsEntity, "SA01", "2024"),
        code: "TUI-Y1",
        name: "Yuran Pengajian",
        description: "Tuition,\nYear 1",
        amount: "1200.00",
        frequency: "monthly",
        grade_level: "Year 1",
        is_active: true,
        legacy_id: "1",
      },
      {
        ...common,
        id: TargetId.of(Fees.feeStructuresEntity, "SA01", "2"),
        academic_year_id: TargetId.of(LegacySisAcademic.academicYearsEntity, "SA01", "2024/2025"),
        code: null,
        name: "Registration",
        description: null,
        amount: "150.00",
        frequency: "one_time",
        grade_level: null,
        is_active: true,
        legacy_id: "2",
      },
    ])
    expect(
      result.ok.map(
        (r) =>
          Schema.decodeUnknownEither(Financial.FeeStructures.schema as Schema.Schema<unknown>)(record(r))
            ._tag,
      ),
    ).toEqual(["Right", "Right"])
    expect(result.rejected.map((r) => [r.key, r.reasons.map((x) => [x.column, x.rule])])).toEqual([
      ["3", [["frequency", "fee_frequency"]]],
      ["4", [["amount", "amount_range"]]],
      ["5", [["amount", "money"]]],
      [
        "6",
        [
          ["fee_name", "text"],
          ["amount", "money"],
        ],
      ],
    ])
    // The notes of the mapped rows, besides the Malaysian-time conversion every timestamp gets.
    const notes = result.notes.filter(
      (n) => ["1", "2"].includes(n.key) && n.rule !== "timestamp" && n.rule !== "text",
    )
    expect(notes.map((n) => [n.key, n.column, n.rule, n.message])).toEqual([
      ["1", "amount", "money", expect.any(String)],
      ["1", "frequency", "fee_frequency", expect.any(String)],
      ["2", "amount", "money", expect.any(String)],
      ["2", "frequency", "fee_frequency", "no frequency: charged once (one_time)"],
      ["2", "is_active", "flag", "dunno is not a yes/no value; kept active"],
    ])
  })
  it("is idempotent", () => {
    expect(runBatch(entity, fees, keys)).toEqual(runBatch(entity, fees, keys))
  })
})
