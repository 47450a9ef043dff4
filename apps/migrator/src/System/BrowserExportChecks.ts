/**
 * What `validate` compares of the browser app's export besides its record counts and keys: the
 * money it holds (invoiced, paid, allocated per tenant and year) and the amounts of each record, read
 * from the export's own fields in the tables `FileTables` copies them into.
 */
import { BrowserExport } from "@schoolbridge/mappers"
import type { Declaration } from "@schoolbridge/validators"
import type { CheckContext, EntityChecks } from "../System.js"

const sen = { kind: "decimal", scale: 2 } as const
const date = { kind: "date" } as const

/**
 * The export's checks. Amounts are the records' `amount` (a number or decimal text). A record's year
 * is the one its date is written in: `DD/MM/YYYY` read day first as the cleansers read it, anything
 * else by its first ten characters (an ISO date, or an ISO time as written, offset and all), so an
 * invoice counts in the year of its `issueDate`, else of its `createdAt`, and a payment in the year
 * of its `paymentDate`. Assessments are named by the grades that use them, the Quran programme and
 * enrolments by the export and the students: compared by counts only.
 */
export const checks = ({ dialect: d, timeZone }: CheckContext): Readonly<Record<string, EntityChecks>> => {
  const c = (name: string) => `t.${d.id(name)}`
  const zone = `'${timeZone.replace(/'/g, "''")}'`
  const day = (expr: string) =>
    `case when ${expr} glob '[0-9][0-9]/[0-9][0-9]/[0-9][0-9][0-9][0-9]'
       then substr(${expr}, 7, 4) || '-' || substr(${expr}, 4, 2) || '-' || substr(${expr}, 1, 2)
       else substr(${expr}, 1, 10) end`
  const amount: Declaration.AsIsColumn = { source: "amount", type: sen }
  const paid: Declaration.AsIsColumn = {
    source: "paymentDate",
    target: "paid_at",
    type: date,
    sourceSql: day(c("paymentDate")),
    targetSql: `("paid_at" at time zone ${zone})`,
  }
  return {
    [BrowserExport.assessmentsEntity]: { legacyIds: "derived" },
    [BrowserExport.quranProgramsEntity]: { legacyIds: "derived" },
    [BrowserExport.quranEnrollmentsEntity]: { legacyIds: "derived" },
    [BrowserExport.invoicesEntity]: {
      fields: ["amount", "issueDate", "createdAt"],
      asIs: [{ ...amount, target: "total_amount" }],
      money: [
        {
          id: "invoiced",
          title: "Invoiced",
          amount: { ...amount, target: "total_amount" },
          date: {
            source: "issueDate",
            target: "invoice_date",
            type: date,
            sourceSql: day(`coalesce(${c("issueDate")}, ${c("createdAt")})`),
          },
        },
      ],
    },
    [BrowserExport.invoiceItemsEntity]: { fields: ["amount"], asIs: [amount] },
    [BrowserExport.paymentsEntity]: {
      fields: ["amount", "paymentDate"],
      asIs: [amount],
      money: [{ id: "paid", title: "Paid", amount, date: paid }],
    },
    [BrowserExport.paymentAllocationsEntity]: {
      fields: ["amount", "paymentDate"],
      asIs: [amount],
      money: [
        {
          id: "allocated",
          title: "Allocated to invoices",
          amount,
          // An allocation is dated by its payment.
          date: {
            ...paid,
            targetSql: `((select p.paid_at from financial.payments p where p.id = t.payment_id) at time zone ${zone})`,
          },
        },
      ],
    },
  }
}
