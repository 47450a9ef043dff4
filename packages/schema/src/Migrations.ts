import { createHash } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"

/** One versioned SQL migration shipped with this package. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
  readonly checksum: string
}

// Found through the package itself rather than relative to this file, so that the SQL is still
// found when an app bundles this code.
const sqlDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@schoolbridge/schema/package.json")),
  "sql",
)
const fileName = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Parses a directory of `NNNN_name.sql` files into migrations ordered by version. */
export const fromDirectory = (dir: string): ReadonlyArray<Migration> => {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((file) => {
      const m = fileName.exec(file)
      if (!m) throw new Error(`migration file ${file} is not named NNNN_name.sql`)
      const sql = readFileSync(path.join(dir, file), "utf8")
      return { version: Number(m[1]), name: m[2]!, sql, checksum: checksumOf(sql) }
    })
    .sort((a, b) => a.version - b.version)
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]!.version === m.version)
      throw new Error(`two migrations have version ${m.version}`)
  })
  return migrations
}

/** sha256 of a migration's text; line endings are normalized so a checkout on Windows does not differ. */
export const checksumOf = (sql: string): string =>
  createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex")

/** Every migration of the portal database, in order (the ledger first). */
export const all: ReadonlyArray<Migration> = fromDirectory(sqlDir)
