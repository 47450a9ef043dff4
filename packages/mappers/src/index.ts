export * as CodeTables from "./CodeTables.js"
