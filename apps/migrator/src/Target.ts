/**
 * The target portal database: from the manifest's `target.url`, or from `SCHOOLBRIDGE_TARGET_URL`
 * for the commands that need no manifest (`status`, `rollback`).
 */
import { PgClient } from "@schoolbridge/connectors"
import { Effect, Either, Layer, Redacted } from "effect"
import * as Exit from "./Exit.js"
import * as Manifest from "./Manifest.js"

/** The variable that names the target when no manifest is given. */
export const envVariable = "SCHOOLBRIDGE_TARGET_URL"

/** The target URL, from a manifest or the environment; a configuration error when neither has it. */
export const url = (
  loaded: Manifest.Loaded | null,
  env: Readonly<Record<string, string | undefined>>,
): Effect.Effect<Redacted.Redacted<string>, Exit.CliError> => {
  if (loaded !== null) {
    const r = Manifest.secret(loaded, loaded.manifest.target.url, ["target", "url"], env)
    return Either.isLeft(r) ? Effect.fail(Exit.config(r.left.message)) : Effect.succeed(r.right)
  }
  const value = env[envVariable]?.trim()
  return value
    ? Effect.succeed(Redacted.make(value))
    : Effect.fail(Exit.config(`${envVariable} is not set: export it, or pass --manifest FILE`))
}

/** The target client as a layer; failing to connect is a runtime error (exit 3) without the password. */
export const layer = (
  target: Redacted.Redacted<string>,
  options: { readonly dryRun?: boolean; readonly max?: number } = {},
): Layer.Layer<PgClient.PgClient, Exit.CliError> =>
  PgClient.layer({ url: target, applicationName: "schoolbridge-migrate", ...options }).pipe(
    Layer.mapError((e) => Exit.failure(e.message)),
  )

/** Runs `f` with the target client. */
export const use = <A, E, R>(
  target: Redacted.Redacted<string>,
  f: Effect.Effect<A, E, R | PgClient.PgClient>,
): Effect.Effect<A, E | Exit.CliError, Exclude<R, PgClient.PgClient>> => Effect.provide(f, layer(target))

/** Registers tenant codes in `auth.tenants` (the foreign key of every tenant column); known ones are left as they are. */
export const registerTenants = (tenants: ReadonlyArray<string>) =>
  Effect.flatMap(PgClient.PgClient, (db) =>
    db.query(
      `insert into auth.tenants (code, name) select t, t from unnest($1::text[]) t
       on conflict (code) do nothing`,
      [tenants],
    ),
  )
