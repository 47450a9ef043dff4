-- validation: views an operator queries in psql after a load (seed 002 T029). Each view returns
-- only the rows at fault, so an empty result is a pass. The views over portal rows run as the
-- caller (security_invoker), so an application session sees only its own tenant's defects.

create schema if not exists validation;

-- The verse count of every surah (Hafs, 6,236 verses): the reference for hifz progress.
create view validation.surah_verses (surah_number, verses) as
values
  (1, 7), (2, 286), (3, 200), (4, 176), (5, 120), (6, 165), (7, 206), (8, 75), (9, 129), (10, 109),
  (11, 123), (12, 111), (13, 43), (14, 52), (15, 99), (16, 128), (17, 111), (18, 110), (19, 98), (20, 135),
  (21, 112), (22, 78), (23, 118), (24, 64), (25, 77), (26, 227), (27, 93), (28, 88), (29, 69), (30, 60),
  (31, 34), (32, 30), (33, 73), (34, 54), (35, 45), (36, 83), (37, 182), (38, 88), (39, 75), (40, 85),
  (41, 54), (42, 53), (43, 89), (44, 59), (45, 37), (46, 35), (47, 38), (48, 29), (49, 18), (50, 45),
  (51, 60), (52, 49), (53, 62), (54, 55), (55, 78), (56, 96), (57, 29), (58, 22), (59, 24), (60, 13),
  (61, 14), (62, 11), (63, 11), (64, 18), (65, 12), (66, 12), (67, 30), (68, 52), (69, 52), (70, 44),
  (71, 28), (72, 28), (73, 20), (74, 56), (75, 40), (76, 31), (77, 50), (78, 40), (79, 46), (80, 42),
  (81, 29), (82, 19), (83, 36), (84, 25), (85, 22), (86, 17), (87, 19), (88, 26), (89, 30), (90, 20),
  (91, 15), (92, 21), (93, 11), (94, 8), (95, 8), (96, 19), (97, 5), (98, 8), (99, 8), (100, 11),
  (101, 11), (102, 8), (103, 3), (104, 9), (105, 5), (106, 4), (107, 7), (108, 3), (109, 6), (110, 3),
  (111, 5), (112, 4), (113, 5), (114, 6);

-- Count parity of every registered target table against the ledger, computed when queried: target
-- tables are registered at run time, so a view frozen at migration time would miss later ones.
-- Target rows are the migrated ones (legacy_id set) where the table has legacy columns. Rows are
-- compared per tenant when every live batch of the table was partitioned by tenant; a batch of
-- partition '*' (or a table without a tenant column, or no batch yet) cannot be placed, so the
-- table gets one row with tenant null.
create function validation.count_parity_rows()
returns table (target_table text, tenant text, target_rows bigint, ledger_loaded bigint)
language plpgsql stable as $$
declare
  t record;
  per_tenant boolean;
begin
  for t in select mt.target_table, mt.tenant_column, mt.legacy_columns from migration.targets mt order by 1 loop
    if to_regclass(t.target_table) is null then
      -- A registered table that was dropped: all it should hold is missing.
      return query
        select t.target_table, null::text, 0::bigint, coalesce(sum(b.loaded_count), 0)::bigint
          from migration.batches b
         where b.target_table = t.target_table and b.rolled_back_at is null;
      continue;
    end if;
    select t.tenant_column is not null and count(*) > 0 and bool_and(b.partition_key <> '*')
      into per_tenant
      from migration.batches b
     where b.target_table = t.target_table and b.rolled_back_at is null;
    if per_tenant then
      return query execute format(
        'with tgt as (select %1$I::text as tenant, count(*) as n from %2$s %3$s group by 1),
              ledger as (select partition_key as tenant, sum(loaded_count)::bigint as n
                           from migration.batches where target_table = $1 and rolled_back_at is null group by 1)
         select $1, coalesce(r.tenant, l.tenant), coalesce(r.n, 0)::bigint, coalesce(l.n, 0)::bigint
           from tgt r full join ledger l on l.tenant = r.tenant',
        t.tenant_column, t.target_table,
        case when t.legacy_columns then 'where legacy_id is not null' else '' end)
        using t.target_table;
    else
      return query execute format(
        'select $1, null::text, (select count(*) from %1$s %2$s)::bigint,
                (select coalesce(sum(loaded_count), 0) from migration.batches
                  where target_table = $1 and rolled_back_at is null)::bigint',
        t.target_table,
        case when t.legacy_columns then 'where legacy_id is not null' else '' end)
        using t.target_table;
    end if;
  end loop;
end $$;

-- Every (table, tenant) with its figures, so a pass shows too; `where not matches` lists the faults.
create view validation.count_parity with (security_invoker = true) as
select target_table, tenant, target_rows, ledger_loaded,
       target_rows - ledger_loaded as difference,
       target_rows = ledger_loaded as matches
  from validation.count_parity_rows();

-- Per run and entity over the batches not rolled back; `where not balanced` lists the faults.
-- rejects_recorded counts the distinct rejected source rows in row_errors, for comparison.
create view validation.ledger_balance with (security_invoker = true) as
select b.run_id, b.entity,
       count(*)::integer as batches,
       sum(b.read_count)::bigint as read,
       sum(b.loaded_count)::bigint as loaded,
       sum(b.rejected_count)::bigint as rejected,
       sum(b.skipped_count)::bigint as skipped,
       (select count(distinct (e.batch_id, e.source_key))
          from migration.row_errors e
          join migration.batches eb on eb.batch_id = e.batch_id and eb.rolled_back_at is null
         where e.run_id = b.run_id and e.entity = b.entity and e.kind = 'rejected')::bigint as rejects_recorded,
       sum(b.read_count) = sum(b.loaded_count) + sum(b.rejected_count) + sum(b.skipped_count) as balanced
  from migration.batches b
 where b.rolled_back_at is null
 group by b.run_id, b.entity;

-- Live enrolments whose student or class is missing, soft-deleted, or of another tenant. Missing
-- parents only get in when a load ran with foreign-key triggers off (session_replication_role).
create view validation.orphan_enrollments with (security_invoker = true) as
select e.id, e.tenant_id, e.legacy_id, e.student_id, e.class_id, p.problems
  from academic.enrollments e
  left join academic.students s on s.id = e.student_id
  left join academic.classes c on c.id = e.class_id
 cross join lateral (
   select array_remove(array[
     case when s.id is null then 'student missing'
          when s.deleted_at is not null then 'student deleted'
          when s.tenant_id <> e.tenant_id then 'student of another tenant' end,
     case when c.id is null then 'class missing'
          when c.deleted_at is not null then 'class deleted'
          when c.tenant_id <> e.tenant_id then 'class of another tenant' end
   ], null) as problems
 ) p
 where e.deleted_at is null and cardinality(p.problems) > 0;

-- The table's check constraint holds this for rows it saw; a load with constraints dropped or
-- not validated does not.
create view validation.invoice_balance with (security_invoker = true) as
select id, tenant_id, legacy_id, invoice_number, total_amount, paid_amount, balance_due,
       total_amount - paid_amount as expected_balance,
       balance_due - (total_amount - paid_amount) as difference
  from financial.invoices
 where balance_due is distinct from total_amount - paid_amount;

-- More verses memorised than the surah has, or a total_verses that is not the surah's count (the
-- table's own check only compares the two columns of the row).
create view validation.quran_overcount with (security_invoker = true) as
select h.id, h.tenant_id, h.legacy_id, h.enrollment_id, h.surah_number, h.verses_memorized,
       h.total_verses, s.verses as surah_verses
  from islamic.hafiz_progress h
  join validation.surah_verses s on s.surah_number = h.surah_number
 where h.verses_memorized > s.verses or h.total_verses <> s.verses;

-- A date is in the future only once it is in the future everywhere: today in UTC+14, the
-- earliest time zone, so a school's today never shows up whatever the server's TimeZone.
create view validation.future_attendance with (security_invoker = true) as
select id, tenant_id, legacy_id, student_id, attendance_date, status
  from academic.attendance
 where attendance_date > (now() at time zone 'Etc/GMT-14')::date;

-- Ledger figures are the migrator's; portal defects are visible to applications too, through
-- their tenant's row-level security (the views run as the caller).
grant usage on schema validation to schoolbridge_migrator, schoolbridge_app;
grant select on validation.count_parity, validation.ledger_balance to schoolbridge_migrator;
grant select on validation.surah_verses, validation.orphan_enrollments, validation.invoice_balance,
  validation.quran_overcount, validation.future_attendance to schoolbridge_migrator, schoolbridge_app;
revoke execute on function validation.count_parity_rows() from public;
grant execute on function validation.count_parity_rows() to schoolbridge_migrator;
