import { describe } from "vitest"
import * as Email from "../src/Email.js"
import { type Row, table } from "./Table.js"

const rows: ReadonlyArray<Row> = [
  ["ahmad@gmail.com", "Valid", "ahmad@gmail.com"],
  ["Ahmad@Gmail.COM", "Corrected", "ahmad@gmail.com", ["converted to lower case"]],
  ["  ahmad@gmail.com ", "Corrected", "ahmad@gmail.com", ["trimmed spaces"]],
  ["ahmad@@gmail.com", "Corrected", "ahmad@gmail.com", ["replaced double @ with one"]],
  ["ahmad@gmail.com.", "Corrected", "ahmad@gmail.com", ["removed trailing dot"]],
  ["ahmad @ gmail .com", "Corrected", "ahmad@gmail.com", ["removed spaces"]],
  ["ahmad@gmail,com", "Corrected", "ahmad@gmail.com", ["replaced comma with dot in the domain"]],
  ["ahmad@gmail..com", "Corrected", "ahmad@gmail.com", ["removed repeated dots in the domain"]],
  ["ahmad@gmail.com;", "Corrected", "ahmad@gmail.com", ["removed trailing punctuation"]],
  ["mailto:ahmad@gmail.com", "Corrected", "ahmad@gmail.com", ['removed "mailto:"']],
  [
    "Ahmad Ali <Ahmad@gmail.com>",
    "Corrected",
    "ahmad@gmail.com",
    ["removed the display name", "converted to lower case"],
  ],
  ["<ahmad@gmail.com>", "Corrected", "ahmad@gmail.com", ["removed angle brackets"]],
  ["ahmad\u200b@gmail.com", "Corrected", "ahmad@gmail.com", ["removed invisible characters"]],
  ["siti.nur+school@moe.edu.my", "Valid", "siti.nur+school@moe.edu.my"],
  ["o'brien@example.ie", "Valid", "o'brien@example.ie"],
  ["ali@münchen.de", "Valid", "ali@münchen.de"],
  ["ali@MÜNCHEN.de", "Corrected", "ali@münchen.de", ["converted to lower case"]],
  ["guru@sekolah.xn--p1ai", "Valid", "guru@sekolah.xn--p1ai"],
  ["ahmad ali@gmail.com", "Invalid", "space inside the part before the @"],
  ["ahmad..ali@gmail.com", "Invalid", "the part before the @ has two dots in a row"],
  [".ahmad@gmail.com", "Invalid", "the part before the @ starts or ends with a dot"],
  ["ahmad.@gmail.com", "Invalid", "the part before the @ starts or ends with a dot"],
  ['"ahmad ali"@gmail.com', "Invalid", "quoted local parts are not accepted"],
  ["ahmad(ali)@gmail.com", "Invalid", 'character "(" is not allowed before the @'],
  ["a@b@gmail.com", "Invalid", "more than one @ (two addresses in one field?)"],
  ["a@x.com; b@y.com", "Invalid", "more than one @ (two addresses in one field?)"],
  ["ahmad.gmail.com", "Invalid", "no @ in the address"],
  ["@gmail.com", "Invalid", "nothing before the @"],
  ["ahmad@", "Invalid", "nothing after the @"],
  ["ahmad@gmail", "Invalid", 'domain "gmail" has no top-level part (such as .com or .my)'],
  ["ahmad@-gmail.com", "Invalid", 'domain part "-gmail" is not a valid name'],
  ["ahmad@gmail.c0m", "Invalid", '"c0m" is not a top-level domain'],
  ["ahmad@[10.0.0.1]", "Invalid", "IP address domains are not accepted"],
  [`${"a".repeat(65)}@gmail.com`, "Invalid", "the part before the @ is longer than 64 characters"],
  [null, "Valid", null],
  ["", "Valid", null],
]

describe("Email.clean", () => {
  table("default", (input) => Email.clean(input), rows)
  table("ascii domain", (input) => Email.clean(input, { asciiDomain: true }), [
    [
      "ali@münchen.de",
      "Corrected",
      "ali@xn--mnchen-3ya.de",
      ["converted the domain to its ASCII (punycode) form"],
    ],
    ["ali@xn--mnchen-3ya.de", "Valid", "ali@xn--mnchen-3ya.de"],
  ])
  table("required", (input) => Email.clean(input, { required: true }), [[undefined, "Invalid", "missing"]])
})
