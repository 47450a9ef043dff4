import { Transform } from "@schoolbridge/core"
import { Auth } from "@schoolbridge/schema"
import { describe, expect, it } from "vitest"
import { Contact, Gibbon, LegacySis } from "../src/index.js"

const base = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z" } as const

const user = (over: Partial<LegacySis.UserRow>): LegacySis.UserRow => ({
  user_id: 1,
  email: null,
  password: null,
  first_name: "Aminah",
  last_name: null,
  phone: null,
  status: "active",
  created_date: null,
  modified_date: null,
  ...over,
})

const column = (name: string) => Auth.Users.target.columns.indexOf(name)

describe("contact columns never cost a person", () => {
  // A parent and two children on one address, an unplaceable phone and one in an unlisted block.
  const rows = [
    user({ user_id: 12, email: "Family.Ali@Gmail.com", phone: "012-345" }),
    user({ user_id: 3, email: "family.ali@gmail.com ", phone: "013-012 3456" }),
    user({ user_id: 40, email: "family.ali@gmail.com", phone: "call me" }),
    user({ user_id: 41, email: "not an email" }),
    user({ user_id: 42, email: "own@gmail.com" }),
  ]
  const entity = LegacySis.users({
    ...base,
    passwords: "carry-over",
    emailHolders: LegacySis.emailHolders(rows),
  })
  const out = Transform.run(
    entity.transform,
    rows,
    rows.map((r) => String(r.user_id)),
    { entity: entity.name, tenant: "SA01" },
  )
  const byKey = new Map(out.ok.map((r) => [String(r[column("legacy_id")]), r]))

  it("loads every user", () => {
    expect(out.rejected).toEqual([])
    expect([...byKey.keys()]).toEqual(["12", "3", "40", "41", "42"])
  })
  it("keeps a shared email on the oldest account (the lowest key in key order) and notes the others", () => {
    expect(["12", "3", "40", "41", "42"].map((k) => byKey.get(k)![column("email")])).toEqual([
      null,
      "family.ali@gmail.com",
      null,
      null,
      "own@gmail.com",
    ])
    expect(
      out.notes.filter((n) => n.rule === Contact.sharedEmailRule).map((n) => [n.key, n.message]),
    ).toEqual([
      [
        "12",
        "family.ali@gmail.com is shared by 3 accounts; 3 keeps it (the oldest account), so it is stored as empty here",
      ],
      [
        "40",
        "family.ali@gmail.com is shared by 3 accounts; 3 keeps it (the oldest account), so it is stored as empty here",
      ],
    ])
  })
  it("stores an unusable phone or email as empty with the cleanser's reason, and notes an unlisted block", () => {
    expect(["12", "3", "40"].map((k) => byKey.get(k)![column("phone")])).toEqual([null, "+60130123456", null])
    expect(
      out.notes
        .filter((n) => n.message.endsWith("stored as empty") || n.rule === Contact.unlistedBlockRule)
        .filter((n) => n.rule !== Contact.sharedEmailRule)
        .map((n) => [n.key, n.column, n.rule]),
    ).toEqual([
      ["12", "phone", "phone"],
      ["3", "phone", "unlisted_block"],
      ["40", "phone", "phone"],
      ["41", "email", "email"],
    ])
  })
  it("plans holders per account key, whatever the email's spelling", () => {
    const holders = Contact.emailHolders([
      { key: "10", email: " A@B.my" },
      { key: "9", email: "a@b.my" },
      { key: "x", email: "a@b.my" },
      { key: "11", email: "c@b.my" },
    ])
    expect([...holders.holder]).toEqual([["a@b.my", "9"]])
    expect(holders.sharers.get("a@b.my")).toEqual(["9", "10", "x"])
  })
  it("Gibbon plans holders over persons with a username only", () => {
    const person = (id: number, username: string | null, email: string) =>
      ({ gibbonPersonID: id, username, email }) as unknown as Gibbon.PersonRow
    const holders = Gibbon.emailHolders([
      person(7, "mum", "home@ali.my"),
      person(5, null, "home@ali.my"),
      person(8, "kid", "home@ali.my"),
    ])
    expect([...holders.holder]).toEqual([["home@ali.my", "7"]])
  })
})

describe("the manifest's onInvalid overrides a column's policy", () => {
  const rows = [
    user({ user_id: 1, phone: "012-345", email: "not an email" }),
    user({ user_id: 2, phone: "012-345 6789", status: "Entah" }),
  ]
  const entity = LegacySis.users({
    ...base,
    passwords: "carry-over",
    emailHolders: LegacySis.emailHolders(rows),
  })
  const run = (onInvalid?: Readonly<Record<string, Transform.InvalidPolicy>>) =>
    Transform.run(entity.transform, rows, ["1", "2"], { entity: entity.name, tenant: "SA01", onInvalid })

  it("stores a bad phone as empty by default, keeps it as written under keep, rejects the row under reject", () => {
    const byDefault = run()
    expect(byDefault.ok.map((r) => r[column("phone")])).toEqual([null, "+60123456789"])
    const kept = run({ phone: "keep" })
    expect(kept.ok.map((r) => r[column("phone")])).toEqual(["012-345", "+60123456789"])
    expect(kept.notes.find((n) => n.key === "1" && n.column === "phone")?.message).toMatch(
      /kept as written \(the manifest's onInvalid: keep\)$/,
    )
    const strict = run({ phone: "reject", status: "reject" })
    expect(strict.ok).toEqual([])
    expect(strict.rejected.map((r) => [r.key, r.reasons.map((x) => `${x.column}:${x.rule}`)])).toEqual([
      ["1", ["phone:phone"]],
      ["2", ["status:user_status"]],
    ])
  })

  it("sets a refused required value aside under null instead of rejecting the row", () => {
    const named = [user({ user_id: 5, first_name: "Aminah", last_name: "12345" })]
    const people = LegacySis.users({
      ...base,
      passwords: "carry-over",
      emailHolders: LegacySis.emailHolders(named),
    })
    const strict = Transform.run(people.transform, named, ["5"], { entity: people.name, tenant: "SA01" })
    expect(strict.rejected.map((r) => r.reasons.map((x) => x.column))).toEqual([["last_name"]])
    const lenient = Transform.run(people.transform, named, ["5"], {
      entity: people.name,
      tenant: "SA01",
      onInvalid: { last_name: "null" },
    })
    expect(lenient.rejected).toEqual([])
    expect(lenient.ok.map((r) => r[column("last_name")])).toEqual([null])
  })
})
