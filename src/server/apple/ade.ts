// SPDX-License-Identifier: MIT
/**
 * Automated Device Enrollment: the enroll endpoint that takes CMS-signed MachineInfo (verified
 * against the test device CA) and the stand-in for Apple's cloud-configuration service.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { testDeviceCa } from "../../wire/apple/device-ca.js";
import { compareVersions } from "../../wire/version.js";
import { parseSignedData, findSignerCert, verifySigner } from "../../wire/cms/signed-data.js";
import { parsePlistDict, type PlistDict } from "../../wire/apple/plist.js";
import { sameBytes, toPem, verifyCertificateSignature } from "../../wire/x509/certificate.js";
import { json, text, type AppleCore } from "./core.js";
import type { ProfileService } from "./profile-service.js";
import { adeRequest, refusalJson } from "./policy-gate.js";
import { lockoutMessage } from "../policy/lockout.js";

/** Verifies signed MachineInfo against the test device CA. */
export function verifyMachineInfo(core: AppleCore, der: Uint8Array): { info: PlistDict } | HttpResponse {
  let sd;
  try {
    sd = parseSignedData(der, "MachineInfo");
  } catch (e) {
    return core.reject("ade.machineinfo.malformed", text(400, `MachineInfo is not CMS SignedData: ${(e as Error).message}`));
  }
  const signer = sd.signers[0];
  const cert = signer && findSignerCert(signer, sd.certificates);
  if (!signer || !cert || !sd.content) return core.reject("ade.machineinfo.unsigned", text(400, "MachineInfo has no signer, signer certificate or content"));
  if (!verifySigner(sd, signer, cert.spki, core.ctx.crypto).ok) return core.reject("ade.machineinfo.bad-signature", text(403, "MachineInfo signature does not verify"));
  const ca = testDeviceCa(core.ctx.crypto).cert;
  if (!sameBytes(cert.issuerDer, ca.subjectDer) || !verifyCertificateSignature(cert, ca.spki, core.ctx.crypto)) {
    return core.reject("ade.machineinfo.untrusted", text(403, "MachineInfo signer is not issued by the trusted device CA"));
  }
  try {
    return { info: parsePlistDict(sd.content, "MachineInfo", { maxBytes: 64 * 1024 }) };
  } catch (e) {
    return core.reject("ade.machineinfo.plist", text(400, (e as Error).message));
  }
}

export class AdeService {
  constructor(
    private readonly core: AppleCore,
    private readonly profiles: ProfileService,
  ) {}

  async enroll(req: HttpRequest): Promise<HttpResponse> {
    let der: Uint8Array;
    if (req.method === "POST") {
      const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
      if (type !== "application/pkcs7-signature") return this.core.reject("ade.content-type", text(415, `expected application/pkcs7-signature, got "${type}"`));
      der = req.body ?? new Uint8Array(0);
    } else if (req.method === "GET") {
      const h = req.headers?.["x-apple-aspen-deviceinfo"];
      if (!h) return this.core.reject("ade.no-deviceinfo", text(400, "missing x-apple-aspen-deviceinfo"));
      der = new Uint8Array(Buffer.from(h, "base64"));
    } else return text(405, "method not allowed", { allow: "GET, POST" });
    const checked = verifyMachineInfo(this.core, der);
    if (!("info" in checked)) return checked;
    const mi = checked.info;
    const c = this.core.config;
    if (c.basicAuth) {
      const want = `Basic ${Buffer.from(`${c.basicAuth.username}:${c.basicAuth.password}`).toString("base64")}`;
      const again = { ...text(401, "authentication required"), headers: { "content-type": "text/plain", "www-authenticate": 'Basic realm="enrollsim"' } };
      const given = req.headers?.authorization;
      if (given === undefined) return again;
      // Credentials typed in Setup Assistant count toward the tenant's lockout (embedded.policy.directory.lockout): the user
      // is the name typed; a locked user gets the same 401 whatever the password (the legacy sign-in shows nothing else).
      const user =
        Buffer.from(given.replace(/^Basic /i, ""), "base64")
          .toString("utf8")
          .split(":")[0] ?? "";
      const verdict = user ? this.core.policy.lockout?.passwordSignIn(user, given === want) : undefined;
      if (verdict?.kind === "locked") return this.core.reject("ade.account-locked", { ...again, body: new TextEncoder().encode(`${lockoutMessage(user, verdict)}\n`) });
      if (given !== want) return again;
    }
    const update = this.softwareUpdateRequired(mi);
    if (update) return update;
    const gated = this.core.field.adeGate(req, mi);
    if (gated) return gated;
    // Tenant restrictions (policy-gate.ts): a platform blocked in the Default policy refuses ADE too.
    const request = adeRequest(mi);
    const decision = this.core.policy.decide(request);
    if (!decision.ok) return this.core.reject(`ade.policy.${decision.refusal}`, refusalJson(decision));
    const noPush = this.core.services.enrollmentRefusal();
    if (noPush) return this.core.reject("apns.certificate", noPush);
    this.core.policy.enrolled(request, decision);
    this.core.stats.adeEnrollments++;
    return this.profiles.response(await this.profiles.profile());
  }

  /**
   * The minimum OS of the device's ADE profile (embedded.policy.ade.profiles[].minimumOs). Apple's
   * protocol: MachineInfo says whether the device can be asked for an update
   * (MDM_CAN_REQUEST_SOFTWARE_UPDATE, iOS/iPadOS 17 and macOS 14 on; shared/apple-device-management
   * other/machineinfo.yaml); the server compares OS_VERSION and, when older, answers 403 with
   * `com.apple.softwareupdate.required` and `details.OSVersion` (+ `BuildVersion`)
   * (mdm/errors/softwareupdate.required.yaml; Apple Developer Forums thread 732683). A device that
   * cannot be asked is let through as it is, as MDM servers that implement this do (FileWave KB
   * "Minimum OS version for enrolling Apple devices via ADE"; fleetdm/fleet#40165).
   */
  private softwareUpdateRequired(mi: PlistDict): HttpResponse | undefined {
    const serial = typeof mi.SERIAL === "string" ? mi.SERIAL : undefined;
    const min = serial ? this.core.policy.ade.assigned(serial)?.minimumOs : undefined;
    if (!min || mi.MDM_CAN_REQUEST_SOFTWARE_UPDATE !== true || typeof mi.OS_VERSION !== "string") return undefined;
    const want = min.version.replace(/\s*\(.*\)$/, "");
    if (compareVersions(mi.OS_VERSION, want) >= 0) return undefined;
    return this.core.reject(
      "ade.software-update-required",
      json(403, {
        code: "com.apple.softwareupdate.required",
        description: `OS ${mi.OS_VERSION} is below the enrollment profile's minimum ${min.version}`,
        message: `Your device must be updated to ${min.version} before it can enroll.`,
        details: { OSVersion: min.version, ...(min.build ? { BuildVersion: min.build } : {}) },
      }),
    );
  }

  /**
   * Stand-in for Apple's software-update service (the catalog and download Setup Assistant uses for
   * an enforced update): answers what it would install. It offers any well-formed version; what
   * stops an update in the field (a firewall, a proxy, the user) is a fault or the timeline.
   */
  softwareUpdate(req: HttpRequest): HttpResponse {
    const q = new URL(req.url, "http://localhost").searchParams;
    const version = q.get("version") ?? "";
    if (!/^\d+(\.\d+){0,2}( \([a-z]\))?$/.test(version)) return text(400, "version is required (e.g. 26.0 or 17.1 (a))");
    const build = q.get("build");
    return json(200, { ProductVersion: version, ...(build ? { Build: build } : {}), product: q.get("product") ?? "", note: "enrollsim stand-in for Apple's software-update service" });
  }

  /** Stand-in for Apple's cloud-configuration service: what Setup Assistant receives for a serial. */
  cloudConfig(req: HttpRequest): HttpResponse {
    const serial = new URL(req.url, "http://localhost").searchParams.get("serial") ?? "";
    // A device without a serial (a virtual machine, device state serialNumber "") has no Apple Business Manager record.
    if (serial === "") return this.core.reject("ade.not-assigned", json(404, { code: "DEVICE_NOT_ASSIGNED", serial }));
    if (!/^[A-Z0-9]{8,14}$/.test(serial)) return text(400, "serial is required");
    // What Apple's service holds for the serial: the profile pushed while the server's ADE token was valid.
    // Assignment by serial in the tenant's ABM (embedded.policy.ade): none → DEVICE_NOT_ASSIGNED, released → DEVICE_RELEASED.
    const pushed = this.core.policy.ade.lookup(serial);
    if (!pushed.ok) {
      const reason = pushed.code === "DEVICE_RELEASED" ? "released" : pushed.code === "DEVICE_NOT_ASSIGNED" ? "not-assigned" : "profile-not-pushed";
      return this.core.reject(`ade.${reason}`, json(404, { code: pushed.code, serial, message: pushed.message }));
    }
    const urls = this.core.ctx.urls();
    return json(200, {
      url: `${urls.https}/apple/ade/enroll`,
      await_device_configured: true,
      is_supervised: true,
      is_mandatory: true,
      is_mdm_removable: false,
      department: "enrollsim reference",
      support_phone_number: "+1 555 0100",
      skip_setup_items: ["AppleID", "Siri"],
      anchor_certs: [toPem(this.core.ctx.scep.id.ca.der)],
      ...(this.core.config.cloudConfig ?? {}),
      ...pushed.profile.settings,
      profile_name: pushed.profile.name,
    });
  }
}
