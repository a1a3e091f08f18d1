// The big view: a Plotly figure over [-6, 6]^2 whose background image is the
// network's output (or a hovered unit's map), with the data points on top.
// It only draws; clicks are reported as view coordinates.

import { boundaryPixels, classColor, diverging, paintCanvas, rgb } from "./colors.js";
import { mapValue } from "./frames.js";
import { plotTextSize } from "./helpers.js";

const VIEW = 6;

export class BoundaryPlot {
  constructor(element, { onClick } = {}) {
    this.el = element;
    this.onClick = onClick;
    this.canvas = document.createElement("canvas");
    this.ready = false;
    this.source = "";
  }

  init(Plotly) {
    this.Plotly = Plotly;
    const size = plotTextSize();
    const axis = {
      range: [-VIEW, VIEW],
      fixedrange: true,
      zeroline: false,
      showgrid: false,
      tickvals: [-6, -3, 0, 3, 6],
      ticks: "outside",
      ticklen: 3,
      tickfont: { size, color: "#5f6670" },
      linecolor: "#c4c8cd",
      mirror: true,
    };
    const layout = {
      margin: { l: size * 2.4, r: size, t: size * 0.7, b: size * 2 },
      xaxis: { ...axis, constrain: "domain" },
      yaxis: { ...axis, scaleanchor: "x", scaleratio: 1, constrain: "domain" },
      images: [{ source: "", xref: "x", yref: "y", x: -VIEW, y: VIEW, sizex: 2 * VIEW, sizey: 2 * VIEW, sizing: "stretch", layer: "below" }],
      showlegend: false,
      dragmode: false,
      hovermode: false,
      shapes: this.rings(),
      plot_bgcolor: "#e8eaeb",
      paper_bgcolor: "rgba(0,0,0,0)",
    };
    const empty = { x: [], y: [], mode: "markers", type: "scatter", hoverinfo: "skip" };
    Plotly.newPlot(this.el, [empty, { ...empty }], layout, { displayModeBar: false, responsive: true });
    this.el.addEventListener("pointerdown", (event) => (this.pointer = event.pointerType), true);
    this.el.addEventListener("click", (event) => this.handleClick(event));
    this.ready = true;
  }

  handleClick(event) {
    if (!this.ready || !this.onClick) return;
    // Plotly re-emits a tap as clicks of its own: one tap, one point.
    const last = this.lastClick;
    if (last && event.timeStamp - last.time < 300 && event.clientX === last.x && event.clientY === last.y) return;
    this.lastClick = { time: event.timeStamp, x: event.clientX, y: event.clientY };
    const full = this.el._fullLayout;
    const rect = this.el.getBoundingClientRect();
    const px = event.clientX - rect.left - full.xaxis._offset;
    const py = event.clientY - rect.top - full.yaxis._offset;
    const x = -VIEW + (2 * VIEW * px) / full.xaxis._length;
    const y = VIEW - (2 * VIEW * py) / full.yaxis._length;
    if (Math.abs(x) <= VIEW && Math.abs(y) <= VIEW) this.onClick(x, y, this.pointer === "touch");
  }

  // data: {train: {points, labels}, test: {...}, validation: {...}, task}; labels are classes or values.
  setPoints(data, { palette = "classic", showTest = true } = {}) {
    if (!this.ready) return;
    const regression = data.task === "regression";
    const held = data.validation || { points: [], labels: [] };
    const bound = regression ? Math.max(1e-9, ...[...data.train.labels, ...data.test.labels, ...held.labels].map(Math.abs)) : 1;
    const paint = diverging(palette, 1);
    const px = new Uint8ClampedArray(4);
    const colour = (label) => {
      if (!regression) return classColor(label, palette);
      paint(px, 0, label / bound);
      return `rgb(${px[0]},${px[1]},${px[2]})`;
    };
    const trace = (set, outline, visible = true) => ({
      x: set.points.map((p) => p[0]),
      y: set.points.map((p) => p[1]),
      mode: "markers",
      type: "scatter",
      hoverinfo: "skip",
      visible,
      marker: {
        size: 7,
        color: set.labels.map(colour),
        line: { width: 1, color: outline },
      },
    });
    // Validation points are training points held out: outlined in green, shown like the training set.
    const traces = [trace(data.train, "#fff"), trace(data.test, "#222", showTest), trace(held, "#137333")];
    this.Plotly.react(this.el, traces, this.el.layout);
  }

  // A decoded output map, coloured for its task.
  drawOutput(map, options) {
    paintCanvas(this.canvas, boundaryPixels(map, options), map.resolution);
    this.show();
  }

  // A decoded single-plane map of a hidden unit's activation (values in map.range).
  drawUnit(map, palette = "classic") {
    const r = map.resolution;
    const paint = diverging(palette);
    const scale = Math.max(1, Math.abs(map.range[0]), Math.abs(map.range[1]));
    const pixels = new Uint8ClampedArray(r * r * 4);
    for (let row = 0; row < r; row++) {
      for (let col = 0; col < r; col++) {
        paint(pixels, (row * r + col) * 4, mapValue(map.data[(r - 1 - row) * r + col], map.range) / scale);
      }
    }
    paintCanvas(this.canvas, pixels, r);
    this.show();
  }

  // Pixels already made (an input feature's map, say).
  drawPixels(pixels, resolution) {
    paintCanvas(this.canvas, pixels, resolution);
    this.show();
  }

  // A ring around one point (the one a view is talking about), or none; kept until the plot is up.
  ring(point) {
    this.ringed = point;
    if (this.ready) this.Plotly.relayout(this.el, { shapes: this.rings() });
  }

  rings() {
    const [p, r] = [this.ringed, 0.35];
    return p ? [{ type: "circle", xref: "x", yref: "y", x0: p[0] - r, x1: p[0] + r, y0: p[1] - r, y1: p[1] + r, line: { color: "#2c3035", width: 2.5 } }] : [];
  }

  show() {
    if (!this.ready) return;
    this.source = this.canvas.toDataURL();
    this.Plotly.relayout(this.el, { "images[0].source": this.source });
  }
}

export { rgb };
