import * as http from "node:http"
import * as https from "node:https"
import axios, { type AxiosInstance } from "axios"
import { Effect } from "effect"

/** An HTTP answer of any status, its body as text. */
export interface Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/** A request that got no answer: the deadline passed, or the connection failed. */
export interface Failure {
  readonly _tag: "Timeout" | "Network"
  /** The system's error code (ECONNRESET, ECONNREFUSED, …), never a header or a URL with credentials. */
  readonly code: string
}

/** The one axios instance a client talks through. */
export interface Transport {
  readonly request: (req: {
    readonly method: "GET" | "POST"
    readonly url: string
    readonly headers: Readonly<Record<string, string>>
    readonly body?: string
    readonly timeoutMs: number
  }) => Effect.Effect<Response, Failure>
}

/** How the transport connects. */
export interface Options {
  readonly baseUrl: string
  /** Sockets kept open to SDMS; at least the client's concurrency bound. */
  readonly maxSockets: number
}

const text = (v: unknown): string | undefined =>
  Array.isArray(v) ? v.join(", ") : v == null ? undefined : String(v)

/**
 * Builds the axios instance: keep-alive agents, every status passed through as an answer, bodies
 * kept as text (so a truncated body is ours to judge), no redirects. Each request has a deadline
 * for the whole exchange (axios's own timeout only watches an idle socket, and a slow body is not
 * idle), and is aborted when the fiber that made it is interrupted. The agents close with the scope.
 */
export const make = (options: Options) =>
  Effect.gen(function* () {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
    }
    const httpAgent = new http.Agent(agentOptions)
    const httpsAgent = new https.Agent(agentOptions)
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        httpAgent.destroy()
        httpsAgent.destroy()
      }),
    )
    const instance: AxiosInstance = axios.create({
      baseURL: options.baseUrl,
      httpAgent,
      httpsAgent,
      maxRedirects: 0,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      proxy: false,
      headers: { accept: "application/json", "user-agent": "schoolbridge-sdms-client" },
    })
    const transport: Transport = {
      request: (req) =>
        Effect.async<Response, Failure>((resume, signal) => {
          const controller = new AbortController()
          let timedOut = false
          const onAbort = () => controller.abort()
          signal.addEventListener("abort", onAbort)
          const timer = setTimeout(() => {
            timedOut = true
            controller.abort()
          }, req.timeoutMs)
          instance
            .request<string>({
              method: req.method,
              url: req.url,
              headers: { ...req.headers },
              data: req.body,
              timeout: req.timeoutMs,
              signal: controller.signal,
            })
            .then(
              (res) => {
                const headers: Record<string, string | undefined> = {}
                for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = text(v)
                resume(
                  Effect.succeed({
                    status: res.status,
                    headers,
                    body: typeof res.data === "string" ? res.data : "",
                  }),
                )
              },
              (e: unknown) => {
                // Only the error's code is kept: an AxiosError carries the request's config, headers included.
                const code = (e as { code?: unknown })?.code
                const codeText = typeof code === "string" ? code : "ERR_NETWORK"
                const timeout = timedOut || codeText === "ECONNABORTED" || codeText === "ETIMEDOUT"
                resume(
                  Effect.fail({
                    _tag: timeout ? "Timeout" : "Network",
                    code: timeout ? "ETIMEDOUT" : codeText,
                  }),
                )
              },
            )
            .finally(() => {
              clearTimeout(timer)
              signal.removeEventListener("abort", onAbort)
            })
        }),
    }
    return transport
  })
