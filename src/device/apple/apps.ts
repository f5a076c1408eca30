// SPDX-License-Identifier: MIT
/**
 * Managed app installs on an Apple device: InstallApplication, the prompts iOS shows the user, and
 * the ManagedApplicationList reply that reports what came of them.
 *
 * The command is acknowledged at once with the app's State (`Prompting` on an unsupervised device,
 * else `Queued`); what follows runs between command sessions, as the user meets it:
 * 1. Unsupervised iOS/iPadOS: the management prompt, step `app.install-prompt` ("“<org>” is about to
 *    install and manage the app “<name>” from the App Store. Your Apple Account will not be charged
 *    for this app."; "iTunes account" before iOS 18; no "from the App Store" for a ManifestURL app).
 *    The organization is the Settings command's OrganizationInfo, else the MDM profile's
 *    PayloadOrganization. A user who taps Cancel is the timeline's `abandon` at that step: the app
 *    becomes `UserRejected`; `idle` there keeps it `Prompting` that long. A supervised device does not
 *    ask (Apple, Install Application: "If the device is supervised, the device only prompts when the
 *    app to install is in the foreground").
 * 2. An App Store app: the device asks the App Store for the app's licence (step `app.store-licence`;
 *    in an embedded run the reference server's Apps and Books location answers in Apple's place:
 *    GET /apple/appstore/licenses/<adamId>). A device licence installs without an Apple Account; a
 *    user licence, or an app not bought through volume purchase (PurchaseMethod 0), needs the user
 *    signed in to the App Store: `PromptingForLogin` and step `app.store-sign-in` (the user signs in
 *    by default; `abandon` there leaves the app waiting for a sign-in). A volume-purchase install
 *    (PurchaseMethod 1) for which neither the device nor its user holds a licence `Failed`s.
 *    Intune's end-user prompt table ("End-User Prompts for VPP", learn.microsoft.com/intune/intune-service/
 *    apps/vpp-apps-ios): install prompt on unsupervised devices only; Apple Account prompt for user licences.
 * 3. `Installing`, then `Managed`: the app is in the device's app list (InstalledApplicationList).
 * ManagedApplicationList reports each app's Status; `UserRejected` and `Failed` are transient: reported
 * once, then the entry is gone (Apple, application.managed.list.yaml). A rejected or failed install is
 * a background outcome of the flow (`apple.app.user-rejected`, `apple.app.store-sign-in-pending`,
 * `apple.app.install-failed`) with what the device showed.
 * macOS acknowledges and installs without these prompts. Not modelled: app downloads and sizes,
 * redemption codes, updates and their prompts, ChangeManagementState, enterprise app validation.
 */
import { ProtocolViolationError, TransportError, asSimError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { compareVersions } from "../../wire/version.js";
import type { MdmCommand } from "../../wire/apple/mdm.js";
import { isDict, type PlistDict } from "../../wire/apple/plist.js";
import type { BackgroundOutcome } from "../flow.js";
import type { Shown } from "../shown.js";

/** ManagedApplicationList Status values the model produces (Apple's rangelist has more). */
export type ManagedAppStatus = "Queued" | "Prompting" | "PromptingForLogin" | "PromptingForManagement" | "Installing" | "Managed" | "UserInstalledApp" | "UserRejected" | "ManagementRejected" | "Failed";
/** Reported once, then removed from the list (application.managed.list.yaml). */
const TRANSIENT: ReadonlySet<ManagedAppStatus> = new Set(["UserInstalledApp", "UserRejected", "ManagementRejected", "Failed"]);

export const APP_STEPS = { prompt: "app.install-prompt", licence: "app.store-licence", signIn: "app.store-sign-in", management: "app.management-prompt" } as const;

/** What the device needs of its surroundings (AppleDevice). */
export interface AppHost {
  readonly protocol: ProtocolContext;
  readonly os: "iOS" | "macOS";
  /** Read when needed: ADE sets supervision from the cloud configuration, ScheduleOSUpdate changes the version. */
  osVersion(): string;
  supervised(): boolean;
  readonly serialNumber?: string;
  /** The organization named in the prompt. */
  organization(): string;
  /** Base URL of the App Store stand-in (embedded runs), else undefined: the licence is taken as the command says. */
  storeBase?: string;
  /** The user installed this app before (unmanaged, device state userInstalledApps). */
  userInstalled(identifier: string): boolean;
  /** The app reached Managed: add it to the device's app list (or mark the user's copy managed). */
  installed(app: { identifier: string; name: string; itunesStoreId?: number; configuration?: PlistDict }): void;
}

interface ManagedApp {
  identifier: string;
  name: string;
  itunesStoreId?: number;
  enterprise: boolean;
  purchaseMethod: number;
  managementFlags: number;
  /** ChangeManagementState Managed: take over the user's own copy. */
  takeOver: boolean;
  configuration?: PlistDict;
  status: ManagedAppStatus;
  /** What the App Store said the device or its user holds (after the lookup). */
  licence?: "device" | "user";
  /** The prompt and licence work still to run (between sessions). */
  pending: boolean;
}

export class AppInstalls {
  private readonly apps = new Map<string, ManagedApp>();
  /** Rejected or failed installs, as background outcomes of the flow. */
  readonly outcomes: BackgroundOutcome[] = [];

  constructor(private readonly host: AppHost) {}

  /** InstallApplication: acknowledged with the app's first state; the rest runs at {@link runPending}. */
  install(cmd: MdmCommand): PlistDict {
    const c = cmd.command;
    const itunesStoreId = typeof c.iTunesStoreID === "number" ? c.iTunesStoreID : undefined;
    const enterprise = typeof c.ManifestURL === "string";
    const identifier = typeof c.Identifier === "string" ? c.Identifier : itunesStoreId !== undefined ? `id${itunesStoreId}` : `manifest.${this.apps.size}`;
    const options = isDict(c.Options) ? c.Options : {};
    const prompt = this.host.os === "iOS" && !this.host.supervised();
    const takeOver = c.ChangeManagementState === "Managed";
    const userCopy = this.host.userInstalled(identifier);
    const app: ManagedApp = {
      identifier,
      name: identifier,
      ...(itunesStoreId !== undefined ? { itunesStoreId } : {}),
      enterprise,
      purchaseMethod: typeof options.PurchaseMethod === "number" ? options.PurchaseMethod : 0,
      managementFlags: typeof c.ManagementFlags === "number" ? c.ManagementFlags : 0,
      takeOver,
      ...(isDict(c.Configuration) ? { configuration: c.Configuration } : {}),
      status: userCopy && takeOver && prompt ? "PromptingForManagement" : prompt && !userCopy ? "Prompting" : "Queued",
      pending: true,
    };
    this.apps.set(identifier, app);
    return { ...(typeof c.Identifier === "string" ? { Identifier: c.Identifier } : {}), State: app.status };
  }

  /** ManagedApplicationList: every app (or those named), transient statuses reported once. */
  list(identifiers?: readonly string[]): PlistDict {
    const only = identifiers ? new Set(identifiers) : undefined;
    const out: PlistDict = {};
    for (const [key, a] of this.apps) {
      if (only && !only.has(a.identifier)) continue;
      out[a.identifier] = { Status: a.status, ManagementFlags: a.managementFlags, UnusedRedemptionCode: "", HasConfiguration: !!a.configuration, HasFeedback: false, IsValidated: true, ExternalVersionIdentifier: 0 };
      if (TRANSIENT.has(a.status)) this.apps.delete(key);
    }
    return out;
  }

  status(identifier: string): ManagedAppStatus | undefined {
    return this.apps.get(identifier)?.status;
  }

  /** RemoveApplication: the app is no longer managed (nor listed). */
  remove(identifier: string): void {
    this.apps.delete(identifier);
  }

  /** Runs what the user and the App Store do with each new install, one app after another. */
  async runPending(): Promise<void> {
    for (const app of [...this.apps.values()]) {
      if (!app.pending) continue;
      app.pending = false;
      await this.run(app);
    }
  }

  private async run(app: ManagedApp): Promise<void> {
    const p = this.host.protocol;
    if (app.itunesStoreId !== undefined && this.host.storeBase) {
      let found: "ok" | "failed";
      try {
        found = await this.lookup(app);
      } catch (err) {
        // The App Store cannot be reached (a blocked host, a fault): this install fails, the device carries on.
        if (!(err instanceof TransportError || err instanceof ProtocolViolationError)) throw err;
        // What iOS shows for an App Store it cannot reach during a managed install is not published: the status is
        // Apple's (ManagedApplicationList Failed), the condition is marked unpublished, and the transport error is
        // enrollsim's diagnosis (the message), not the device's words.
        this.end(
          app,
          "Failed",
          APP_STEPS.licence,
          "apple.app.install-failed",
          { code: "Failed", name: "ManagedApplicationList Status", text: `The app “${app.name}” could not be installed.`, screen: "Home Screen", unknown: { raw: "the App Store could not be reached", of: "condition" } },
          `the App Store could not be reached (${err.message.slice(0, 160)})`,
        );
        return;
      }
      if (found === "failed") return;
    }
    if (this.host.userInstalled(app.identifier)) return this.userCopy(app);
    const prompted = app.status === "Prompting";
    if (prompted) {
      const text = this.promptText(app);
      const cancelled = await userStep(p, APP_STEPS.prompt, { prompt: text, app: app.identifier });
      // The alert's text is iOS's; that the user tapped Cancel is what happened, not words on the screen.
      if (cancelled) return this.end(app, "UserRejected", APP_STEPS.prompt, "apple.app.user-rejected", { code: "UserRejected", name: "ManagedApplicationList Status", text, screen: "Home Screen (alert)" }, `the user tapped Cancel at: ${text}`);
    }
    const needsAccount = !app.enterprise && this.host.os === "iOS" && (app.purchaseMethod !== 1 || app.licence === "user");
    if (needsAccount) {
      app.status = "PromptingForLogin";
      const cancelled = await userStep(p, APP_STEPS.signIn, { app: app.identifier, licence: app.licence ?? "none (not a volume-purchase install)", prompt: "App Store sign-in (Apple Account)" });
      if (cancelled) {
        // The install waits for a sign-in that never comes: the app stays PromptingForLogin.
        this.outcomes.push({
          task: APP_STEPS.signIn,
          ok: false,
          code: "apple.app.store-sign-in-pending",
          at: p.clock.now(),
          message: `${app.name}: the App Store asked for an Apple Account and the user never signed in`,
          // The sign-in sheet's wording for a managed install is not published: the status is Apple's, the condition unpublished.
          shown: {
            code: "PromptingForLogin",
            name: "ManagedApplicationList Status",
            text: `App Store sign-in to install “${app.name}”`,
            screen: "App Store sign-in",
            unknown: { raw: "the App Store asks for an Apple Account; the user did not sign in", of: "condition" },
          },
        });
        return;
      }
    }
    app.status = "Installing";
    // What the transcript reader needs to see why the user was or was not asked.
    const why = prompted ? "accepted" : this.host.os === "macOS" ? "none (macOS)" : "none (supervised)";
    decoded(p, "app.install", { app: app.identifier, status: "Installing", installPrompt: why, licence: app.licence ?? (app.purchaseMethod === 1 ? "volume purchase (not looked up)" : "none (Apple Account)") });
    app.status = "Managed";
    this.host.installed({ identifier: app.identifier, name: app.name, ...(app.itunesStoreId !== undefined ? { itunesStoreId: app.itunesStoreId } : {}), ...(app.configuration ? { configuration: app.configuration } : {}) });
  }

  /**
   * The user installed the app before: without ChangeManagementState it stays theirs (UserInstalledApp);
   * with it, a supervised device takes it over, an unsupervised one asks first (fleetdm/fleet#50860,
   * #52923; the prompt's text from Microsoft's iOS app-install prompt guide).
   */
  private async userCopy(app: ManagedApp): Promise<void> {
    const p = this.host.protocol;
    if (!app.takeOver) {
      // Nothing is shown on the device: the server reads the status (ManagedApplicationList UserInstalledApp, Apple's).
      return this.end(
        app,
        "UserInstalledApp",
        "app.install",
        "apple.app.user-installed",
        { code: "UserInstalledApp", name: "ManagedApplicationList Status", text: `“${app.name}” stays the user's app (unmanaged)`, screen: "ManagedApplicationList (no alert on the device)" },
        `the user installed “${app.name}” before the managed install and the server did not take it over (no ChangeManagementState): it stays unmanaged`,
      );
    }
    if (this.host.os === "iOS" && !this.host.supervised()) {
      app.status = "PromptingForManagement";
      const text = `Would you like to let “${this.host.organization()}” take management of the app “${app.name}”? The app will close and your app data will become managed.`;
      const cancelled = await userStep(p, APP_STEPS.management, { prompt: text, app: app.identifier });
      if (cancelled)
        return this.end(
          app,
          "ManagementRejected",
          APP_STEPS.management,
          "apple.app.management-rejected",
          { code: "ManagementRejected", name: "ManagedApplicationList Status", text, screen: "Home Screen (alert)" },
          `the user tapped Cancel at: ${text}`,
        );
    }
    decoded(p, "app.install", { app: app.identifier, status: "Managed", takeOver: "the user's copy becomes managed" });
    app.status = "Managed";
    this.host.installed({ identifier: app.identifier, name: app.name, ...(app.itunesStoreId !== undefined ? { itunesStoreId: app.itunesStoreId } : {}), ...(app.configuration ? { configuration: app.configuration } : {}) });
  }

  /** Asks the App Store (stand-in) for the app's name, bundle id and licence; "failed" when a VPP install has none. */
  private async lookup(app: ManagedApp): Promise<"ok" | "failed"> {
    const p = this.host.protocol;
    const q = new URLSearchParams({ ...(this.host.serialNumber ? { serialNumber: this.host.serialNumber } : {}) });
    const body = await step(p, APP_STEPS.licence, async () => {
      const res = await exchange(p, APP_STEPS.licence, { method: "GET", url: `${this.host.storeBase}/apple/appstore/licenses/${app.itunesStoreId}?${q}`, headers: { accept: "application/json" } }, { acceptStatus: [404] });
      let v: Record<string, unknown> = {};
      try {
        const j: unknown = JSON.parse(Buffer.from(res.body.subarray(0, 16_384)).toString("utf8"));
        if (j && typeof j === "object" && !Array.isArray(j)) v = j as Record<string, unknown>;
      } catch {
        v = {};
      }
      const out = { status: res.status, bundleId: str(v.bundleId), name: str(v.name), licence: v.licence === "device" || v.licence === "user" ? (v.licence as "device" | "user") : undefined };
      decoded(p, APP_STEPS.licence, { app: app.itunesStoreId, ...out });
      return out;
    });
    if (body.bundleId && body.bundleId !== app.identifier) {
      this.apps.delete(app.identifier);
      app.identifier = body.bundleId;
      this.apps.set(app.identifier, app);
    }
    if (body.name) app.name = body.name;
    app.licence = body.licence;
    if (app.purchaseMethod === 1 && !body.licence) {
      // What iOS shows for a volume-purchase install without a licence is not published (as for an unreachable App Store).
      this.end(
        app,
        "Failed",
        APP_STEPS.licence,
        "apple.app.install-failed",
        {
          code: "Failed",
          name: "ManagedApplicationList Status",
          text: `The app “${app.name}” could not be installed.`,
          screen: "Home Screen",
          unknown: { raw: "no licence for the device or its Apple Account (volume-purchase install)", of: "condition" },
        },
        "the App Store holds no licence for this device or its Apple Account (volume-purchase install)",
      );
      return "failed";
    }
    return "ok";
  }

  /** `diagnosis`: enrollsim's why, for the message, where it is more than what the device shows. */
  private end(app: ManagedApp, status: ManagedAppStatus, task: string, code: string, shown: Shown, diagnosis?: string): void {
    app.status = status;
    this.outcomes.push({ task, ok: false, code, at: this.host.protocol.clock.now(), message: `${app.name}: ${diagnosis ?? shown.text}`, shown });
  }

  /** The management prompt's text (iOS's DMFNotifications strings; "Apple Account" since iOS 18, "iTunes account" before). */
  promptText(app: { name: string; enterprise: boolean }): string {
    const account = compareVersions(this.host.osVersion(), "18") >= 0 ? "Apple Account" : "iTunes account";
    return `“${this.host.organization()}” is about to install and manage the app “${app.name}”${app.enterprise ? "" : " from the App Store"}. Your ${account} will not be charged for this app.`;
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length <= 300 ? v : undefined);

/** A prompt the user answers: true when they cancel it (the timeline's `abandon` at this step). */
async function userStep(p: ProtocolContext, name: string, data: Record<string, unknown>): Promise<boolean> {
  try {
    await step(p, name, async () => decoded(p, name, data));
    return false;
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(p, name, { ...data, answer: "Cancel" });
    return true;
  }
}
