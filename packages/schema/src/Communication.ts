import { Schema } from "effect"
import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `communication.notifications`: a notice to one user on one channel. */
export const Notifications = Table.make("communication.notifications", {
  ...Table.id,
  ...Table.tenant,
  user_id: C.uuid,
  kind: C.text,
  title: C.text,
  body: C.nullable(C.text),
  data: C.nullable(C.jsonb(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  channel: C.oneOf(["in_app", "email", "sms", "push"]),
  sent_at: C.nullable(C.timestamptz),
  read_at: C.nullable(C.timestamptz),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `communication.notifications`. */
export type Notification = Table.Row<typeof Notifications>

/** `communication.messages`: user-to-user messages; a reply names its `parent_id`. */
export const Messages = Table.make("communication.messages", {
  ...Table.id,
  ...Table.tenant,
  sender_id: C.uuid,
  recipient_id: C.uuid,
  parent_id: C.nullable(C.uuid),
  subject: C.nullable(C.text),
  body: C.text,
  read_at: C.nullable(C.timestamptz),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `communication.messages`. */
export type Message = Table.Row<typeof Messages>

/** `communication.announcements`: to everyone, a group, or one class (`class_id` set exactly then). */
export const Announcements = Table.make("communication.announcements", {
  ...Table.id,
  ...Table.tenant,
  author_id: C.nullable(C.uuid),
  class_id: C.nullable(C.uuid),
  title: C.text,
  body: C.text,
  audience: C.oneOf(["all", "students", "parents", "teachers", "staff", "class"]),
  is_pinned: C.boolean,
  published_at: C.nullable(C.timestamptz),
  expires_at: C.nullable(C.timestamptz),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `communication.announcements`. */
export type Announcement = Table.Row<typeof Announcements>
