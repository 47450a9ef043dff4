import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Either, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as Manifest from "../src/Manifest.js"

const good = `version: 1
name: gibbon
system: gibbon
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  gibbon:
    kind: mysql
    url: { env: GIBBON_MYSQL_URL }
entities:
  - name: gibbon.users
    source: gibbon
    table: gibbonPerson
    key: gibbonPersonID
  - name: gibbon.students
    source: gibbon
    table: gibbonPerson
    key: gibbonPersonID
    batchSize: 5000
    dependsOn: [gibbon.users]
`

const errors = (text: string) => {
  const r = Manifest.parse("/srv/gibbon.yaml", text)
  if (Either.isRight(r)) throw new Error("expected the manifest to be refused")
  return r.left.message.split("\n")
}

describe("Manifest.parse: a source of several schools", () => {
  const group = (lines: string) => good.replace("entities:\n", `${lines}entities:\n`)

  it("takes the schools and the rule that names each row's", () => {
    const m = Either.getOrThrow(
      Manifest.parse("g.yaml", group("tenants: [SA01, SB02]\ntenancy:\n  customField: School Code\n")),
    ).manifest
    expect(m.tenancy).toEqual({ customField: "School Code" })
    expect(Manifest.tenantsOf(m)).toEqual(["SA01", "SB02"])
    const mapped = Either.getOrThrow(
      Manifest.parse("g.yaml", group('tenancy:\n  column: campus\n  map: { "North": SB02, "1": SA01 }\n')),
    ).manifest
    expect(Manifest.tenantsOf(mapped)).toEqual(["SA01", "SB02"])
  })

  it("refuses a rule that names no way or two, schools it does not list, and entity rules without one", () => {
    expect(errors(group("tenants: [SA01]\ntenancy:\n  map: { x: SA01 }\n"))).toEqual([
      "gibbon.yaml:11:1 tenancy: name exactly one of column, customField or sql",
    ])
    expect(errors(group("tenants: [SA01]\ntenancy:\n  column: a\n  sql: b\n"))).toEqual([
      "gibbon.yaml:11:1 tenancy: name exactly one of column, customField or sql (got column, sql)",
    ])
    expect(errors(group("tenants: [SA01]\ntenancy:\n  column: a\n  map: { x: SB02 }\n"))).toEqual([
      "gibbon.yaml:13:3 tenancy.map: maps to SB02, which tenants does not list",
    ])
    expect(errors(group("tenancy:\n  column: a\n"))).toEqual([
      "gibbon.yaml:10:1 tenancy: name the schools this source holds: `tenants: [SA01, SB02]` (or give a map to tenant codes)",
    ])
    expect(
      errors(good.replace("    batchSize: 5000\n", "    batchSize: 5000\n    tenancy: every\n")),
    ).toEqual([
      "gibbon.yaml:20:5 entities[1].tenancy: an entity's tenancy needs the manifest's `tenancy`, which says the source holds several schools",
    ])
  })
})

describe("Manifest.parse", () => {
  it("decodes a manifest and fills the defaults", () => {
    const r = Manifest.parse("gibbon.yaml", good)
    expect(Either.isRight(r)).toBe(true)
    const m = Either.getOrThrow(r).manifest
    expect(m.passwords).toBe("force-reset")
    expect(m.defaults).toEqual({ batchSize: 20_000, parallel: 2 })
    expect(m.tolerances).toEqual({
      countParity: 0.001,
      warningsPass: 0.95,
      rollbackAbove: 0.05,
      rejectAbove: 0.02,
    })
    expect(m.timeZone).toBe("Asia/Kuala_Lumpur")
    expect(m.entities.map((e) => e.name)).toEqual(["gibbon.users", "gibbon.students"])
    expect(m.entities[1]!.batchSize).toBe(5000)
  })

  it("takes a column's onInvalid policy, and names one it does not know", () => {
    const with_ = good.replace(
      "    batchSize: 5000",
      "    batchSize: 5000\n    onInvalid: { phone1: keep, dob: reject }",
    )
    const m = Either.getOrThrow(Manifest.parse("gibbon.yaml", with_)).manifest
    expect(m.entities[1]!.onInvalid).toEqual({ phone1: "keep", dob: "reject" })
    const bad = errors(
      good.replace("    batchSize: 5000", "    batchSize: 5000\n    onInvalid: { phone1: drop }"),
    )
    expect(bad).toContain(
      'gibbon.yaml:20:18 entities[1].onInvalid.phone1: Expected one of "reject", "null", "keep", actual "drop"',
    )
  })

  it("names the file, line, column and key of a typo", () => {
    expect(errors(good.replace("    batchSize: 5000", "    batchsize: 5000"))).toEqual([
      "gibbon.yaml:19:5 entities[1].batchsize: is not a known key (check its spelling)",
    ])
  })

  it("reports every problem, each on its own line", () => {
    const text = good
      .replace("kind: mysql", "kind: mssql")
      .replace("batchSize: 5000", "batchSize: -5")
      .replace(
        "    source: gibbon\n    table: gibbonPerson\n    key: gibbonPersonID\n  - name",
        "    source: gibon\n    table: gibbonPerson\n    key: gibbonPersonID\n  - name",
      )
    const lines = errors(text)
    expect(lines).toContain(
      "gibbon.yaml:19:5 entities[1].batchSize: Expected a number between 1 and 1000000, actual -5",
    )
    expect(lines).toContain(
      'gibbon.yaml:8:5 sources.gibbon.kind: Expected one of "mysql", "postgres", "csv", "xlsx", "ndjson", "json", "json-document", "sqlite", actual "mssql"',
    )
    // Nothing else about that source: its keys are only wrong for kinds it is not.
    expect(lines.filter((l) => l.includes("sources.gibbon"))).toHaveLength(1)
  })

  it("checks the names that point at each other", () => {
    expect(
      errors(
        good.replace(
          "source: gibbon\n    table: gibbonPerson\n    key: gibbonPersonID\n    batchSize",
          "source: moodle\n    table: gibbonPerson\n    key: gibbonPersonID\n    batchSize",
        ),
      ),
    ).toEqual(["gibbon.yaml:16:5 entities[1].source: no source named moodle; declared sources: gibbon"])
    expect(errors(good.replace("dependsOn: [gibbon.users]", "dependsOn: [gibbon.user]"))).toEqual([
      "gibbon.yaml:20:17 entities[1].dependsOn[0]: gibbon.user is not an entity of this manifest",
    ])
    expect(errors(good.replace("  - name: gibbon.students", "  - name: gibbon.users"))).toEqual([
      "gibbon.yaml:15:5 entities[1].name: gibbon.users is declared twice (also entities[0])",
    ])
    expect(errors(good.replace("    key: gibbonPersonID\n  - name", "  - name"))).toEqual([
      "gibbon.yaml:11:5 entities[0]: key is required for a mysql source",
    ])
  })

  it("refuses a cycle of dependencies", () => {
    const text = good.replace(
      "    key: gibbonPersonID\n  - name",
      "    key: gibbonPersonID\n    dependsOn: [gibbon.students]\n  - name",
    )
    expect(errors(text)).toEqual([
      "gibbon.yaml:10:1 entities: entities depend on each other in a cycle: gibbon.users -> gibbon.students -> gibbon.users",
    ])
  })

  it("locates YAML syntax errors and missing keys", () => {
    expect(errors("version: 1\nname: [x\n")[0]).toMatch(/^gibbon\.yaml:\d+:\d+ /)
    expect(errors(good.replace("name: gibbon\n", ""))).toEqual(["gibbon.yaml:1:1 name: is required"])
  })

  it("says when the file cannot be read", () => {
    const r = Manifest.load("/nonexistent/gibbon.yaml")
    expect(Either.isLeft(r) && r.left.message).toBe("gibbon.yaml:0:0 cannot read: no such file")
  })
})

describe("Manifest.secret", () => {
  const loaded = Either.getOrThrow(Manifest.parse("/srv/gibbon.yaml", good))
  const url = loaded.manifest.sources.gibbon!
  const ref = "url" in url ? url.url : { env: "X" }

  it("reads an environment variable as a Redacted value", () => {
    const s = Manifest.secret(loaded, ref, ["sources", "gibbon", "url"], {
      GIBBON_MYSQL_URL: "mysql://root:hunter2@db/gibbon",
    })
    expect(Either.isRight(s)).toBe(true)
    const value = Either.getOrThrow(s)
    expect(Redacted.value(value)).toBe("mysql://root:hunter2@db/gibbon")
    expect(String(value)).not.toContain("hunter2")
  })

  it("names the variable and the manifest key when it is missing", () => {
    const s = Manifest.secret(loaded, ref, ["sources", "gibbon", "url"], {})
    expect(Either.isLeft(s) && s.left.message).toBe(
      "gibbon.yaml:9:5 sources.gibbon.url: environment variable GIBBON_MYSQL_URL is not set",
    )
  })

  it("reads a secret file relative to the manifest", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-manifest-"))
    writeFileSync(path.join(dir, "target.url"), "postgres://u:pw@h/db\n")
    const fileLoaded = Either.getOrThrow(Manifest.parse(path.join(dir, "m.yaml"), good))
    const s = Manifest.secret(fileLoaded, { file: "target.url" }, ["target", "url"], {})
    expect(Redacted.value(Either.getOrThrow(s))).toBe("postgres://u:pw@h/db")
    const missing = Manifest.secret(fileLoaded, { file: "nope.url" }, ["target", "url"], {})
    expect(Either.isLeft(missing) && missing.left.message).toBe(
      "m.yaml:5:3 target.url: cannot read secret file nope.url",
    )
  })
})
