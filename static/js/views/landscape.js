// Loss landscapes: the 1-D models' surfaces over (b, w) with the path gradient
// descent takes (click to start elsewhere), or a random slice of this network's loss.

import { plotlyReady } from "../plotly.js";
import { el, formatNumber } from "../helpers.js";

const MODES = {
  logistic: "1-D logistic regression: o = sigmoid(b + w·x)",
  linear: "1-D linear regression, squared error",
  network: "This network: a random 2-D slice",
};

export class LandscapeView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.mode = "logistic";
    this.start = [-4, -3];
    this.plot = el("div", { className: "plot", testid: "landscape-plot" });
    this.note = el("p", { className: "muted", testid: "landscape-note" });
    this.rate = el("input", { type: "number", step: "any", min: "0", value: "0.5", testid: "landscape-rate", onchange: () => this.draw() });
    this.steps = el("input", { type: "number", step: "1", min: "0", max: "5000", value: "60", testid: "landscape-steps", onchange: () => this.draw() });
    this.select = el(
      "select",
      { testid: "landscape-mode", onchange: () => ((this.mode = this.select.value), this.draw()) },
      Object.entries(MODES).map(([value, label]) => el("option", { value }, label)),
    );
    this.oneD = el("span", { className: "row" }, el("label", {}, "learning rate ", this.rate), el("label", {}, "steps ", this.steps));
    this.redraw = el("button", { type: "button", testid: "landscape-redraw", onclick: () => this.draw() }, "Redraw");
    root.append(el("div", { className: "row" }, this.select, this.oneD, this.redraw), this.plot, this.note);
  }

  show() {
    this.draw();
  }

  hide() {}

  async draw() {
    const Plotly = await plotlyReady();
    this.oneD.hidden = this.mode === "network";
    try {
      if (this.mode === "network") await this.drawSlice(Plotly);
      else await this.drawOneD(Plotly);
    } catch (err) {
      this.note.textContent = err.message;
    }
  }

  async drawOneD(Plotly) {
    const body = await this.context.api.landscape(this.mode, {
      learning_rate: Number(this.rate.value) || 0.5,
      steps: Math.max(0, Math.min(5000, Number(this.steps.value) || 0)),
      start: this.start,
    });
    const traces = [
      { type: "contour", x: body.b, y: body.w, z: body.loss, colorscale: "Viridis", reversescale: true, ncontours: 28, contours: { coloring: "heatmap" }, colorbar: { thickness: 10, title: { text: "loss", side: "right" } }, hovertemplate: "b %{x:.2f}<br>w %{y:.2f}<br>loss %{z:.4f}<extra></extra>" },
      { type: "scatter", mode: "lines+markers", x: body.path.map((p) => p[0]), y: body.path.map((p) => p[1]), line: { color: "#fff", width: 2 }, marker: { size: 4, color: "#f59322" }, name: "descent", hovertemplate: "step %{pointNumber}<extra></extra>" },
    ];
    if (body.minimum) traces.push({ type: "scatter", mode: "markers", x: [body.minimum[0]], y: [body.minimum[1]], marker: { symbol: "star", size: 16, color: "#d62728", line: { color: "#fff", width: 1 } }, name: "closed-form minimum" });
    const layout = {
      margin: { l: 40, r: 8, t: 8, b: 32 },
      xaxis: { title: { text: "b (bias)", font: { size: 10 } } },
      yaxis: { title: { text: "w (weight)", font: { size: 10 } } },
      showlegend: false,
      paper_bgcolor: "rgba(0,0,0,0)",
    };
    await Plotly.react(this.plot, traces, layout, { displayModeBar: false, responsive: true });
    if (!this.clickBound) {
      this.clickBound = true;
      this.plot.on("plotly_click", (event) => {
        if (this.mode === "network" || !event.points.length) return;
        this.start = [event.points[0].x, event.points[0].y];
        this.draw();
      });
    }
    const end = body.path[body.path.length - 1];
    const steps = body.path.length - 1;
    let text = `Start (b, w) = (${formatNumber(this.start[0], 2)}, ${formatNumber(this.start[1], 2)}); after ${steps} steps the loss is ${formatNumber(end[2])}. Click the surface to start elsewhere.`;
    if (steps < Number(this.steps.value)) text += " The path left the surface: this learning rate diverges.";
    if (body.minimum) text += ` The minimum is at (${formatNumber(body.minimum[0], 3)}, ${formatNumber(body.minimum[1], 3)}), loss ${formatNumber(body.minimum[2])}.`;
    this.note.textContent = text;
  }

  async drawSlice(Plotly) {
    this.note.textContent = "Computing the slice…";
    const body = await this.context.api.slice(this.context.sessionId, { resolution: 25, span: 1 });
    const traces = [
      { type: "contour", x: body.axis, y: body.axis, z: body.loss, colorscale: "Viridis", reversescale: true, ncontours: 28, contours: { coloring: "heatmap" }, colorbar: { thickness: 10 }, connectgaps: false },
      { type: "scatter", mode: "markers", x: [0], y: [0], marker: { symbol: "x", size: 12, color: "#d62728" }, name: "now" },
    ];
    await Plotly.react(
      this.plot,
      traces,
      { margin: { l: 40, r: 8, t: 8, b: 32 }, xaxis: { title: { text: "direction 1", font: { size: 10 } } }, yaxis: { title: { text: "direction 2", font: { size: 10 } } }, showlegend: false, paper_bgcolor: "rgba(0,0,0,0)" },
      { displayModeBar: false, responsive: true },
    );
    this.note.textContent = `The training loss on a plane through the weights at epoch ${body.epoch} (✕, loss ${formatNumber(body.centre)}), along two random directions scaled to each unit's weights (Li et al., 2018). Redraw after training to see how it changed.`;
  }
}
