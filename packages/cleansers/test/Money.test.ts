import { describe } from "vitest"
import * as Money from "../src/Money.js"
import { table } from "./Table.js"

describe("Money.clean", () => {
  table("default", (input) => Money.clean(input), [
    ["1234.50", "Valid", "1234.50"],
    ["RM 1,234.50", "Corrected", "1234.50", ["removed the currency mark RM", "removed thousands separators"]],
    ["RM1234.5", "Corrected", "1234.50", ["removed the currency mark RM"]],
    ["1234.5", "Corrected", "1234.50", ["wrote as a decimal with 2 places"]],
    ["1,234,567.89", "Corrected", "1234567.89", ["removed thousands separators"]],
    ["-RM 12", "Corrected", "-12.00"],
    ["RM -12", "Corrected", "-12.00"],
    [
      "(1,234.50)",
      "Corrected",
      "-1234.50",
      ["read (brackets) as a negative amount", "removed thousands separators"],
    ],
    ["12.00-", "Corrected", "-12.00", ["moved the trailing minus sign"]],
    ["1234 MYR", "Corrected", "1234.00"],
    [".5", "Corrected", "0.50"],
    ["007", "Corrected", "7.00"],
    ["-0", "Corrected", "0.00"],
    [1234.5, "Corrected", "1234.50"],
    [0.1, "Corrected", "0.10"],
    ["1.230", "Corrected", "1.23"],
    ["1.235", "Invalid", "more than 2 decimal places"],
    ["1.234,50", "Invalid", '"1.234,50" looks like "," is the decimal mark (set the decimal option)'],
    ["1.2.3", "Invalid", 'more than one decimal mark "."'],
    [
      "1,23.50",
      "Invalid",
      '"1,23.50" has misplaced "," separators (set the decimal option if "," is the decimal mark)',
    ],
    ["USD 12", "Invalid", "amount is in USD, not MYR"],
    ["1e5", "Invalid", "scientific notation is not an exact amount"],
    ["abc", "Invalid", '"abc" is not an amount'],
    ["RM", "Invalid", "no digits"],
    [null, "Valid", null],
  ])
  table("comma decimal", (input) => Money.clean(input, { decimal: "," }), [
    ["1.234,50", "Corrected", "1234.50", ["removed thousands separators"]],
    ["12,5", "Corrected", "12.50"],
  ])
  table("rounding", (input) => Money.clean(input, { rounding: "halfUp" }), [
    ["1.235", "Corrected", "1.24", ["rounded 3 decimals to 2"]],
    ["9.995", "Corrected", "10.00"],
    ["-0.004", "Corrected", "0.00"],
  ])
  table("scale 0", (input) => Money.clean(input, { scale: 0 }), [["RM 1,000", "Corrected", "1000"]])
})
