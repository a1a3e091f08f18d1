// Compare: a second run on the same data and seed with a few settings changed,
// driven together with the first; its boundary here, both runs' curves below.

import { api } from "../api.js";
import { BoundaryPlot } from "../boundary.js";
import { boundaryPixels } from "../colors.js";
import { el, formatNumber } from "../dom.js";
import { decodeMap } from "../frames.js";
import { plotlyReady } from "../plotly.js";
import { StreamTransport } from "../transport.js";

const CHOICES = {
  "optimizer.name": ["sgd", "momentum", "nesterov", "rmsprop", "adam"],
  "optimizer.learning_rate": [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  activation: ["linear", "relu", "leaky_relu", "tanh", "sigmoid", "elu", "softplus", "gelu", "swish", "sine"],
  loss: ["cross_entropy", "mse", "hinge"],
  batch_size: [1, 5, 10, 30, 100, 500],
  "regularization.kind": ["none", "l1", "l2"],
  init: ["xavier", "he", "uniform", "zeros"],
};

function merge(base, patch) {
  const out = JSON.parse(JSON.stringify(base));
  for (const [key, value] of Object.entries(patch)) {
    out[key] = value && typeof value === "object" && !Array.isArray(value) && out[key] ? merge(out[key], value) : value;
  }
  return out;
}

function flatten(changes, prefix = "") {
  return Object.entries(changes).flatMap(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]));
}

function nest(path, value) {
  return path.split(".").reduceRight((inner, key) => ({ [key]: inner }), value);
}

export class CompareView {
  constructor(app, root) {
    this.app = app;
    this.root = root;
    this.changes = app.lesson?.changes || { optimizer: { name: "adam" } };
    this.sessionId = null;
    this.field = el("select", { testid: "compare-field", onchange: () => this.fillValues() }, Object.keys(CHOICES).map((k) => el("option", { value: k }, k.replace(".", " "))));
    this.value = el("select", { testid: "compare-value" });
    this.apply = el("button", { type: "button", testid: "compare-apply", onclick: () => this.setChange() }, "Set");
    this.summary = el("p", { testid: "compare-summary" });
    this.metrics = el("p", { testid: "compare-metrics", className: "muted" });
    this.mini = el("div", { className: "mini boundary", testid: "compare-boundary" });
    this.curves = el("div", { className: "plot short", testid: "compare-curves" });
    root.append(
      el("div", { className: "row" }, el("span", {}, "Second run: the first with"), this.field, this.value, this.apply),
      this.summary,
      el("div", { className: "compare-grid" }, this.mini, el("div", {}, this.metrics, this.curves)),
    );
    const [first] = flatten(this.changes);
    if (first && first[0] in CHOICES) this.field.value = first[0];
    this.fillValues(first ? first[1] : undefined);
    this.boundary = new BoundaryPlot(this.mini, {});
    this.series = { a: { x: [], train: [], test: [] }, b: { x: [], train: [], test: [] } };
  }

  fillValues(selected) {
    const values = CHOICES[this.field.value];
    this.value.replaceChildren(...values.map((v) => el("option", { value: String(v) }, String(v))));
    if (selected !== undefined) this.value.value = String(selected);
  }

  get config() {
    return merge(this.app.config, this.changes);
  }

  async show() {
    const Plotly = await plotlyReady();
    if (!this.boundary.ready) this.boundary.init(Plotly);
    if (!this.sessionId) await this.start();
    this.describe();
    this.drawCurves();
  }

  hide() {}

  describe() {
    const text = flatten(this.changes).map(([k, v]) => `${k.replace(".", " ")} = ${v}`).join(", ");
    this.summary.textContent = `Left, in the big view: your run. Here: the same data and seed with ${text}. Play, pause, step and reset drive both.`;
  }

  async start() {
    try {
      const created = await api.create(this.config);
      this.sessionId = created.id;
      this.data = await api.data(this.sessionId);
      this.boundary.setPoints(this.data, { palette: this.app.controls.view.palette });
      this.transport = await new StreamTransport(this.sessionId, {
        onFrame: (frame) => this.onOwnFrame(frame),
        onError: (detail) => (this.metrics.textContent = detail),
        onClosed: () => (this.metrics.textContent = "The second run's stream closed."),
        subscribe: { fps: 10, boundary_resolution: 60, neuron_resolution: 4 },
      }).open();
      this.app.mirror = this;
    } catch (err) {
      this.summary.textContent = `The second run could not start: ${err.message}`;
    }
  }

  async setChange() {
    const raw = this.value.value;
    const value = Number.isFinite(Number(raw)) && raw !== "" ? Number(raw) : raw;
    this.changes = nest(this.field.value, value);
    await this.follow();
  }

  // The first run's config changed (or the change did): rebuild the second to match.
  async follow() {
    if (!this.sessionId) return;
    try {
      await api.patch(this.sessionId, this.config);
      await api.reset(this.sessionId);
      this.data = await api.data(this.sessionId);
      this.boundary.setPoints(this.data, { palette: this.app.controls.view.palette });
      this.series.b = { x: [], train: [], test: [] };
      this.describe();
    } catch (err) {
      this.summary.textContent = err.message;
    }
  }

  onOwnFrame(frame) {
    const s = frame.state;
    this.metrics.textContent = `Epoch ${s.epoch}: train loss ${formatNumber(s.train_loss)}, test loss ${formatNumber(s.test_loss)}${s.test_accuracy === null ? "" : `, test accuracy ${(100 * s.test_accuracy).toFixed(1)}%`}${s.status === "diverged" ? " (diverged)" : ""}`;
    if (this.boundary.ready) {
      const map = decodeMap(frame.boundary);
      const view = this.app.controls.view;
      this.boundary.drawPixels(boundaryPixels(map, { task: this.app.config.dataset.classes ? "classification" : "regression", discretize: view.discretize, palette: view.palette }), map.resolution);
    }
    this.record("b", frame);
  }

  onFrame(frame) {
    this.record("a", frame);
  }

  record(which, frame) {
    const series = this.series[which];
    if (frame.state.epoch < (series.x[series.x.length - 1] ?? -1)) this.series[which] = { x: [], train: [], test: [] };
    for (const r of frame.history_tail) {
      const s = this.series[which];
      if (s.x.length && r.epoch <= s.x[s.x.length - 1]) continue;
      s.x.push(r.epoch);
      s.train.push(r.train_loss);
      s.test.push(r.test_loss);
    }
    if (this.root.isConnected && Date.now() - (this.drawn || 0) > 250) this.drawCurves();
  }

  drawCurves() {
    const Plotly = window.Plotly;
    if (!Plotly || !this.root.isConnected) return;
    this.drawn = Date.now();
    const { a, b } = this.series;
    const line = (s, key, name, color, dash) => ({ x: s.x, y: s[key], name, mode: "lines", line: { color, dash, width: 1.6 } });
    Plotly.react(
      this.curves,
      [line(a, "train", "yours, train", "#2c3035", "solid"), line(a, "test", "yours, test", "#2c3035", "dot"), line(b, "train", "second, train", "#f59322", "solid"), line(b, "test", "second, test", "#f59322", "dot")],
      { margin: { l: 38, r: 8, t: 8, b: 24 }, yaxis: { title: { text: "loss", font: { size: 10 } } }, legend: { font: { size: 9 } }, paper_bgcolor: "rgba(0,0,0,0)" },
      { displayModeBar: false, responsive: true },
    );
  }

  // Commands mirrored from the page's controls.
  play(speed) {
    this.transport?.play(speed);
  }
  pause() {
    this.transport?.pause();
  }
  step(steps, unit) {
    this.transport?.step(steps, unit);
  }
  reset() {
    this.transport?.reset();
  }
}
