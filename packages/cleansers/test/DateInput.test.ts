import { describe, expect, it } from "vitest"
import * as DateInput from "../src/DateInput.js"
import { type Row, table } from "./Table.js"

const today = "2026-11-21"
const rows: ReadonlyArray<Row> = [
  ["2015-01-12", "Valid", "2015-01-12"],
  [" 2015-01-12 ", "Corrected", "2015-01-12", ["trimmed spaces"]],
  ["2015/1/2", "Corrected", "2015-01-02", ["rewrote as YYYY-MM-DD"]],
  ["2015.01.12", "Corrected", "2015-01-12"],
  ["12/01/2015", "Corrected", "2015-01-12", ["rewrote DD/MM/YYYY as YYYY-MM-DD"]],
  ["1/2/2015", "Corrected", "2015-02-01"],
  ["12-01-2015", "Corrected", "2015-01-12"],
  ["12.01.2015", "Corrected", "2015-01-12"],
  [
    "1-2-15",
    "Corrected",
    "2015-02-01",
    ["read two-digit year 15 as 2015", "rewrote DD/MM/YYYY as YYYY-MM-DD"],
  ],
  [
    "5/6/75",
    "Corrected",
    "1975-06-05",
    ["read two-digit year 75 as 1975", "rewrote DD/MM/YYYY as YYYY-MM-DD"],
  ],
  [
    "12/31/2015",
    "Corrected",
    "2015-12-31",
    ["read as month-first (MM/DD) because 31 cannot be a month", "rewrote DD/MM/YYYY as YYYY-MM-DD"],
  ],
  ["12 Jan 2015", "Corrected", "2015-01-12", ["rewrote the month name as YYYY-MM-DD"]],
  ["12 January 2015", "Corrected", "2015-01-12"],
  ["12 Januari 2015", "Corrected", "2015-01-12"],
  ["1 Ogos 2010", "Corrected", "2010-08-01"],
  ["25 Disember 2009", "Corrected", "2009-12-25"],
  ["3 Mac 2012", "Corrected", "2012-03-03"],
  ["Isnin, 12hb Januari 2015", "Corrected", "2015-01-12"],
  ["Jan 12, 2015", "Corrected", "2015-01-12"],
  ["Monday, January 12th, 2015", "Corrected", "2015-01-12"],
  [
    "12-JAN-15",
    "Corrected",
    "2015-01-12",
    ["read two-digit year 15 as 2015", "rewrote the month name as YYYY-MM-DD"],
  ],
  ["2015 Jan 12", "Corrected", "2015-01-12"],
  ["20150112", "Corrected", "2015-01-12", ["rewrote YYYYMMDD as YYYY-MM-DD"]],
  ["42016", "Corrected", "2015-01-12", ["converted Excel serial number 42016"]],
  [42016, "Corrected", "2015-01-12", ["converted Excel serial number 42016"]],
  [
    "42016.75",
    "Corrected",
    "2015-01-12",
    ["converted Excel serial number 42016.75", "dropped the time of day"],
  ],
  ["1421020800", "Corrected", "2015-01-12", ["converted Unix time 1421020800 (seconds)"]],
  ["1421020800000", "Corrected", "2015-01-12", ["converted Unix time 1421020800000 (milliseconds)"]],
  ["1420992000", "Corrected", "2015-01-12"],
  ["2015-01-12 08:30:00", "Corrected", "2015-01-12", ["dropped the time of day"]],
  ["2015-01-11T16:30:00Z", "Corrected", "2015-01-12", ["took the calendar date in Asia/Kuala_Lumpur"]],
  ["0000-00-00", "Corrected", null, ["MySQL zero date means no date: set to empty"]],
  ["0000-00-00 00:00:00", "Corrected", null, ["MySQL zero date means no date: set to empty"]],
  ["00/00/0000", "Corrected", null],
  ["0009-12-04", "Invalid", "0009-12-04 is before 1900-01-01"],
  ["1899-12-31", "Invalid", "1899-12-31 is before 1900-01-01"],
  ["2015-00-00", "Invalid", "2015-00-00 has a zero month (an incomplete date)"],
  ["2015-02-00", "Invalid", "2015-02-00 has a zero day (an incomplete date)"],
  ["31/02/2015", "Invalid", "2015-02-31 is not a real date"],
  ["29/02/2015", "Invalid", "2015-02-29 is not a real date"],
  ["29/02/2016", "Corrected", "2016-02-29"],
  ["2015-13-01", "Invalid", "2015-13-01 is not a real date"],
  ["13/13/2015", "Invalid", "2015-13-13 is not a real date"],
  ["60", "Invalid", "the bare number 60 is not a date"],
  ["2015", "Invalid", "the bare number 2015 is not a date"],
  ["yesterday", "Invalid", '"yesterday" is not a recognizable date'],
  ["12 Foo 2015", "Invalid", '"12 Foo 2015" is not a recognizable date'],
  ["2015-01-12 25:00", "Invalid", '"2015-01-12 25:00" has an impossible time of day'],
  [null, "Valid", null],
  ["", "Valid", null],
]

describe("DateInput.clean", () => {
  table("date", (input) => DateInput.clean(input, { today }), rows)
  table("month first", (input) => DateInput.clean(input, { today, order: "monthFirst" }), [
    ["01/12/2015", "Corrected", "2015-01-12", ["rewrote MM/DD/YYYY as YYYY-MM-DD"]],
    [
      "31/12/2015",
      "Corrected",
      "2015-12-31",
      ["read as day-first (DD/MM) because 31 cannot be a month", "rewrote MM/DD/YYYY as YYYY-MM-DD"],
    ],
  ])
  table("date-time", (input) => DateInput.clean(input, { today, kind: "dateTime" }), [
    ["2015-01-12T00:30:00.000Z", "Valid", "2015-01-12T00:30:00.000Z"],
    [
      "2015-01-12 08:30:00",
      "Corrected",
      "2015-01-12T00:30:00.000Z",
      ["converted from Asia/Kuala_Lumpur to UTC"],
    ],
    [
      "2015-01-12",
      "Corrected",
      "2015-01-11T16:00:00.000Z",
      ["assumed midnight", "converted from Asia/Kuala_Lumpur to UTC"],
    ],
    ["2015-01-12T08:30:00+08:00", "Corrected", "2015-01-12T00:30:00.000Z"],
    ["12/01/2015 8:30 pm", "Corrected", "2015-01-12T12:30:00.000Z"],
    // Peninsular Malaysia was UTC+7:30 until the end of 1981.
    ["1975-06-01 10:00", "Corrected", "1975-06-01T02:30:00.000Z"],
    ["1421020800", "Corrected", "2015-01-12T00:00:00.000Z"],
    ["0000-00-00 00:00:00", "Corrected", null],
    // The first local minute of 1900 is in 1899 in UTC (Kuala Lumpur was UTC+6:55 then); the range is
    // judged in the school's zone, so the cleaned value is still valid when cleaned again.
    ["1900-1-1 0:00", "Corrected", "1899-12-31T17:05:00.000Z"],
    ["1899-12-31T17:05:00.000Z", "Valid", "1899-12-31T17:05:00.000Z"],
    ["1899-12-31 23:59", "Invalid", "1899-12-31 is before 1900-01-01"],
    // JavaScript's Date#toString and #toUTCString, as browser apps store them, read with their offset.
    [
      "Thu Mar 20 2025 14:05:00 GMT+0800 (Malaysia Time)",
      "Corrected",
      "2025-03-20T06:05:00.000Z",
      ["read a JavaScript date string with its offset"],
    ],
    ["Thu Mar 20 2025 01:05:00 GMT-0500 (Eastern Standard Time)", "Corrected", "2025-03-20T06:05:00.000Z"],
    ["Thu, 20 Mar 2025 06:05:00 GMT", "Corrected", "2025-03-20T06:05:00.000Z"],
    ["Sat Feb 29 2025 10:00:00 GMT+0800 (Malaysia Time)", "Invalid", "2025-02-29 is not a real date"],
  ])
  table("a JavaScript date string as a date", (input) => DateInput.clean(input, { today }), [
    // Late on the 20th in New York is already the 21st in Kuala Lumpur.
    ["Thu Mar 20 2025 22:00:00 GMT-0400 (Eastern Daylight Time)", "Corrected", "2025-03-21"],
  ])
  table("time zone UTC", (input) => DateInput.clean(input, { today, kind: "dateTime", timeZone: "UTC" }), [
    ["2015-01-12 08:30", "Corrected", "2015-01-12T08:30:00.000Z", ["converted from UTC to UTC"]],
  ])
  // Offsets are kept per UTC day; the days a zone changes its offset are converted instant by instant.
  table(
    "time zone with daylight saving",
    (input) => DateInput.clean(input, { today, kind: "dateTime", timeZone: "America/New_York" }),
    [
      [
        "2024-01-15 12:00",
        "Corrected",
        "2024-01-15T17:00:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-03-10 01:30",
        "Corrected",
        "2024-03-10T06:30:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-03-10 03:30",
        "Corrected",
        "2024-03-10T07:30:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-03-10 23:30",
        "Corrected",
        "2024-03-11T03:30:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-07-01 12:00",
        "Corrected",
        "2024-07-01T16:00:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-11-03 00:30",
        "Corrected",
        "2024-11-03T04:30:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-11-03 03:00",
        "Corrected",
        "2024-11-03T08:00:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
      [
        "2024-11-03 22:00",
        "Corrected",
        "2024-11-04T03:00:00.000Z",
        ["converted from America/New_York to UTC"],
      ],
    ],
  )
  table("range", (input) => DateInput.clean(input, { today, notFuture: true, notBefore: "2000-01-01" }), [
    ["2030-01-01", "Invalid", "2030-01-01 is in the future"],
    ["1999-12-31", "Invalid", "1999-12-31 is before 2000-01-01"],
    ["2026-11-21", "Valid", "2026-11-21"],
  ])
  table("no lower bound", (input) => DateInput.clean(input, { notBefore: null }), [
    ["0009-12-04", "Valid", "0009-12-04"],
  ])
  table("required", (input) => DateInput.clean(input, { required: true }), [
    ["0000-00-00", "Invalid", "missing (MySQL zero date)"],
    ["  ", "Invalid", "missing"],
  ])
  it("rejects an unknown time zone", () => {
    expect(DateInput.clean("12/01/2015", { timeZone: "Mars/Olympus" })).toEqual({
      _tag: "Invalid",
      original: "12/01/2015",
      reason: 'unknown time zone "Mars/Olympus"',
    })
  })
  it("validates values", () => {
    expect(DateInput.isValid("2015-02-28")).toBe(true)
    expect(DateInput.isValid("2015-02-29")).toBe(false)
    expect(DateInput.isValid("2015-01-12T00:30:00.000Z")).toBe(true)
    expect(DateInput.isValid("2015-01-12T24:30:00.000Z")).toBe(false)
  })
})
