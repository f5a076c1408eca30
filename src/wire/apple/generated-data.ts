// SPDX-License-Identifier: MIT
/**
 * The Apple schema data, read from its one source: the JSON that scripts/gen-apple-schemas.mjs
 * generates from apple/device-management (MIT licence, src/_generated/apple/LICENSE.txt) into
 * src/_generated/apple/. JSON module imports: tsc copies the files to dist/_generated/apple/ and
 * Node (>= 20.10) loads them as modules; nothing here reads a file.
 */
import checkin from "../../_generated/apple/checkin.json" with { type: "json" };
import commands from "../../_generated/apple/commands.json" with { type: "json" };
import machineinfo from "../../_generated/apple/machineinfo.json" with { type: "json" };
import payloadtypes from "../../_generated/apple/payloadtypes.json" with { type: "json" };
import status from "../../_generated/apple/status.json" with { type: "json" };
import errors from "../../_generated/apple/errors.json" with { type: "json" };
import profilekeys from "../../_generated/apple/profilekeys.json" with { type: "json" };
import type { CommandSchema, ProfileKeySchema, SchemaKey, StatusItemSchema } from "./schema-types.js";

/** The OS releases of the schemas the data was generated from. */
export const SCHEMA_RELEASE: Record<string, string> = commands._generated.release;
export const COMMAND_SCHEMAS = commands.commands as unknown as CommandSchema[];
export const CHECKIN_SCHEMAS = checkin.messages as unknown as { file: string; title: string; messageType: string; keys: SchemaKey[] }[];
export const PAYLOAD_TYPES = payloadtypes.payloadTypes as unknown as { type: string; os: CommandSchema["os"] }[];
export const MACHINEINFO_KEYS = machineinfo.keys as unknown as SchemaKey[];
export const STATUS_ITEMS = status.statusItems as unknown as StatusItemSchema[];
/** The error `code`s an MDM server may put in a 403 body (mdm/errors/*.yaml), with what each means. */
export const MDM_ERROR_CODES = errors.mdmErrors as unknown as { file: string; code: string; title: string; os: CommandSchema["os"]; meaning: string }[];
/** The keys a device checks on a profile: its top level (`TopLevel`), every payload's (`CommonPayloadKeys`), the MDM payload's (`com.apple.mdm`). */
/** The keys of a profile's top level (TopLevel), of every payload (CommonPayloadKeys) and of each payload type, by PayloadType. */
export const PROFILE_KEYS = profilekeys.profiles as unknown as Partial<Record<string, { os: CommandSchema["os"]; keys: ProfileKeySchema[] }>>;
