// Gradient health: per-layer gradient norms over time, and dead or saturated units.

import { plotlyReady } from "../plotly.js";
import { el } from "../helpers.js";

const REFRESH_EVERY = 1500; // ms
const RECENT = 8; // readings the note's ratio is the median of: one epoch's gradient is noisy
const COLORS = ["#0877bd", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#f59322"];

export class HealthView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.norms = el("div", { className: "plot short", testid: "health-norms" });
    this.units = el("div", { className: "plot short", testid: "health-units" });
    this.note = el("p", { className: "muted", testid: "health-note" });
    root.append(
      el("p", {}, "The size of each layer's gradient (log scale): when it shrinks layer by layer on its way back, the first layers barely learn. Below: the share of units that pass no gradient — ReLUs that are dead, sigmoid or tanh units that are saturated."),
      this.norms,
      this.note,
      this.units,
    );
    this.last = 0;
    this.timer = null;
  }

  show() {
    this.refresh();
  }

  hide() {}

  // At most one request every REFRESH_EVERY ms, and one after the last frame: a paused run shows its last epoch.
  onFrame() {
    if (!this.root.isConnected || this.timer) return;
    const wait = this.last + REFRESH_EVERY - Date.now();
    if (wait <= 0) this.refresh();
    else this.timer = setTimeout(() => {
      this.timer = null;
      if (this.root.isConnected) this.refresh();
    }, wait);
  }

  async refresh() {
    this.last = Date.now();
    const Plotly = await plotlyReady();
    let health;
    try {
      health = await this.context.api.health(this.context.sessionId);
    } catch (err) {
      this.note.textContent = err.message;
      return;
    }
    const points = [...health.history];
    if (!points.length || points[points.length - 1].epoch !== health.epoch) points.push({ epoch: health.epoch, layers: health.layers });
    const count = health.layers.length;
    const traces = Array.from({ length: count }, (_, k) => ({
      x: points.map((p) => p.epoch),
      y: points.map((p) => Math.max(p.layers[k].weight_grad_norm, 1e-12)),
      name: k === count - 1 ? "output" : `layer ${k + 1}`,
      mode: "lines+markers",
      line: { color: COLORS[k % COLORS.length] },
      marker: { size: 4 },
    }));
    const layout = {
      margin: { l: 45, r: 8, t: 8, b: 28 },
      yaxis: { type: "log", title: { text: "‖∂L/∂W‖", font: { size: 10 } }, exponentformat: "power" },
      xaxis: { title: { text: "epoch", font: { size: 10 } } },
      legend: { font: { size: 9 } },
      paper_bgcolor: "rgba(0,0,0,0)",
    };
    Plotly.react(this.norms, traces, layout, { displayModeBar: false, responsive: true });
    const first = health.layers[0].weight_grad_norm;
    if (count < 2) this.note.textContent = "";
    else if (first === 0) this.note.textContent = "The first layer's gradient is exactly 0: gradient descent cannot change its weights.";
    else {
      const ratios = points.slice(-RECENT).map((p) => p.layers[count - 1].weight_grad_norm / p.layers[0].weight_grad_norm).filter(Number.isFinite);
      const note = ratios.length > 1 ? `: the median of its last ${ratios.length} readings` : "";
      this.note.textContent = `The output layer's gradient is ${median(ratios).toPrecision(3)}× the first layer's${note}.`;
    }
    const hidden = health.layers.slice(0, -1);
    const share = hidden.map((l) => (l.dead ?? l.saturated ?? 0) * 100);
    const kind = health.activation === "relu" ? "dead" : ["sigmoid", "tanh"].includes(health.activation) ? "saturated" : null;
    Plotly.react(
      this.units,
      [{ type: "bar", x: hidden.map((_, k) => `layer ${k + 1}`), y: share, marker: { color: "#f59322" } }],
      {
        margin: { l: 45, r: 8, t: 22, b: 28 },
        title: { text: kind ? `${kind} units (%)` : `${health.activation} units neither die nor saturate`, font: { size: 11 } },
        yaxis: { range: [0, 100] },
        paper_bgcolor: "rgba(0,0,0,0)",
      },
      { displayModeBar: false, responsive: true },
    );
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
