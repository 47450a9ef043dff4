/**
 * The cleansers benchmark: N deterministic, generated records (email, phone, name, date of
 * birth, MyKad), a realistic mix of clean and dirty values with the repeats real tables have
 * (siblings share a parent's phone; the same people appear in many rows). Times only the
 * cleaning; records are generated in chunks between timed sections. Prints figures, asserts
 * nothing. Last line:
 *   records=<N> records_per_s=<r> peak_rss_mb=<m>
 *
 *   pnpm bench:cleansers -- --records 1000000
 */
import { parseArgs } from "node:util"
import { DateInput, Email, MyKad, PersonName, Phone } from "@schoolbridge/cleansers"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: { records: { type: "string", default: "1000000" }, seed: { type: "string", default: "20260101" } },
})
const records = Number(values.records)
if (!Number.isSafeInteger(records) || records <= 0)
  throw new Error(`--records must be a positive integer, got ${values.records}`)

// mulberry32: small, fast and deterministic, so every run cleans the same data.
let state = Number(values.seed) >>> 0
const random = (): number => {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!
const digits = (n: number): string => {
  let s = ""
  for (let i = 0; i < n; i++) s += String(Math.floor(random() * 10))
  return s
}
const pad2 = (n: number) => String(n).padStart(2, "0")

const malayGiven = [
  "Ahmad",
  "Muhammad",
  "Nur",
  "Siti",
  "Aisyah",
  "Hafiz",
  "Amirul",
  "Nurul",
  "Izzah",
  "Faris",
  "Aiman",
  "Iman",
]
const malayFather = [
  "Abdullah",
  "Ismail",
  "Osman",
  "Abd Rahman",
  "Hamid",
  "Yusof",
  "Ibrahim",
  "Zakaria",
  "Ali",
]
const chinese = [
  "Tan Ah Kow",
  "Lim Chong Yew",
  "Lee Mei Ling",
  "Wong Kar Wai",
  "Ng Siew Lan",
  "Chong Wei",
  "Ooi Boon Huat",
]
const indianGiven = ["Muthu", "Kavitha", "Rajesh", "Priya", "Saravanan", "Devi"]
const indianFather = ["Ramasamy", "Subramaniam", "Krishnan", "Maniam"]
const domains = ["gmail.com", "yahoo.com", "moe.edu.my", "hotmail.com", "sekolah.edu.my", "outlook.com"]
const placeCodes = ["01", "02", "05", "07", "08", "10", "12", "13", "14", "21", "41", "54", "66", "71"]
const months = ["Jan", "Feb", "Mac", "Apr", "Mei", "Jun", "Julai", "Ogos", "Sep", "Okt", "Nov", "Dis"]

interface RecordInput {
  readonly email: string
  readonly phone: string
  readonly name: string
  readonly dob: string
  readonly mykad: string
}

const person = (): RecordInput => {
  const kind = random()
  const male = random() < 0.5
  let name: string
  let local: string
  if (kind < 0.6) {
    const given = pick(malayGiven)
    const father = pick(malayFather)
    name = `${given} ${male ? pick(["bin", "b."]) : pick(["binti", "bt"])} ${father}`
    local = `${given}.${father.replace(" ", "")}`
  } else if (kind < 0.85) {
    name = pick(chinese)
    local = name.replace(/ /g, ".")
  } else {
    const given = pick(indianGiven)
    const father = pick(indianFather)
    name = `${given} ${male ? "a/l" : "a/p"} ${father}`
    local = `${given}${father}`
  }
  const casing = random()
  if (casing < 0.5) name = name.toUpperCase()
  else if (casing < 0.6) name = name.toLowerCase()
  else if (casing < 0.65) name = `  ${name.replace(/ /g, "  ")} `
  local = `${local.toLowerCase()}${Math.floor(random() * 100)}`
  const domain = pick(domains)
  const e = random()
  const email =
    e < 0.7
      ? `${local}@${domain}`
      : e < 0.8
        ? `${local.toUpperCase()}@${domain.toUpperCase()}`
        : e < 0.85
          ? ` ${local}@${domain} `
          : e < 0.9
            ? `${local}@@${domain}`
            : e < 0.95
              ? `${local}@${domain}.`
              : e < 0.98
                ? `${local} x@${domain}`
                : `${local}${domain}`
  const mobile = `1${pick(["2", "3", "6", "7", "9"])}${digits(7)}`
  const p = random()
  const phone =
    p < 0.3
      ? `0${mobile.slice(0, 2)}-${mobile.slice(2, 5)} ${mobile.slice(5)}`
      : p < 0.5
        ? `+60${mobile}`
        : p < 0.6
          ? `60${mobile}`
          : p < 0.65
            ? `0060${mobile}`
            : p < 0.75
              ? `0${mobile}`
              : p < 0.85
                ? `03-${pick(["2", "7", "9"])}${digits(3)} ${digits(4)}`
                : p < 0.9
                  ? `+60 ${mobile.slice(0, 2)}-${mobile.slice(2, 5)} ${mobile.slice(5)}`
                  : p < 0.97
                    ? `0${mobile} ext. ${digits(2)}`
                    : `0${digits(5)}`
  const year = random() < 0.8 ? 2008 + Math.floor(random() * 12) : 1965 + Math.floor(random() * 30)
  const month = 1 + Math.floor(random() * 12)
  const day = 1 + Math.floor(random() * 28)
  const d = random()
  const dob =
    d < 0.4
      ? `${year}-${pad2(month)}-${pad2(day)}`
      : d < 0.7
        ? `${pad2(day)}/${pad2(month)}/${year}`
        : d < 0.8
          ? `${day}-${month}-${String(year).slice(2)}`
          : d < 0.9
            ? `${day} ${months[month - 1]} ${year}`
            : d < 0.95
              ? String(Math.round((Date.UTC(year, month - 1, day) - Date.UTC(1899, 11, 30)) / 86400000))
              : d < 0.98
                ? "0000-00-00"
                : `${day}/${month + 12}/${year}`
  const serial = `${digits(3)}${male ? pick(["1", "3", "5", "7", "9"]) : pick(["0", "2", "4", "6", "8"])}`
  const ymd = `${String(year).slice(2)}${pad2(month)}${pad2(day)}`
  const code = pick(placeCodes)
  const k = random()
  const mykad =
    k < 0.6
      ? `${ymd}-${code}-${serial}`
      : k < 0.9
        ? `${ymd}${code}${serial}`
        : k < 0.97
          ? `${ymd} ${code} ${serial}`
          : k < 0.99
            ? `A${digits(8)}`
            : `${ymd}-20-${serial}`
  return { email, phone, name, dob, mykad }
}

// Known people recur across rows (enrolments, invoices, attendance); a skewed pick makes
// some of them very frequent. A share of rows brings someone never seen before.
const pool: Array<RecordInput> = Array.from({ length: 50_000 }, person)
const nextRecord = (): RecordInput => {
  if (random() < 0.25) return person()
  const r = random()
  return pool[Math.floor(r * r * pool.length)]!
}

const dateOptions: DateInput.Options = { today: "2026-01-01", notFuture: true }
const kadOptions: MyKad.Options = { referenceDate: "2026-01-01" }
const fields = ["email", "phone", "name", "dob", "mykad"] as const
const tally = Object.fromEntries(fields.map((f) => [f, { Valid: 0, Corrected: 0, Invalid: 0 }])) as Record<
  (typeof fields)[number],
  Record<"Valid" | "Corrected" | "Invalid", number>
>

const chunkSize = 10_000
let cleaningMs = 0
let done = 0
const chunk: Array<RecordInput> = []
while (done < records) {
  const size = Math.min(chunkSize, records - done)
  chunk.length = 0
  for (let i = 0; i < size; i++) chunk.push(nextRecord())
  const started = performance.now()
  for (const record of chunk) {
    tally.email[Email.clean(record.email)._tag]++
    tally.phone[Phone.clean(record.phone)._tag]++
    tally.name[PersonName.clean(record.name)._tag]++
    tally.dob[DateInput.clean(record.dob, dateOptions)._tag]++
    tally.mykad[MyKad.clean(record.mykad, kadOptions)._tag]++
  }
  cleaningMs += performance.now() - started
  done += size
}

for (const field of fields) {
  const t = tally[field]
  console.log(`${field}: valid=${t.Valid} corrected=${t.Corrected} invalid=${t.Invalid}`)
}
console.log(`cleaning_s=${(cleaningMs / 1000).toFixed(2)} fields_per_record=${fields.length}`)
const recordsPerSecond = Math.round(records / (cleaningMs / 1000))
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
console.log(`records=${records} records_per_s=${recordsPerSecond} peak_rss_mb=${peakRssMb}`)
