export * as CodeTables from "./CodeTables.js"
export * as Quran from "./Quran.js"
