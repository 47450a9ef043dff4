import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `content.pages`: CMS pages, unique by slug per tenant among those not deleted. */
export const Pages = Table.make("content.pages", {
  ...Table.id,
  ...Table.tenant,
  slug: C.text,
  title: C.text,
  body: C.nullable(C.text),
  status: C.oneOf(["draft", "published", "archived"]),
  author_id: C.nullable(C.uuid),
  published_at: C.nullable(C.timestamptz),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `content.pages`. */
export type Page = Table.Row<typeof Pages>

/** `content.media`: uploaded files; the bytes live in object storage under `storage_key`. */
export const Media = Table.make("content.media", {
  ...Table.id,
  ...Table.tenant,
  file_name: C.text,
  mime_type: C.text,
  size_bytes: C.bigint,
  storage_key: C.text,
  url: C.nullable(C.text),
  alt_text: C.nullable(C.text),
  uploaded_by: C.nullable(C.uuid),
  ...Table.legacy,
  ...Table.timestamps,
  ...Table.softDelete,
})
/** A row of `content.media`. */
export type MediaRow = Table.Row<typeof Media>
