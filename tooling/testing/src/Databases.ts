import { randomBytes } from "node:crypto"
import mysql from "mysql2/promise"
import pg from "pg"
import { mysqlUrl, pgUrl } from "./Servers.js"

/** A throwaway database on a real server, dropped by `drop`. */
export interface TestDatabase {
  readonly name: string
  readonly url: string
  readonly drop: () => Promise<void>
}

const uniqueName = (prefix: string) =>
  `sbt_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** Creates an empty PostgreSQL database so that test files never share state. */
export const createPgDatabase = async (prefix = "pg"): Promise<TestDatabase> => {
  const name = uniqueName(prefix)
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  return {
    name,
    url: withDatabase(pgUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl })
      await c.connect()
      try {
        await c.query(`drop database if exists ${name} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** Creates an empty MySQL/MariaDB database (utf8mb4) for one test file. */
export const createMysqlDatabase = async (prefix = "my"): Promise<TestDatabase> => {
  const name = uniqueName(prefix)
  const conn = await mysql.createConnection({ uri: mysqlUrl })
  try {
    await conn.query(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`)
  } finally {
    await conn.end()
  }
  return {
    name,
    url: withDatabase(mysqlUrl, name),
    drop: async () => {
      const c = await mysql.createConnection({ uri: mysqlUrl })
      try {
        await c.query(`drop database if exists ${name}`)
      } finally {
        await c.end()
      }
    },
  }
}
