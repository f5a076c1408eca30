// SPDX-License-Identifier: MIT
// enrollsim report page (browser side): one device's decoded transcript (src/report/transcript/model.ts),
// numbered entries, each expandable: the decoded message (SOAP, SyncML, plist, CMS, certificates, …)
// as summary lines and structure, the headers, and the body as recorded. Text only (textContent).
(function () {
  "use strict";
  const json = (v) => JSON.stringify(v, null, 2);

  function messageView(el, m) {
    const kids = [el("h4", {}, `${m.direction}${m.contentType ? ` · ${m.contentType}` : ""}${typeof m.bytes === "number" ? ` · ${m.bytes} bytes` : ""} · ${m.message.format}`)];
    if (m.message.summary && m.message.summary.length) kids.push(el("pre", { class: "decoded" }, m.message.summary.join("\n")));
    if (m.message.structure !== undefined) kids.push(el("details", {}, el("summary", {}, "decoded structure"), el("pre", {}, json(m.message.structure))));
    if (m.headers && Object.keys(m.headers).length)
      kids.push(
        el(
          "details",
          {},
          el("summary", {}, "headers"),
          el(
            "pre",
            {},
            Object.entries(m.headers)
              .map(([k, v]) => `${k}: ${v}`)
              .join("\n"),
          ),
        ),
      );
    if (m.body) kids.push(el("details", {}, el("summary", {}, "body as recorded"), el("pre", {}, typeof m.body.text === "string" ? m.body.text : json(m.body))));
    return el("div", { class: "message" }, kids);
  }

  function entryView(el, e, t0) {
    const at = `+${((e.t - t0) / 1000).toFixed(3)} s`;
    if (e.kind === "exchange") {
      const answer = e.status !== undefined ? e.status : e.error ? `error: ${e.error}` : "(no response)";
      const line = `${e.n}. ${at}  ${e.step}  ${e.method || "?"} ${e.url || "?"} → ${answer}${typeof e.ms === "number" ? `  ${e.ms.toFixed(1)} ms` : ""}`;
      return el("li", { class: "exchange" }, el("details", {}, el("summary", {}, line), e.request ? messageView(el, e.request) : null, e.response ? messageView(el, e.response) : null));
    }
    const lines = e.lines || [];
    const label = e.kind === "injected" ? "INJECTED FAULT" : e.kind;
    return el(
      "li",
      { class: e.kind },
      el("details", {}, el("summary", {}, `${e.n}. ${at}  ${label} (${e.step}): ${lines[0] || ""}`), el("pre", {}, lines.join("\n")), e.data ? el("details", {}, el("summary", {}, "recorded data"), el("pre", {}, json(e.data))) : null),
    );
  }

  /** The transcript section of one device; `el` is the page's element builder. */
  window.enrollsimTranscriptView = function (el, device, t) {
    const entries = t.entries || [];
    const t0 = entries.length ? entries[0].t : 0;
    const o = t.outcome;
    const head = `Transcript of ${device} (redacted)${o ? ` · ${o.ok ? "enrolled" : "failed"}: ${o.code}` : ""} · ${t.exchanges} exchange(s)`;
    return el(
      "div",
      { class: "tx", id: `tx-${device}` },
      el("h3", {}, head),
      el(
        "ol",
        { class: "transcript" },
        entries.map((e) => entryView(el, e, t0)),
      ),
    );
  };
})();
