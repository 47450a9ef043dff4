import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect } from "effect"
import pg from "pg"
import * as Academic from "../src/Academic.js"
import * as Analytics from "../src/Analytics.js"
import * as Audit from "../src/Audit.js"
import * as Auth from "../src/Auth.js"
import * as Communication from "../src/Communication.js"
import * as Content from "../src/Content.js"
import * as Financial from "../src/Financial.js"
import * as Islamic from "../src/Islamic.js"
import * as Migrator from "../src/Migrator.js"
import * as Table from "../src/Table.js"

/** The schemas of the portal model (the `migration` ledger is not one of them). */
export const schemas = [
  "auth",
  "academic",
  "islamic",
  "financial",
  "communication",
  "content",
  "analytics",
  "audit",
]

/** Every table the schema modules export, found by shape so a new one cannot be left out. */
export const tables: ReadonlyArray<Table.Any> = [
  Auth,
  Academic,
  Islamic,
  Financial,
  Communication,
  Content,
  Analytics,
  Audit,
].flatMap((module) => Object.values(module).filter(Table.isTable))

/** A throwaway database with every migration applied, and an admin connection to it. */
export interface PortalDatabase {
  readonly db: TestDatabase
  readonly admin: pg.Client
  /** A new connection to the same database, as the server's admin user. */
  readonly connect: () => Promise<pg.Client>
  readonly drop: () => Promise<void>
}

/** Creates a database and migrates it up with the shipped migrations. */
export const migrated = async (prefix: string): Promise<PortalDatabase> => {
  const db = await createPgDatabase(prefix)
  const opened: Array<pg.Client> = []
  const connect = async () => {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    opened.push(client)
    return client
  }
  const admin = await connect()
  const session: Migrator.Session = {
    query: (sql, params) =>
      Effect.tryPromise(() => admin.query(sql, params as Array<unknown> | undefined).then((r) => r.rows)),
    transaction: (self) =>
      Effect.acquireUseRelease(
        Effect.promise(() => admin.query("begin")),
        () => self,
        (_, exit) => Effect.promise(() => admin.query(exit._tag === "Success" ? "commit" : "rollback")),
      ),
  }
  await Effect.runPromise(Migrator.migrate(session))
  return {
    db,
    admin,
    connect,
    drop: async () => {
      await Promise.all(opened.map((c) => c.end().catch(() => {})))
      await db.drop()
    },
  }
}
