import mysql from "mysql2/promise"
import pg from "pg"

/** URL of the PostgreSQL server the tests use (a maintenance database on it). */
export const pgUrl = process.env.SCHOOLBRIDGE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"

/** URL of the MySQL/MariaDB server the tests use. */
export const mysqlUrl = process.env.SCHOOLBRIDGE_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"

const howToStart = {
  postgres: "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  mysql: "start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")

/** Fails with one line naming the server and how to start it when a required server is unreachable. */
export const assertServers = async (which: ReadonlyArray<"postgres" | "mysql">): Promise<void> => {
  const problems: Array<string> = []
  if (which.includes("postgres")) {
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 })
    try {
      await client.connect()
      await client.query("select 1")
    } catch (e) {
      problems.push(
        `PostgreSQL is not reachable at ${redact(pgUrl)} (${(e as Error).message}); ${howToStart.postgres}, or set SCHOOLBRIDGE_TEST_PG_URL`,
      )
    } finally {
      await client.end().catch(() => {})
    }
  }
  if (which.includes("mysql")) {
    try {
      const conn = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 5000 })
      await conn.query("select 1")
      await conn.end()
    } catch (e) {
      problems.push(
        `MySQL/MariaDB is not reachable at ${redact(mysqlUrl)} (${(e as Error).message}); ${howToStart.mysql}, or set SCHOOLBRIDGE_TEST_MYSQL_URL`,
      )
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"))
}
