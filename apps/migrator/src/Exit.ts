/**
 * The migrator's exit codes, one meaning each, so a runbook or a scheduler can act on them without
 * reading the output (documented in docs/reference/cli.md).
 */
import { Data } from "effect"

/** Done (and, for `validate`, the gate said go). */
export const ok = 0
/** The gate said no-go, or checks failed. */
export const noGo = 1
/** Usage or configuration error: nothing was written. */
export const usage = 2
/** Runtime failure: resumable, the message says how. */
export const runtime = 3
/** The run completed, but an entity rejected more of its rows than the manifest tolerates. */
export const overTolerance = 4

/** A failure that ends the command with its exit code and one message for the operator. */
export class CliError extends Data.TaggedError("CliError")<{
  readonly code: typeof noGo | typeof usage | typeof runtime | typeof overTolerance
  readonly message: string
}> {}

/** A configuration problem (exit 2). */
export const config = (message: string): CliError => new CliError({ code: usage, message })

/** A failure at run time (exit 3). */
export const failure = (message: string): CliError => new CliError({ code: runtime, message })
