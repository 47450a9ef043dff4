import { Either, ParseResult, Schema } from "effect"
import { SdmsError } from "./SdmsError.js"

/** A record kind, as it appears in SDMS paths. */
export type Kind = "students" | "staff" | "schools"

/** A JSON object as SDMS sent it. */
export type Json = { readonly [key: string]: unknown }

const Timestamp = Schema.String.pipe(
  Schema.filter((s) => !Number.isNaN(Date.parse(s)), { message: () => "not a date-time" }),
)
const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "not a YYYY-MM-DD date" }),
)
const nullable = <S extends Schema.Schema.Any>(s: S) =>
  Schema.optionalWith(Schema.NullOr(s), { default: () => null })

/** The fields of a student record the client reads; the record keeps the rest in `raw`. */
export const StudentFields = Schema.Struct({
  sdmsId: Schema.String,
  myKad: nullable(Schema.String),
  passportNo: nullable(Schema.String),
  fullName: Schema.NonEmptyString,
  birthDate: IsoDate,
  sex: Schema.Literal("M", "F"),
  nationality: Schema.String,
  schoolCode: Schema.NullOr(Schema.String),
  yearLevel: Schema.String,
  enrolmentStatus: Schema.Literal("active", "transferred", "graduated", "withdrawn", "deceased"),
  lastUpdated: Timestamp,
})

/** The fields of a staff record the client reads. */
export const StaffFields = Schema.Struct({
  sdmsId: Schema.String,
  myKad: Schema.String,
  fullName: Schema.NonEmptyString,
  schoolCode: Schema.NullOr(Schema.String),
  post: Schema.NonEmptyString,
  lastUpdated: Timestamp,
})

/** A school's postal address. */
export const Address = Schema.Struct({
  line1: Schema.String,
  line2: nullable(Schema.String),
  postcode: Schema.String,
  city: Schema.String,
  state: Schema.String,
})

/** The fields of a school record the client reads. */
export const SchoolFields = Schema.Struct({
  schoolCode: Schema.String,
  name: Schema.NonEmptyString,
  type: Schema.String,
  state: Schema.String,
  district: Schema.String,
  address: Address,
  ppdCode: Schema.String,
  jpnCode: Schema.String,
  lastUpdated: Timestamp,
})

/** What every decoded record carries besides its fields: the body as SDMS sent it, unknown fields included. */
export interface Raw {
  readonly raw: Json
}

export type Student = typeof StudentFields.Type & Raw
export type Staff = typeof StaffFields.Type & Raw
export type School = typeof SchoolFields.Type & Raw

/** The record type of each kind. */
export interface ByKind {
  readonly students: Student
  readonly staff: Staff
  readonly schools: School
}

const schemas = { students: StudentFields, staff: StaffFields, schools: SchoolFields } as const
const decoders = {
  students: Schema.decodeUnknownEither(StudentFields, { errors: "all", onExcessProperty: "ignore" }),
  staff: Schema.decodeUnknownEither(StaffFields, { errors: "all", onExcessProperty: "ignore" }),
  schools: Schema.decodeUnknownEither(SchoolFields, { errors: "all", onExcessProperty: "ignore" }),
}

/** The schema of a kind's fields. */
export const schemaOf = <K extends Kind>(kind: K) => schemas[kind]

/**
 * Decodes a body: the known fields typed, the whole body kept in `raw`. A missing or mistyped
 * field is an `InvalidResponse` that names it (the first one; the message lists them all).
 */
export const decode = <K extends Kind>(
  kind: K,
  id: string,
  body: unknown,
): Either.Either<ByKind[K], SdmsError> => {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return Either.left(
      new SdmsError({
        reason: "InvalidResponse",
        subject: kind,
        id,
        message: `SDMS ${kind} ${id}: the body is not a JSON object`,
      }),
    )
  const decoded = (decoders[kind] as (u: unknown) => Either.Either<unknown, ParseResult.ParseError>)(body)
  if (Either.isRight(decoded))
    return Either.right({ ...(decoded.right as object), raw: body as Json } as unknown as ByKind[K])
  const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
  const described = issues.map((i) => {
    const field = i.path.join(".")
    return i._tag === "Missing" ? `${field} is missing` : `${field}: ${i.message}`
  })
  const field = issues[0]?.path.join(".") ?? ""
  return Either.left(
    new SdmsError({
      reason: "InvalidResponse",
      subject: kind,
      id,
      field,
      message: `SDMS ${kind} ${id}: ${described.join("; ")}`,
    }),
  )
}
