import { describe } from "vitest"
import * as Text from "../src/Text.js"
import { type Row, table } from "./Table.js"

const mojibake = "repaired text encoding (UTF-8 read as Windows-1252)"
const rows: ReadonlyArray<Row> = [
  ["plain text", "Valid", "plain text"],
  ["Ã…", "Corrected", "Å", [mojibake]],
  ["JosÃ©", "Corrected", "José", [mojibake]],
  ["Ã¢â‚¬â„¢", "Corrected", "’", [mojibake]],
  ["cafÃƒÂ©", "Corrected", "café", [mojibake]],
  ["NurÂ\u00a0Ain", "Corrected", "Nur Ain", [mojibake, "normalized whitespace"]],
  ["Café", "Valid", "Café"],
  ["Ã is a letter", "Valid", "Ã is a letter"],
  ["Ã© مرحبا", "Valid", "Ã© مرحبا"],
  ["a\u0000b\u0007c", "Corrected", "abc", ["removed control characters"]],
  ["a\u200bb\ufeff", "Corrected", "ab", ["removed zero-width characters"]],
  ["می\u200cخواهم", "Valid", "می\u200cخواهم"],
  ["a\u200cb", "Corrected", "ab", ["removed zero-width characters"]],
  ["e\u0301", "Corrected", "é", ["normalized Unicode (NFC)"]],
  [" a  b\tc\n", "Corrected", "a b c", ["normalized whitespace", "trimmed surrounding whitespace"]],
  ["a\u00a0b", "Corrected", "a b", ["normalized whitespace"]],
  [42, "Valid", "42"],
  [null, "Valid", null],
  ["\u200b", "Valid", null],
  [{}, "Invalid", "expected text, got object"],
]

describe("Text.clean", () => {
  table("default", (input) => Text.clean(input), rows)
  table("multiline", (input) => Text.clean(input, { multiline: true }), [
    [
      "line one\r\nline two ",
      "Corrected",
      "line one\nline two",
      ["normalized spaces and line breaks", "trimmed surrounding whitespace"],
    ],
    ["a  b\n\tc", "Corrected", "a b\nc", ["normalized spaces and line breaks"]],
  ])
  table("maxLength", (input) => Text.clean(input, { maxLength: 5 }), [
    ["abcdef", "Invalid", "longer than 5 characters"],
  ])
})
