/** Exact decimal amounts as integers of their smallest unit: parse and write. */
export * as Amount from "./Amount.js"
/** The outcome of one check (id, entity, tenant, severity, observed, expected, samples) and its Schema. */
export * as Check from "./Check.js"
/** Checksum parity of the key and content (as-is) columns, hashed by each database. */
export * as Checksum from "./Checksum.js"
/** Count parity per entity and tenant within a tolerance. */
export * as CountParity from "./CountParity.js"
/** Row counts per tenant on both sides and the run's ledger totals, counted in SQL. */
export * as Counts from "./Counts.js"
/** What the validators know about an entity: source, target, as-is columns, relationships, rules. */
export * as Declaration from "./Declaration.js"
/** The SQL each database needs to compute the same canonical text and hashes. */
export * as Dialect from "./Dialect.js"
/** Domain rules as SQL predicates over target rows. */
export * as Domain from "./Domain.js"
/** A seeded random sample compared field by field after mapping. */
export * as FieldSample from "./FieldSample.js"
/** Pre-migration profiling of a CSV, NDJSON or JSON source in one streaming pass with bounded memory. */
export * as FileProfile from "./FileProfile.js"
/** The go/no-go gate, the rollback triggers and the exit code. */
export * as Gate from "./Gate.js"
/** The ledger checks: read = loaded + rejected + skipped, and read = source rows. */
export * as Ledger from "./Ledger.js"
/** Money totals (invoiced, paid, allocated) per tenant and year, summed exactly in SQL on both sides. */
export * as MoneyTotals from "./MoneyTotals.js"
/** Referential integrity: orphans of every catalog foreign key and declared relationship. */
export * as Orphans from "./Orphans.js"
/** The domain rules of seed 001 §7.2.2 for the portal tables, as declarations. */
export * as PortalRules from "./PortalRules.js"
/** Pre-migration profiling of a MySQL, PostgreSQL or SQLite source table, pushed into SQL. */
export * as Profile from "./Profile.js"
/** The pre-migration profile report value and its Schema (JSON other tools can read). */
export * as ProfileReport from "./ProfileReport.js"
/** Running a check's SQL on each side, and the error when a check cannot run. */
export * as Query from "./Query.js"
/** The report as CSV, one row per check. */
export * as CsvReport from "./Report/Csv.js"
/** The report as one self-contained HTML page with an inline SVG chart. */
export * as HtmlReport from "./Report/Html.js"
/** The report as Markdown for a ticket. */
export * as MarkdownReport from "./Report/Markdown.js"
/** The pre-migration profile as Markdown and HTML: seed 001's data-profiling template, filled in. */
export * as ProfileDocument from "./Report/ProfileDocument.js"
/** The validation report value and its Schema. */
export * as Report from "./Report.js"
/** The database the migrated rows came from (MySQL, PostgreSQL or SQLite) and its dialect. */
export * as SourceDatabase from "./SourceDatabase.js"
/** The SQL functions the SQLite dialect needs and SQLite lacks (md5, exact sums of hashes and decimals), in TypeScript. */
export * as SqliteFunctions from "./SqliteFunctions.js"
/** Runs every post-migration check and the gate. */
export * as Validate from "./Validate.js"
