-- Tenants are sealed by the database itself: every foreign key from one tenant-owned table to
-- another carries the tenant, `(tenant_id, student_id) → academic.students (tenant_id, id)`, so no
-- role (the application under row-level security, or the migrator that bypasses it) can link a row
-- to another tenant's row. A single-column key let a row of one school point at another school's
-- student, and answered "is not present" only for ids that exist nowhere: an oracle of other
-- tenants' ids. With the tenant in the key, any id outside the row's own tenant is refused alike.
--
-- Done by rule rather than by hand so that no key is missed: each referenced tenant-owned table gets
-- a unique key (tenant_id, <its referenced column>), and each such foreign key is replaced by one of
-- the same name and actions with tenant_id in front. A null reference still means "none" (MATCH
-- SIMPLE), so optional references keep working.
--
-- Unique keys over references (`unique (student_id, guardian_id)`) get the tenant in front for the
-- same reason: checked before the foreign key, a key without the tenant answered "already exists"
-- for another tenant's pair. Keys of random values (token hashes) stay as they are.
--
-- A portal that already holds a link across tenants (a second school loaded over the first one's
-- ids, before ids were scoped by tenant) cannot take these keys: the migration stops and names the
-- table, so the run that loaded those rows can be rolled back first.

do $$
declare
  fk record;
  bad bigint;
  cols text;
  refcols text;
  ccols text;
  pcols text;
  uniq text;
begin
  for fk in
    select c.oid, c.conname, c.conrelid::regclass as child, c.confrelid::regclass as parent,
           c.conkey, c.confkey, c.confdeltype, c.confupdtype
      from pg_constraint c
      join pg_namespace n on n.oid = c.connamespace
     where c.contype = 'f'
       and n.nspname in ('auth', 'academic', 'islamic', 'financial', 'communication', 'content', 'analytics')
       and c.confrelid <> 'auth.tenants'::regclass
       and exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attname = 'tenant_id' and not a.attisdropped)
       and exists (select 1 from pg_attribute a where a.attrelid = c.confrelid and a.attname = 'tenant_id' and not a.attisdropped)
       and not exists (
         select 1 from pg_attribute a
          where a.attrelid = c.conrelid and a.attnum = any (c.conkey) and a.attname = 'tenant_id')
     order by c.conrelid::regclass::text, c.conname
  loop
    select string_agg(quote_ident(a.attname), ', ' order by k.i),
           string_agg('c.' || quote_ident(a.attname), ', ' order by k.i)
      into cols, ccols
      from unnest(fk.conkey) with ordinality k(attnum, i)
      join pg_attribute a on a.attrelid = fk.child and a.attnum = k.attnum;
    select string_agg(quote_ident(a.attname), ', ' order by k.i),
           string_agg('p.' || quote_ident(a.attname), ', ' order by k.i)
      into refcols, pcols
      from unnest(fk.confkey) with ordinality k(attnum, i)
      join pg_attribute a on a.attrelid = fk.parent and a.attnum = k.attnum;

    execute format(
      'select count(*) from %s c where (%s) is not null and not exists (select 1 from %s p where p.tenant_id = c.tenant_id and (%s) = (%s))',
      fk.child, ccols, fk.parent, pcols, ccols)
      into bad;
    if bad > 0 then
      raise exception '% rows of % reference rows of another tenant through %: roll back the run that loaded them (schoolbridge-migrate rollback --run N), then migrate again', bad, fk.child, fk.conname;
    end if;

    -- The unique key the composite reference needs, once per referenced table and column set.
    uniq := left(replace(fk.parent::text, '.', '_') || '_tenant_' || replace(replace(refcols, ', ', '_'), '"', ''), 63);
    if not exists (select 1 from pg_constraint where conrelid = fk.parent and conname = uniq) then
      execute format('alter table %s add constraint %I unique (tenant_id, %s)', fk.parent, uniq, refcols);
    end if;

    execute format('alter table %s drop constraint %I', fk.child, fk.conname);
    execute format(
      'alter table %s add constraint %I foreign key (tenant_id, %s) references %s (tenant_id, %s) on update cascade%s',
      fk.child, fk.conname, cols, fk.parent, refcols,
      case fk.confdeltype when 'c' then ' on delete cascade' when 'r' then ' on delete restrict' else '' end);
  end loop;
end $$;

do $$
declare
  u record;
begin
  for u in
    select c.conname, c.conrelid::regclass as tbl,
           (select string_agg(quote_ident(a.attname), ', ' order by k.i)
              from unnest(c.conkey) with ordinality k(attnum, i)
              join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as cols
      from pg_constraint c
      join pg_namespace n on n.oid = c.connamespace
     where c.contype = 'u'
       and n.nspname in ('auth', 'academic', 'islamic', 'financial', 'communication', 'content', 'analytics')
       and exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attname = 'tenant_id' and not a.attisdropped)
       and not exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attnum = any (c.conkey) and a.attname = 'tenant_id')
       -- only keys over references to other rows: a key of its own values (a token hash) is left alone
       and exists (
         select 1 from pg_constraint f
           join pg_attribute a on a.attrelid = f.conrelid and a.attnum = any (f.conkey)
          where f.contype = 'f' and f.conrelid = c.conrelid and a.attname <> 'tenant_id'
            and a.attnum = any (c.conkey))
     order by 2, 1
  loop
    execute format('alter table %s drop constraint %I', u.tbl, u.conname);
    execute format('alter table %s add constraint %I unique (tenant_id, %s)', u.tbl, u.conname, u.cols);
  end loop;
end $$;
