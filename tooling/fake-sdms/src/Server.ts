import { createHash, randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as Records from "./Records.js"

/** One fault the fake can inject into an answer. */
export type Fault =
  | { readonly _tag: "Status"; readonly status: 500 | 502 | 503 | 504; readonly retryAfter?: number }
  | { readonly _tag: "RateLimited"; readonly retryAfter: number }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Malformed" }
  | { readonly _tag: "Truncated" }
  | { readonly _tag: "MissingField"; readonly field: string }
  | { readonly _tag: "SlowBody"; readonly ms: number }

/** Switches that shape every answer; change them at any time through `fake.faults`. */
export interface Faults {
  /** Added before every answer. */
  latencyMs: number
  /** Share of record requests answered 503 (decided by a seeded PRNG, so a run is reproducible). */
  errorRate: number
  /** Share of record requests whose connection is reset before any answer. */
  resetRate: number
  /** Share of record requests answered 200 with a body that is not JSON. */
  malformedRate: number
  /** Share of record requests answered 200 with half a body. */
  truncatedRate: number
  /** While set and in the future (epoch ms), every record request is answered 429. */
  stormUntil: number
  /** Retry-After (seconds) of the storm's answers. */
  stormRetryAfter: number
}

/** What the fake saw of one request. */
export interface LoggedRequest {
  readonly method: string
  readonly path: string
  readonly kind: Records.Kind | "token" | "other"
  readonly id: string | undefined
  readonly auth: "apiKey" | "bearer" | "none" | "invalid"
  readonly ifNoneMatch: string | undefined
  /** performance.now() when the request arrived. */
  readonly at: number
  status: number
  /** How many record requests were being answered when this one arrived, itself included. */
  readonly inFlight: number
  /** True when the client closed the connection before the answer was complete. */
  aborted: boolean
}

/** Records loaded from a JSON file instead of generated. */
export interface RecordSet {
  readonly students?: ReadonlyArray<Records.Json>
  readonly staff?: ReadonlyArray<Records.Json>
  readonly schools?: ReadonlyArray<Records.Json>
}

/** How to start a fake. */
export interface Options {
  /** Generated registry size; default 100,000 students, 5,000 staff, 500 schools. */
  readonly population?: Partial<Records.Population>
  readonly seed?: number
  /** Serve these records only, instead of generated ones (an object or a JSON file's path). */
  readonly records?: RecordSet | string
  /** API keys accepted in `X-API-Key`. */
  readonly apiKeys?: ReadonlyArray<string>
  /** OAuth2 clients accepted by `/oauth/token`. */
  readonly clients?: ReadonlyArray<{ readonly id: string; readonly secret: string }>
  /** Lifetime of issued tokens, seconds. Default 3600. */
  readonly tokenTtlSeconds?: number
  readonly faults?: Partial<Faults>
  readonly port?: number
}

/** A running fake. */
export interface FakeSdms {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly faults: Faults
  /** Every request, in arrival order. */
  readonly log: ReadonlyArray<LoggedRequest>
  /** The most record requests ever answered at once. */
  readonly peakInFlight: () => number
  readonly clearLog: () => void
  /** The next `n` record requests get this fault (before the rates apply). */
  readonly failNext: (n: number, fault: Fault) => void
  /** Forgets the faults `failNext` queued and not yet served. */
  readonly clearQueued: () => void
  /** Answers 429 to every record request for `ms`, with this Retry-After. */
  readonly storm: (ms: number, retryAfterSeconds: number) => void
  /** Changes a record (its ETag changes with it); `undefined` removes it. */
  readonly update: (kind: Records.Kind, id: string, record: Records.Json | undefined) => void
  /** The record as served now. */
  readonly record: (kind: Records.Kind, id: string) => Records.Json | undefined
  /** Invalidates every token issued so far. */
  readonly revokeTokens: () => void
  /** How many tokens were issued. */
  readonly tokensIssued: () => number
  readonly close: () => Promise<void>
}

const defaults: Faults = {
  latencyMs: 0,
  errorRate: 0,
  resetRate: 0,
  malformedRate: 0,
  truncatedRate: 0,
  stormUntil: 0,
  stormRetryAfter: 1,
}

/** The strong ETag of a body: a hash of its JSON text. */
export const etagOf = (body: string): string =>
  `"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`

const routes: ReadonlyArray<[RegExp, Records.Kind]> = [
  [/^\/v1\/students\/([^/]+)$/, "students"],
  [/^\/v1\/staff\/([^/]+)$/, "staff"],
  [/^\/v1\/schools\/([^/]+)$/, "schools"],
]

const errorCodes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  429: "rate_limited",
  500: "server_error",
  502: "unavailable",
  503: "unavailable",
  504: "unavailable",
}

const idField: Record<Records.Kind, string> = { students: "sdmsId", staff: "sdmsId", schools: "schoolCode" }

/** Starts a fake SDMS on 127.0.0.1 (a free port unless one is given). */
export const start = async (options: Options = {}): Promise<FakeSdms> => {
  const population: Records.Population = {
    students: options.population?.students ?? 100_000,
    staff: options.population?.staff ?? 5_000,
    schools: options.population?.schools ?? 500,
  }
  const seed = options.seed ?? 1
  const loaded: RecordSet | undefined =
    typeof options.records === "string"
      ? (JSON.parse(readFileSync(options.records, "utf8")) as RecordSet)
      : options.records
  const overrides = new Map<string, Records.Json | undefined>()
  if (loaded) {
    for (const kind of ["students", "staff", "schools"] as const)
      for (const r of loaded[kind] ?? []) overrides.set(`${kind}/${String(r[idField[kind]])}`, r)
  }
  const current = (kind: Records.Kind, id: string): Records.Json | undefined => {
    const key = `${kind}/${id}`
    if (overrides.has(key)) return overrides.get(key)
    return loaded ? undefined : Records.generated(kind, id, population, seed)
  }

  const faults: Faults = { ...defaults, ...options.faults }
  const apiKeys = new Set(options.apiKeys ?? [])
  const clients = new Map((options.clients ?? []).map((c) => [c.id, c.secret]))
  const tokenTtl = options.tokenTtlSeconds ?? 3600
  const tokens = new Map<string, number>()
  let issued = 0
  const log: Array<LoggedRequest> = []
  const queued: Array<Fault> = []
  let inFlight = 0
  let peak = 0
  // The fault dice are seeded so that a run with the same switches sees the same faults.
  let dice = seed >>> 0
  const roll = () => {
    dice = (Math.imul(dice, 1664525) + 1013904223) >>> 0
    return dice / 4294967296
  }

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      ...headers,
    })
    res.end(text)
  }
  const sendError = (
    res: http.ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) =>
    send(
      res,
      status,
      { error: errorCodes[status] ?? "server_error", message, requestId: randomBytes(6).toString("hex") },
      headers,
    )

  const authOf = (req: http.IncomingMessage): LoggedRequest["auth"] => {
    const key = req.headers["x-api-key"]
    if (typeof key === "string") return apiKeys.has(key) ? "apiKey" : "invalid"
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")
    if (bearer) {
      const expires = tokens.get(bearer[1]!)
      return expires !== undefined && expires > Date.now() ? "bearer" : "invalid"
    }
    return "none"
  }

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
      req.on("error", reject)
    })

  const issueToken = async (req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest) => {
    const form = new URLSearchParams(await readBody(req))
    let id = form.get("client_id")
    let secret = form.get("client_secret")
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")
    if (basic) {
      const [u, p] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":")
      id = decodeURIComponent(u ?? "")
      secret = decodeURIComponent(p ?? "")
    }
    if (form.get("grant_type") !== "client_credentials") {
      entry.status = 400
      return sendError(res, 400, "grant_type must be client_credentials")
    }
    if (!id || clients.get(id) !== secret) {
      entry.status = 401
      return sendError(res, 401, "unknown client or wrong secret")
    }
    const token = randomBytes(24).toString("base64url")
    tokens.set(token, Date.now() + tokenTtl * 1000)
    issued++
    entry.status = 200
    send(res, 200, { access_token: token, token_type: "Bearer", expires_in: tokenTtl, scope: "sdms.read" })
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

  const answerRecord = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: LoggedRequest,
    kind: Records.Kind,
    id: string,
  ) => {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs)
    if (entry.auth === "none" || entry.auth === "invalid") {
      entry.status = 401
      return sendError(res, 401, entry.auth === "none" ? "credentials required" : "credentials not accepted")
    }
    const fault =
      queued.shift() ??
      (faults.stormUntil > Date.now()
        ? ({ _tag: "RateLimited", retryAfter: faults.stormRetryAfter } as const)
        : roll() < faults.resetRate
          ? ({ _tag: "Reset" } as const)
          : roll() < faults.errorRate
            ? ({ _tag: "Status", status: 503 } as const)
            : undefined)
    if (fault?._tag === "Reset") {
      entry.status = 0
      req.socket.destroy()
      return
    }
    if (fault?._tag === "RateLimited") {
      entry.status = 429
      return sendError(res, 429, "too many requests", { "retry-after": String(fault.retryAfter) })
    }
    if (fault?._tag === "Status") {
      entry.status = fault.status
      return sendError(
        res,
        fault.status,
        "SDMS is unavailable",
        fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {},
      )
    }
    if (!Records.wellFormed(kind, id)) {
      entry.status = 400
      return sendError(res, 400, `not a well-formed ${kind} id`)
    }
    const record = current(kind, id)
    if (record === undefined) {
      entry.status = 404
      return sendError(res, 404, `no ${kind} record has this id`)
    }
    let served: Records.Json = record
    if (fault?._tag === "MissingField") {
      const { [fault.field]: _, ...rest } = record
      served = rest
    }
    const text = JSON.stringify(served)
    const etag = etagOf(text)
    const ifNoneMatch = req.headers["if-none-match"]
    if (ifNoneMatch?.split(/\s*,\s*/).includes(etag) && fault === undefined) {
      entry.status = 304
      res.writeHead(304, { etag })
      return res.end()
    }
    entry.status = 200
    const malformed = fault?._tag === "Malformed" || (fault === undefined && roll() < faults.malformedRate)
    const truncated = fault?._tag === "Truncated" || (fault === undefined && roll() < faults.truncatedRate)
    const body = malformed ? `<html>${text}` : truncated ? text.slice(0, Math.floor(text.length / 2)) : text
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      etag,
    })
    if (fault?._tag === "SlowBody") {
      const half = Math.floor(body.length / 2)
      res.write(body.slice(0, half))
      await sleep(fault.ms)
      if (!res.destroyed) res.end(body.slice(half))
      return
    }
    res.end(body)
  }

  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake")
    const route = routes.find(([re]) => re.test(url.pathname))
    const kind = route?.[1] ?? (url.pathname === "/oauth/token" ? "token" : "other")
    const id = route ? decodeURIComponent(route[0].exec(url.pathname)![1]!) : undefined
    const isRecord = route !== undefined
    if (isRecord) {
      inFlight++
      peak = Math.max(peak, inFlight)
    }
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      kind,
      id,
      auth: authOf(req),
      ifNoneMatch: req.headers["if-none-match"],
      at: performance.now(),
      status: 0,
      inFlight,
      aborted: false,
    }
    log.push(entry)
    let done = false
    const finish = () => {
      if (!res.writableFinished && entry.status !== 0) entry.aborted = true
      if (done) return
      done = true
      if (isRecord) inFlight--
    }
    res.on("close", finish)
    const work =
      kind === "token" && req.method === "POST"
        ? issueToken(req, res, entry)
        : route && req.method === "GET"
          ? answerRecord(req, res, entry, route[1], id!)
          : Promise.resolve(sendError(res, 404, "no such endpoint")).then(() => {
              entry.status = 404
            })
    work.catch(() => {
      finish()
      res.destroy()
    })
  })
  server.keepAliveTimeout = 30_000
  server.on("connection", (s) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    log,
    peakInFlight: () => peak,
    clearLog: () => {
      log.length = 0
      peak = inFlight
    },
    failNext: (n, fault) => {
      for (let i = 0; i < n; i++) queued.push(fault)
    },
    clearQueued: () => {
      queued.length = 0
    },
    storm: (ms, retryAfterSeconds) => {
      faults.stormUntil = Date.now() + ms
      faults.stormRetryAfter = retryAfterSeconds
    },
    update: (kind, id, record) => overrides.set(`${kind}/${id}`, record),
    record: current,
    revokeTokens: () => tokens.clear(),
    tokensIssued: () => issued,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
