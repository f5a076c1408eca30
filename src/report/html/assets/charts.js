// SPDX-License-Identifier: MIT
// enrollsim report page (browser side): the uPlot charts of a run model (src/report/html/model.ts):
// arrivals and enrolments per second with failures by code and in flight, p50/p95/p99 per step over
// time, per-step latency distributions (log scale) and steady-state check-ins.
/* global uPlot */
(function () {
  "use strict";
  const PALETTE = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
  const P = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.9, 99.99, 100]; // model.ts DISTRIBUTION_PERCENTILES
  const charts = new Map();
  const fromZero = { range: (u, min, max) => [0, Math.max(1, max)] }; // counts: the axis starts at 0

  function chart(id, title, series, data, opts) {
    const host = document.getElementById(id);
    if (!host) return;
    const sig = JSON.stringify(series.map((s) => s.label));
    const have = charts.get(id);
    if (have && have.sig === sig) return void have.u.setData(data);
    if (have) have.u.destroy();
    host.textContent = "";
    const width = Math.max(320, Math.min(host.clientWidth || 900, 1100));
    const u = new uPlot(
      {
        title,
        width,
        height: (opts && opts.height) || 240,
        scales: Object.assign({ x: { time: !(opts && opts.notTime) } }, (opts && opts.scales) || {}),
        axes: (opts && opts.axes) || [{}, { label: opts && opts.yLabel }],
        series: [{ label: (opts && opts.xLabel) || "time" }].concat(series.map((s, i) => Object.assign({ stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false }, s))),
      },
      data,
      host,
    );
    charts.set(id, { u, sig });
  }

  function draw(model, el, fmt) {
    const s = model.series;
    const codes = Object.keys(s.failed).sort();
    chart(
      "chart-timeline",
      `Arrivals and enrolments per second${s.bucketSeconds ? ` (averaged over ${s.bucketSeconds} s)` : ""}`,
      [{ label: "started/s" }, { label: "enrolled/s" }]
        .concat(codes.map((c, i) => ({ label: `failed/s ${c}`, stroke: PALETTE[(2 + i * 3) % PALETTE.length], dash: [4, 2] })))
        .concat([{ label: "in flight", scale: "f", stroke: "#555", fill: "rgba(0,0,0,0.05)" }]),
      [s.t, s.starts, s.ok].concat(codes.map((c) => s.failed[c])).concat([s.inFlight]),
      { scales: { y: fromZero, f: fromZero }, axes: [{}, { label: "devices/s" }, { side: 1, scale: "f", label: "in flight", grid: { show: false } }] },
    );
    const lat = model.latency;
    const host = document.getElementById("latency-charts");
    if (host) {
      for (const step of Object.keys(lat.steps).sort()) {
        const id = `chart-lat-${step.replace(/[^A-Za-z0-9_-]/g, "_")}`;
        if (!document.getElementById(id)) host.append(el("div", { id, class: "chart small" }));
        const c = lat.steps[step];
        chart(id, `${step}: latency per ${lat.windowSeconds} s (ms)`, [{ label: "p50" }, { label: "p95" }, { label: "p99" }], [lat.t, c.p50, c.p95, c.p99], { height: 180, yLabel: "ms" });
      }
    }
    const d = model.distributions || [];
    if (d.length) {
      chart(
        "chart-dist",
        "Latency distribution per step (whole run, HDR histograms)",
        d.map((x) => ({ label: `${x.step} (${fmt(x.samples, 0)})` })),
        [P.map((_, i) => i)].concat(d.map((x) => x.ms)),
        { notTime: true, xLabel: "percentile", height: 280, scales: { y: { distr: 3 } }, axes: [{ label: "percentile", values: (u, v) => v.map((i) => (P[i] === undefined ? "" : `p${P[i]}`)) }, { label: "ms (log)" }] },
      );
    }
    if (s.checkins.some((x) => x > 0)) {
      chart("chart-checkins", `Steady-state check-ins per second${s.bucketSeconds ? ` (averaged over ${s.bucketSeconds} s)` : ""}`, [{ label: "check-ins/s" }, { label: "failed/s", stroke: "#d62728" }], [s.t, s.checkins, s.checkinFailed], {
        height: 200,
        scales: { y: fromZero },
      });
    }
  }

  window.enrollsimCharts = {
    draw,
    reset() {
      for (const [, c] of charts) c.u.destroy();
      charts.clear();
    },
  };
})();
