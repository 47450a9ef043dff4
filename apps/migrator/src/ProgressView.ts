/**
 * How a run shows its progress on standard error: on a terminal, a live bar per entity with rows/s
 * and the time left; anywhere else (a log file, CI, systemd), one JSON line per committed batch with
 * the same figures, written by pino so log tooling can read them.
 */
import type { Progress } from "@schoolbridge/core"
import cliProgress from "cli-progress"
import { pino } from "pino"

/** Receives the engine's progress events and shows them. */
export interface View {
  readonly event: (e: Progress.Event) => void
  /** Stops redrawing (the summary table comes after). */
  readonly close: () => void
}

const n = (x: number) => Math.round(x).toLocaleString("en-US")

const eta = (seconds: number | null): string => {
  if (seconds === null) return "?"
  const s = Math.round(seconds)
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
      : `${s}s`
}

/** Bars on a terminal. */
export const bars = (stream: NodeJS.WriteStream): View => {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: "{entity} {bar} {value}/{totalText} rows  {rate} rows/s  {rejected} rejected  ETA {eta}",
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  )
  const width = 24
  const byEntity = new Map<string, cliProgress.SingleBar>()
  return {
    event: (e) => {
      const payload = {
        entity: e.entity.padEnd(width),
        totalText: e.total === null ? "?" : n(e.total),
        rate: n(e.rowsPerSecond),
        rejected: n(e.rejected),
        eta: e.done ? "done" : eta(e.etaSeconds),
      }
      const total = Math.max(e.total ?? e.read, e.read, 1)
      let bar = byEntity.get(e.entity)
      if (!bar) {
        bar = multi.create(total, e.read, payload)
        byEntity.set(e.entity, bar)
      }
      bar.setTotal(e.done ? Math.max(e.read, 1) : total)
      bar.update(e.read, payload)
    },
    close: () => multi.stop(),
  }
}

/** JSON lines (pino) anywhere that is not a terminal. */
export const jsonLines = (fd = 2): View => {
  const log = pino(
    { base: null, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd, sync: true }),
  )
  return {
    event: (e) =>
      log.info(
        {
          run: e.runId,
          entity: e.entity,
          partition: e.partition,
          batches: e.batches,
          read: e.read,
          loaded: e.loaded,
          rejected: e.rejected,
          skipped: e.skipped,
          total: e.total,
          rowsPerSecond: Math.round(e.rowsPerSecond),
          etaSeconds: e.etaSeconds === null ? null : Math.round(e.etaSeconds),
          done: e.done,
        },
        e.done ? "entity done" : "batch committed",
      ),
    close: () => {},
  }
}

/** The view that suits standard error. */
export const forStderr = (): View => (process.stderr.isTTY ? bars(process.stderr) : jsonLines(2))
