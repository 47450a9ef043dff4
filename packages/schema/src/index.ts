/** Versioned SQL migrations of the portal database. */
export * as Migrations from "./Migrations.js"
/** Applies migrations with checksums under an advisory lock. */
export * as Migrator from "./Migrator.js"
