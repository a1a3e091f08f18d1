// Colours: the TensorFlow Playground scheme (orange for negative or class 0,
// blue for positive or class 1) and a colour-blind safe one (Okabe and Ito).
// Maps turn into RGBA pixels here; drawing them is someone else's job.

import { mapValue, neuronValue } from "./frames.js";

export const PALETTES = {
  classic: ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b"],
  safe: ["#e69f00", "#0072b2", "#009e73", "#cc79a7", "#d55e00", "#56b4e9"],
};
const BACKGROUND = [232, 234, 235];
const STRENGTH = 0.8; // how far a confident region moves from the background to its colour

export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function classColor(k, palette = "classic") {
  const colors = PALETTES[palette] || PALETTES.classic;
  return colors[k % colors.length];
}

function mix(out, i, from, to, t) {
  out[i] = from[0] + (to[0] - from[0]) * t;
  out[i + 1] = from[1] + (to[1] - from[1]) * t;
  out[i + 2] = from[2] + (to[2] - from[2]) * t;
  out[i + 3] = 255;
}

// t in [-1, 1] to a colour between the negative and positive colours through the background.
export function diverging(palette = "classic", strength = STRENGTH) {
  const neg = rgb(classColor(0, palette));
  const pos = rgb(classColor(1, palette));
  return (out, i, t) => {
    const c = Math.max(-1, Math.min(1, t));
    mix(out, i, BACKGROUND, c < 0 ? neg : pos, Math.abs(c) * strength);
  };
}

// RGBA pixels (canvas order: first row at the top, y = +6) for a decoded output map.
// task: "classification" or "regression"; classes: K; discretize: hard colours.
export function boundaryPixels(map, { task = "classification", discretize = false, palette = "classic" } = {}) {
  const r = map.resolution;
  const size = r * r;
  const out = new Uint8ClampedArray(size * 4);
  const paint = diverging(palette);
  const bound = map.range ? Math.max(Math.abs(map.range[0]), Math.abs(map.range[1]), 1e-9) : 1;
  const colors = [];
  for (let k = 0; k < map.planes; k++) colors.push(rgb(classColor(k, palette)));
  for (let row = 0; row < r; row++) {
    const src = (r - 1 - row) * r; // flip: canvas row 0 is y = +6
    for (let col = 0; col < r; col++) {
      const cell = src + col;
      const i = (row * r + col) * 4;
      if (map.planes === 1) {
        let t;
        if (task === "regression") t = mapValue(map.data[cell], map.range) / bound;
        else t = 2 * (map.data[cell] / 255) - 1;
        if (discretize) t = t > 0 ? 1 : t < 0 ? -1 : 0;
        paint(out, i, t);
      } else {
        let best = 0;
        let top = -1;
        for (let k = 0; k < map.planes; k++) {
          const p = map.data[k * size + cell];
          if (p > top) {
            top = p;
            best = k;
          }
        }
        const floor = 1 / map.planes;
        const confidence = discretize ? 1 : Math.max(0, (top / 255 - floor) / (1 - floor));
        mix(out, i, BACKGROUND, colors[best], confidence * STRENGTH);
      }
    }
  }
  return out;
}

// RGBA pixels for one hidden unit's bytes (values clipped to [-1, 1], as TensorFlow Playground shows them).
export function unitPixels(bytes, resolution, scale, palette = "classic") {
  const out = new Uint8ClampedArray(resolution * resolution * 4);
  const paint = diverging(palette);
  for (let row = 0; row < resolution; row++) {
    const src = (resolution - 1 - row) * resolution;
    for (let col = 0; col < resolution; col++) {
      paint(out, (row * resolution + col) * 4, neuronValue(bytes[src + col], scale));
    }
  }
  return out;
}

// Input features over the view, scaled to [-1, 1] for colouring.
const FEATURES = {
  x1: (x, y) => x / 6,
  x2: (x, y) => y / 6,
  x1_squared: (x, y) => (x * x) / 18 - 1,
  x2_squared: (x, y) => (y * y) / 18 - 1,
  x1_times_x2: (x, y) => (x * y) / 36,
  sin_x1: (x, y) => Math.sin(x),
  sin_x2: (x, y) => Math.sin(y),
};

export function featurePixels(name, resolution, palette = "classic") {
  const f = FEATURES[name];
  const out = new Uint8ClampedArray(resolution * resolution * 4);
  const paint = diverging(palette);
  for (let row = 0; row < resolution; row++) {
    const y = 6 - (12 * row) / (resolution - 1);
    for (let col = 0; col < resolution; col++) {
      const x = -6 + (12 * col) / (resolution - 1);
      paint(out, (row * resolution + col) * 4, f(x, y));
    }
  }
  return out;
}

// A weight's colour and line width, as TensorFlow Playground draws them.
export function weightStyle(w, palette = "classic") {
  const t = Math.max(-1, Math.min(1, w));
  const c = rgb(classColor(t < 0 ? 0 : 1, palette));
  const fade = 0.25 + 0.75 * Math.abs(t);
  return { color: `rgba(${c[0]},${c[1]},${c[2]},${fade.toFixed(3)})`, width: Math.min(8, 0.5 + Math.abs(w) * 2.5) };
}

// Draw RGBA pixels into a canvas at their own resolution (CSS scales it).
export function paintCanvas(canvas, pixels, resolution) {
  if (canvas.width !== resolution) {
    canvas.width = resolution;
    canvas.height = resolution;
  }
  canvas.getContext("2d").putImageData(new ImageData(pixels, resolution, resolution), 0, 0);
}
