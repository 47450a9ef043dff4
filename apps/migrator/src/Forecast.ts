/**
 * What `run` will do, told before the night by running it without the target: every entity's own
 * mapper (its cleansers, keys, duplicate and student number plans) over every row of its source, in
 * memory, nothing written. So `profile` predicts the rejections, skips and merges the run will make,
 * rule by rule, instead of guessing them from column statistics.
 */
import { Transform } from "@schoolbridge/core"
import type { ProfileReport } from "@schoolbridge/validators"
import { Effect, Stream } from "effect"
import * as Exit from "./Exit.js"
import type * as Manifest from "./Manifest.js"
import type * as Sources from "./Sources.js"
import * as System from "./System.js"

const samplesPerCause = 3
const batchSize = 2_000

interface Tally {
  rows: number
  readonly samples: Array<{ readonly key: string; readonly message: string }>
}

// A skip without a rule of its own is told by its sentence: its words before the first id, number or
// colon say the kind ("merged into student", "an older copy of", "the student is in no class").
const skipRule = (reason: string): string => {
  const words: Array<string> = []
  for (const w of reason.split(/\s+/u)) {
    if (/\d|[A-Z]{2}/u.test(w) || words.length === 6) break
    words.push(w.replace(/[:,(]+$/u, ""))
    if (/[:,(]$/u.test(w)) break
  }
  return words.join(" ") || "skipped"
}

/** Runs each entity's mapper over its source rows and counts what it would load, reject and skip. */
export const make = (
  system: System.System,
  manifest: Manifest.Manifest,
  sources: Sources.Opened,
  options: { readonly asOf: string; readonly loadedAt: string },
): Effect.Effect<ReadonlyArray<ProfileReport.EntityForecast>, Exit.CliError> =>
  Effect.gen(function* () {
    const steps = yield* System.steps(system, manifest, sources, {
      // The rows' tenant changes no decision of a mapper; a source of several schools is partitioned.
      tenant: manifest.tenancy !== undefined ? null : (manifest.tenants[0] ?? "profile"),
      asOf: options.asOf,
      loadedAt: options.loadedAt,
      portal: () =>
        Effect.fail(Exit.config("these mappers read the portal, which profile does not connect to")),
    })
    return yield* Effect.forEach(steps, (step) =>
      Effect.gen(function* () {
        const entity = step.entity
        const causes = new Map<
          string,
          Tally & {
            readonly kind: "rejected" | "skipped" | "note"
            readonly column: string | null
            readonly rule: string
          }
        >()
        const count = (
          kind: "rejected" | "skipped" | "note",
          column: string | null,
          rule: string,
          key: string,
          message: string,
        ) => {
          const id = `${kind}\u0000${column ?? ""}\u0000${rule}`
          let t = causes.get(id)
          if (t === undefined) {
            t = { kind, column, rule, rows: 0, samples: [] }
            causes.set(id, t)
          }
          t.rows++
          if (t.samples.length < samplesPerCause) t.samples.push({ key, message })
        }
        let read = 0
        let load = 0
        let rejected = 0
        let skipped = 0
        const partitions = yield* Effect.mapError(step.source.partitions, (e) => Exit.failure(e.message))
        for (const partition of partitions)
          yield* step.source.stream(partition, null, batchSize).pipe(
            Stream.runForEach((batch) =>
              Effect.sync(() => {
                const result = Transform.run(entity.transform, batch.rows, batch.keys, {
                  onInvalid: entity.onInvalid,
                  entity: entity.name,
                  tenant: partition.tenant ?? manifest.tenants[0] ?? "profile",
                })
                read += batch.rows.length + batch.rejected.length
                load += result.ok.length
                rejected += result.rejected.length + batch.rejected.length
                skipped += result.skipped.length
                for (const r of [...batch.rejected, ...result.rejected]) {
                  // A row is counted once, under its first reason; the others are in its samples.
                  const [first] = r.reasons
                  count(
                    "rejected",
                    first?.column ?? null,
                    first?.rule ?? "rejected",
                    r.key,
                    r.reasons.map((x) => x.message).join("; "),
                  )
                }
                for (const s of result.skipped)
                  count("skipped", null, s.rule ?? skipRule(s.reason), s.key, s.reason)
                for (const n of [...batch.notes, ...result.notes])
                  count("note", n.column, n.rule, n.key, n.message)
              }),
            ),
            Effect.mapError((e) => Exit.failure(`${entity.name}: ${e.message}`)),
          )
        return {
          entity: entity.name,
          read,
          load,
          rejected,
          skipped,
          causes: [...causes.values()]
            .sort((a, b) => b.rows - a.rows)
            .map((c) => ({ kind: c.kind, column: c.column, rule: c.rule, rows: c.rows, samples: c.samples })),
        } satisfies ProfileReport.EntityForecast
      }),
    )
  })

/** The forecast's lines for the terminal: each entity that would not load every row, with its top causes. */
export const render = (forecast: ReadonlyArray<ProfileReport.EntityForecast>): ReadonlyArray<string> => {
  const n = (x: number) => x.toLocaleString("en-US")
  const short = forecast.filter((f) => f.rejected > 0 || f.skipped > 0)
  const total = forecast.reduce((s, f) => s + f.rejected, 0)
  return [
    `forecast: the run would reject ${n(total)} of ${n(forecast.reduce((s, f) => s + f.read, 0))} rows (before rows refused for a missing parent)`,
    ...short.map(
      (f) =>
        `  ${f.entity}: ${n(f.load)} load, ${n(f.rejected)} rejected, ${n(f.skipped)} skipped${
          f.rejected > 0
            ? ` (${f.causes
                .filter((c) => c.kind === "rejected")
                .slice(0, 3)
                .map((c) => `${c.column === null ? "" : `${c.column}:`}${c.rule} ${n(c.rows)}`)
                .join(", ")})`
            : ""
        }`,
    ),
  ]
}
