import * as Cleaned from "./Cleaned.js"

/** Options for `Country.clean`. */
export interface Options extends Cleaned.BaseOptions {}

/** ISO 3166-1: every alpha-2 code with its alpha-3 code. */
const isoCodes =
  "AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW AX ALA " +
  "AZ AZE BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN BO BOL BQ BES " +
  "BR BRA BS BHS BT BTN BV BVT BW BWA BY BLR BZ BLZ CA CAN CC CCK CD COD CF CAF CG COG CH CHE CI CIV CK COK " +
  "CL CHL CM CMR CN CHN CO COL CR CRI CU CUB CV CPV CW CUW CX CXR CY CYP CZ CZE DE DEU DJ DJI DK DNK DM DMA " +
  "DO DOM DZ DZA EC ECU EE EST EG EGY EH ESH ER ERI ES ESP ET ETH FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA " +
  "GA GAB GB GBR GD GRD GE GEO GF GUF GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS " +
  "GT GTM GU GUM GW GNB GY GUY HK HKG HM HMD HN HND HR HRV HT HTI HU HUN ID IDN IE IRL IL ISR IM IMN IN IND " +
  "IO IOT IQ IRQ IR IRN IS ISL IT ITA JE JEY JM JAM JO JOR JP JPN KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA " +
  "KP PRK KR KOR KW KWT KY CYM KZ KAZ LA LAO LB LBN LC LCA LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA " +
  "LY LBY MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL MK MKD ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ " +
  "MR MRT MS MSR MT MLT MU MUS MV MDV MW MWI MX MEX MY MYS MZ MOZ NA NAM NC NCL NE NER NF NFK NG NGA NI NIC " +
  "NL NLD NO NOR NP NPL NR NRU NU NIU NZ NZL OM OMN PA PAN PE PER PF PYF PG PNG PH PHL PK PAK PL POL PM SPM " +
  "PN PCN PR PRI PS PSE PT PRT PW PLW PY PRY QA QAT RE REU RO ROU RS SRB RU RUS RW RWA SA SAU SB SLB SC SYC " +
  "SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD ST STP SV SLV " +
  "SX SXM SY SYR SZ SWZ TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON TR TUR " +
  "TT TTO TV TUV TW TWN TZ TZA UA UKR UG UGA UM UMI US USA UY URY UZ UZB VA VAT VC VCT VE VEN VG VGB VI VIR " +
  "VN VNM VU VUT WF WLF WS WSM YE YEM YT MYT ZA ZAF ZM ZMB ZW ZWE"

const pairs = isoCodes.split(" ")
const alpha3ByAlpha2 = new Map<string, string>()
for (let i = 0; i + 1 < pairs.length; i += 2) alpha3ByAlpha2.set(pairs[i]!, pairs[i + 1]!)

/**
 * Names, former names and demonyms a Malaysian school meets, in English and Malay, beyond
 * what the runtime's CLDR names (English and Malay, read through Intl.DisplayNames) give.
 */
const aliases: Readonly<Record<string, ReadonlyArray<string>>> = {
  MY: [
    "Malaysian",
    "M'sia",
    "Msia",
    "Malaya",
    "Persekutuan Tanah Melayu",
    "Warganegara",
    "Warganegara Malaysia",
  ],
  SG: ["Singaporean", "Singapura"],
  ID: ["Indonesian", "Republik Indonesia"],
  BN: ["Bruneian", "Brunei Darussalam", "Negara Brunei Darussalam"],
  TH: ["Thai", "Siam", "Siamese"],
  PH: ["Filipino", "Filipina", "Philippine", "Pilipinas"],
  VN: ["Vietnamese", "Viet Nam"],
  KH: ["Cambodian", "Kampuchea", "Kemboja"],
  MM: ["Burmese", "Burma", "Myanmar (Burma)", "Myanmarese"],
  LA: ["Laotian", "Lao", "Lao PDR"],
  TL: ["Timorese", "East Timor", "Timor Timur"],
  CN: ["Chinese", "PRC", "People's Republic of China", "Cina", "Tiongkok", "China (PRC)"],
  TW: ["Taiwanese", "Republic of China"],
  HK: ["Hong Konger", "Hongkong"],
  JP: ["Japanese", "Jepun"],
  KR: [
    "Korean",
    "South Korean",
    "South Korea",
    "Korea",
    "Republic of Korea",
    "Korea Selatan",
    "Korea, Republic of",
  ],
  KP: ["North Korean", "North Korea", "Korea Utara"],
  IN: ["Indian"],
  PK: ["Pakistani"],
  BD: ["Bangladeshi"],
  LK: ["Sri Lankan", "Ceylon"],
  NP: ["Nepali", "Nepalese"],
  MV: ["Maldivian"],
  AF: ["Afghan"],
  IR: ["Iranian", "Persia"],
  IQ: ["Iraqi"],
  SA: ["Saudi", "Saudi Arabian", "KSA", "Arab Saudi"],
  AE: ["Emirati", "UAE", "Emiriah Arab Bersatu"],
  YE: ["Yemeni"],
  OM: ["Omani"],
  QA: ["Qatari"],
  KW: ["Kuwaiti"],
  BH: ["Bahraini"],
  JO: ["Jordanian"],
  SY: ["Syrian"],
  LB: ["Lebanese"],
  PS: ["Palestinian", "Palestine"],
  TR: ["Turkish", "Turkey", "Turki"],
  EG: ["Egyptian", "Mesir"],
  SD: ["Sudanese"],
  SO: ["Somali"],
  NG: ["Nigerian"],
  AU: ["Australian"],
  NZ: ["New Zealander", "Kiwi", "Selandia Baru"],
  GB: [
    "British",
    "UK",
    "U.K.",
    "Britain",
    "Great Britain",
    "England",
    "English",
    "Scotland",
    "Scottish",
    "Wales",
    "Welsh",
    "United Kingdom of Great Britain and Northern Ireland",
  ],
  IE: ["Irish"],
  US: ["American", "USA", "U.S.A.", "US", "U.S.", "United States of America", "Amerika", "Amerika Syarikat"],
  CA: ["Canadian"],
  FR: ["French", "Perancis"],
  DE: ["German", "Jerman"],
  NL: ["Dutch", "Holland", "Belanda"],
  RU: ["Russian"],
}

// CLDR names for these are not what a record means by the word, or clash with an alias.
const skippedNames: ReadonlySet<string> = new Set(["korea"])

const normalizeKey = (text: string): string =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[.'’()]/gu, "")
    .replace(/[\s,&-]+/gu, " ")
    .trim()

let index: Map<string, string> | undefined
const buildIndex = (): Map<string, string> => {
  const map = new Map<string, string>()
  const add = (key: string, code: string, fromCldr: boolean) => {
    const k = normalizeKey(key)
    if (k.length > 0 && !map.has(k) && !(fromCldr && skippedNames.has(k))) map.set(k, code)
  }
  for (const [code, names] of Object.entries(aliases)) for (const name of names) add(name, code, false)
  for (const locale of ["en", "ms"]) {
    let names: Intl.DisplayNames | undefined
    try {
      names = new Intl.DisplayNames([locale], { type: "region", fallback: "none" })
    } catch {
      names = undefined
    }
    for (const code of alpha3ByAlpha2.keys()) {
      const name = names?.of(code)
      if (name !== undefined) add(name, code, true)
    }
  }
  return map
}

/** The ISO alpha-3 code of an alpha-2 code. */
export const alpha3Of = (alpha2: string): string | undefined => alpha3ByAlpha2.get(alpha2)

let alpha2ByAlpha3: Map<string, string> | undefined

/** Cleans a country to its ISO 3166-1 alpha-2 code from a code, a name (English or Malay) or a demonym. */
export const clean = (input: unknown, options?: Options): Cleaned.Cleaned<string | null> => {
  const read = Cleaned.readText(input, options)
  if (read._tag !== "Text") return read.result
  const original = read.text
  if (alpha3ByAlpha2.has(original)) return Cleaned.valid(original)
  const trimmed = original.trim()
  const upper = trimmed.toUpperCase()
  if (/^[A-Za-z]{2}$/u.test(trimmed) && alpha3ByAlpha2.has(upper))
    return Cleaned.corrected(upper, original, ["wrote the ISO code in capitals"])
  if (/^[A-Za-z]{3}$/u.test(trimmed)) {
    alpha2ByAlpha3 ??= new Map([...alpha3ByAlpha2].map(([a2, a3]) => [a3, a2]))
    const code = alpha2ByAlpha3.get(upper)
    if (code !== undefined)
      return Cleaned.corrected(code, original, [`converted ISO alpha-3 ${upper} to ${code}`])
  }
  index ??= buildIndex()
  const key = normalizeKey(trimmed)
  const code = index.get(key) ?? index.get(key.replace(/^warganegara /u, ""))
  if (code !== undefined) return Cleaned.corrected(code, original, [`mapped "${trimmed}" to ${code}`])
  return Cleaned.invalid(original, `unknown country "${trimmed}"`)
}

/** True for ISO 3166-1 alpha-2 codes. */
export const isValid = (value: unknown): value is string =>
  typeof value === "string" && alpha3ByAlpha2.has(value)

/** Effect Schema: decodes any input through `clean`. */
export const schemaWith = (options?: Options) =>
  Cleaned.schema<string>({
    identifier: "Country",
    clean: (input) => clean(input, options),
    is: isValid,
    format: (c) => c,
  })

/** Effect Schema with the default options. */
export const schema = schemaWith()
