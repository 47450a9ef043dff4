-- financial: fee structures, invoices with items, payments allocated to invoices, scholarships.
-- Amounts are numeric(12,2) in the row's currency (MYR unless said otherwise); never floats.

create schema if not exists financial;

create type financial.invoice_status as enum ('draft', 'sent', 'partially_paid', 'paid', 'overdue', 'cancelled', 'refunded');
create type financial.payment_status as enum ('pending', 'completed', 'failed', 'cancelled', 'refunded');

create table financial.fee_structures (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  academic_year_id uuid references academic.academic_years (id),
  code             text,
  name             text not null,
  description      text,
  amount           numeric(12,2) not null check (amount >= 0),
  currency         text not null default 'MYR' check (currency ~ '^[A-Z]{3}$'),
  frequency        text not null default 'one_time' check (frequency in ('one_time', 'monthly', 'termly', 'annually')),
  grade_level      text,
  is_active        boolean not null default true,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index fee_structures_tenant on financial.fee_structures (tenant_id);
create index fee_structures_academic_year on financial.fee_structures (academic_year_id);
create index fee_structures_legacy on financial.fee_structures (legacy_source, legacy_id) where legacy_id is not null;

-- Totals hold by construction: total = subtotal - discount + tax and balance = total - paid. A paid
-- amount above the total (flagged, not rejected, by manifest option) shows as a negative balance.
create table financial.invoices (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  invoice_number   text not null,
  student_id       uuid not null references academic.students (id),
  academic_year_id uuid references academic.academic_years (id),
  invoice_date     date not null,
  due_date         date not null,
  subtotal         numeric(12,2) not null default 0,
  discount_amount  numeric(12,2) not null default 0 check (discount_amount >= 0),
  tax_amount       numeric(12,2) not null default 0 check (tax_amount >= 0),
  total_amount     numeric(12,2) not null default 0,
  paid_amount      numeric(12,2) not null default 0 check (paid_amount >= 0),
  balance_due      numeric(12,2) not null default 0,
  currency         text not null default 'MYR' check (currency ~ '^[A-Z]{3}$'),
  status           financial.invoice_status not null default 'draft',
  notes            text,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz,
  unique (tenant_id, invoice_number),
  check (total_amount = subtotal - discount_amount + tax_amount),
  check (balance_due = total_amount - paid_amount)
);
create index invoices_student on financial.invoices (student_id);
create index invoices_academic_year on financial.invoices (academic_year_id);
create index invoices_legacy on financial.invoices (legacy_source, legacy_id) where legacy_id is not null;

create table financial.invoice_items (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  invoice_id       uuid not null references financial.invoices (id) on delete cascade,
  fee_structure_id uuid references financial.fee_structures (id),
  description      text not null,
  quantity         numeric(10,2) not null default 1 check (quantity > 0),
  unit_price       numeric(12,2) not null,
  amount           numeric(12,2) not null,
  sort_order       integer not null default 0,
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index invoice_items_tenant on financial.invoice_items (tenant_id);
create index invoice_items_invoice on financial.invoice_items (invoice_id, sort_order);
create index invoice_items_fee_structure on financial.invoice_items (fee_structure_id);
create index invoice_items_legacy on financial.invoice_items (legacy_source, legacy_id) where legacy_id is not null;

-- A payment reaches invoices through payment_allocations (one payment may settle several).
create table financial.payments (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      text not null references auth.tenants (code) on update cascade,
  student_id     uuid not null references academic.students (id),
  receipt_number text,
  amount         numeric(12,2) not null check (amount > 0),
  currency       text not null default 'MYR' check (currency ~ '^[A-Z]{3}$'),
  paid_at        timestamptz not null,
  method         text not null default 'other'
                 check (method in ('cash', 'bank_transfer', 'card', 'cheque', 'fpx', 'ewallet', 'other')),
  reference      text,
  status         financial.payment_status not null default 'pending',
  notes          text,
  legacy_source  text,
  legacy_id      text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  deleted_at     timestamptz
);
create index payments_tenant on financial.payments (tenant_id);
create unique index payments_tenant_receipt on financial.payments (tenant_id, receipt_number) where receipt_number is not null;
create index payments_student on financial.payments (student_id);
create index payments_legacy on financial.payments (legacy_source, legacy_id) where legacy_id is not null;

create table financial.payment_allocations (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  payment_id    uuid not null references financial.payments (id) on delete cascade,
  invoice_id    uuid not null references financial.invoices (id),
  amount        numeric(12,2) not null check (amount > 0),
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  unique (payment_id, invoice_id)
);
create index payment_allocations_tenant on financial.payment_allocations (tenant_id);
create index payment_allocations_invoice on financial.payment_allocations (invoice_id);
create index payment_allocations_legacy on financial.payment_allocations (legacy_source, legacy_id) where legacy_id is not null;

-- `value` is a percentage (0-100) for kind 'percentage', an amount for kind 'fixed'.
create table financial.scholarships (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     text not null references auth.tenants (code) on update cascade,
  code          text,
  name          text not null,
  description   text,
  kind          text not null check (kind in ('percentage', 'fixed')),
  value         numeric(12,2) not null check (value >= 0),
  is_active     boolean not null default true,
  legacy_source text,
  legacy_id     text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  deleted_at    timestamptz,
  check (kind <> 'percentage' or value <= 100)
);
create index scholarships_tenant on financial.scholarships (tenant_id);
create index scholarships_legacy on financial.scholarships (legacy_source, legacy_id) where legacy_id is not null;

create table financial.student_scholarships (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        text not null references auth.tenants (code) on update cascade,
  student_id       uuid not null references academic.students (id),
  scholarship_id   uuid not null references financial.scholarships (id),
  academic_year_id uuid references academic.academic_years (id),
  start_date       date,
  end_date         date,
  status           text not null default 'active' check (status in ('active', 'suspended', 'ended')),
  legacy_source    text,
  legacy_id        text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  deleted_at       timestamptz
);
create index student_scholarships_tenant on financial.student_scholarships (tenant_id);
create index student_scholarships_student on financial.student_scholarships (student_id);
create index student_scholarships_scholarship on financial.student_scholarships (scholarship_id);
create index student_scholarships_academic_year on financial.student_scholarships (academic_year_id);
create index student_scholarships_legacy on financial.student_scholarships (legacy_source, legacy_id) where legacy_id is not null;
