import { describe } from "vitest"
import * as MalaysianAddress from "../src/MalaysianAddress.js"
import { table } from "./Table.js"

const kl = "Wilayah Persekutuan Kuala Lumpur"
const address = (over: Partial<MalaysianAddress.Address>): MalaysianAddress.Address => ({
  line1: null,
  line2: null,
  city: null,
  state: null,
  postcode: null,
  country: "MY",
  ...over,
})

describe("MalaysianAddress.clean", () => {
  table("default", (input) => MalaysianAddress.clean(input), [
    [
      {
        line1: "No 1, Jalan Ampang",
        line2: null,
        city: "Kuala Lumpur",
        state: kl,
        postcode: "50450",
        country: "MY",
      },
      "Valid",
      address({ line1: "No 1, Jalan Ampang", city: "Kuala Lumpur", state: kl, postcode: "50450" }),
    ],
    [
      { line1: "No 1, Jalan Ampang", city: "Kuala Lumpur", state: "KL", postcode: "50450" },
      "Corrected",
      address({ line1: "No 1, Jalan Ampang", city: "Kuala Lumpur", state: kl, postcode: "50450" }),
      ["assumed country MY", 'wrote state "KL" as "Wilayah Persekutuan Kuala Lumpur"'],
    ],
    [
      { state: "W.P. Kuala Lumpur", postcode: "50450", country: "Malaysia" },
      "Corrected",
      address({ state: kl, postcode: "50450" }),
    ],
    [
      { state: "Penang", postcode: "10200" },
      "Corrected",
      address({ state: "Pulau Pinang", postcode: "10200" }),
    ],
    [
      { state: "N. Sembilan", postcode: "70000" },
      "Corrected",
      address({ state: "Negeri Sembilan", postcode: "70000" }),
    ],
    [
      { state: "SELANGOR DARUL EHSAN", postcode: "40000" },
      "Corrected",
      address({ state: "Selangor", postcode: "40000" }),
    ],
    [{ state: "Malacca", postcode: "75000" }, "Corrected", address({ state: "Melaka", postcode: "75000" })],
    [
      { postcode: 1000 },
      "Corrected",
      address({ state: "Perlis", postcode: "01000" }),
      [
        "assumed country MY",
        "restored the leading 0 of the postcode",
        "filled in state Perlis from postcode 01000",
      ],
    ],
    [
      { line1: "Lot 5", line2: "Taman Melati", line3: "Setapak", city: "53100 KUALA LUMPUR" },
      "Corrected",
      address({
        line1: "Lot 5",
        line2: "Taman Melati, Setapak",
        city: "KUALA LUMPUR",
        state: kl,
        postcode: "53100",
      }),
    ],
    [{ state: "Johor", postcode: "50450" }, "Invalid", `postcode 50450 belongs to ${kl}, not Johor`],
    [
      { state: "Selangor", postcode: "68000" },
      "Corrected",
      address({ state: "Selangor", postcode: "68000" }),
    ],
    [{ state: "Gotham", postcode: "50450" }, "Invalid", 'unknown Malaysian state "Gotham"'],
    [{ postcode: "5045" }, "Corrected", address({ postcode: "05045", state: "Kedah" })],
    [{ postcode: "504500" }, "Invalid", 'postcode "504500" is not 5 digits'],
    [
      { line1: "10 Orchard Rd", postcode: "238826", country: "Singapore" },
      "Corrected",
      address({ line1: "10 Orchard Rd", postcode: "238826", country: "SG" }),
    ],
    [
      { line1: "  No 1 ,  Jalan\u00a0Ampang ", country: "MY" },
      "Corrected",
      address({ line1: "No 1 , Jalan Ampang" }),
    ],
    [{ country: "Narnia" }, "Invalid", 'country: unknown country "Narnia"'],
    [{}, "Valid", null],
    [null, "Valid", null],
    ["Jalan Ampang", "Invalid", "expected the address as separate parts"],
  ])
  table("no check", (input) => MalaysianAddress.clean(input, { checkPostcode: false, inferState: false }), [
    [{ state: "Johor", postcode: "50450" }, "Corrected", address({ state: "Johor", postcode: "50450" })],
    [{ postcode: "50450" }, "Corrected", address({ postcode: "50450" })],
  ])
})
