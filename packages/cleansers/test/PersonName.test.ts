import { describe } from "vitest"
import * as PersonName from "../src/PersonName.js"
import { type Row, table } from "./Table.js"

const recased = (from: "upper" | "lower") => [`capitalized the name (it was all ${from} case)`]

const rows: ReadonlyArray<Row> = [
  ["Ahmad bin Abdullah", "Valid", "Ahmad bin Abdullah"],
  // ß has a two-letter capital; a word starting with it is left as it is (found by the property tests).
  ["ßara", "Valid", "ßara"],
  ["strauß", "Corrected", "Strauß", recased("lower")],
  ["AHMAD BIN ABDULLAH", "Corrected", "Ahmad bin Abdullah", recased("upper")],
  ["ahmad bin abdullah", "Corrected", "Ahmad bin Abdullah", recased("lower")],
  ["SITI NURHALIZA BINTI TARUDIN", "Corrected", "Siti Nurhaliza binti Tarudin"],
  ["NUR AISYAH BT. OSMAN", "Corrected", "Nur Aisyah bt. Osman"],
  ["NUR AISYAH BT OSMAN", "Corrected", "Nur Aisyah bt Osman"],
  ["ALI B. AHMAD", "Corrected", "Ali b. Ahmad"],
  ["FATIMAH BINTE YUSOF", "Corrected", "Fatimah binte Yusof"],
  ["MUTHU A/L RAMASAMY", "Corrected", "Muthu a/l Ramasamy"],
  [
    "MUTHU A / L RAMASAMY",
    "Corrected",
    "Muthu a/l Ramasamy",
    ["removed spaces around the slash in a/l, a/p, s/o or d/o", ...recased("upper")],
  ],
  ["KAVITHA A/P SUBRAMANIAM", "Corrected", "Kavitha a/p Subramaniam"],
  // A surname field of its own starts with the particle: still lower case.
  ["BINTI TARUDIN", "Corrected", "binti Tarudin", recased("upper")],
  ["bin abdullah", "Corrected", "bin Abdullah", recased("lower")],
  ["BT. OSMAN", "Corrected", "bt. Osman", recased("upper")],
  ["A/L RAMASAMY", "Corrected", "a/l Ramasamy", recased("upper")],
  [
    "A / P SUBRAMANIAM",
    "Corrected",
    "a/p Subramaniam",
    ["removed spaces around the slash in a/l, a/p, s/o or d/o", ...recased("upper")],
  ],
  ["ANAK JUGAH", "Corrected", "anak Jugah", recased("upper")],
  // At the start, b. and bn are more likely initials than particles.
  ["B. RAHMAN", "Corrected", "B. Rahman", recased("upper")],
  // Mixed case keeps its capitals, but not in a/l, a/p, s/o or d/o.
  ["Muthu A/L Ramasamy", "Corrected", "Muthu a/l Ramasamy", ["wrote a/l, a/p, s/o or d/o in lower case"]],
  [
    "Muthu A / L Ramasamy",
    "Corrected",
    "Muthu a/l Ramasamy",
    ["removed spaces around the slash in a/l, a/p, s/o or d/o", "wrote a/l, a/p, s/o or d/o in lower case"],
  ],
  ["A/P Kavitha", "Corrected", "a/p Kavitha", ["wrote a/l, a/p, s/o or d/o in lower case"]],
  ["RAJ S/O KUMAR", "Corrected", "Raj s/o Kumar"],
  ["AWANG ANAK JUGAH", "Corrected", "Awang anak Jugah"],
  ["MUHAMMAD AL-AMIN BIN ABD RAHMAN", "Corrected", "Muhammad al-Amin bin Abd Rahman"],
  ["AL-AMIN BIN ISMAIL", "Corrected", "Al-Amin bin Ismail"],
  ["SYED AHMAD AL-ATTAS", "Corrected", "Syed Ahmad al-Attas"],
  ["ABDUL RAHMAN BIN ABD. HAMID", "Corrected", "Abdul Rahman bin Abd. Hamid"],
  ["NUR'AIN BINTI MOHD", "Corrected", "Nur'ain binti Mohd"],
  ["NURUL IZZAH", "Corrected", "Nurul Izzah"],
  ["HJ. ISMAIL BIN HJ. OMAR", "Corrected", "Hj. Ismail bin Hj. Omar"],
  ["HAJI ISMAIL BIN HAJI OMAR", "Corrected", "Haji Ismail bin Haji Omar"],
  ["DATO' SERI ANWAR", "Corrected", "Dato' Seri Anwar"],
  ["TUNKU ABDUL RAHMAN PUTRA AL-HAJ", "Corrected", "Tunku Abdul Rahman Putra al-Haj"],
  ["SULTAN IBRAHIM IBNI SULTAN ISKANDAR", "Corrected", "Sultan Ibrahim ibni Sultan Iskandar"],
  ["ABDULLAH @ LIM AH KOW", "Corrected", "Abdullah @ Lim Ah Kow"],
  ["TAN AH KOW", "Corrected", "Tan Ah Kow"],
  ["LIM CHONG-YEW", "Corrected", "Lim Chong-Yew"],
  ["SITI-NUR AISYAH", "Corrected", "Siti-Nur Aisyah"],
  ["MARY MCDONALD", "Corrected", "Mary McDonald"],
  ["SEAN MACDONALD", "Corrected", "Sean MacDonald"],
  ["MARIA MACHADO", "Corrected", "Maria Machado"],
  ["JOHN O'BRIEN", "Corrected", "John O'Brien"],
  ["DEREK D'CRUZ", "Corrected", "Derek D'Cruz"],
  ["HENRY VIII", "Corrected", "Henry VIII"],
  ["LUDWIG VAN BEETHOVEN", "Corrected", "Ludwig van Beethoven"],
  ["A. RAHMAN", "Corrected", "A. Rahman"],
  [
    "LIM  CHONG   YEW ",
    "Corrected",
    "Lim Chong Yew",
    ["normalized whitespace", "trimmed surrounding whitespace", ...recased("upper")],
  ],
  ["McDonald", "Valid", "McDonald"],
  ["ahmad Bin ali", "Valid", "ahmad Bin ali"],
  ["Siti Nur Binti Ali", "Valid", "Siti Nur Binti Ali"],
  [
    "JOSÃ‰",
    "Corrected",
    "José",
    ["repaired text encoding (UTF-8 read as Windows-1252)", ...recased("upper")],
  ],
  ["MÃ¼ller", "Corrected", "Müller", ["repaired text encoding (UTF-8 read as Windows-1252)"]],
  // In lower case these broken bytes would read as mojibake of "〩": the name is left as it is.
  ["+Ã€©", "Valid", "+Ã€©"],
  ["e\u0301mile", "Corrected", "Émile", ["normalized Unicode (NFC)", ...recased("lower")]],
  ["Ahmad\u200b Ali", "Corrected", "Ahmad Ali", ["removed zero-width characters"]],
  ["محمد بن عبدالله", "Valid", "محمد بن عبدالله"],
  ["李小龙", "Valid", "李小龙"],
  ["முருகன்", "Valid", "முருகன்"],
  ["LEE 李小龙", "Corrected", "Lee 李小龙"],
  ["Ahmad2", "Invalid", "contains digits"],
  ["---", "Invalid", "contains no letters"],
  [null, "Valid", null],
  ["  ", "Valid", null],
]

describe("PersonName.clean", () => {
  table("default", (input) => PersonName.clean(input), rows)
  table("expand particles", (input) => PersonName.clean(input, { expandParticles: true }), [
    [
      "NUR BT OSMAN",
      "Corrected",
      "Nur binti Osman",
      [...recased("upper"), "wrote abbreviated particles in full"],
    ],
    ["Ali b. Ahmad", "Corrected", "Ali bin Ahmad", ["wrote abbreviated particles in full"]],
    ["Ali bin Ahmad", "Valid", "Ali bin Ahmad"],
  ])
  table("required", (input) => PersonName.clean(input, { required: true }), [["", "Invalid", "missing"]])
})
