/**
 * Gibbon's personal documents (`gibbonPersonalDocument`, typed by `gibbonPersonalDocumentType`, v24+)
 * into the portal. An ID Card number is a person's MyKad: `nationalIds` plans the national id of every
 * person once over the whole table (pure), and the student and guardian mappers take the plan as an
 * option. Every document, ID cards included, is also kept as an `academic.person_documents` row.
 */

import { Country, DateInput, MyKad, Text } from "@schoolbridge/cleansers"
import { type Entity, Transform } from "@schoolbridge/core"
import { Academic, Table } from "@schoolbridge/schema"
import { Schema } from "effect"
import {
  blank,
  cleanOrNull,
  cleanWith,
  type NationalIds,
  normalizeId,
  type Options,
  studentsEntity,
  usersEntity,
} from "./Gibbon.js"
import { guardiansEntity, type PersonIndex } from "./GibbonFamily.js"
import { compareKeys } from "./StudentNumber.js"

const Scalar = Schema.NullOr(Schema.Union(Schema.String, Schema.Number))
const Key = Schema.Union(Schema.Number, Schema.String)

/** A raw `gibbonPersonalDocumentType` row: the catalog of document kinds. */
export const DocumentTypeRow = Schema.Struct({
  gibbonPersonalDocumentTypeID: Key,
  name: Scalar,
  /** `enum('Passport','ID Card','Visa','Document')`. */
  document: Scalar,
})
/** A raw Gibbon document type. */
export type DocumentTypeRow = typeof DocumentTypeRow.Type

/** A raw `gibbonPersonalDocument` row. */
export const DocumentRow = Schema.Struct({
  gibbonPersonalDocumentID: Key,
  gibbonPersonalDocumentTypeID: Scalar,
  /** The owning table: `gibbonPerson` for a person; application forms keep their own documents. */
  foreignTable: Scalar,
  foreignTableID: Scalar,
  /** `enum('Passport','ID Card','Visa','Document')`, a copy of the type's. */
  document: Scalar,
  documentNumber: Scalar,
  /** The holder's name as the document writes it. */
  documentName: Scalar,
  /** A visa's or residency permit's type. */
  documentType: Scalar,
  dateIssue: Scalar,
  dateExpiry: Scalar,
  filePath: Scalar,
  country: Scalar,
  timestamp: Scalar,
})
/** A raw Gibbon personal document. */
export type DocumentRow = typeof DocumentRow.Type

/** Entity name of the documents flow. */
export const documentsEntity = "gibbon.person_documents"

/** A portal document kind (`person_documents.document_type`). */
export type DocumentKind = "passport" | "id_card" | "visa" | "document"

/** Gibbon's `document` enum → the portal's document kind. */
export const documentKinds: Readonly<Record<string, DocumentKind>> = {
  Passport: "passport",
  "ID Card": "id_card",
  Visa: "visa",
  Document: "document",
}

/** A document type as the mappers use it. */
export interface DocumentType {
  readonly name: string | null
  readonly kind: DocumentKind | null
}

/** Document types by normalized `gibbonPersonalDocumentTypeID`. */
export type TypeIndex = ReadonlyMap<string, DocumentType>

/** Indexes `gibbonPersonalDocumentType` rows by id; rows without an id are left out. */
export const indexTypes = (rows: ReadonlyArray<DocumentTypeRow>): TypeIndex => {
  const index = new Map<string, DocumentType>()
  for (const row of rows) {
    const id = normalizeId(row.gibbonPersonalDocumentTypeID)
    const document = blank(row.document)
    if (id !== undefined)
      index.set(id, {
        name: blank(row.name),
        kind: document === null ? null : (documentKinds[document] ?? null),
      })
  }
  return index
}

/** The kind of a document: its type's, else the row's own `document` column; null when neither is known. */
export const kindOf = (row: DocumentRow, types: TypeIndex): DocumentKind | null => {
  const typeId = normalizeId(row.gibbonPersonalDocumentTypeID)
  const fromType = typeId === undefined ? null : (types.get(typeId)?.kind ?? null)
  if (fromType !== null) return fromType
  const own = blank(row.document)
  return own === null ? null : (documentKinds[own] ?? null)
}

// An ID card with no country, or a Malaysian one, is a MyKad; a foreign ID card is kept as it is.
const isMyKadCard = (row: DocumentRow, types: TypeIndex): boolean => {
  if (kindOf(row, types) !== "id_card") return false
  const country = Country.clean(blank(row.country))
  return country._tag === "Invalid" || country.value === null || country.value === "MY"
}

/** The person a document belongs to, or undefined for documents of other tables (application forms). */
export const ownerOf = (row: DocumentRow): string | undefined =>
  blank(row.foreignTable) === "gibbonPerson" ? normalizeId(row.foreignTableID) : undefined

/**
 * Plans the national id of every person from their MyKad ID cards, in document-key order: the first
 * valid card wins; a later card with another number, or a card that is not a valid MyKad, becomes a
 * note for the person's row. `asOf` is the date MyKad ages are checked at.
 */
export const nationalIds = (
  rows: ReadonlyArray<DocumentRow>,
  types: TypeIndex,
  options: Pick<Options, "asOf">,
): NationalIds => {
  const sorted = [...rows].sort((a, b) =>
    compareKeys(String(a.gibbonPersonalDocumentID).trim(), String(b.gibbonPersonalDocumentID).trim()),
  )
  const ids = new Map<string, string>()
  const invalid = new Map<string, string>()
  const conflicts = new Map<string, string>()
  for (const row of sorted) {
    const person = ownerOf(row)
    if (person === undefined || !isMyKadCard(row, types)) continue
    const cleaned = MyKad.clean(blank(row.documentNumber), { referenceDate: options.asOf })
    const doc = normalizeId(row.gibbonPersonalDocumentID) ?? String(row.gibbonPersonalDocumentID)
    if (cleaned._tag === "Invalid") {
      if (!invalid.has(person))
        invalid.set(person, `ID Card ${doc}: ${cleaned.reason}; not used as the national id`)
      continue
    }
    if (cleaned.value === null) {
      if (!invalid.has(person)) invalid.set(person, `ID Card ${doc}: no document number; no national id`)
      continue
    }
    const held = ids.get(person)
    if (held === undefined) ids.set(person, cleaned.value.number)
    else if (held !== cleaned.value.number && !conflicts.has(person))
      conflicts.set(
        person,
        `ID Card ${doc} holds ${cleaned.value.number}, another card ${held}: kept ${held}`,
      )
  }
  const notes = new Map<string, string>()
  for (const [person, message] of invalid) if (!ids.has(person)) notes.set(person, message)
  for (const [person, message] of conflicts) notes.set(person, message)
  return { ids, notes }
}

/** Options of the documents mapper. */
export interface DocumentOptions extends Options {
  readonly types: TypeIndex
  readonly persons: PersonIndex
}

const documentsValues = Table.values(Academic.PersonDocuments)

/**
 * Maps one `gibbonPersonalDocument` of a person to an `academic.person_documents` row array. The holder
 * is the person's user, student and guardian rows (whichever they have); documents of other tables
 * are skipped.
 */
export const mapDocument =
  (options: DocumentOptions) =>
  (row: DocumentRow, ctx: Transform.RowContext): Transform.Outcome => {
    const table = blank(row.foreignTable)
    if (table !== "gibbonPerson") return Transform.skip(`belongs to ${table ?? "no table"}, not to a person`)
    const reasons: Array<Transform.Reason> = []
    const key = normalizeId(row.gibbonPersonalDocumentID)
    if (key === undefined)
      reasons.push(
        Transform.reason(
          "gibbonPersonalDocumentID",
          "gibbon_id",
          `${String(row.gibbonPersonalDocumentID)} is not an id`,
        ),
      )
    const owner = ownerOf(row)
    const person = owner === undefined ? undefined : options.persons.get(owner)
    if (owner === undefined || person === undefined)
      reasons.push(
        Transform.reason(
          "foreignTableID",
          "holder",
          `person ${String(row.foreignTableID)} is not in gibbonPerson: the document has no holder`,
        ),
      )
    const student = person?.categories.has("Student") === true
    const guardian = person?.categories.has("Parent") === true
    if (person !== undefined && !person.login && !student && !guardian)
      reasons.push(
        Transform.reason(
          "foreignTableID",
          "holder",
          `person ${owner} has no login and is neither a student nor a parent: no portal row to attach the document to`,
        ),
      )
    const kind = kindOf(row, options.types)
    if (kind === null)
      reasons.push(
        Transform.reason(
          "gibbonPersonalDocumentTypeID",
          "document_type",
          `type ${String(row.gibbonPersonalDocumentTypeID)} is not in gibbonPersonalDocumentType and document "${String(row.document)}" is not a Gibbon document kind`,
        ),
      )
    let number = blank(row.documentNumber)
    if (isMyKadCard(row, options.types)) {
      const mykad = cleanWith(
        ctx,
        "documentNumber",
        "mykad",
        MyKad.clean(number, { referenceDate: options.asOf }),
      )
      if (!mykad.ok) reasons.push(mykad.reason)
      else number = mykad.value?.number ?? null
    }
    const day = { today: options.asOf, timeZone: options.timeZone } as const
    const issued = cleanOrNull(
      ctx,
      "dateIssue",
      "date",
      DateInput.clean(blank(row.dateIssue), { ...day, notFuture: true }),
    )
    const expires = cleanOrNull(ctx, "dateExpiry", "date", DateInput.clean(blank(row.dateExpiry), day))
    if (issued !== null && expires !== null && expires < issued)
      reasons.push(
        Transform.reason("dateExpiry", "date_order", `expires ${expires}, before it was issued ${issued}`),
      )
    if (key === undefined || owner === undefined || kind === null || reasons.length > 0)
      return Transform.reject(...reasons)
    const typeId = normalizeId(row.gibbonPersonalDocumentTypeID)
    const stamp = cleanOrNull(
      ctx,
      "timestamp",
      "timestamp",
      DateInput.clean(blank(row.timestamp), { kind: "dateTime", ...day, notFuture: true }),
    )
    return documentsValues({
      id: ctx.id(ctx.tenant, key),
      tenant_id: options.tenant,
      user_id: person?.login === true ? ctx.id(ctx.tenant, owner, usersEntity) : null,
      student_id: student ? ctx.id(ctx.tenant, owner, studentsEntity) : null,
      guardian_id: guardian ? ctx.id(ctx.tenant, owner, guardiansEntity) : null,
      document_type: kind,
      title: typeId === undefined ? null : (options.types.get(typeId)?.name ?? null),
      subtype: cleanOrNull(ctx, "documentType", "text", Text.clean(blank(row.documentType))),
      holder_name: cleanOrNull(ctx, "documentName", "text", Text.clean(blank(row.documentName))),
      document_number: number,
      country: cleanOrNull(ctx, "country", "country", Country.clean(blank(row.country))),
      issued_on: issued,
      expires_on: expires,
      file_path: blank(row.filePath),
      legacy_source: ctx.entity,
      legacy_id: key,
      created_at: stamp ?? options.loadedAt,
      updated_at: stamp ?? options.loadedAt,
      deleted_at: null,
    })
  }

/** The Gibbon documents entity; loads after the user, student and guardian rows it points at. */
export const documents = (options: DocumentOptions): Entity.Entity<DocumentRow> => ({
  name: documentsEntity,
  target: Academic.PersonDocuments.target,
  transform: Transform.fromRow(mapDocument(options)),
  ids: "ordered",
  dependsOn: [usersEntity, studentsEntity, guardiansEntity],
})
