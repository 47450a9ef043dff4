import { Schema } from "effect"
import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `audit.audit_operation`. */
export const AuditOperation = C.enumOf("audit.audit_operation", ["INSERT", "UPDATE", "DELETE"])

/** `audit.audit_log`: one row per changed row, written by triggers; never written by mappers. */
export const AuditLog = Table.make("audit.audit_log", {
  ...Table.id,
  tenant_id: C.nullable(C.text),
  operation: AuditOperation,
  /** `schema.table` of the changed row. */
  table_name: C.text,
  row_id: C.nullable(C.uuid),
  old_data: C.nullable(C.jsonb(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  new_data: C.nullable(C.jsonb(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  /** `app.actor` of the session that made the change, else its database user. */
  actor: C.text,
  transaction_id: C.bigint,
  occurred_at: C.timestamptz,
})
/** A row of `audit.audit_log`. */
export type AuditLogRow = Table.Row<typeof AuditLog>

/** Switches the audit triggers off for the session (migrator role only; ends with the session). */
export const disableTriggersSql = "select audit.disable_triggers()"

/** Switches the audit triggers off until the current transaction ends (for pooled connections). */
export const disableTriggersForTransactionSql = "select audit.disable_triggers(true)"

/** Switches the audit triggers back on for the session. */
export const enableTriggersSql = "select audit.enable_triggers()"
