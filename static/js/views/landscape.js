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
    this.verdict = el("p", { testid: "landscape-verdict" });
    this.minimum = el("p", { testid: "landscape-minimum" });
    // The top bar's learning rate is the only one: the view shows it and follows it.
    this.rate = el("span", { testid: "landscape-rate" });
    this.steps = el("input", { type: "number", step: "1", min: "0", max: "5000", value: "60", testid: "landscape-steps", onchange: () => this.draw() });
    this.select = el(
      "select",
      { testid: "landscape-mode", onchange: () => ((this.mode = this.select.value), this.draw()) },
      Object.entries(MODES).map(([value, label]) => el("option", { value }, label)),
    );
    this.oneD = el("span", { className: "row" }, el("span", {}, "learning rate α = ", this.rate, " (the top bar's)"), el("label", {}, "steps ", this.steps));
    this.redraw = el("button", { type: "button", testid: "landscape-redraw", onclick: () => this.draw() }, "Redraw");
    root.append(el("div", { className: "row" }, this.select, this.oneD, this.redraw), this.verdict, this.plot, this.minimum, this.note);
  }

  show() {
    this.draw();
  }

  hide() {}

  follow() {
    if (this.root.isConnected && this.mode !== "network" && this.learningRate() !== this.drawnRate) this.draw();
  }

  learningRate() {
    return this.context.config().optimizer.learning_rate;
  }

  async draw() {
    const Plotly = await plotlyReady();
    this.oneD.hidden = this.mode === "network";
    this.verdict.replaceChildren();
    this.minimum.replaceChildren();
    try {
      if (this.mode === "network") await this.drawSlice(Plotly);
      else await this.drawOneD(Plotly);
    } catch (err) {
      this.note.textContent = err.message;
    }
  }

  async drawOneD(Plotly) {
    const rate = this.learningRate();
    const steps = Math.max(0, Math.min(5000, Number(this.steps.value) || 0));
    const body = await this.context.api.landscape(this.mode, { learning_rate: rate, steps, start: this.start });
    this.drawnRate = rate;
    const traces = [
      { type: "contour", x: body.b, y: body.w, z: body.loss, colorscale: "Viridis", reversescale: true, ncontours: 28, contours: { coloring: "heatmap" }, colorbar: { thickness: 10, title: { text: "loss", side: "right" } }, hovertemplate: "b %{x:.2f}<br>w %{y:.2f}<br>loss %{z:.4f}<extra></extra>" },
      { type: "scatter", mode: "lines+markers", x: body.path.map((p) => p[0]), y: body.path.map((p) => p[1]), line: { color: "#fff", width: 2 }, marker: { size: 4, color: "#f59322" }, name: "descent", hovertemplate: "step %{pointNumber}<extra></extra>" },
    ];
    if (body.minimum) traces.push({ type: "scatter", mode: "markers", x: [body.minimum[0]], y: [body.minimum[1]], marker: { symbol: "star", size: 16, color: "#d62728", line: { color: "#fff", width: 1 } }, name: "closed-form minimum" });
    // The axes stay on the surface: a path that runs off it is cut at the edge, never followed.
    const layout = {
      margin: { l: 40, r: 8, t: 8, b: 32 },
      xaxis: { title: { text: "b (bias)", font: { size: 10 } }, range: [body.b[0], body.b[body.b.length - 1]], autorange: false },
      yaxis: { title: { text: "w (weight)", font: { size: 10 } }, range: [body.w[0], body.w[body.w.length - 1]], autorange: false },
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
    this.describe(body, rate, steps);
  }

  describe(body, rate, steps) {
    this.rate.textContent = String(rate);
    const { path } = body;
    const end = path[path.length - 1];
    const taken = path.length - 1;
    let text = `Start (b, w) = (${formatNumber(this.start[0], 2)}, ${formatNumber(this.start[1], 2)}); after ${taken} steps the loss is ${formatNumber(end[2])}.`;
    if (taken < steps) text += ` The path left the surface at step ${taken}.`;
    if (body.turns) text += ` The path zig-zags: ${body.turns} of its ${taken} steps turn back.`;
    this.note.textContent = `${text} Click the surface to start elsewhere.`;
    const bound = formatNumber(body.stable_rate, 3);
    const linear = this.mode === "linear";
    if (body.uphill_step !== null || taken < steps) {
      const where = body.uphill_step !== null ? `the loss grew past its starting value ${formatNumber(path[0][2])} at step ${body.uphill_step}` : `the path left the surface at step ${taken}`;
      const hint = linear ? `try a rate below 2/λmax = ${bound}` : `rates below 2/L = ${bound} (L bounds the curvature) always go downhill here`;
      this.verdict.className = "bad";
      this.verdict.textContent = `Diverged: ${where}; ${hint}.`;
    } else {
      this.verdict.className = "good";
      this.verdict.textContent = linear ? `Converging: α = ${rate} is below 2/λmax = ${bound}.` : `Going downhill: the loss fell from ${formatNumber(path[0][2])} to ${formatNumber(end[2])}.`;
    }
    if (!body.minimum) return;
    const [b, w, loss] = body.minimum;
    const gap = Math.hypot(end[0] - b, end[1] - w);
    this.minimum.textContent = `The marked minimum (b*, w*) = (${formatNumber(b, 3)}, ${formatNumber(w, 3)}), loss ${formatNumber(loss)}; the path ends ${formatNumber(gap, 3)} away from it.`;
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
