// SPDX-License-Identifier: MIT
/**
 * Declarative Device Management, device side (notes §9). After a `DeclarativeManagement`
 * command the device syncs over check-in (`MessageType=DeclarativeManagement`):
 * `tokens` → if the DeclarationsToken changed, `declaration-items` → fetch every declaration whose
 * ServerToken changed (`declaration/<kind>/<identifier>`) → evaluate activations
 * (`com.apple.activation.simple`: StandardConfigurations, `Predicate` evaluated by
 * ddm-predicate.ts: false → inactive, outside the subset → invalid) → apply configurations
 * (assets an active configuration references through `*AssetReference` keys are downloaded and
 * verified by ddm-assets.ts; passcode.settings sets the passcode policy; management.status-subscriptions
 * chooses the status items reported) → `status` report: `management.declarations` always, plus
 * the subscribed items the schemas (declarative/status, generated STATUS_ITEMS) allow for this OS
 * version and enrollment type, type-checked against the schema; full on the first report.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded } from "../../protocol/common/context.js";
import type { MdmClient } from "../../protocol/apple/mdm-client.js";
import {
  DDM_KINDS,
  buildDeclarativeManagement,
  buildStatusReport,
  parseDeclaration,
  parseDeclarationItems,
  parseTokensResponse,
  setStatusItem,
  type DdmKind,
  type DdmReason,
  type DdmStatusReport,
} from "../../wire/apple/ddm.js";
import { STATUS_ITEMS } from "../../wire/apple/generated-data.js";
import { compareVersions } from "../../wire/version.js";
import { resolveAsset, type AssetOutcome } from "./ddm-assets.js";
import { evaluatePredicate, type PredicateValue } from "./ddm-predicate.js";
import type { AppleDevice } from "./state.js";

export type DdmSyncOutcome = { ok: true; fetched: number; reported: string[] } | { ok: false; unenrolled: true; step: string };

/** Configuration types this device model applies. */
const SUPPORTED_CONFIGURATIONS = new Set(["com.apple.configuration.passcode.settings", "com.apple.configuration.management.status-subscriptions", "com.apple.configuration.services.configuration-files"]);

/** The device's own passcode: 6 digits, not simple. */
const DEVICE_PASSCODE = { length: 6, alphanumeric: false, complex: false };

export async function ddmSync(dev: AppleDevice, client: MdmClient): Promise<DdmSyncOutcome> {
  const ctx = dev.ctx.protocol;
  dev.ddm.requested = false;
  dev.ddm.syncs++;
  const ask = async (endpoint: string, stepName: string, data?: Uint8Array) => {
    const out = await client.checkin(buildDeclarativeManagement(dev.ref, endpoint, data), stepName);
    return out;
  };
  const tokens = await ask("tokens", "ddm.tokens");
  if (tokens.kind !== "ok") return { ok: false, unenrolled: true, step: "ddm.tokens" };
  const t = tagged("ddm.tokens", dev, () => parseTokensResponse(tokens.body));
  decoded(ctx, "ddm.tokens", { declarationsToken: t.declarationsToken, timestamp: t.timestamp });
  let fetched = 0;
  if (t.declarationsToken !== dev.ddm.declarationsToken) {
    const itemsOut = await ask("declaration-items", "ddm.declaration-items");
    if (itemsOut.kind !== "ok") return { ok: false, unenrolled: true, step: "ddm.declaration-items" };
    const items = tagged("ddm.declaration-items", dev, () => parseDeclarationItems(itemsOut.body));
    decoded(ctx, "ddm.declaration-items", Object.fromEntries(DDM_KINDS.map((k) => [k, items.items[k].length])));
    const keep = new Set<string>();
    for (const kind of DDM_KINDS) {
      for (const it of items.items[kind]) {
        const key = `${kind}/${it.identifier}`;
        keep.add(key);
        if (dev.ddm.declarations.get(key)?.serverToken === it.serverToken) continue;
        const stepName = `ddm.declaration.${kind}`;
        const out = await ask(`declaration/${kind}/${encodeURIComponent(it.identifier)}`, stepName);
        if (out.kind !== "ok") return { ok: false, unenrolled: true, step: stepName };
        const d = tagged(stepName, dev, () => parseDeclaration(out.body, kind as DdmKind));
        if (d.identifier !== it.identifier) {
          throw new ProtocolViolationError("apple.ddm.identifier-mismatch", `asked for ${kind} ${it.identifier}, got ${d.identifier}`, { device: dev.ctx.protocol.device, step: stepName });
        }
        decoded(ctx, stepName, { type: d.type, identifier: d.identifier, serverToken: d.serverToken });
        dev.ddm.declarations.set(key, { kind, ...d });
        fetched++;
      }
    }
    for (const k of [...dev.ddm.declarations.keys()]) if (!keep.has(k)) dev.ddm.declarations.delete(k);
    dev.ddm.declarationsToken = items.declarationsToken;
  }
  // Evaluate activations, apply configurations.
  const all = [...dev.ddm.declarations.values()];
  const activated = new Set<string>();
  const state = new Map<string, { active: boolean; valid: "valid" | "invalid" | "unknown"; reasons?: DdmReason[] }>();
  const values0 = statusValues(dev, {});
  for (const a of all.filter((d) => d.kind === "activation")) {
    const refs = a.payload.StandardConfigurations;
    if (a.type !== "com.apple.activation.simple" || !Array.isArray(refs) || !refs.every((r) => typeof r === "string")) {
      state.set(`activation/${a.identifier}`, { active: false, valid: "invalid", reasons: [{ Code: a.type === "com.apple.activation.simple" ? "Error.InvalidPayload" : "Error.ActivationTypeNotSupported", Description: a.type }] });
      continue;
    }
    if (a.payload.Predicate !== undefined) {
      const p = evaluatePredicate(a.payload.Predicate, (n) => predicateValue(values0[n]), (n) => Object.hasOwn(values0, n) || STATUS_ITEMS.some((s) => s.item === n));
      decoded(ctx, "ddm.predicate", { activation: a.identifier, ...(p.ok ? { value: p.value } : { error: p.code }) });
      if (!p.ok) {
        state.set(`activation/${a.identifier}`, { active: false, valid: "invalid", reasons: [{ Code: p.code, Description: p.description }] });
        continue;
      }
      if (!p.value) {
        state.set(`activation/${a.identifier}`, { active: false, valid: "valid" });
        continue;
      }
    }
    for (const r of refs as string[]) activated.add(r);
    state.set(`activation/${a.identifier}`, { active: true, valid: "valid" });
  }
  dev.ddm.passcodePolicy = undefined;
  const assetState = new Map<string, AssetOutcome>();
  const subscribed = new Set<string>();
  for (const c of all.filter((d) => d.kind === "configuration")) {
    const key = `configuration/${c.identifier}`;
    if (!SUPPORTED_CONFIGURATIONS.has(c.type)) {
      state.set(key, { active: false, valid: "invalid", reasons: [{ Code: "Error.ConfigurationTypeNotSupported", Description: c.type }] });
      continue;
    }
    const on = activated.has(c.identifier);
    const assetCheck = on ? await configurationAssets(dev, client, c, all, assetState) : undefined;
    if (assetCheck) {
      state.set(key, { active: false, valid: "invalid", reasons: [assetCheck] });
      continue;
    }
    state.set(key, { active: on, valid: "valid" });
    if (!on) continue;
    if (c.type === "com.apple.configuration.passcode.settings") dev.ddm.passcodePolicy = c.payload;
    if (c.type === "com.apple.configuration.management.status-subscriptions" && Array.isArray(c.payload.StatusItems)) {
      for (const s of c.payload.StatusItems) if (s && typeof s === "object" && typeof (s as { Name?: unknown }).Name === "string") subscribed.add((s as { Name: string }).Name);
    }
  }
  const activeText = JSON.stringify(all.filter((d) => d.kind === "configuration" && state.get(`configuration/${d.identifier}`)?.active).map((d) => d.payload));
  for (const a of all.filter((d) => d.kind === "asset")) {
    const o = assetState.get(a.identifier);
    state.set(`asset/${a.identifier}`, o ? { active: o.valid, valid: o.valid ? "valid" : "invalid", ...(o.reasons ? { reasons: o.reasons } : {}) } : { active: activeText.includes(JSON.stringify(a.identifier)), valid: "valid" });
  }
  for (const m of all.filter((d) => d.kind === "management")) state.set(`management/${m.identifier}`, { active: true, valid: "valid" });

  // Status report.
  const items: Record<string, unknown> = {};
  const errors: DdmStatusReport["Errors"] = [];
  const declarations: Record<string, unknown[]> = { activations: [], configurations: [], assets: [], management: [] };
  for (const d of all) {
    const st = state.get(`${d.kind}/${d.identifier}`)!;
    const list = declarations[d.kind === "activation" ? "activations" : d.kind === "configuration" ? "configurations" : d.kind === "asset" ? "assets" : "management"]!;
    list.push({ identifier: d.identifier, active: st.active, valid: st.valid, "server-token": d.serverToken, ...(st.reasons ? { reasons: st.reasons.map((r) => ({ code: r.Code, description: r.Description })) } : {}) });
  }
  const values = statusValues(dev, declarations);
  const wanted = ["management.declarations", ...[...subscribed].sort()];
  const reported: string[] = [];
  for (const name of wanted) {
    const schema = STATUS_ITEMS.find((s) => s.item === name);
    const rule = schema?.os[dev.osName];
    const kind = dev.supervised ? "supervised" : dev.userEnrollment ? "user" : "device";
    if (!schema || !rule || rule.introduced === null || rule.introduced === "n/a" || compareVersions(dev.osVersion, rule.introduced) < 0 || (rule.enrollments && !rule.enrollments.includes(kind))) {
      errors.push({ StatusItem: name, Reasons: [{ Code: "Error.StatusItemNotSupported", Description: `${name} is not available on ${dev.osName} ${dev.osVersion} (${kind} enrollment)` }] });
      continue;
    }
    const v = values[name];
    if (v === undefined || !typeMatches(v, schema.type)) {
      errors.push({ StatusItem: name, Reasons: [{ Code: "Error.StatusItemUnavailable", Description: `the device has no value for ${name}` }] });
      continue;
    }
    setStatusItem(items, name, v);
    reported.push(name);
  }
  const report: DdmStatusReport = { StatusItems: items, Errors: errors, FullReport: dev.ddm.reports === 0 };
  const st = await ask("status", "ddm.status", buildStatusReport(report));
  if (st.kind !== "ok") return { ok: false, unenrolled: true, step: "ddm.status" };
  dev.ddm.reports++;
  decoded(ctx, "ddm.status", { reported, errors: errors.map((e) => e.StatusItem), fullReport: report.FullReport ?? false, status: st.response.status });
  return { ok: true, fetched, reported };
}

/** A status value usable in a predicate (scalars only). */
function predicateValue(v: unknown): PredicateValue | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : undefined;
}

/**
 * The assets an active configuration references (payload keys ending in `AssetReference`, string
 * or array of strings): missing → Error.MissingAssets; each present one is resolved (downloaded
 * once per ServerToken); an invalid one makes the configuration invalid (Error.ConfigurationCannotBeApplied).
 */
async function configurationAssets(dev: AppleDevice, client: MdmClient, c: { identifier: string; serverToken: string; payload: Record<string, unknown> }, all: { kind: string; type: string; identifier: string; serverToken: string; payload: Record<string, unknown> }[], seen: Map<string, AssetOutcome>): Promise<DdmReason | undefined> {
  const refs: string[] = [];
  for (const [k, v] of Object.entries(c.payload)) {
    if (!k.endsWith("AssetReference")) continue;
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === "string") refs.push(x);
  }
  const missing = refs.filter((r) => !all.some((d) => d.kind === "asset" && d.identifier === r));
  if (missing.length) return { Code: "Error.MissingAssets", Description: `missing assets ${missing.join(", ").slice(0, 200)}`, Details: { Identifier: c.identifier, ServerToken: c.serverToken, AssetIdentifiers: missing } };
  for (const r of refs) {
    let o = seen.get(r);
    if (!o) seen.set(r, (o = await resolveAsset(dev, client, all.find((d) => d.kind === "asset" && d.identifier === r)!)));
    if (!o.valid) return { Code: "Error.ConfigurationCannotBeApplied", Description: `asset ${r} is invalid (${o.reasons?.[0]?.Code ?? "unknown"})`, Details: { Error: o.reasons?.[0]?.Description ?? "" } };
  }
  return undefined;
}

function tagged<T>(stepName: string, dev: AppleDevice, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolViolationError) throw new ProtocolViolationError(e.code, e.message, { device: dev.ctx.protocol.device, step: stepName });
    throw e;
  }
}

function typeMatches(v: unknown, t: string): boolean {
  switch (t) {
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    case "integer":
      return Number.isInteger(v);
    case "real":
      return typeof v === "number";
    case "array":
      return Array.isArray(v);
    case "dictionary":
      return !!v && typeof v === "object" && !Array.isArray(v);
    default:
      return true;
  }
}

/** Values the device model knows for status items (per-model identity, OS, passcode state). */
function statusValues(dev: AppleDevice, declarations: Record<string, unknown[]>): Record<string, unknown> {
  const id = dev.ctx.identity;
  const policy = dev.ddm.passcodePolicy;
  const compliant =
    !policy ||
    ((typeof policy.MinimumLength !== "number" || policy.MinimumLength <= DEVICE_PASSCODE.length) &&
      (policy.RequireAlphanumericPasscode !== true || DEVICE_PASSCODE.alphanumeric) &&
      (policy.RequireComplexPasscode !== true || DEVICE_PASSCODE.complex));
  const family = dev.osName === "macOS" ? "Mac" : /^iPad/i.test(id.modelIdentifier ?? "") ? "iPad" : "iPhone";
  return {
    "management.declarations": declarations,
    ...(dev.userEnrollment ? {} : { "device.identifier.udid": dev.udid, "device.identifier.serial-number": id.serialNumber }),
    "device.model.family": family,
    "device.model.identifier": id.modelIdentifier,
    "device.model.marketing-name": id.marketingName,
    "device.operating-system.family": dev.osName,
    "device.operating-system.version": dev.osVersion,
    "device.operating-system.build-version": dev.buildVersion,
    ...(dev.osName === "iOS" ? { "passcode.is-present": true, "passcode.is-compliant": compliant } : {}),
  };
}
