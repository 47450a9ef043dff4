import { describe } from "vitest"
import * as BloodType from "../src/BloodType.js"
import { table } from "./Table.js"

const rewritten = ["wrote as group and + or -"]
describe("BloodType.clean", () => {
  table("default", (input) => BloodType.clean(input), [
    ["O+", "Valid", "O+"],
    ["O POS", "Corrected", "O+", rewritten],
    ["o+", "Corrected", "O+", rewritten],
    ["O+ve", "Corrected", "O+", rewritten],
    ["AB -ve", "Corrected", "AB-", rewritten],
    ["ab negative", "Corrected", "AB-", rewritten],
    ["B Rh+", "Corrected", "B+", rewritten],
    ["A RhD positive", "Corrected", "A+", rewritten],
    ["B positif", "Corrected", "B+", rewritten],
    ["Group A (+)", "Corrected", "A+", rewritten],
    ["0+", "Corrected", "O+", ["read the digit 0 as group O", ...rewritten]],
    ["A", "Invalid", "the Rh factor (+ or -) of blood group A is missing"],
    ["C+", "Invalid", '"C+" is not an ABO blood group'],
    ["A maybe", "Invalid", '"maybe" is not an Rh factor'],
    ["Unknown", "Corrected", null, ['"Unknown" means not recorded: set to empty']],
    [null, "Valid", null],
  ])
})
