// SPDX-License-Identifier: MIT
/** syncml:auth-md5 against the OMA test vector (Bruce2 / OhBehave / Nonce). */
import { describe, expect, it } from "vitest";
import { md5Credential } from "../../../src/wire/windows/md5-auth.js";
import { crypto } from "../../support/scep-harness.js";

describe("MD5 digest credentials", () => {
  it("matches the OMA vector with the raw nonce", () => {
    expect(Buffer.from(crypto.digest("md5", new TextEncoder().encode("Bruce2:OhBehave"))).toString("base64")).toBe("PtEdr8lBQ45IbT1bZIkrOQ==");
    expect(md5Credential("Bruce2", "OhBehave", new TextEncoder().encode("Nonce"), crypto)).toBe("Zz6EivR3yeaaENcRN6lpAQ==");
  });
  it("the b64text variant hashes the nonce's base64 text instead", () => {
    expect(md5Credential("Bruce2", "OhBehave", new TextEncoder().encode("Nonce"), crypto, "b64text")).not.toBe("Zz6EivR3yeaaENcRN6lpAQ==");
  });
});
