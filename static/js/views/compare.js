// Compare: a second run on the same data and seed with a few settings changed,
// driven together with the first; its boundary here, both runs' curves below.

import { BoundaryPlot } from "../boundary.js";
import { boundaryPixels } from "../colors.js";
import { decodeMap } from "../frames.js";
import { el, formatNumber, formatPercent, mergeDeep } from "../helpers.js";
import { BATCH_SIZES, LEARNING_RATES, names } from "../options.js";
import { plotlyReady } from "../plotly.js";
import { StreamTransport } from "../transport.js";
import { addRows, drawCompareCurves, lossNote, noSeries } from "./compare_curves.js";
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

// Values a field offers only on some data, with why not: given the value and the first run's config.
const NOT_HERE = {
  loss: (value, config) => (value === "hinge" && config.dataset.classes !== 2 ? "Hinge loss needs two classes: set Classes to 2 (or pick a two-class dataset) to offer it." : ""),
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

function nest(path, value) {
  return path.split(".").reduceRight((inner, key) => ({ [key]: inner }), value);
}

export class CompareView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.changes = context.changes || { optimizer: { name: "adam" } };
    this.sessionId = null;
    this.field = el("select", { testid: "compare-field", onchange: () => this.fillValues("") }, Object.keys(FIELDS).map((k) => el("option", { value: k }, k.replace(".", " "))));
    this.value = el("select", { testid: "compare-value" });
    this.hint = el("p", { testid: "compare-hint", className: "muted", hidden: true });
    this.note = el("p", { testid: "compare-note", className: "note", hidden: true });
    this.apply = el("button", { type: "button", testid: "compare-apply", onclick: () => this.setChange() }, "Set");
    this.summary = el("p", { testid: "compare-summary" });
    this.metrics = el("p", { testid: "compare-metrics", className: "muted" });
    this.mini = el("div", { className: "mini boundary", testid: "compare-boundary" });
    this.curves = el("div", { className: "plot short", testid: "compare-curves" });
    root.append(
      el("div", { className: "row" }, el("span", {}, "Comparison run: this run with"), this.field, this.value, this.apply),
      this.hint,
      this.summary,
      this.note,
      el("div", { className: "compare-grid" }, this.mini, el("div", {}, this.metrics, this.curves)),
    );
    this.network = new CompareNetwork(root, context.featureLabels);
    const [first] = flatten(this.changes);
    if (first && first[0] in FIELDS) this.field.value = first[0];
    this.fillValues(first ? first[1] : undefined);
    this.boundary = new BoundaryPlot(this.mini, {});
    this.series = { a: noSeries(), b: noSeries() };
  }

  // The field's values that apply to the first run's data; the hint says why any are left out.
  fillValues(selected = this.value.value) {
    const field = this.field.value;
    const values = FIELDS[field](this.context.options).map(String);
    const offered = values.filter((v) => !this.notHere(field, v));
    this.value.replaceChildren(...offered.map((v) => el("option", { value: v }, v)));
    if (offered.includes(String(selected))) this.value.value = String(selected);
    const hints = [...new Set(values.map((v) => this.notHere(field, v)).filter(Boolean))];
    this.hint.textContent = hints.join(" ");
    this.hint.hidden = !hints.length;
  }

  // Why a field's value does not apply to the first run's data now, or "" when it does.
  notHere(field, value) {
    return NOT_HERE[field]?.(value, this.context.config()) || "";
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
    const text = flatten(this.changes).map(([k, v]) => `${k.replace(".", " ")} = ${v}`).join(", ") || "nothing changed";
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
    const dropped = this.dropInapplicable();
    try {
      await this.context.api.patch(this.sessionId, this.config);
      await this.context.api.reset(this.sessionId);
      this.data = await this.context.api.data(this.sessionId);
      this.boundary.setPoints(this.data, { palette: this.context.look().palette });
      this.series.b = noSeries();
      this.describe();
      this.fillValues();
      if (dropped) {
        this.hint.textContent = dropped;
        this.hint.hidden = false;
      }
      return true;
    } catch (err) {
      this.summary.textContent = err.message;
      return false;
    }
  }

  // A change the first run's data now rules out (hinge once there are three classes) goes,
  // so the comparison run keeps running; what it says is why, or "" when nothing went.
  dropInapplicable() {
    const gone = flatten(this.changes).filter(([field, value]) => this.notHere(field, value));
    if (!gone.length) return "";
    this.changes = flatten(this.changes)
      .filter(([field, value]) => !this.notHere(field, value))
      .reduce((changes, [field, value]) => mergeDeep(changes, nest(field, value)), {});
    return gone.map(([field, value]) => `${this.notHere(field, value)} The comparison run now uses this run's ${field}.`).join(" ");
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
    addRows(this.series[which], frame.history_tail);
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
    const losses = [this.context.config().loss, this.config.loss];
    this.note.textContent = lossNote(losses);
    this.note.hidden = !this.note.textContent;
    drawCompareCurves(Plotly, this.curves, this.series, losses);
  }

  // The page's play, pause, step and reset drive this run too.
  onCommand(command, ...args) {
    this.transport?.[command](...args);
  }
}
