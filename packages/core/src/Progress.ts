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
  private readonly started = Date.now()
  batches = 0
  read = 0
  loaded = 0
  rejected = 0
  skipped = 0
  total: number | null = 0

  constructor(
    readonly runId: number,
    readonly entity: string,
  ) {}

  /** Adds a partition's estimate; one unknown estimate makes the total unknown. */
  expect(rows: number | null): void {
    this.total = rows === null || this.total === null ? null : this.total + rows
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
