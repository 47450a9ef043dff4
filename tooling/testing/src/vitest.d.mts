import type { UserConfig } from "vitest/config"

/** The shared vitest config: JSON results per package, and the database check when `databases` is set. */
export declare const config: (options: {
  readonly name: string
  readonly databases?: boolean
  readonly timeoutMs?: number
  /** The package's own global setup files, run once before its test files. */
  readonly globalSetup?: ReadonlyArray<string>
}) => UserConfig
