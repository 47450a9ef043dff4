// Deterministic SDMS records: the same seed and index always give the same person or school, so a
// test, the demo and a benchmark run on a second machine all see the same registry.

/** A record as SDMS serves it (JSON). */
export type Json = { readonly [key: string]: unknown }

/** The kinds of record SDMS holds, as they appear in the paths. */
export type Kind = "students" | "staff" | "schools"

interface State {
  readonly name: string
  /** First letter of the state's school codes. */
  readonly letter: string
  /** MyKad place-of-birth code. */
  readonly birthPlace: string
  readonly jpn: string
  readonly districts: ReadonlyArray<{
    readonly name: string
    readonly postcode: number
    readonly places: ReadonlyArray<string>
  }>
}

const states: ReadonlyArray<State> = [
  {
    name: "Johor",
    letter: "J",
    birthPlace: "01",
    jpn: "JJH",
    districts: [
      { name: "Johor Bahru", postcode: 80000, places: ["Taman Johor Jaya", "Larkin", "Tampoi", "Skudai"] },
      { name: "Batu Pahat", postcode: 83000, places: ["Parit Raja", "Sri Gading", "Senggarang"] },
      { name: "Muar", postcode: 84000, places: ["Bakri", "Parit Jawa", "Pagoh"] },
    ],
  },
  {
    name: "Kedah",
    letter: "K",
    birthPlace: "02",
    jpn: "JKD",
    districts: [
      { name: "Kota Setar", postcode: 5000, places: ["Alor Setar", "Anak Bukit", "Simpang Empat"] },
      { name: "Kuala Muda", postcode: 8000, places: ["Sungai Petani", "Bedong", "Merbok"] },
    ],
  },
  {
    name: "Kelantan",
    letter: "D",
    birthPlace: "03",
    jpn: "JKT",
    districts: [
      { name: "Kota Bharu", postcode: 15000, places: ["Kubang Kerian", "Pengkalan Chepa", "Kota Bharu"] },
      { name: "Pasir Mas", postcode: 17000, places: ["Rantau Panjang", "Tendong"] },
    ],
  },
  {
    name: "Melaka",
    letter: "M",
    birthPlace: "04",
    jpn: "JML",
    districts: [
      { name: "Melaka Tengah", postcode: 75000, places: ["Bukit Baru", "Ayer Keroh", "Bachang"] },
      { name: "Alor Gajah", postcode: 78000, places: ["Masjid Tanah", "Durian Tunggal"] },
    ],
  },
  {
    name: "Negeri Sembilan",
    letter: "N",
    birthPlace: "05",
    jpn: "JNS",
    districts: [{ name: "Seremban", postcode: 70000, places: ["Rasah", "Senawang", "Nilai"] }],
  },
  {
    name: "Pahang",
    letter: "C",
    birthPlace: "06",
    jpn: "JPH",
    districts: [
      { name: "Kuantan", postcode: 25000, places: ["Indera Mahkota", "Beserah", "Gebeng"] },
      { name: "Temerloh", postcode: 28000, places: ["Mentakab", "Lanchang"] },
    ],
  },
  {
    name: "Pulau Pinang",
    letter: "P",
    birthPlace: "07",
    jpn: "JPP",
    districts: [
      { name: "Timur Laut", postcode: 10000, places: ["Jelutong", "Air Itam", "Tanjung Tokong"] },
      { name: "Seberang Perai Utara", postcode: 13000, places: ["Butterworth", "Kepala Batas"] },
    ],
  },
  {
    name: "Perak",
    letter: "A",
    birthPlace: "08",
    jpn: "JPK",
    districts: [
      { name: "Kinta", postcode: 30000, places: ["Ipoh", "Menglembu", "Tanjung Rambutan"] },
      { name: "Manjung", postcode: 32000, places: ["Sitiawan", "Lumut", "Pangkor"] },
    ],
  },
  {
    name: "Selangor",
    letter: "B",
    birthPlace: "10",
    jpn: "JSL",
    districts: [
      {
        name: "Petaling",
        postcode: 46000,
        places: ["Petaling Jaya", "Subang Jaya", "Puchong", "Kota Damansara"],
      },
      { name: "Klang", postcode: 41000, places: ["Kapar", "Meru", "Bandar Botanik"] },
      { name: "Gombak", postcode: 68100, places: ["Batu Caves", "Selayang", "Rawang"] },
      { name: "Hulu Langat", postcode: 43000, places: ["Kajang", "Bangi", "Cheras"] },
    ],
  },
  {
    name: "Terengganu",
    letter: "T",
    birthPlace: "11",
    jpn: "JTR",
    districts: [{ name: "Kuala Terengganu", postcode: 20000, places: ["Gong Badak", "Chabang Tiga"] }],
  },
  {
    name: "Sabah",
    letter: "X",
    birthPlace: "12",
    jpn: "JSB",
    districts: [
      { name: "Kota Kinabalu", postcode: 88000, places: ["Likas", "Inanam", "Luyang"] },
      { name: "Sandakan", postcode: 90000, places: ["Batu Sapi", "Elopura"] },
    ],
  },
  {
    name: "Sarawak",
    letter: "Y",
    birthPlace: "13",
    jpn: "JSW",
    districts: [
      { name: "Kuching", postcode: 93000, places: ["Petra Jaya", "Padawan", "Batu Kawa"] },
      { name: "Miri", postcode: 98000, places: ["Lutong", "Permyjaya"] },
    ],
  },
  {
    name: "WP Kuala Lumpur",
    letter: "W",
    birthPlace: "14",
    jpn: "JWP",
    districts: [
      { name: "Keramat", postcode: 54200, places: ["Setiawangsa", "Wangsa Maju", "Ampang Hilir"] },
      { name: "Sentul", postcode: 51000, places: ["Sentul", "Segambut", "Kepong"] },
      { name: "Bangsar dan Pudu", postcode: 59100, places: ["Bangsar", "Pudu", "Sri Petaling"] },
    ],
  },
]

const malayMale = [
  "Muhammad Aiman",
  "Ahmad Danial",
  "Muhammad Haziq",
  "Amirul Hakim",
  "Irfan",
  "Hafiz",
  "Syafiq",
  "Luqman",
]
const malayFemale = [
  "Nur Aisyah",
  "Siti Nurhaliza",
  "Nurul Izzah",
  "Aina Sofea",
  "Nur Batrisyia",
  "Farah",
  "Hani",
  "Aqilah",
]
const malayFathers = [
  "Ahmad",
  "Ismail",
  "Abdullah",
  "Rahman",
  "Zulkifli",
  "Hassan",
  "Mohd Yusof",
  "Razak",
  "Kamarudin",
]
const chineseSurnames = ["Tan", "Lim", "Lee", "Wong", "Chong", "Ng", "Ong", "Teh", "Chan", "Goh"]
const chineseMale = ["Wei Ming", "Jun Hao", "Zhi Hao", "Kah Wai", "Yong Sheng", "Jia Le"]
const chineseFemale = ["Mei Ling", "Xin Yi", "Hui Min", "Jia Xin", "Pei Shan", "Li Ying"]
const indianMale = ["Arjun", "Kavin", "Darshan", "Harish", "Saravanan", "Thivyan"]
const indianFemale = ["Priya", "Kavitha", "Shalini", "Tharshini", "Divya", "Yamini"]
const indianFathers = ["Subramaniam", "Raj", "Muthu", "Krishnan", "Ganesan", "Ramasamy", "Selvam"]
const yearLevels = [
  ...["Prasekolah", "Tahun 1", "Tahun 2", "Tahun 3", "Tahun 4", "Tahun 5", "Tahun 6"],
  ...["Tingkatan 1", "Tingkatan 2", "Tingkatan 3", "Tingkatan 4", "Tingkatan 5"],
]
const staffPosts = [
  "Guru Akademik Biasa",
  "Guru Akademik Biasa",
  "Guru Akademik Biasa",
  "Guru Kanan Mata Pelajaran",
  "Penolong Kanan",
  "Kaunselor",
  "Pembantu Tadbir",
]
const foreign = [
  { nationality: "IDN", prefix: "B" },
  { nationality: "BGD", prefix: "BP" },
  { nationality: "PHL", prefix: "P" },
]

// A small, fast, well-mixed PRNG (mulberry32) seeded from the record's identity.
const generator = (seed: number, kind: string, index: number) => {
  let h = (seed ^ 0x9e3779b9) >>> 0
  for (const c of `${kind}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0
  let a = h
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!,
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** The id of the n-th generated student (1-based). */
export const studentId = (n: number) => `S${pad(n, 9)}`
/** The id of the n-th generated staff member (1-based). */
export const staffId = (n: number) => `T${pad(n, 9)}`

const levelLetters = { primary: "B", secondary: "E" } as const

/** The code of the n-th generated school (1-based): state letter, level letter, `A`, number. */
export const schoolCode = (n: number, seed = 1): string => {
  const r = generator(seed, "schools", n)
  const state = r.pick(states)
  const level = n % 3 === 0 ? "secondary" : "primary"
  return `${state.letter}${levelLetters[level]}A${pad(n, 4)}`
}

const lastUpdated = (r: ReturnType<typeof generator>) =>
  new Date(Date.UTC(2026, r.int(0, 10), r.int(1, 28), r.int(0, 23), r.int(0, 59), r.int(0, 59))).toISOString()

const isoDate = (y: number, m: number, d: number) => `${y}-${pad(m, 2)}-${pad(d, 2)}`

// YYMMDD-PB-###G: birth date, place of birth, a serial whose last digit is odd for a male.
const myKadOf = (
  r: ReturnType<typeof generator>,
  birth: { y: number; m: number; d: number },
  birthPlace: string,
  sex: "M" | "F",
) => {
  const serial = r.int(0, 99) * 10 + (sex === "M" ? r.pick([1, 3, 5, 7, 9]) : r.pick([0, 2, 4, 6, 8]))
  const lead = birth.y >= 2000 ? r.int(5, 9) : r.int(0, 4)
  return `${pad(birth.y % 100, 2)}${pad(birth.m, 2)}${pad(birth.d, 2)}-${birthPlace}-${lead}${pad(serial, 3)}`
}

const personName = (r: ReturnType<typeof generator>, sex: "M" | "F") => {
  const roll = r.next()
  if (roll < 0.65) {
    const given = r.pick(sex === "M" ? malayMale : malayFemale)
    return `${given} ${sex === "M" ? "bin" : "binti"} ${r.pick(malayFathers)}`
  }
  if (roll < 0.88) return `${r.pick(chineseSurnames)} ${r.pick(sex === "M" ? chineseMale : chineseFemale)}`
  return `${r.pick(sex === "M" ? indianMale : indianFemale)} ${sex === "M" ? "a/l" : "a/p"} ${r.pick(indianFathers)}`
}

/** How many records of each kind a generated registry holds; ids past these are not found. */
export interface Population {
  readonly students: number
  readonly staff: number
  readonly schools: number
}

/** The n-th generated school. */
export const school = (n: number, seed = 1): Json => {
  const r = generator(seed, "schools", n)
  const state = r.pick(states)
  const secondary = n % 3 === 0
  const districtIndex = r.int(0, state.districts.length - 1)
  const district = state.districts[districtIndex]!
  const place = r.pick(district.places)
  const type = secondary
    ? r.pick(["SMK", "SMK", "SMK", "SMKA", "SBP"])
    : r.pick(["SK", "SK", "SK", "SJKC", "SJKT"])
  return {
    schoolCode: schoolCode(n, seed),
    name: `${type} ${place}${n % 7 === 0 ? ` ${r.int(1, 3)}` : ""}`,
    type,
    state: state.name,
    district: district.name,
    address: {
      line1: `Jalan ${r.pick(["Sekolah", "Pendidikan", "Merdeka", "Ilmu", "Bestari"])} ${r.int(1, 12)}`,
      line2: r.next() < 0.5 ? `Taman ${place}` : null,
      postcode: pad(district.postcode + r.int(0, 99) * 10, 5),
      city: place,
      state: state.name,
    },
    ppdCode: `${state.letter}${pad(districtIndex * 10 + r.int(1, 9), 3)}`,
    jpnCode: state.jpn,
    lastUpdated: lastUpdated(r),
  }
}

/** The n-th generated student, enrolled at one of the first `schools` schools. */
export const student = (n: number, population: Population, seed = 1): Json => {
  const r = generator(seed, "students", n)
  const sex = r.next() < 0.5 ? "M" : "F"
  const levelIndex = r.int(0, yearLevels.length - 1)
  // Prasekolah at 6 in 2026, Tahun 1 at 7, …, Tingkatan 5 at 17.
  const y = 2026 - (6 + levelIndex)
  const birth = { y, m: r.int(1, 12), d: r.int(1, 28) }
  const citizen = r.next() < 0.97
  const statusRoll = r.next()
  const schoolN = r.int(1, Math.max(1, population.schools))
  const origin = r.pick(states)
  const alien = r.pick(foreign)
  return {
    sdmsId: studentId(n),
    myKad: citizen ? myKadOf(r, birth, origin.birthPlace, sex) : null,
    passportNo: citizen ? null : `${alien.prefix}${pad(r.int(0, 9_999_999), 7)}`,
    fullName: personName(r, sex),
    birthDate: isoDate(birth.y, birth.m, birth.d),
    sex,
    nationality: citizen ? "MYS" : alien.nationality,
    schoolCode: statusRoll < 0.97 ? schoolCode(schoolN, seed) : null,
    yearLevel: yearLevels[levelIndex],
    enrolmentStatus: statusRoll < 0.97 ? "active" : statusRoll < 0.985 ? "transferred" : "withdrawn",
    lastUpdated: lastUpdated(r),
  }
}

/** The n-th generated staff member. */
export const staff = (n: number, population: Population, seed = 1): Json => {
  const r = generator(seed, "staff", n)
  const sex = r.next() < 0.7 ? "F" : "M"
  const birth = { y: r.int(1966, 1999), m: r.int(1, 12), d: r.int(1, 28) }
  return {
    sdmsId: staffId(n),
    myKad: myKadOf(r, birth, r.pick(states).birthPlace, sex),
    fullName: personName(r, sex),
    schoolCode: schoolCode(r.int(1, Math.max(1, population.schools)), seed),
    post: r.pick(staffPosts),
    lastUpdated: lastUpdated(r),
  }
}

const idPatterns: Record<Kind, RegExp> = {
  students: /^S(\d{9})$/,
  staff: /^T(\d{9})$/,
  schools: /^[A-Z]{3}(\d{4})$/,
}

/** True when an id has the shape the contract gives records of this kind. */
export const wellFormed = (kind: Kind, id: string): boolean => idPatterns[kind].test(id)

/** The generated record of this kind and id, or undefined when the registry has none. */
export const generated = (kind: Kind, id: string, population: Population, seed = 1): Json | undefined => {
  const m = idPatterns[kind].exec(id)
  if (!m) return undefined
  const n = Number(m[1])
  if (n < 1) return undefined
  switch (kind) {
    case "students":
      return n <= population.students ? student(n, population, seed) : undefined
    case "staff":
      return n <= population.staff ? staff(n, population, seed) : undefined
    case "schools":
      return n <= population.schools && schoolCode(n, seed) === id ? school(n, seed) : undefined
  }
}
