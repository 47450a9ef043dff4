/**
 * Contact columns: phone numbers and email addresses. They say how to reach a person, never who
 * the person is, so a value that cannot be used is stored as empty with a note naming the rule
 * and the row loads: a bad phone never costs a person, nor the rows that hang off them.
 *
 * The portal keeps an email on one account per tenant (`auth.users (tenant_id, email)` is unique).
 * Where several accounts of a source share one address (a parent and a child, siblings), one keeps
 * it by a stated rule (by default the oldest account: the lowest source key, in key order) and the
 * others load without it, each with a `shared_email` note naming the holder and the rule, so the
 * school can resolve every shared value.
 */
import { type Cleaned, Email, Phone } from "@schoolbridge/cleansers"
import type { Transform } from "@schoolbridge/core"
import { setAside } from "./Field.js"
import { compareKeys } from "./StudentNumber.js"

/** The rule of the note on a number kept from a block the phone metadata does not list. */
export const unlistedBlockRule = "unlisted_block"

/** The rule of the note on an email left off an account because an older account holds it. */
export const sharedEmailRule = "shared_email"

/** A cleaned phone as the portal stores it (E.164 text), or null with a note when unusable. */
export const phone = (
  ctx: Transform.RowContext,
  column: string,
  cleaned: Cleaned.Cleaned<Phone.Phone | null>,
): string | null => {
  if (cleaned._tag === "Invalid") {
    const kept = setAside(ctx, column, "phone", cleaned.reason, cleaned.original)
    return kept === null ? null : String(kept.value)
  }
  if (cleaned._tag === "Corrected") ctx.note(column, "phone", cleaned.changes.join("; "))
  if (cleaned.value === null) return null
  if (cleaned.value.unlistedBlock) ctx.note(column, unlistedBlockRule, Phone.unlistedBlockNote)
  return Phone.format(cleaned.value)
}

/** A cleaned email, or null with a note when it is not an address. */
export const email = (
  ctx: Transform.RowContext,
  column: string,
  cleaned: Cleaned.Cleaned<string | null>,
): string | null => {
  if (cleaned._tag === "Invalid") {
    const kept = setAside(ctx, column, "email", cleaned.reason, cleaned.original)
    return kept === null ? null : String(kept.value)
  }
  if (cleaned._tag === "Corrected") ctx.note(column, "email", cleaned.changes.join("; "))
  return cleaned.value
}

/** Which account keeps each email that several accounts of one tenant share. */
export interface EmailHolders {
  /** Shared email → the key of the account that keeps it. */
  readonly holder: ReadonlyMap<string, string>
  /** Shared email → every key that holds it, in the rule's order (the holder first). */
  readonly sharers: ReadonlyMap<string, ReadonlyArray<string>>
  /** The rule that chose the holders, as the notes state it. */
  readonly rule: string
}

/** The default rule: the lowest source key, in key order. */
export const oldestAccount = { rule: "the oldest account", compare: compareKeys } as const

/** No shared emails: every account keeps its own. */
export const noSharedEmails: EmailHolders = {
  holder: new Map(),
  sharers: new Map(),
  rule: oldestAccount.rule,
}

/**
 * Plans the holders over every account of a tenant (pure): the emails are cleaned as the mappers
 * clean them, so two spellings of one address are one address. `order` states which account comes
 * first; the first keeps the address.
 */
export const emailHolders = (
  accounts: Iterable<{ readonly key: string; readonly email: unknown }>,
  order: { readonly rule: string; readonly compare: (a: string, b: string) => number } = oldestAccount,
): EmailHolders => {
  const byEmail = new Map<string, Array<string>>()
  for (const account of accounts) {
    const cleaned = Email.clean(account.email)
    if (cleaned._tag === "Invalid" || cleaned.value === null) continue
    const keys = byEmail.get(cleaned.value)
    if (keys === undefined) byEmail.set(cleaned.value, [account.key])
    else if (!keys.includes(account.key)) keys.push(account.key)
  }
  const holder = new Map<string, string>()
  const sharers = new Map<string, ReadonlyArray<string>>()
  for (const [address, keys] of byEmail) {
    if (keys.length < 2) continue
    keys.sort(order.compare)
    holder.set(address, keys[0]!)
    sharers.set(address, keys)
  }
  return { holder, sharers, rule: order.rule }
}

/**
 * An account's email: `email` above, then left off (null, noted `shared_email`) when another
 * account of the tenant holds the same address by the holders' rule.
 */
export const accountEmail = (
  ctx: Transform.RowContext,
  column: string,
  cleaned: Cleaned.Cleaned<string | null>,
  key: string,
  holders: EmailHolders,
): string | null => {
  const value = email(ctx, column, cleaned)
  if (value === null) return null
  const holder = holders.holder.get(value)
  if (holder === undefined || holder === key) return value
  const count = holders.sharers.get(value)?.length ?? 2
  ctx.note(
    column,
    sharedEmailRule,
    `${value} is shared by ${count} accounts; ${holder} keeps it (${holders.rule}), so it is stored as empty here`,
    value,
  )
  return null
}
