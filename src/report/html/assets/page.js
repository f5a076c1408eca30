// SPDX-License-Identifier: MIT
// enrollsim report page (browser side). Draws the run model (src/report/html/model.ts) with uPlot:
// the static HTML report reads it from the inline JSON; the live dashboard gets it over its
// WebSocket (hello: everything so far, tick: one more second, final: the run's report model).
// Every server- or scenario-supplied text goes into the DOM with textContent, never as HTML. The
// charts (charts.js) and the transcript view (transcript.js) are inlined before this script.
(function () {
  "use strict";
  const boot = JSON.parse(document.getElementById("enrollsim-data").textContent);
  const app = document.getElementById("app");
  const charts = window.enrollsimCharts;
  let model = boot.model;
  let live = null; // { status, state, report }

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else e.setAttribute(k, String(v));
    }
    for (const k of kids.flat()) if (k !== undefined && k !== null) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  }
  const fmt = (n, d) => (n === null || n === undefined || Number.isNaN(n) ? "–" : Number(n).toLocaleString("en", { maximumFractionDigits: d === undefined ? 1 : d }));
  const dur = (s) => (s === null || s === undefined ? "–" : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${(s / 3600).toFixed(1)} h`);

  function table(head, rows, opts) {
    const t = el("table", { class: opts && opts.cls });
    t.append(
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          head.map((h) => el("th", {}, h)),
        ),
      ),
    );
    const b = el("tbody");
    for (const r of rows)
      b.append(
        el(
          "tr",
          { class: r.cls },
          (r.cells || r).map((c) => (c instanceof Node ? el("td", {}, c) : el("td", { class: typeof c === "number" ? "num" : undefined }, typeof c === "number" ? fmt(c) : c))),
        ),
      );
    if (!rows.length) b.append(el("tr", {}, el("td", { colspan: head.length, class: "none" }, "none")));
    t.append(b);
    return t;
  }
  function bar(n, max) {
    const b = el("span", { class: "bar" });
    b.style.width = `${max > 0 ? Math.max(1, Math.round((100 * n) / max)) : 0}%`;
    return el("span", { class: "barcell" }, b, el("span", {}, fmt(n, 0)));
  }
  function section(id, title, ...kids) {
    return el("section", { id }, el("h2", {}, title), ...kids);
  }

  // ---- sections -----------------------------------------------------------------------------
  function header(sm) {
    const running = live && live.state !== "finished";
    const badge = running ? el("span", { class: "badge run" }, "RUNNING") : sm.ok ? el("span", { class: "badge ok" }, "PASS") : el("span", { class: "badge fail" }, "FAIL");
    const kids = [el("h1", {}, "enrollsim: ", sm.scenario, " ", badge)];
    kids.push(el("p", { class: "meta" }, `seed ${sm.seed} · started ${sm.startedAt} · ${dur(sm.durationMs / 1000)}${sm.shards > 1 ? ` · ${sm.shards} shards merged` : ""}`));
    if (sm.interrupted) kids.push(el("p", { class: "warn" }, `Interrupted by ${sm.interrupted.signal}: arrivals stopped, in-flight devices ${sm.interrupted.aborted ? "aborted" : "finished"}; the counts cover only what ran.`));
    if (sm.incomplete) kids.push(el("p", { class: "warn" }, `Incomplete merge: shard(s) ${sm.incomplete.missing.join(", ")} of ${sm.incomplete.shards} missing.`));
    const tiles = [
      ["devices", sm.devices],
      ["enrolled", sm.enrolled],
      ["failed", sm.failed],
      ["check-ins", sm.checkins ? sm.checkins.total : 0],
    ].map(([k, v]) => el("div", { class: "tile", id: `tile-${k}` }, el("b", {}, fmt(v, 0)), el("span", {}, k)));
    if (sm.eventLoopDelayMs)
      tiles.push(el("div", { class: "tile", id: "tile-loop" }, el("b", {}, `${fmt(sm.eventLoopDelayMs.p99)} ms`), el("span", {}, `generator event-loop delay p99 (p50 ${fmt(sm.eventLoopDelayMs.p50)}, max ${fmt(sm.eventLoopDelayMs.max)})`)));
    kids.push(el("div", { class: "tiles" }, tiles));
    return el("header", {}, kids);
  }

  function liveBar() {
    const st = (live && live.status) || {};
    const item = (id, k, v) => el("div", { class: "tile", id }, el("b", {}, v), el("span", {}, k));
    const kids = [
      item("live-state", "dashboard", live.state),
      item("live-phase", "phase", st.phase || "–"),
      item("live-rate", "arrivals/s target vs achieved", `${st.targetRate === null || st.targetRate === undefined ? "–" : fmt(st.targetRate)} / ${fmt(st.achievedRate)}`),
      item("live-inflight", "in flight", fmt(st.inFlight, 0)),
      item("live-enrolled", "enrolled", fmt(st.enrolled, 0)),
      item("live-failed", "failed (errors)", fmt(st.failed, 0)),
      item("live-eta", "ETA (schedule)", dur(st.etaS)),
      item("live-elapsed", "elapsed", dur(st.elapsedS)),
    ];
    const bar = el("div", { class: "tiles live" }, kids);
    if (live.report) {
      // The report's own text, opened from memory: the link works after the run's process (and this server) is gone.
      live.report.url = live.report.url || URL.createObjectURL(new Blob([live.report.html], { type: "text/html" }));
      bar.append(el("div", { class: "tile" }, el("a", { href: live.report.url, id: "live-report", target: "_blank", rel: "noopener" }, "HTML report"), el("span", {}, live.report.path)));
    }
    return bar;
  }

  /** What the device shows as the summary prints it (device/shown-for.ts describeShown): code and name, text, screen. */
  function shownLine(s) {
    if (!s) return "";
    const code = [s.code, s.name && s.name !== s.code ? s.name : undefined].filter(Boolean).join(" ");
    return `${code ? `${code}: ` : ""}"${s.text}" [${s.screen}]`;
  }
  /** The device's own log lines (mdmclient, Event 76, CoManagementHandler.log), not its screen: device/shown.ts `logged`. */
  function loggedLine(s) {
    return s && s.logged && s.logged.length ? s.logged.map((l) => `"${l}"`).join(" / ") : "";
  }
  function failures(sm) {
    const errs = Object.entries(sm.errors || {}).sort((a, b) => b[1].count - a[1].count);
    const max = errs.reduce((m, [, e]) => Math.max(m, e.count), 0);
    const byBlame = {};
    for (const [, e] of errs) byBlame[e.blame] = (byBlame[e.blame] || 0) + e.count;
    const steps = Object.entries(sm.steps || {})
      .filter(([, s]) => s.failed > 0)
      .sort((a, b) => b[1].failed - a[1].failed);
    return [
      // A failure's three parts kept apart (device/shown.ts): the device's own words, the server's, enrollsim's diagnosis.
      table(
        ["code", "devices", "blame", "step", "the device shows", "the device logged", "the server said", "enrollsim's diagnosis"],
        errs.map(([c, e]) => [c, bar(e.count, max), e.blame, e.step, shownLine(e.shown), loggedLine(e.shown), e.shown && e.shown.serverSaid ? `"${e.shown.serverSaid}"` : "", e.example]),
      ),
      el(
        "div",
        { class: "pair" },
        table(
          ["blame", "devices"],
          Object.entries(byBlame).map(([b, n]) => [b, bar(n, max)]),
        ),
        table(
          ["step", "failed samples"],
          steps.map(([s, x]) => [s, x.failed]),
        ),
      ),
    ];
  }

  // The cadence the steady phase achieved: check-ins per second between its first and last check-in,
  // and the per-device interval that means for the enrolled population (whole seconds, on the run's
  // clock: with a load model's timeScale it is the compressed interval).
  function cadence(ck, enrolled, s) {
    if (!ck.total) return "no steady phase in this run";
    const first = s.checkins.findIndex((x) => x > 0);
    let last = s.checkins.length - 1;
    while (last > first && s.checkins[last] === 0) last--;
    const seconds = Math.max(1, last - first + 1) * (s.bucketSeconds || 1);
    const rate = ck.total / seconds;
    // An interval needs each device seen about twice; fewer check-ins than that say nothing about cadence.
    // k check-ins of a device over the window are k-1 intervals: the population's total - enrolled intervals span it.
    const each = enrolled > 0 && ck.total >= 2 * enrolled ? ` ≈ one check-in per enrolled device every ${dur((enrolled * seconds) / (ck.total - enrolled))}` : " (too few check-ins per device to estimate a cadence)";
    return `${fmt(ck.total, 0)} check-ins, ${fmt(ck.failed, 0)} failed, over ${dur(seconds)}: ${fmt(rate, 2)}/s${each}`;
  }

  function render() {
    if (!model) return;
    const sm = model.summary;
    const scroll = window.scrollY;
    app.textContent = "";
    charts.reset();
    if (live) app.append(liveBar());
    app.append(header(sm));
    const exp = sm.expectations || [];
    const running = live && live.state !== "finished";
    if (running) app.append(section("expectations", "Expectations", el("p", {}, "checked when the run ends (counts so far say nothing yet)")));
    else
      app.append(
        section(
          "expectations",
          `Expectations (${exp.filter((e) => e.ok).length}/${exp.length} pass)`,
          table(
            ["", "expectation", "expected", "actual"],
            exp.map((e) => ({ cls: e.ok ? "ok" : "fail", cells: [e.ok ? "PASS" : "FAIL", e.name, e.expected, e.actual] })),
          ),
        ),
      );
    // The scenario and the environment, near the top but folded: what ran, and where.
    const env = sm.environment || [];
    const fold = (id, title, body) => el("details", { id, class: "fold" }, el("summary", {}, title), body);
    app.append(
      el(
        "section",
        { id: "setup" },
        model.scenarioText ? fold("scenario", "Scenario (secrets redacted)", el("pre", { class: "scenario" }, model.scenarioText)) : null,
        fold(
          "environment",
          `Environment: ${env.map((e) => `enrollsim ${e.enrollsim}, node ${e.node}, ${e.os}, ${e.cpus} CPUs`).join("; ") || "not recorded"}`,
          table(
            ["shard", "enrollsim", "node", "os", "cpus", "server"],
            env.map((e) => [e.shard || "–", e.enrollsim, e.node, e.os, e.cpus, e.server]),
          ),
        ),
      ),
    );
    app.append(section("timeline", "Arrivals and enrolments", el("div", { id: "chart-timeline", class: "chart" })));
    app.append(section("latency", "Latency per step", el("div", { id: "latency-charts", class: "grid" }), el("div", { id: "chart-dist", class: "chart" })));
    const steps = Object.entries(sm.steps || {}).sort();
    app.append(
      section(
        "steps",
        "Steps",
        table(
          ["step", "samples", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"],
          steps.map(([k, s]) => [k, s.count, s.failed, s.p50, s.p95, s.p99, s.max, s.mean]),
        ),
      ),
    );
    app.append(section("failures", "Failures by code, blame and step", failures(sm)));
    const ex = sm.examples || [];
    const tx = model.transcripts || {};
    app.append(
      section(
        "examples",
        "Sample failing devices",
        table(
          ["device", "code", "step", "enrollsim's diagnosis"],
          ex.map((e) => [tx[e.device] ? el("a", { href: `#tx-${e.device}` }, e.device) : e.device, e.code, e.step, e.message]),
        ),
      ),
    );
    const groups = Object.entries(sm.groups || {}).sort();
    const plats = Object.entries(sm.platforms || {}).sort();
    app.append(
      section(
        "fleet",
        "Platforms and groups",
        el(
          "div",
          { class: "pair" },
          table(
            ["platform", "devices", "enrolled", "failed", "check-ins", "check-ins failed"],
            plats.map(([p, m]) => [p, m.devices, m.enrolled, m.failed, m.checkins, m.checkinFailed]),
          ),
          table(
            ["group", "devices", "enrolled", "failed", "failures"],
            groups.map(([g, m]) => [
              g,
              m.devices,
              m.enrolled,
              m.failed,
              Object.entries(m.failures || {})
                .map(([c, n]) => `${c} ×${n}`)
                .join(", "),
            ]),
          ),
        ),
      ),
    );
    const ck = sm.checkins || { total: 0, failed: 0 };
    app.append(section("checkins", "Steady-state check-ins", el("p", { id: "cadence" }, cadence(ck, sm.enrolled, model.series)), el("div", { id: "chart-checkins", class: "chart" })));
    if (sm.pushes) {
      const p = sm.pushes;
      app.append(
        section(
          "pushes",
          "Push notifications (mock APNs)",
          table(
            ["sent", "accepted", "delivered", "coalesced", "superseded", "expired", "ignored", "refused"],
            [
              [
                p.sent,
                p.accepted,
                p.delivered,
                p.coalesced,
                p.superseded,
                p.expired,
                p.ignored,
                Object.entries(p.refused || {})
                  .map(([r, n]) => `${r} ×${n}`)
                  .join(", ") || "0",
              ],
            ],
          ),
        ),
      );
    }
    if (sm.commands) {
      const rows = [];
      for (const [proto, cmds] of Object.entries(sm.commands))
        for (const [cmd, ans] of Object.entries(cmds))
          rows.push([
            proto,
            cmd,
            Object.entries(ans)
              .map(([a, n]) => `${a} ×${n}`)
              .join(", "),
          ]);
      app.append(section("commands", "Management commands", table(["protocol", "command", "answers"], rows)));
    }
    if (sm.hints && sm.hints.length)
      app.append(
        section(
          "hints",
          "Hints",
          el(
            "ul",
            {},
            sm.hints.map((h) => el("li", {}, `${h.code}: ${h.message}`)),
          ),
        ),
      );
    if (sm.actions && sm.actions.length)
      app.append(
        section(
          "actions",
          "Timeline actions",
          table(
            ["entry", "action", "trigger", "at", "result"],
            sm.actions.map((a) => [a.entry, a.action, a.trigger, a.atMs < 0 ? "never" : `${(a.atMs / 1000).toFixed(1)} s`, a.result]),
          ),
        ),
      );
    if (model.transcriptsOmitted && model.transcriptsOmitted.length) {
      app.append(el("p", { class: "warn" }, `Transcripts not embedded (the page's size budget): ${model.transcriptsOmitted.join(", ")}; see the run's --trace files.`));
    }
    if (Object.keys(tx).length)
      app.append(
        section(
          "transcripts",
          "Transcripts of sample failing devices",
          Object.entries(tx).map(([d, t]) => window.enrollsimTranscriptView(el, d, t)),
        ),
      );
    charts.draw(model, el, fmt);
    window.scrollTo(0, scroll);
    // For tests and scripts that watch the page: seconds drawn and the totals the timeline chart holds.
    const total = (a) => a.reduce((x, y) => x + y, 0);
    document.body.dataset.seconds = String(model.series.t.length);
    document.body.dataset.seriesStarts = String(total(model.series.starts));
    document.body.dataset.seriesOk = String(total(model.series.ok));
    document.body.dataset.seriesFailed = String(Object.values(model.series.failed).reduce((x, a) => x + total(a), 0));
  }

  // ---- live ---------------------------------------------------------------------------------
  function applyTick(m) {
    const s = model.series;
    const r = m.second;
    if (r) {
      const n = s.t.length;
      s.t.push(r.t);
      s.starts.push(r.starts);
      s.ok.push(r.ok);
      s.inFlight.push(r.inFlight);
      s.checkins.push(r.checkins);
      s.checkinFailed.push(r.checkinFailed);
      for (const c of Object.keys(r.failed)) if (!s.failed[c]) s.failed[c] = new Array(n).fill(0);
      for (const c of Object.keys(s.failed)) s.failed[c].push(r.failed[c] || 0);
    }
    const l = m.latency;
    if (l) {
      const L = model.latency;
      const n = L.t.length;
      L.t.push(l.t);
      for (const st of Object.keys(l.steps)) if (!L.steps[st]) L.steps[st] = { p50: new Array(n).fill(null), p95: new Array(n).fill(null), p99: new Array(n).fill(null) };
      for (const [st, c] of Object.entries(L.steps)) {
        const v = l.steps[st] || [null, null, null];
        c.p50.push(v[0]);
        c.p95.push(v[1]);
        c.p99.push(v[2]);
      }
    }
    model.summary = m.summary;
    live.status = m.status;
  }

  function connect() {
    live = { state: "connecting", status: null, report: null };
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${boot.live.wsPath}`);
    let pending = false;
    const later = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        render();
      });
    };
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === "hello") {
        model = m.model;
        live.status = m.status;
        live.state = "running";
      } else if (m.type === "tick") applyTick(m);
      else if (m.type === "final") {
        model = m.model;
        live.state = "finished";
        live.status = m.status;
        live.report = m.report || null;
      }
      document.body.dataset.state = live.state;
      later();
    };
    ws.onclose = () => {
      if (live.state !== "finished") live.state = "disconnected";
      document.body.dataset.state = live.state;
      later();
    };
  }

  if (boot.live) connect();
  else render();
  document.body.dataset.rendered = "1";
})();
