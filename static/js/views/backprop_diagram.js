// The walk-through's network diagram: one box per unit with the numbers a step shows,
// one line per connection labelled with its weight, its dL/dw or its new weight.
// Drawn at a fixed scale, so a big network scrolls instead of shrinking out of sight.

import { edgeLabel, phase, unitLines } from "./backprop_steps.js";

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 100;
const LINE_H = 14;
const BOX_H = 5 * LINE_H + 8; // the unit's name, z, a, dL/da and dL/dz
const GAP_X = 100;
const LABEL_H = 14;
const GAP_Y = 14;
const PAD = 10;
const MAX_LABELLED = 40; // a layer with more connections than this shows its numbers on hover only
const INK = "#2c3035";
const ACCENT = "#0877bd";
const LINE = "#b9bec5";

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key === "testid" ? "data-testid" : key, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

// names: how units, layers and connections are called (see BackpropView.names).
// The left edge of column c, for scrolling the busy layer into sight.
export const columnLeft = (c) => PAD + c * (BOX_W + GAP_X);

export function drawDiagram(r, step, names) {
  const sizes = [r.inputs.length, ...r.layers.map((layer) => layer.z.length)];
  const tallest = Math.max(...sizes);
  const height = 2 * PAD + tallest * (BOX_H + GAP_Y) - GAP_Y;
  const width = 2 * PAD + sizes.length * BOX_W + (sizes.length - 1) * GAP_X;
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "The network for the chosen point, with the numbers of this step", testid: "backprop-diagram" });
  const at = (c, j) => ({ x: columnLeft(c), y: PAD + (height - 2 * PAD - sizes[c] * (BOX_H + GAP_Y) + GAP_Y) / 2 + j * (BOX_H + GAP_Y) });
  const current = phase(r, step);
  const edges = svg("g");
  const labels = svg("g");
  r.layers.forEach((layer, k) => {
    const busy = current.kind === "update" || current.layer === k;
    const labelled = busy && sizes[k] * sizes[k + 1] <= MAX_LABELLED;
    layer.weights.forEach((row, i) =>
      row.forEach((_, j) => {
        const from = at(k, i);
        const to = at(k + 1, j);
        const x1 = from.x + BOX_W;
        const y1 = from.y + BOX_H / 2;
        const x2 = to.x;
        const y2 = to.y + BOX_H / 2;
        const text = edgeLabel(r, step, k, i, j);
        const line = svg("line", { x1, y1, x2, y2, stroke: busy ? ACCENT : LINE, "stroke-width": busy ? 1.5 : 1 });
        line.append(svg("title", {}, `${names.edge(k, i, j)}${text ? `: ${text}` : ""}`));
        edges.append(line);
        if (!labelled || !text) return;
        const t = labelAt(sizes[k + 1]);
        labels.append(svg("text", { x: x1 + t * (x2 - x1) + 2, y: y1 + t * (y2 - y1) + 4, "font-size": 11, fill: INK, stroke: "#fff", "stroke-width": 3, "paint-order": "stroke", testid: `backprop-edge-${k}-${i}-${j}` }, text));
      }),
    );
  });
  root.append(edges, labels);
  sizes.forEach((n, c) => {
    for (let j = 0; j < n; j++) root.append(unitBox(r, step, c, j, at(c, j), names, current.layer === c - 1 && current.kind !== "update"));
  });
  return root;
}

// How far along its line an edge's number sits: near enough to its source that the numbers
// leaving one unit stay clear of those leaving the next, but apart from each other.
function labelAt(targets) {
  const spacing = BOX_H + GAP_Y;
  return Math.min(0.3, (spacing - LABEL_H) / (spacing + (targets - 1) * spacing));
}

function unitBox(r, step, c, j, { x, y }, names, busy) {
  const group = svg("g", { testid: `backprop-unit-${c}-${j}` });
  group.append(svg("rect", { x, y, width: BOX_W, height: BOX_H, rx: 6, fill: "#fff", stroke: busy ? ACCENT : LINE, "stroke-width": busy ? 2 : 1 }));
  const name = c === 0 ? names.feature(r.features[j]) : names.unit(c - 1, j);
  group.append(svg("text", { x: x + 5, y: y + LINE_H, "font-size": 11, "font-weight": 600, fill: INK }, name));
  unitLines(r, step, c, j).forEach((line, n) => group.append(svg("text", { x: x + 5, y: y + LINE_H * (n + 2), "font-size": 11, fill: INK }, line)));
  return group;
}
