// The network diagram: input features, hidden units and outputs as small maps,
// connections as SVG curves whose width and colour show their weights (a weight
// that is exactly 0 shows no line, and a caption counts them). It only draws and
// reports hover and click; the app decides what they do.

import { bytePixels, canvasPixels, classColor, featurePixels, paintCanvas, weightStyle } from "./colors.js";
import { neuronValue, unitBytes } from "./frames.js";

const SVG = "http://www.w3.org/2000/svg";
const LINKS_PER_LAYER = 256; // bigger layers show their strongest connections
const FEATURE_RESOLUTION = 20;

export class NetworkDiagram {
  // labels: name -> label of each input feature, shown when hovered.
  constructor(element, handlers = {}, labels = {}) {
    this.el = element;
    this.handlers = handlers;
    this.labels = labels;
    this.palette = "classic";
    this.shape = null;
    this.weights = null;
    // Whether to count exact zeros even while there are none (L1 makes them).
    this.countZeros = false;
    this.zerosTestId = "zero-weights";
    new ResizeObserver(() => this.layout()).observe(element);
  }

  // features: names; hidden: units per layer; outputs: output units.
  build(features, hidden, outputs) {
    const shape = JSON.stringify([features, hidden, outputs]);
    if (shape === this.shape) return;
    this.shape = shape;
    this.features = features;
    this.hidden = hidden;
    this.columns = [features.length, ...hidden, outputs];
    this.el.replaceChildren();
    this.svg = document.createElementNS(SVG, "svg");
    this.zeros = document.createElement("p");
    this.zeros.className = "zero-weights";
    this.zeros.setAttribute("data-testid", this.zerosTestId);
    this.zeros.hidden = true;
    this.el.append(this.svg, this.zeros);
    this.nodes = this.columns.map((count, c) => Array.from({ length: count }, (_, u) => this.makeNode(c, u)));
    this.links = this.columns.slice(0, -1).map((fanIn, k) => {
      const count = Math.min(fanIn * this.columns[k + 1], LINKS_PER_LAYER);
      return Array.from({ length: count }, () => this.makeLink(k));
    });
    // A diagram that cannot change the network (the comparison run's) has no +/- buttons.
    this.controls = this.handlers.onUnits ? hidden.map((units, k) => this.makeLayerControls(k, units)) : [];
    this.weights = null;
    this.layout();
  }

  makeNode(column, unit) {
    const div = document.createElement("div");
    const last = this.columns.length - 1;
    const kind = column === 0 ? "input" : column === last ? "output" : "hidden";
    div.className = `node ${kind}`;
    div.dataset.kind = kind;
    div.dataset.column = column;
    div.dataset.unit = unit;
    const canvas = document.createElement("canvas");
    div.append(canvas);
    if (kind === "input") {
      const name = this.features[unit];
      div.title = this.labels[name] || name;
      div.dataset.feature = name;
    }
    div.tabIndex = 0;
    div.setAttribute("role", kind === "input" ? "img" : "button");
    div.setAttribute("aria-label", this.unitName(column, unit));
    for (const on of ["mouseenter", "focus"]) div.addEventListener(on, () => this.handlers.onHoverNode?.(this.describeNode(div)));
    for (const off of ["mouseleave", "blur"]) div.addEventListener(off, () => this.handlers.onLeaveNode?.());
    div.addEventListener("click", (event) => {
      const node = this.describeNode(div);
      if (node.kind !== "input") this.handlers.onClickBias?.(node, event);
    });
    pressable(div);
    this.el.append(div);
    return div;
  }

  // "input x1", "hidden layer 1, unit 3", "output 2": what a screen reader says for a unit.
  unitName(column, unit) {
    const last = this.columns.length - 1;
    if (column === 0) return `input ${this.labels[this.features[unit]] || this.features[unit]}`;
    if (column === last) return this.columns[last] > 1 ? `output for class ${unit}` : "output";
    return `hidden layer ${column}, unit ${unit + 1}`;
  }

  describeNode(div) {
    const column = Number(div.dataset.column);
    const unit = Number(div.dataset.unit);
    const kind = div.dataset.kind;
    const layer = column - 1; // weights layer that feeds this unit
    const bias = kind !== "input" && this.weights ? this.weights[layer].biases[unit] : null;
    return { kind, column, unit, layer, feature: div.dataset.feature, bias };
  }

  makeLink(layer) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("class", "link");
    path.dataset.layer = layer;
    path.addEventListener("mouseenter", (event) => this.handlers.onHoverLink?.(this.describeLink(path), event));
    path.addEventListener("mousemove", (event) => this.handlers.onHoverLink?.(this.describeLink(path), event));
    path.addEventListener("mouseleave", () => this.handlers.onLeaveLink?.());
    path.addEventListener("click", (event) => this.handlers.onClickLink?.(this.describeLink(path), event));
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.addEventListener("focus", () => this.handlers.onHoverLink?.(this.describeLink(path), pointAt(path)));
    path.addEventListener("blur", () => this.handlers.onLeaveLink?.());
    pressable(path);
    this.svg.append(path);
    return path;
  }

  describeLink(path) {
    const layer = Number(path.dataset.layer);
    const source = Number(path.dataset.source);
    const unit = Number(path.dataset.unit);
    const value = this.weights ? this.weights[layer].weights[source][unit] : null;
    const from = this.unitName(layer, source).replace(/^input /, "");
    return { layer, source, unit, value, label: `${this.unitName(layer + 1, unit)}, weight from ${from}` };
  }

  makeLayerControls(layer, units) {
    const div = document.createElement("div");
    div.className = "layer-controls";
    const less = document.createElement("button");
    less.type = "button";
    less.textContent = "−";
    less.title = "One unit fewer";
    less.setAttribute("data-testid", `remove-unit-${layer}`);
    less.addEventListener("click", () => this.handlers.onUnits?.(layer, -1));
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = "+";
    more.title = "One unit more";
    more.setAttribute("data-testid", `add-unit-${layer}`);
    more.addEventListener("click", () => this.handlers.onUnits?.(layer, +1));
    const label = document.createElement("span");
    label.textContent = `${units}`;
    div.append(less, label, more);
    this.el.append(div);
    return div;
  }

  layout() {
    if (!this.columns) return;
    const width = this.el.clientWidth;
    // The zero-weights caption, when shown, gets a line of its own under the units.
    const height = this.el.clientHeight - (this.zeros.hidden ? 0 : this.zeros.offsetHeight);
    const top = this.controls.length ? 26 : 6;
    const most = Math.max(...this.columns);
    const size = Math.max(6, Math.min(44, (height - top - 8) / (most * 1.3)));
    this.size = size;
    const margin = size / 2 + 6;
    const step = (width - 2 * margin) / Math.max(1, this.columns.length - 1);
    this.positions = this.columns.map((count, c) => {
      const x = margin + c * step;
      const gap = size * 1.3;
      const start = top + (height - top - gap * count) / 2 + gap / 2;
      return Array.from({ length: count }, (_, u) => [x, start + u * gap]);
    });
    this.nodes.forEach((column, c) =>
      column.forEach((div, u) => {
        const [x, y] = this.positions[c][u];
        Object.assign(div.style, { left: `${x}px`, top: `${y}px`, width: `${size}px`, height: `${size}px` });
      }),
    );
    this.controls.forEach((div, k) => {
      div.style.left = `${this.positions[k + 1][0][0]}px`;
      div.style.top = "0px";
    });
    this.paintInputs();
    if (this.weights) this.drawLinks();
  }

  paintInputs() {
    this.nodes[0].forEach((div, u) => {
      paintCanvas(div.firstChild, featurePixels(this.features[u], FEATURE_RESOLUTION, this.palette), FEATURE_RESOLUTION);
    });
  }

  setPalette(palette) {
    this.palette = palette;
    this.paintInputs();
    if (this.weights) this.drawLinks();
  }

  // weights: frame.weights.layers; neurons: decoded hidden maps; outputs: decoded output map;
  // links: false leaves the connections as they are.
  update(weights, neurons, output, links = true) {
    this.weights = weights;
    if (links) this.drawLinks();
    neurons.forEach((layer, k) => {
      const column = this.nodes[k + 1];
      if (!column || column.length !== layer.units) return;
      column.forEach((div, u) => {
        const [canvas, scale] = [div.firstChild, layer.scales[u]];
        bytePixels(unitBytes(layer, u), layer.resolution, (b) => neuronValue(b, scale), this.palette, canvasPixels(canvas, layer.resolution));
        paintCanvas(canvas);
      });
    });
    if (output) this.paintOutputs(output);
  }

  paintOutputs(output) {
    const column = this.nodes[this.nodes.length - 1];
    const r = output.resolution;
    if (output.planes === 1) {
      if (column[0].dataset.paint !== "output") column[0].dataset.paint = "output";
      this.handlers.paintOutput?.(column[0].firstChild);
      return;
    }
    column.forEach((div, k) => {
      classPixels(output, k, this.palette, canvasPixels(div.firstChild, r));
      paintCanvas(div.firstChild);
    });
  }

  drawLinks() {
    this.countZeroWeights();
    const half = this.size / 2;
    this.links.forEach((paths, k) => {
      const layer = this.weights[k];
      if (!layer) return;
      const fanIn = layer.weights.length;
      const fanOut = layer.weights[0].length;
      let pairs = [];
      for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) pairs.push([i, j, layer.weights[i][j]]);
      if (pairs.length > paths.length) {
        pairs.sort((a, b) => Math.abs(b[2]) - Math.abs(a[2]));
        pairs = pairs.slice(0, paths.length);
      }
      pairs.forEach(([i, j, w], n) => {
        const path = paths[n];
        const [x1, y1] = this.positions[k][i];
        const [x2, y2] = this.positions[k + 1][j];
        const mid = (x1 + x2) / 2;
        path.dataset.source = i;
        path.dataset.unit = j;
        const style = weightStyle(w, this.palette);
        update(path, "d", `M${x1 + half},${y1} C${mid},${y1} ${mid},${y2} ${x2 - half},${y2}`);
        // A zero weight draws no line, yet stays there to hover, focus and edit.
        update(path, "stroke", w === 0 ? "transparent" : style.color);
        update(path, "stroke-width", style.width.toFixed(2));
        update(path, "aria-label", `${this.unitName(k + 1, j)}, weight from ${this.unitName(k, i).replace(/^input /, "")}: ${w.toFixed(2)}`);
      });
    });
  }

  countZeroWeights() {
    const rows = this.weights.flatMap((layer) => layer.weights);
    const total = rows.reduce((n, row) => n + row.length, 0);
    const zeros = rows.reduce((n, row) => n + row.filter((w) => w === 0).length, 0);
    const hidden = !(this.countZeros || zeros > 0);
    this.zeros.textContent = `${zeros} of ${total} weights are exactly 0`;
    if (hidden === this.zeros.hidden) return;
    this.zeros.hidden = hidden;
    this.layout();
  }
}

// One class's probability from a K-plane output map: white at 0, the class's colour at 1.
export function classPixels(output, k, palette, pixels = null) {
  const r = output.resolution;
  pixels ??= new Uint8ClampedArray(r * r * 4);
  const colour = classColor(k, palette).match(/\w\w/g).map((h) => parseInt(h, 16));
  for (let row = 0; row < r; row++) {
    for (let col = 0; col < r; col++) {
      const p = output.data[k * r * r + (r - 1 - row) * r + col] / 255;
      const i = (row * r + col) * 4;
      pixels[i] = 255 + (colour[0] - 255) * p;
      pixels[i + 1] = 255 + (colour[1] - 255) * p;
      pixels[i + 2] = 255 + (colour[2] - 255) * p;
      pixels[i + 3] = 255;
    }
  }
  return pixels;
}

// Links are redrawn with every frame: an attribute written again, even unchanged, costs a repaint.
function update(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

// Where a focused element is, as the pointer event a hover or click would have carried.
function pointAt(element) {
  const box = element.getBoundingClientRect();
  return { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
}

// Enter or Space on a focused unit or connection does what a click does.
function pressable(element) {
  element.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    const { clientX, clientY } = pointAt(element);
    element.dispatchEvent(new MouseEvent("click", { clientX, clientY, bubbles: true }));
  });
}
