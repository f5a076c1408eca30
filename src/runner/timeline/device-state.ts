// SPDX-License-Identifier: MIT
/**
 * Device state that changes during a run: a timeline `set` of `state.<key>` (any key the scenario's `state:` schema
 * knows, validated by that key's own schema) on the targeted devices, at a time or after an event — the user turning a
 * proxy off, removing a profile, joining another network setting, a PC's WinHTTP proxy set by a script. The flows read
 * `identity.state` where they use a key; the new value replaces the key on the device's identity before its next step
 * (the timeline gate every step passes) and before each check-in, so the next read sees it; `null` takes the key away.
 *
 * The device's OS release (`os` on Apple, `osVersion` on Windows, `apiLevel` on Android) set mid-run is an OS update
 * (device/os-update.ts): the device installs it, restarts (the engine restarts an enrolled device) and reports the new
 * release from its next step or check-in; the load check refuses a release the model never ran (catalog osSupport) and a
 * downgrade of a pinned release (runner/scenario/os-support-semantic.ts).
 *
 * Other keys the device reads once, when it is made (device/identity.ts derives its identity from them: hardware
 * identifiers, the edition, the firmware's Knox version and patch level), are refused at load with where
 * to set them instead: changing them mid-run would leave the identity the device already reported untouched, a silent
 * no-op. `clockOffset` and `trustedRoots` keep their own handling (runner/device-clock.ts).
 */
import { Ajv, type ValidateFunction } from "ajv";
import type { DeviceIdentity } from "../../device/identity.js";
import { OS_RELEASE_KEYS, updateOs } from "../../device/os-update.js";

export { OS_RELEASE_KEYS };
import { stateSchema, type DeviceState } from "../../device/state.js";
import type { Json } from "../scenario/json.js";
import { addAnnotationKeywords, describeExpected, describeValue } from "../scenario/messages.js";
import { didYouMean } from "../scenario/suggest.js";

/** State keys the device reads once, when its identity is made (device/identity.ts identityOf). */
export const READ_AT_START: ReadonlySet<string> = new Set(["osEdition", "serialNumber", "modelIdentifier", "imei", "manufacturer", "model", "knoxVersion", "securityPatch", "gms"]);
/** State keys the timeline sets through their own mechanism (the device clock, the installed roots). */
export const OWN_HANDLING: ReadonlySet<string> = new Set(["clockOffset", "trustedRoots"]);

let validators: Map<string, ValidateFunction> | undefined;
function validator(key: string, schema: Json): ValidateFunction {
  validators ??= new Map();
  let v = validators.get(key);
  if (!v) {
    const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, strictNumbers: true, allowUnionTypes: true });
    addAnnotationKeywords(ajv);
    v = ajv.compile(schema as object);
    validators.set(key, v);
  }
  return v;
}

/** Why `set: { state.<key>: value }` cannot apply (undefined: it can): an unknown key, one read at start, or a value its schema refuses. */
export function stateSetProblem(key: string, value: unknown): { message: string; expected: string; anchor?: "key" } | undefined {
  const properties = (stateSchema() as { properties: Record<string, Json> }).properties;
  const schema = properties[key];
  if (!schema) {
    const keys = Object.keys(properties);
    // A key cut short ("clock" for "clockOffset") is too far for an edit-distance hint: name the one key it starts.
    const started = keys.filter((k) => key.length >= 3 && k.toLowerCase().startsWith(key.toLowerCase()));
    const hint = didYouMean(key, keys) || (started.length === 1 ? ` (did you mean "${started[0]}"?)` : "");
    return { message: `state.${key} is not a device state key${hint}`, expected: "a key of the scenario's state: (scenarios/README-<platform>.md)", anchor: "key" };
  }
  if (READ_AT_START.has(key))
    return {
      anchor: "key",
      message: `state.${key} is read once, when the device is made (its identity and what it reports from the first request): set it in the group's state:, not during the run`,
      expected: "a state key the flows read when they use it",
    };
  if (value === null && OS_RELEASE_KEYS.has(key)) return { message: `state.${key} is the device's OS release, installed by an update; it cannot be taken away (null): give the release it updates to`, expected: "a release the model runs" };
  // null takes the key away (the setting removed: `netsh winhttp reset proxy`), back to the catalog model's.
  if (value === null) return undefined;
  const check = validator(key, schema);
  if (check(value)) return undefined;
  const err = check.errors![0]!;
  const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues;
  const expected = allowed ? `one of ${allowed.join(", ")}` : (describeExpected(schema as never) ?? "a value the state schema accepts");
  return { message: `state.${key}${err.instancePath.replace(/\//g, ".")} ${err.message ?? "is invalid"} (got ${describeValue(value)}); expected ${expected}`, expected };
}

/** Per device (run-wide index): the state keys the timeline set, in force from then on. */
export class DeviceStateSets {
  private readonly sets = new Map<number, Partial<DeviceState>>();

  set(indices: readonly number[], values: readonly { key: string; value: unknown }[]): void {
    for (const i of indices) this.sets.set(i, { ...this.sets.get(i), ...Object.fromEntries(values.map((v) => [v.key, v.value])) });
  }

  of(index: number): Partial<DeviceState> | undefined {
    return this.sets.get(index);
  }
}

/** Puts the keys the timeline set on the identity the flows read (a new state object: a group's is shared by its devices). */
export function applyStateSets(identity: DeviceIdentity, sets: Partial<DeviceState> | undefined): void {
  if (!sets) return;
  // The OS release keys are an update the device installs (device/os-update.ts): its identity reports the new release.
  for (const [k, v] of Object.entries(sets)) if (OS_RELEASE_KEYS.has(k)) updateOs(identity, k, v);
  // A TPM firmware update (state.tpm set mid-run) may change the specification version the PC reports (DeviceStatus/TPM).
  const tpm = sets.tpm as DeviceState["tpm"] | null | undefined;
  if (identity.windows && tpm !== undefined) identity.windows.tpmVersion = tpm?.version ?? identity.windows.tpmVersion;
  const state = identity.state ?? {};
  if (Object.entries(sets).every(([k, v]) => (state as Record<string, unknown>)[k] === (v ?? undefined))) return;
  const next: Record<string, unknown> = { ...state, ...sets };
  for (const [k, v] of Object.entries(sets)) if (v === null) delete next[k];
  identity.state = next as DeviceState;
}
