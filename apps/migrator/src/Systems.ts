/** The source systems the migrator has mappers for, by the manifest's `system`. */
import { Effect } from "effect"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import * as BrowserExport from "./System/BrowserExport.js"
import * as BrowserExportChecks from "./System/BrowserExportChecks.js"
import * as Gibbon from "./System/Gibbon.js"
import * as LegacySis from "./System/LegacySis.js"
import * as Moodle from "./System/Moodle.js"
import { checkNames, checkOptions, type System } from "./System.js"

const systems: Partial<Record<Manifest.System, System>> = {
  "browser-export": { ...BrowserExport.system, checks: BrowserExportChecks.checks },
  gibbon: Gibbon.system,
  "legacy-sis": LegacySis.system,
  moodle: Moodle.system,
}

/** The system of a manifest; exit 2 when this version has no mappers wired for it. */
export const of = (name: Manifest.System): Effect.Effect<System, Exit.CliError> => {
  const system = systems[name]
  return system
    ? Effect.succeed(system)
    : Effect.fail(
        Exit.config(
          `system ${name} is not wired into the migrator yet; available: ${Object.keys(systems).join(", ")}`,
        ),
      )
}

/** The system of a loaded manifest, with its entity names and options checked (exit 2 otherwise). */
export const load = (loaded: Manifest.Loaded): Effect.Effect<System, Exit.CliError> =>
  Effect.gen(function* () {
    const system = yield* of(loaded.manifest.system)
    yield* checkNames(system, loaded.manifest)
    yield* checkOptions(system, loaded)
    return system
  })
