/** Where an entity stands, after each committed batch. */
export interface Event {
  readonly runId: number
  readonly entity: string
  readonly partition: string
  readonly batches: number
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
  /** Rows the source holds for this entity, when it could tell. */
  readonly total: number | null
  readonly elapsedMs: number
  readonly rowsPerSecond: number
  readonly etaSeconds: number | null
  readonly done: boolean
}

/** Running totals for one entity across its partitions. */
export class Tracker {
  /** When the entity began loading in this process (ms since the epoch). */
  readonly started = Date.now()
  batches = 0
  read = 0
  loaded = 0
  rejected = 0
  skipped = 0
  /** Rows expected in all, once the source has said (null: unknown, or not yet known). */
  total: number | null = null

  constructor(
    readonly runId: number,
    readonly entity: string,
  ) {}

  /** Sets the total from the partitions' estimates of the rows left at the start; one unknown makes it unknown. */
  estimate(rowsLeft: ReadonlyArray<number | null>): void {
    this.total = rowsLeft.some((r) => r === null) ? null : rowsLeft.reduce<number>((a, r) => a + (r ?? 0), 0)
  }

  add(counts: { read: number; loaded: number; rejected: number; skipped: number }): void {
    this.batches += 1
    this.read += counts.read
    this.loaded += counts.loaded
    this.rejected += counts.rejected
    this.skipped += counts.skipped
  }

  event(partition: string, done = false): Event {
    const elapsedMs = Date.now() - this.started
    const rowsPerSecond = elapsedMs > 0 ? (this.read * 1000) / elapsedMs : 0
    const left = this.total === null ? null : Math.max(0, this.total - this.read)
    return {
      runId: this.runId,
      entity: this.entity,
      partition,
      batches: this.batches,
      read: this.read,
      loaded: this.loaded,
      rejected: this.rejected,
      skipped: this.skipped,
      total: this.total,
      elapsedMs,
      rowsPerSecond,
      etaSeconds: done ? 0 : left === null || rowsPerSecond === 0 ? null : left / rowsPerSecond,
      done,
    }
  }
}
