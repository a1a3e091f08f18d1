// Compare: a second run on the same data and seed with a few settings changed,
// driven together with the first; its boundary here, both runs' curves below.

import { BoundaryPlot } from "../boundary.js";
import { boundaryPixels } from "../colors.js";
import { decodeMap } from "../frames.js";
import { el, formatNumber, formatPercent, mergeDeep } from "../helpers.js";
import { BATCH_SIZES, LEARNING_RATES, names } from "../options.js";
import { plotlyReady } from "../plotly.js";
import { StreamTransport } from "../transport.js";
import { CompareNetwork } from "./compare_network.js";

// The settings the second run may change, each with the values it offers.
const FIELDS = {
  "optimizer.name": (options) => names(options.optimizers),
  "optimizer.learning_rate": () => LEARNING_RATES,
  activation: (options) => names(options.activations),
  loss: (options) => names(options.losses),
  batch_size: () => BATCH_SIZES,
  "regularization.kind": (options) => names(options.regularization),
  init: (options) => names(options.inits),
};

// A penalty kind needs a rate to mean anything: L1 at rate 0 is no penalty at all.
const PENALTY_RATE = 0.01;

// What a field's new value brings along so the second run shows what the field names:
// given the value, the change set it replaces and the first run's config.
const COMPANIONS = {
  "regularization.kind": (kind, before, config) =>
    kind === "none" ? {} : { regularization: { rate: before.regularization?.rate || config.regularization?.rate || PENALTY_RATE } },
};

function flatten(changes, prefix = "") {
  return Object.entries(changes).flatMap(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]));
}

const noSeries = () => ({ x: [], train: [], test: [] });

function nest(path, value) {
  return path.split(".").reduceRight((inner, key) => ({ [key]: inner }), value);
}

export class CompareView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.changes = context.changes || { optimizer: { name: "adam" } };
    this.sessionId = null;
    this.field = el("select", { testid: "compare-field", onchange: () => this.fillValues() }, Object.keys(FIELDS).map((k) => el("option", { value: k }, k.replace(".", " "))));
    this.value = el("select", { testid: "compare-value" });
    this.apply = el("button", { type: "button", testid: "compare-apply", onclick: () => this.setChange() }, "Set");
    this.summary = el("p", { testid: "compare-summary" });
    this.metrics = el("p", { testid: "compare-metrics", className: "muted" });
    this.mini = el("div", { className: "mini boundary", testid: "compare-boundary" });
    this.curves = el("div", { className: "plot short", testid: "compare-curves" });
    root.append(
      el("div", { className: "row" }, el("span", {}, "Comparison run: this run with"), this.field, this.value, this.apply),
      this.summary,
      el("div", { className: "compare-grid" }, this.mini, el("div", {}, this.metrics, this.curves)),
    );
    this.network = new CompareNetwork(root, context.featureLabels);
    const [first] = flatten(this.changes);
    if (first && first[0] in FIELDS) this.field.value = first[0];
    this.fillValues(first ? first[1] : undefined);
    this.boundary = new BoundaryPlot(this.mini, {});
    this.series = { a: noSeries(), b: noSeries() };
  }

  fillValues(selected) {
    const values = FIELDS[this.field.value](this.context.options);
    this.value.replaceChildren(...values.map((v) => el("option", { value: String(v) }, String(v))));
    if (selected !== undefined) this.value.value = String(selected);
  }

  get config() {
    return mergeDeep(this.context.config(), this.changes);
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
    this.summary.textContent = `The big view shows this run. The comparison run, here in the Compare panel, has the same data and seed with ${text}. Play, pause, step and reset drive both.`;
  }

  async start() {
    try {
      const created = await this.context.api.create(this.config);
      this.sessionId = created.id;
      this.data = await this.context.api.data(this.sessionId);
      this.boundary.setPoints(this.data, { palette: this.context.look().palette });
      this.transport = await new StreamTransport(this.sessionId, {
        onFrame: (frame) => this.onOwnFrame(frame),
        onError: (detail) => (this.metrics.textContent = detail),
        onClosed: () => (this.metrics.textContent = "The comparison run's stream closed."),
        subscribe: { fps: 10, boundary_resolution: 60, neuron_resolution: 4 },
      }).open();
    } catch (err) {
      this.summary.textContent = `The comparison run could not start: ${err.message}`;
    }
  }

  async setChange() {
    const raw = this.value.value;
    const value = Number.isFinite(Number(raw)) && raw !== "" ? Number(raw) : raw;
    const field = this.field.value;
    const before = this.changes;
    this.changes = mergeDeep(nest(field, value), COMPANIONS[field]?.(value, before, this.context.config()) ?? {});
    // A change the server refuses (hinge on three classes, say) leaves the comparison run as it was.
    if (!(await this.follow())) {
      this.changes = before;
      return;
    }
    // Both runs start over together, so they stay epoch for epoch.
    this.series = { a: noSeries(), b: noSeries() };
    this.context.reset();
  }

  // The first run's config changed (or the change did): rebuild the second to match. True when it did.
  async follow() {
    if (!this.sessionId) return false;
    try {
      await this.context.api.patch(this.sessionId, this.config);
      await this.context.api.reset(this.sessionId);
      this.data = await this.context.api.data(this.sessionId);
      this.boundary.setPoints(this.data, { palette: this.context.look().palette });
      this.series.b = noSeries();
      this.describe();
      return true;
    } catch (err) {
      this.summary.textContent = err.message;
      return false;
    }
  }

  onOwnFrame(frame) {
    const s = frame.state;
    this.metrics.textContent = `Epoch ${s.epoch}: train loss ${formatNumber(s.train_loss)}, test loss ${formatNumber(s.test_loss)}${s.test_accuracy === null ? "" : `, test accuracy ${formatPercent(s.test_accuracy)}`}${s.status === "diverged" ? " (diverged)" : ""}`;
    if (this.boundary.ready) {
      const map = decodeMap(frame.boundary);
      this.boundary.drawPixels(boundaryPixels(map, this.context.look()), map.resolution);
    }
    this.record("b", frame);
    this.network.onFrame(frame);
  }

  onFrame(frame) {
    this.record("a", frame);
  }

  record(which, frame) {
    const series = this.series[which];
    if (frame.state.epoch < (series.x[series.x.length - 1] ?? -1)) this.series[which] = noSeries();
    for (const r of frame.history_tail) {
      const s = this.series[which];
      if (s.x.length && r.epoch <= s.x[s.x.length - 1]) continue;
      s.x.push(r.epoch);
      s.train.push(r.train_loss);
      s.test.push(r.test_loss);
    }
    this.scheduleDraw();
  }

  // At most four redraws a second, and always one after the last frame.
  scheduleDraw() {
    if (this.pending || !this.root.isConnected) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.drawCurves();
    }, 250);
  }

  drawCurves() {
    const Plotly = window.Plotly;
    if (!Plotly || !this.root.isConnected) return;
    const { a, b } = this.series;
    // Fresh arrays each time: Plotly.react redraws only the data it sees change.
    const line = (s, key, name, color, dash) => ({ x: [...s.x], y: [...s[key]], name, mode: "lines", line: { color, dash, width: 1.6 } });
    Plotly.react(
      this.curves,
      [line(a, "train", "this run, train", "#2c3035", "solid"), line(a, "test", "this run, test", "#2c3035", "dot"), line(b, "train", "comparison, train", "#f59322", "solid"), line(b, "test", "comparison, test", "#f59322", "dot")],
      { margin: { l: 38, r: 8, t: 8, b: 24 }, yaxis: { title: { text: "loss", font: { size: 10 } } }, legend: { font: { size: 9 } }, paper_bgcolor: "rgba(0,0,0,0)" },
      { displayModeBar: false, responsive: true },
    );
  }

  // The page's play, pause, step and reset drive this run too.
  onCommand(command, ...args) {
    this.transport?.[command](...args);
  }
}
