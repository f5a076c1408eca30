// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { SCEP_STATUS, scepInstallAtomic, scepNode, scepStatusGets } from "../../../src/server/windows/scep-profile.js";

describe("ClientCertificateInstall SCEP profile commands", () => {
  it("one Atomic: the Install nodes as Adds, Exec Enroll last (CSP note); unset values take the embedded CA's", () => {
    const c = scepInstallAtomic({ id: "Wifi Cert", subject: "CN=wifi", retryCount: 2 }, { url: "http://ca.example/scep", challenge: "s3cret" });
    expect(c.verb).toBe("Atomic");
    const kids = c.children!;
    expect(kids.at(-1)).toEqual({ verb: "Exec", items: [{ target: "./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/Wifi%20Cert/Install/Enroll" }] });
    expect(kids.slice(0, -1).every((k) => k.verb === "Add")).toBe(true);
    const data = Object.fromEntries(kids.slice(0, -1).map((k) => [k.items[0]!.target.split("/").pop(), k.items[0]!.data]));
    expect(data).toMatchObject({ ServerURL: "http://ca.example/scep", Challenge: "s3cret", SubjectName: "CN=wifi", KeyLength: "2048", HashAlgorithm: "SHA-2", EKUMapping: "1.3.6.1.5.5.7.3.2", RetryCount: "2" });
    expect(data.RetryDelay).toBeUndefined();
  });

  it("user scope goes under ./User; the read-back Gets are Status and ErrorCode", () => {
    expect(scepNode({ id: "u", scope: "user" })).toBe("./User/Vendor/MSFT/ClientCertificateInstall/SCEP/u");
    expect(scepStatusGets({ id: "u" }).map((g) => g.items[0]!.target)).toEqual(["./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/u/Status", "./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/u/ErrorCode"]);
  });

  it("Status values are the CSP's: 1 installed, 2 pending, 16 failed, 32 unknown", () => {
    expect(SCEP_STATUS).toEqual({ "1": "installed", "2": "pending", "16": "failed", "32": "unknown" });
  });
});
