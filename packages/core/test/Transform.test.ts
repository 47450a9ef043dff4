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
