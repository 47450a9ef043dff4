import { describe, expect, it } from "vitest"
import * as Entity from "../src/Entity.js"
import * as TargetId from "../src/TargetId.js"
import * as Transform from "../src/Transform.js"

const ctx = (): Transform.RowContext & { key: string } => ({
  entity: "students",
  tenant: "1",
  key: "",
  id: (tenant, legacyId) => TargetId.of("students", tenant, legacyId),
  note: () => {},
  map: () => {},
})

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
    const r = t(rows, ["1", "2", "3", "4"], ctx())
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
