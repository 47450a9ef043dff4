/** Calendar arithmetic on `YYYY-MM-DD` text, in UTC so no zone or clock enters a dataset. */

const toDate = (day: string): Date => new Date(`${day}T00:00:00Z`)
const fromDate = (d: Date): string => d.toISOString().slice(0, 10)

/** The day `n` days after (or before, for negative n). */
export const addDays = (day: string, n: number): string => {
  const d = toDate(day)
  d.setUTCDate(d.getUTCDate() + n)
  return fromDate(d)
}

/** 0 Sunday … 6 Saturday. */
export const weekday = (day: string): number => toDate(day).getUTCDay()

/** The first Monday on or after a day. */
export const mondayFrom = (day: string): string => {
  const w = weekday(day)
  return addDays(day, w === 1 ? 0 : (8 - w) % 7)
}

/** `count` school days (Monday to Friday) from a day on. */
export const schoolDays = (from: string, count: number): ReadonlyArray<string> => {
  const days: Array<string> = []
  for (let day = from; days.length < count; day = addDays(day, 1)) {
    const w = weekday(day)
    if (w !== 0 && w !== 6) days.push(day)
  }
  return days
}

/** A date-time as MySQL writes it: `YYYY-MM-DD HH:MM:SS`. */
export const stamp = (day: string, hour: number, minute = 0, second = 0): string =>
  `${day} ${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")}`

/** A day of a year by its ordinal (0-based, clamped to the year's last day). */
export const dayOfYear = (year: number, ordinal: number): string => {
  const days = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000
  return addDays(`${year}-01-01`, Math.min(ordinal, days - 1))
}
