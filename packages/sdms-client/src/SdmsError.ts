import { Schema } from "effect"

/** Why a look-up failed. */
export const Reason = Schema.Literal(
  "NotFound",
  "Unauthorized",
  "RateLimited",
  "Unavailable",
  "Timeout",
  "InvalidResponse",
  "CircuitOpen",
)
export type Reason = typeof Reason.Type

/** What was being read: a record kind, or the OAuth2 token. */
export const Subject = Schema.Literal("students", "staff", "schools", "token")
export type Subject = typeof Subject.Type

/**
 * Every failure of the SDMS client. `retryAfterMs` is set for `RateLimited` (and for an
 * `Unavailable` answer that said when to come back); `field` names the field an
 * `InvalidResponse` is about. Messages never hold credentials or response headers.
 */
export class SdmsError extends Schema.TaggedError<SdmsError>()("SdmsError", {
  reason: Reason,
  subject: Subject,
  id: Schema.String,
  message: Schema.String,
  status: Schema.optional(Schema.Number),
  retryAfterMs: Schema.optional(Schema.Number),
  field: Schema.optional(Schema.String),
}) {}

/** Faults worth another attempt (after a wait), as opposed to answers. */
export const isTransient = (e: SdmsError): boolean =>
  e.reason === "Unavailable" || e.reason === "Timeout" || e.reason === "RateLimited"

/** Faults that mean SDMS cannot be reached, so a stale copy may stand in. */
export const isOutage = (e: SdmsError): boolean => isTransient(e) || e.reason === "CircuitOpen"
