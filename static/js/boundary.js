// The big view: the network's output (or a hovered unit's map) on a canvas over [-6, 6]^2,
// and a Plotly figure on top of it with the axes and the data points. The canvas draws
// before plotly.js has loaded, so a link shows its boundary at once.
// It only draws; clicks are reported as view coordinates.

import { bytePixels, canvasPixels, classColor, diverging, paintCanvas } from "./colors.js";
import { mapValue } from "./frames.js";
import { plotTextSize } from "./helpers.js";

const VIEW = 6;

export class BoundaryPlot {
  constructor(element, { onClick } = {}) {
    this.el = element;
    this.onClick = onClick;
    this.canvas = document.createElement("canvas");
    Object.assign(this.canvas.style, { position: "absolute", pointerEvents: "none" });
    this.el.style.position = "relative";
    this.el.prepend(this.canvas);
    this.painted = false;
    this.ready = false;
    new ResizeObserver(() => this.place()).observe(element);
  }

  // The picture the finished view shows, as a data URL: empty until the axes and points are up too.
  get source() {
    return this.ready && this.painted ? this.canvas.toDataURL() : "";
  }

  // Plotly's margins around the square plot area (as init lays them out).
  margins() {
    const size = plotTextSize();
    return { l: size * 2.4, r: size, t: size * 0.7, b: size * 2 };
  }

  // The canvas covers the plot area: Plotly's own once it has drawn, else where it will be.
  place() {
    const full = this.ready ? this.el._fullLayout : null;
    let box;
    if (full?.xaxis?._length) {
      box = [full.xaxis._offset, full.yaxis._offset, full.xaxis._length, full.yaxis._length];
    } else {
      const m = this.margins();
      const width = this.el.clientWidth - m.l - m.r;
      const height = this.el.clientHeight - m.t - m.b;
      const side = Math.max(0, Math.min(width, height));
      box = [m.l + (width - side) / 2, m.t + (height - side) / 2, side, side];
    }
    const [left, top, width, height] = box.map((v) => `${v}px`);
    Object.assign(this.canvas.style, { left, top, width, height });
  }

  init(Plotly) {
    this.Plotly = Plotly;
    const size = plotTextSize();
    const m = this.margins();
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
      margin: m,
      xaxis: { ...axis, constrain: "domain" },
      yaxis: { ...axis, scaleanchor: "x", scaleratio: 1, constrain: "domain" },
      showlegend: false,
      dragmode: false,
      hovermode: false,
      shapes: this.rings(),
      plot_bgcolor: "rgba(0,0,0,0)",
      paper_bgcolor: "rgba(0,0,0,0)",
    };
    const empty = { x: [], y: [], mode: "markers", type: "scatter", hoverinfo: "skip" };
    Plotly.newPlot(this.el, [empty, { ...empty }], layout, { displayModeBar: false, responsive: true });
    this.el.prepend(this.canvas); // Plotly put its figure first; the map goes back beneath it
    this.el.addEventListener("pointerdown", (event) => (this.pointer = event.pointerType), true);
    this.el.addEventListener("click", (event) => this.handleClick(event));
    this.el.on("plotly_afterplot", () => this.place());
    this.ready = true;
    this.place();
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

  // A decoded single-plane map of a hidden unit's activation (values in map.range).
  drawUnit(map, palette = "classic") {
    const scale = Math.max(1, Math.abs(map.range[0]), Math.abs(map.range[1]));
    bytePixels(map.data, map.resolution, (b) => mapValue(b, map.range) / scale, palette, canvasPixels(this.canvas, map.resolution));
    this.drawPixels();
  }

  // Pixels already made (an input feature's map, say), or none: canvasPixels(canvas) has been filled.
  drawPixels(pixels, resolution) {
    paintCanvas(this.canvas, pixels, resolution);
    this.painted = true;
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
}
