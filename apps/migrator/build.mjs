// The CLI runs as one built ES module, as in production: our TypeScript packages and the libraries
// are bundled in; packages with native binaries or WebAssembly files stay installed dependencies.
import { build } from "esbuild"

// `node build.mjs [OUTFILE]`: another package's tests build their own copy, so that two test runs
// never write the same file while the other runs it. It stays under apps/migrator so that the
// external packages resolve.
await build({
  entryPoints: ["src/main.ts"],
  outfile: process.argv[2] ?? "dist/main.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: ["@node-rs/argon2", "pg-native", "sql.js"],
  // Bundled CommonJS libraries (pg, mysql2) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __sbRequire } from 'node:module'; const require = __sbRequire(import.meta.url);",
  },
  logLevel: "warning",
})
