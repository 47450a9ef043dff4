import * as Cleaned from "./Cleaned.js"

/**
 * Value type: a date is the string `YYYY-MM-DD` (what PostgreSQL's `date` reads, compares
 * as text, and costs nothing to build); a date-time (`kind: "dateTime"`) is an ISO 8601 UTC
 * instant `YYYY-MM-DDTHH:mm:ss.sssZ`, converted from the local time zone.
 */
export type DateValue = string

/** Options for `DateInput.clean`. */
export interface Options extends Cleaned.BaseOptions {
  /** "date" (default) keeps the calendar date; "dateTime" returns a UTC instant. */
  readonly kind?: "date" | "dateTime" | undefined
  /** How to read `01/02/2015`: "dayFirst" (default, Malaysian usage) or "monthFirst". */
  readonly order?: "dayFirst" | "monthFirst" | undefined
  /** IANA zone of local date-times and of the calendar date of timestamps. Default "Asia/Kuala_Lumpur". */
  readonly timeZone?: string | undefined
  /** Earliest accepted date, `YYYY-MM-DD`; default "1900-01-01"; null accepts any year. */
  readonly notBefore?: string | null | undefined
  /** Latest accepted date, `YYYY-MM-DD`. */
  readonly notAfter?: string | undefined
  /** Refuse dates after `today`. Default false (due dates are in the future; birth dates are not). */
  readonly notFuture?: boolean | undefined
  /** The reference date for `notFuture` and two-digit years, `YYYY-MM-DD`; default the current date in `timeZone`. */
  readonly today?: string | undefined
  /** How bare numbers are read: "auto" (default: 5 digits Excel serial, 9–10 Unix seconds, 12–13 Unix ms), one of those alone, or "none". */
  readonly numbers?: "auto" | "excel" | "unixSeconds" | "unixMillis" | "none" | undefined
}

const monthNames: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  januari: 1,
  feb: 2,
  february: 2,
  februari: 2,
  febuari: 2,
  mar: 3,
  march: 3,
  mac: 3,
  apr: 4,
  april: 4,
  may: 5,
  mei: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  julai: 7,
  aug: 8,
  august: 8,
  ogos: 8,
  ogo: 8,
  ogs: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  okt: 10,
  oktober: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
  dis: 12,
  disember: 12,
}
const weekdayNames: ReadonlySet<string> = new Set([
  "mon",
  "monday",
  "tue",
  "tues",
  "tuesday",
  "wed",
  "wednesday",
  "thu",
  "thur",
  "thurs",
  "thursday",
  "fri",
  "friday",
  "sat",
  "saturday",
  "sun",
  "sunday",
  "isnin",
  "selasa",
  "rabu",
  "khamis",
  "jumaat",
  "sabtu",
  "ahad",
])

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/
const isoInstant = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/
const zeroDate = /^0{4}([-/.])00\1(?:00)(?:[ T]00:00(?::00(?:\.0+)?)?)?$|^00([-/.])00\2(?:0{4})$/
const yearFirst =
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const dayOrMonthFirst =
  /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:[T ,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?)?$/i
const bareNumber = /^\d+(?:\.\d+)?$/
const compactDate = /^(\d{4})(\d{2})(\d{2})$/

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n))
const pad4 = (n: number) => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : String(n))
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysIn = (y: number, m: number) =>
  m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
const realDate = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
const ymd = (y: number, m: number, d: number) => `${pad4(y)}-${pad2(m)}-${pad2(d)}`

interface Local {
  readonly y: number
  readonly m: number
  readonly d: number
  readonly time?: { readonly h: number; readonly mi: number; readonly s: number; readonly ms: number }
  /** Minutes east of UTC, when the input said so. */
  readonly offset?: number
}

const formatters = new Map<string, Intl.DateTimeFormat | null>()
const formatterFor = (timeZone: string): Intl.DateTimeFormat | null => {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      })
    } catch {
      f = null
    }
    formatters.set(timeZone, f)
  }
  return f
}

/** Minutes east of UTC of `timeZone` at the instant `epochMs`, asked of Intl (slow: microseconds). */
const exactZoneOffset = (f: Intl.DateTimeFormat, epochMs: number): number => {
  const parts: Record<string, number> = {}
  for (const p of f.formatToParts(new Date(epochMs)))
    if (p.type !== "literal") parts[p.type] = Number(p.value)
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
  return Math.round((asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000))) / 60000)
}

// A zone's offset changes a few times a year at most, while a migration converts millions of
// timestamps from the same few hundred days: the offset of each UTC day is asked of Intl once, at
// its first and last millisecond, and kept when they agree (no change of offset that day). A day
// with a change (a DST switch) is asked exactly for every instant. Measured on the legacy SIS run:
// the Intl calls were 45% of the migrator's CPU.
const DAY = 86_400_000
const dayOffsets = new WeakMap<Intl.DateTimeFormat, Map<number, number | null>>()

/** Minutes east of UTC of the formatter's zone at the instant `epochMs`. */
const zoneOffset = (f: Intl.DateTimeFormat, epochMs: number): number => {
  const day = Math.floor(epochMs / DAY)
  let days = dayOffsets.get(f)
  if (days === undefined) {
    days = new Map()
    dayOffsets.set(f, days)
  }
  let offset = days.get(day)
  if (offset === undefined) {
    const first = exactZoneOffset(f, day * DAY)
    offset = first === exactZoneOffset(f, day * DAY + DAY - 1) ? first : null
    // Bounded: a table spanning more than about 27 years of days starts the cache again.
    if (days.size >= 10_000) days.clear()
    days.set(day, offset)
  }
  return offset ?? exactZoneOffset(f, epochMs)
}

const localToEpoch = (f: Intl.DateTimeFormat, l: Local): number => {
  const t = l.time
  const wall = Date.UTC(l.y, l.m - 1, l.d, t?.h ?? 0, t?.mi ?? 0, t?.s ?? 0, t?.ms ?? 0)
  if (l.offset !== undefined) return wall - l.offset * 60000
  const first = wall - zoneOffset(f, wall) * 60000
  return wall - zoneOffset(f, first) * 60000
}

const epochToLocalDate = (f: Intl.DateTimeFormat, epochMs: number): string => {
  const shifted = new Date(epochMs + zoneOffset(f, epochMs) * 60000)
  return ymd(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate())
}

const todayCache = new Map<string, { readonly minute: number; readonly date: string }>()
const todayIn = (f: Intl.DateTimeFormat, timeZone: string): string => {
  const now = Date.now()
  const minute = Math.floor(now / 60000)
  const cached = todayCache.get(timeZone)
  if (cached !== undefined && cached.minute === minute) return cached.date
  const date = epochToLocalDate(f, now)
  todayCache.set(timeZone, { minute, date })
  return date
}

type Parsed =
  | { readonly _tag: "Local"; readonly local: Local; readonly changes: ReadonlyArray<string> }
  | { readonly _tag: "Instant"; readonly epochMs: number; readonly changes: ReadonlyArray<string> }
  | { readonly _tag: "Fail"; readonly reason: string }

const fail = (reason: string): Parsed => ({ _tag: "Fail", reason })

const readTime = (
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  frac: string | undefined,
  meridiem: string | undefined,
): Local["time"] | null | undefined => {
  if (h === undefined || mi === undefined) return undefined
  let hour = Number(h)
  const minute = Number(mi)
  const second = s === undefined ? 0 : Number(s)
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null
    const pm = meridiem.toLowerCase().startsWith("p")
    hour = (hour % 12) + (pm ? 12 : 0)
  }
  if (hour > 23 || minute > 59 || second > 59) return null
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000)
  return { h: hour, mi: minute, s: second, ms }
}

const readOffset = (zone: string | undefined): number | undefined => {
  if (zone === undefined) return undefined
  if (zone.toUpperCase() === "Z") return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (m === null) return undefined
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? "0")
  return m[1] === "-" ? -minutes : minutes
}

const expandYear = (yy: number, today: () => string, changes: Array<string>): number => {
  const current = Number(today().slice(0, 4))
  const year = 2000 + yy <= current ? 2000 + yy : 1900 + yy
  changes.push(`read two-digit year ${pad2(yy)} as ${year}`)
  return year
}

const parseYearFirst = (m: RegExpExecArray, original: string): Parsed => {
  const y = Number(m[1])
  const mo = Number(m[3])
  const d = Number(m[4])
  const changes: Array<string> = []
  if (mo === 0 || d === 0)
    return fail(`${original.trim()} has a zero ${mo === 0 ? "month" : "day"} (an incomplete date)`)
  if (!realDate(y, mo, d)) return fail(`${ymd(y, mo, d)} is not a real date`)
  if (m[2] !== "-" || m[3]!.length === 1 || m[4]!.length === 1) changes.push("rewrote as YYYY-MM-DD")
  const time = readTime(m[5], m[6], m[7], m[8], undefined)
  if (time === null) return fail(`"${original.trim()}" has an impossible time of day`)
  const offset = readOffset(m[9])
  const local: Local = {
    y,
    m: mo,
    d,
    ...(time === undefined ? {} : { time }),
    ...(offset === undefined ? {} : { offset }),
  }
  return { _tag: "Local", local, changes }
}

const parseDayMonth = (m: RegExpExecArray, order: "dayFirst" | "monthFirst", today: () => string): Parsed => {
  const a = Number(m[1])
  const b = Number(m[3])
  const changes: Array<string> = []
  const y = m[4]!.length === 2 ? expandYear(Number(m[4]), today, changes) : Number(m[4])
  let d = order === "dayFirst" ? a : b
  let mo = order === "dayFirst" ? b : a
  if (mo > 12 && d <= 12) {
    ;[d, mo] = [mo, d]
    changes.push(
      `read as ${order === "dayFirst" ? "month-first (MM/DD)" : "day-first (DD/MM)"} because ${d} cannot be a month`,
    )
  }
  if (d === 0 || mo === 0) return fail(`"${m[0]}" has a zero day or month (an incomplete date)`)
  if (!realDate(y, mo, d)) return fail(`${ymd(y, mo, d)} is not a real date`)
  changes.push(`rewrote ${order === "dayFirst" ? "DD/MM/YYYY" : "MM/DD/YYYY"} as YYYY-MM-DD`)
  const time = readTime(m[5], m[6], m[7], undefined, m[8])
  if (time === null) return fail(`"${m[0]}" has an impossible time of day`)
  return { _tag: "Local", local: time === undefined ? { y, m: mo, d } : { y, m: mo, d, time }, changes }
}

const parseWords = (text: string, today: () => string): Parsed | undefined => {
  const lowered = text.toLowerCase()
  const timeMatch = /(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?\s*$/i.exec(lowered)
  const datePart = timeMatch === null ? lowered : lowered.slice(0, timeMatch.index)
  const tokens = datePart.split(/[\s,\-/.]+/u).filter((t) => t.length > 0 && !weekdayNames.has(t))
  let month: number | undefined
  const numbers: Array<string> = []
  for (const token of tokens) {
    const named = monthNames[token]
    if (named !== undefined && month === undefined) month = named
    else if (/^\d{1,4}(?:st|nd|rd|th|hb)?$/u.test(token)) numbers.push(token.replace(/\D+$/u, ""))
    else return undefined
  }
  if (month === undefined || numbers.length !== 2) return undefined
  const changes: Array<string> = []
  const [first, second] = numbers as [string, string]
  let day: number
  let year: number
  if (first.length === 4) {
    year = Number(first)
    day = Number(second)
  } else if (second.length === 4 || second.length === 2 || first.length <= 2) {
    day = Number(first)
    year =
      second.length === 4
        ? Number(second)
        : second.length === 2
          ? expandYear(Number(second), today, changes)
          : NaN
  } else return undefined
  if (!Number.isFinite(year)) return undefined
  if (!realDate(year, month, day)) return fail(`${ymd(year, month, day)} is not a real date`)
  changes.push("rewrote the month name as YYYY-MM-DD")
  const time =
    timeMatch === null
      ? undefined
      : readTime(timeMatch[1], timeMatch[2], timeMatch[3], undefined, timeMatch[4])
  if (time === null) return fail(`"${text}" has an impossible time of day`)
  return {
    _tag: "Local",
    local: time === undefined ? { y: year, m: month, d: day } : { y: year, m: month, d: day, time },
    changes,
  }
}

const excelEpochDays = Date.UTC(1899, 11, 30) / 86400000

const parseNumber = (text: string, mode: NonNullable<Options["numbers"]>): Parsed => {
  const compact = compactDate.exec(text)
  if (compact !== null && mode === "auto") {
    const y = Number(compact[1])
    const mo = Number(compact[2])
    const d = Number(compact[3])
    if (y >= 1000 && realDate(y, mo, d))
      return { _tag: "Local", local: { y, m: mo, d }, changes: ["rewrote YYYYMMDD as YYYY-MM-DD"] }
  }
  const [whole = ""] = text.split(".")
  const digits = whole.length
  const kind =
    mode !== "auto"
      ? mode
      : digits === 5
        ? "excel"
        : (digits === 9 || digits === 10) && !text.includes(".")
          ? "unixSeconds"
          : (digits === 12 || digits === 13) && !text.includes(".")
            ? "unixMillis"
            : "none"
  const n = Number(text)
  switch (kind) {
    case "excel": {
      // Excel counts 1900-02-29, which never existed; serials after it are off by one.
      if (n >= 60 && n < 61) return fail("Excel serial 60 is 1900-02-29, a day that does not exist")
      if (n < 1 || n > 2958465) return fail(`${text} is outside the range of Excel dates`)
      const days = Math.floor(n) + (n < 60 ? 1 : 0)
      const fraction = n - Math.floor(n)
      const wall = new Date((excelEpochDays + days) * 86400000 + Math.round(fraction * 86400) * 1000)
      const time =
        fraction > 0
          ? { h: wall.getUTCHours(), mi: wall.getUTCMinutes(), s: wall.getUTCSeconds(), ms: 0 }
          : undefined
      const local: Local = {
        y: wall.getUTCFullYear(),
        m: wall.getUTCMonth() + 1,
        d: wall.getUTCDate(),
        ...(time === undefined ? {} : { time }),
      }
      return { _tag: "Local", local, changes: [`converted Excel serial number ${text}`] }
    }
    case "unixSeconds":
      return { _tag: "Instant", epochMs: n * 1000, changes: [`converted Unix time ${text} (seconds)`] }
    case "unixMillis":
      return { _tag: "Instant", epochMs: n, changes: [`converted Unix time ${text} (milliseconds)`] }
    case "none":
      return fail(`the bare number ${text} is not a date`)
  }
}

// What JavaScript's Date#toString and #toUTCString write, as browser apps store them:
// `Thu Mar 20 2025 14:05:00 GMT+0800 (Malaysia Time)`, `Thu, 20 Mar 2025 06:05:00 GMT`.
const jsDate =
  /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+(?:([a-z]{3})\s+(\d{1,2})|(\d{1,2})\s+([a-z]{3}))\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(?:gmt|utc)(?:([+-])(\d{2}):?(\d{2}))?(?:\s*\([^)]*\))?$/i

const parseJsDate = (m: RegExpExecArray, text: string): Parsed => {
  const month = monthNames[(m[1] ?? m[4])!.toLowerCase()]
  const day = Number(m[2] ?? m[3])
  const year = Number(m[5])
  if (month === undefined) return fail(`"${text}" names no month`)
  if (!realDate(year, month, day)) return fail(`${ymd(year, month, day)} is not a real date`)
  const [h, mi, sec] = [Number(m[6]), Number(m[7]), Number(m[8])]
  if (h > 23 || mi > 59 || sec > 59) return fail(`"${text}" has an impossible time of day`)
  const offsetMinutes =
    m[9] === undefined ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]))
  const epochMs = Date.UTC(year, month - 1, day, h, mi, sec) - offsetMinutes * 60_000
  return { _tag: "Instant", epochMs, changes: ["read a JavaScript date string with its offset"] }
}

const parse = (text: string, options: Options | undefined, today: () => string): Parsed => {
  const js = jsDate.exec(text)
  if (js !== null) return parseJsDate(js, text)
  const ymdMatch = yearFirst.exec(text)
  if (ymdMatch !== null) return parseYearFirst(ymdMatch, text)
  const dmy = dayOrMonthFirst.exec(text)
  if (dmy !== null) return parseDayMonth(dmy, options?.order ?? "dayFirst", today)
  if (bareNumber.test(text)) return parseNumber(text, options?.numbers ?? "auto")
  return parseWords(text, today) ?? fail(`"${text}" is not a recognizable date`)
}

const toIsoInstant = (epochMs: number): string | undefined => {
  const d = new Date(epochMs)
  if (Number.isNaN(d.getTime())) return undefined
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}Z`
}

const checkRange = (date: string, options: Options | undefined, today: () => string): string | undefined => {
  const notBefore = options?.notBefore === undefined ? "1900-01-01" : options.notBefore
  if (notBefore !== null && date < notBefore) return `${date} is before ${notBefore}`
  if (options?.notAfter !== undefined && date > options.notAfter)
    return `${date} is after ${options.notAfter}`
  if (options?.notFuture === true && date > today()) return `${date} is in the future`
  return undefined
}

/**
 * Cleans a date or date-time from the formats legacy systems write: ISO 8601, DD/MM/YYYY,
 * D-M-YY, month names in English and Malay, Excel serials, Unix time, MySQL zero dates.
 */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<DateValue | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const original = read.text
  const text = original.trim()
  const timeZone = options?.timeZone ?? "Asia/Kuala_Lumpur"
  const kind = options?.kind ?? "date"
  // The common case, already clean, needs no zone, no clock and no allocation beyond the result.
  if (kind === "date" && text === original && isoDate.test(text) && options?.notFuture !== true) {
    const y = Number(text.slice(0, 4))
    const mo = Number(text.slice(5, 7))
    const d = Number(text.slice(8, 10))
    if (realDate(y, mo, d)) {
      const outOfRange = checkRange(text, options, () => text)
      return outOfRange === undefined ? Cleaned.valid(text) : Cleaned.invalid(original, outOfRange)
    }
  }
  if (zeroDate.test(text))
    return options?.required === true
      ? Cleaned.invalid(original, "missing (MySQL zero date)")
      : Cleaned.corrected(null, original, ["MySQL zero date means no date: set to empty"])
  const f = formatterFor(timeZone)
  if (f === null) return Cleaned.invalid(original, `unknown time zone "${timeZone}"`)
  const today = () => options?.today ?? todayIn(f, timeZone)
  const parsed = parse(text, options, today)
  if (parsed._tag === "Fail") return Cleaned.invalid(original, parsed.reason)
  const changes = text === original ? [...parsed.changes] : ["trimmed spaces", ...parsed.changes]
  let value: string | undefined
  let calendarDate: string
  if (parsed._tag === "Instant") {
    const iso = toIsoInstant(parsed.epochMs)
    if (iso === undefined) return Cleaned.invalid(original, "timestamp out of range")
    calendarDate = epochToLocalDate(f, parsed.epochMs)
    value = kind === "date" ? calendarDate : iso
  } else {
    const l = parsed.local
    if (kind === "date") {
      if (l.offset !== undefined && l.time !== undefined) {
        calendarDate = epochToLocalDate(f, localToEpoch(f, l))
        changes.push(`took the calendar date in ${timeZone}`)
      } else {
        calendarDate = ymd(l.y, l.m, l.d)
        if (l.time !== undefined) changes.push("dropped the time of day")
      }
      value = calendarDate
    } else {
      if (l.time === undefined) changes.push("assumed midnight")
      if (l.offset === undefined) changes.push(`converted from ${timeZone} to UTC`)
      const epoch = localToEpoch(f, l)
      value = toIsoInstant(epoch)
      if (value === undefined) return Cleaned.invalid(original, "date-time out of range")
      // The range is judged on the date in the school's time zone, whatever zone the input was
      // written in, so that a cleaned value cleans again to itself (1900-01-01 00:00 in Kuala
      // Lumpur is 1899-12-31T17:05Z).
      calendarDate = epochToLocalDate(f, epoch)
    }
  }
  const outOfRange = checkRange(calendarDate, options, today)
  if (outOfRange !== undefined) return Cleaned.invalid(original, outOfRange)
  if (value === original) return Cleaned.valid(value)
  if (changes.length === 0) changes.push("rewrote in ISO 8601")
  return Cleaned.corrected(value, original, changes)
}

/** True for a `YYYY-MM-DD` date or `YYYY-MM-DDTHH:mm:ss.sssZ` instant that exists. */
export const isValid = (value: unknown): value is DateValue => {
  if (typeof value !== "string") return false
  const m = isoDate.exec(value) ?? isoInstant.exec(value)
  if (m === null) return false
  const timeOk = m[4] === undefined || (Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60)
  return timeOk && realDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<DateValue>({
    identifier: "DateInput",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (value) => value,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
