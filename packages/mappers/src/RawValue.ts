/**
 * How source databases store "missing" and keys, shared by the mappers of systems that store them the
 * same way (Gibbon and Moodle keep `''` in NOT NULL text columns; both key rows by positive integers,
 * Gibbon's zero-filled).
 */

/** A positive integer key as the legacy key text: `0000000123`, `123`, 123 and 123n → `"123"`; anything else → undefined. */
export const positiveId = (input: unknown): string | undefined => {
  if (typeof input === "number") return Number.isSafeInteger(input) && input > 0 ? String(input) : undefined
  if (typeof input === "bigint") return input > 0n ? String(input) : undefined
  if (typeof input !== "string") return undefined
  const text = input.trim()
  if (!/^\d+$/.test(text)) return undefined
  const stripped = text.replace(/^0+/, "")
  return stripped === "" ? undefined : stripped
}

/** "Empty string means missing": trimmed text, or null when blank or null. */
export const blank = (input: unknown): string | null => {
  if (input === null || input === undefined) return null
  const text = String(input).trim()
  return text === "" ? null : text
}
