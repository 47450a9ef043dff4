// Checks an answer of the fake against docs/reference/sdms-api.yaml: the status is one the
// operation documents, its required headers are there and match, and its body validates against
// the response's JSON Schema (OpenAPI 3.1 schemas are JSON Schema 2020-12, which ajv reads).
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Ajv2020 } from "ajv/dist/2020.js"
import addFormatsModule from "ajv-formats"
import { parse } from "yaml"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, walked by key
type Node = Record<string, any>
/** The contract document, parsed. */
export const document: Node = parse(readFileSync(path.join(root, "docs/reference/sdms-api.yaml"), "utf8"))

const resolve = (node: Node): Node => {
  if (typeof node?.$ref !== "string") return node
  const parts = (node.$ref as string).replace(/^#\//, "").split("/")
  return resolve(parts.reduce((n: Node, p) => n[p], document))
}

// Component schemas refer to each other as #/components/schemas/X; under one $defs they resolve.
const defs = JSON.parse(
  JSON.stringify(document.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"),
)
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }))
ajv.addSchema({ $id: "sdms", $defs: defs })

const compiled = new Map<string, ReturnType<Ajv2020["compile"]>>()
const validatorOf = (schema: Node) => {
  const key = JSON.stringify(schema)
  let v = compiled.get(key)
  if (!v) {
    const rewritten = JSON.parse(key.replaceAll("#/components/schemas/", "sdms#/$defs/"))
    v = ajv.compile(rewritten)
    compiled.set(key, v)
  }
  return v
}

/** One answer as seen on the wire. */
export interface Answer {
  readonly method: "get" | "post"
  /** The path template, e.g. `/v1/students/{sdmsId}`. */
  readonly template: string
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

/** The ways an answer breaks the contract; empty when it keeps it. */
export const violations = (a: Answer): ReadonlyArray<string> => {
  const operation = document.paths[a.template]?.[a.method]
  if (!operation) return [`${a.method} ${a.template} is not in the contract`]
  const response = operation.responses[String(a.status)]
  if (!response) return [`${a.method} ${a.template} does not document status ${a.status}`]
  const r = resolve(response)
  const problems: Array<string> = []
  for (const [name, h] of Object.entries<Node>(r.headers ?? {})) {
    const header = resolve(h)
    const value = a.headers.get(name)
    if (value === null) {
      if (header.required) problems.push(`header ${name} is missing`)
      continue
    }
    const v = validatorOf(header.schema)
    if (!v(value)) problems.push(`header ${name}=${value}: ${ajv.errorsText(v.errors)}`)
  }
  const content = r.content?.["application/json"]
  if (!content) {
    if (a.body !== "")
      problems.push(`status ${a.status} has no body in the contract, got ${a.body.length} bytes`)
    return problems
  }
  if (!(a.headers.get("content-type") ?? "").startsWith("application/json"))
    problems.push(`content-type is ${a.headers.get("content-type")}`)
  let json: unknown
  try {
    json = JSON.parse(a.body)
  } catch {
    return [...problems, "body is not JSON"]
  }
  const v = validatorOf(content.schema)
  if (!v(json)) problems.push(`body: ${ajv.errorsText(v.errors)}`)
  return problems
}

/** Validates a value against one component schema; the errors, or empty. */
export const schemaViolations = (name: string, value: unknown): ReadonlyArray<string> => {
  const v = validatorOf({ $ref: `#/components/schemas/${name}` })
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
