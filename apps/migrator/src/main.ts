/** The `schoolbridge-migrate` process: wires the CLI to Node and turns failures into exit codes. */
import { ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Layer, Logger } from "effect"
import * as Cli from "./Cli.js"
import * as Exit from "./Exit.js"

const program = Cli.run(process.argv).pipe(
  Effect.catchAll((e) =>
    Effect.sync(() => {
      if (ValidationError.isValidationError(e)) {
        // @effect/cli has printed the usage problem already.
        process.exitCode = Exit.usage
        return
      }
      process.stderr.write(`${e.message}\n`)
      process.exitCode = e.code
    }),
  ),
  Effect.catchAllDefect((defect) =>
    Effect.sync(() => {
      process.stderr.write(`internal error (please report): ${Cause.pretty(Cause.die(defect))}\n`)
      process.exitCode = Exit.runtime
    }),
  ),
  // Standard output carries results (tables, JSON); logs go to standard error.
  Effect.provide(
    Layer.merge(
      NodeContext.layer,
      Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)),
    ),
  ),
)

NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true })
