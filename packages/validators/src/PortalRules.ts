import type { PgClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import type * as Check from "./Check.js"
import type * as Declaration from "./Declaration.js"
import { type Dialect, mysql, postgresql as pg } from "./Dialect.js"
import * as Domain from "./Domain.js"
import type * as Query from "./Query.js"

/**
 * The domain rules of seed 001 §7.2.2 for the portal tables (`packages/schema/sql`), as
 * declarations: the target-only rules are SQL predicates, the rules that compare with the source
 * (dates, soft-delete flags) are preserved-values rules built from the source columns.
 */

/** Verses of each surah, 1 to 114 (Hafs, 6,236 verses); index 0 is surah 1. */
export const surahVerses: ReadonlyArray<number> = [
  7, 286, 200, 176, 120, 165, 206, 75, 129, 109, 123, 111, 43, 52, 99, 128, 111, 110, 98, 135, 112, 78, 118,
  64, 77, 227, 93, 88, 69, 60, 34, 30, 73, 54, 45, 83, 182, 88, 75, 85, 54, 53, 89, 59, 37, 35, 38, 29, 18,
  45, 60, 49, 62, 55, 78, 96, 29, 22, 24, 13, 14, 11, 11, 18, 12, 12, 30, 52, 52, 44, 28, 28, 20, 56, 40, 31,
  50, 40, 46, 42, 29, 19, 36, 25, 22, 17, 19, 26, 30, 20, 15, 21, 11, 8, 8, 19, 5, 8, 8, 11, 11, 8, 3, 9, 5,
  4, 7, 3, 6, 3, 5, 4, 5, 6,
]

// A PostgreSQL array literal indexed by surah number (arrays are 1-based, as surahs are).
const verses = `(array[${surahVerses.join(",")}])`

/** `financial.invoices`: the balance due is the total less what was paid. */
export const invoiceBalance: Declaration.DomainRule = {
  id: "invoice-balance",
  title: "Invoice balance = total − paid",
  table: "financial.invoices",
  predicate: "t.balance_due = t.total_amount - t.paid_amount",
  sampleColumns: ["id", "legacy_id", "tenant_id", "total_amount", "paid_amount", "balance_due"],
}

/** `islamic.hafiz_progress`: no more verses memorised than the surah has, and its verse count right. */
export const versesWithinSurah: Declaration.DomainRule = {
  id: "verses-within-surah",
  title: "Verses memorised ≤ the surah's verses",
  table: "islamic.hafiz_progress",
  predicate: `t.verses_memorized <= ${verses}[t.surah_number] and t.total_verses = ${verses}[t.surah_number]`,
  sampleColumns: ["id", "legacy_id", "tenant_id", "surah_number", "verses_memorized", "total_verses"],
}

/**
 * `academic.attendance`: nothing dated after today. Today is taken in UTC+14, the earliest time
 * zone, so a school's own today never fails whatever the server's time zone.
 */
export const noFutureAttendance: Declaration.DomainRule = {
  id: "no-future-attendance",
  title: "No attendance in the future",
  table: "academic.attendance",
  predicate: "t.attendance_date <= (now() at time zone 'Etc/GMT-14')::date",
  sampleColumns: ["id", "legacy_id", "tenant_id", "student_id", "attendance_date"],
}

/**
 * `academic.students`: one child, one record. Two live students of a school with one MyKad are
 * one child loaded twice (or a MyKad typed on the wrong child): each of them fails.
 */
export const oneStudentPerMyKad: Declaration.DomainRule = {
  id: "one-student-per-mykad",
  title: "One student per MyKad in a school",
  table: "academic.students",
  predicate: `t.national_id is null or t.deleted_at is not null or not exists (
    select 1 from academic.students o
     where o.tenant_id = t.tenant_id and o.national_id = t.national_id and o.id <> t.id and o.deleted_at is null)`,
  sampleColumns: ["id", "legacy_id", "tenant_id", "national_id"],
  severity: "critical",
}

/** The target-only rules by portal table. */
export const byTable: Readonly<Record<string, ReadonlyArray<Declaration.DomainRule>>> = {
  "financial.invoices": [invoiceBalance],
  "islamic.hafiz_progress": [versesWithinSurah],
  "academic.attendance": [noFutureAttendance],
  "academic.students": [oneStudentPerMyKad],
}

/** A source date or datetime column and the portal column it became. */
export interface DateColumn {
  readonly source: string
  /** Defaults to the source column's name. */
  readonly target?: string
  readonly type: "date" | "timestamp"
  /**
   * For a `timestamptz` target: the zone the source's local times are in (e.g.
   * `Asia/Kuala_Lumpur`), so the target is read back as local time whatever the session's zone.
   */
  readonly timeZone?: string
}

/** Dates preserved: each source date (a zero date counts as null) is the target's, to the second. */
export const datesPreserved = (
  columns: ReadonlyArray<DateColumn>,
  severity?: Check.Severity,
): Declaration.PreservedRule => ({
  id: "dates-preserved",
  title: `Dates preserved: ${columns.map((c) => c.target ?? c.source).join(", ")}`,
  columns: columns.map((c) => {
    const target = pg.id(c.target ?? c.source)
    return {
      source: c.source,
      target: c.target ?? c.source,
      type: { kind: c.type },
      ...(c.timeZone === undefined
        ? {}
        : { targetSql: `(${target} at time zone '${c.timeZone.replace(/'/g, "''")}')` }),
    }
  }),
  ...(severity === undefined ? {} : { severity }),
})

/** How the source marks a deleted row. */
export type SoftDeleteSource =
  /** A flag column: non-zero means deleted (null means not). */
  | { readonly flag: string }
  /** A deletion time: set (and not a zero date) means deleted. */
  | { readonly deletedAt: string }

/**
 * Soft-delete flags preserved: a row deleted at the source has `deleted_at` set in the target, and
 * only then. The source expression is written in `sourceDialect` (Gibbon and Moodle: MySQL).
 */
export const softDeletePreserved = (
  source: SoftDeleteSource,
  targetColumn = "deleted_at",
  severity?: Check.Severity,
  sourceDialect: Dialect = mysql,
): Declaration.PreservedRule => {
  const my = sourceDialect
  // Only MySQL and SQLite can hold a zero date; PostgreSQL would reject the literal.
  const real = (c: string) =>
    my.name === "mysql"
      ? ` and ${c} <> '0000-00-00 00:00:00'`
      : my.name === "sqlite"
        ? ` and cast(${c} as text) not like '0000-00-00%'`
        : ""
  const sourceSql =
    "flag" in source
      ? `(coalesce(${my.id(source.flag)}, 0) <> 0)`
      : `(${my.id(source.deletedAt)} is not null${real(my.id(source.deletedAt))})`
  return {
    id: "soft-delete-preserved",
    title: `Soft deletes preserved: ${"flag" in source ? source.flag : source.deletedAt} → ${targetColumn}`,
    columns: [
      {
        source: "flag" in source ? source.flag : source.deletedAt,
        target: targetColumn,
        type: { kind: "boolean" },
        sourceSql,
        targetSql: `(${pg.id(targetColumn)} is not null)`,
      },
    ],
    ...(severity === undefined ? {} : { severity }),
  }
}

/** The declaration with the portal's target-only rules for its target table added. */
export const withRules = (e: Declaration.EntityDeclaration): Declaration.EntityDeclaration => {
  const rules = byTable[e.target.table] ?? []
  return rules.length === 0 ? e : { ...e, rules: [...(e.rules ?? []), ...rules] }
}

/**
 * The target-only rules over the whole portal tables (every row, migrated or not), for a check
 * of the portal database without declarations. Ids are `domain:<table>:<rule>`.
 */
export const checks = (
  sampleLimit = 10,
): Effect.Effect<ReadonlyArray<Check.Check>, Query.ValidationError, PgClient.PgClient> =>
  Effect.forEach(
    Object.entries(byTable).flatMap(([table, rules]) => rules.map((rule) => ({ table, rule }))),
    ({ table, rule }) =>
      Domain.checkScope(
        { entity: null, table, sampleColumns: ["id", "legacy_id", "tenant_id"] },
        rule,
        sampleLimit,
      ),
  )
