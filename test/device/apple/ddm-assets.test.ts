// SPDX-License-Identifier: MIT
/**
 * DDM asset data (src/device/apple/ddm-assets.ts + src/server/apple/ddm-assets.ts): download over
 * the MDM identity or plain, verification failures as status-report reasons, refetch only when
 * the ServerToken changes.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolveAsset } from "../../../src/device/apple/ddm-assets.js";
import type { AppleDevice } from "../../../src/device/apple/state.js";
import type { MdmClient } from "../../../src/protocol/apple/mdm-client.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { HttpHandler, HttpRequest } from "../../../src/ports/http.js";
import { getStatusItem } from "../../../src/wire/apple/ddm.js";
import { appleWorld } from "./harness.js";

type Decl = { identifier: string; active: boolean; valid: string; reasons?: { code: string; description?: string }[] };

/**
 * A misconfigured asset store in front of the server (the server no longer fakes these, issue 10):
 * "type" answers text/html, "huge" a body far past its declared Size, "gone" 404.
 */
const assetStoreFaults =
  (inner: HttpHandler): HttpHandler =>
  async (req) => {
    const path = new URL(req.url).pathname;
    if (!path.startsWith("/apple/ddm/assets/")) return inner(req);
    const id = decodeURIComponent(path.slice("/apple/ddm/assets/".length));
    if (id === "type") return { ...(await inner(req)), headers: { "content-type": "text/html" } };
    if (id === "huge") return { status: 200, headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(64 * 1024) };
    if (id === "gone") return { status: 404, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("not found") };
    return inner(req);
  };

describe("DDM assets through a device enrollment", () => {
  it("asset faults and a missing asset become invalid declarations with schema reasons; the device stays enrolled", async () => {
    const files = (id: string, asset: string) => ({ Type: "com.apple.configuration.services.configuration-files", Identifier: id, Payload: { ServiceType: "com.example", DataAssetReference: asset } });
    const w = await appleWorld({
      ddm: {
        enabled: true,
        assets: [
          { Identifier: "plain", data: "aGVsbG8=", encoding: "base64", contentType: "text/plain", authentication: "None" },
          { Identifier: "mtls", data: "secret config", contentType: "application/x-config" },
          { Identifier: "type", data: "x", contentType: "application/json" },
          { Identifier: "huge", data: "small" },
          { Identifier: "gone", data: "x" },
        ],
        declarations: [
          files("f.plain", "plain"),
          files("f.mtls", "mtls"),
          files("f.type", "type"),
          files("f.huge", "huge"),
          files("f.gone", "gone"),
          files("f.missing", "no.such.asset"),
          files("f.idle", "plain"),
          { Type: "com.apple.activation.simple", Identifier: "act", Payload: { StandardConfigurations: ["f.plain", "f.mtls", "f.type", "f.huge", "f.gone", "f.missing"] } },
          { Type: "com.apple.activation.simple", Identifier: "never", Payload: { StandardConfigurations: ["f.idle"], Predicate: '@status(device.model.family) == "Mac"' } },
        ],
      },
    }, {}, assetStoreFaults);
    const dev = await w.device("iphone-15", 11);
    expect((await w.run(dev, "ios-profile", {})).ok).toBe(true);
    const { report } = w.apple.ddmReports[0]!;
    const decls = getStatusItem(report.StatusItems, "management.declarations") as Record<string, Decl[]>;
    const get = (kind: string, id: string) => decls[kind]!.find((d) => d.identifier === id)!;
    expect(get("assets", "plain")).toMatchObject({ valid: "valid", active: true });
    expect(get("assets", "mtls")).toMatchObject({ valid: "valid", active: true });
    expect(get("assets", "type")).toMatchObject({ valid: "invalid", reasons: [{ code: "Error.AssetCannotBeVerified", description: expect.stringContaining("ContentType text/html") }] });
    expect(get("assets", "huge")).toMatchObject({ valid: "invalid", reasons: [{ code: "Error.AssetCannotBeDownloaded" }] });
    expect(get("assets", "gone")).toMatchObject({ valid: "invalid", reasons: [{ code: "Error.AssetCannotBeDownloaded", description: expect.stringContaining("404") }] });
    expect(get("configurations", "f.plain")).toMatchObject({ valid: "valid", active: true });
    for (const id of ["f.type", "f.huge", "f.gone"]) expect(get("configurations", id)).toMatchObject({ valid: "invalid", active: false, reasons: [{ code: "Error.ConfigurationCannotBeApplied" }] });
    expect(get("configurations", "f.missing")).toMatchObject({ valid: "invalid", reasons: [{ code: "Error.MissingAssets" }] });
    // The false predicate: its activation is inactive, its configuration not applied.
    expect(get("activations", "never")).toMatchObject({ valid: "valid", active: false });
    expect(get("configurations", "f.idle")).toMatchObject({ valid: "valid", active: false });
    // "plain" was downloaded once although two configurations name it.
    expect(w.apple.ddmAssets.fetches.get("plain")).toBe(1);
    expect(w.apple.ddmAssets.fetches.get("mtls")).toBe(1);
  }, 60_000);

  it("the server refuses Authentication MDM assets without the device identity (401) and non-GET (405)", async () => {
    const w = await appleWorld({ ddm: { enabled: true, assets: [{ Identifier: "a", data: "x" }] } });
    const res = await w.apple.handler({ method: "GET", url: "https://127.0.0.1:8443/apple/ddm/assets/a", headers: {} });
    expect(res.status).toBe(401);
    const ok = await w.apple.handler({ method: "POST", url: "https://127.0.0.1:8443/apple/ddm/assets/a", headers: {} });
    expect(ok.status).toBe(405);
  });
});

describe("resolveAsset", () => {
  const crypto = new NodeCrypto();
  const data = new Uint8Array(Buffer.from("payload-1"));
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  function world(body: () => { status: number; type: string; body: Uint8Array }) {
    const clock = new VirtualClock(0);
    let gets = 0;
    const http = new InMemoryHttp({
      clock,
      handler: {
        "https://assets.test": async (_req: HttpRequest) => {
          gets++;
          const b = body();
          return { status: b.status, headers: { "content-type": b.type }, body: b.body, url: "" };
        },
      },
    });
    const records: unknown[] = [];
    const protocol = { device: "dev-1", clock, crypto, http, transcript: { record: (r: unknown) => records.push(r) }, log: { debug() {}, info() {}, warn() {}, error() {} }, timeoutMs: 5000, maxResponseBytes: 1 << 20 };
    const dev = { ctx: { protocol, ports: { crypto, http }, targets: { server: { embedded: true } } }, store: { anchors: [] } } as unknown as AppleDevice;
    const client = { http: http.client({}) } as unknown as MdmClient;
    return { dev, client, gets: () => gets, records };
  }
  const asset = (serverToken: string, ref: Record<string, unknown>, auth = "None") => ({ kind: "asset", type: "com.apple.asset.data", identifier: "a1", serverToken, payload: { Reference: { DataURL: "https://assets.test/a1", ...ref }, Authentication: { Type: auth } } });

  it("downloads once per ServerToken; a new ServerToken refetches", async () => {
    const w = world(() => ({ status: 200, type: "text/plain", body: data }));
    const ref = { ContentType: "text/plain", Size: data.length, "Hash-SHA-256": sha(data) };
    expect(await resolveAsset(w.dev, w.client, asset("t1", ref))).toEqual({ valid: true, size: data.length });
    expect(await resolveAsset(w.dev, w.client, asset("t1", ref, "MDM"))).toEqual({ valid: true, size: data.length });
    expect(w.gets()).toBe(1);
    expect(await resolveAsset(w.dev, w.client, asset("t2", ref, "MDM"))).toEqual({ valid: true, size: data.length });
    expect(w.gets()).toBe(2);
  });

  it("declaration errors and hostile responses are values, never exceptions", async () => {
    const w = world(() => ({ status: 200, type: "text/plain; charset=utf-8", body: data }));
    const r = (tok: string, ref: Record<string, unknown>, auth?: string) => resolveAsset(w.dev, w.client, asset(tok, ref, auth));
    expect(await r("a", { DataURL: "http://assets.test/a1" })).toMatchObject({ valid: false, reasons: [{ Code: "Error.InvalidPayload" }] });
    expect(await r("b", { Size: -1 })).toMatchObject({ valid: false, reasons: [{ Code: "Error.InvalidPayload" }] });
    expect(await r("c", { "Hash-SHA-256": 7 })).toMatchObject({ valid: false, reasons: [{ Code: "Error.InvalidPayload" }] });
    expect(await r("d", {}, "Kerberos")).toMatchObject({ valid: false, reasons: [{ Code: "Error.InvalidPayload" }] });
    expect(await r("e", { Size: 10 * 1024 * 1024 })).toMatchObject({ valid: false, reasons: [{ Code: "Error.AssetCannotBeDownloaded" }] });
    expect(await r("f", { Size: 3 })).toMatchObject({ valid: false, reasons: [{ Code: "Error.AssetCannotBeVerified", Description: expect.stringContaining("Size 9") }] }); // larger than declared
    expect(await r("g", { Size: data.length, "Hash-SHA-256": "00".repeat(32) })).toMatchObject({ valid: false, reasons: [{ Code: "Error.AssetCannotBeVerified" }] });
    expect(await r("h", { ContentType: "text/plain", Size: data.length, "Hash-SHA-256": sha(data).toUpperCase() })).toEqual({ valid: true, size: data.length });
    expect(await r("i", { Size: 0, "Hash-SHA-256": "ignored when Size is 0" })).toMatchObject({ valid: false, reasons: [{ Code: "Error.AssetCannotBeVerified", Description: expect.stringContaining("expected 0") }] });
    const w2 = world(() => ({ status: 500, type: "text/plain", body: new Uint8Array(Buffer.from("boom")) }));
    expect(await resolveAsset(w2.dev, w2.client, asset("x", {}))).toMatchObject({ valid: false, reasons: [{ Code: "Error.AssetCannotBeDownloaded" }] });
    const w3 = world(() => ({ status: 200, type: "text/plain", body: new Uint8Array(2 * 1024 * 1024) }));
    expect(await resolveAsset(w3.dev, w3.client, asset("x", {}))).toMatchObject({ valid: false, reasons: [{ Code: "Error.AssetCannotBeDownloaded" }] }); // hard limit without Size
  });
});
