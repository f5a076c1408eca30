// SPDX-License-Identifier: MIT
/**
 * Enrollment Status Page engine: what the device tracks comes only from what the server set
 * (DMClient FirstSyncStatus Expected* lists, in the documented U+F000 form or Fleet's child-node
 * form, and TimeOutUntilSyncFailure), plus the MSI jobs (EnterpriseDesktopAppManagement) it
 * installs on the virtual clock. Outputs a per-phase timeline.
 */
import type { Clock, Timer } from "../../ports/clock.js";
import { hresultHex } from "../../wire/windows/menroll.js";
import { CSP_LIST_DELIMITER } from "../../wire/windows/ns.js";
import type { Command } from "../../wire/windows/syncml.js";
import { canonicalUri, type CspTree } from "./csp.js";
import type { MsiContentFetcher } from "./msi-content.js";
import { ScepCspJobs, type ScepJobState } from "./scep-csp.js";
import { commandLineProperties } from "../../wire/windows/msi-package.js";

export const ESP_DEVICE_PREP = "./Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders";

export interface ProviderState {
  name: string;
  state: "pending" | "done" | "failed";
  timeoutMinutes: number;
  lastError?: string;
}

/** DevicePreparation policy providers the server registered (1 NotInstalled, 2 NotRequired, 3 Completed, 4 Error). */
export function devicePreparationProviders(tree: CspTree): ProviderState[] {
  const names = new Set<string>();
  for (const k of tree.nodes.keys()) if (k.startsWith(`${ESP_DEVICE_PREP}/`)) names.add(k.slice(ESP_DEVICE_PREP.length + 1).split("/")[0]!);
  return [...names].map((name) => {
    const get = (leaf: string) => tree.nodes.get(`${ESP_DEVICE_PREP}/${name}/${leaf}`)?.value;
    const st = get("InstallationState");
    const t = Number(get("Timeout") ?? "15");
    return {
      name,
      state: st === "2" || st === "3" ? "done" : st === "4" ? "failed" : "pending",
      timeoutMinutes: Number.isFinite(t) && t > 0 ? t : 15,
      ...(get("LastError") ? { lastError: get("LastError") } : {}),
    };
  });
}

/**
 * Windows Installer exit codes the MSI job acts on (msiexec, "MsiExec.exe and InstMsi.exe error
 * messages"): 0 ERROR_SUCCESS and 3010 ERROR_SUCCESS_REBOOT_REQUIRED complete the job (Status 70);
 * 1641 ERROR_SUCCESS_REBOOT_INITIATED means the installer restarted Windows itself, so the job never
 * reports (Status stays 50, the restart is an unplanned one for ESP); any other code fails the job
 * (Status 60, LastError = the code), e.g. 1603 ERROR_INSTALL_FAILURE.
 */
export const EXIT_SUCCESS = 0;
export const EXIT_REBOOT_REQUIRED = 3010;
export const EXIT_REBOOT_INITIATED = 1641;

export const REBOOT_PROMPT_TEXT = "You're about to be signed out. Windows will restart to finish applying your organization's settings.";
export const AUTOLOGON_FAILED_TEXT = "Credential prompt instead of autologon: after the restart Windows asks for a password and provisioning cannot continue (device reset needed)";

/** A restart ESP did not plan: an app that reboots by itself, or a policy that needs one (AppLocker). */
export interface RebootRequest {
  by: string;
  kind: "app" | "policy";
  at: number;
}

/** What the package's installer does when the device runs it (the server's package carries it). */
export interface AppBehaviour {
  installMinutes?: number;
  exitCode?: number;
}

const MSI_RE = /^\.\/(?:Device|User)\/Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\/([^/]+)\/DownloadInstall$/;
const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** MSI DownloadInstall jobs: Exec → 202, then Status 70/60 after the install time and a 1226 alert. */
export const INSTALL_ALREADY_RUNNING = "Another installation is in progress, please try again later (1618)";

export class MsiJobs {
  readonly alerts: Command[] = [];
  /** Set when an installer restarts the device (exit code 1641). */
  reboot: RebootRequest | undefined;
  private readonly timers: Timer[] = [];
  /** `lastError`: the job's LastError node (the installer's exit code, or the download's HRESULT), which the ESP's Apps row shows (espErrorCode). */
  /** `properties` / `files`: what the package gave the app it installed (its CommandLine's MSI properties, its baked files), which a vendor agent reads its secret from (agent-work.ts). */
  readonly jobs = new Map<
    string,
    { status: number; startedAt: number; endedAt?: number; name: string; channel?: "omadm" | "win32"; error?: string; lastError?: string; properties?: Record<string, string>; files?: Record<string, string> }
  >();
  /** The Exec each job came from (the queued EnterpriseDesktopAppManagement job), to run it again after a restart. */
  private readonly execs = new Map<string, { uri: string; data: string | undefined }>();

  constructor(
    private readonly tree: CspTree,
    private readonly clock: Clock,
    private readonly minuteMs: number,
    /** Downloads the ContentURL and checks the FileHash (msi-content.ts) before the installer runs. */
    private readonly fetchContent: MsiContentFetcher,
    private readonly onChange?: () => void,
  ) {}

  /** Status 30 (download failed) with the download's HRESULT, reported in the 1226 alert. */
  private downloadFailed(code: string, base: string, lastError: string, text: string): void {
    this.tree.nodes.set(`${base}/Status`, { value: "30" });
    this.tree.nodes.set(`${base}/LastError`, { value: lastError });
    this.jobs.set(code, { ...this.jobs.get(code)!, status: 30, endedAt: this.clock.now(), error: text, lastError });
    this.alerts.push({
      verb: "Alert",
      data: "1226",
      items: [{ source: `${base}/DownloadInstall`, meta: { type: "Reversed-Domain-Name:com.microsoft.mdm.win32csp_install", format: "int", mark: "informational" }, data: lastError }],
    });
    this.onChange?.();
  }

  exec(uri: string, data: string | undefined): number | undefined {
    const m = MSI_RE.exec(uri);
    if (!m) return undefined;
    const code = decode(m[1]!);
    const base = uri.slice(0, uri.lastIndexOf("/"));
    const url = /<ContentURL>([^<]*)<\/ContentURL>/i.exec(data ?? "")?.[1]?.replace(/&amp;/g, "&");
    let hint: AppBehaviour = {};
    let name = code;
    let channel: "omadm" | "win32" = "omadm";
    if (url) {
      try {
        const q = new URL(url).searchParams;
        const mins = q.get("enrollsim-install-minutes");
        const exit = q.get("enrollsim-exit-code");
        name = q.get("enrollsim-app") ?? name;
        channel = q.get("enrollsim-channel") === "win32" ? "win32" : "omadm";
        hint = { ...(mins ? { installMinutes: Number(mins) } : {}), ...(exit && /^\d+$/.test(exit) ? { exitCode: Number(exit) } : {}) };
      } catch {
        return 400;
      }
    } else return 400;
    const b = { installMinutes: 1, exitCode: EXIT_SUCCESS, ...hint };
    this.execs.set(code, { uri, data });
    // Status 20 (download in progress) until the content is fetched and its hash checked; 50 while the installer runs.
    const fileHash = /<FileHash>([^<]*)<\/FileHash>/i.exec(data ?? "")?.[1];
    const cmd = /<CommandLine>([^<]*)<\/CommandLine>/i.exec(data ?? "")?.[1];
    const properties = cmd ? commandLineProperties(cmd) : {};
    this.tree.nodes.set(`${base}/Status`, { value: "20" });
    this.jobs.set(code, { status: 20, startedAt: this.clock.now(), name, channel, ...(Object.keys(properties).length ? { properties } : {}) });
    void this.fetchContent(url, fileHash).then(
      (d) => {
        if (!d.ok) return this.downloadFailed(code, base, d.lastError, d.text);
        if (d.files) this.jobs.set(code, { ...this.jobs.get(code)!, files: d.files });
        this.install(code, base, name, b, channel);
      },
      (err: unknown) => {
        // A power cut (timeline reboot) is not a failed download: the job stays in progress on the
        // device's disk and starts again when the PC boots, as installs cut short by a restart do.
        if ((err as { code?: unknown } | null)?.code === "device.rebooted") return;
        this.downloadFailed(code, base, "0x80004005", `download failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return 202;
  }

  /** After the download: the installer runs for the app's install time, then reports 70 (or 60 with 1603). */
  private install(code: string, base: string, name: string, b: AppBehaviour, channel: "omadm" | "win32"): void {
    // Windows Installer runs one installation at a time. The management extension starts a Win32
    // app's installer directly, without waiting: while a line-of-business MSI from OMA-DM is
    // installing, it fails with 1618 (ERROR_INSTALL_ALREADY_RUNNING).
    if (channel === "win32" && [...this.jobs.values()].some((j) => j.status === 50 && j.channel === "omadm")) {
      this.tree.nodes.set(`${base}/Status`, { value: "60" });
      this.tree.nodes.set(`${base}/LastError`, { value: "1618" });
      this.jobs.set(code, { ...this.jobs.get(code)!, status: 60, endedAt: this.clock.now(), error: INSTALL_ALREADY_RUNNING, lastError: "1618" });
      this.alerts.push({
        verb: "Alert",
        data: "1226",
        items: [{ source: `${base}/DownloadInstall`, meta: { type: "Reversed-Domain-Name:com.microsoft.mdm.win32csp_install", format: "int", mark: "informational" }, data: "1618" }],
      });
      this.onChange?.();
      return;
    }
    this.tree.nodes.set(`${base}/Status`, { value: "50" });
    this.jobs.set(code, { ...this.jobs.get(code)!, status: 50 });
    this.onChange?.();
    this.timers.push(
      this.clock.setTimer(Math.max(0, b.installMinutes!) * this.minuteMs, () => {
        if (b.exitCode === EXIT_REBOOT_INITIATED) {
          // The package restarts Windows itself: the job stays "installing" (Status 50) for ever.
          this.reboot ??= { by: name, kind: "app", at: this.clock.now() };
          this.onChange?.();
          return;
        }
        const okay = b.exitCode === EXIT_SUCCESS || b.exitCode === EXIT_REBOOT_REQUIRED;
        const status = okay ? 70 : 60;
        this.tree.nodes.set(`${base}/Status`, { value: String(status) });
        if (!okay) this.tree.nodes.set(`${base}/LastError`, { value: String(b.exitCode) });
        this.jobs.set(code, { ...this.jobs.get(code)!, status, endedAt: this.clock.now(), ...(okay ? {} : { error: `the installer exited with ${b.exitCode}${b.exitCode === 1603 ? " (ERROR_INSTALL_FAILURE: fatal error during installation)" : ""}`, lastError: String(b.exitCode) }) });
        this.alerts.push({
          verb: "Alert",
          data: "1226",
          items: [{ source: `${base}/DownloadInstall`, meta: { type: "Reversed-Domain-Name:com.microsoft.mdm.win32csp_install", format: "int", mark: "informational" }, data: String(b.exitCode) }],
        });
        // An app that is a DevicePreparation policy provider's agent (e.g. the management extension)
        // reports its provider's InstallationState when it finishes: 3 Completed, 4 Error.
        const provider = `${ESP_DEVICE_PREP}/${name}`;
        if (this.tree.nodes.has(`${provider}/InstallationState`)) {
          this.tree.nodes.set(`${provider}/InstallationState`, { value: okay ? "3" : "4" });
          if (!okay) this.tree.nodes.set(`${provider}/LastError`, { value: "0x80070643" });
        }
        this.onChange?.();
      }),
    );
  }

  /** Alerts to send in the next session's first package (drained). */
  takeAlerts(): Command[] {
    return this.alerts.splice(0);
  }

  cancel(): void {
    for (const t of this.timers) t.cancel();
  }

  /**
   * After the PC restarted (timeline `reboot`; `prev` is the job table before it): finished jobs keep
   * their result, and a download or install the restart cut short starts again from its queued job
   * (modelled: the enrollment's app jobs are kept in the registry and re-run; not a published figure).
   */
  adopt(prev: MsiJobs): void {
    for (const [code, job] of prev.jobs) {
      const exec = prev.execs.get(code);
      if ((job.status === 20 || job.status === 50) && exec) this.exec(exec.uri, exec.data);
      else {
        this.jobs.set(code, job);
        if (exec) this.execs.set(code, exec);
      }
    }
  }
}

export interface EspSettings {
  timeoutMinutes: number;
  blockInStatusPage?: string;
  allowCollectLogsButton?: boolean;
  customErrorText?: string;
  skipDeviceStatusPage: boolean;
  skipUserStatusPage: boolean;
  serverHasFinishedProvisioning: boolean;
  expectedPolicies: string[];
  expectedMsi: string[];
  expectedScep: string[];
  expectedPfx: string[];
  expectedNetworkProfiles: string[];
  /** FirstSyncStatus/ExpectedModernAppPackages: EnterpriseModernAppManagement AppInstallation/<PFN> nodes (store-apps.ts). */
  expectedModern: string[];
  /** Values outside the documented range (e.g. TimeOutUntilSyncFailure 10800). */
  findings: string[];
}

export interface TrackedItem {
  kind: "policy" | "msi" | "scep" | "pfx" | "network" | "modern" | "registration";
  id: string;
  scope: "device" | "user";
  state: "pending" | "done" | "failed";
  /** Why a pending item is not done yet (e.g. the Store app's LastErrorDesc). */
  detail?: string;
}

/**
 * The buttons the ESP error page offers. BlockInStatusPage is a set of flags (device scope): 1 Reset
 * device, 2 Try again, 4 Continue anyway; 0 or absent means the page does not block, and the user
 * can continue. The bit meanings come from a public Autopilot diagnostics script, not the CSP text
 * (shared/notes/server-policies.md §8.3). A value that is not a non-negative integer counts as 0.
 */
export function espFailureButtons(s: Pick<EspSettings, "blockInStatusPage" | "allowCollectLogsButton">): string[] {
  const raw = s.blockInStatusPage === undefined ? 0 : Number(s.blockInStatusPage);
  const flags = Number.isInteger(raw) && raw >= 0 ? raw : 0;
  const out: string[] = s.allowCollectLogsButton ? ["Collect logs"] : [];
  if (flags === 0) return [...out, "Continue anyway"];
  if (flags & 1) out.push("Reset device");
  if (flags & 2) out.push("Try again");
  if (flags & 4) out.push("Continue anyway");
  return out;
}

export const DEFAULT_ESP_ERROR =
  "Installation of apps and policies took longer than expected. Your organization requires these to be installed before you can continue. Try again, or contact your support person.";

/**
 * What the ESP shows for a failed tracked item: its category's row with the item's error code. Published as a capture
 * only (halfoncloud.com, "M365 Business Premium Part 8: Anatomy of a Failed Enrollment": "The Apps category reports
 * error code 0x80070001" for a Win32 app that exited 1, and Account setup shows "Previous step failed."), so the row's
 * exact wording is not published and the text says so. The same row-and-code page stands for a failed certificate
 * profile (its ErrorCode, scep-csp.ts); no capture of that page is published. The admin's CustomErrorText follows it.
 */
export function espFailedRowText(row: string, code: string | undefined, customErrorText: string | undefined): string {
  return `${row}${code ? `: error ${code}` : ""} (the page's exact wording is not published)${customErrorText ? `. ${customErrorText}` : ""}`;
}

/**
 * The code the ESP's Apps row shows for an app's LastError: an HRESULT as it is, an installer's exit code as
 * HRESULT_FROM_WIN32 (exit 1 → 0x80070001 in halfoncloud.com's capture; MSI's 1603 → 0x80070643). Undefined otherwise.
 */
export function espErrorCode(lastError: string | undefined): string | undefined {
  if (!lastError) return undefined;
  if (/^0x[0-9a-f]{1,8}$/i.test(lastError)) return hresultHex(Number.parseInt(lastError.slice(2), 16));
  const n = /^\d+$/.test(lastError) ? Number(lastError) : NaN;
  return n > 0 && n <= 0xffff ? hresultHex(0x80070000 | n) : undefined;
}

/** Reads the ESP settings the server set (tree) over those of the provisioning document. */
export function readEspSettings(tree: CspTree, providerId: string, fromDoc: Record<string, string>): EspSettings {
  const base = `./Device/Vendor/MSFT/DMClient/Provider/${providerId}/FirstSyncStatus`;
  const userBase = `./User/Vendor/MSFT/DMClient/Provider/${providerId}/FirstSyncStatus`;
  const val = (name: string): string | undefined => tree.nodes.get(`${base}/${name}`)?.value ?? fromDoc[name];
  const list = (b: string, name: string): string[] => {
    const out: string[] = [];
    const v = tree.nodes.get(`${b}/${name}`)?.value ?? (b === base ? fromDoc[name] : undefined);
    if (v) out.push(...v.split(CSP_LIST_DELIMITER).map((s) => s.trim()).filter(Boolean));
    const prefix = `${b}/${name}/`;
    for (const k of tree.nodes.keys()) if (k.startsWith(prefix)) out.push(decode(k.slice(prefix.length)));
    return out;
  };
  const findings: string[] = [];
  let timeout = Number(val("TimeOutUntilSyncFailure") ?? "60");
  if (!Number.isFinite(timeout) || timeout <= 0) timeout = 60;
  if (timeout > 1440) findings.push(`TimeOutUntilSyncFailure ${timeout} exceeds the documented maximum 1440 minutes`);
  const bool = (s: string | undefined) => s !== undefined && /^(true|1)$/i.test(s);
  return {
    timeoutMinutes: timeout,
    blockInStatusPage: val("BlockInStatusPage"),
    allowCollectLogsButton: bool(val("AllowCollectLogsButton")),
    customErrorText: val("CustomErrorText"),
    skipDeviceStatusPage: bool(val("SkipDeviceStatusPage")),
    skipUserStatusPage: bool(val("SkipUserStatusPage")),
    serverHasFinishedProvisioning: bool(val("ServerHasFinishedProvisioning")),
    expectedPolicies: [...list(base, "ExpectedPolicies"), ...list(userBase, "ExpectedPolicies")],
    expectedMsi: [...list(base, "ExpectedMSIAppPackages"), ...list(userBase, "ExpectedMSIAppPackages")],
    expectedScep: [...list(base, "ExpectedSCEPCerts"), ...list(userBase, "ExpectedSCEPCerts")],
    expectedPfx: [...list(base, "ExpectedPFXCerts"), ...list(userBase, "ExpectedPFXCerts")],
    expectedNetworkProfiles: [...list(base, "ExpectedNetworkProfiles"), ...list(userBase, "ExpectedNetworkProfiles")],
    expectedModern: [...list(base, "ExpectedModernAppPackages"), ...list(userBase, "ExpectedModernAppPackages")],
    findings,
  };
}

/** The state of every tracked item right now. */
export function trackedItems(tree: CspTree, s: EspSettings, msi: MsiJobs, certs?: ReadonlyMap<string, ScepJobState>): TrackedItem[] {
  const items: TrackedItem[] = [];
  for (const p of s.expectedPolicies) {
    const uri = canonicalUri(p);
    items.push({ kind: "policy", id: p, scope: uri.startsWith("./User/") ? "user" : "device", state: tree.get(uri).status === 200 ? "done" : "pending" });
  }
  for (const e of s.expectedMsi) {
    const uri = e.split(";")[0]!;
    const m = /\/MSI\/([^/]+)\/Status$/.exec(uri);
    const code = m ? decode(m[1]!) : uri;
    const job = msi.jobs.get(code);
    const state = job?.status === 70 ? "done" : job?.status === 60 || job?.status === 30 ? "failed" : "pending";
    items.push({ kind: "msi", id: job?.name ?? code, scope: uri.startsWith("./User/") ? "user" : "device", state });
  }
  // Network profiles (Wi-Fi/VPN) and PFX certificates are done once their node holds what the server set.
  for (const [kind, list] of [["network", s.expectedNetworkProfiles], ["pfx", s.expectedPfx]] as const) {
    for (const e of list) {
      const uri = canonicalUri(e.replace(/\/$/, ""));
      items.push({ kind, id: e, scope: uri.startsWith("./User/") ? "user" : "device", state: tree.get(uri).status === 200 ? "done" : "pending" });
    }
  }
  // Store apps: AppInstallation/<PFN>/Status 2 installed, 3 failed (store-apps.ts).
  for (const e of s.expectedModern) {
    const uri = canonicalUri(e.replace(/\/$/, ""));
    const st = tree.nodes.get(`${uri}/Status`)?.value;
    const desc = tree.nodes.get(`${uri}/LastErrorDesc`)?.value;
    items.push({ kind: "modern", id: decode(uri.split("/").pop()!), scope: uri.startsWith("./User/") ? "user" : "device", state: st === "2" ? "done" : st === "3" ? "failed" : "pending", ...(desc ? { detail: desc } : {}) });
  }
  // SCEP certificates: ClientCertificateInstall SCEP/<id>/Status 1 finished, 16 failed (scep-csp.ts); a failed
  // one carries its ErrorCode (or the raw failInfo) as the detail the Certificates row shows.
  for (const e of s.expectedScep) {
    const uri = canonicalUri(e.replace(/\/$/, ""));
    const status = tree.nodes.get(`${uri}/Status`)?.value;
    const job = certs?.get(uri);
    const state = status === "1" ? "done" : status === "16" ? "failed" : "pending";
    items.push({ kind: "scep", id: decode(uri.split("/").pop()!), scope: uri.startsWith("./User/") ? "user" : "device", state, ...(state === "failed" && job ? { detail: ScepCspJobs.describe(job) } : {}) });
  }
  return items;
}

/** The ESP row an item is counted in (Device setup and Account setup list Security policies, Certificates, Network connections, Apps). */
export function espCategory(kind: TrackedItem["kind"]): string {
  switch (kind) {
    case "scep":
    case "pfx":
      return "Certificates";
    case "network":
      return "Network connections";
    case "msi":
    case "modern":
      return "Apps";
    default:
      return "Security policies";
  }
}

/** One category's row as the page shows it: "Certificates (0 of 1 installed, 1 failed)". */
export function espCategoryRow(items: readonly Pick<TrackedItem, "kind" | "state">[], category: string): string {
  const mine = items.filter((i) => espCategory(i.kind) === category);
  const done = mine.filter((i) => i.state === "done").length;
  const failed = mine.filter((i) => i.state === "failed").length;
  return `${category} (${done} of ${mine.length} ${category === "Security policies" ? "applied" : "installed"}${failed ? `, ${failed} failed` : ""})`;
}

export interface EspPhase {
  phase: "DevicePreparation" | "DeviceSetup" | "AccountSetup";
  startedAt: number;
  endedAt?: number;
  result: "success" | "timeout" | "app-failed" | "certificate-failed" | "failed" | "skipped" | "reboot-prompt" | "autologon-failed";
  /** Unplanned restarts during the phase. */
  reboots?: { by: string; kind: "app" | "policy"; atMs: number }[];
  /** What it waited for, with the time each item finished (ms since the phase start). */
  items?: { kind: string; id: string; state: string; doneAfterMs?: number }[];
  /** The screen a user sees when it fails. */
  screen?: string;
  sessions?: number;
}
