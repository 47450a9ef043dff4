/**
 * Quran metadata for memorisation progress: verses per surah and where each juz begins.
 *
 * Source: the Tanzil Quran metadata (`quran-data.js`, © Hamid Zarrabi-Zadeh, tanzil.net), arrays
 * `QuranData.Sura` (second field: verse count) and `QuranData.Juz` (start [surah, verse]). Verse
 * numbering is the Kufan count of the Hafs reading, 6,236 verses. These are facts, transcribed; the
 * tests check the totals and the cumulative offsets Tanzil lists against them.
 */

/** Number of surahs. */
export const surahCount = 114

/** Number of juz. */
export const juzCount = 30

/** Verses of each surah, surah 1 first (Tanzil `QuranData.Sura`). */
export const verseCounts: ReadonlyArray<number> = [
  7, 286, 200, 176, 120, 165, 206, 75, 129, 109, 123, 111, 43, 52, 99, 128, 111, 110, 98, 135, 112, 78, 118,
  64, 77, 227, 93, 88, 69, 60, 34, 30, 73, 54, 45, 83, 182, 88, 75, 85, 54, 53, 89, 59, 37, 35, 38, 29, 18,
  45, 60, 49, 62, 55, 78, 96, 29, 22, 24, 13, 14, 11, 11, 18, 12, 12, 30, 52, 52, 44, 28, 28, 20, 56, 40, 31,
  50, 40, 46, 42, 29, 19, 36, 25, 22, 17, 19, 26, 30, 20, 15, 21, 11, 8, 8, 19, 5, 8, 8, 11, 11, 8, 3, 9, 5,
  4, 7, 3, 6, 3, 5, 4, 5, 6,
]

/** A position in the Quran. */
export interface Position {
  readonly surah: number
  readonly verse: number
}

/** The first verse of each juz, juz 1 first (Tanzil `QuranData.Juz`). */
export const juzStarts: ReadonlyArray<Position> = (
  [
    [1, 1],
    [2, 142],
    [2, 253],
    [3, 93],
    [4, 24],
    [4, 148],
    [5, 82],
    [6, 111],
    [7, 88],
    [8, 41],
    [9, 93],
    [11, 6],
    [12, 53],
    [15, 1],
    [17, 1],
    [18, 75],
    [21, 1],
    [23, 1],
    [25, 21],
    [27, 56],
    [29, 46],
    [33, 31],
    [36, 28],
    [39, 32],
    [41, 47],
    [46, 1],
    [51, 31],
    [58, 1],
    [67, 1],
    [78, 1],
  ] as const
).map(([surah, verse]) => ({ surah, verse }))

// Verses before each surah, so a position becomes one number and juz lookups are comparisons.
const offsets: ReadonlyArray<number> = verseCounts.reduce<Array<number>>(
  (acc, n, i) => {
    acc.push(acc[i]! + n)
    return acc
  },
  [0],
)

/** Total verses (6,236). */
export const verseTotal: number = offsets[surahCount]!

/** Verses in a surah, or undefined when the number is not a surah. */
export const versesIn = (surah: number): number | undefined =>
  Number.isInteger(surah) && surah >= 1 && surah <= surahCount ? verseCounts[surah - 1] : undefined

/** True when (surah, verse) exists. */
export const isPosition = (surah: number, verse: number): boolean => {
  const count = versesIn(surah)
  return count !== undefined && Number.isInteger(verse) && verse >= 1 && verse <= count
}

/** The 1-based index of a verse in the whole Quran (1:1 is 1, 114:6 is 6,236); undefined when invalid. */
export const verseIndex = (surah: number, verse: number): number | undefined =>
  isPosition(surah, verse) ? offsets[surah - 1]! + verse : undefined

const juzStartIndexes: ReadonlyArray<number> = juzStarts.map((p) => offsets[p.surah - 1]! + p.verse)

/** The juz (1–30) holding a verse; undefined when the position does not exist. */
export const juzOf = (surah: number, verse: number): number | undefined => {
  const index = verseIndex(surah, verse)
  if (index === undefined) return undefined
  let juz = 1
  while (juz < juzCount && juzStartIndexes[juz]! <= index) juz++
  return juz
}

/** The juz a span of verses runs through. */
export interface JuzRange {
  readonly first: number
  readonly last: number
}

/**
 * The juz a memorised span of one surah covers, from its first to its last verse. A surah is not one
 * juz: al-Baqarah runs through juz 1–3, so the span decides, never the surah number alone.
 */
export const juzRange = (surah: number, fromVerse: number, toVerse: number): JuzRange | undefined => {
  if (fromVerse > toVerse) return undefined
  const first = juzOf(surah, fromVerse)
  const last = juzOf(surah, toVerse)
  return first === undefined || last === undefined ? undefined : { first, last }
}

/**
 * The juz a student is in for a surah memorised from its first verse: that of the last verse memorised,
 * or of verse 1 when none is yet. Undefined when the surah or the count is out of range.
 */
export const memorizedJuz = (surah: number, versesMemorized: number): number | undefined => {
  const count = versesIn(surah)
  if (count === undefined || !Number.isInteger(versesMemorized) || versesMemorized < 0) return undefined
  if (versesMemorized > count) return undefined
  return juzOf(surah, Math.max(1, versesMemorized))
}

/** A failed range check: the rule broken and words for an operator. */
export interface Problem {
  readonly rule: "surah_range" | "verse_range" | "quality_range"
  readonly message: string
}

/** Checks a surah number is 1–114. */
export const checkSurah = (surah: number): Problem | undefined =>
  versesIn(surah) === undefined
    ? { rule: "surah_range", message: `surah ${surah} is not 1–${surahCount}` }
    : undefined

/** Checks a verse count or verse number is a whole number from 0 to the surah's verses. */
export const checkVerses = (surah: number, verses: number): Problem | undefined => {
  const count = versesIn(surah)
  if (count === undefined) return checkSurah(surah)
  return Number.isInteger(verses) && verses >= 0 && verses <= count
    ? undefined
    : { rule: "verse_range", message: `${verses} verses is not 0–${count}, the verses of surah ${surah}` }
}

/** Checks a quality score is 0–100. */
export const checkQuality = (quality: number): Problem | undefined =>
  Number.isFinite(quality) && quality >= 0 && quality <= 100
    ? undefined
    : { rule: "quality_range", message: `quality ${quality} is not 0–100` }

/**
 * The surahs' names as schools write them in Latin letters (one common transliteration each), surah
 * 1 first. `surahNumber` compares them loosely, so `Al-Fatihah`, `al fatiha` and `Surah Al-Faatihah`
 * are one name.
 */
export const surahNames: ReadonlyArray<string> = [
  "Al-Fatihah",
  "Al-Baqarah",
  "Ali 'Imran",
  "An-Nisa",
  "Al-Ma'idah",
  "Al-An'am",
  "Al-A'raf",
  "Al-Anfal",
  "At-Tawbah",
  "Yunus",
  "Hud",
  "Yusuf",
  "Ar-Ra'd",
  "Ibrahim",
  "Al-Hijr",
  "An-Nahl",
  "Al-Isra",
  "Al-Kahf",
  "Maryam",
  "Ta-Ha",
  "Al-Anbiya",
  "Al-Hajj",
  "Al-Mu'minun",
  "An-Nur",
  "Al-Furqan",
  "Ash-Shu'ara",
  "An-Naml",
  "Al-Qasas",
  "Al-'Ankabut",
  "Ar-Rum",
  "Luqman",
  "As-Sajdah",
  "Al-Ahzab",
  "Saba",
  "Fatir",
  "Ya-Sin",
  "As-Saffat",
  "Sad",
  "Az-Zumar",
  "Ghafir",
  "Fussilat",
  "Ash-Shura",
  "Az-Zukhruf",
  "Ad-Dukhan",
  "Al-Jathiyah",
  "Al-Ahqaf",
  "Muhammad",
  "Al-Fath",
  "Al-Hujurat",
  "Qaf",
  "Adh-Dhariyat",
  "At-Tur",
  "An-Najm",
  "Al-Qamar",
  "Ar-Rahman",
  "Al-Waqi'ah",
  "Al-Hadid",
  "Al-Mujadilah",
  "Al-Hashr",
  "Al-Mumtahanah",
  "As-Saff",
  "Al-Jumu'ah",
  "Al-Munafiqun",
  "At-Taghabun",
  "At-Talaq",
  "At-Tahrim",
  "Al-Mulk",
  "Al-Qalam",
  "Al-Haqqah",
  "Al-Ma'arij",
  "Nuh",
  "Al-Jinn",
  "Al-Muzzammil",
  "Al-Muddaththir",
  "Al-Qiyamah",
  "Al-Insan",
  "Al-Mursalat",
  "An-Naba",
  "An-Nazi'at",
  "'Abasa",
  "At-Takwir",
  "Al-Infitar",
  "Al-Mutaffifin",
  "Al-Inshiqaq",
  "Al-Buruj",
  "At-Tariq",
  "Al-A'la",
  "Al-Ghashiyah",
  "Al-Fajr",
  "Al-Balad",
  "Ash-Shams",
  "Al-Layl",
  "Ad-Duha",
  "Ash-Sharh",
  "At-Tin",
  "Al-'Alaq",
  "Al-Qadr",
  "Al-Bayyinah",
  "Az-Zalzalah",
  "Al-'Adiyat",
  "Al-Qari'ah",
  "At-Takathur",
  "Al-'Asr",
  "Al-Humazah",
  "Al-Fil",
  "Quraysh",
  "Al-Ma'un",
  "Al-Kawthar",
  "Al-Kafirun",
  "An-Nasr",
  "Al-Masad",
  "Al-Ikhlas",
  "Al-Falaq",
  "An-Nas",
]

// A name without what spellings vary in: case, accents, "surah", the article, punctuation, doubled
// letters, a final h.
const looseName = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/^\s*(surah|surat|sura)\b\s*/u, "")
    .replace(/^(al|an|ar|as|at|az|ad|adh|ash)[\s-]+/u, "")
    .replace(/[^a-z]/gu, "")
    .replace(/(.)\1+/gu, "$1")
    .replace(/h$/u, "")

const byLooseName = new Map(surahNames.map((n, i) => [looseName(n), i + 1]))

/**
 * The number of a surah written as a number (`2`, `"002"`, `"2. Al-Baqarah"`) or a name
 * (`Al-Baqarah`, `Surah al baqara`); undefined when it names none.
 */
export const surahNumber = (input: unknown): number | undefined => {
  if (typeof input === "number") return versesIn(input) === undefined ? undefined : input
  const text = input === null || input === undefined ? "" : String(input).trim()
  const numbered = /^(?:(?:surah|surat|sura)\s*)?(\d{1,3})\b/iu.exec(text)
  if (numbered !== null) {
    const n = Number(numbered[1])
    return versesIn(n) === undefined ? undefined : n
  }
  return text === "" ? undefined : byLooseName.get(looseName(text))
}
