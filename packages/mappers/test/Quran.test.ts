import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Quran } from "../src/index.js"

describe("Quran totals", () => {
  it("has 114 surahs, 6,236 verses and 30 juz", () => {
    expect(Quran.verseCounts).toHaveLength(114)
    expect(Quran.verseCounts.reduce((a, b) => a + b, 0)).toBe(6236)
    expect(Quran.verseTotal).toBe(6236)
    expect(Quran.juzStarts).toHaveLength(30)
  })
  // Tanzil lists the verses before each surah (first field of QuranData.Sura): the counts must agree.
  it.each([
    [2, 7],
    [3, 293],
    [9, 1235],
    [18, 2140],
    [36, 3705],
    [67, 5241],
    [78, 5672],
    [114, 6230],
  ])("surah %i starts after %i verses", (surah, before) => {
    expect(Quran.verseIndex(surah, 1)).toBe(before + 1)
  })
  it("every juz start is a real verse, in order", () => {
    const indexes = Quran.juzStarts.map((p) => Quran.verseIndex(p.surah, p.verse))
    expect(indexes.every((i) => i !== undefined)).toBe(true)
    expect([...(indexes as Array<number>)].sort((a, b) => a - b)).toEqual(indexes)
  })
})

describe("juzOf", () => {
  it.each([
    [1, 1, 1],
    [2, 141, 1],
    [2, 142, 2],
    [2, 252, 2],
    [2, 253, 3],
    [3, 92, 3],
    [3, 93, 4],
    [5, 81, 6],
    [5, 82, 7],
    [18, 74, 15],
    [18, 75, 16],
    [36, 27, 22],
    [36, 28, 23],
    [66, 12, 28],
    [67, 1, 29],
    [77, 50, 29],
    [78, 1, 30],
    [114, 6, 30],
  ])("%i:%i is in juz %i", (surah, verse, juz) => {
    expect(Quran.juzOf(surah, verse)).toBe(juz)
  })
  it.each([
    [0, 1],
    [115, 1],
    [1, 0],
    [1, 8],
    [2, 287],
    [1.5, 1],
    [2, Number.NaN],
  ])("%s:%s is no verse", (surah, verse) => {
    expect(Quran.juzOf(surah, verse)).toBeUndefined()
  })
})

describe("juzRange and memorizedJuz", () => {
  it("al-Baqarah runs through juz 1 to 3", () => {
    expect(Quran.juzRange(2, 1, 286)).toEqual({ first: 1, last: 3 })
    expect(Quran.juzRange(2, 100, 200)).toEqual({ first: 1, last: 2 })
    expect(Quran.juzRange(2, 200, 100)).toBeUndefined()
  })
  it("takes the juz of the last memorised verse", () => {
    expect(Quran.memorizedJuz(2, 0)).toBe(1)
    expect(Quran.memorizedJuz(2, 141)).toBe(1)
    expect(Quran.memorizedJuz(2, 142)).toBe(2)
    expect(Quran.memorizedJuz(18, 110)).toBe(16)
    expect(Quran.memorizedJuz(18, 111)).toBeUndefined()
    expect(Quran.memorizedJuz(0, 1)).toBeUndefined()
  })
})

describe("range checks", () => {
  it("surah 1–114", () => {
    expect(Quran.checkSurah(1)).toBeUndefined()
    expect(Quran.checkSurah(114)).toBeUndefined()
    expect(Quran.checkSurah(115)).toEqual({ rule: "surah_range", message: "surah 115 is not 1–114" })
    expect(Quran.checkSurah(0)?.rule).toBe("surah_range")
  })
  it("verses ≤ the surah's count", () => {
    expect(Quran.checkVerses(1, 7)).toBeUndefined()
    expect(Quran.checkVerses(1, 0)).toBeUndefined()
    expect(Quran.checkVerses(1, 8)).toEqual({
      rule: "verse_range",
      message: "8 verses is not 0–7, the verses of surah 1",
    })
    expect(Quran.checkVerses(1, -1)?.rule).toBe("verse_range")
    expect(Quran.checkVerses(200, 1)?.rule).toBe("surah_range")
  })
  it("quality 0–100", () => {
    expect(Quran.checkQuality(0)).toBeUndefined()
    expect(Quran.checkQuality(100)).toBeUndefined()
    expect(Quran.checkQuality(87.5)).toBeUndefined()
    expect(Quran.checkQuality(100.01)).toEqual({
      rule: "quality_range",
      message: "quality 100.01 is not 0–100",
    })
    expect(Quran.checkQuality(Number.NaN)?.rule).toBe("quality_range")
  })
})

const position = fc
  .integer({ min: 1, max: 114 })
  .chain((surah) => fc.tuple(fc.constant(surah), fc.integer({ min: 1, max: Quran.versesIn(surah)! })))

describe("properties", () => {
  it("every verse is in a juz 1–30", () => {
    fc.assert(
      fc.property(position, ([s, v]) => {
        const juz = Quran.juzOf(s, v)!
        return juz >= 1 && juz <= 30
      }),
    )
  })
  it("juz never decreases through the Quran", () => {
    fc.assert(
      fc.property(position, position, ([s1, v1], [s2, v2]) => {
        const a = Quran.verseIndex(s1, v1)!
        const b = Quran.verseIndex(s2, v2)!
        return a > b || Quran.juzOf(s1, v1)! <= Quran.juzOf(s2, v2)!
      }),
    )
  })
  it("a juz starts exactly at its listed verse", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), (juz) => {
        const start = Quran.juzStarts[juz - 1]!
        const before =
          start.verse > 1
            ? { s: start.surah, v: start.verse - 1 }
            : { s: start.surah - 1, v: Quran.versesIn(start.surah - 1)! }
        return Quran.juzOf(start.surah, start.verse) === juz && Quran.juzOf(before.s, before.v) === juz - 1
      }),
    )
  })
  it("a span's range is the juz of its ends and holds every verse between", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 114 }).chain((s) => {
          const n = Quran.versesIn(s)!
          return fc.tuple(fc.constant(s), fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n }))
        }),
        ([s, a, b]) => {
          const [from, to] = a <= b ? [a, b] : [b, a]
          const range = Quran.juzRange(s, from, to)!
          const mid = Math.floor((from + to) / 2)
          const juz = Quran.juzOf(s, mid)!
          return range.first <= juz && juz <= range.last && range.first === Quran.juzOf(s, from)
        },
      ),
    )
  })
  it("verse counts above the surah's are refused", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 114 }), fc.integer({ min: 1, max: 500 }), (s, extra) => {
        return Quran.checkVerses(s, Quran.versesIn(s)! + extra)?.rule === "verse_range"
      }),
    )
  })
})

describe("surahNumber", () => {
  it("reads a surah by number or by any common spelling of its name", () => {
    expect(Quran.surahNumber(2)).toBe(2)
    expect(Quran.surahNumber("002")).toBe(2)
    expect(Quran.surahNumber("2. Al-Baqarah")).toBe(2)
    expect(Quran.surahNumber("Al-Fatihah")).toBe(1)
    expect(Quran.surahNumber("surah al faatiha")).toBe(1)
    expect(Quran.surahNumber("Yaasin")).toBe(36)
    expect(Quran.surahNumber("An-Nas")).toBe(114)
    expect(Quran.surahNumber("An-Nasr")).toBe(110)
    expect(Quran.surahNumber("Al-Ikhlaas")).toBe(112)
  })

  it("gives no surah for a name or number that is none", () => {
    expect(Quran.surahNumber("Surah Sebelah")).toBeUndefined()
    expect(Quran.surahNumber(115)).toBeUndefined()
    expect(Quran.surahNumber("0")).toBeUndefined()
    expect(Quran.surahNumber("")).toBeUndefined()
  })

  it("knows 114 names, each its own once spellings are set aside", () => {
    expect(Quran.surahNames).toHaveLength(114)
    expect(Quran.surahNames.map((name) => Quran.surahNumber(name))).toEqual(
      Quran.surahNames.map((_, i) => i + 1),
    )
  })
})
