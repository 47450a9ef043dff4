import { createHash } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { classify, keyOf } from "../src/Files.js"
import { cli } from "./Cli.js"

const base = "https://portal.example/files/"
const sha = (b: string) => createHash("sha256").update(b).digest("hex")
const bytes = { a: "avatar A bytes\n", b: "\x89PNG avatar B", c: "avatar C from an absolute URL" }
const key = (content: string, ext: string) => keyOf("auth.users", sha(content), `x.${ext}`)

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`

let db: TestDatabase
let dir: string
let legacy: string
let store: string
let manifest: string

const avatars = async () => {
  const c = new pg.Client({ connectionString: db.url })
  await c.connect()
  try {
    const r = await c.query<{ id: string; avatar_url: string | null }>(
      "select id::text, avatar_url from auth.users order by id",
    )
    return Object.fromEntries(r.rows.map((x) => [x.id, x.avatar_url]))
  } finally {
    await c.end()
  }
}

const storedFiles = (root: string): Array<string> =>
  existsSync(root)
    ? readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
        .sort()
    : []

beforeAll(async () => {
  db = await createPgDatabase("files")
  await Effect.runPromise(
    PgLedger.migrateSchema.pipe(Effect.provide(PgClient.layer({ url: Redacted.make(db.url) }))),
  )
  dir = mkdtempSync(path.join(tmpdir(), "files-"))
  legacy = path.join(dir, "media")
  store = path.join(dir, "store")
  mkdirSync(path.join(legacy, "avatars"), { recursive: true })
  writeFileSync(path.join(legacy, "avatars/a.jpg"), bytes.a)
  writeFileSync(path.join(legacy, "avatars/a-copy.JPG"), bytes.a)
  writeFileSync(path.join(legacy, "avatars/b.png"), bytes.b)
  writeFileSync(path.join(legacy, "avatars/c.jpg"), bytes.c)
  manifest = path.join(dir, "m.yaml")
  writeFileSync(
    manifest,
    `version: 1
name: files-test
system: legacy-sis
target:
  url: { env: PORTAL_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - name: legacy-sis.users
    source: legacy
    table: users
    key: user_id
defaults:
  batchSize: 2
files:
  from: media
  to: { env: STORE_DIR }
  baseUrl: ${base}
  columns:
    - { table: auth.users, column: avatar_url }
    - { table: content.media, column: url }
`,
  )
  const c = new pg.Client({ connectionString: db.url })
  await c.connect()
  await c.query("insert into auth.tenants (code, name) values ('SA01', 'SA01')")
  await c.query(
    `insert into auth.users (id, tenant_id, first_name, avatar_url) values
       ($1, 'SA01', 'Aina', 'avatars/a.jpg'),
       ($2, 'SA01', 'Badrul', 'avatars/b.png'),
       ($3, 'SA01', 'Chong', 'https://old.school.example/media/avatars/c.jpg'),
       ($4, 'SA01', 'Devi', 'avatars/gone.jpg'),
       ($5, 'SA01', 'Ethan', '${base}auth.users/ab/abcdef.jpg'),
       ($6, 'SA01', 'Farah', 'avatars/a-copy.JPG'),
       ($7, 'SA01', 'Gopal', null)`,
    [1, 2, 3, 4, 5, 6, 7].map(id),
  )
  await c.end()
})
afterAll(() => db.drop())

const env = () => ({ PORTAL_URL: db.url, STORE_DIR: store })

describe("classify", () => {
  it("tells legacy paths and URLs from ours and foreign ones", () => {
    expect(classify("avatars/a.jpg", base, "media")).toEqual({ _tag: "Legacy", relative: "avatars/a.jpg" })
    expect(classify("https://old.example/media/x/y.png?v=2", base, "media")).toEqual({
      _tag: "Legacy",
      relative: "x/y.png",
    })
    expect(classify("/media/a b.jpg", base, "media")).toEqual({ _tag: "Legacy", relative: "a b.jpg" })
    expect(classify(`${base}auth.users/ab/ab.jpg`, base, "media")).toEqual({ _tag: "Migrated" })
    expect(classify("https://gravatar.com/avatar/1", base, "media")).toEqual({ _tag: "Other" })
    expect(classify("../etc/passwd", base, "media")).toEqual({ _tag: "Other" })
  })
})

describe("schoolbridge-migrate files", () => {
  it("--dry-run reports what it would do and changes nothing", async () => {
    const before = await avatars()
    const r = await cli(["files", "--manifest", manifest, "--dry-run"], env())
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("dry run, nothing copied or changed")
    expect(r.stdout).toContain(
      "auth.users.avatar_url     6          4       3         1        1      0  5/6 (83.3%)",
    )
    expect(await avatars()).toEqual(before)
    expect(storedFiles(store)).toEqual([])
    expect(existsSync(path.join(dir, "files-report.json"))).toBe(false)
  })

  it("copies each file once under its content key, rewrites the rows and lists the missing one", async () => {
    const r = await cli(["files", "--manifest", manifest], env())
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines).toEqual([
      `${legacy} -> ${store} (${base})`,
      "",
      "column                 rows  rewritten  copied  migrated  missing  other    hit ratio",
      "auth.users.avatar_url     6          4       3         1        1      0  5/6 (83.3%)",
      "content.media.url         0          0       0         0        0      0            -",
      "",
      "missing files (1):",
      `  auth.users ${id(4)} avatars/gone.jpg`,
      "",
      `report: ${path.join(dir, "files-report.json")}`,
    ])
    const ka = key(bytes.a, "jpg")
    const kb = key(bytes.b, "png")
    const kc = key(bytes.c, "jpg")
    expect(storedFiles(store)).toEqual([ka, kb, kc].sort())
    expect(readFileSync(path.join(store, ka), "latin1")).toBe(bytes.a)
    expect(readFileSync(path.join(store, kb), "latin1")).toBe(Buffer.from(bytes.b).toString("latin1"))
    expect(readFileSync(path.join(store, kc), "latin1")).toBe(bytes.c)
    expect(await avatars()).toEqual({
      [id(1)]: base + ka,
      [id(2)]: base + kb,
      [id(3)]: base + kc,
      [id(4)]: "avatars/gone.jpg",
      [id(5)]: `${base}auth.users/ab/abcdef.jpg`,
      [id(6)]: base + ka,
      [id(7)]: null,
    })
    const report = JSON.parse(readFileSync(path.join(dir, "files-report.json"), "utf8"))
    expect(report.columns[0]).toEqual({
      table: "auth.users",
      column: "avatar_url",
      rows: 6,
      rewritten: 4,
      copied: 3,
      alreadyMigrated: 1,
      missing: 1,
      other: 0,
      hitRatio: 5 / 6,
    })
    expect(report.missing).toEqual([{ table: "auth.users", id: id(4), value: "avatars/gone.jpg" }])
  })

  it("a second run copies nothing and changes nothing", async () => {
    const before = await avatars()
    const files = storedFiles(store)
    const r = await cli(["files", "--manifest", manifest], env())
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      "auth.users.avatar_url     6          0       0         5        1      0  5/6 (83.3%)",
    )
    expect(await avatars()).toEqual(before)
    expect(storedFiles(store)).toEqual(files)
  })

  it("exits 2 for a bad files section, a column the target lacks, or a missing upload directory", async () => {
    const write = (name: string, files: string) => {
      const file = path.join(dir, name)
      writeFileSync(file, `${readFileSync(manifest, "utf8").split("files:")[0]!}files:\n${files}`)
      return file
    }
    const bad = await cli(
      [
        "files",
        "--manifest",
        write(
          "bad.yaml",
          `  from: media\n  to: store\n  baseUrl: https://portal.example/files\n  columns:\n    - { table: users, column: avatar_url }\n`,
        ),
      ],
      env(),
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split("\n")).toEqual([
      "bad.yaml:20:3 files.baseUrl: an http(s) URL ending in /",
      "bad.yaml:22:9 files.columns[0].table: a schema-qualified table such as auth.users",
    ])
    const column = await cli(
      [
        "files",
        "--manifest",
        write(
          "column.yaml",
          `  from: media\n  to: store\n  baseUrl: ${base}\n  columns:\n    - { table: auth.users, column: photo }\n`,
        ),
      ],
      env(),
    )
    expect(column.code).toBe(2)
    expect(column.stderr.trim()).toBe("files.columns: the target has no column auth.users.photo")
    const nowhere = await cli(
      [
        "files",
        "--manifest",
        write(
          "nowhere.yaml",
          `  from: uploads\n  to: store\n  baseUrl: ${base}\n  columns:\n    - { table: auth.users, column: avatar_url }\n`,
        ),
      ],
      env(),
    )
    expect(nowhere.code).toBe(2)
    expect(nowhere.stderr.trim()).toBe(`files.from: ${path.join(dir, "uploads")} is not a directory`)
  })

  it("exits 2 for a manifest without a files section", async () => {
    const bare = path.join(dir, "bare.yaml")
    writeFileSync(bare, readFileSync(manifest, "utf8").split("files:")[0]!)
    const r = await cli(["files", "--manifest", bare], env())
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("bare.yaml: no files section: add files.from, to, baseUrl and columns")
  })
})
