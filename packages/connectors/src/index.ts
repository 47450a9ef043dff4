/** Connection URLs: redaction for messages, settings from the environment. */
export * as ConnectionUrl from "./ConnectionUrl.js"
/** A pg connection pool (or one pinned transaction, for dry runs) as an Effect service. */

/** A MySQL/MariaDB pool that reads losslessly (DECIMAL, BIGINT, dates as text). */
export * as MysqlClient from "./MysqlClient.js"
export * as PgClient from "./PgClient.js"
/** The migration ledger in PostgreSQL: checkpoints, row ledger, id map, rollback. */
export * as PgLedger from "./PgLedger.js"
/** The PostgreSQL sink: COPY or staging + merge, row isolation, checkpoint in the same transaction. */
export * as PgSink from "./Sink/Pg.js"
/** CSV files, resumable by record offset. */
export * as CsvSource from "./Source/Csv.js"
/** JSON array files, resumable by record offset. */
export * as JsonSource from "./Source/Json.js"
/** What the table sources share: keyset reads, tenant partitions (by column or by SQL condition). */
export * as Keyset from "./Source/Keyset.js"
/** MySQL/MariaDB source: one keyset-ordered streaming query per partition. */
export * as MysqlSource from "./Source/Mysql.js"
/** NDJSON files, resumable by record offset. */
export * as NdjsonSource from "./Source/Ndjson.js"
/** PostgreSQL source (e.g. a Django app's database): keyset pages, exact values, dates as text. */
export * as PgSource from "./Source/Postgres.js"
/** SQLite source: keyset pages over a file in memory, zero dates read as null with a note. */
export * as SqliteSource from "./Source/Sqlite.js"
/** XLSX worksheets read as a stream, rows as text records keyed by the header, resumable by record offset. */
export * as XlsxSource from "./Source/Xlsx.js"
/** A SQLite file read into memory with sql.js (WebAssembly): exact integers, SQL functions of our own. */
export * as SqliteClient from "./SqliteClient.js"
