// Property tests explore with a fresh seed on a developer's machine, and replay one fixed seed in
// CI, where a counterexample found by chance would fail a submission that did not cause it. A
// failure prints its seed; `FC_SEED=<seed>` replays it anywhere.
import fc from "fast-check"

const seed = process.env.FC_SEED ?? (process.env.CI ? "20261121" : undefined)
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) })
