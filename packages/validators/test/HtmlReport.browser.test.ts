import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HtmlReport } from "../src/index.js"
import { nasty, sampleReport } from "./fixtures/Reports.js"

const executablePath = "/usr/bin/chromium"
const artefacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test-results")

let browser: Browser
beforeAll(async () => {
  // Fail, never skip: a report nobody can open is the thing this test is here to catch.
  if (!existsSync(executablePath))
    throw new Error(
      `Chromium is missing at ${executablePath}; install it with: apt-get update && apt-get install -y chromium`,
    )
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  })
})
afterAll(() => browser?.close())

describe("the HTML report in headless Chromium", () => {
  it("opens from a file without console errors or network requests, escaped, and is screenshotted", async () => {
    mkdirSync(artefacts, { recursive: true })
    const file = path.join(artefacts, "validation-report.html")
    writeFileSync(file, HtmlReport.render(sampleReport()))
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const problems: Array<string> = []
    const requests: Array<string> = []
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`)
    })
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`))
    page.on("request", (r) => requests.push(r.url()))
    const url = pathToFileURL(file).href
    const response = await page.goto(url, { waitUntil: "load" })
    expect(response?.ok()).toBe(true)

    expect(problems).toEqual([])
    expect(requests).toEqual([url])
    expect(await page.locator("script").count()).toBe(0)
    expect(await page.locator("#verdict").textContent()).toBe("NO-GO")
    expect(await page.title()).toBe(`NO-GO: Cutover rehearsal ${nasty.replace("\n", " ")}`)
    // the hostile text shows as text, and the chart drew a pair of bars per entity
    expect(await page.locator("#failures ~ section").first().textContent()).toContain("Row count of invoices")
    expect(await page.locator("body").textContent()).toContain('<script>alert("x")</script>')
    expect(await page.locator("svg rect[height='12']").count()).toBe(4)
    const box = await page.locator("svg").boundingBox()
    expect(box?.width).toBeGreaterThan(100)

    const shot = path.join(artefacts, "validation-report.png")
    await page.screenshot({ path: shot, fullPage: true })
    expect(existsSync(shot)).toBe(true)
    await page.close()
  })
})
