/** Versioned SQL migrations of the portal database. */

/** `academic`: years, students, guardians, teachers, classes, enrollments, attendance, assessments. */
export * as Academic from "./Academic.js"
/** `analytics`: dashboard metrics and cached reports. */
export * as Analytics from "./Analytics.js"
/** `audit`: the change log and the switch for bulk loads. */
export * as Audit from "./Audit.js"
/** `auth`: tenants, users, roles and permissions, sessions. */
export * as Auth from "./Auth.js"
/** Column types of portal tables: effect Schema, PostgreSQL type, nullability. */
export * as Column from "./Column.js"
/** `communication`: notifications, messages, announcements. */
export * as Communication from "./Communication.js"
/** `content`: CMS pages and media. */
export * as Content from "./Content.js"
/** `financial`: fees, invoices, payments, scholarships. */
export * as Financial from "./Financial.js"
/** `islamic`: Quran programmes, hifz progress, murajaah, tajweed, Islamic studies grades. */
export * as Islamic from "./Islamic.js"
export * as Migrations from "./Migrations.js"
/** Applies migrations with checksums under an advisory lock. */
export * as Migrator from "./Migrator.js"
/** Portal tables: name, columns, row Schema and engine target. */
export * as Table from "./Table.js"
/** The length rule of every text column: its cap and whether a longer value rejects, nulls or is cut. */
export * as TextLength from "./TextLength.js"
