/**
 * Which source columns `mask` rewrites, as data: per system, the tables with their key and the kind
 * of personal data each column holds. A column or table the database does not have is left out at
 * run time, so one rule set serves every version of a system's schema.
 */
import type * as Manifest from "./Manifest.js"

/** What a column holds, which decides how it is masked. */
export type Kind = "first-name" | "last-name" | "full-name" | "email" | "phone" | "mykad" | "address" | "text"

/** One table to mask: its key (batches walk it) and its personal columns. */
export interface TableRule {
  readonly table: string
  readonly key: string
  readonly columns: Readonly<Record<string, Kind>>
}

const address = { address1: "address", address2: "address" } as const

/** The rules of every system `mask` knows; browser exports are files, not databases, so none. */
export const rules: Readonly<Partial<Record<Manifest.System, ReadonlyArray<TableRule>>>> = {
  "legacy-sis": [
    {
      table: "users",
      key: "user_id",
      columns: { email: "email", first_name: "first-name", last_name: "last-name", phone: "phone" },
    },
    {
      table: "students",
      key: "student_id",
      columns: { email: "email", ic_number: "mykad", ...address, medical_info: "text" },
    },
    {
      table: "guardians",
      key: "guardian_id",
      columns: {
        first_name: "first-name",
        last_name: "last-name",
        email: "email",
        phone: "phone",
        ic_number: "mykad",
        ...address,
      },
    },
  ],
  gibbon: [
    {
      table: "gibbonPerson",
      key: "gibbonPersonID",
      columns: {
        surname: "last-name",
        firstName: "first-name",
        preferredName: "first-name",
        officialName: "full-name",
        nameInCharacters: "full-name",
        email: "email",
        emailAlternate: "email",
        phone1: "phone",
        phone2: "phone",
        phone3: "phone",
        phone4: "phone",
        address1: "address",
        address2: "address",
        nationalIDCardNumber: "mykad",
        emergency1Name: "full-name",
        emergency1Number1: "phone",
        emergency1Number2: "phone",
        emergency2Name: "full-name",
        emergency2Number1: "phone",
        emergency2Number2: "phone",
        medicalNotes: "text",
      },
    },
  ],
  moodle: [
    {
      table: "mdl_user",
      key: "id",
      columns: {
        firstname: "first-name",
        lastname: "last-name",
        middlename: "first-name",
        alternatename: "first-name",
        firstnamephonetic: "first-name",
        lastnamephonetic: "last-name",
        email: "email",
        phone1: "phone",
        phone2: "phone",
        address: "address",
        description: "text",
      },
    },
  ],
}

/** The rules of `system`, or none. */
export const forSystem = (system: Manifest.System): ReadonlyArray<TableRule> => rules[system] ?? []
