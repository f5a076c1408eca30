// SPDX-License-Identifier: MIT
/**
 * One Apple device's management state: identity values, keychain and profile store, apps,
 * supervision / ADE / user-enrollment mode, await-configuration, lock/erase, and the effects of
 * MDM commands on them.
 */
import { note } from "../../protocol/common/context.js";
import type { CommandAnswer } from "../../protocol/apple/mdm-client.js";
import { AppleStore } from "../../protocol/apple/store.js";
import { AppleErrors, errorChainPlist, type AppleError } from "../../wire/apple/errors.js";
import { buildAuthenticate, type MdmCommand } from "../../wire/apple/mdm.js";
import { isDict, type PlistDict, type PlistValue } from "../../wire/apple/plist.js";
import type { CommandSchema, SchemaKey } from "../../wire/apple/schema-types.js";
import type { FlowContext } from "../flow.js";
import { osBlock, synthesize, type CommandBehaviour, type OsName } from "./commands.js";
import { compareVersions } from "../../wire/version.js";
import { AppInstalls } from "./apps.js";

export interface InstalledApp {
  identifier: string;
  name: string;
  version: string;
  shortVersion: string;
  managed: boolean;
  /** App Store id, for an app installed by InstallApplication with iTunesStoreID. */
  itunesStoreId?: number;
  /** Managed app configuration delivered with InstallApplication (`Configuration`). */
  configuration?: PlistDict;
}

/** Installs a profile delivered by InstallProfile (the flow wires it to the installer). */
export type ProfileInstaller = (payload: Uint8Array) => Promise<AppleError | undefined>;

/** Answered commands an Apple device keeps in its log. */
const COMMAND_LOG_KEEP = 1000;

const BASE_APPS: InstalledApp[] = [
  { identifier: "com.apple.mobilesafari", name: "Safari", version: "8620.1.16.11.6", shortVersion: "18.0", managed: false },
  { identifier: "com.apple.MobileSMS", name: "Messages", version: "1400", shortVersion: "14.0", managed: false },
];
const MAC_APPS: InstalledApp[] = [
  { identifier: "com.apple.Safari", name: "Safari", version: "20619.1.26.31.6", shortVersion: "18.0", managed: false },
  { identifier: "com.apple.Terminal", name: "Terminal", version: "455", shortVersion: "2.14", managed: false },
];

/** DeviceInformation keys a User Enrollment never answers (Apple: no UDID, serial, IMEI, MEID, MACs). */
const UE_HIDDEN_QUERIES = new Set(["UDID", "SerialNumber", "IMEI", "MEID", "ICCID", "WiFiMAC", "BluetoothMAC", "EthernetMAC", "EthernetMACs", "ProvisioningUDID", "DeviceID", "EASDeviceIdentifier", "PhoneNumber", "ServiceSubscriptions", "CurrentCarrierNetwork"]);

/** Shared iPad needs an iPad on iPadOS 13.4 or later (Intune docs, server-policies.md §7.7); elsewhere the setting does not apply. */
export function sharedIPadEligible(wanted: boolean, modelIdentifier: string, os: OsName, version: string): boolean {
  return wanted && os === "iOS" && modelIdentifier.startsWith("iPad") && compareVersions(version, "13.4") >= 0;
}

export class AppleDevice {
  readonly store = new AppleStore();
  readonly osName: OsName;
  deviceName: string;
  supervised: boolean;
  ade = false;
  userEnrollment = false;
  /**
   * Shared iPad (multi-user iPad, device state `sharedIPad`): an iPad on iPadOS 13.4+ only; supervised,
   * ADE only; no UnlockToken; commands and payloads per the schemas' sharedipad mode.
   */
  readonly sharedIPad: boolean;
  /** macOS: the user approved the MDM profile (System Settings > Profiles); ADE enrollments are user-approved. */
  userApproved = true;
  /**
   * The enrolled MDM binding, written into the keychain label of the MDM identity so that the
   * runner's persisted keychain is enough for a steady-state check-in (see checkin.ts).
   */
  mdmBinding?: { uuid: string; params: Record<string, string> };
  /** User Enrollment: the enrollment-scoped id that replaces the UDID (new on every enrollment). */
  enrollmentId?: string;
  accessRights = 8191;
  awaitingConfiguration = false;
  configured = false;
  locked = false;
  erased = false;
  unenrolled = false;
  apps: InstalledApp[];
  /** Managed app installs: their prompts, licences and ManagedApplicationList statuses (apps.ts). */
  appInstalls: AppInstalls;
  /** The organization name set by the Settings command (OrganizationInfo); the app-install prompt names it. */
  organizationName?: string;
  readonly notNowCount = new Map<string, number>();
  /**
   * Push credentials come from the device's own deterministic entropy stream, each from a fork of
   * its own purpose (the same bytes whenever they are first read), and are derived on first use: a
   * steady check-in that sends no TokenUpdate derives none (six HMACs per check-in before).
   */
  private push?: { token?: Uint8Array; magic?: string; unlock?: Uint8Array };
  get pushToken(): Uint8Array {
    return ((this.push ??= {}).token ??= this.ctx.protocol.entropy.fork("apns.token").bytes(32));
  }
  get pushMagic(): string {
    return ((this.push ??= {}).magic ??= this.ctx.protocol.entropy.fork("apns.pushmagic").uuid(true));
  }
  get unlockToken(): Uint8Array | undefined {
    if (this.osName !== "iOS") return undefined;
    return ((this.push ??= {}).unlock ??= this.ctx.protocol.entropy.fork("apns.unlock").bytes(48));
  }
  installer?: ProfileInstaller;
  /** The most recent commands answered (at most {@link COMMAND_LOG_KEEP}; `commandsAnswered` counts them all). */
  readonly commandLog: { requestType: string; status: string }[] = [];
  commandsAnswered = 0;
  /** Records an answered command; the log keeps a bounded window so a device's memory does not grow with every session. */
  noteCommand(requestType: string, status: string): void {
    this.commandsAnswered++;
    this.commandLog.push({ requestType, status });
    if (this.commandLog.length > COMMAND_LOG_KEEP) this.commandLog.splice(0, this.commandLog.length - COMMAND_LOG_KEEP);
  }
  /** Declarative management: tokens and declarations held, passcode policy applied by a configuration. */
  readonly ddm: DdmState = { requested: false, declarations: new Map(), syncs: 0, reports: 0 };
  /** Times this device was wiped and set up again in this flow (fresh keys each time). */
  readonly generation: number;

  constructor(
    readonly ctx: FlowContext,
    private readonly behaviours: Record<string, CommandBehaviour> = {},
    opts: { supervised?: boolean; generation?: number } = {},
  ) {
    this.generation = opts.generation ?? 0;
    const id = ctx.identity;
    this.osName = id.platform === "macos" ? "macOS" : "iOS";
    this.deviceName = id.deviceName;
    // The flow decides (ADE: the cloud configuration; Configurator: supervised); else the device state (prepared supervised).
    this.supervised = opts.supervised ?? id.state?.supervised ?? false;
    this.sharedIPad = sharedIPadEligible(id.state?.sharedIPad !== undefined, id.modelIdentifier, this.osName, this.osVersion);
    if (this.sharedIPad) this.supervised = true;
    this.apps = (this.osName === "macOS" ? MAC_APPS : BASE_APPS).map((a) => ({ ...a }));
    for (const b of id.state?.userInstalledApps ?? []) this.apps.push({ identifier: b, name: b, version: "1.0", shortVersion: "1.0", managed: false });
    this.appInstalls = this.newAppInstalls();
  }

  /** The release it runs: its identity's, so an update (ScheduleOSUpdate, the ADE software update, the timeline's state.os) is what it reports from then on, across its flows. */
  get osVersion(): string {
    return this.ctx.identity.os.version;
  }
  set osVersion(version: string) {
    this.ctx.identity.os = { ...this.ctx.identity.os, version }; // a new object: the catalog's release is shared
  }
  get buildVersion(): string {
    return this.ctx.identity.os.build;
  }
  set buildVersion(build: string) {
    this.ctx.identity.os = { ...this.ctx.identity.os, build };
  }

  private newAppInstalls(): AppInstalls {
    const server = this.ctx.targets.server;
    return new AppInstalls({
      protocol: this.ctx.protocol,
      os: this.osName,
      osVersion: () => this.osVersion,
      supervised: () => this.supervised,
      serialNumber: this.ctx.identity.serialNumber,
      organization: () => this.organizationName ?? this.store.mdmProfile()?.installed.profile.organization ?? "the MDM server",
      ...(server?.embedded ? { storeBase: server.https ?? server.http } : {}),
      userInstalled: (identifier) => this.apps.some((a) => a.identifier === identifier && !a.managed),
      installed: (a) => {
        const before = this.apps.find((x) => x.identifier === a.identifier);
        this.apps = this.apps.filter((x) => x.identifier !== a.identifier);
        this.apps.push({ ...a, name: before && before.name !== before.identifier ? before.name : a.name, version: before?.version ?? "1.0", shortVersion: before?.shortVersion ?? "1.0", managed: true });
      },
    });
  }

  /** This device's Authenticate check-in for `topic`: enrolment and an update of its MDM profile send the same message. */
  authenticate(topic: string): PlistDict {
    const id = this.ctx.identity;
    return buildAuthenticate({
      topic,
      ref: this.ref,
      deviceName: this.deviceName,
      model: id.modelNumber ?? id.modelIdentifier,
      modelName: id.modelName ?? id.marketingName,
      productName: id.modelIdentifier,
      serialNumber: id.serialNumber,
      osVersion: this.osVersion,
      buildVersion: this.buildVersion,
      imei: id.imei,
      meid: id.meid,
    });
  }

  get udid(): string {
    return this.ctx.identity.udid ?? this.ctx.identity.serialNumber;
  }

  /** Who the device is on the MDM channel: UDID, or EnrollmentID in User Enrollment. */
  get ref(): { udid: string } | { enrollmentId: string } {
    return this.userEnrollment && this.enrollmentId ? { enrollmentId: this.enrollmentId } : { udid: this.udid };
  }

  /** %Variable% values for profile payloads (macOS and iOS names). User Enrollment exposes no hardware identifiers. */
  get vars(): Record<string, string | undefined> {
    const id = this.ctx.identity;
    if (this.userEnrollment) return { DeviceName: this.deviceName, ComputerName: this.deviceName, ProductName: id.modelIdentifier };
    return {
      SerialNumber: id.serialNumber,
      HardwareUUID: this.udid,
      UDID: this.udid,
      ComputerName: this.deviceName,
      DeviceName: this.deviceName,
      LocalHostName: this.deviceName.replace(/[^A-Za-z0-9-]/g, "-"),
      IMEI: id.imei,
      MEID: id.meid,
      ProductName: id.modelIdentifier,
      WiFiMAC: id.wifiMac,
    };
  }

  ruleContext() {
    return { os: this.osName, version: this.osVersion, supervised: this.supervised, ade: this.ade, userEnrollment: this.userEnrollment, sharedIPad: this.sharedIPad };
  }

  behaviourFor(requestType: string): CommandBehaviour {
    return { ...(this.behaviours["*"] ?? {}), ...(this.behaviours[requestType] ?? {}) };
  }

  sleep(ms: number): Promise<void> {
    return this.ctx.protocol.clock.sleep(ms, this.ctx.protocol.signal);
  }

  /** Deterministic [0,1) per command UUID. */
  roll(commandUUID: string): number {
    return this.ctx.protocol.entropy.fork(`command:${commandUUID}`).int(1_000_000) / 1_000_000;
  }

  note(stepName: string, data: Record<string, unknown>): void {
    note(this.ctx.protocol, stepName, data);
  }

  /** Resets to factory state (EraseDevice). */
  erase(): void {
    this.erased = true;
    this.store.clear();
    this.awaitingConfiguration = false;
    this.configured = false;
    this.locked = false;
    this.apps = (this.osName === "macOS" ? MAC_APPS : BASE_APPS).map((a) => ({ ...a }));
    this.appInstalls = this.newAppInstalls();
  }

  // -------------------------------------------------------------------------------------------
  // Query values

  private queryValue(q: string): PlistValue | undefined {
    const id = this.ctx.identity;
    const mac = this.osName === "macOS";
    const v: Record<string, PlistValue | undefined> = {
      UDID: this.udid,
      ProvisioningUDID: mac ? this.udid : undefined,
      DeviceName: this.deviceName,
      OSVersion: this.osVersion,
      BuildVersion: this.buildVersion,
      ModelName: id.modelName ?? id.marketingName,
      Model: id.modelNumber ?? id.modelIdentifier,
      ModelNumber: id.modelNumber,
      ProductName: id.modelIdentifier,
      SerialNumber: id.serialNumber,
      IMEI: id.imei,
      MEID: id.meid,
      WiFiMAC: id.wifiMac,
      BluetoothMAC: id.bluetoothMac,
      EthernetMAC: id.ethernetMac,
      IsSupervised: this.supervised,
      AwaitingConfiguration: this.awaitingConfiguration,
      IsAppleSilicon: mac ? true : undefined,
      DeviceCapacity: 128,
      AvailableDeviceCapacity: 87.5,
      BatteryLevel: 0.87,
      HasBattery: true,
      IsMultiUser: this.sharedIPad,
      IsActivationLockEnabled: false,
      IsDeviceLocatorServiceEnabled: false,
      IsMDMLostModeEnabled: false,
      IsCloudBackupEnabled: false,
      PushToken: this.pushToken,
      TimeZone: "Etc/UTC",
      LocalHostName: mac ? this.vars.LocalHostName : undefined,
      HostName: mac ? `${this.vars.LocalHostName}.local` : undefined,
      SystemIntegrityProtectionEnabled: mac ? true : undefined,
      SoftwareUpdateDeviceID: id.modelIdentifier,
      OrganizationInfo: { OrganizationName: "enrollsim" },
    };
    return v[q];
  }

  private deviceInformation(cmd: MdmCommand, schema: CommandSchema): PlistDict {
    const queries = (cmd.command.Queries as PlistValue[]).filter((q): q is string => typeof q === "string");
    const respKeys = schema.responseKeys.find((k) => k.key === "QueryResponses")?.subkeys ?? [];
    const out: PlistDict = {};
    for (const q of queries) {
      const k = respKeys.find((r) => r.key === q);
      if (!k) continue; // unknown query keys are ignored, as devices do
      const rule = k.os?.[this.osName];
      if (rule && (rule.introduced === "n/a" || (this.userEnrollment && rule.userenrollment === "forbidden"))) continue;
      // Shared iPad keys (e.g. ResidentUsers, QuotaSize) only on a Shared iPad; forbidden ones never there.
      if (rule && ((rule.sharedipad === "required" && !this.sharedIPad) || (rule.sharedipad === "forbidden" && this.sharedIPad))) continue;
      // User Enrollment: hardware identifiers are never disclosed (field failure ios-ue-hardware-ids-unavailable).
      if (this.userEnrollment && UE_HIDDEN_QUERIES.has(q)) continue;
      if (!rule && schema.os[this.osName] === undefined) continue;
      const value = this.queryValue(q);
      if (value === undefined && ["IMEI", "MEID", "EthernetMAC", "BluetoothMAC", "ModelNumber", "ProvisioningUDID", "IsAppleSilicon", "LocalHostName", "HostName", "SystemIntegrityProtectionEnabled"].includes(q)) continue;
      out[q] = value ?? synthesize(k, this.osName);
    }
    return { QueryResponses: out };
  }

  private certificateList(): PlistDict {
    const items: PlistDict[] = [];
    for (const a of this.store.anchors) items.push({ CommonName: a.subject.replace(/^.*CN=([^,]+).*$/, "$1"), Data: a.der, IsIdentity: false });
    for (const i of this.store.identities.values()) items.push({ CommonName: i.certificate.subject.replace(/^.*CN=([^,]+).*$/, "$1"), Data: i.certificate.der, IsIdentity: true });
    return { CertificateList: items };
  }

  private profileList(): PlistDict {
    return {
      ProfileList: [...this.store.profiles.values()].map((p) => ({
        PayloadIdentifier: p.profile.identifier,
        PayloadUUID: p.profile.uuid,
        PayloadVersion: p.profile.version,
        PayloadDisplayName: p.profile.displayName ?? p.profile.identifier,
        PayloadRemovalDisallowed: p.profile.removalDisallowed,
        IsManaged: p.managed,
        IsEncrypted: false,
        PayloadContent: p.profile.payloads.map((x) => ({ PayloadType: x.type, PayloadIdentifier: x.identifier, PayloadUUID: x.uuid, PayloadVersion: x.version })),
      })),
    };
  }

  private fillRequired(extra: PlistDict, schema: CommandSchema): PlistDict {
    for (const k of schema.responseKeys) {
      if (k.presence !== "required" || extra[k.key] !== undefined) continue;
      if (k.os?.[this.osName]?.introduced === "n/a") continue;
      extra[k.key] = synthesize(k as SchemaKey, this.osName);
    }
    return extra;
  }

  /** Runs an allowed, well-formed command. */
  async execute(cmd: MdmCommand, schema: CommandSchema): Promise<CommandAnswer> {
    const c = cmd.command;
    const ack = (extra: PlistDict = {}): CommandAnswer => ({ status: "Acknowledged", extra: this.fillRequired(extra, schema) });
    const fail = (e: AppleError): CommandAnswer => ({ status: "Error", errorChain: errorChainPlist(e) as never });
    switch (cmd.requestType) {
      case "DeviceInformation":
        return ack(this.deviceInformation(cmd, schema));
      case "SecurityInfo": {
        const k = schema.responseKeys.find((r) => r.key === "SecurityInfo")!;
        const info: PlistDict = {};
        for (const s of k.subkeys ?? []) {
          if (osBlock(s.os?.[this.osName] ?? { introduced: "0" }, { ...this.ruleContext(), supervised: true, ade: true })) continue;
          if (s.type === "dictionary" || s.type === "data") continue;
          info[s.key] = synthesize(s, this.osName);
        }
        Object.assign(info, this.osName === "iOS" ? { HardwareEncryptionCaps: 3, PasscodePresent: true, PasscodeCompliant: true, PasscodeCompliantWithProfiles: true } : { FDE_Enabled: true, SystemIntegrityProtectionEnabled: true, UserApprovedEnrollment: this.userApproved });
        for (const key of Object.keys(info)) if (!(k.subkeys ?? []).some((s) => s.key === key)) delete info[key];
        return ack({ SecurityInfo: info });
      }
      case "ProfileList":
        return ack(this.profileList());
      case "CertificateList":
        return ack(this.certificateList());
      case "InstalledApplicationList": {
        const only = Array.isArray(c.Identifiers) ? new Set(c.Identifiers as string[]) : undefined;
        const managedOnly = c.ManagedAppsOnly === true;
        return ack({
          InstalledApplicationList: this.apps
            .filter((a) => (!only || only.has(a.identifier)) && (!managedOnly || a.managed))
            .map((a) => ({ Identifier: a.identifier, Name: a.name, Version: a.version, ShortVersion: a.shortVersion, BundleSize: 52_428_800, Installing: false })),
        });
      }
      case "ManagedApplicationList":
        return ack({ ManagedApplicationList: this.appInstalls.list(Array.isArray(c.Identifiers) ? c.Identifiers.filter((x): x is string => typeof x === "string") : undefined) });
      case "ProvisioningProfileList":
        return ack({ ProvisioningProfileList: [] });
      case "Restrictions":
        return ack({ GlobalRestrictions: { restrictedBool: {}, restrictedValue: {}, intersection: {}, union: {} }, ProfileRestrictions: {} });
      case "AvailableOSUpdates":
        return ack({ AvailableOSUpdates: [] });
      case "InstallProfile": {
        if (!this.installer) return fail(AppleErrors.commandNotAllowed("InstallProfile", "no installer"));
        const e = await this.installer(c.Payload as Uint8Array);
        return e ? fail(e) : ack();
      }
      case "RemoveProfile": {
        const removed = this.store.remove(c.Identifier as string);
        if (removed?.managed) this.unenrolled = true;
        return ack();
      }
      case "Settings": {
        for (const item of c.Settings as PlistValue[]) {
          if (!isDict(item)) continue;
          if (item.Item === "DeviceName" && typeof item.DeviceName === "string") this.deviceName = item.DeviceName;
          if (item.Item === "HostName" && typeof item.HostName === "string") this.deviceName = item.HostName;
          if (item.Item === "OrganizationInfo" && isDict(item.OrganizationInfo) && typeof item.OrganizationInfo.OrganizationName === "string") this.organizationName = item.OrganizationInfo.OrganizationName;
        }
        return ack();
      }
      case "DeclarativeManagement":
        // The device acknowledges, then syncs declarations over check-in (device/apple/ddm.ts).
        this.ddm.requested = true;
        return ack();
      case "DeviceConfigured":
        this.awaitingConfiguration = false;
        this.configured = true;
        return ack();
      case "DeviceLock":
        this.locked = true;
        return ack();
      case "EraseDevice":
        this.erase();
        return ack();
      case "InstallApplication":
        return ack(this.appInstalls.install(cmd));
      case "RemoveApplication":
        this.apps = this.apps.filter((a) => a.identifier !== c.Identifier);
        if (typeof c.Identifier === "string") this.appInstalls.remove(c.Identifier);
        return ack();
      case "ScheduleOSUpdate": {
        const updates = Array.isArray(c.Updates) ? (c.Updates as PlistValue[]) : [];
        const results: PlistDict[] = [];
        for (const u of updates) {
          if (!isDict(u)) continue;
          if (typeof u.ProductVersion === "string") {
            this.osVersion = u.ProductVersion;
            this.buildVersion = `${this.buildVersion.replace(/\d+$/, "")}${Math.floor(this.roll(cmd.commandUUID) * 900 + 100)}`;
          }
          results.push({ ProductKey: String(u.ProductKey ?? ""), InstallAction: String(u.InstallAction ?? "Default"), Status: "Installing" });
        }
        return ack({ UpdateResults: results });
      }
      default:
        return ack();
    }
  }
}

export interface DdmState {
  /** A DeclarativeManagement command arrived: sync after this session. */
  requested: boolean;
  declarationsToken?: string;
  /** kind/identifier → declaration held. */
  declarations: Map<string, { kind: string; type: string; identifier: string; serverToken: string; payload: Record<string, unknown> }>;
  /** Passcode policy from an active com.apple.configuration.passcode.settings. */
  passcodePolicy?: Record<string, unknown>;
  syncs: number;
  reports: number;
}
