// SPDX-License-Identifier: MIT
/**
 * The DM tree of one virtual Windows device and the OMA-DM command processor over it: DevInfo,
 * DevDetail, DeviceStatus, WindowsLicensing, DMClient (FirstSyncStatus), EnrollmentStatusTracking,
 * EnterpriseDesktopAppManagement MSI jobs, and a generic Policy/Config store where Get returns what
 * was set (byte-exact). Which nodes exist on the device's build and which commands each allows comes from
 * the capability table (capabilities.ts: 404 Not found, 405 Command not allowed); nodes of CSPs the table
 * does not know answer 404 unless a writable subtree below holds them. Atomic rolls back (507/216),
 * Sequence runs in order, Get answers Results.
 */
import type { Command, Item, SyncMLMessage } from "../../wire/windows/syncml.js";
import type { DmProcessor } from "../../protocol/windows/dm.js";
import type { DeviceIdentity } from "../identity.js";
import type { CspStatusRule } from "../state.js";
import { absentOnBuild, tableAllows, verbRefused, type DmVerb } from "./capabilities.js";

export interface CspNode {
  value: string;
  format?: string;
  readOnly?: boolean;
}

/** Subtrees a server may create nodes in (Add/Replace of unknown leaves). */
const WRITABLE = [
  /^\.\/(Device|User)\/Vendor\/MSFT\/Policy\/Config\//,
  /^\.\/Vendor\/MSFT\/Policy\/Config\//,
  /^\.\/(Device\/|User\/)?Vendor\/MSFT\/DMClient\/Provider\//,
  /^\.\/(Device|User)\/Vendor\/MSFT\/EnrollmentStatusTracking\//,
  /^\.\/(Device\/|User\/)?Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\//,
  /^\.\/(Device\/|User\/)?Vendor\/MSFT\/ClientCertificateInstall\//,
  /^\.\/(Device\/)?Vendor\/MSFT\/RootCATrustedCertificates\//,
  /^\.\/(Device\/|User\/)?Vendor\/MSFT\/NodeCache\//,
  /^\.\/(Device\/)?Vendor\/MSFT\/(PassportForWork|Personalization|WindowsAutopilot|TenantLockdown|OfflineDomainJoin)\//,
  /^\.\/(Device\/|User\/)?Vendor\/MSFT\/(WiFi|VPNv2)\//,
  /^\.\/(Device\/)?Vendor\/MSFT\/AppLocker\//,
  /^\.\/(Device\/)?Vendor\/MSFT\/LAPS\//,
];

/** A device's CSP state budget (8 MiB of URIs and values): far above any real policy set, far below what a hostile server could fill. */
export const CSP_BUDGET_BYTES = 8 * 1024 * 1024;

/** Normalises the ./Vendor ↔ ./Device/Vendor alias for device-scoped CSPs. */
export const canonicalUri = (uri: string): string => uri.replace(/^\.\/Vendor\/MSFT\//, "./Device/Vendor/MSFT/");

/**
 * A stable stand-in for the Autopilot "4K" hardware hash (DevDetail/Ext/DeviceHardwareData):
 * 3,072 pseudo-random bytes derived from serial, MACs and DeviceID (base64, ~4 KB). The parts replaced
 * since it was harvested (device state `hardwareReplaced`) enter it, as a motherboard, NIC or disk swap
 * changes the real hash; `asHarvested` gives the hash before those replacements.
 */
export function hardwareHash(identity: DeviceIdentity, asHarvested = false): string {
  const hardwareChange = asHarvested ? "" : [...(identity.state?.hardwareReplaced ?? [])].sort().join(",");
  let h = 0x811c9dc5;
  for (const ch of `${identity.serialNumber}|${identity.macs.map((m) => m.address).join(",")}|${identity.windows?.deviceId ?? ""}|${hardwareChange}`) {
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  }
  const out = new Uint8Array(3072);
  let x = h || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return Buffer.from(out).toString("base64");
}

/** The Autopilot registration CSV line: `Device Serial Number,Windows Product ID,Hardware Hash[,Group Tag]`. */
export function autopilotCsvLine(identity: DeviceIdentity, groupTag?: string): string {
  const digits = (identity.windows?.hwDevId ?? "").replace(/[^0-9]/g, "").padEnd(20, "0");
  const productId = `${digits.slice(0, 5)}-${digits.slice(5, 10)}-${digits.slice(10, 15)}-AA${digits.slice(15, 18)}`;
  return [identity.serialNumber, productId, hardwareHash(identity), ...(groupTag ? [groupTag] : [])].join(",");
}

export const AUTOPILOT_CSV_HEADER = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag";

export interface ExecHandler {
  (uri: string, data: string | undefined): number;
}

export interface CspHooks {
  /** Veto a write (e.g. 405 once ServerHasFinishedProvisioning is set); return a status to refuse. */
  beforeWrite?(uri: string, value: string): number | undefined;
  afterWrite?(uri: string, value: string): void;
  exec?: ExecHandler;
}


export class CspTree {
  readonly nodes = new Map<string, CspNode>();
  unknownStatus = 404;
  hooks: CspHooks = {};
  /**
   * Commands the PC answers with an error whatever the tree holds (device state `cspStatus`): a node
   * whose implementation differs from its documentation, e.g. a write-only node (Get → 404, field
   * failure win-profile-verifying-forever) or an Exec that fails (500).
   */
  private statusRules: { re: RegExp; verb?: DmVerb; status: number }[] = [];
  /** The OS version whose capability table (capabilities.ts) decides which nodes exist. */
  readonly osVersion: string;

  constructor(identity: DeviceIdentity, extra: Record<string, string> = {}) {
    const w = identity.windows;
    this.osVersion = identity.os.version;
    const ro = (uri: string, value: string) => this.nodes.set(canonicalUri(uri), { value, readOnly: true });
    ro("./DevInfo/DevId", w?.deviceId ?? identity.serialNumber);
    ro("./DevInfo/Man", identity.manufacturer);
    ro("./DevInfo/Mod", identity.modelIdentifier);
    ro("./DevInfo/DmV", "1.3");
    ro("./DevInfo/Lang", "en-US");
    ro("./DevDetail/SwV", identity.os.version);
    ro("./DevDetail/OEM", identity.manufacturer);
    ro("./DevDetail/HwV", "1.0");
    ro("./DevDetail/FwV", "1.0.0");
    ro("./DevDetail/DevTyp", identity.modelIdentifier);
    ro("./DevDetail/Ext/Microsoft/DeviceName", identity.deviceName);
    ro("./DevDetail/Ext/Microsoft/OSPlatform", `Windows 10 ${w?.edition.name ?? "Enterprise"}`);
    ro("./DevDetail/Ext/Microsoft/ProcessorArchitecture", "9");
    ro("./DevDetail/Ext/Microsoft/TotalRAM", "16384");
    ro("./DevDetail/Ext/DeviceHardwareData", hardwareHash(identity));
    ro("./DevDetail/Ext/WLANMACAddress", identity.wifiMac ?? identity.ethernetMac ?? "");
    ro("./Vendor/MSFT/DMClient/HWDevID", w?.hwDevId ?? "");
    ro("./Vendor/MSFT/WindowsLicensing/Edition", String(w?.edition.osEdition ?? 4));
    ro("./Vendor/MSFT/DeviceStatus/OS/Mode", "0");
    ro("./Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion", w?.tpmVersion === "none" ? "Not available" : (w?.tpmVersion ?? "2.0"));
    ro("./Vendor/MSFT/DeviceStatus/DeviceGuard/VirtualizationBasedSecurityStatus", "0");
    ro("./Vendor/MSFT/BitLocker/Status/DeviceEncryptionStatus", "0");
    ro("./Vendor/MSFT/Defender/Health/ProductStatus", "0");
    ro("./Vendor/MSFT/HealthAttestation/Status", "3");
    ro("./Device/Vendor/MSFT/DeviceManageability/Capabilities/CSPVersions", "<DeviceManageability Version=\"com.microsoft/1.1/MDM/DeviceManageability\"/>");
    for (const [k, v] of Object.entries(extra)) this.nodes.set(canonicalUri(k), { value: v });
  }

  /** A node the device itself sets (a CSP's status node): read-only to the server. */
  setReadOnly(uri: string, value: string, format?: string): void {
    this.usedBytes = -1;
    this.nodes.set(canonicalUri(uri), { value, readOnly: true, ...(format ? { format } : {}) });
  }

  /** A node this build does not have (capabilities.ts): not in the tree, whatever a server writes. */
  private absent(u: string): boolean {
    return absentOnBuild(u, this.osVersion) !== undefined;
  }

  /** Sets the `cspStatus` rules (LocURI globs, `*` any characters). */
  answerWith(rules: readonly CspStatusRule[]): void {
    const glob = (g: string) => new RegExp(`^${canonicalUri(g).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    this.statusRules = rules.map((r) => ({ re: glob(r.uri), ...(r.verb ? { verb: r.verb } : {}), status: r.status }));
  }

  /**
   * The status a command gets before it touches the tree: a `cspStatus` rule's, 404 for a node the
   * build lacks, 405 for a verb the node does not allow.
   */
  private refusal(u: string, verb: DmVerb): number | undefined {
    const rule = this.statusRules.find((r) => (!r.verb || r.verb === verb) && r.re.test(u));
    if (rule) return rule.status;
    if (this.absent(u)) return this.unknownStatus;
    if (verbRefused(u, verb) !== undefined) return 405;
    return undefined;
  }

  get(uri: string): { status: number; value?: string; format?: string } {
    const u = canonicalUri(uri);
    const refused = this.refusal(u, "Get");
    if (refused) return { status: refused };
    const n = this.nodes.get(u);
    if (n) return { status: 200, value: n.value, format: n.format };
    const prefix = `${u.replace(/\/$/, "")}/`;
    const kids = new Set<string>();
    for (const k of this.nodes.keys()) if (k.startsWith(prefix)) kids.add(k.slice(prefix.length).split("/")[0]!);
    if (kids.size) return { status: 200, value: [...kids].join("/"), format: "node" };
    return { status: this.unknownStatus };
  }

  private writable(u: string): boolean {
    return WRITABLE.some((r) => r.test(u));
  }

  /**
   * What a server may store in this device's tree (URIs and values, in UTF-16 bytes): the device's
   * memory budget for CSP state. A write past it is answered 420 Device full (OMA-DM 1.2 status
   * codes), as a device out of storage answers; the session goes on.
   */
  budgetBytes = CSP_BUDGET_BYTES;
  private usedBytes = -1;
  private used(): number {
    if (this.usedBytes < 0) {
      this.usedBytes = 0;
      for (const [k, v] of this.nodes) this.usedBytes += 2 * (k.length + v.value.length);
    }
    return this.usedBytes;
  }

  write(verb: "Add" | "Replace", uri: string, value: string, format?: string): number {
    if (uri.startsWith("/")) return 400;
    const u = canonicalUri(uri);
    const refused = this.refusal(u, verb);
    if (refused) return refused;
    const existing = this.nodes.get(u);
    if (existing?.readOnly) return 405;
    if (!existing && !this.writable(u) && !tableAllows(u, verb)) return this.unknownStatus;
    if (verb === "Add" && existing) return 418;
    const grows = 2 * (value.length - (existing ? existing.value.length : -u.length));
    if (grows > 0 && this.used() + grows > this.budgetBytes) return 420;
    const veto = this.hooks.beforeWrite?.(u, value);
    if (veto) return veto;
    this.usedBytes = this.used() + grows;
    this.nodes.set(u, { value, ...(format ? { format } : {}) });
    this.hooks.afterWrite?.(u, value);
    return 200;
  }

  delete(uri: string): number {
    const u = canonicalUri(uri);
    const refused = this.refusal(u, "Delete");
    if (refused) return refused;
    const n = this.nodes.get(u);
    if (n?.readOnly) return 405;
    this.usedBytes = -1; // recounted at the next write
    let removed = this.nodes.delete(u);
    const prefix = `${u}/`;
    for (const k of [...this.nodes.keys()]) if (k.startsWith(prefix)) removed = this.nodes.delete(k) || removed;
    return removed ? 200 : 404;
  }

  exec(uri: string, data: string | undefined): number {
    const refused = this.refusal(canonicalUri(uri), "Exec");
    if (refused) return refused;
    return this.hooks.exec?.(canonicalUri(uri), data) ?? this.unknownStatus;
  }

  snapshot(): Map<string, CspNode> {
    return new Map(this.nodes);
  }

  restore(s: Map<string, CspNode>): void {
    this.usedBytes = -1;
    this.nodes.clear();
    for (const [k, v] of s) this.nodes.set(k, v);
  }
}

const ok = (code: number) => code >= 200 && code < 300;

/** The MS-MDM command semantics (notes §9.4) over a CspTree. */
export class CspProcessor implements DmProcessor {
  /** Every command the server sent, for tests and the device report. */
  readonly log: { verb: string; target?: string; status: string }[] = [];
  constructor(readonly tree: CspTree) {}

  process(msg: SyncMLMessage): Command[] {
    const out: Command[] = [];
    for (const c of msg.body) {
      if (c.verb === "Status" || c.verb === "Results") continue;
      this.run(c, msg.hdr.msgId, out, false);
    }
    return out;
  }

  private status(c: Command, msgRef: string, code: number, item?: Item): Command {
    const s: Command = { verb: "Status", msgRef, cmdRef: c.cmdId ?? "", cmd: c.verb, data: String(code), items: [] };
    if (item?.target !== undefined) s.targetRef = item.target;
    this.log.push({ verb: c.verb, target: item?.target ?? c.items[0]?.target, status: String(code) });
    return s;
  }

  private run(c: Command, msgRef: string, out: Command[], inAtomic: boolean): number {
    if (c.cmdId === undefined || c.cmdId === "") {
      out.push(this.status(c, msgRef, 400));
      return 400;
    }
    switch (c.verb) {
      case "Get": {
        if (inAtomic) return this.push(out, this.status(c, msgRef, 500));
        let code = 200;
        const results: Item[] = [];
        for (const it of c.items) {
          const r = this.tree.get(it.target ?? "");
          if (r.status !== 200) code = r.status;
          else results.push({ source: it.target, ...(r.format ? { meta: { format: r.format } } : {}), data: r.value });
        }
        out.push(this.status(c, msgRef, code));
        if (results.length) out.push({ verb: "Results", msgRef, cmdRef: c.cmdId, items: results });
        return code;
      }
      case "Add":
      case "Replace": {
        let code = 200;
        for (const it of c.items) {
          const r = this.tree.write(c.verb, it.target ?? "", it.data ?? "", it.meta?.format ?? c.meta?.format);
          if (!ok(r)) code = r;
        }
        return this.push(out, this.status(c, msgRef, code, c.items[0]));
      }
      case "Delete": {
        let code = 200;
        for (const it of c.items) {
          const r = this.tree.delete(it.target ?? "");
          if (!ok(r)) code = r;
        }
        return this.push(out, this.status(c, msgRef, code, c.items[0]));
      }
      case "Exec": {
        const it = c.items[0];
        return this.push(out, this.status(c, msgRef, this.tree.exec(it?.target ?? "", it?.data), it));
      }
      case "Alert":
        return this.push(out, this.status(c, msgRef, 200));
      case "Sequence": {
        const inner: Command[] = [];
        for (const k of c.children ?? []) this.run(k, msgRef, inner, inAtomic);
        out.push(this.status(c, msgRef, 200), ...inner);
        return 200;
      }
      case "Atomic": {
        if (inAtomic) return this.push(out, this.status(c, msgRef, 500));
        const snap = this.tree.snapshot();
        const logFrom = this.log.length;
        const inner: Command[] = [];
        let failed = false;
        for (const k of c.children ?? []) {
          if (failed) {
            inner.push(this.status(k, msgRef, 215));
            continue;
          }
          const code = this.run(k, msgRef, inner, true);
          if (!ok(code)) failed = true;
        }
        if (failed) {
          this.tree.restore(snap);
          for (const s of inner) if (s.verb === "Status" && ok(Number(s.data))) s.data = "216";
          for (const l of this.log.slice(logFrom)) if (ok(Number(l.status))) l.status = "216";
          out.push(this.status(c, msgRef, 507), ...inner);
          return 507;
        }
        out.push(this.status(c, msgRef, 200), ...inner);
        return 200;
      }
      default:
        return this.push(out, this.status(c, msgRef, 400));
    }
  }

  private push(out: Command[], s: Command): number {
    out.push(s);
    return Number(s.data);
  }
}

/** The DevInfo items a Windows device sends in the Replace of every OMA-DM session's first package. */
export function devInfoItems(id: DeviceIdentity): Item[] {
  const w = id.windows!;
  return [
    { source: "./DevInfo/DevId", data: w.deviceId },
    { source: "./DevInfo/Man", data: id.manufacturer },
    { source: "./DevInfo/Mod", data: id.modelIdentifier },
    { source: "./DevInfo/DmV", data: "1.3" },
    { source: "./DevInfo/Lang", data: "en-US" },
    { source: "./Vendor/MSFT/DMClient/HWDevID", data: w.hwDevId },
  ];
}
