// The CLI runs as one built ES module, as in production: our TypeScript packages and the libraries
// are bundled in; packages with native binaries or WebAssembly files stay installed dependencies.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

// `node build.mjs [OUTFILE] [--if-stale]`: another package's tests build their own copy, so that
// two test runs never write the same file while the other runs it. It stays under apps/migrator so
// that the external packages resolve. With `--if-stale` (what `pnpm migrate` uses), nothing is built
// when no input of the last build is newer than its output.
const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const ifStale = args.includes("--if-stale")
const outfile = path.resolve(here, args.find((a) => !a.startsWith("--")) ?? "dist/main.mjs")
const inputsFile = `${outfile}.inputs.json`

const fresh = () => {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false
  const built = statSync(outfile).mtimeMs
  const inputs = JSON.parse(readFileSync(inputsFile, "utf8"))
  return inputs.every((file) => existsSync(file) && statSync(file).mtimeMs <= built)
}

if (!(ifStale && fresh())) {
  const result = await build({
    entryPoints: [path.join(here, "src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: true,
    metafile: true,
    external: ["@node-rs/argon2", "pg-native", "sql.js"],
    // Bundled CommonJS libraries (pg, mysql2) call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __sbRequire } from 'node:module'; const require = __sbRequire(import.meta.url);",
    },
    absWorkingDir: here,
    logLevel: "warning",
    write: false,
  })
  // Each file written beside its place and renamed over it: a command already running (a `status`
  // during a `run`) keeps the file it loaded, and none ever starts from a half-written one.
  mkdirSync(path.dirname(outfile), { recursive: true })
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`
    writeFileSync(temp, file.contents)
    renameSync(temp, file.path)
  }
  // Every file the bundle was made from, the installed libraries' included, with the lockfile.
  const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(here, f))
  inputs.push(path.resolve(here, "../../pnpm-lock.yaml"))
  writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs))
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile)
}
