import { describe } from "vitest"
import * as Gender from "../src/Gender.js"
import { table } from "./Table.js"

describe("Gender.clean", () => {
  table("default", (input) => Gender.clean(input), [
    ["male", "Valid", "male"],
    ["M", "Corrected", "male", ['mapped "m" to "male"']],
    ["f", "Corrected", "female", ['mapped "f" to "female"']],
    ["Lelaki", "Corrected", "male", ['mapped "lelaki" to "male"']],
    ["P", "Corrected", "female", ['mapped "p" to "female"']],
    ["PEREMPUAN", "Corrected", "female"],
    ["女", "Corrected", "female"],
    ["Other", "Corrected", "other"],
    ["Unspecified", "Corrected", null, ['"Unspecified" means not recorded: set to empty']],
    ["Z", "Invalid", 'unknown gender "Z"'],
    [null, "Valid", null],
  ])
  table("required", (input) => Gender.clean(input, { required: true }), [
    ["U", "Invalid", "missing (recorded as unspecified)"],
  ])
})
