// SPDX-License-Identifier: MIT
/**
 * An enrolled device's InstallProfile at a steady check-in, including an update of its enrollment
 * profile (the server renewing the MDM identity: server/apple/identity-renewal.ts).
 *
 * The device holds one enrollment profile (Apple Platform Security, "Configuration profile
 * enforcement": "There can be only one enrollment profile on a device at a time"). A profile with
 * an MDM payload is accepted only as an update of it: the same PayloadIdentifier, and Topic,
 * ServerURL, CheckInURL, EnrollmentMode, AssignedManagedAppleID unchanged (com.apple.mdm.yaml: "When
 * updating the payload, the value of this key must not change. Any change is an error, and the
 * update rejected"; protocol/apple/install.ts) and no access right added. Anything else is refused
 * with MCMDMErrorDomain 12002 "The new MDM payload doesn't match the old payload." (the refusal a
 * second MDM payload gets; the exact chain of a refused *update* is not published — enrollsim uses
 * the same one). Accepted, the identity payload runs again (SCEP: a new key pair and certificate),
 * the MDM payload now names the new identity, and the device authenticates it: Authenticate and
 * TokenUpdate on the CheckInURL with the new identity (fleetdm/fleet#17232, micromdm/nanomdm#14),
 * then the command's result goes with it too. The keychain entry the runner keeps for the device
 * takes the new identity, so later check-ins use it.
 */
import { decoded } from "../../protocol/common/context.js";
import type { MdmClient, MdmTransport } from "../../protocol/apple/mdm-client.js";
import type { HttpClient } from "../../ports/http.js";
import type { PrivateKey } from "../../ports/crypto.js";
import { AppleErrors } from "../../wire/apple/errors.js";
import { buildTokenUpdate } from "../../wire/apple/mdm.js";
import { toPem, type Certificate } from "../../wire/x509/certificate.js";
import { install, optionAnchors } from "./enroll.js";
import { MDM_LABEL_MARK } from "./enroll-common.js";
import type { AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";

/** Key generations a steady device's MDM identity may come from (checkin.ts probes them all). */
export const KEY_GENERATIONS = 32;
/** The identifier an enrollment profile is known by when the binding did not keep it (older runs): any MDM payload then differs. */
const UNKNOWN_PROFILE = "enrollsim.unknown-enrollment-profile";

export interface SteadyIdentity {
  cert: Certificate;
  key: PrivateKey;
  /** Key generation of the identity's pool slot (slot = device index + 1009 × generation). */
  generation: number;
}

/** Puts the enrollment profile the binding describes, and its identity, into a steady device's store. */
export function restoreInstalled(dev: AppleDevice, binding: URLSearchParams, uuid: string, id: SteadyIdentity): void {
  const pid = binding.get("pid") ?? UNKNOWN_PROFILE;
  const serverURL = binding.get("server") ?? "";
  dev.store.identities.set(uuid, { payloadUuid: uuid, certificate: id.cert, key: id.key, chain: [], source: "scep" });
  dev.store.profiles.set(pid, {
    profile: {
      identifier: pid,
      uuid: `${pid}.installed`,
      version: 1,
      removalDisallowed: false,
      raw: { PayloadType: "Configuration", PayloadIdentifier: pid },
      payloads: [
        {
          kind: "mdm",
          type: "com.apple.mdm",
          identifier: `${pid}.mdm`,
          uuid: `${pid}.mdm`,
          version: 1,
          raw: {},
          identityCertificateUUID: uuid,
          topic: binding.get("topic") ?? "",
          serverURL,
          checkInURL: binding.get("checkin") ?? serverURL,
          signMessage: binding.get("sign") === "1",
          accessRights: dev.accessRights,
          checkOutWhenRemoved: binding.get("co") !== null,
          serverCapabilities: binding.get("pu") === "1" ? ["com.apple.mdm.per-user-connections"] : [],
          ...(binding.get("mode") ? { enrollmentMode: binding.get("mode")! } : {}),
          ...(binding.get("aid") ? { assignedManagedAppleID: binding.get("aid")! } : {}),
        },
      ],
    },
    signature: "unsigned",
    installedAt: 0,
    managed: true,
  });
}

export interface UpdateSession {
  dev: AppleDevice;
  o: AppleOptions;
  client: MdmClient;
  /** The transport the client sends with: its identity is swapped once an update is installed. */
  transport: MdmTransport;
  /** A new HTTP client presenting an identity (mTLS), or a plain one when messages are signed. */
  httpFor(identity?: { certPem: string; keyPem: string }): HttpClient;
  /** The runner's keychain entry of the MDM identity (label with the binding, certificate PEM). */
  entry: { label: string; pem: string };
  binding: URLSearchParams;
  /** The identity the device checks in with (parsed on demand). */
  identity: () => SteadyIdentity;
  /** HTTP clients replaced during the session, closed by the caller. */
  retired: HttpClient[];
}

/** The installer a steady check-in gives its device: profiles install; an MDM payload only as an update of the enrollment profile. */
export function steadyInstaller(s: UpdateSession): (payload: Uint8Array) => Promise<ReturnType<typeof AppleErrors.mdmPayloadMismatch> | undefined> {
  const { dev, o } = s;
  let current: SteadyIdentity | undefined;
  return async (payload) => {
    if (!current) {
      current = s.identity();
      const mark = s.entry.label.indexOf(MDM_LABEL_MARK);
      restoreInstalled(dev, s.binding, s.entry.label.slice("apple:".length, mark < 0 ? undefined : mark), current);
    }
    const next = (current.generation + 1) % KEY_GENERATIONS;
    const r = await install(dev, o, payload, optionAnchors(o.trust), undefined, false, next);
    if (r.error) return r.error;
    if (!r.mdm) return undefined;
    const mdm = r.mdm;
    const id = dev.store.identity(mdm.identityCertificateUUID)!;
    const ctx = dev.ctx;
    // From here on every request carries the new identity (the old one left with the replaced profile).
    const sign = s.binding.get("sign") === "1";
    s.retired.push(s.transport.http);
    s.transport.http = s.httpFor(sign ? undefined : { certPem: toPem(id.certificate.der), keyPem: ctx.ports.crypto.privateKeyPem(id.key) });
    if (sign) s.transport.signer = { cert: id.certificate, key: id.key, crypto: ctx.ports.crypto };
    const auth = await s.client.checkin(dev.authenticate(mdm.topic));
    if (auth.kind !== "ok") return AppleErrors.installFailedServer(auth.status);
    const tu = await s.client.checkin(
      buildTokenUpdate({ topic: mdm.topic, ref: dev.ref, token: dev.pushToken, pushMagic: dev.pushMagic, unlockToken: dev.userEnrollment ? undefined : dev.unlockToken, ...(dev.osName === "macOS" ? { notOnConsole: false } : {}) }),
    );
    if (tu.kind !== "ok") return AppleErrors.installFailedServer(tu.status, "TokenUpdate");
    // The runner's keychain keeps the new identity under the same binding (ServerURL, Topic, … did not change).
    const mark = s.entry.label.indexOf(MDM_LABEL_MARK);
    s.entry.label = `apple:${mdm.identityCertificateUUID}${s.entry.label.slice(mark)}`;
    s.entry.pem = toPem(id.certificate.der);
    current = { cert: id.certificate, key: id.key, generation: next };
    decoded(ctx.protocol, "device", { mdmProfileUpdated: mdm.topic, identity: { serial: id.certificate.serialHex, notAfter: id.certificate.notAfter.toISOString() } });
    return undefined;
  };
}
