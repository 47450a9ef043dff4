/**
 * The length rule of every text column of the portal. The portal's DDL types its strings `text`, which
 * PostgreSQL takes up to a gigabyte, so the caps are ours, written here as data: a value longer than
 * its column's cap is never stored whole. What happens instead depends on what the column is:
 *
 * - `reject`: the column identifies the row or links it (legacy id, codes, usernames, numbers a school
 *   quotes); a cut value would be a different identity, so the row is rejected with the reason.
 * - `null`: a cut value would be wrong rather than short (a phone number, a URL); it becomes null with
 *   a note and the row loads, as any bad value in a column that is not identity does. A column that
 *   cannot be null rejects the row instead.
 * - `truncate`: names and prose; the first `max` characters are kept, with a note giving the length.
 *
 * Lengths are in characters (Unicode code points), as PostgreSQL counts them.
 */
import * as Academic from "./Academic.js"
import * as Analytics from "./Analytics.js"
import * as Audit from "./Audit.js"
import * as Auth from "./Auth.js"
import * as Communication from "./Communication.js"
import * as Content from "./Content.js"
import * as Financial from "./Financial.js"
import * as Islamic from "./Islamic.js"
import * as Table from "./Table.js"

/** What happens to a value longer than its cap. */
export type Overflow = "reject" | "null" | "truncate"

/** A cap and what happens above it. */
export interface Rule {
  readonly max: number
  readonly overflow: Overflow
}

/** The rule of one column of one table. */
export interface Limit extends Rule {
  readonly column: string
}

/** A text column no rule below names: free text of ordinary size. */
export const defaultRule: Rule = { max: 10_000, overflow: "truncate" }

/** Column names and their rules, the first match winning. */
export const rules: ReadonlyArray<readonly [RegExp, Rule]> = [
  // Identity and links.
  [/^(legacy_id|legacy_source)$/, { max: 255, overflow: "reject" }],
  [/^(tenant_id|code|.*_code)$/, { max: 64, overflow: "reject" }],
  // An email says how to reach a person, not who they are: as any contact value, null with a note.
  [/^email$/, { max: 254, overflow: "null" }],
  [/^username$/, { max: 150, overflow: "reject" }],
  [/^(national_id|document_number|reference|.*_number)$/, { max: 64, overflow: "reject" }],
  [/^(slug|metric_key|report_key)$/, { max: 200, overflow: "reject" }],
  [/^(storage_key|file_path|password_hash|token_hash)$/, { max: 1024, overflow: "reject" }],
  // Values a cut would make wrong.
  [/^(phone|.*_phone)$/, { max: 32, overflow: "null" }],
  [/^(url|.*_url)$/, { max: 2048, overflow: "null" }],
  [/^(ip_address|timezone|currency|mime_type|password_algorithm)$/, { max: 64, overflow: "null" }],
  // Names, titles and short labels.
  [/^(name|first_name|last_name|.*_name|name_in_script|title|subject)$/, { max: 200, overflow: "truncate" }],
  [
    /^(country|nationality|occupation|relationship|qualification|specialization|room|grade|grade_level|term)$/,
    { max: 200, overflow: "truncate" },
  ],
  [/^(file_name|alt_text|user_agent)$/, { max: 1000, overflow: "truncate" }],
  // Prose.
  [/^(body|content)$/, { max: 1_000_000, overflow: "truncate" }],
  [/^(description|notes|.*_notes|remarks|feedback|prerequisites)$/, { max: 100_000, overflow: "truncate" }],
]

/** The rule of a text column called `column`. */
export const ruleOf = (column: string): Rule => rules.find(([name]) => name.test(column))?.[1] ?? defaultRule

/** The limits of a table's text columns; a rule of `null` on a column that takes no null rejects. */
export const limitsOf = (table: Table.Any): ReadonlyArray<Limit> =>
  table.columns.flatMap((column) => {
    const c = table.fields[column]!
    if (c.sqlType !== "text") return []
    const rule = ruleOf(column)
    const overflow = rule.overflow === "null" && !c.nullable ? "reject" : rule.overflow
    return [{ column, max: rule.max, overflow }]
  })

const tables = new Map<string, Table.Any>(
  [Academic, Analytics, Audit, Auth, Communication, Content, Financial, Islamic]
    .flatMap((module) => Object.values(module).filter(Table.isTable))
    .map((t) => [t.table, t]),
)

/** The limits of a portal table by name (`auth.users`); none for a table the model does not have. */
export const limitsFor = (table: string): ReadonlyArray<Limit> => {
  const t = tables.get(table)
  return t === undefined ? [] : limitsOf(t)
}
