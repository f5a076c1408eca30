// SPDX-License-Identifier: MIT
/**
 * wap-provisioningdoc 1.1 as returned in the RSTR (MS-MDE2 §3.4, notes §8): CertificateStore
 * Root/My, the w7 APPLICATION (ADDR, PROVIDER-ID, APPAUTH), DMClient (Poll, FirstSyncStatus) and
 * WSTEP renewal. Unknown characteristics are kept as findings, never fatal.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { b64, fromB64 } from "./wstep.js";
import { attr, childrenNamed, el, parseXml, writeXml, type El, type Finding, type XmlLimits, type XmlNode } from "./xml.js";

export interface StoreCert {
  store: "Root" | "My" | "CA";
  /** User | System (Root/System, My/User, My/System). */
  scope: string;
  thumbprint: string;
  der: Uint8Array;
}

export interface AppAuth {
  level: string;
  type?: string;
  name?: string;
  secret?: string;
  data?: string;
}

export interface W7Application {
  appId: string;
  providerId: string;
  name?: string;
  addr: string;
  role?: string;
  defaultEncoding?: string;
  sslClientCertSearchCriteria?: string;
  backCompatRetryDisabled?: boolean;
  connRetryFreq?: number;
  initialBackoffTimeMs?: number;
  maxBackoffTimeMs?: number;
  auth: AppAuth[];
}

export interface DmClientProvider {
  providerId: string;
  params: Record<string, string>;
  poll: Record<string, string>;
  firstSyncStatus: Record<string, string>;
}

export interface ProvisioningDoc {
  version?: string;
  certs: StoreCert[];
  renew?: { roboSupport?: boolean; renewPeriodDays?: number; retryIntervalDays?: number };
  application?: W7Application;
  dmClient?: DmClientProvider;
  findings: Finding[];
}

const parms = (n: XmlNode): Record<string, string> =>
  Object.fromEntries(childrenNamed(n, "parm").map((p) => [attr(p, "name") ?? "", attr(p, "value") ?? ""]));
const chars = (n: XmlNode | undefined): XmlNode[] => (n ? childrenNamed(n, "characteristic") : []);
const typeOf = (n: XmlNode): string => attr(n, "type") ?? "";
const intOr = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s) : undefined);
const boolOf = (s: string | undefined): boolean | undefined => (s === undefined ? undefined : /^(true|1)$/i.test(s.trim()));

/** Parses the decoded wap-provisioningdoc text. A document without a device certificate is a violation. */
export function parseProvisioningDoc(text: string, limits?: Partial<XmlLimits>, o: { renewal?: boolean } = {}): ProvisioningDoc {
  const root = parseXml(text.trimStart(), "wap-provisioningdoc", limits);
  if (root.local !== "wap-provisioningdoc") {
    throw new ProtocolViolationError("provisioning.malformed", `provisioning document root is <${root.name}>`);
  }
  const doc: ProvisioningDoc = { version: attr(root, "version"), certs: [], findings: [] };
  for (const c of chars(root)) {
    const t = typeOf(c);
    if (t === "CertificateStore") readCertStore(c, doc);
    else if (t === "APPLICATION") doc.application = readApplication(c);
    else if (t === "DMClient") readDmClient(c, doc);
    else doc.findings.push({ code: "provisioning.unknown", message: `characteristic ${t} not applied` });
  }
  if (!doc.certs.some((c) => c.store === "My")) {
    throw new ProtocolViolationError("provisioning.no-certificate", "provisioning document carries no device certificate in CertificateStore/My");
  }
  if (!o.renewal && !doc.application?.addr) throw new ProtocolViolationError("provisioning.no-addr", "provisioning document has no w7 APPLICATION ADDR");
  return doc;
}

function readCertStore(c: XmlNode, doc: ProvisioningDoc): void {
  for (const store of chars(c)) {
    const storeName = typeOf(store);
    for (const scope of chars(store)) {
      const scopeName = typeOf(scope);
      if (storeName === "My" && scopeName === "WSTEP") {
        const renew = chars(scope).find((x) => typeOf(x) === "Renew");
        if (renew) {
          const p = parms(renew);
          doc.renew = { roboSupport: boolOf(p.ROBOSupport), renewPeriodDays: intOr(p.RenewPeriod), retryIntervalDays: intOr(p.RetryInterval) };
        }
        continue;
      }
      for (const cert of chars(scope)) {
        if (typeOf(cert) === "PrivateKeyContainer") continue;
        const p = parms(cert);
        if (p.EncodedCertificate === undefined) {
          doc.findings.push({ code: "provisioning.cert-without-data", message: `${storeName}/${scopeName}/${typeOf(cert)} has no EncodedCertificate` });
          continue;
        }
        if (!["Root", "My", "CA"].includes(storeName)) {
          doc.findings.push({ code: "provisioning.unknown-store", message: `certificate store ${storeName}` });
          continue;
        }
        doc.certs.push({
          store: storeName as StoreCert["store"],
          scope: scopeName,
          thumbprint: typeOf(cert),
          der: fromB64(p.EncodedCertificate, `${storeName}/${scopeName} EncodedCertificate`),
        });
      }
    }
  }
}

function readApplication(c: XmlNode): W7Application {
  const p = parms(c);
  return {
    appId: p.APPID ?? "",
    providerId: p["PROVIDER-ID"] ?? "",
    name: p.NAME,
    addr: p.ADDR ?? "",
    role: p.ROLE,
    defaultEncoding: p.DEFAULTENCODING,
    sslClientCertSearchCriteria: p.SSLCLIENTCERTSEARCHCRITERIA,
    backCompatRetryDisabled: boolOf(p.BACKCOMPATRETRYDISABLED),
    connRetryFreq: intOr(p.CONNRETRYFREQ),
    initialBackoffTimeMs: intOr(p.INITIALBACKOFFTIME),
    maxBackoffTimeMs: intOr(p.MAXBACKOFFTIME),
    auth: chars(c)
      .filter((x) => typeOf(x) === "APPAUTH")
      .map((x) => {
        const a = parms(x);
        return { level: a.AAUTHLEVEL ?? "", type: a.AAUTHTYPE, name: a.AAUTHNAME, secret: a.AAUTHSECRET, data: a.AAUTHDATA };
      }),
  };
}

function readDmClient(c: XmlNode, doc: ProvisioningDoc): void {
  const provider = chars(c).find((x) => typeOf(x) === "Provider");
  const inner = chars(provider)[0];
  if (!inner) return;
  const out: DmClientProvider = { providerId: typeOf(inner), params: parms(inner), poll: {}, firstSyncStatus: {} };
  for (const sub of chars(inner)) {
    if (typeOf(sub) === "Poll") out.poll = parms(sub);
    else if (typeOf(sub) === "FirstSyncStatus") out.firstSyncStatus = parms(sub);
    else doc.findings.push({ code: "provisioning.unknown", message: `DMClient characteristic ${typeOf(sub)} not applied` });
  }
  doc.dmClient = out;
}

// ---- builder (reference server, fixtures) ------------------------------------------------

export interface ProvisioningDocSpec {
  rootCerts: { thumbprint: string; der: Uint8Array }[];
  myCert: { thumbprint: string; der: Uint8Array; scope: "User" | "System" };
  renew?: { roboSupport: boolean; renewPeriodDays: number; retryIntervalDays: number };
  application: Omit<W7Application, "auth"> & { auth?: AppAuth[] };
  dmClient?: { params?: Record<string, string>; poll?: Record<string, string>; firstSyncStatus?: Record<string, string> };
}

const parm = (name: string, value: string | undefined, datatype?: string): El | undefined =>
  value === undefined ? undefined : el("parm", { name, value, ...(datatype ? { datatype } : {}) });
const ch = (type: string, ...c: (El | undefined)[]): El => el("characteristic", { type }, ...c);
const dtype = (v: string): string => (/^\d+$/.test(v) ? "integer" : /^(true|false)$/i.test(v) ? "boolean" : "string");

export function buildProvisioningDoc(s: ProvisioningDocSpec, pretty = false): string {
  const a = s.application;
  const doc = el(
    "wap-provisioningdoc",
    { version: "1.1" },
    ch(
      "CertificateStore",
      ch("Root", ch("System", ...s.rootCerts.map((r) => ch(r.thumbprint, parm("EncodedCertificate", b64(r.der)))))),
      ch(
        "My",
        ch(s.myCert.scope, ch(s.myCert.thumbprint, parm("EncodedCertificate", b64(s.myCert.der))), ch("PrivateKeyContainer")),
        s.renew
          ? ch(
              "WSTEP",
              ch(
                "Renew",
                parm("ROBOSupport", String(s.renew.roboSupport), "boolean"),
                parm("RenewPeriod", String(s.renew.renewPeriodDays), "integer"),
                parm("RetryInterval", String(s.renew.retryIntervalDays), "integer"),
              ),
            )
          : undefined,
      ),
    ),
    ch(
      "APPLICATION",
      parm("APPID", a.appId),
      parm("PROVIDER-ID", a.providerId),
      parm("NAME", a.name),
      parm("ADDR", a.addr),
      parm("ROLE", a.role),
      parm("BACKCOMPATRETRYDISABLED", a.backCompatRetryDisabled === undefined ? undefined : "", undefined),
      parm("CONNRETRYFREQ", a.connRetryFreq?.toString()),
      parm("INITIALBACKOFFTIME", a.initialBackoffTimeMs?.toString()),
      parm("MAXBACKOFFTIME", a.maxBackoffTimeMs?.toString()),
      parm("DEFAULTENCODING", a.defaultEncoding),
      parm("SSLCLIENTCERTSEARCHCRITERIA", a.sslClientCertSearchCriteria),
      ...(a.auth ?? []).map((x) =>
        ch("APPAUTH", parm("AAUTHLEVEL", x.level), parm("AAUTHTYPE", x.type), parm("AAUTHNAME", x.name), parm("AAUTHSECRET", x.secret), parm("AAUTHDATA", x.data)),
      ),
    ),
    s.dmClient
      ? ch(
          "DMClient",
          ch(
            "Provider",
            ch(
              a.providerId,
              ...Object.entries(s.dmClient.params ?? {}).map(([k, v]) => parm(k, v, dtype(v))),
              ch("Poll", ...Object.entries(s.dmClient.poll ?? {}).map(([k, v]) => parm(k, v, dtype(v)))),
              s.dmClient.firstSyncStatus ? ch("FirstSyncStatus", ...Object.entries(s.dmClient.firstSyncStatus).map(([k, v]) => parm(k, v, dtype(v)))) : undefined,
            ),
          ),
        )
      : undefined,
  );
  return writeXml(doc, { pretty });
}
