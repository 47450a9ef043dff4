import { describe } from "vitest"
import * as MyKad from "../src/MyKad.js"
import { type Row, table } from "./Table.js"

const referenceDate = "2026-11-21"
const kl = "Wilayah Persekutuan Kuala Lumpur"
const kad = (number: string, birthDate: string, sex: string, birthPlaceCode: string, birthPlace: string) => ({
  number,
  birthDate,
  sex,
  birthPlaceCode,
  birthPlace,
})

const rows: ReadonlyArray<Row> = [
  ["900101-14-5678", "Valid", kad("900101-14-5678", "1990-01-01", "female", "14", kl)],
  ["900101-14-5679", "Valid", kad("900101-14-5679", "1990-01-01", "male", "14", kl)],
  ["900101145678", "Corrected", kad("900101-14-5678", "1990-01-01", "female", "14", kl), ["added dashes"]],
  [
    "900101 14 5678",
    "Corrected",
    kad("900101-14-5678", "1990-01-01", "female", "14", kl),
    ["rewrote separators as YYMMDD-PB-###G"],
  ],
  ["900101-14 5678", "Corrected", kad("900101-14-5678", "1990-01-01", "female", "14", kl)],
  ["900101.14.5678", "Corrected", kad("900101-14-5678", "1990-01-01", "female", "14", kl)],
  [
    " 900101-14-5678 ",
    "Corrected",
    kad("900101-14-5678", "1990-01-01", "female", "14", kl),
    ["trimmed spaces", "rewrote separators as YYMMDD-PB-###G"],
  ],
  ["９００１０１－１４－５６７８", "Corrected", kad("900101-14-5678", "1990-01-01", "female", "14", kl)],
  [900101145678, "Corrected", kad("900101-14-5678", "1990-01-01", "female", "14", kl)],
  [
    50101101235,
    "Corrected",
    kad("050101-10-1235", "2005-01-01", "male", "10", "Selangor"),
    ["restored the leading 0 lost in a numeric column", "added dashes"],
  ],
  ["050101-10-1235", "Valid", kad("050101-10-1235", "2005-01-01", "male", "10", "Selangor")],
  ["150612-01-5432", "Valid", kad("150612-01-5432", "2015-06-12", "female", "01", "Johor")],
  ["850315-08-1111", "Valid", kad("850315-08-1111", "1985-03-15", "male", "08", "Perak")],
  ["850315-36-1111", "Valid", kad("850315-36-1111", "1985-03-15", "male", "36", "Perak")],
  ["880808-13-2223", "Valid", kad("880808-13-2223", "1988-08-08", "male", "13", "Sarawak")],
  ["120101-12-0002", "Valid", kad("120101-12-0002", "2012-01-01", "female", "12", "Sabah")],
  [
    "100505-16-3334",
    "Valid",
    kad("100505-16-3334", "2010-05-05", "female", "16", "Wilayah Persekutuan Putrajaya"),
  ],
  ["700101-59-0001", "Valid", kad("700101-59-0001", "1970-01-01", "male", "59", "Negeri Sembilan")],
  ["990101-66-0001", "Valid", kad("990101-66-0001", "1999-01-01", "male", "66", "Singapore")],
  [
    "800101-71-0001",
    "Valid",
    kad("800101-71-0001", "1980-01-01", "male", "71", "Born outside Malaysia (before 2001)"),
  ],
  ["010101-82-0002", "Valid", kad("010101-82-0002", "2001-01-01", "female", "82", "State unknown")],
  ["160229-10-1234", "Valid", kad("160229-10-1234", "2016-02-29", "female", "10", "Selangor")],
  // The century is the one that gives an age between 0 and 100 on the reference date.
  ["261122-14-1234", "Valid", kad("261122-14-1234", "1926-11-22", "female", "14", kl)],
  ["261121-14-1234", "Valid", kad("261121-14-1234", "2026-11-21", "female", "14", kl)],
  ["300101-01-1231", "Valid", kad("300101-01-1231", "1930-01-01", "male", "01", "Johor")],
  ["150229-10-1234", "Invalid", "date part 150229 is 29 February of a year that is not a leap year"],
  ["901301-14-5678", "Invalid", "month 13 in the date part 901301 does not exist"],
  ["900001-14-5678", "Invalid", "month 00 in the date part 900001 does not exist"],
  ["900132-14-5678", "Invalid", "day 32 in the date part 900132 does not exist"],
  ["900431-14-5678", "Invalid", "day 31 in the date part 900431 does not exist"],
  ["900101-00-5678", "Invalid", "place-of-birth code 00 is not a JPN code"],
  ["900101-20-5678", "Invalid", "place-of-birth code 20 is not a JPN code"],
  ["900101-70-5678", "Invalid", "place-of-birth code 70 is not a JPN code"],
  ["900101-17-5678", "Invalid", "place-of-birth code 17 is not a JPN code"],
  ["A12345678", "Invalid", "not a MyKad number: looks like a passport or old IC number (letters and digits)"],
  ["K 1234567", "Invalid", "not a MyKad number: looks like a passport or old IC number (letters and digits)"],
  ["EA1234567", "Invalid", "not a MyKad number: looks like a passport or old IC number (letters and digits)"],
  ["1234567", "Invalid", "not a MyKad number: looks like an old (pre-1990) IC number"],
  ["90010114567", "Invalid", "not a MyKad number: expected 12 digits, found 11"],
  ["9001011456789", "Invalid", "not a MyKad number: expected 12 digits, found 13"],
  ["900101-14-567X", "Invalid", "not a MyKad number: contains letters"],
  [null, "Valid", null],
  ["", "Valid", null],
]

describe("MyKad.clean", () => {
  table("default window", (input) => MyKad.clean(input, { referenceDate }), rows)
  table(
    "cross-checks",
    (input) => MyKad.clean(input, { referenceDate, birthDate: "1990-01-02", sex: "male" }),
    [
      [
        "900101-14-5679",
        "Invalid",
        "MyKad birth date 1990-01-01 disagrees with the record's birth date 1990-01-02",
      ],
      ["900102-14-5678", "Invalid", "MyKad sex female disagrees with the record's sex male"],
      ["900102-14-5679", "Valid", kad("900102-14-5679", "1990-01-02", "male", "14", kl)],
    ],
  )
  table("students only", (input) => MyKad.clean(input, { referenceDate, minAge: 3, maxAge: 20 }), [
    ["900101-14-5678", "Invalid", "birth date 900101 gives no age between 3 and 20 on 2026-11-21"],
    ["150612-01-5432", "Valid", kad("150612-01-5432", "2015-06-12", "female", "01", "Johor")],
  ])
  table("required", (input) => MyKad.clean(input, { referenceDate, required: true }), [
    [" ", "Invalid", "missing"],
  ])
})
