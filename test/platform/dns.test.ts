// SPDX-License-Identifier: MIT
import dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScenarioError, TransportError } from "../../src/errors/index.js";
import { NodeDns } from "../../src/platform/node/dns.js";

/** What the loopback DNS server answers for one lower-case name. */
interface Zone {
  rcode?: number; // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN
  a?: string[];
  cname?: string;
}

function encodeName(name: string): Buffer {
  const parts = name.split(".").filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.of(p.length), Buffer.from(p)])), Buffer.of(0)]);
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // name: pointer to the question
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

/** A minimal authoritative-looking responder: enough for c-ares to parse A and CNAME answers. */
function answer(query: Buffer, zones: Record<string, Zone>, asked: string[]): Buffer {
  let at = 12;
  const labels: string[] = [];
  while (query[at]! !== 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
    at += query[at]! + 1;
  }
  const qtype = query.readUInt16BE(at + 1);
  const question = query.subarray(12, at + 5);
  const name = labels.join(".").toLowerCase();
  asked.push(`${qtype === 5 ? "CNAME" : qtype === 1 ? "A" : qtype} ${name}`);
  const zone = zones[name] ?? { rcode: 3 };
  const answers: Buffer[] = [];
  if (qtype === 5 && zone.cname) answers.push(record(5, encodeName(zone.cname)));
  if (qtype === 1) for (const ip of zone.a ?? []) answers.push(record(1, Buffer.from(ip.split(".").map(Number))));
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | (zone.rcode ?? 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

let server: dgram.Socket;
let address: string;
const asked: string[] = [];
const zones: Record<string, Zone> = {
  "enterpriseenrollment.contoso.test": { cname: "enrollment.mdm.test" },
  "enrollment.mdm.test": { a: ["192.0.2.10", "192.0.2.11"] },
  "empty.contoso.test": {},
  "broken.contoso.test": { rcode: 2 },
};

beforeAll(async () => {
  server = dgram.createSocket("udp4");
  server.on("message", (msg, peer) => server.send(answer(msg, zones, asked), peer.port, peer.address));
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", r));
  address = `127.0.0.1:${server.address().port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe("NodeDns overrides", () => {
  const dns = () =>
    new NodeDns({
      servers: ["127.0.0.1:9"], // nothing answers there: any network query would time out
      timeoutMs: 50,
      tries: 1,
      overrides: {
        "EnterpriseEnrollment.Contoso.test.": { cname: ["Enroll.Lab.Test."] },
        "enroll.lab.test": { a: ["127.0.0.1"] },
        "loop-a.test": { cname: ["loop-b.test"] },
        "loop-b.test": { cname: ["loop-a.test"] },
        "no-address.test": {},
      },
    });

  it("answers from the map, case-insensitively and ignoring the trailing dot", async () => {
    const d = dns();
    expect(await d.resolveCname("enterpriseenrollment.contoso.test")).toEqual(["enroll.lab.test"]);
    expect(await d.resolveCname("ENTERPRISEENROLLMENT.CONTOSO.TEST.")).toEqual(["enroll.lab.test"]);
    expect(await d.resolveCname("enroll.lab.test")).toEqual([]);
    expect(await d.resolve4("Enroll.Lab.Test")).toEqual(["127.0.0.1"]);
  });

  it("follows override CNAMEs for A lookups, and stops at loops and missing addresses", async () => {
    const d = dns();
    expect(await d.resolve4("enterpriseenrollment.contoso.test")).toEqual(["127.0.0.1"]);
    const loop = await failure(d.resolve4("loop-a.test"));
    expect([loop.kind, loop.message]).toEqual(["dns", "A loop-a.test: more than 8 CNAME hops in the overrides (a loop?)"]);
    expect((await failure(d.resolve4("no-address.test"))).message).toContain("has no A record");
  });

  it("rejects a malformed override map or server list", () => {
    expect(() => new NodeDns({ overrides: { "x.test": { a: ["not-an-ip"] } } })).toThrow(ScenarioError);
    expect(() => new NodeDns({ overrides: { "x.test": { a: ["::1"] } } })).toThrow(/IPv4/);
    expect(() => new NodeDns({ servers: ["not a server"] })).toThrow(ScenarioError);
  });

  it("rejects an empty name", async () => {
    expect((await failure(dns().resolve4(""))).kind).toBe("dns");
  });
});

describe("NodeDns over c-ares (loopback DNS server)", () => {
  const dns = () => new NodeDns({ servers: [address], timeoutMs: 500, tries: 1 });

  it("resolves CNAME and A records from the network", async () => {
    const d = dns();
    expect(await d.resolveCname("EnterpriseEnrollment.contoso.test")).toEqual(["enrollment.mdm.test"]);
    expect(await d.resolve4("enrollment.mdm.test")).toEqual(["192.0.2.10", "192.0.2.11"]);
    expect(asked).toContain("CNAME enterpriseenrollment.contoso.test");
  });

  it("reads NXDOMAIN and NODATA as no CNAME", async () => {
    const d = dns();
    expect(await d.resolveCname("missing.contoso.test")).toEqual([]);
    expect(await d.resolveCname("empty.contoso.test")).toEqual([]);
  });

  it("maps every other failure to a dns TransportError", async () => {
    const d = dns();
    const servfail = await failure(d.resolveCname("broken.contoso.test"));
    expect([servfail.kind, servfail.message]).toEqual(["dns", "CNAME broken.contoso.test: ESERVFAIL"]);
    const nx = await failure(d.resolve4("missing.contoso.test"));
    expect([nx.kind, nx.message]).toEqual(["dns", "A missing.contoso.test: ENOTFOUND"]);
    expect((await failure(d.resolve4("empty.contoso.test"))).message).toBe("A empty.contoso.test: ENODATA");
  });

  it("consults the override map before the network", async () => {
    const d = new NodeDns({ servers: [address], overrides: { "enrollment.mdm.test": { a: ["10.0.0.1"] } } });
    const before = asked.length;
    expect(await d.resolve4("enrollment.mdm.test")).toEqual(["10.0.0.1"]);
    expect(asked.length).toBe(before);
  });
});
