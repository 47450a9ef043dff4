import { PgClient } from "@schoolbridge/connectors"
import { Data, Effect } from "effect"
import type * as Dialect from "./Dialect.js"
import { SourceDatabase } from "./SourceDatabase.js"

/** A check that could not run (a query failed, a declaration names a missing table). */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  readonly reason: "source" | "target" | "declaration"
  /** The check that was running, e.g. `checksum:scores`. */
  readonly check: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** Runs SQL on the source database (placeholders in its dialect), failing with the check's id. */
export const source = <R = Record<string, unknown>>(
  check: string,
  sql: string,
  params: ReadonlyArray<unknown> = [],
): Effect.Effect<Array<R>, ValidationError, SourceDatabase> =>
  Effect.flatMap(SourceDatabase, (c) => c.query<R>(sql, params)).pipe(
    Effect.mapError(
      (e) => new ValidationError({ reason: "source", check, message: `source: ${e.message}`, cause: e }),
    ),
  )

/** The dialect of the source database. */
export const sourceDialect: Effect.Effect<Dialect.Dialect, never, SourceDatabase> = Effect.map(
  SourceDatabase,
  (c) => c.dialect,
)

/** Runs SQL on the PostgreSQL target, failing with the check's id. */
export const target = <R extends Record<string, unknown> = Record<string, unknown>>(
  check: string,
  sql: string,
  params: ReadonlyArray<unknown> = [],
): Effect.Effect<Array<R>, ValidationError, PgClient.PgClient> =>
  Effect.flatMap(PgClient.PgClient, (c) => c.query<R>(sql, params)).pipe(
    Effect.mapError(
      (e) => new ValidationError({ reason: "target", check, message: `target: ${e.message}`, cause: e }),
    ),
  )

/** A count or sum from either driver (number, numeric string or bigint) as a number. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))

/** A count or sum as an exact decimal string (hash sums exceed 2^53). */
export const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)))

/** A tenant value as the text both sides compare. */
export const tenantText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
