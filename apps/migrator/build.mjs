// The CLI runs as one built ES module, as in production: our TypeScript packages and the libraries
// are bundled in; packages with native binaries or WebAssembly files stay installed dependencies.
import { build } from "esbuild"

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.mjs",
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
