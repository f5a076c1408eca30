// SPDX-License-Identifier: MIT
/** Shapes of the data generated from Apple's device-management YAML (scripts/gen-apple-schemas.mjs). */
export type SchemaType = "string" | "integer" | "boolean" | "data" | "date" | "array" | "dictionary" | "real" | "any";

export interface OsRule {
  introduced: string | null;
  deprecated?: string;
  removed?: string;
  accessrights?: string;
  supervised?: boolean;
  requiresdep?: boolean;
  devicechannel?: boolean;
  userchannel?: boolean;
  /** "allowed" | "forbidden" | "ignored" */
  userenrollment?: string;
  /** "allowed" | "forbidden" | "required" | "ignored": on a Shared iPad (multi-user iPad). */
  sharedipad?: string;
  /** macOS: needs a user-approved MDM enrollment. */
  userapprovedmdm?: boolean;
}

export interface SchemaKey {
  key: string;
  type: SchemaType;
  presence: "required" | "optional";
  os?: { iOS?: OsRule; macOS?: OsRule };
  rangelist?: unknown[];
  subkeys?: SchemaKey[];
}

/** A profile key (mdm/profiles/*.yaml): also the regular expression its string value must match. */
export interface ProfileKeySchema extends SchemaKey {
  format?: string;
  subkeys?: ProfileKeySchema[];
}

export interface CommandSchema {
  file: string;
  title: string;
  requestType: string;
  os: { iOS?: OsRule; macOS?: OsRule };
  payloadKeys: SchemaKey[];
  responseKeys: SchemaKey[];
}

/** A declarative-management status item (declarative/status/*.yaml). */
export interface StatusItemSchema {
  file: string;
  /** Dotted name, e.g. "passcode.is-compliant". */
  item: string;
  type: SchemaType;
  /** introduced, and the enrollment types allowed (supervised, device, user, local). */
  os: { iOS?: { introduced: string | null; enrollments?: string[] }; macOS?: { introduced: string | null; enrollments?: string[] } };
  subkeys?: SchemaKey[];
}
