// SPDX-License-Identifier: MIT
/**
 * The enrollment profile service: the CMS-signed profile every enrollment path serves (root anchor,
 * SCEP payload with its challenge, MDM payload), and the EC profile-signing identity issued by the
 * foundation CA.
 */
import { baseFor } from "../half.js";
import { randomUUID } from "node:crypto";
import type { PrivateKey } from "../../ports/crypto.js";
import type { HttpResponse } from "../../ports/http.js";
import { PROFILE_CONTENT_TYPE } from "../../wire/apple/mdm.js";
import { buildPlist, buildPlistBytes, isDict, type PlistDict } from "../../wire/apple/plist.js";
import { buildProfileDict, payloadHeader, signProfile } from "../../wire/apple/profile.js";
import { buildCertificate, parseCertificate, toPem, type Certificate } from "../../wire/x509/certificate.js";
import { basicConstraints, keyUsage, extKeyUsage } from "../../wire/x509/extensions.js";
import type { AppleCore } from "./core.js";
import { applyProfileEdits, type ProfileEdits } from "./profile-edits.js";
import { USER_ENROLLMENT_GRANT_PARAM } from "./user-enrollment-grants.js";

export type { ProfileEdits };

/**
 * The last profile built, as text with stand-in payload UUIDs, and the JSON of the dictionary it was
 * built from. Every request gets fresh payload UUIDs, but the rest of the profile is usually the
 * same for every device, and building the XML plist (xmlbuilder) was ≈ 5 % of the reference
 * server's CPU per Apple enrolment (docs/performance.md, "Server CPU per enrolment").
 */
interface ProfileTemplate {
  dictJson: string;
  text: string;
}

export class ProfileService {
  private signer?: { cert: Certificate; key: PrivateKey };
  private readonly profileUuid = randomUUID().toUpperCase();
  /** Stand-ins for the three payload UUIDs (anchor, SCEP, MDM), random so no profile content can contain one. */
  private readonly standIns = [randomUUID().toUpperCase(), randomUUID().toUpperCase(), randomUUID().toUpperCase()] as const;
  private template?: ProfileTemplate;

  constructor(private readonly core: AppleCore) {}

  /** The profile-signing identity: an EC key with a certificate from the foundation CA. */
  async profileSigner(): Promise<{ cert: Certificate; key: PrivateKey }> {
    if (this.signer) return this.signer;
    const key = await this.core.ctx.crypto.generateKey("ec-p256");
    const id = this.core.ctx.scep.id;
    const now = this.core.ctx.now();
    const der = buildCertificate(
      {
        serial: Uint8Array.from([0x5a, ...this.core.ctx.crypto.digest("sha256", key.spki).subarray(0, 7)]),
        issuer: id.ca.subjectDer,
        subject: "CN=enrollsim profile signing,O=enrollsim reference server",
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + 365 * 86_400_000),
        spki: key.spki,
        extensions: [basicConstraints(false), keyUsage(["digitalSignature"]), extKeyUsage(["codeSigning"])],
      },
      id.caKey,
      "sha256",
      this.core.ctx.crypto,
    );
    this.signer = { cert: parseCertificate(der, "profile signing certificate"), key };
    return this.signer;
  }

  /**
   * The SCEP challenge a profile embeds: the CA's, or a fresh one the CA checks, with a lifetime
   * (scepChallenge.lifetimeSeconds) and/or good for one certificate request (scepChallenge.singleUse).
   */
  private profileChallenge(): string {
    const { lifetimeSeconds: life, singleUse } = this.core.config.scepChallenge ?? {};
    if (life === undefined && !singleUse) return this.core.ctx.scep.config.challenge;
    const challenge = `profile-${randomUUID()}`;
    this.core.ctx.scep.addChallenge(challenge, life === undefined ? Infinity : this.core.ctx.now() + life * 1000, singleUse === true);
    return challenge;
  }

  /**
   * The enrollment profile served to every device. `enrollment`: the enrollment portal's (portal.ts),
   * whose token the CheckInURL carries so that Authenticate finds the user who logged in. `grant`: the
   * profile-driven User Enrollment grant a renewed profile keeps (user-enrollment-grants.ts); a new one is
   * issued for every profile-driven User Enrollment profile served without it.
   */
  async profile(account?: { mode: "BYOD" | "ADDE"; user: string }, enrollment?: { token: string }, browser?: ProfileEdits, grant?: string): Promise<Uint8Array> {
    const c = this.core.config;
    const urls = this.core.ctx.urls();
    const fresh = [randomUUID().toUpperCase(), randomUUID().toUpperCase(), randomUUID().toUpperCase()] as const;
    // Profile edits may add payloads with UUIDs of their own: such a profile is built as it is.
    const templated = !c.profile && !browser && !c.profileRoots;
    const [anchorUuid, scepUuid, mdmUuid] = templated ? this.standIns : fresh;
    const ndes = this.core.field.scep();
    // User Enrollment: no hardware identifier exists to put in the subject; the managed Apple ID names it.
    const dn = account?.mode === "BYOD" ? `O=enrollsim,OU=user-enrollment,CN=${account.user.replace(/[,=+]/g, "_")}` : c.scepSubject;
    const subject = dn.split(",").map((rdn) => {
      const i = rdn.indexOf("=");
      return [[rdn.slice(0, i).trim(), rdn.slice(i + 1).trim()]];
    });
    const payloads: PlistDict[] = [];
    payloads.push(...(await this.rootPayloads(anchorUuid)));
    payloads.push({
      ...payloadHeader("com.apple.security.scep", "com.enrollsim.ref.scep", scepUuid, "Device identity"),
      PayloadContent: {
        URL: ndes?.url ?? `${baseFor(urls, "/scep", "http")}/scep`,
        Name: "enrollsim",
        Subject: subject,
        Challenge: ndes?.challenge ?? this.profileChallenge(),
        Keysize: 2048,
        "Key Type": "RSA",
        "Key Usage": 5,
        Retries: 3,
        RetryDelay: 10,
      },
    });
    const mdm: PlistDict = {
      ...payloadHeader("com.apple.mdm", "com.enrollsim.ref.mdm", mdmUuid, "enrollsim MDM"),
      IdentityCertificateUUID: scepUuid,
      Topic: c.topic,
      ServerURL: `${baseFor(urls, "/apple/mdm", "https")}/apple/mdm`,
      CheckInURL: `${baseFor(urls, "/apple/checkin", "https")}/apple/checkin${enrollment ? `?enrollment=${enrollment.token}` : ""}`,
      SignMessage: c.signMessage,
      AccessRights: c.accessRights,
      // The server wants to hear of a removal; a server that does not is embedded.apple.profile.set com.apple.mdm/CheckOutWhenRemoved: false.
      CheckOutWhenRemoved: true,
      ServerCapabilities: ["com.apple.mdm.per-user-connections", "com.apple.mdm.bootstraptoken"],
    };
    if (account) {
      mdm.EnrollmentMode = account.mode;
      mdm.AssignedManagedAppleID = account.user;
      if (account.mode === "BYOD") delete mdm.AccessRights; // must be absent for BYOD: the device cancels otherwise
    }
    payloads.push(mdm);
    const built = buildProfileDict({ identifier: "com.enrollsim.ref.enrollment", uuid: this.profileUuid, displayName: "enrollsim enrollment", organization: "enrollsim", payloads });
    const edited = c.profile ? applyProfileEdits(built, c.profile) : built;
    // The portal's profile for the platform it read from the browser (portal.ts profileByBrowser), on top.
    const dict = browser ? applyProfileEdits(edited, browser) : edited;
    // Profile-driven User Enrollment (ManagedAppleID): the device will authenticate by EnrollmentID without a Bearer
    // token, so the CheckInURL names the grant this profile was issued with, and only its enrollment may use it.
    const served = Array.isArray(dict.PayloadContent) ? dict.PayloadContent : [];
    for (const p of served) {
      if (!isDict(p) || p.PayloadType !== "com.apple.mdm" || typeof p.ManagedAppleID !== "string" || typeof p.CheckInURL !== "string") continue;
      const url = new URL(p.CheckInURL);
      url.searchParams.set(USER_ENROLLMENT_GRANT_PARAM, grant !== undefined && this.core.userEnrollmentGrants.has(grant) ? grant : this.core.userEnrollmentGrants.issue());
      p.CheckInURL = url.toString();
      this.core.stats.userEnrollmentProfiles = (this.core.stats.userEnrollmentProfiles ?? 0) + 1;
    }
    const plist = templated ? this.fromTemplate(dict, fresh) : buildPlistBytes(dict);
    this.core.stats.profiles++;
    if (!c.signProfile) return plist;
    const s = await this.profileSigner();
    return signProfile(plist, { cert: s.cert, key: s.key, chain: [this.core.ctx.scep.id.ca] }, this.core.ctx.crypto);
  }

  /**
   * The certificate payloads of `embedded.apple.profileRoots` (default: the reference CA as com.apple.security.root),
   * real DER (.root, .pkcs1) or PEM text (.pem) of each root: the device parses them from the profile it receives.
   */
  private async rootPayloads(firstUuid: string): Promise<PlistDict[]> {
    const roots = this.core.config.profileRoots ?? [{ root: "reference" }];
    return Promise.all(
      roots.map(async (r, i) => {
        const type = r.payloadType ?? "com.apple.security.root";
        const reference = r.root === "reference";
        const der = reference ? this.core.ctx.scep.id.ca.der : (await this.core.ctx.namedRoot(r.root)).der;
        const id = i === 0 ? "com.enrollsim.ref.anchor" : `com.enrollsim.ref.anchor.${i}`;
        const content = type === "com.apple.security.pem" ? new Uint8Array(Buffer.from(toPem(der), "latin1")) : der;
        return { ...payloadHeader(type, id, i === 0 ? firstUuid : randomUUID().toUpperCase(), reference ? "enrollsim reference CA" : r.root), PayloadContent: content };
      }),
    );
  }

  /**
   * The plist of `dict` (built with the stand-in UUIDs) with `fresh` UUIDs in their place: the
   * same bytes as building it with the fresh UUIDs, since a UUID needs no XML escaping. The text is
   * rebuilt whenever anything else in the dictionary differs from the last one (a per-profile
   * challenge, a User Enrollment's Apple ID, another server URL).
   */
  private fromTemplate(dict: PlistDict, fresh: readonly [string, string, string]): Uint8Array {
    const dictJson = JSON.stringify(dict, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v));
    if (this.template?.dictJson !== dictJson) this.template = { dictJson, text: buildPlist(dict) };
    let text = this.template.text;
    this.standIns.forEach((u, i) => (text = text.replaceAll(u, fresh[i]!)));
    return new Uint8Array(Buffer.from(text, "utf8"));
  }

  response(bytes: Uint8Array): HttpResponse {
    return { status: 200, headers: { "content-type": PROFILE_CONTENT_TYPE }, body: bytes, url: "" };
  }
}
