/**
 * `mask`: rewrites the personal data of a rehearsal copy of the source databases in place, so a
 * rehearsal can run on data nobody may recognise and still meet the same checks. Every value is
 * masked by a keyed hash (HMAC-SHA256 with the seed), so the same input always gives the same output
 * and different inputs stay different: duplicate emails stay duplicates, links by email still link.
 * A value the cleanser accepts becomes another value it accepts; one it rejects becomes another one it
 * rejects (`masked-invalid-…`), so the rehearsal rejects the same rows as the real run.
 */
import { createHmac } from "node:crypto"
import { Command, Options } from "@effect/cli"
import { Email, MyKad, PersonName, Phone } from "@schoolbridge/cleansers"
import type { MysqlClient } from "@schoolbridge/connectors"
import { Console, Effect, Option } from "effect"
import * as CommandLine from "./CommandLine.js"
import * as Exit from "./Exit.js"
import * as MaskRules from "./MaskRules.js"
import * as Sources from "./Sources.js"

const firstNames = [
  "Amani",
  "Farid",
  "Hana",
  "Irfan",
  "Jasmin",
  "Kamal",
  "Lina",
  "Naim",
  "Puteri",
  "Rizal",
  "Sofia",
  "Taufik",
  "Wani",
  "Yusof",
  "Zara",
  "Arif",
  "Mei Ling",
  "Ravi",
  "Priya",
  "Haziq",
]
const lastNames = [
  "Abdullah",
  "Hamid",
  "Ismail",
  "Karim",
  "Lim",
  "Tan",
  "Ng",
  "Wong",
  "Raj",
  "Kumar",
  "Osman",
  "Yusuf",
  "Salleh",
  "Latif",
  "Goh",
  "Chua",
]
// Place-of-birth codes of the Malaysian states and federal territories (JPN 01–16).
const stateCodes = Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, "0"))
// Mobile prefixes 01X whose numbers have seven digits after the prefix (011 has eight).
const mobilePrefixes = ["2", "3", "4", "6", "7", "8", "9"]

/** The keyed hash of one value of one kind; `round` draws another when a candidate is unusable. */
const digest = (seed: string, kind: string, value: string, round = 0): Buffer =>
  createHmac("sha256", seed).update(`${kind}\u0000${round}\u0000${value}`).digest()

const int = (h: Buffer, at: number) => h.readUInt32BE(at)

const hex = (h: Buffer, length: number) => h.toString("hex").slice(0, length)

// What a rejected value becomes: letters, a digit and no `@`, which every cleanser here rejects, in
// 16 characters so it fits the narrow columns identity numbers live in.
const rejected = (seed: string, kind: string, text: string) => `invalid-0${hex(digest(seed, kind, text), 7)}`

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

const maskName = (seed: string, kind: MaskRules.Kind, text: string): string => {
  const cleaned = PersonName.clean(text)
  if (cleaned._tag === "Invalid") return rejected(seed, kind, text)
  if (cleaned.value === null) return text
  const key = cleaned.value.toLowerCase()
  for (let round = 0; ; round++) {
    const h = digest(seed, kind, key, round)
    const first = firstNames[int(h, 0) % firstNames.length]!
    const last = lastNames[int(h, 4) % lastNames.length]!
    const candidate = kind === "first-name" ? first : kind === "last-name" ? last : `${first} ${last}`
    if (!same(candidate, text)) return candidate
  }
}

const maskEmail = (seed: string, text: string): string => {
  const cleaned = Email.clean(text)
  if (cleaned._tag === "Invalid") return rejected(seed, "email", text)
  if (cleaned.value === null) return text
  // Keyed on the normalized address: the same person's `Aisyah@X.com` and `aisyah@x.com ` agree.
  return `${hex(digest(seed, "email", cleaned.value.toLowerCase()), 16)}@example.invalid`
}

const maskPhone = (seed: string, text: string): string => {
  const cleaned = Phone.clean(text)
  if (cleaned._tag === "Invalid") return rejected(seed, "phone", text)
  if (cleaned.value === null) return text
  const international = /^\s*(\+|00|60)/.test(text)
  for (let round = 0; ; round++) {
    const h = digest(seed, "phone", cleaned.value.number, round)
    const prefix = `1${mobilePrefixes[int(h, 0) % mobilePrefixes.length]!}`
    const rest = String(int(h, 4) % 10_000_000).padStart(7, "0")
    const national = `0${prefix}${rest}`
    const check = Phone.clean(national)
    if (
      check._tag === "Invalid" ||
      check.value?.type !== "mobile" ||
      check.value.number === cleaned.value.number
    )
      continue
    return international
      ? `+60 ${prefix}-${rest.slice(0, 3)} ${rest.slice(3)}`
      : `0${prefix}-${rest.slice(0, 3)} ${rest.slice(3)}`
  }
}

const maskMyKad = (seed: string, text: string): string => {
  const cleaned = MyKad.clean(text)
  if (cleaned._tag === "Invalid") return rejected(seed, "mykad", text)
  if (cleaned.value === null) return text
  const digits = cleaned.value.number.replace(/-/g, "")
  // The birth date stays (ages and birth-date cross-checks hold), and so does the sex the last
  // digit's parity encodes; the place and the serial are drawn.
  const parity = Number(digits[11]) % 2
  for (let round = 0; ; round++) {
    const h = digest(seed, "mykad", digits, round)
    const place = stateCodes[int(h, 0) % stateCodes.length]!
    const serial = String(int(h, 4) % 1000).padStart(3, "0")
    const last = ((int(h, 8) % 5) * 2 + parity) % 10
    const candidate = `${digits.slice(0, 6)}-${place}-${serial}${last}`
    if (candidate !== cleaned.value.number) return candidate
  }
}

const maskAddress = (seed: string, text: string): string => {
  const h = digest(seed, "address", text.trim().toLowerCase())
  return `No ${(int(h, 0) % 99) + 1}, Jalan Contoh ${(int(h, 4) % 50) + 1}`
}

/**
 * The masked form of one value of `kind`: NULL, non-text and empty or blank values stay as they are
 * (the dirt the validators count stays), everything else is replaced deterministically.
 */
export const maskValue = (seed: string, kind: MaskRules.Kind, value: unknown): unknown => {
  if (value === null || value === undefined) return value
  const text = typeof value === "string" ? value : typeof value === "number" ? String(value) : null
  if (text === null || text.trim() === "") return value
  switch (kind) {
    case "first-name":
    case "last-name":
    case "full-name":
      return maskName(seed, kind, text)
    case "email":
      return maskEmail(seed, text)
    case "phone":
      return maskPhone(seed, text)
    case "mykad":
      return maskMyKad(seed, text)
    case "address":
      return maskAddress(seed, text)
    case "text":
      return `masked text ${hex(digest(seed, "text", text), 16)}`
  }
}

const id = (name: string) => `\`${name.replace(/`/g, "``")}\``

/** One table of one source as it will be masked: the rule's columns the table has. */
interface Planned {
  readonly source: string
  readonly client: MysqlClient.MysqlClientShape
  readonly table: string
  readonly key: string
  readonly columns: ReadonlyArray<readonly [string, MaskRules.Kind]>
}

/** The outcome of one table. */
export interface TableResult {
  readonly source: string
  readonly table: string
  readonly rows: number
  readonly changed: number
  readonly seconds: number
}

const planSource = (
  source: string,
  client: MysqlClient.MysqlClientShape,
  rules: ReadonlyArray<MaskRules.TableRule>,
): Effect.Effect<ReadonlyArray<Planned>, Exit.CliError> =>
  Effect.map(
    client
      .query<{ t: string; c: string }>(
        "select table_name as t, column_name as c from information_schema.columns where table_schema = database()",
      )
      .pipe(Effect.mapError((e) => Exit.failure(`${client.describe}: ${e.message}`))),
    (found) => {
      const columns = new Map<string, Set<string>>()
      for (const r of found) columns.set(r.t, (columns.get(r.t) ?? new Set()).add(r.c))
      return rules.flatMap((rule): Array<Planned> => {
        const has = columns.get(rule.table)
        if (has === undefined || !has.has(rule.key)) return []
        const present = Object.entries(rule.columns).filter(([c]) => has.has(c))
        return present.length === 0
          ? []
          : [{ source, client, table: rule.table, key: rule.key, columns: present }]
      })
    },
  )

const batchSize = 1000

// Walks the table by key in batches; each batch's changed rows are one UPDATE … WHERE key IN (…) in
// its own transaction, so an interruption leaves whole batches masked; a rerun masks the masked
// rows once more (no original comes back), but only a fresh copy gives the seed's exact values.
const maskTable = async (t: Planned, seed: string): Promise<TableResult> => {
  const started = performance.now()
  const pool = t.client.pool.promise()
  const select = `select ${[t.key, ...t.columns.map(([c]) => c)].map(id).join(", ")} from ${id(t.table)}`
  let last: unknown
  let rows = 0
  let changed = 0
  for (;;) {
    const [batch] = (await pool.query(
      `${select}${last === undefined ? "" : ` where ${id(t.key)} > ?`} order by ${id(t.key)} limit ${batchSize}`,
      last === undefined ? [] : [last],
    )) as unknown as [Array<Record<string, unknown>>]
    if (batch.length === 0) break
    rows += batch.length
    last = batch.at(-1)![t.key]
    const updates = batch.flatMap((row) => {
      const values = t.columns.map(([c, kind]) => maskValue(seed, kind, row[c]))
      return values.some((v, i) => v !== row[t.columns[i]![0]]) ? [{ key: row[t.key], values }] : []
    })
    if (updates.length === 0) continue
    const params: Array<unknown> = []
    const sets = t.columns.map(([c], i) => {
      const whens = updates.map((u) => {
        params.push(u.key, u.values[i])
        return "when ? then ?"
      })
      return `${id(c)} = case ${id(t.key)} ${whens.join(" ")} else ${id(c)} end`
    })
    params.push(...updates.map((u) => u.key))
    const conn = await pool.getConnection()
    try {
      await conn.beginTransaction()
      await conn.query(
        `update ${id(t.table)} set ${sets.join(", ")} where ${id(t.key)} in (${updates.map(() => "?").join(", ")})`,
        params,
      )
      await conn.commit()
    } catch (e) {
      await conn.rollback().catch(() => undefined)
      throw e
    } finally {
      conn.release()
    }
    changed += updates.length
  }
  return {
    source: t.source,
    table: t.table,
    rows,
    changed,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  }
}

/** The per-table summary: rows read, rows changed, seconds. */
export const render = (results: ReadonlyArray<TableResult>): string => {
  const header = ["table", "rows", "changed", "seconds"]
  const body = results.map((r) => [
    `${r.source}.${r.table}`,
    String(r.rows),
    String(r.changed),
    r.seconds.toFixed(2),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [line(header), ...body.map(line)].join("\n")
}

/** The `mask` command. */
export const command = Command.make(
  "mask",
  {
    manifest: CommandLine.manifest("The manifest whose MySQL sources (a rehearsal copy!) to mask"),
    yes: CommandLine.yes,
    seed: Options.text("seed").pipe(
      Options.withDescription("The key of the masking hash; default: the manifest's name"),
      Options.optional,
    ),
  },
  (args) =>
    Effect.gen(function* () {
      const loaded = yield* CommandLine.loadManifest(args.manifest)
      const { manifest } = loaded
      const rules = MaskRules.forSystem(manifest.system)
      const names = Object.entries(manifest.sources)
        .filter(([, s]) => s.kind === "mysql")
        .map(([name]) => name)
      if (rules.length === 0 || names.length === 0)
        return yield* Effect.fail(
          Exit.config(
            `mask rewrites MySQL sources of legacy-sis, gibbon and moodle; ${manifest.name} has none`,
          ),
        )
      const seed = Option.getOrElse(args.seed, () => manifest.name)
      const sources = yield* Sources.open(loaded, process.env)
      const planned: Array<Planned> = []
      for (const name of names) {
        const client = yield* sources.mysql(name)
        const tables = yield* planSource(name, client, rules)
        yield* Console.log(
          `will mask ${client.describe} (source ${name}): ${
            tables.length === 0
              ? "no table with personal data"
              : tables.map((t) => `${t.table} (${t.columns.map(([c]) => c).join(", ")})`).join("; ")
          }`,
        )
        planned.push(...tables)
      }
      if (
        !(yield* CommandLine.confirm("Overwrite the personal data in these databases?", "mask", args.yes))
      ) {
        yield* Console.log("nothing was changed")
        return
      }
      const results: Array<TableResult> = []
      for (const t of planned)
        results.push(
          yield* Effect.tryPromise({
            try: () => maskTable(t, seed),
            catch: (e) =>
              Exit.failure(
                `${t.source}.${t.table}: ${e instanceof Error ? e.message : String(e)}; the batches before it are masked`,
              ),
          }),
        )
      yield* Console.log(render(results))
    }).pipe(Effect.scoped),
).pipe(
  Command.withDescription(
    "Mask the personal data of a rehearsal copy of the manifest's MySQL sources in place, deterministically. Asks first unless --yes.",
  ),
)
