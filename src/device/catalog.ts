// SPDX-License-Identifier: MIT
/**
 * The device catalog: one YAML file per real hardware model (`devices/*.yaml`, documented in
 * `devices/README.md`). This module parses and validates one entry and holds the set; reading
 * the files is `runner/catalog-files.ts`'s job. Every validation error is a `ScenarioError`
 * located at `file:line:column`.
 */
import { isMap, isScalar, isSeq } from "yaml";
import type { Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { didYouMean } from "../errors/suggest.js";
import { AgentCatalog, AGENT_PLATFORMS } from "./agents.js";
import { SetupTextCatalog } from "./android/setup-texts.js";
import { CertRepParserCatalog } from "./certrep-parsers.js";
import { ProfileInstallPathCatalog } from "./profile-install-paths.js";
import { RenegotiationCatalog } from "./tls-renegotiation.js";
import { MapReader, readYaml, type Reader } from "./catalog-reader.js";
import { describeRange, OS_NAME, osRangeProblem, pinnedRelease, rangeMessage, type OsSupport } from "./os-support.js";
import { parseOui, serialPatternProblem } from "./identifiers.js";
import { familyOf, stateProblem, TPM_MANUFACTURERS, type DeviceState, type TpmManufacturer } from "./state.js";
import type { AppleUdidFormat } from "./identifiers.js";
import { displayVersionFor, displayVersionProblem, type WindowsBuildTable } from "./windows-builds.js";
import { KNOX_BLOB_DEFECTS, type KnoxBlobDefect } from "../wire/android/knox-attestation.js";

export const PLATFORMS = AGENT_PLATFORMS;
export type Platform = (typeof PLATFORMS)[number];

export const SERIAL_FORMATS = ["apple-random-10", "apple-legacy-12", "dell-service-tag", "hp", "lenovo", "surface"] as const;
export type SerialFormat = (typeof SERIAL_FORMATS)[number];
/** A named OEM serial format, or a pattern such as `{d5}FDJH00{C3}` (see `serialPatternProblem`). */
export type SerialSpec = { format: SerialFormat } | { pattern: string };

/** One OS release the model runs: what the device reports as its version and build. */
export interface OsRelease {
  /** Apple `OSVersion` ("17.5.1"), Windows `ApplicationVersion` ("10.0.22631.3593"), Android release ("14"). */
  version: string;
  /** Apple `BuildVersion` ("21F90"), Windows OS build ("22631.3593"), Android `Build.ID` ("AP2A.240805.005"). */
  build: string;
  /** Windows display version ("23H2"). */
  displayVersion?: string;
  /** Android API level (34 for Android 14). */
  apiLevel?: number;
  /** Android security patch level, YYYY-MM-DD. */
  securityPatch?: string;
  /** Samsung: the Knox version of the firmware (Settings › About phone › Software information › Knox version), "2.8", "3.2.1". */
  knoxVersion?: string;
}

export type InterfaceKind = "wifi" | "ethernet" | "bluetooth";
/** A network interface and the vendor OUIs its factory MAC address comes from. */
export interface NetworkInterfaceSpec {
  kind: InterfaceKind;
  ouis: string[];
}

export interface CellularSpec {
  /** Number of IMEIs (2 for dual-SIM/eSIM phones). */
  imeiCount: 1 | 2;
  /** 8-digit Type Allocation Codes the IMEIs start with. */
  tacs: string[];
  /** `from-imei`: MEID = first 14 digits of the IMEI (iPhone); `generated`: a hex CDMA MEID. */
  meid: "none" | "from-imei" | "generated";
  /** For `generated`: regional + manufacturer code, 8 hex digits. */
  meidPrefix?: string;
}

export interface AppleSpec {
  /** MDM `ModelName`: "iPhone", "iPad", "MacBook Air". */
  modelName: string;
  udidFormat: AppleUdidFormat;
  /** SoC id for `ecid` UDIDs, 4 hex digits ("8120" = A16). */
  chipId?: string;
}

export interface WindowsEdition {
  /** "Enterprise", "Pro", "Education". */
  name: string;
  /** MS-MDE2 `OSEdition` (GetProductInfo value): 4 Enterprise, 48 Pro, 121 Education. */
  osEdition: number;
}

export interface WindowsSpec {
  /** Decides the generated computer name: DESKTOP-XXXXXXX or LAPTOP-XXXXXXXX. */
  chassis: "desktop" | "laptop";
  editions: WindowsEdition[];
  tpmVersion: "2.0" | "1.2" | "none";
  /** Who made the model's TPM and the firmware it ships with, when published (state.tpm overrides per group). */
  tpmManufacturer?: TpmManufacturer;
  tpmFirmwareVersion?: string;
  /** SMBIOS System Family ("Latitude"). */
  systemFamily?: string;
}

export interface AndroidSpec {
  /** `Build.BRAND` ("google"). */
  brand: string;
  /** `Build.DEVICE` codename ("shiba"). */
  device: string;
  /** `Build.PRODUCT` ("shiba"). */
  product: string;
  /** Ships Google Mobile Services (Play, Android Enterprise via Google). */
  gms: boolean;
  /** Samsung: firmware whose attestation framework writes a defective Knox attestation blob, per Build.MODEL and API level (device/android/kme-attestation.ts). */
  knoxAttestation?: KnoxAttestationRule[];
}

/** A published firmware defect of the Knox attestation blob: which models (Build.MODEL) on which API levels, and the source. */
export interface KnoxAttestationRule {
  models: string[];
  apiLevels: number[];
  blob: KnoxBlobDefect;
  source: string;
}

/** One catalog entry. See devices/README.md for what each field means per platform. */
export interface DeviceModel {
  id: string;
  platform: Platform;
  /** As the device reports it: "Apple Inc.", SMBIOS "Dell Inc.", `Build.MANUFACTURER` "Google". */
  manufacturer: string;
  marketingName: string;
  /** Apple `ProductName` ("iPhone15,4"), SMBIOS product name ("Latitude 7440"), `Build.MODEL` ("Pixel 8"). */
  modelIdentifier: string;
  /** Apple part number ("MTP03LL/A"), Google model number ("G9BQD"), OEM SKU. */
  modelNumber?: string;
  /** The device's default name; Windows names are generated instead. */
  deviceName?: string;
  serial: SerialSpec;
  osVersions: OsRelease[];
  cellular?: CellularSpec;
  network: NetworkInterfaceSpec[];
  apple?: AppleSpec;
  windows?: WindowsSpec;
  android?: AndroidSpec;
  /** The model's default device state (src/device/state.ts); a scenario group overrides it key by key. */
  state?: DeviceState;
  /** The OS releases the model can run, with their published source (src/device/os-support.ts). */
  osSupport?: OsSupport;
}

const APPLE_PLATFORMS: readonly Platform[] = ["ios", "ipados", "macos"];
const MODEL_KEYS = [
  "id", "platform", "manufacturer", "marketingName", "modelIdentifier", "modelNumber", "deviceName",
  "serial", "osVersions", "osSupport", "cellular", "network", "apple", "windows", "android", "state",
] as const;

/**
 * Parses and validates one catalog file's text; `fileName` appears in error locations. With the Windows build table
 * (devices/windows/builds.yaml), a Windows release's displayVersion must be the one the table names for its build.
 */
export function parseCatalogEntry(text: string, fileName: string, builds: WindowsBuildTable = []): DeviceModel {
  return readModel(readYaml(text, fileName), fileName, builds);
}

function readModel(r: Reader, fileName: string, builds: WindowsBuildTable): DeviceModel {
  const root = r.map(r.doc.contents, "device model", "a mapping of device model fields").only(MODEL_KEYS);
  const id = root.str("id", /^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes, e.g. iphone-15");
  const baseName = /([^\\/]+)\.ya?ml$/.exec(fileName)?.[1];
  if (baseName !== undefined && baseName !== id) {
    r.fail(root.node("id"), `id "${id}" does not match the file name ${baseName}.yaml`, `id: ${baseName}`);
  }
  const platform = root.oneOf("platform", PLATFORMS);
  const model: DeviceModel = {
    id,
    platform,
    manufacturer: root.str("manufacturer"),
    marketingName: root.str("marketingName"),
    modelIdentifier: root.str("modelIdentifier"),
    serial: readSerial(root.map("serial", "{format: <name>} or {pattern: <pattern>}")),
    osVersions: root.list("osVersions", "a non-empty list of {version, build}", (m) => readOs(m, platform, builds)),
    network: root.list("network", "a non-empty list of {kind, ouis}", readInterface),
  };
  const modelNumber = root.optStr("modelNumber");
  if (modelNumber !== undefined) model.modelNumber = modelNumber;
  const deviceName = root.optStr("deviceName");
  if (deviceName !== undefined) model.deviceName = deviceName;
  if (root.has("cellular")) model.cellular = readCellular(root.map("cellular", "{imeiCount, tacs, meid}"));

  const isApple = APPLE_PLATFORMS.includes(platform);
  for (const [key, wanted] of [["apple", isApple], ["windows", platform === "windows"], ["android", platform === "android"]] as const) {
    if (wanted && !root.has(key)) r.fail(root.self, `platform ${platform} needs a "${key}" section`, `${key}: {…}`);
    if (!wanted && root.has(key)) r.fail(root.node(key), `a "${key}" section is not allowed for platform ${platform}`, "no such section");
  }
  if (isApple) model.apple = readApple(root.map("apple", "{modelName, udidFormat, chipId?}"));
  if (platform === "windows") model.windows = readWindows(root.map("windows", "{chassis, editions, tpmVersion}"));
  if (platform === "android") model.android = readAndroid(root.map("android", "{brand, device, product, gms}"));
  if (root.has("state")) model.state = readState(r, root.node("state")!, platform);
  if (root.has("osSupport")) model.osSupport = readOsSupport(root, platform, model);
  if (model.modelNumber === undefined && isApple) {
    r.fail(root.self, `an Apple model needs "modelNumber"`, `a part number such as "MTP03LL/A"`);
  }
  return model;
}

/**
 * `osSupport: {launch, last?, source}` (Apple: versions, "17.0" / "16"; Android: API levels), and every
 * release in `osVersions` inside it, so the catalog cannot contradict its own source.
 */
/** Android 5.0 (API 21): the first release with device-owner provisioning (DevicePolicyManager ACTION_PROVISION_MANAGED_DEVICE, NFC). */
const FIRST_PROVISIONING_API = 21;

function readOsSupport(root: MapReader, platform: Platform, model: DeviceModel): OsSupport {
  const m = root.map("osSupport", "{launch, last?, source}").only(["launch", "last", "source"]);
  const android = platform === "android";
  if (platform === "windows") m.r.fail(m.self, "osSupport is not used for Windows models (a PC's release is an install choice)", "no osSupport");
  // Android: a model may have launched before Android 5.0 (API 21, the first release with device-owner provisioning) and
  // been updated to it, as the Nexus 5 (API 19 → 23): the range may start below 21 as long as it reaches 21.
  const read = (k: string): string | number => (android ? m.int(k, 1, 40) : m.str(k, /^\d+(\.\d+){0,2}$/, `an ${OS_NAME[platform]} version such as "17.0"`));
  const s: OsSupport = { launch: read("launch"), source: m.str("source", /^https:\/\//, "the https URL of the published source") };
  if (m.has("last")) s.last = read("last");
  if (android && s.last !== undefined && Number(s.last) < Number(s.launch)) m.r.fail(m.node("last"), `last (API ${s.last}) is below launch (API ${s.launch})`, `last: ${s.launch} or later`);
  if (android && s.last !== undefined && Number(s.last) < FIRST_PROVISIONING_API)
    m.r.fail(m.node("last"), `${model.id} never ran Android 5.0 (API ${FIRST_PROVISIONING_API}), the first release with device-owner provisioning (its releases: API ${s.launch} to ${s.last}); enrollsim simulates only releases that can be provisioned`, `last: ${FIRST_PROVISIONING_API} or later (the last release the model was updated to)`);
  const pin = pinnedRelease(platform, model.state);
  const off = pin ? osRangeProblem(s, pin.release) : undefined;
  if (pin && off) m.r.fail(root.node("state"), `state: ${rangeMessage(model.id, platform, s, android ? "state.apiLevel" : "state.os", pin.release, off)}`, describeRange(platform, s));
  model.osVersions.forEach((os, i) => {
    const release = android ? (os.apiLevel ?? 0) : os.version;
    const p = osRangeProblem(s, release);
    if (p) m.r.fail(root.node("osVersions"), `osVersions[${i}]: ${rangeMessage(model.id, platform, s, android ? "apiLevel" : "version", release, p)}`, describeRange(platform, s));
  });
  return s;
}

/** `state:` validated against the platform's state vocabulary, located at the offending node. */
function readState(r: Reader, node: Node, platform: Platform): DeviceState {
  const value = (node as Node & { toJSON(): unknown }).toJSON();
  const problem = stateProblem(value, familyOf(platform));
  if (!problem) return value as DeviceState;
  let at: Node | null = node;
  problem.path.forEach((seg, i) => {
    const last = i === problem.path.length - 1;
    const pair = isMap(at) ? at.items.find((p) => isScalar(p.key) && p.key.value === seg) : undefined;
    const next: unknown = isSeq(at) ? at.items[seg as number] : last && problem.anchor === "key" ? pair?.key : pair?.value;
    at = r.resolve(next) ?? at;
  });
  const hint = problem.got !== undefined && problem.candidates ? didYouMean(problem.got, problem.candidates).replace(/^ \((.*)\)$/, "; $1") : "";
  return r.fail(at, `${problem.message}${hint}`, problem.expected);
}

function readSerial(m: MapReader): SerialSpec {
  m.only(["format", "pattern"]);
  if (m.has("format") === m.has("pattern")) m.r.fail(m.self, "serial needs exactly one of format or pattern", "format: <name> or pattern: <pattern>");
  if (m.has("format")) {
    const format = m.oneOf("format", SERIAL_FORMATS);
    return { format };
  }
  const pattern = m.str("pattern");
  const problem = serialPatternProblem(pattern);
  if (problem) m.r.fail(m.node("pattern"), problem, "a pattern such as {d5}FDJH00{C3}");
  return { pattern };
}

function readOs(m: MapReader, platform: Platform, builds: WindowsBuildTable): OsRelease {
  const extra = { windows: ["displayVersion"], android: ["apiLevel", "securityPatch", "knoxVersion"] } as Partial<Record<Platform, string[]>>;
  m.only(["version", "build", ...(extra[platform] ?? [])]);
  const rules: Record<Platform, [RegExp, string, RegExp, string]> = {
    ios: [/^\d+\.\d+(\.\d+)?$/, '"17.5.1"', /^\d{2}[A-Z]\d{1,4}[a-z]?$/, '"21F90"'],
    ipados: [/^\d+\.\d+(\.\d+)?$/, '"17.5.1"', /^\d{2}[A-Z]\d{1,4}[a-z]?$/, '"21F90"'],
    macos: [/^\d+\.\d+(\.\d+)?$/, '"14.5"', /^\d{2}[A-Z]\d{1,4}[a-z]?$/, '"23F79"'],
    windows: [/^10\.0\.\d{5}\.\d+$/, '"10.0.22631.3593"', /^\d{5}\.\d+$/, '"22631.3593"'],
    android: [/^\d+(\.\d+){0,2}$/, '"14"', /^[A-Z0-9][A-Za-z0-9._-]+$/, '"AP2A.240805.005"'],
  };
  const [versionRe, versionEx, buildRe, buildEx] = rules[platform];
  const os: OsRelease = {
    version: m.str("version", versionRe, `a version such as ${versionEx}`),
    build: m.str("build", buildRe, `a build such as ${buildEx}`),
  };
  if (platform === "windows") {
    if (os.version !== `10.0.${os.build}`) m.r.fail(m.node("build"), `build "${os.build}" does not match version "${os.version}"`, `build: "${os.version.slice(5)}"`);
    // Windows 10 releases up to 2004 are named YYMM ("1909"), later ones YYH1/YYH2 ("23H2"); the build table says which.
    const display = m.has("displayVersion") ? m.str("displayVersion", undefined, 'a display version such as "1909" or "23H2"') : undefined;
    const named = displayVersionFor(builds, os.version);
    if (display !== undefined) {
      const known = [...new Set(builds.flatMap((b) => (b.displayVersion ? [b.displayVersion] : [])))];
      const problem = displayVersionProblem(display, known);
      if (problem) m.r.fail(m.node("displayVersion"), problem, 'a display version such as "1909" or "23H2"');
      // Only a build the table names exactly is checked: a newer build than the table knows may be a new release.
      const exact = builds.find((b) => b.displayVersion !== undefined && b.build === os.build.split(".")[0])?.displayVersion;
      if (exact !== undefined && exact !== display) {
        m.r.fail(m.node("displayVersion"), `build ${os.build} is ${exact}, not ${display} (devices/windows/builds.yaml)`, `displayVersion: "${exact}"`);
      }
      os.displayVersion = display;
    } else if (named !== undefined) os.displayVersion = named;
  }
  if (platform === "android") {
    os.apiLevel = m.int("apiLevel", 1, 40);
    if (os.apiLevel < FIRST_PROVISIONING_API)
      m.r.fail(m.node("apiLevel"), `apiLevel ${os.apiLevel} is below Android 5.0 (API ${FIRST_PROVISIONING_API}), the first release with device-owner provisioning: osVersions lists the releases a device can be simulated on`, `apiLevel: ${FIRST_PROVISIONING_API} or later (osSupport.launch may stay below it)`);
    // Build.VERSION.SECURITY_PATCH was added in API 23 (Android 6.0): an older release has none to report.
    if (os.apiLevel >= 23 || m.has("securityPatch")) os.securityPatch = m.str("securityPatch", /^\d{4}-\d{2}-\d{2}$/, 'a date such as "2024-08-05"');
    const knox = m.optStr("knoxVersion", /^\d+\.\d+(\.\d+)?$/, 'a Knox version such as "3.2.1"');
    if (knox !== undefined) os.knoxVersion = knox;
  }
  return os;
}

function readInterface(m: MapReader): NetworkInterfaceSpec {
  m.only(["kind", "ouis"]);
  const kind = m.oneOf("kind", ["wifi", "ethernet", "bluetooth"] as const);
  const expected = 'a non-empty list of OUIs such as "F0:18:98"';
  const ouis = m.strings("ouis", expected, undefined, (oui, node) => {
    try {
      parseOui(oui);
    } catch (err) {
      m.r.fail(node, (err as Error).message, expected);
    }
  }).map((oui) => oui.toUpperCase());
  return { kind, ouis };
}

function readCellular(m: MapReader): CellularSpec {
  m.only(["imeiCount", "tacs", "meid", "meidPrefix"]);
  const count = m.int("imeiCount", 1, 2) as 1 | 2;
  const tacs = m.strings("tacs", 'a non-empty list of 8-digit TACs such as "35391110"', /^\d{8}$/);
  const spec: CellularSpec = { imeiCount: count, tacs, meid: m.oneOf("meid", ["none", "from-imei", "generated"] as const) };
  const prefix = m.optStr("meidPrefix", /^[A-Fa-f][0-9A-Fa-f]{7}$/, "8 hex digits starting A0–FF");
  if (prefix !== undefined) spec.meidPrefix = prefix.toUpperCase();
  return spec;
}

function readApple(m: MapReader): AppleSpec {
  m.only(["modelName", "udidFormat", "chipId"]);
  const spec: AppleSpec = { modelName: m.str("modelName"), udidFormat: m.oneOf("udidFormat", ["ecid", "uuid", "legacy-40"] as const) };
  const chipId = m.optStr("chipId", /^[0-9A-Fa-f]{4}$/, 'the SoC id as 4 hex digits, e.g. "8120"');
  if (spec.udidFormat === "ecid" && chipId === undefined) m.r.fail(m.self, 'udidFormat "ecid" needs "chipId"', 'chipId: "8120"');
  if (chipId !== undefined) spec.chipId = chipId.toUpperCase();
  return spec;
}

function readWindows(m: MapReader): WindowsSpec {
  m.only(["chassis", "editions", "tpmVersion", "tpmManufacturer", "tpmFirmwareVersion", "systemFamily"]);
  const spec: WindowsSpec = {
    chassis: m.oneOf("chassis", ["desktop", "laptop"] as const),
    editions: m.list("editions", "a non-empty list of {name, osEdition}", (e) => {
      e.only(["name", "osEdition"]);
      return { name: e.str("name"), osEdition: e.int("osEdition", 1, 255) };
    }),
    tpmVersion: m.oneOf("tpmVersion", ["2.0", "1.2", "none"] as const),
  };
  const family = m.optStr("systemFamily");
  if (family !== undefined) spec.systemFamily = family;
  if (m.has("tpmManufacturer")) spec.tpmManufacturer = m.oneOf("tpmManufacturer", TPM_MANUFACTURERS);
  const fw = m.optStr("tpmFirmwareVersion", /^[0-9]{1,5}(\.[0-9]{1,5}){1,3}$/, 'the TPM firmware version as Get-Tpm ManufacturerVersion shows it, e.g. "7.63.3353.0"');
  if (fw !== undefined) spec.tpmFirmwareVersion = fw;
  return spec;
}

function readAndroid(m: MapReader): AndroidSpec {
  m.only(["brand", "device", "product", "gms", "knoxAttestation"]);
  const spec: AndroidSpec = {
    brand: m.str("brand"),
    device: m.str("device", /^[A-Za-z0-9_-]+$/, 'a codename such as "shiba"'),
    product: m.str("product", /^[A-Za-z0-9_-]+$/, 'a product name such as "shiba"'),
    gms: m.bool("gms"),
  };
  if (m.has("knoxAttestation")) spec.knoxAttestation = m.list("knoxAttestation", "a list of {models, apiLevels, blob, source}", readKnoxRule);
  return spec;
}

function readKnoxRule(m: MapReader): KnoxAttestationRule {
  m.only(["models", "apiLevels", "blob", "source"]);
  const expected = "a list of API levels, e.g. [24, 25]";
  const node = m.node("apiLevels");
  if (!isSeq(node) || node.items.length === 0) return m.r.fail(node ?? m.self, `apiLevels must be ${expected}`, expected);
  const apiLevels = node.items.map((item) => {
    const n = m.r.resolve(item);
    const v = isScalar(n) ? n.value : undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 40) return m.r.fail(n ?? node, `apiLevels: ${String(v)} is not an API level`, expected);
    return v;
  });
  return {
    models: m.strings("models", 'a list of Build.MODEL values, e.g. ["SM-G950W"]', /^[A-Za-z0-9][A-Za-z0-9 _.-]*$/),
    apiLevels,
    blob: m.oneOf("blob", KNOX_BLOB_DEFECTS),
    source: m.str("source", /^https:\/\//, "the https URL of the published defect (a Samsung KBA)"),
  };
}

/** The data tables a catalog carries beside its models; each defaults to empty. */
export interface CatalogTables {
  /** agents/*.yaml (device/agents.ts). */
  readonly agents?: AgentCatalog;
  /** devices/windows/builds.yaml (device/windows-builds.ts). */
  readonly windowsBuilds?: WindowsBuildTable;
  /** devices/android-setup-texts/ (device/android/setup-texts.ts). */
  readonly setupTexts?: SetupTextCatalog;
  /** devices/scep-clients/*.yaml (device/certrep-parsers.ts). */
  readonly certRepParsers?: CertRepParserCatalog;
  /** devices/profile-installers/*.yaml (device/profile-install-paths.ts). */
  readonly profileInstallPaths?: ProfileInstallPathCatalog;
  /** devices/tls-stacks/*.yaml (device/tls-renegotiation.ts). */
  readonly tlsRenegotiation?: RenegotiationCatalog;
}

/** The set of known device models, by id. */
export class Catalog {
  private readonly byId = new Map<string, DeviceModel>();

  /** The vendor agents: what each one shows for a refusal. Empty: every device shows its platform's text. */
  readonly agents: AgentCatalog;
  /** The Windows build table: per build its display version, RequestVersion and published screens. */
  readonly windowsBuilds: WindowsBuildTable;
  /** What the Android setup wizard shows per release. Empty: its built-in wording, said so on the screen. */
  readonly setupTexts: SetupTextCatalog;
  /** Which CertRep encodings each client release accepts, rejects or crashes on. Empty: every release RFC-strict. */
  readonly certRepParsers: CertRepParserCatalog;
  /** How a downloaded profile reaches Apple's installer per release (queued or interactive). Empty: queued everywhere. */
  readonly profileInstallPaths: ProfileInstallPathCatalog;
  /** What each platform's HTTP stack does with a mid-connection certificate request. Empty: every stack follows (OpenSSL). */
  readonly tlsRenegotiation: RenegotiationCatalog;

  constructor(models: readonly DeviceModel[], tables: CatalogTables = {}) {
    this.agents = tables.agents ?? new AgentCatalog();
    this.windowsBuilds = tables.windowsBuilds ?? [];
    this.setupTexts = tables.setupTexts ?? new SetupTextCatalog();
    this.certRepParsers = tables.certRepParsers ?? new CertRepParserCatalog();
    this.profileInstallPaths = tables.profileInstallPaths ?? new ProfileInstallPathCatalog();
    this.tlsRenegotiation = tables.tlsRenegotiation ?? new RenegotiationCatalog();
    for (const m of models) {
      if (this.byId.has(m.id)) throw new ScenarioError(`device model "${m.id}" is defined twice in the catalog`);
      this.byId.set(m.id, m);
    }
  }

  /** The model with this id; a `ScenarioError` naming the known ids otherwise. */
  get(id: string): DeviceModel {
    const model = this.byId.get(id);
    if (model === undefined) {
      throw new ScenarioError(`unknown device model "${id}"; known models: ${this.ids().join(", ")}`, undefined, this.ids().join(" | "));
    }
    return model;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** All models, sorted by id. */
  list(): DeviceModel[] {
    return this.ids().map((id) => this.byId.get(id)!);
  }

  /** All ids, sorted. */
  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}
