import { createHash } from "node:crypto"

/**
 * Deterministic target ids. A numeric legacy id gets an *ordered* RFC 9562 version 8 UUID laid out as
 *
 *   EEEE TTTT - TTTT - 8SSS - 10hh hhhh hhhh hhhh - llll llll llll   (hex; bits of l and h are the legacy id)
 *
 * with E the entity code (16 bits), T and S the tenant code (32 + 12 bits) and the legacy id in the
 * low 62 bits. Ids of one entity and tenant sort by legacy id, so COPY appends to the right edge of the
 * primary-key index (a random-looking key made COPY 2.2x slower here) and a batch's rows form one id
 * range per tenant. Keys that are not numbers fall back to a name-based version 5 UUID.
 *
 * The entity name carries the source system (`gibbon.students`), so an id is a function of (tenant,
 * source system, entity, legacy key). A tenant's *key* (a secret the portal keeps per tenant, see
 * `TenantKeys`) goes into its 44-bit code: without it the code of another tenant cannot be worked out,
 * so a tenant that knows its own ids and another school's legacy keys still cannot name that school's
 * rows. Without a key (tests, tools) the code is the tenant itself when it is a small integer, else a
 * hash of its name, with S = 0.
 */

const hex4 = (n: number) => n.toString(16).padStart(4, "0")
const TWO_48 = 2 ** 48
/** Largest legacy id with an ordered id; JavaScript numbers are exact up to 2^53 - 1. */
export const maxOrdered = Number.MAX_SAFE_INTEGER

const digest = (text: string) => createHash("sha1").update(text, "utf8").digest()

/** 16-bit code of an entity name (collisions are checked when a plan is made, see `checkCodes`). */
export const entityCode = (entity: string): number => digest(`entity:${entity}`).readUInt16BE(0)

/**
 * The secret of each tenant, by tenant code, that its ids are derived with. The migrator uses each
 * tenant's `auth.tenants.id`, which row-level security shows to that tenant only.
 */
export type TenantKeys = ReadonlyMap<string, string>

/** A tenant's 44-bit code as its 32 high bits and 12 low bits. */
interface Code {
  readonly high: number
  readonly low: number
}

const codeOf = (tenant: string | number | null, key: string | undefined): Code => {
  if (tenant === null) return { high: 0, low: 0 }
  const text = String(tenant)
  if (key !== undefined) {
    const d = digest(`tenant:${key}:${text}`)
    return { high: d.readUInt32BE(0), low: d.readUInt16BE(4) & 0xfff }
  }
  if (/^\d{1,10}$/.test(text) && Number(text) < 2 ** 32) return { high: Number(text), low: 0 }
  return { high: digest(`tenant:${text}`).readUInt32BE(0), low: 0 }
}

/** The code of a tenant (44 bits, exact in a number): the tenant itself when it is a small integer and has no key, else a hash. */
export const tenantCode = (tenant: string | number | null, key?: string): number => {
  const c = codeOf(tenant, key)
  return c.high * 4096 + c.low
}

/** The 19-character prefix shared by every ordered id of one entity and tenant. */
export const prefix = (entity: string, tenant: string | number | null, key?: string): string => {
  const c = codeOf(tenant, key)
  return `${hex4(entityCode(entity))}${hex4(c.high >>> 16)}-${hex4(c.high & 0xffff)}-${hex4(0x8000 | c.low)}-`
}

const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))
const TWO_24 = 2 ** 24

/** Ordered id from a prefix and a non-negative safe integer legacy id. Plain arithmetic: no hashing per row. */
export const ordered = (idPrefix: string, legacyId: number): string => {
  const high = Math.floor(legacyId / TWO_48)
  const low = legacyId - high * TWO_48
  // Six bytes through a lookup table: three times faster than Number#toString(16) here.
  const a = Math.floor(low / TWO_24)
  const b = low - a * TWO_24
  return (
    idPrefix +
    (high === 0 ? "8000-" : `${hex4(0x8000 | high)}-`) +
    hexByte[a >>> 16]! +
    hexByte[(a >>> 8) & 255]! +
    hexByte[a & 255]! +
    hexByte[b >>> 16]! +
    hexByte[(b >>> 8) & 255]! +
    hexByte[b & 255]!
  )
}

/**
 * The entity code and legacy id an ordered id was made from (the tenant part stays opaque); undefined
 * for a name-based id, whose legacy id cannot be read back.
 */
export const decode = (
  id: string,
): { readonly entityCode: number; readonly legacyId: number } | undefined => {
  if (id.length !== 36 || id[14] !== "8" || !/^[0-9a-f-]+$/.test(id)) return undefined
  const high = Number.parseInt(id.slice(19, 23), 16) & 0x3fff
  const low = Number.parseInt(id.slice(24), 16)
  return { entityCode: Number.parseInt(id.slice(0, 4), 16), legacyId: high * TWO_48 + low }
}

/** The lowest and highest ids an entity and tenant can have, for range scans. */
export const bounds = (idPrefix: string): readonly [string, string] => [
  `${idPrefix}8000-000000000000`,
  `${idPrefix}bfff-ffffffffffff`,
]

const namespace = Buffer.from("5c1b7a3e9d2f4e60a8b1c0d9e8f7a6b5", "hex")

/** Name-based version 5 UUID for legacy keys that are not numbers. */
export const hashed = (
  entity: string,
  tenant: string | number | null,
  legacyId: string,
  key?: string,
): string => {
  const h = createHash("sha1")
    .update(namespace)
    .update(
      `${entity}\u0000${tenant ?? ""}\u0000${legacyId}${key === undefined ? "" : `\u0000${key}`}`,
      "utf8",
    )
    .digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const s = h.toString("hex", 0, 16)
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`
}

const isOrderable = (legacyId: string | number) =>
  typeof legacyId === "number"
    ? Number.isSafeInteger(legacyId) && legacyId >= 0
    : /^\d{1,16}$/.test(legacyId) && Number(legacyId) <= maxOrdered

/** The id of (entity, tenant, legacy id): ordered when the legacy id is a safe non-negative integer, else v5. */
export const of = (
  entity: string,
  tenant: string | number | null,
  legacyId: string | number,
  key?: string,
): string =>
  isOrderable(legacyId)
    ? ordered(prefix(entity, tenant, key), Number(legacyId))
    : hashed(entity, tenant, String(legacyId), key)

const keyOf = (keys: TenantKeys | undefined, tenant: string | number | null): string | undefined => {
  if (keys === undefined || tenant === null) return undefined
  const key = keys.get(String(tenant))
  // An id made without its tenant's key would be another id than the portal's: never guess.
  if (key === undefined) throw new Error(`no id key for tenant ${tenant}`)
  return key
}

/**
 * A fast id maker for one entity: caches the prefix of each tenant it meets, so a row costs one Map
 * look-up and a few integer-to-hex conversions. With `keys`, every tenant it meets must have one.
 */
export const maker = (entity: string, keys?: TenantKeys) => {
  const prefixes = new Map<string | number | null, string>()
  return (tenant: string | number | null, legacyId: string | number): string => {
    if (!isOrderable(legacyId)) return hashed(entity, tenant, String(legacyId), keyOf(keys, tenant))
    let p = prefixes.get(tenant)
    if (p === undefined) {
      p = prefix(entity, tenant, keyOf(keys, tenant))
      prefixes.set(tenant, p)
    }
    return ordered(p, Number(legacyId))
  }
}

/** Names that share a code, which would make their ids collide: empty when the set is safe. */
export const collisions = (
  kind: "entity" | "tenant",
  names: ReadonlyArray<string>,
  keys?: TenantKeys,
): ReadonlyArray<readonly [string, string]> => {
  const seen = new Map<number, string>()
  const clashes: Array<readonly [string, string]> = []
  for (const name of names) {
    const code = kind === "entity" ? entityCode(name) : tenantCode(name, keys?.get(name))
    const other = seen.get(code)
    if (other !== undefined && other !== name) clashes.push([other, name])
    else seen.set(code, name)
  }
  return clashes
}

/** Length of the entity and tenant part of an ordered id (`EEEETTTT-TTTT-8SSS`). */
const ownerLength = 18

/**
 * The id ranges covered by a batch of ordered ids: one `[lo, hi]` pair per entity and tenant,
 * flattened. Valid as a trace only when the source streams each tenant's rows in legacy-id order,
 * so no other batch can load an id inside these ranges.
 */
export const ranges = (ids: ReadonlyArray<string>): Array<string> => {
  // Grouped by a hash of the entity and tenant prefix, computed without slicing a string off each
  // id (this runs once per loaded row); a clash is caught by comparing prefixes.
  const groups = new Map<number, Array<string>>()
  for (const id of ids) {
    let h = 0
    for (let i = 0; i < ownerLength; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0
    let list = groups.get(h)
    if (list === undefined) {
      list = []
      groups.set(h, list)
    }
    let found = false
    for (let g = 0; g < list.length; g += 2) {
      const lo = list[g]!
      if (samePrefix(lo, id)) {
        if (id < lo) list[g] = id
        if (id > list[g + 1]!) list[g + 1] = id
        found = true
        break
      }
    }
    if (!found) list.push(id, id)
  }
  const out: Array<string> = []
  for (const list of groups.values()) out.push(...list)
  return out
}

const samePrefix = (a: string, b: string) => {
  for (let i = 0; i < ownerLength; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false
  return true
}

/** The tenant part of an ordered id (`TTTT-TTTT-8SSS`, characters 4 to 17), for tenant-scoped rollback. */
export const tenantPart = (tenant: string | number | null, key?: string): string =>
  prefix("", tenant, key).slice(4, ownerLength)

/** The tenant part of an ordered id, to compare with `tenantPart`. */
export const tenantPartOf = (id: string): string => id.slice(4, ownerLength)

/**
 * Ids for the rows of one entity and for the legacy rows they reference: `(tenant, legacyId, entity?)`,
 * with a cached prefix per entity and tenant. What a transform gets as `ctx.id`. With `keys`, ids are
 * keyed per tenant (see `TenantKeys`) and a tenant without a key is an error, never an unkeyed id.
 */
export const forEntity = (entity: string, keys?: TenantKeys) => {
  const makers = new Map<string, ReturnType<typeof maker>>()
  const own = maker(entity, keys)
  return (tenant: string | number | null, legacyId: string | number, other?: string): string => {
    if (other === undefined || other === entity) return own(tenant, legacyId)
    let m = makers.get(other)
    if (m === undefined) {
      m = maker(other, keys)
      makers.set(other, m)
    }
    return m(tenant, legacyId)
  }
}
