import type pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrated, type PortalDatabase } from "./PortalDatabase.js"

let portal: PortalDatabase

// Deterministic ids: the kind of row in the fifth group, its number in the last.
const id = (kind: number, n: number) =>
  `00000000-0000-4000-8000-${String(kind).padStart(4, "0")}${String(n).padStart(8, "0")}`
const USER = 1
const STUDENT = 2
const CLASS = 3
const ENROLL = 4
const INVOICE = 5
const QENROLL = 6
const PROGRAM = 7
const HAFIZ = 8
const ATTEND = 9

const rows = async <R extends Record<string, unknown>>(sql: string, client: pg.Client = portal.admin) =>
  (await client.query<R>(sql)).rows

const as = async (role: string, tenant: string | null) => {
  const client = await portal.connect()
  await client.query(`set session authorization ${role}`)
  if (tenant !== null) await client.query("select set_config('app.tenant_id', $1, false)", [tenant])
  return client
}

/** Runs SQL as a loader does with triggers off, which is how a missing parent gets in. */
const withoutChecks = async (sql: string) => {
  await portal.admin.query("begin")
  try {
    await portal.admin.query("set local session_replication_role = replica")
    await portal.admin.query(sql)
    await portal.admin.query("commit")
  } catch (e) {
    await portal.admin.query("rollback")
    throw e
  }
}

beforeAll(async () => {
  portal = await migrated("validation")
  const a = portal.admin
  await a.query(`
    insert into auth.tenants (code, name) values ('A', 'School A'), ('B', 'School B');
  `)
  for (const [n, tenant] of [
    [1, "A"],
    [2, "A"],
    [3, "B"],
    [4, "A"],
  ] as const) {
    await a.query("insert into auth.users (id, tenant_id, first_name) values ($1, $2, $3)", [
      id(USER, n),
      tenant,
      `User ${n}`,
    ])
    await a.query(
      `insert into academic.students (id, tenant_id, user_id, student_number, legacy_source, legacy_id)
       values ($1, $2, $3, $4, 'students', $5)`,
      [id(STUDENT, n), tenant, id(USER, n), `S${n}`, String(n)],
    )
  }
  // Student 4 left the school: soft-deleted.
  await a.query("update academic.students set deleted_at = now() where id = $1", [id(STUDENT, 4)])
  await a.query(`
    insert into academic.classes (id, tenant_id, name, legacy_source, legacy_id) values
      ('${id(CLASS, 1)}', 'A', '1 Amanah', 'classes', '1'),
      ('${id(CLASS, 2)}', 'A', '2 Bestari', 'classes', '2'),
      ('${id(CLASS, 3)}', 'B', '1 Cemerlang', 'classes', '3');
    update academic.classes set deleted_at = now() where id = '${id(CLASS, 2)}';
    insert into academic.enrollments (id, tenant_id, student_id, class_id, enrollment_date, legacy_id) values
      ('${id(ENROLL, 1)}', 'A', '${id(STUDENT, 1)}', '${id(CLASS, 1)}', '2024-01-02', 'ok'),
      ('${id(ENROLL, 2)}', 'A', '${id(STUDENT, 2)}', '${id(CLASS, 2)}', '2024-01-02', 'class-deleted'),
      ('${id(ENROLL, 3)}', 'A', '${id(STUDENT, 4)}', '${id(CLASS, 1)}', '2024-01-02', 'student-deleted'),
      ('${id(ENROLL, 6)}', 'A', '${id(STUDENT, 4)}', '${id(CLASS, 2)}', '2024-01-02', 'itself-deleted');
    update academic.enrollments set deleted_at = now() where id = '${id(ENROLL, 6)}';
  `)
  // The foreign keys carry the tenant, so a link to another school's class gets in only this way too.
  await withoutChecks(`
    insert into academic.enrollments (id, tenant_id, student_id, class_id, enrollment_date, legacy_id) values
      ('${id(ENROLL, 4)}', 'B', '${id(STUDENT, 3)}', '${id(CLASS, 1)}', '2024-01-02', 'class-of-a'),
      ('${id(ENROLL, 5)}', 'B', '${id(STUDENT, 99)}', '${id(CLASS, 3)}', '2024-01-02', 'student-missing')`)

  // The table's own check stops a wrong balance; a load that ran without it is what the view is for.
  const check = await rows<{ conname: string }>(
    `select conname from pg_constraint where conrelid = 'financial.invoices'::regclass
      and pg_get_constraintdef(oid) like '%balance_due%'`,
  )
  await a.query(`alter table financial.invoices drop constraint ${check[0]!.conname}`)
  await a.query(`
    insert into financial.invoices (id, tenant_id, invoice_number, student_id, invoice_date, due_date,
        subtotal, total_amount, paid_amount, balance_due, legacy_id) values
      ('${id(INVOICE, 1)}', 'A', 'INV-1', '${id(STUDENT, 1)}', '2024-01-05', '2024-02-05', 500, 500, 200, 300, 'ok'),
      ('${id(INVOICE, 2)}', 'A', 'INV-2', '${id(STUDENT, 2)}', '2024-01-05', '2024-02-05', 500, 500, 200, 500, 'unpaid-balance'),
      ('${id(INVOICE, 3)}', 'B', 'INV-3', '${id(STUDENT, 3)}', '2024-01-05', '2024-02-05', 80, 80, 100, -20, 'overpaid');

    insert into islamic.quran_programs (id, tenant_id, code, name, program_type) values
      ('${id(PROGRAM, 1)}', 'A', 'HIFZ', 'Hifz', 'hifz_full');
    insert into islamic.quran_enrollments (id, tenant_id, student_id, program_id, enrollment_date) values
      ('${id(QENROLL, 1)}', 'A', '${id(STUDENT, 1)}', '${id(PROGRAM, 1)}', '2024-01-02');
    insert into islamic.hafiz_progress (id, tenant_id, enrollment_id, surah_number, verses_memorized, total_verses, legacy_id) values
      ('${id(HAFIZ, 1)}', 'A', '${id(QENROLL, 1)}', 1, 7, 7, 'al-fatihah-done'),
      ('${id(HAFIZ, 2)}', 'A', '${id(QENROLL, 1)}', 112, 9, 10, 'al-ikhlas-overcount'),
      ('${id(HAFIZ, 3)}', 'A', '${id(QENROLL, 1)}', 67, 20, 29, 'al-mulk-wrong-total'),
      ('${id(HAFIZ, 4)}', 'A', '${id(QENROLL, 1)}', 2, 286, 286, 'al-baqarah-done');

    insert into academic.attendance (id, tenant_id, student_id, attendance_date, status, legacy_id) values
      ('${id(ATTEND, 1)}', 'A', '${id(STUDENT, 1)}', current_date - 1, 'present', 'yesterday'),
      ('${id(ATTEND, 2)}', 'A', '${id(STUDENT, 1)}', current_date, 'present', 'today'),
      ('${id(ATTEND, 3)}', 'B', '${id(STUDENT, 3)}', current_date + 3, 'absent', 'in-three-days');
  `)

  // The ledger: students partitioned by tenant (tenant B's count is off by one), classes in one
  // unpartitioned batch, a rolled-back batch that counts for nothing, and years registered but
  // loaded in no batch; run 2's batch was edited by hand and no longer balances.
  await a.query(`
    insert into migration.runs (label, status) values ('first', 'completed'), ('second', 'completed');
    insert into migration.targets (target_table, id_column, tenant_column, legacy_columns) values
      ('academic.students', 'id', 'tenant_id', true),
      ('academic.classes', 'id', 'tenant_id', true),
      ('academic.academic_years', 'id', 'tenant_id', true);
    insert into migration.batches (run_id, entity, partition_key, seq, cursor_to, target_table, mode,
        read_count, loaded_count, rejected_count, skipped_count, rolled_back_at) values
      (1, 'students', 'A', 1, '{}', 'academic.students', 'copy', 4, 3, 1, 0, null),
      (1, 'students', 'B', 1, '{}', 'academic.students', 'copy', 2, 2, 0, 0, null),
      (1, 'students', 'B', 2, '{}', 'academic.students', 'copy', 5, 5, 0, 0, now()),
      (1, 'classes', '*', 1, '{}', 'academic.classes', 'copy', 3, 3, 0, 0, null);
    insert into migration.row_errors (run_id, batch_id, entity, partition_key, kind, source_key, rule, message)
      values (1, 1, 'students', 'A', 'rejected', '9', 'required', 'no name'),
             (1, 1, 'students', 'A', 'rejected', '9', 'email', 'bad email');
    alter table migration.batches drop constraint batches_check;
    insert into migration.batches (run_id, entity, partition_key, seq, cursor_to, target_table, mode,
        read_count, loaded_count, rejected_count, skipped_count) values
      (2, 'classes', '*', 1, '{}', 'academic.classes', 'merge', 10, 7, 1, 1);
  `)
})
afterAll(async () => {
  await portal?.drop()
})

describe("the validation views", () => {
  it("validation.count_parity compares every registered table with the ledger, per tenant when it can", async () => {
    const all = await rows(
      "select target_table, tenant, target_rows, ledger_loaded, difference, matches from validation.count_parity order by 1, 2",
    )
    expect(all).toEqual([
      // no batch loaded it yet: nothing expected, nothing there
      {
        target_table: "academic.academic_years",
        tenant: null,
        target_rows: "0",
        ledger_loaded: "0",
        difference: "0",
        matches: true,
      },
      // run 1 loaded 3 classes, run 2 says 7 more: one row per table (unpartitioned batches)
      {
        target_table: "academic.classes",
        tenant: null,
        target_rows: "3",
        ledger_loaded: "10",
        difference: "-7",
        matches: false,
      },
      {
        target_table: "academic.students",
        tenant: "A",
        target_rows: "3",
        ledger_loaded: "3",
        difference: "0",
        matches: true,
      },
      {
        target_table: "academic.students",
        tenant: "B",
        target_rows: "1",
        ledger_loaded: "2",
        difference: "-1",
        matches: false,
      },
    ])
  })

  it("validation.count_parity sees a table registered after the migration, and rows loaded into it", async () => {
    await portal.admin.query(`
      insert into migration.targets (target_table, id_column, tenant_column, legacy_columns)
        values ('financial.invoices', 'id', 'tenant_id', true);
      insert into migration.batches (run_id, entity, partition_key, seq, cursor_to, target_table, mode,
          read_count, loaded_count, rejected_count, skipped_count)
        values (1, 'invoices', 'A', 1, '{}', 'financial.invoices', 'copy', 2, 2, 0, 0),
               (1, 'invoices', 'B', 1, '{}', 'financial.invoices', 'copy', 1, 1, 0, 0)`)
    try {
      expect(
        await rows(
          "select tenant, target_rows, matches from validation.count_parity where target_table = 'financial.invoices' order by 1",
        ),
      ).toEqual([
        { tenant: "A", target_rows: "2", matches: true },
        { tenant: "B", target_rows: "1", matches: true },
      ])
    } finally {
      await portal.admin.query(`
        delete from migration.batches where entity = 'invoices';
        delete from migration.targets where target_table = 'financial.invoices'`)
    }
  })

  it("validation.ledger_balance gives each run and entity its figures, live batches only", async () => {
    expect(
      await rows(
        "select run_id, entity, batches, read, loaded, rejected, skipped, rejects_recorded, balanced from validation.ledger_balance order by 1, 2",
      ),
    ).toEqual([
      {
        run_id: "1",
        entity: "classes",
        batches: 1,
        read: "3",
        loaded: "3",
        rejected: "0",
        skipped: "0",
        rejects_recorded: "0",
        balanced: true,
      },
      {
        run_id: "1",
        entity: "students",
        batches: 2,
        read: "6",
        loaded: "5",
        rejected: "1",
        skipped: "0",
        rejects_recorded: "1",
        balanced: true,
      },
      {
        run_id: "2",
        entity: "classes",
        batches: 1,
        read: "10",
        loaded: "7",
        rejected: "1",
        skipped: "1",
        rejects_recorded: "0",
        balanced: false,
      },
    ])
  })

  it("validation.orphan_enrollments lists live enrolments whose student or class is gone or another tenant's", async () => {
    expect(
      await rows("select legacy_id, problems from validation.orphan_enrollments order by legacy_id"),
    ).toEqual([
      { legacy_id: "class-deleted", problems: ["class deleted"] },
      { legacy_id: "class-of-a", problems: ["class of another tenant"] },
      { legacy_id: "student-deleted", problems: ["student deleted"] },
      { legacy_id: "student-missing", problems: ["student missing"] },
    ])
  })

  it("validation.invoice_balance lists invoices whose balance is not total − paid", async () => {
    expect(
      await rows(
        "select legacy_id, total_amount, paid_amount, balance_due, expected_balance, difference from validation.invoice_balance",
      ),
    ).toEqual([
      {
        legacy_id: "unpaid-balance",
        total_amount: "500.00",
        paid_amount: "200.00",
        balance_due: "500.00",
        expected_balance: "300.00",
        difference: "200.00",
      },
    ])
  })

  it("validation.quran_overcount lists verses beyond the surah's count and wrong surah totals", async () => {
    expect(
      await rows(
        "select legacy_id, surah_number, verses_memorized, total_verses, surah_verses from validation.quran_overcount order by surah_number",
      ),
    ).toEqual([
      {
        legacy_id: "al-mulk-wrong-total",
        surah_number: 67,
        verses_memorized: 20,
        total_verses: 29,
        surah_verses: 30,
      },
      {
        legacy_id: "al-ikhlas-overcount",
        surah_number: 112,
        verses_memorized: 9,
        total_verses: 10,
        surah_verses: 4,
      },
    ])
    const surahs = await rows<{ n: string; verses: string }>(
      "select count(*) as n, sum(verses) as verses from validation.surah_verses",
    )
    expect(surahs).toEqual([{ n: "114", verses: "6236" }])
  })

  it("validation.future_attendance lists attendance dated after today, and not today", async () => {
    expect(await rows("select legacy_id, status from validation.future_attendance")).toEqual([
      { legacy_id: "in-three-days", status: "absent" },
    ])
  })
})

describe("who may read the views", () => {
  it("the migrator reads every view, all tenants", async () => {
    const migrator = await as("schoolbridge_migrator", null)
    expect((await rows("select * from validation.count_parity", migrator)).length).toBe(4)
    expect((await rows("select * from validation.ledger_balance", migrator)).length).toBe(3)
    expect((await rows("select * from validation.orphan_enrollments", migrator)).length).toBe(4)
    expect((await rows("select * from validation.quran_overcount", migrator)).length).toBe(2)
  })

  it("the application sees its own tenant's defects and no ledger data", async () => {
    const app = await as("schoolbridge_app", "B")
    expect(await rows("select legacy_id from validation.orphan_enrollments order by 1", app)).toEqual([
      { legacy_id: "class-of-a" },
      { legacy_id: "student-missing" },
    ])
    expect(await rows("select legacy_id from validation.future_attendance", app)).toEqual([
      { legacy_id: "in-three-days" },
    ])
    expect(await rows("select legacy_id from validation.invoice_balance", app)).toEqual([])
    await expect(app.query("select * from validation.count_parity")).rejects.toThrow(/permission denied/)
    await expect(app.query("select * from validation.ledger_balance")).rejects.toThrow(/permission denied/)
    await expect(app.query("select validation.count_parity_rows()")).rejects.toThrow(/permission denied/)
  })
})
