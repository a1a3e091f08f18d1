// Per-epoch curves: loss on top, accuracy and learning rate below. Points are
// appended as they arrive; past MAX_POINTS every other point is dropped, so a
// long run stays light while still spanning all of it.

const MAX_POINTS = 1500;
const TRACES = [
  { key: "train_loss", name: "train loss", axis: "y", color: "#2c3035", dash: "solid" },
  { key: "test_loss", name: "test loss", axis: "y", color: "#9aa0a6", dash: "dash" },
  { key: "train_accuracy", name: "train acc", axis: "y2", color: "#0877bd", dash: "solid" },
  { key: "test_accuracy", name: "test acc", axis: "y2", color: "#7fb3d5", dash: "dash" },
  { key: "learning_rate", name: "rate", axis: "y3", color: "#f59322", dash: "dot" },
];

export class Curves {
  constructor(element) {
    this.el = element;
    this.ready = false;
    this.x = [];
    this.series = TRACES.map(() => []);
    this.lastEpoch = -1;
  }

  init(Plotly) {
    this.Plotly = Plotly;
    const layout = {
      margin: { l: 38, r: 36, t: 16, b: 18 },
      showlegend: true,
      legend: { orientation: "h", y: 1.0, yanchor: "bottom", x: 0, font: { size: 9 }, itemwidth: 20, tracegroupgap: 0 },
      xaxis: { title: { text: "" }, tickfont: { size: 10 }, anchor: "y2", zeroline: false },
      yaxis: { domain: [0.48, 1], tickfont: { size: 10 }, title: { text: "loss", font: { size: 10 } }, zeroline: false },
      yaxis2: { domain: [0, 0.4], range: [0, 1.02], tickfont: { size: 10 }, title: { text: "accuracy", font: { size: 10 } }, tickformat: ".0%" },
      yaxis3: {
        overlaying: "y2",
        side: "right",
        title: { text: "rate", font: { size: 10, color: "#f59322" } },
        tickfont: { size: 9, color: "#f59322" },
        showgrid: false,
        zeroline: false,
        rangemode: "tozero",
      },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fff",
      hovermode: "x unified",
    };
    this.Plotly.newPlot(this.el, this.traces(), layout, { displayModeBar: false, responsive: true });
    this.ready = true;
  }

  traces() {
    return TRACES.map((t, i) => ({
      x: this.x.slice(),
      y: this.series[i].slice(),
      name: t.name,
      yaxis: t.axis,
      type: "scatter",
      mode: "lines",
      line: { color: t.color, dash: t.dash, width: 1.6 },
      showlegend: t.axis !== "y3",
      hovertemplate: t.key === "learning_rate" ? "%{y:.3g}" : t.axis === "y2" ? "%{y:.1%}" : "%{y:.4f}",
    }));
  }

  // Keep the records newer than the last one; returns them.
  push(records) {
    const fresh = records.filter((r) => r.epoch > this.lastEpoch);
    if (fresh.length) this.lastEpoch = fresh[fresh.length - 1].epoch;
    for (const r of fresh) {
      this.x.push(r.epoch);
      TRACES.forEach((t, i) => this.series[i].push(r[t.key]));
    }
    while (this.x.length > MAX_POINTS) this.thin();
    return fresh;
  }

  // Records in epoch order; older or repeated epochs are ignored.
  append(records) {
    const before = this.x.length;
    const fresh = this.push(records);
    if (!fresh.length) return;
    if (this.x.length !== before + fresh.length) {
      this.redraw(); // thinned
    } else if (this.ready) {
      const xs = TRACES.map(() => fresh.map((r) => r.epoch));
      const ys = TRACES.map((t) => fresh.map((r) => r[t.key]));
      this.Plotly.extendTraces(this.el, { x: xs, y: ys }, TRACES.map((_, i) => i));
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
    this.push(records);
    this.redraw();
  }

  redraw() {
    if (this.ready) this.Plotly.react(this.el, this.traces(), this.el.layout);
  }

  // Early stopping: a dashed line at the epoch with the lowest test loss.
  setBest(epoch) {
    if (!this.ready || epoch === this.best) return;
    this.best = epoch;
    const shapes = epoch === null || epoch === undefined ? [] : [
      { type: "line", xref: "x", yref: "paper", x0: epoch, x1: epoch, y0: 0, y1: 1, line: { color: "#137333", width: 1, dash: "dash" } },
    ];
    this.Plotly.relayout(this.el, { shapes });
  }

  // Regression has no accuracy: its panel then shows only the learning rate.
  setTask(task) {
    const regression = task === "regression";
    if (!this.ready || this.regression === regression) return;
    this.regression = regression;
    this.Plotly.relayout(this.el, {
      "yaxis2.visible": !regression,
      "yaxis2.showgrid": !regression,
    });
    this.Plotly.restyle(this.el, { visible: !regression }, [2, 3]);
  }

  get length() {
    return this.x.length;
  }
}
