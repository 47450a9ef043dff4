// Benchmarks run as built JavaScript, as the apps do in production: no run-time TypeScript loader
// (under Node 20 it adds a second V8 isolate to the process and its memory to the figures).

import * as path from "node:path"
import { build } from "esbuild"

const entry = process.argv[2]
await build({
  entryPoints: [entry],
  outfile: path.join(".build", `${path.basename(entry, ".ts")}.mjs`),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Drivers (and sql.js with its .wasm file) stay as installed packages; our TypeScript packages are bundled in.
  external: ["pg", "pg-copy-streams", "mysql2", "mysql2/*", "sql.js", "axios"],
  // Bundled CommonJS packages (exceljs, reached through the connectors' index) call require() for
  // Node's modules; an ES module has none unless we make one.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  logLevel: "warning",
})
