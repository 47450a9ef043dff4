import { MyKad } from "@schoolbridge/cleansers"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FakeSdms, Records } from "../src/index.js"
import { document, schemaViolations, violations } from "./Contract.js"

const apiKey = "fake-key-for-tests"
const client = { id: "schoolbridge", secret: "fake-client-secret" }
let fake: FakeSdms.FakeSdms
beforeAll(async () => {
  fake = await FakeSdms.start({
    apiKeys: [apiKey],
    clients: [client],
    population: { students: 1000, staff: 100, schools: 50 },
  })
})
afterAll(async () => {
  await fake?.close()
})

const templates = {
  students: "/v1/students/{sdmsId}",
  staff: "/v1/staff/{sdmsId}",
  schools: "/v1/schools/{schoolCode}",
} as const

const get = async (
  kind: Records.Kind,
  id: string,
  headers: Record<string, string> = { "x-api-key": apiKey },
) => {
  const res = await fetch(`${fake.url}/v1/${kind}/${id}`, { headers })
  const body = await res.text()
  const answer = {
    method: "get" as const,
    template: templates[kind],
    status: res.status,
    headers: res.headers,
    body,
  }
  return { ...answer, problems: violations(answer) }
}

const token = async (form: Record<string, string>) => {
  const res = await fetch(`${fake.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  })
  const body = await res.text()
  const answer = {
    method: "post" as const,
    template: "/oauth/token",
    status: res.status,
    headers: res.headers,
    body,
  }
  return { ...answer, problems: violations(answer) }
}

describe("the fake against docs/reference/sdms-api.yaml", () => {
  it("documents exactly the three by-id reads and the token endpoint: no listing", () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      "/oauth/token",
      "/v1/schools/{schoolCode}",
      "/v1/staff/{sdmsId}",
      "/v1/students/{sdmsId}",
    ])
  })

  it("serves students, staff and schools as the contract describes them, with an ETag", async () => {
    for (const [kind, id] of [
      ["students", Records.studentId(7)],
      ["staff", Records.staffId(3)],
      ["schools", Records.schoolCode(4)],
    ] as const) {
      const a = await get(kind, id)
      expect(a.status).toBe(200)
      expect(a.problems).toEqual([])
      expect(a.headers.get("etag")).toBe(FakeSdms.etagOf(a.body))
    }
  })

  it("answers a matching If-None-Match with 304 and no body, a stale one with 200", async () => {
    const first = await get("students", Records.studentId(8))
    const etag = first.headers.get("etag")!
    const again = await get("students", Records.studentId(8), { "x-api-key": apiKey, "if-none-match": etag })
    expect([again.status, again.body, again.problems]).toEqual([304, "", []])
    fake.update("students", Records.studentId(8), { ...JSON.parse(first.body), yearLevel: "Tahun 6" })
    const changed = await get("students", Records.studentId(8), {
      "x-api-key": apiKey,
      "if-none-match": etag,
    })
    expect(changed.status).toBe(200)
    expect(changed.headers.get("etag")).not.toBe(etag)
    expect(changed.problems).toEqual([])
  })

  it("answers each error as the contract says: 400, 401, 404, 429 with Retry-After, 5xx", async () => {
    const cases = [
      await get("students", "not-an-id"),
      await get("students", Records.studentId(5), {}),
      await get("students", Records.studentId(5), { "x-api-key": "wrong" }),
      await get("students", Records.studentId(999_999)),
      await get("schools", "WBA9999"),
    ]
    fake.failNext(1, { _tag: "RateLimited", retryAfter: 3 })
    cases.push(await get("staff", Records.staffId(1)))
    fake.failNext(1, { _tag: "Status", status: 503, retryAfter: 2 })
    cases.push(await get("staff", Records.staffId(1)))
    fake.failNext(1, { _tag: "Status", status: 500 })
    cases.push(await get("schools", Records.schoolCode(1)))
    expect(cases.map((c) => c.status)).toEqual([400, 401, 401, 404, 404, 429, 503, 500])
    expect(cases.flatMap((c) => c.problems)).toEqual([])
    expect(cases[5]!.headers.get("retry-after")).toBe("3")
  })

  it("issues client-credentials tokens and accepts them as bearer tokens until revoked", async () => {
    const bad = await token({ grant_type: "client_credentials", client_id: client.id, client_secret: "nope" })
    expect([bad.status, bad.problems]).toEqual([401, []])
    const wrongGrant = await token({ grant_type: "password" })
    expect([wrongGrant.status, wrongGrant.problems]).toEqual([400, []])
    const ok = await token({
      grant_type: "client_credentials",
      client_id: client.id,
      client_secret: client.secret,
    })
    expect([ok.status, ok.problems]).toEqual([200, []])
    const { access_token } = JSON.parse(ok.body)
    const read = await get("students", Records.studentId(1), { authorization: `Bearer ${access_token}` })
    expect(read.status).toBe(200)
    fake.revokeTokens()
    const after = await get("students", Records.studentId(1), { authorization: `Bearer ${access_token}` })
    expect([after.status, after.problems]).toEqual([401, []])
  })

  it("breaks the contract exactly where a fault switch says so (the validator notices)", async () => {
    fake.failNext(1, { _tag: "Malformed" })
    expect((await get("students", Records.studentId(2))).problems).toEqual(["body is not JSON"])
    fake.failNext(1, { _tag: "Truncated" })
    expect((await get("students", Records.studentId(2))).problems).toEqual(["body is not JSON"])
    fake.failNext(1, { _tag: "MissingField", field: "fullName" })
    expect((await get("students", Records.studentId(2))).problems.join()).toMatch(/fullName/)
    fake.failNext(1, { _tag: "Reset" })
    await expect(get("students", Records.studentId(2))).rejects.toThrow()
  })
})

describe("generated records", () => {
  const population = { students: 2000, staff: 300, schools: 100 }

  it("are deterministic: the same seed and index give the same record, another seed another", () => {
    expect(Records.student(42, population)).toEqual(Records.student(42, population))
    expect(Records.student(42, population, 2)).not.toEqual(Records.student(42, population))
  })

  it("keep the contract, with MyKad numbers that agree with birth date and sex", () => {
    const problems: Array<string> = []
    for (let n = 1; n <= population.students; n++) {
      const s = Records.student(n, population)
      problems.push(...schemaViolations("Student", s).map((p) => `${s.sdmsId}: ${p}`))
      if (s.myKad === null) {
        if (s.nationality === "MYS" || s.passportNo === null)
          problems.push(`${s.sdmsId}: neither MyKad nor passport`)
        continue
      }
      const kad = MyKad.clean(s.myKad, {
        referenceDate: "2026-12-01",
        birthDate: s.birthDate as string,
        sex: s.sex === "M" ? "male" : "female",
      })
      if (kad._tag !== "Valid") problems.push(`${s.sdmsId}: ${JSON.stringify(kad)}`)
    }
    for (let n = 1; n <= population.staff; n++) {
      const s = Records.staff(n, population)
      problems.push(...schemaViolations("Staff", s).map((p) => `${s.sdmsId}: ${p}`))
      if (MyKad.clean(s.myKad, { referenceDate: "2026-12-01" })._tag !== "Valid")
        problems.push(`${s.sdmsId}: MyKad`)
    }
    for (let n = 1; n <= population.schools; n++) {
      const s = Records.school(n)
      problems.push(...schemaViolations("School", s).map((p) => `${s.schoolCode}: ${p}`))
    }
    expect(problems).toEqual([])
  })

  it("enrol students at schools the registry has", () => {
    for (let n = 1; n <= 200; n++) {
      const code = Records.student(n, population).schoolCode as string | null
      if (code !== null) expect(Records.generated("schools", code, population)).toBeDefined()
    }
  })

  it("can be served from a JSON record set instead", async () => {
    const own = {
      ...Records.student(1, population),
      sdmsId: "S123456789",
      fullName: "Aminah binti Yusof",
      hobby: "silat",
    }
    const small = await FakeSdms.start({ apiKeys: [apiKey], records: { students: [own] } })
    try {
      const hit = await fetch(`${small.url}/v1/students/S123456789`, { headers: { "x-api-key": apiKey } })
      expect(await hit.json()).toEqual(own)
      const miss = await fetch(`${small.url}/v1/students/${Records.studentId(1)}`, {
        headers: { "x-api-key": apiKey },
      })
      expect(miss.status).toBe(404)
      expect(small.log.map((l) => l.status)).toEqual([200, 404])
    } finally {
      await small.close()
    }
  })
})
