import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as TargetId from "../src/TargetId.js"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{12}$/

describe("TargetId", () => {
  it("lays out ordered ids as RFC 9562 version 8 with the RFC variant", () => {
    const id = TargetId.of("students", "7", 42)
    const m = uuid.exec(id)
    expect(m?.[1]).toBe("8")
    expect(["8", "9", "a", "b"]).toContain(m?.[2])
    expect(id.slice(-17)).toBe("8000-00000000002a")
    expect(id.slice(4, 13)).toBe("0000-0007")
  })

  it("is deterministic and differs by entity, tenant and legacy id", () => {
    expect(TargetId.of("students", "t1", 5)).toBe(TargetId.of("students", "t1", "5"))
    const ids = new Set([
      TargetId.of("students", "t1", 5),
      TargetId.of("students", "t2", 5),
      TargetId.of("teachers", "t1", 5),
      TargetId.of("students", "t1", 6),
    ])
    expect(ids.size).toBe(4)
  })

  it("orders ids of one entity and tenant by legacy id, as PostgreSQL compares uuids", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (a, b) => {
          const [x, y] = [TargetId.of("scores", "3", a), TargetId.of("scores", "3", b)]
          expect(Math.sign(x.localeCompare(y, "en", { sensitivity: "variant" }))).toBe(Math.sign(a - b))
          expect(x < y).toBe(a < b)
        },
      ),
    )
  })

  it("keeps ids inside the bounds of their entity and tenant", () => {
    const p = TargetId.prefix("scores", "3")
    const [lo, hi] = TargetId.bounds(p)
    for (const n of [0, 1, 2 ** 32, 2 ** 48, Number.MAX_SAFE_INTEGER]) {
      const id = TargetId.ordered(p, n)
      expect(id >= lo && id <= hi).toBe(true)
      expect(id).toMatch(uuid)
    }
  })

  it("falls back to a version 5 UUID for keys that are not non-negative safe integers", () => {
    for (const key of ["STU-2019-001", "-4", "12.5", "99999999999999999999"]) {
      const id = TargetId.of("students", "t1", key)
      expect(uuid.exec(id)?.[1]).toBe("5")
      expect(TargetId.of("students", "t1", key)).toBe(id)
    }
  })

  it("the fast maker gives the same ids as `of`", () => {
    const make = TargetId.maker("scores")
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(null), fc.string(), fc.nat()),
        fc.oneof(fc.nat(), fc.string()),
        (tenant, key) => {
          expect(make(tenant, key)).toBe(TargetId.of("scores", tenant, key))
        },
      ),
    )
  })

  it("uses small integer tenants as they are and hashes the rest", () => {
    // 32 high bits, then the 12 bits a key adds (none here)
    expect(TargetId.tenantCode("12")).toBe(12 * 4096)
    expect(TargetId.tenantCode(null)).toBe(0)
    expect(TargetId.tenantCode("SMK-TAMAN-MELATI")).toBe(TargetId.tenantCode("SMK-TAMAN-MELATI"))
    expect(TargetId.tenantPart("12")).toBe("0000-000c-8000")
    expect(TargetId.tenantPartOf(TargetId.of("scores", "12", 7))).toBe("0000-000c-8000")
  })

  it("keys a tenant's ids with its secret: 44 bits another tenant cannot work out", () => {
    const keys = new Map([
      ["SA01", "6f1c2a9e-0b7d-4e53-9c1a-2f8d7e6b5a40"],
      ["SB02", "0d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60"],
    ])
    const make = TargetId.forEntity("legacy-sis.students", keys)
    const a = make("SA01", 5)
    // Same entity and legacy key in two schools: two ids, and neither is the unkeyed one.
    expect(make("SB02", 5)).not.toBe(a)
    expect(a).not.toBe(TargetId.of("legacy-sis.students", "SA01", 5))
    expect(a).toBe(TargetId.of("legacy-sis.students", "SA01", 5, keys.get("SA01")))
    expect(a).toMatch(uuid)
    expect(TargetId.tenantPartOf(a)).toBe(TargetId.tenantPart("SA01", keys.get("SA01")))
    // Ordered within the tenant, whatever the key.
    expect(make("SA01", 4) < a && a < make("SA01", 6)).toBe(true)
    expect(uuid.exec(make("SA01", "STU-1"))?.[1]).toBe("5")
    expect(make("SA01", "STU-1")).not.toBe(TargetId.of("legacy-sis.students", "SA01", "STU-1"))
    // A tenant without a key gets no id at all rather than a wrong one.
    expect(() => make("SC03", 5)).toThrow(/no id key for tenant SC03/)
    expect(TargetId.collisions("tenant", ["SA01", "SB02"], keys)).toEqual([])
  })

  it("reads an ordered id's entity code and legacy id back, whatever the tenant and its key", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TargetId.maxOrdered }), fc.string(), (legacyId, key) => {
        const id = TargetId.of("gibbon.users", "SA01", legacyId, key)
        expect(TargetId.decode(id)).toEqual({ entityCode: TargetId.entityCode("gibbon.users"), legacyId })
      }),
    )
    // A zero-filled key is the same number, so the same id.
    expect(TargetId.decode(TargetId.of("gibbon.users", "SA01", "0000000123"))?.legacyId).toBe(123)
    expect(TargetId.decode(TargetId.of("gibbon.users", "SA01", "STU-1"))).toBeUndefined()
    expect(TargetId.decode("not an id")).toBeUndefined()
  })

  it("traces a batch as one id range per tenant", () => {
    const make = TargetId.maker("scores")
    const ids = [make(1, 10), make(2, 11), make(1, 12), make(2, 13), make(1, 14)]
    expect(TargetId.ranges(ids)).toEqual([make(1, 10), make(1, 14), make(2, 11), make(2, 13)])
  })

  it("reports entity and tenant names whose codes collide", () => {
    expect(TargetId.collisions("tenant", ["1", "2", "3"])).toEqual([])
    expect(TargetId.collisions("tenant", ["1", "1"])).toEqual([])
  })
})
