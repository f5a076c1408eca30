// SPDX-License-Identifier: MIT
/**
 * Directory registration and compliance in the Apple half: a small stand-in for what Intune and
 * Microsoft Entra ID do after an Apple device enrolled, including a partner-compliance connector
 * (Jamf Pro). Endpoints (device identity by mTLS, the enrolled MDM identity):
 * - POST /apple/directory/register {user, via: "company-portal" | "jamf-self-service"}
 * - GET  /apple/directory/compliance    the device's compliance as the directory sees it
 * - POST /apple/directory/gather        `jamfaad gatherAADInfo`: re-reads the registration
 * - GET  /apple/directory/devices[/UDID] REST read (no identity needed)
 * Model:
 * - Without a partner (the half is the MDM itself, Intune-style): the Company Portal registers the
 *   device; compliance is evaluated at registration; conditional access allows a registered,
 *   compliant device. A device nobody registered stays unregistered, not evaluated, blocked.
 * - With `partnerCompliance` (the half plays the partner MDM, e.g. Jamf Pro, and the directory):
 *   registration must come from the partner's path (Jamf Self Service → jamfaad); the Company
 *   Portal refuses with AccountNotOnboarded (the account/device is not onboarded to Intune MDM).
 *   Compliance comes from the partner only when the user is in the group assigned to the
 *   connector, the Mac is in the compliance smart group and the user's directory record is complete;
 *   otherwise it stays not evaluated (N/A), and `gatherAADInfo` asks the user to sign in again.
 *   A connector assignment to all users inhibits the partner connection (503 PartnerConnectionInhibited).
 * - The connector is per platform (server-policies.md §12: an Intune partner compliance entry is
 *   partner + platform + user groups, one partner per platform, Intune the default for iOS; Jamf
 *   Device Compliance is set up for macOS): `platforms` (default ["macos"]). A device of another
 *   platform has Intune as its MDM authority: the Company Portal registers it and Intune's
 *   policies evaluate it. Texts name the device by its ProductName (Mac, iPhone, iPad).
 * Not modelled: Entra device objects and tokens (PRT, WPJ keys), conditional-access policies
 * themselves, Jamf inventory/smart-group evaluation, the connector's real API and timings.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";

export interface PartnerComplianceConfig {
  partner: "jamf";
  /** Platforms the connector is set up for (default ["macos"], as Jamf Device Compliance). */
  platforms?: ("macos" | "ios")[];
  /** Group assignment of the partner compliance connector (default groups). */
  assignment?: "groups" | "all-users";
  /** Users in the group assigned to the connector (default: every user). */
  groupMembers?: string[];
  /** Serial numbers in the partner's compliance smart group (default: every Mac). */
  smartGroup?: string[];
  /** Users whose directory record is incomplete (missing attributes the registration needs). */
  incompleteRecords?: string[];
}

export interface DirectoryRecord {
  udid: string;
  user: string;
  via: "company-portal" | "jamf-self-service";
  registered: boolean;
  /** in-grace / noncompliant: the tenant's compliance policies (embedded.policy.compliance) for Intune-managed devices. */
  compliance: "compliant" | "in-grace" | "noncompliant" | "not-evaluated";
  reasons: string[];
  conditionalAccess: "allowed" | "blocked";
  signInPrompts: number;
}

export interface DirectoryDevice {
  udid: string;
  serialNumber?: string;
  /** ProductName from the device's Authenticate (MacBookAir10,1, iPhone16,2, iPad14,1, …). */
  product?: string;
}

/** What the device is, from its ProductName, for texts the user sees. */
export function deviceNoun(product: string | undefined): "Mac" | "iPhone" | "iPad" | "Apple TV" | "Apple Vision Pro" | "device" {
  if (!product) return "device";
  if (/^(Mac|iMac)/.test(product)) return "Mac";
  if (product.startsWith("iPhone")) return "iPhone";
  if (product.startsWith("iPad")) return "iPad";
  if (product.startsWith("AppleTV")) return "Apple TV";
  if (product.startsWith("RealityDevice")) return "Apple Vision Pro";
  return "device";
}

const platformOf = (product: string | undefined): "macos" | "ios" => (product && /^(Mac|iMac)/.test(product) ? "macos" : "ios");
const PLATFORM_NAME = { macos: "macOS", ios: "iOS" } as const;

const json = (status: number, v: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: new Uint8Array(Buffer.from(JSON.stringify(v))),
  url: "",
});

export const INHIBITED = {
  code: "PartnerConnectionInhibited",
  message: "Connection between partner and MDM is inhibited: the partner compliance assignment targets all users",
} as const;

export class Directory {
  readonly records = new Map<string, DirectoryRecord>();
  readonly refusals: Record<string, number> = {};

  constructor(
    private readonly partner?: PartnerComplianceConfig,
    /** Intune's own evaluation of a device against the tenant's compliance policies (server/policy). */
    private readonly intune?: (udid: string, user: string) => { state: string; results: { failing: string[] }[] },
  ) {}

  /** What the directory knows about a device (unregistered devices: not evaluated, blocked). */
  state(udid: string): DirectoryRecord | { udid: string; registered: false; compliance: "not-evaluated"; conditionalAccess: "blocked" } {
    return this.records.get(udid) ?? { udid, registered: false, compliance: "not-evaluated", conditionalAccess: "blocked" };
  }

  private refuse(status: number, code: string, message: string): HttpResponse {
    this.refusals[code] = (this.refusals[code] ?? 0) + 1;
    return json(status, { code, message });
  }

  /** The partner connector when it covers this device's platform; otherwise Intune is the MDM authority. */
  private partnerFor(dev: DirectoryDevice): PartnerComplianceConfig | undefined {
    const p = this.partner;
    return p && (p.platforms ?? ["macos"]).includes(platformOf(dev.product)) ? p : undefined;
  }

  private evaluate(rec: DirectoryRecord, dev: DirectoryDevice): void {
    const p = this.partnerFor(dev);
    const reasons: string[] = [];
    if (p) {
      const user = rec.user.toLowerCase();
      if (p.groupMembers && !p.groupMembers.some((u) => u.toLowerCase() === user)) reasons.push("the user is not in the group assigned to the partner compliance connector");
      if (p.smartGroup && !(dev.serialNumber && p.smartGroup.includes(dev.serialNumber))) reasons.push(`the ${deviceNoun(dev.product)} is not in the partner's compliance smart group`);
      if (p.incompleteRecords?.some((u) => u.toLowerCase() === user)) reasons.push("the user's directory record is incomplete");
      if (p.assignment === "all-users") reasons.push(INHIBITED.message);
    }
    rec.reasons = reasons;
    rec.compliance = reasons.length ? "not-evaluated" : "compliant";
    if (!p && this.intune) {
      // Without a partner, Intune evaluates the tenant's compliance policies; in grace still counts as compliant for CA.
      const c = this.intune(dev.udid, rec.user);
      if (c.state === "in-grace" || c.state === "noncompliant") {
        rec.compliance = c.state;
        rec.reasons = c.results.flatMap((r) => r.failing);
      }
    }
    rec.conditionalAccess = rec.registered && (rec.compliance === "compliant" || rec.compliance === "in-grace") ? "allowed" : "blocked";
  }

  private register(dev: DirectoryDevice, body: Record<string, unknown>): HttpResponse {
    const user = typeof body.user === "string" && /^[^@\s]{1,64}@[^@\s]{1,255}$/.test(body.user) ? body.user : undefined;
    if (!user) return this.refuse(400, "BadRequest", "user (an email-shaped account) is required");
    const via = body.via;
    if (via !== "company-portal" && via !== "jamf-self-service") return this.refuse(400, "BadRequest", 'via must be "company-portal" or "jamf-self-service"');
    const partner = this.partnerFor(dev);
    if (via === "company-portal" && partner) {
      return this.refuse(403, "AccountNotOnboarded", `AccountNotOnboarded: this ${deviceNoun(dev.product)} is managed by the partner MDM (${partner.partner}); it registers through the partner's registration (Self Service), not the Company Portal`);
    }
    if (via === "jamf-self-service" && !partner) {
      const platform = PLATFORM_NAME[platformOf(dev.product)];
      return this.refuse(
        400,
        "PartnerNotConfigured",
        this.partner ? `the partner compliance connector (${this.partner.partner}) is not set up for ${platform}: Intune manages this ${deviceNoun(dev.product)}` : `no partner compliance connector is configured for ${platform}`,
      );
    }
    const rec: DirectoryRecord = { udid: dev.udid, user, via, registered: true, compliance: "not-evaluated", reasons: [], conditionalAccess: "blocked", signInPrompts: this.records.get(dev.udid)?.signInPrompts ?? 0 };
    this.evaluate(rec, dev);
    this.records.set(dev.udid, rec);
    return json(200, { registered: true, compliance: rec.compliance, conditionalAccess: rec.conditionalAccess });
  }

  private compliance(dev: DirectoryDevice): HttpResponse {
    const rec = this.records.get(dev.udid);
    if (!rec) return this.refuse(404, "DeviceNotRegistered", "the device is not registered in the directory");
    if (this.partnerFor(dev)?.assignment === "all-users") return this.refuse(503, INHIBITED.code, INHIBITED.message);
    this.evaluate(rec, dev);
    return json(200, { state: rec.compliance, conditionalAccess: rec.conditionalAccess, reasons: rec.reasons });
  }

  /** jamfaad gatherAADInfo: an incomplete or unevaluated registration makes it prompt for sign-in. */
  private gather(dev: DirectoryDevice): HttpResponse {
    const rec = this.records.get(dev.udid);
    if (!rec) return json(200, { signInRequired: true, reason: "not registered" });
    this.evaluate(rec, dev);
    const signInRequired = rec.compliance !== "compliant";
    if (signInRequired) rec.signInPrompts++;
    return json(200, { signInRequired, reasons: rec.reasons });
  }

  /** Routes /apple/directory/…; `dev` is the enrolled device the request's identity belongs to. */
  handle(req: HttpRequest, path: string, dev: DirectoryDevice | HttpResponse): HttpResponse {
    if (req.method === "GET" && path === "/apple/directory/devices") return json(200, [...this.records.values()]);
    const m = /^\/apple\/directory\/devices\/([^/]+)$/.exec(path);
    if (req.method === "GET" && m) return json(200, this.state(decodeURIComponent(m[1]!)));
    if (!("udid" in dev)) return dev;
    if (path === "/apple/directory/register" && req.method === "POST") {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from((req.body ?? new Uint8Array(0)).subarray(0, 16_384)).toString("utf8"));
      } catch {
        return this.refuse(400, "BadRequest", "body is not JSON");
      }
      if (!body || typeof body !== "object" || Array.isArray(body)) return this.refuse(400, "BadRequest", "body must be a JSON object");
      return this.register(dev, body as Record<string, unknown>);
    }
    if (path === "/apple/directory/compliance" && req.method === "GET") return this.compliance(dev);
    if (path === "/apple/directory/gather" && req.method === "POST") return this.gather(dev);
    return json(404, { code: "NoRoute", message: `no route for ${req.method} ${path}` });
  }
}
