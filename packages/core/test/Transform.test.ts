import { describe, expect, it } from "vitest"
import * as Entity from "../src/Entity.js"
import * as TargetId from "../src/TargetId.js"
import * as Transform from "../src/Transform.js"

describe("Transform.fromRow", () => {
  const t = Transform.fromRow<{ id: number; name: string | null; status: string }>((row, c) => {
    if (row.status === "boom") throw new Error("unexpected shape")
    if (row.status === "test") return Transform.skip("test account")
    if (!row.name) return Transform.reject(Transform.reason("name", "required", "name is missing"))
    return [c.id(c.tenant, row.id), row.name]
  })

  it("splits a batch into loaded, rejected (with reasons) and skipped rows, and accounts for each", () => {
    const rows = [
      { id: 1, name: "Aisyah", status: "active" },
      { id: 2, name: null, status: "active" },
      { id: 3, name: "Test", status: "test" },
      { id: 4, name: "Boom", status: "boom" },
    ]
    const r = Transform.run(t, rows, ["1", "2", "3", "4"], { entity: "students", tenant: "1" })
    expect(r.ok).toEqual([[TargetId.of("students", "1", 1), "Aisyah"]])
    expect(r.okKeys).toEqual(["1"])
    expect(r.okRaw).toEqual([rows[0]])
    expect(r.rejected).toEqual([
      { key: "2", reasons: [{ column: "name", rule: "required", message: "name is missing" }], raw: rows[1] },
      {
        key: "4",
        reasons: [
          { column: null, rule: "transform_exception", message: "the transform threw: unexpected shape" },
        ],
        raw: rows[3],
      },
    ])
    expect(r.skipped).toEqual([{ key: "3", reason: "test account" }])
    expect(r.ok.length + r.rejected.length + r.skipped.length).toBe(rows.length)
  })

  it("rejects a row with the reasons a helper throws as a rejection, and gives a skip its rule", () => {
    const strict = Transform.fromRow<{ phone: string }>((row, c) => {
      if (c.onInvalid?.("phone") === "reject" && row.phone === "012-345")
        throw Transform.reject(Transform.reason("phone", "phone", "too short"))
      return row.phone === "" ? Transform.skip("no phone", "no_phone") : [row.phone]
    })
    const rows = [{ phone: "012-345" }, { phone: "" }, { phone: "0123456789" }]
    const r = Transform.run(strict, rows, ["a", "b", "c"], {
      entity: "contacts",
      tenant: null,
      onInvalid: { phone: "reject" },
    })
    expect(r.rejected).toEqual([
      { key: "a", reasons: [{ column: "phone", rule: "phone", message: "too short" }], raw: rows[0] },
    ])
    expect(r.skipped).toEqual([{ key: "b", reason: "no phone", rule: "no_phone" }])
    expect(r.okKeys).toEqual(["c"])
  })
})

describe("Transform.run", () => {
  it("collects notes and id-map entries with the row's key, ids per entity as the engine makes them", () => {
    const t = Transform.fromRow<{ id: number; email: string; guardian: number }>((row, c) => {
      const id = c.id(c.tenant, row.id)
      if (row.email !== row.email.toLowerCase()) c.note("email", "lowercased", "email lowercased")
      c.map(c.tenant, `email:${row.email.toLowerCase()}`, id)
      return [id, c.id(c.tenant, row.guardian, "guardians")]
    })
    const r = Transform.run(t, [{ id: 7, email: "A@X.MY", guardian: 3 }], ["7"], {
      entity: "students",
      tenant: "t1",
    })
    expect(r.ok).toEqual([[TargetId.of("students", "t1", 7), TargetId.of("guardians", "t1", 3)]])
    expect(r.notes).toEqual([{ key: "7", column: "email", rule: "lowercased", message: "email lowercased" }])
    expect(r.mapped).toEqual([
      { tenant: "t1", legacyId: "email:a@x.my", targetId: TargetId.of("students", "t1", 7) },
    ])
  })

  it("rejects every row of a batch whose transform throws, instead of losing them", () => {
    const boom: Transform.Transform<number> = () => {
      throw new Error("bad shape")
    }
    const r = Transform.run(boom, [1, 2], ["a", "b"], { entity: "x", tenant: null })
    expect(r.ok).toEqual([])
    expect(r.rejected.map((x) => [x.key, x.reasons[0]?.rule, x.reasons[0]?.message])).toEqual([
      ["a", "transform_exception", "the transform threw: bad shape"],
      ["b", "transform_exception", "the transform threw: bad shape"],
    ])
  })
})

describe("Entity.dependencyOrder", () => {
  const e = (name: string, dependsOn: Array<string> = []) => ({ name, dependsOn })

  it("puts every entity after the ones it depends on", () => {
    const order = Entity.dependencyOrder([
      e("enrollments", ["students", "classes"]),
      e("classes"),
      e("students", ["users"]),
      e("users"),
    ])
    expect(order.map((x) => x.name)).toEqual(["users", "students", "classes", "enrollments"])
  })

  it("names a cycle and a missing dependency", () => {
    expect(() => Entity.dependencyOrder([e("a", ["b"]), e("b", ["a"])])).toThrow("a -> b -> a")
    expect(() => Entity.dependencyOrder([e("a", ["ghost"])])).toThrow(
      "a depends on ghost, which is not defined",
    )
  })

  it("finds the id column of a target or says it is missing", () => {
    expect(Entity.idIndex({ table: "s.t", columns: ["tenant_id", "id"] })).toBe(1)
    expect(() => Entity.idIndex({ table: "s.t", columns: ["tenant_id"] })).toThrow(
      "does not list its id column id",
    )
  })
})

describe("Transform.limitLengths", () => {
  const columns = ["id", "code", "phone", "last_name"]
  const limits: ReadonlyArray<Transform.LengthLimit> = [
    { column: "code", max: 4, overflow: "reject" },
    { column: "phone", max: 5, overflow: "null" },
    { column: "last_name", max: 3, overflow: "truncate" },
  ]
  const identity = Transform.limitLengths(
    Transform.fromRow((row: ReadonlyArray<unknown>) => row),
    columns,
    limits,
  )

  it("rejects, nulls or cuts a value over its cap, with a note, and leaves the rest alone", () => {
    const rows = [
      ["1", "AB", "12345", "Lee"],
      ["2", "ABCDE", "1", "x".repeat(5_000_000)],
      ["3", "AB", "123456", "😀😀😀😀"],
      ["4", "ABC", null, "Tan"],
    ]
    const r = Transform.run(identity, rows, ["1", "2", "3", "4"], { entity: "e", tenant: null })
    expect(r.ok).toEqual([
      ["1", "AB", "12345", "Lee"],
      ["3", "AB", null, "😀😀😀"],
      ["4", "ABC", null, "Tan"],
    ])
    expect(r.okKeys).toEqual(["1", "3", "4"])
    expect(r.rejected).toHaveLength(1)
    expect(r.rejected[0]!.key).toBe("2")
    expect(r.rejected[0]!.reasons).toEqual([
      {
        column: "code",
        rule: "too_long",
        message: "code is 5 characters long, over its cap of 4; the row is not loaded",
      },
    ])
    // The 5 MB value is not carried into the ledger.
    expect(JSON.stringify(r.rejected[0]!.raw).length).toBeLessThan(2000)
    expect(r.notes).toEqual([
      {
        key: "3",
        column: "phone",
        rule: "too_long",
        message: "phone is 6 characters long, over its cap of 5; stored as null",
      },
      {
        key: "3",
        column: "last_name",
        rule: "too_long",
        message: "last_name is 4 characters long, over its cap of 3; the first 3 are stored",
      },
    ])
    // The source row given to the transform is not changed.
    expect(rows[2]).toEqual(["3", "AB", "123456", "😀😀😀😀"])
  })
})
