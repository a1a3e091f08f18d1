// Backpropagation, step by step: pick a training point (from the list, or by clicking the
// plot), then go forward one layer per click, back through the chain rule, and to the update.

import { el } from "../helpers.js";
import { columnLeft, drawDiagram } from "./backprop_diagram.js";
import { edgeMeaning, equations, fmt, phase, stepCount, title } from "./backprop_steps.js";

const MAX_EQUATIONS = 300; // beyond this a step's list would bury the page: hover the diagram instead

export class BackpropView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.points = [];
    this.labels = [];
    this.result = null;
    this.step = 0;
    this.select = el("select", { testid: "backprop-point", id: "backprop-point", onchange: () => this.choose(Number(this.select.value)) });
    this.back = el("button", { type: "button", testid: "backprop-back", onclick: () => this.go(-1) }, "◀ Back");
    this.forward = el("button", { type: "button", testid: "backprop-forward", className: "primary", onclick: () => this.go(+1) }, "Forward ▶");
    this.caption = el("p", { testid: "backprop-step", "aria-live": "polite" });
    // Focusable, so that a keyboard can scroll a big network's diagram.
    this.diagram = el("div", { testid: "backprop-diagram-box", tabindex: 0, role: "region", "aria-label": "Network diagram", style: "overflow: auto; max-height: 26rem; border: 1px solid #d9dde2; border-radius: 6px;" });
    this.list = el("ol", { testid: "backprop-equations" });
    this.note = el("p", { className: "muted", testid: "backprop-note" });
    root.append(
      el("p", {}, "Pick a training point (here or on the plot) and press Forward: one layer per click, forward, back, then the update."),
      el(
        "div",
        { className: "row" },
        el("label", { for: "backprop-point" }, "Point"),
        this.select,
        this.back,
        this.forward,
        el("button", { type: "button", testid: "backprop-refresh", title: "Work the numbers out again with the weights as they are now", onclick: () => this.load() }, "Use the current weights"),
      ),
      this.caption,
      this.diagram,
      this.list,
      this.note,
    );
  }

  show() {
    if (!this.points.length) this.follow();
    else this.context.ring(this.points[this.index]);
  }

  hide() {
    this.context.ring(null);
  }

  // The config changed (new data, new network): start again from the first point.
  async follow() {
    try {
      // Exact coordinates: the walk-through is for the training point itself, not a rounded neighbour.
      const data = await this.context.api.data(this.context.sessionId, 17);
      this.points = data.train.points;
      this.labels = data.train.labels;
      this.classification = data.task === "classification";
    } catch (err) {
      this.fail(err);
      return;
    }
    const label = (i) => (this.classification ? `class ${this.labels[i]}` : `y = ${fmt(this.labels[i])}`);
    this.select.replaceChildren(...this.points.map((p, i) => el("option", { value: i }, `#${i + 1} (${p[0].toFixed(2)}, ${p[1].toFixed(2)}), ${label(i)}`)));
    if (this.points.length) this.choose(0);
  }

  // The page hands a click on the plot to the view first: here it picks the nearest training point.
  onPlotClick(x, y) {
    if (!this.root.isConnected || !this.points.length) return false;
    let best = 0;
    this.points.forEach((p, i) => {
      if (Math.hypot(p[0] - x, p[1] - y) < Math.hypot(this.points[best][0] - x, this.points[best][1] - y)) best = i;
    });
    this.choose(best);
    return true;
  }

  choose(index) {
    this.index = index;
    this.select.value = String(index);
    this.step = 0;
    // Until the new numbers arrive, stepping would walk through the old point's.
    this.result = null;
    this.forward.disabled = this.back.disabled = true;
    this.caption.textContent = "Working out the numbers…";
    if (this.root.isConnected) this.context.ring(this.points[index]);
    this.load();
  }

  async load() {
    const [x1, x2] = this.points[this.index];
    try {
      this.result = await this.context.api.backprop(this.context.sessionId, { x1, x2, label: this.labels[this.index] });
    } catch (err) {
      this.fail(err);
      return;
    }
    this.render();
  }

  go(change) {
    if (!this.result) return;
    this.step = Math.min(stepCount(this.result) - 1, Math.max(0, this.step + change));
    this.render();
  }

  render() {
    const r = this.result;
    const names = this.names(r);
    const last = stepCount(r) - 1;
    this.back.disabled = this.step === 0;
    this.forward.disabled = this.step === last;
    this.caption.textContent = [title(r, this.step, names), edgeMeaning(r, this.step)].filter(Boolean).join(". ");
    this.diagram.replaceChildren(drawDiagram(r, this.step, names));
    const busy = phase(r, this.step).layer;
    if (busy >= 0) this.diagram.scrollLeft = Math.max(0, columnLeft(busy) - 20);
    const all = equations(r, this.step, names);
    const shown = all.slice(0, MAX_EQUATIONS).map((e) => el("li", { "data-key": e.key }, e.text));
    if (all.length > MAX_EQUATIONS) shown.push(el("li", { className: "muted" }, `… and ${all.length - MAX_EQUATIONS} more: hover a connection in the diagram.`));
    this.list.replaceChildren(...shown);
    this.note.textContent = this.step === last ? this.updateNote(r) : "";
  }

  updateNote(r) {
    const penalty = r.penalty.kind === "none" ? "" : ` Training also adds the ${r.penalty.kind.toUpperCase()} penalty's gradient, which is not in these numbers.`;
    return `One plain gradient step on this one point; a training step averages the gradient over a batch and uses the optimizer's rule.${penalty}`;
  }

  names(r) {
    const L = r.layers.length;
    const labels = this.context.featureLabels || {};
    const unit = (k, j) => {
      if (k < L - 1) return `layer ${k + 1} unit ${j + 1}`;
      return r.layers[k].z.length === 1 ? "output" : `output ${j}`;
    };
    const feature = (f) => labels[f] || f;
    return {
      feature,
      unit,
      layer: (k) => (k === L - 1 ? "the output layer" : `hidden layer ${k + 1}`),
      edge: (k, i, j) => `${k === 0 ? feature(r.features[i]) : unit(k - 1, i)} → ${unit(k, j)}`,
    };
  }

  fail(err) {
    this.result = null;
    this.caption.textContent = "";
    this.diagram.replaceChildren();
    this.list.replaceChildren();
    this.note.replaceChildren(el("span", { className: "bad" }, err.message));
  }
}
