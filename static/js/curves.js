// Per-epoch curves in three panels with their own axes: loss, accuracy and the
// learning rate, side by side when there is room and stacked when not; a marker
// shows each drop of a stepwise rate (step decay, reduce on plateau). Points are
// appended as they arrive; past MAX_POINTS every other point is dropped, so a
// long run stays light while still spanning all of it. The validation lines show
// only once a record carries validation numbers (a run with a validation share).

import { plotTextSize } from "./helpers.js";

const MAX_POINTS = 1500;
const TRACES = [
  { key: "train_loss", name: "train", axis: "y", color: "#2c3035", dash: "solid" },
  { key: "test_loss", name: "test", axis: "y", color: "#6b7280", dash: "dash" },
  { key: "validation_loss", name: "validation", axis: "y", color: "#137333", dash: "dot" },
  { key: "train_accuracy", name: "train", axis: "y2", color: "#0877bd", dash: "solid" },
  { key: "test_accuracy", name: "test", axis: "y2", color: "#5b9cc8", dash: "dash" },
  { key: "validation_accuracy", name: "validation", axis: "y2", color: "#34a853", dash: "dot" },
  { key: "learning_rate", name: "rate", axis: "y3", color: "#c26a00", dash: "solid" },
];
const RATE = TRACES.findIndex((t) => t.key === "learning_rate");
const TITLES = ["loss", "accuracy", "learning rate"];
const STACK_BELOW = 420; // px of width under which the panels stack

export class Curves {
  constructor(element) {
    this.el = element;
    this.ready = false;
    this.x = [];
    this.series = TRACES.map(() => []);
    this.lastEpoch = -1;
    this.regression = false;
    this.validation = false;
    this.frozen = null; // the margins kept while a run plays
  }

  init(Plotly) {
    this.Plotly = Plotly;
    this.Plotly.newPlot(this.el, this.traces(), this.layout(), { displayModeBar: false, responsive: true });
    this.ready = true;
    this.stacked = this.isStacked();
    new ResizeObserver(() => this.resize()).observe(this.el);
  }

  // While a run plays the margins stay where automargin last put them: finding them again
  // measures every tick label, half of what each redraw costs. A pause lets them move again.
  setLive(live) {
    if (!this.ready || live === Boolean(this.frozen)) return;
    const size = this.el._fullLayout?._size;
    if (live && (!size || !this.x.length)) return; // the axes get their labels with the first points
    this.frozen = live ? { l: size.l, r: size.r, t: size.t, b: size.b } : null;
    this.Plotly.relayout(this.el, this.layout());
  }

  isStacked() {
    return this.el.clientWidth < STACK_BELOW;
  }

  resize() {
    if (!this.ready || !this.el.clientWidth) return;
    if (this.isStacked() !== this.stacked) {
      this.stacked = this.isStacked();
      this.Plotly.relayout(this.el, this.layout());
    } else {
      this.Plotly.Plots.resize(this.el);
    }
  }

  // One panel per quantity (accuracy leaves when the task is regression).
  layout() {
    const size = plotTextSize();
    const panels = this.regression ? [0, 2] : [0, 1, 2];
    const stacked = this.isStacked();
    const gap = stacked ? 0.12 : 0.1;
    const share = (1 - gap * (panels.length - 1)) / panels.length;
    const domain = (i) => [i * (share + gap), i * (share + gap) + share];
    const layout = {
      font: { size },
      // The legend has a row of its own above the panel titles, so that it never covers one.
      margin: this.frozen ?? { l: size * 3.6, r: size, t: size * 3.2, b: size * 2 },
      showlegend: true,
      legend: { orientation: "h", x: 1, xanchor: "right", yref: "container", y: 1, yanchor: "top", font: { size }, bgcolor: "rgba(0,0,0,0)" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fff",
      hovermode: "x unified",
      annotations: [],
    };
    panels.forEach((quantity, i) => {
      const suffix = quantity === 0 ? "" : String(quantity + 1);
      const where = stacked ? domain(panels.length - 1 - i) : domain(i);
      const empty = this.x.length === 0;
      layout[`xaxis${suffix}`] = {
        domain: stacked ? [0, 1] : where,
        anchor: `y${suffix}`,
        matches: quantity === 0 ? undefined : "x",
        showticklabels: !stacked || i === panels.length - 1,
        tickfont: { size },
        zeroline: false,
        automargin: !this.frozen,
        ticklabeloverflow: "allow",
      };
      layout[`yaxis${suffix}`] = {
        domain: stacked ? where : [0, 1],
        anchor: `x${suffix}`,
        tickfont: { size },
        showticklabels: !empty,
        zeroline: false,
        automargin: !this.frozen,
        ticklabeloverflow: "allow",
        nticks: 4,
        rangemode: "tozero",
        ...(quantity === 1 ? { range: [0, 1.02], tickformat: ".0%", autorange: false } : {}),
        ...(quantity === 2 ? { exponentformat: "e", tickformat: ".2~g" } : {}),
      };
      layout.annotations.push({
        text: TITLES[quantity],
        xref: `x${suffix} domain`,
        yref: `y${suffix} domain`,
        x: 0,
        y: 1,
        xanchor: "left",
        yanchor: "bottom",
        showarrow: false,
        font: { size, color: "#2c3035" },
      });
    });
    for (const hidden of [0, 1, 2].filter((q) => !panels.includes(q))) {
      layout[`xaxis${hidden + 1}`] = { visible: false };
      layout[`yaxis${hidden + 1}`] = { visible: false };
    }
    return layout;
  }

  traces() {
    const lines = TRACES.map((t, i) => ({
      x: this.x.slice(),
      y: this.series[i].slice(),
      name: t.name,
      xaxis: t.axis === "y" ? "x" : `x${t.axis.slice(1)}`,
      yaxis: t.axis,
      legendgroup: t.name,
      type: "scatter",
      mode: "lines",
      line: { color: t.color, dash: t.dash, width: 1.6 },
      visible: !(this.regression && t.axis === "y2") && (this.validation || t.name !== "validation"),
      showlegend: t.axis === "y" || (this.regression && t.axis === "y3"),
      hovertemplate: t.key === "learning_rate" ? "%{y:.3g}" : t.axis === "y2" ? "%{y:.1%}" : "%{y:.4f}",
    }));
    return [...lines, { ...this.drops(), name: "rate drop", xaxis: "x3", yaxis: "y3", type: "scatter", mode: "markers", showlegend: false, marker: { symbol: "triangle-down", size: 9, color: TRACES[RATE].color }, hovertemplate: "rate dropped to %{y:.3g}" }];
  }

  // Epochs where the rate fell and held before or after: steps, not a smooth decay.
  drops() {
    const rates = this.series[RATE];
    const held = (i) => rates[i - 1] === rates[i - 2] || rates[i + 1] === rates[i];
    const at = rates.flatMap((r, i) => (i > 0 && r < rates[i - 1] && held(i) ? [i] : []));
    return { x: at.map((i) => this.x[i]), y: at.map((i) => rates[i]) };
  }

  // Keep the records newer than the last one; returns them.
  push(records) {
    const fresh = records.filter((r) => r.epoch > this.lastEpoch);
    if (fresh.length) this.lastEpoch = fresh[fresh.length - 1].epoch;
    for (const r of fresh) {
      if (r.validation_loss !== null && r.validation_loss !== undefined) this.validation = true;
      this.x.push(r.epoch);
      TRACES.forEach((t, i) => this.series[i].push(r[t.key]));
    }
    while (this.x.length > MAX_POINTS) this.thin();
    return fresh;
  }

  // Records in epoch order; older or repeated epochs are ignored. best: the epoch for the dashed
  // line (see setBest), drawn in the same redraw as the points.
  append(records, best = this.best) {
    const before = this.x.length;
    const validation = this.validation;
    const fresh = this.push(records);
    if (!fresh.length || !this.ready) return this.setBest(best);
    if (best !== this.best) {
      this.best = best;
      this.el.layout.shapes = this.bestLine(); // each redraw below reads the layout afresh
    }
    if (this.x.length !== before + fresh.length || before === 0 || validation !== this.validation) {
      this.redraw(); // thinned, the first points (the axes get their labels), or validation lines to show
    } else {
      const xs = TRACES.map(() => fresh.map((r) => r.epoch));
      const ys = TRACES.map((t) => fresh.map((r) => r[t.key]));
      this.Plotly.extendTraces(this.el, { x: xs, y: ys }, TRACES.map((_, i) => i));
      const drops = this.drops();
      if (drops.x.length !== this.el.data[TRACES.length].x.length) this.Plotly.restyle(this.el, { x: [drops.x], y: [drops.y] }, [TRACES.length]);
    }
  }

  thin() {
    const keep = (_, i) => i % 2 === 1 || i === this.x.length - 1;
    this.x = this.x.filter(keep);
    this.series = this.series.map((s) => s.filter(keep));
  }

  // Replace everything (after a reset or a rebuild).
  reset(records = []) {
    this.x = [];
    this.series = TRACES.map(() => []);
    this.lastEpoch = -1;
    this.validation = false;
    this.push(records);
    this.redraw();
  }

  redraw() {
    if (this.ready) this.Plotly.react(this.el, this.traces(), { ...this.layout(), shapes: this.el.layout.shapes });
  }

  // Restore best: a dashed line at the best epoch (lowest validation loss, else test loss).
  setBest(epoch) {
    if (!this.ready || epoch === this.best) return;
    this.best = epoch;
    this.Plotly.relayout(this.el, { shapes: this.bestLine() });
  }

  bestLine() {
    const epoch = this.best;
    if (epoch === null || epoch === undefined) return [];
    return [{ type: "line", xref: "x", yref: "paper", x0: epoch, x1: epoch, y0: 0, y1: 1, line: { color: "#137333", width: 1, dash: "dash" } }];
  }

  // Regression has no accuracy: its panel then leaves, and the others share its room.
  setTask(task) {
    const regression = task === "regression";
    if (!this.ready || this.regression === regression) return;
    this.regression = regression;
    this.redraw();
  }

  get length() {
    return this.x.length;
  }
}
