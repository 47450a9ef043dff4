/**
 * Malaysian people and places as a school's records show them: Malay, Chinese and Indian names
 * with their patronymic forms, MyKad numbers that agree with birth date and sex, mobile numbers,
 * and addresses with real postcodes, towns and states. Small hand-written lists, enough for variety.
 */
import type { Prng } from "./Prng.js"

/** The three communities the name lists cover. */
export type Community = "malay" | "chinese" | "indian"
/** As the legacy `gender` column stores it. */
export type Sex = "M" | "F"

const malayBoys = [
  "Ahmad",
  "Muhammad Haziq",
  "Amirul",
  "Hafiz",
  "Faris",
  "Irfan",
  "Danial",
  "Aiman",
  "Haikal",
  "Zulkifli",
  "Syafiq",
  "Hakim",
  "Arif",
  "Iqbal",
  "Luqman",
  "Adam",
  "Harith",
  "Naufal",
  "Izzat",
  "Firdaus",
  "Aqil",
  "Muhammad Rayyan",
  "Umar",
  "Hariz",
]
const malayGirls = [
  "Nur Aisyah",
  "Siti Nurhaliza",
  "Nurul Izzah",
  "Aina",
  "Balqis",
  "Farah",
  "Hana",
  "Alya",
  "Damia",
  "Sofea",
  "Irdina",
  "Qistina",
  "Syazwani",
  "Nabila",
  "Insyirah",
  "Puteri",
  "Nur Ain",
  "Humaira",
  "Zara",
  "Aqilah",
  "Nur Iman",
  "Safiyyah",
]
const malayFathers = [
  "Ismail",
  "Abdullah",
  "Yusof",
  "Rahman",
  "Hassan",
  "Ibrahim",
  "Osman",
  "Razak",
  "Kamal",
  "Aziz",
  "Hamid",
  "Salleh",
  "Rosli",
  "Zainal",
  "Azman",
  "Hisham",
  "Shamsul",
  "Roslan",
  "Fauzi",
  "Ramli",
  "Mokhtar",
  "Jamal",
]
const chineseSurnames = [
  "Tan",
  "Lim",
  "Lee",
  "Ng",
  "Wong",
  "Chan",
  "Chong",
  "Goh",
  "Ong",
  "Teo",
  "Yap",
  "Leong",
  "Chin",
  "Khoo",
  "Loh",
  "Foo",
  "Ooi",
  "Teh",
]
const chineseBoys = [
  "Wei Jie",
  "Jun Hao",
  "Zhi Hao",
  "Kai Xiang",
  "Yi Heng",
  "Jia Hao",
  "Wen Jie",
  "Chee Keong",
  "Boon Huat",
  "Kok Leong",
  "Jun Wei",
  "Zi Yang",
]
const chineseGirls = [
  "Wei Ling",
  "Xin Yi",
  "Hui Min",
  "Jia Xin",
  "Mei Ling",
  "Siew Lan",
  "Pei Shan",
  "Yi Xuan",
  "Li Ying",
  "Shu Fen",
  "Zi Qi",
  "En Qi",
]
const indianBoys = [
  "Arun",
  "Kumar",
  "Ganesh",
  "Rajesh",
  "Vikneswaran",
  "Suresh",
  "Prakash",
  "Dinesh",
  "Harish",
  "Kavin",
  "Thinesh",
  "Muthu",
]
const indianGirls = [
  "Kavitha",
  "Priya",
  "Deepa",
  "Shalini",
  "Nirmala",
  "Divya",
  "Thivya",
  "Anusha",
  "Janani",
  "Revathi",
  "Sangeetha",
  "Yamini",
]
const indianFathers = [
  "Raman",
  "Subramaniam",
  "Krishnan",
  "Muniandy",
  "Ramasamy",
  "Arumugam",
  "Govindasamy",
  "Selvaraju",
  "Pillai",
  "Nair",
  "Maniam",
  "Rajoo",
]

/** A person's name as the legacy `first_name` / `last_name` columns hold it. */
export interface Name {
  readonly first: string
  readonly last: string
}

/** A family: what a child's and parents' names are built from. */
export interface Family {
  readonly community: Community
  /** Malay and Indian: the father's given name; Chinese: the family name. */
  readonly father: string
  /** Malay and Indian: the paternal grandfather's given name. */
  readonly grandfather: string
  /** Chinese: the mother's family name. */
  readonly motherSurname: string
}

/** A family of one of the three communities (weights as in a Klang Valley school). */
export const family = (rng: Prng): Family => {
  const community = rng.weighted<Community>(["malay", "chinese", "indian"], [70, 18, 12])
  const fathers = community === "indian" ? indianFathers : malayFathers
  return {
    community,
    father: community === "chinese" ? rng.pick(chineseSurnames) : rng.pick(fathers),
    grandfather: rng.pick(fathers),
    motherSurname: rng.pick(chineseSurnames),
  }
}

/** A child's name: given name and patronymic (bin/binti, a/l / a/p) or family name. */
export const childName = (rng: Prng, f: Family, sex: Sex): Name => {
  switch (f.community) {
    case "malay":
      return {
        first: rng.pick(sex === "M" ? malayBoys : malayGirls),
        last: `${sex === "M" ? "bin" : "binti"} ${f.father}`,
      }
    case "chinese":
      return { first: rng.pick(sex === "M" ? chineseBoys : chineseGirls), last: f.father }
    case "indian":
      return {
        first: rng.pick(sex === "M" ? indianBoys : indianGirls),
        last: `${sex === "M" ? "a/l" : "a/p"} ${f.father}`,
      }
  }
}

/** A parent's name: the father's follows from the family, the mother's is her own. */
export const parentName = (rng: Prng, f: Family, sex: Sex): Name => {
  if (sex === "M")
    switch (f.community) {
      case "malay":
        return { first: f.father, last: `bin ${f.grandfather}` }
      case "chinese":
        return { first: rng.pick(chineseBoys), last: f.father }
      case "indian":
        return { first: f.father, last: `a/l ${f.grandfather}` }
    }
  switch (f.community) {
    case "malay":
      return { first: rng.pick(malayGirls), last: `binti ${rng.pick(malayFathers)}` }
    case "chinese":
      return { first: rng.pick(chineseGirls), last: f.motherSurname }
    case "indian":
      return { first: rng.pick(indianGirls), last: `a/p ${rng.pick(indianFathers)}` }
  }
}

/** An adult's name with no family around it (teachers, office staff). */
export const adultName = (rng: Prng, sex: Sex): Name => {
  const f = family(rng)
  return f.community === "chinese" ? childName(rng, f, sex) : parentName(rng, f, sex)
}

/** A town with its real postcode and state, and the state's MyKad place-of-birth code. */
export interface Town {
  readonly postcode: string
  readonly city: string
  readonly state: string
  readonly birthCode: string
}

// Mostly around a Shah Alam school; a few families from elsewhere.
const towns: ReadonlyArray<readonly [Town, number]> = [
  [{ postcode: "40000", city: "Shah Alam", state: "Selangor", birthCode: "10" }, 20],
  [{ postcode: "40150", city: "Shah Alam", state: "Selangor", birthCode: "10" }, 12],
  [{ postcode: "47301", city: "Petaling Jaya", state: "Selangor", birthCode: "10" }, 10],
  [{ postcode: "42000", city: "Pelabuhan Klang", state: "Selangor", birthCode: "10" }, 6],
  [{ postcode: "43000", city: "Kajang", state: "Selangor", birthCode: "10" }, 6],
  [{ postcode: "68000", city: "Ampang", state: "Selangor", birthCode: "10" }, 5],
  [
    { postcode: "52100", city: "Kuala Lumpur", state: "Wilayah Persekutuan Kuala Lumpur", birthCode: "14" },
    8,
  ],
  [{ postcode: "56000", city: "Cheras", state: "Wilayah Persekutuan Kuala Lumpur", birthCode: "14" }, 5],
  [{ postcode: "62000", city: "Putrajaya", state: "Wilayah Persekutuan Putrajaya", birthCode: "16" }, 2],
  [{ postcode: "70000", city: "Seremban", state: "Negeri Sembilan", birthCode: "05" }, 3],
  [{ postcode: "75000", city: "Melaka", state: "Melaka", birthCode: "04" }, 2],
  [{ postcode: "80100", city: "Johor Bahru", state: "Johor", birthCode: "01" }, 2],
  [{ postcode: "30000", city: "Ipoh", state: "Perak", birthCode: "08" }, 2],
  [{ postcode: "10450", city: "George Town", state: "Pulau Pinang", birthCode: "07" }, 2],
  [{ postcode: "25000", city: "Kuantan", state: "Pahang", birthCode: "06" }, 1],
  [{ postcode: "15000", city: "Kota Bharu", state: "Kelantan", birthCode: "03" }, 1],
  [{ postcode: "20000", city: "Kuala Terengganu", state: "Terengganu", birthCode: "11" }, 1],
  [{ postcode: "05000", city: "Alor Setar", state: "Kedah", birthCode: "02" }, 1],
  [{ postcode: "88000", city: "Kota Kinabalu", state: "Sabah", birthCode: "12" }, 1],
  [{ postcode: "93000", city: "Kuching", state: "Sarawak", birthCode: "13" }, 1],
]
const townList = towns.map(([t]) => t)
const townWeights = towns.map(([, w]) => w)

/** A town, weighted towards the school's own district. */
export const town = (rng: Prng): Town => rng.weighted(townList, townWeights)

const streets = [
  "Jalan Mawar",
  "Jalan Melati",
  "Jalan Kenanga",
  "Jalan Cempaka",
  "Jalan Dahlia",
  "Jalan Anggerik",
  "Jalan Seroja",
  "Jalan Teratai",
  "Jalan Bunga Raya",
  "Jalan Kasturi",
  "Lorong Permai",
  "Jalan Setia",
]
const estates = [
  "Taman Sri Muda",
  "Taman Melawati",
  "Taman Desa",
  "Taman Bukit Indah",
  "Taman Sentosa",
  "Taman Seri Andalas",
  "Bandar Baru",
  "Taman Mutiara",
  "Taman Cahaya",
  "Taman Permata",
]

/** A street address: `No 12, Jalan Mawar 3` and the estate (taman) it is in. */
export const streetAddress = (rng: Prng): { readonly line1: string; readonly line2: string } => ({
  line1: `No ${rng.int(1, 120)}, ${rng.pick(streets)} ${rng.int(1, 12)}`,
  line2: rng.pick(estates),
})

// Mobile prefixes with the first subscriber digits in use (libphonenumber's Malaysian ranges).
const mobilePrefixes: ReadonlyArray<readonly [string, string]> = [
  ["010", "23568"],
  ["011", "12345"],
  ["012", "23456789"],
  ["013", "23456789"],
  ["014", "2356789"],
  ["016", "23456789"],
  ["017", "23456789"],
  ["018", "236"],
  ["019", "23456789"],
]

/** A mobile number's digits in national form (`0123456789`, `01112345678` for 011). */
export const mobileDigits = (rng: Prng): string => {
  const [prefix, firsts] = rng.pick(mobilePrefixes)
  const length = prefix === "011" ? 8 : 7
  let rest = firsts.charAt(rng.int(0, firsts.length - 1))
  while (rest.length < length) rest += String(rng.int(0, 9))
  return prefix + rest
}

/** How the legacy forms let people type a number. */
export type PhoneStyle = "dash" | "dashSpace" | "plain" | "international" | "countryNoPlus"

/** A national-form number written in one of the styles people type. */
export const formatPhone = (digits: string, style: PhoneStyle): string => {
  const prefix = digits.slice(0, 3)
  const rest = digits.slice(3)
  const half = rest.length - 4
  switch (style) {
    case "dash":
      return `${prefix}-${rest}`
    case "dashSpace":
      return `${prefix}-${rest.slice(0, half)} ${rest.slice(half)}`
    case "plain":
      return digits
    case "international":
      return `+6${digits}`
    case "countryNoPlus":
      return `6${prefix}-${rest}`
  }
}

/**
 * A MyKad number `YYMMDD-PB-###G` for a birth date (`YYYY-MM-DD`), a place-of-birth code and a sex:
 * the last digit is odd for males and even for females.
 */
export const myKad = (rng: Prng, birthDate: string, birthCode: string, sex: Sex): string => {
  const yymmdd = birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10)
  const serial = String(rng.int(0, 999)).padStart(3, "0")
  const last = rng.int(0, 4) * 2 + (sex === "M" ? 1 : 0)
  return `${yymmdd}-${birthCode}-${serial}${last}`
}

/** Local part of an email address built from a name: `nur.aisyah`, `weiling.tan`. */
export const emailLocal = (name: Name): string => {
  const given = name.first.toLowerCase().replace(/[^a-z]+/g, "")
  const family = name.last
    .toLowerCase()
    .replace(/^(bin|binti|a\/l|a\/p)\s+/, "")
    .replace(/[^a-z]+/g, "")
  return `${given}.${family}`
}

/** Teaching subjects (the first is the Quran teachers' own). */
export const subjects = [
  "Tahfiz",
  "Bahasa Melayu",
  "Bahasa Inggeris",
  "Matematik",
  "Sains",
  "Pendidikan Islam",
  "Sejarah",
  "Bahasa Arab",
  "Geografi",
  "Pendidikan Moral",
  "Bahasa Cina",
  "Bahasa Tamil",
  "Pendidikan Jasmani",
  "Reka Bentuk dan Teknologi",
]

/** Teachers' qualifications as the staff records spell them. */
export const qualifications = [
  "Ijazah Sarjana Muda Pendidikan",
  "Diploma Perguruan Malaysia",
  "Sarjana Pendidikan",
  "Diploma Tahfiz",
  "Ijazah Sarjana Muda Sains",
  "Ijazah Sarjana Muda Sastera",
]

/** Occupations parents give on forms. */
export const occupations = [
  "Guru",
  "Jurutera",
  "Kerani",
  "Peniaga",
  "Pegawai Kerajaan",
  "Jururawat",
  "Akauntan",
  "Pemandu",
  "Suri Rumah",
  "Doktor",
  "Juruteknik",
  "Pesara",
  "Polis",
  "Usahawan",
]
