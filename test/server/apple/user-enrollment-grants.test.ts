// SPDX-License-Identifier: MIT
/**
 * Profile-driven User Enrollment is authenticated per enrollment (user-enrollment-grants.ts, checkin.ts): the
 * profile's CheckInURL names a grant minted for it; the first EnrollmentID that authenticates with it owns it.
 * Serving one such profile must not let every EnrollmentID Authenticate in without a Bearer token.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { issueCertificate } from "../../../src/server/scep/ca.js";
import { buildCsr, parseCsr } from "../../../src/wire/x509/pkcs10.js";
import { CHECKIN_CONTENT_TYPE, buildAuthenticate } from "../../../src/wire/apple/mdm.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { parseMobileconfig } from "../../../src/wire/apple/profile.js";
import type { Certificate } from "../../../src/wire/x509/certificate.js";
import { testKeys } from "../../support/scep-harness.js";
import { appleWorld, crypto, type AppleWorld } from "../../device/apple/harness.js";
import { MAX_UNCLAIMED_GRANTS, UserEnrollmentGrants } from "../../../src/server/apple/user-enrollment-grants.js";
import { appleAdmin } from "../../../src/server/apple/admin.js";
import { buildCheckOut } from "../../../src/wire/apple/mdm.js";

const TOPIC = "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference";
const EID_A = "A".repeat(40);
const EID_B = "B".repeat(40);
let w: AppleWorld;
let cert: Certificate;

beforeAll(async () => {
  w = await appleWorld({ profile: { set: { "com.apple.mdm/ManagedAppleID": "byod.user@enrollsim.test" } } });
  const key = await (await testKeys()).rsa(3);
  cert = issueCertificate(w.ref.scep.id, parseCsr(buildCsr({ subject: "CN=ue" }, key, "sha256", crypto)), Uint8Array.from([7, 7]), w.clock.now(), 30, crypto);
});

const checkInUrlOfServedProfile = async (): Promise<string> => {
  const res = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll" });
  const mdm = parseMobileconfig(res.body, { crypto, trust: [w.ref.scep.id.ca] }).profile.payloads.find((p) => p.kind === "mdm");
  if (mdm?.kind !== "mdm") throw new Error("no MDM payload");
  return mdm.checkInURL;
};
const authenticate = (url: string, enrollmentId: string): Promise<{ status: number }> => {
  const req: HttpRequest & { tls: { peerCertificateDer: Uint8Array } } = {
    method: "PUT",
    url,
    headers: { "content-type": CHECKIN_CONTENT_TYPE },
    body: buildPlistBytes(buildAuthenticate({ topic: TOPIC, ref: { enrollmentId } })),
    tls: { peerCertificateDer: cert.der },
  };
  return w.apple.handler(req);
};

describe("profile-driven User Enrollment: the Bearer exemption belongs to the enrollment the profile was issued for", () => {
  it("the served profile's CheckInURL names a fresh grant for each download", async () => {
    const [a, b] = [await checkInUrlOfServedProfile(), await checkInUrlOfServedProfile()];
    expect(new URL(a).searchParams.get("userEnrollment")).toMatch(/^[0-9a-f-]{36}$/);
    expect(new URL(a).searchParams.get("userEnrollment")).not.toBe(new URL(b).searchParams.get("userEnrollment"));
  });

  it("the EnrollmentID that authenticates with the grant enrolls; another EnrollmentID without Bearer or grant gets 401", async () => {
    const url = await checkInUrlOfServedProfile();
    expect((await authenticate(url, EID_A)).status).toBe(200);
    // The same enrollment authenticating again with its grant is still itself.
    expect((await authenticate(url, EID_A)).status).toBe(200);
    // A User Enrollment with neither a Bearer token nor a grant (account-driven, token lost): refused, although the
    // server has served profile-driven profiles (the old server-wide flag let it in).
    const bare = await authenticate("https://ref.test/apple/checkin", EID_B);
    expect(bare.status).toBe(401);
    // Another device replaying the first one's CheckInURL: the grant is owned by EID_A.
    expect((await authenticate(url, EID_B)).status).toBe(401);
    // A grant this server never issued.
    expect((await authenticate("https://ref.test/apple/checkin?userEnrollment=00000000-0000-0000-0000-000000000000", EID_B)).status).toBe(401);
    expect(w.apple.devices.has(EID_A)).toBe(true);
    expect(w.apple.devices.has(EID_B)).toBe(false);
    expect(w.apple.devices.get(EID_A)?.userEnrollmentGrant).toBe(new URL(url).searchParams.get("userEnrollment"));
  });

  it("the store of unclaimed grants is bounded: the oldest unclaimed grant is dropped first", () => {
    const g = new UserEnrollmentGrants();
    const first = g.issue();
    for (let i = 0; i < MAX_UNCLAIMED_GRANTS; i++) g.issue();
    expect(g.size().unclaimed).toBe(MAX_UNCLAIMED_GRANTS);
    expect(g.has(first)).toBe(false);
    expect(g.claim(first, EID_A)).toBe(false);
  });

  it("a claimed grant goes with its device record: deleted by the admin, or checked out, the enrollment's grant no longer admits it", async () => {
    const url = await checkInUrlOfServedProfile();
    const grant = new URL(url).searchParams.get("userEnrollment")!;
    const EID_C = "C".repeat(40);
    expect((await authenticate(url, EID_C)).status).toBe(200);
    expect(w.apple.userEnrollmentGrants.has(grant)).toBe(true);
    expect(appleAdmin(w.apple).deleteDevices([{ udid: EID_C, certificateSerials: [] }])).toBe(1);
    expect(w.apple.userEnrollmentGrants.has(grant)).toBe(false);
    // The old code kept the claim: the deleted enrollment could authenticate again without a Bearer token.
    expect((await authenticate(url, EID_C)).status).toBe(401);

    const url2 = await checkInUrlOfServedProfile();
    const grant2 = new URL(url2).searchParams.get("userEnrollment")!;
    const EID_D = "D".repeat(40);
    expect((await authenticate(url2, EID_D)).status).toBe(200);
    const out = await w.apple.handler({ method: "PUT", url: url2, headers: { "content-type": CHECKIN_CONTENT_TYPE }, body: buildPlistBytes(buildCheckOut(TOPIC, { enrollmentId: EID_D })), tls: { peerCertificateDer: cert.der } } as HttpRequest);
    expect(out.status).toBe(200);
    expect(w.apple.userEnrollmentGrants.has(grant2)).toBe(false);
    expect((await authenticate(url2, EID_D)).status).toBe(401);
  });

  it("the store of claimed grants is bounded: the oldest claim is dropped first", () => {
    const g = new UserEnrollmentGrants({ unclaimed: 10, claimed: 3 });
    const tokens = Array.from({ length: 4 }, () => g.issue());
    tokens.forEach((t, i) => expect(g.claim(t, `EID${i}`)).toBe(true));
    expect(g.size().claimed).toBe(3);
    expect(g.has(tokens[0]!)).toBe(false);
    expect(g.claim(tokens[0]!, "EID0")).toBe(false);
    expect(g.claim(tokens[3]!, "EID3")).toBe(true);
  });
});
