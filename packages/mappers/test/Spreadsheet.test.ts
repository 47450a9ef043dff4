import { fileURLToPath } from "node:url"
import { CsvSource, XlsxSource } from "@schoolbridge/connectors"
import { Source, TargetId, Transform } from "@schoolbridge/core"
import { Academic } from "@schoolbridge/schema"
import { Chunk, Effect, Either, Stream } from "effect"
import { describe, expect, it } from "vitest"
import * as BrowserExport from "../src/BrowserExport.js"
import * as LegacySis from "../src/LegacySis.js"
import * as Spreadsheet from "../src/Spreadsheet.js"
import * as StudentNumber from "../src/StudentNumber.js"

type Record_ = Record<string, unknown>

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/spreadsheets/${name}`, import.meta.url))

// Every record of a spreadsheet, as the engine's source reads it.
const readAll = async (make: Effect.Effect<Source.SourceShape<Record_>, Source.SourceError>) => {
  const source = await Effect.runPromise(make)
  const batches = await Effect.runPromise(
    Stream.runCollect(source.stream(Source.wholeSource, null, 1000)).pipe(Effect.map(Chunk.toArray)),
  )
  return { rows: batches.flatMap((b) => b.rows), keys: batches.flatMap((b) => b.keys) }
}
const csv = () => readAll(CsvSource.make({ path: fixture("students.csv") }))
const xlsx = () => readAll(XlsxSource.make({ path: fixture("students.xlsx") }))

// The school's declared layout: one sheet, read twice, for the users and the students of the legacy SIS.
const usersMapping: Spreadsheet.Mapping = {
  key: "user_id",
  columns: {
    "Student ID": "user_id",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email Address": "email",
    Phone: "phone",
  },
  constants: { status: "active" },
  required: ["first_name", "email"],
}
const studentsMapping: Spreadsheet.Mapping = {
  key: "student_id",
  columns: {
    "Student ID": "student_id",
    "Student No": "student_number",
    "Email Address": "email",
    "Date of Birth": "dob",
    Gender: "gender",
    "IC Number": "ic_number",
    Status: "status",
    "Admission Date": "admission_date",
    Address: "address1",
    City: "city",
    Postcode: "postal_code",
    State: "state",
  },
  required: ["dob", "email"],
}

const base = { tenant: "SA01", asOf: "2025-01-15", loadedAt: "2025-01-15T00:00:00.000Z" } as const

const right = <A>(e: Either.Either<A, Spreadsheet.LayoutError>): A => {
  if (Either.isLeft(e)) throw new Error(e.left.message)
  return e.right
}

// Both entities over one sheet, their options planned from the raw rows as for the MySQL tables.
const mapSheet = (sheet: { rows: ReadonlyArray<Record_>; keys: ReadonlyArray<string> }) => {
  const header = Object.keys(sheet.rows[0]!)
  const users = right(Spreadsheet.plan(usersMapping, LegacySis.UserRow, header))
  const students = right(Spreadsheet.plan(studentsMapping, LegacySis.StudentRow, header))
  const rawUsers = sheet.rows.map(
    (r, i) => Spreadsheet.toRaw(users, r, sheet.keys[i]!).raw as LegacySis.UserRow,
  )
  const rawStudents = sheet.rows.map(
    (r, i) => Spreadsheet.toRaw(students, r, sheet.keys[i]!).raw as LegacySis.StudentRow,
  )
  const studentOptions: LegacySis.StudentOptions = {
    ...base,
    numbers: StudentNumber.plan(LegacySis.numberInputs(rawStudents, base), "SA"),
    emails: LegacySis.indexUsersByEmail(rawUsers),
  }
  const usersEntity = Spreadsheet.entity(
    users,
    LegacySis.UserRow,
    LegacySis.users({ ...base, passwords: "force-reset" }),
  )
  const studentsEntity = Spreadsheet.entity(
    students,
    LegacySis.StudentRow,
    LegacySis.students(studentOptions),
  )
  const run = (e: typeof usersEntity) =>
    Transform.run(e.transform, sheet.rows, sheet.keys, { entity: e.name, tenant: "SA01" })
  return { users, students, rawUsers, rawStudents, studentOptions, usersEntity, studentsEntity, run }
}

const asObjects = (columns: ReadonlyArray<string>, result: Transform.Result) =>
  result.ok.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])))
const rejections = (result: Transform.Result) =>
  result.rejected.map((r) => [r.key, ...r.reasons.map((x) => `${x.column}:${x.rule}`)])

describe("plan", () => {
  const header = [" Student ID", "FIRST NAME", "Last  Name", "E mail", "House"]

  it("matches headers ignoring case and spaces, and lists the headers it does not use", () => {
    const p = right(
      Spreadsheet.plan(
        {
          key: "user_id",
          columns: { "student id": "user_id", "First Name": "first_name", "Last Name": "last_name" },
        },
        LegacySis.UserRow,
        header,
      ),
    )
    expect([...p.headers]).toEqual([
      ["user_id", " Student ID"],
      ["first_name", "FIRST NAME"],
      ["last_name", "Last  Name"],
    ])
    expect(p.unknown).toEqual(["E mail", "House"])
  })

  it("names every missing required header in one error, before any row is mapped", () => {
    const e = Spreadsheet.plan(studentsMapping, LegacySis.StudentRow, header)
    expect(Either.isLeft(e) && e.left).toMatchObject({
      _tag: "LayoutError",
      reason: "missing_headers",
      names: ["Date of Birth", "Email Address"],
      message:
        'the sheet has no headers "Date of Birth", "Email Address"; it has " Student ID", "FIRST NAME", "Last  Name", "E mail", "House"',
    })
  })

  it("refuses raw columns the target does not have, two headers for one column, and look-alike headers", () => {
    const unknown = Spreadsheet.plan({ key: "user_id", columns: { Name: "full_name" } }, LegacySis.UserRow, [
      "Name",
    ])
    expect(Either.isLeft(unknown) && [unknown.left.reason, unknown.left.names]).toEqual([
      "unknown_column",
      ["full_name"],
    ])
    const twice = Spreadsheet.plan(
      { key: "user_id", columns: { Name: "first_name", Nama: "first_name" } },
      LegacySis.UserRow,
      ["Name"],
    )
    expect(Either.isLeft(twice) && twice.left.reason).toBe("duplicate_column")
    const lookalike = Spreadsheet.plan({ key: "user_id", columns: {} }, LegacySis.UserRow, ["Name", "NAME "])
    expect(Either.isLeft(lookalike) && [lookalike.left.reason, lookalike.left.names]).toEqual([
      "ambiguous_header",
      ["Name", "NAME "],
    ])
  })

  it("builds the raw row: empty cells null, nested columns, constants, the source key when the sheet has none", () => {
    const p = right(
      Spreadsheet.plan(
        {
          key: "id",
          columns: { ID: "id", Name: "name", "Emergency Phone": "emergencyContact.phone" },
          constants: { status: "active" },
        },
        BrowserExport.StudentRecord,
        ["ID", "Name", "Emergency Phone"],
      ),
    )
    const { key, raw } = Spreadsheet.toRaw(p, { ID: "", Name: " Ali ", "Emergency Phone": "0123456789" }, "7")
    expect(key).toBe("7")
    expect(raw).toMatchObject({
      id: "7",
      name: "Ali",
      email: null,
      status: "active",
      emergencyContact: { phone: "0123456789" },
    })
  })

  it("rejects a record that does not fit the target's raw rows (rule raw_row)", () => {
    const p = right(
      Spreadsheet.plan(
        { key: "id", columns: { ID: "id", Subjects: "subjects" } },
        BrowserExport.TeacherRecord,
        ["ID", "Subjects"],
      ),
    )
    const plan = BrowserExport.plan(BrowserExport.read({}), { schoolCode: "SA", asOf: base.asOf })
    const e = Spreadsheet.entity(p, BrowserExport.TeacherRecord, BrowserExport.teachers({ ...base, plan }))
    const result = Transform.run(e.transform, [{ ID: "T1", Subjects: "Maths, Science" }], ["2"], {
      entity: e.name,
      tenant: "SA01",
    })
    expect(rejections(result)).toEqual([["T1", "null:raw_row"]])
  })
})

describe("a CSV student list through the legacy SIS mappers", () => {
  it("maps users and students exactly as from the MySQL tables", async () => {
    const sheet = await csv()
    expect(sheet.keys).toEqual(["2", "3", "5", "6", "7"])
    const m = mapSheet(sheet)
    expect(m.users.unknown).toEqual([
      "Student No",
      "Date of Birth",
      "Gender",
      "IC Number",
      "Status",
      "Admission Date",
      "Address",
      "City",
      "Postcode",
      "State",
      "House",
    ])
    const users = m.run(m.usersEntity)
    expect(asObjects(m.usersEntity.target.columns, users)[0]).toEqual({
      id: TargetId.of(LegacySis.usersEntity, "SA01", "S001"),
      tenant_id: "SA01",
      email: "ahmad@example.com",
      username: null,
      password_hash: null,
      password_algorithm: null,
      must_reset_password: true,
      first_name: "Ahmad bin Ali",
      last_name: null,
      official_name: null,
      name_in_script: null,
      phone: "+60123456789",
      avatar_url: null,
      status: "active",
      email_verified: false,
      last_login_at: null,
      legacy_source: LegacySis.usersEntity,
      legacy_id: "S001",
      created_at: base.loadedAt,
      updated_at: base.loadedAt,
      deleted_at: null,
    })
    expect(users.okKeys).toEqual(["S001", "S002", "S004", "S005"])
    expect(rejections(users)).toEqual([["S003", "first_name:person_name"]])
    expect(users.notes.filter((n) => n.key === "S002" && n.column === "email").map((n) => n.message)).toEqual(
      [`domain "example" has no top-level part (such as .com or .my); stored as empty`],
    )

    const students = m.run(m.studentsEntity)
    expect(asObjects(m.studentsEntity.target.columns, students)[0]).toEqual({
      id: TargetId.of(LegacySis.studentsEntity, "SA01", "S001"),
      tenant_id: "SA01",
      user_id: TargetId.of(LegacySis.usersEntity, "SA01", "S001"),
      student_number: "STU2024SA0001",
      date_of_birth: "2012-03-15",
      gender: "male",
      nationality: null,
      national_id: "120315-14-1235",
      blood_type: null,
      medical_notes: null,
      admission_date: "2024-01-08",
      status: "active",
      address: {
        line1: "12 Jalan Mawar",
        line2: null,
        city: "Kuala Lumpur",
        state: "Wilayah Persekutuan Kuala Lumpur",
        postcode: "50450",
        country: "MY",
      },
      legacy_source: LegacySis.studentsEntity,
      legacy_id: "S001",
      created_at: base.loadedAt,
      updated_at: base.loadedAt,
      deleted_at: null,
    })
    // S002's user loads without its email, and the student is linked to it by that same text.
    // S004's status is unknown (the default, with a note) and S005's birth date is not a date (empty,
    // with a note): attributes lost, not the children.
    expect(students.okKeys).toEqual(["S001", "S002", "S003", "S004", "S005"])
    expect(rejections(students)).toEqual([])
    expect(
      students.notes
        .filter(
          (n) => (n.key === "S004" && n.column === "status") || (n.key === "S005" && n.column === "dob"),
        )
        .map((n) => [n.key, n.rule]),
    ).toEqual([
      ["S004", "student_status"],
      ["S005", "date"],
    ])

    // The same raw rows straight into the legacy mapper, keyed by their ids as the MySQL source keys
    // them, give the very same result.
    const ids = m.rawStudents.map((r) => String(r.student_id))
    const direct = Transform.run(LegacySis.students(m.studentOptions).transform, m.rawStudents, ids, {
      entity: LegacySis.studentsEntity,
      tenant: "SA01",
    })
    expect({ ...students, okRaw: [], rejected: students.rejected.map((r) => ({ ...r, raw: null })) }).toEqual(
      {
        ...direct,
        okRaw: [],
        rejected: direct.rejected.map((r) => ({ ...r, raw: null })),
      },
    )
  })

  it("is idempotent and links each student to the user row of the same sheet", async () => {
    const sheet = await csv()
    const m = mapSheet(sheet)
    expect(m.run(m.studentsEntity)).toEqual(mapSheet(sheet).run(m.studentsEntity))
    const userIds = new Set(m.run(m.usersEntity).ok.map((r) => r[0]))
    const userIndex = m.studentsEntity.target.columns.indexOf("user_id")
    const linked = m.run(m.studentsEntity).ok.map((r) => userIds.has(r[userIndex]))
    // S003's user is rejected (no first name): its student row would fail the foreign key at load.
    expect(linked).toEqual([true, true, false, true, true])
  })
})

describe("an XLSX student list with other header spellings", () => {
  it("maps through the same layout: real dates, a formula's result, a date typed as a serial", async () => {
    const sheet = await xlsx()
    expect(sheet.keys).toEqual(["2", "3", "5"])
    const m = mapSheet(sheet)
    expect(m.students.unknown).toEqual(["FirstName", "Last Name", "e-mail", "Phone", "Catatan"])
    const users = m.run(m.usersEntity)
    expect(
      asObjects(m.usersEntity.target.columns, users).map((u) => [u.legacy_id, u.first_name, u.phone]),
    ).toEqual([
      ["S001", "Ahmad bin Ali", "+60123456789"],
      ["S002", "Tan Mei Ling", null],
      ["S006", "Siti", null],
    ])
    expect(rejections(users)).toEqual([])
    const students = m.run(m.studentsEntity)
    expect(
      asObjects(m.studentsEntity.target.columns, students).map((s) => [
        s.legacy_id,
        s.date_of_birth,
        s.admission_date,
        s.status,
        s.user_id,
      ]),
    ).toEqual([
      ["S001", "2012-03-15", "2024-01-08", "active", TargetId.of(LegacySis.usersEntity, "SA01", "S001")],
      ["S002", "2011-07-20", "2023-02-01", "active", TargetId.of(LegacySis.usersEntity, "SA01", "S002")],
      ["S006", "2012-04-01", "2024-01-08", "active", TargetId.of(LegacySis.usersEntity, "SA01", "S006")],
    ])
    // S006's MyKad cannot be read: stored as empty with a note, and the child loads.
    expect(rejections(students)).toEqual([])
    expect(
      students.notes.some((n) => n.key === "S006" && n.column === "ic_number" && n.rule === "mykad"),
    ).toBe(true)
    expect(
      students.notes.filter((n) => n.key === "S006" && n.column === "dob").map((n) => n.message),
    ).toEqual(["converted Excel serial number 41000"])
  })

  it("gives the same student row as the CSV for the same student", async () => {
    const fromCsv = mapSheet(await csv())
    const fromXlsx = mapSheet(await xlsx())
    const s001 = (m: ReturnType<typeof mapSheet>) => {
      const o = asObjects(m.studentsEntity.target.columns, m.run(m.studentsEntity))[0]!
      // The XLSX has no address columns.
      return { ...o, address: null }
    }
    expect(s001(fromXlsx)).toEqual(s001(fromCsv))
  })
})

describe("a CSV onto the browser export's students", () => {
  it("fills nested raw columns, plans the export from the raw rows, and shares the siblings' parent", async () => {
    const sheet = await readAll(CsvSource.make({ path: fixture("browser-students.csv") }))
    const p = right(
      Spreadsheet.plan(
        {
          key: "id",
          columns: {
            ID: "id",
            "full name": "name",
            "e-mail": "email",
            class: "classId",
            joined: "joinDate",
            parent: "parentContact",
            "parent email": "parentEmail",
            "emergency name": "emergencyContact.name",
            "emergency phone": "emergencyContact.phone",
            relationship: "emergencyContact.relationship",
          },
          required: ["name"],
        },
        BrowserExport.StudentRecord,
        Object.keys(sheet.rows[0]!),
      ),
    )
    const raw = sheet.rows.map(
      (r, i) => Spreadsheet.toRaw(p, r, sheet.keys[i]!).raw as BrowserExport.StudentRecord,
    )
    expect(raw.map((r) => r.id)).toEqual(["B01", "B02", "4"])
    const plan = BrowserExport.plan(
      { ...BrowserExport.read({}), students: raw },
      { schoolCode: "SA", asOf: base.asOf },
    )
    const options = { ...base, plan }
    const run = (target: ReturnType<typeof BrowserExport.students>) => {
      const e = Spreadsheet.entity(p, BrowserExport.StudentRecord, target)
      return Transform.run(e.transform, sheet.rows, sheet.keys, { entity: e.name, tenant: "SA01" })
    }
    const students = run(BrowserExport.students(options))
    // The third row has no id: its line number stands in.
    expect(students.okKeys).toEqual(["B01", "4"])
    expect(rejections(students)).toEqual([["B02", "name:person_name"]])
    const parents = run(BrowserExport.parents(options))
    expect(
      asObjects(Academic.Guardians.columns, parents).map((g) => [
        g.legacy_id,
        g.first_name,
        g.last_name,
        g.phone,
      ]),
    ).toEqual([["B01", "Yusof", "bin Ahmad", "+60127778888"]])
    expect(parents.skipped.map((s) => s.key)).toEqual(["4"])
    const emergency = run(BrowserExport.emergencyLinks(options))
    expect(asObjects(Academic.StudentGuardians.columns, emergency)).toMatchObject([
      { legacy_id: "B01", relationship: "mother", contact_priority: 2 },
    ])
    const links = run(BrowserExport.parentLinks(options))
    expect(asObjects(Academic.StudentGuardians.columns, links).map((l) => l.guardian_id)).toEqual([
      TargetId.of(BrowserExport.parentsEntity, "SA01", "B01"),
      TargetId.of(BrowserExport.parentsEntity, "SA01", "B01"),
    ])
  })
})
