// Colours: the TensorFlow Playground scheme (orange for negative or class 0,
// blue for positive or class 1) and a colour-blind safe one (Okabe and Ito).
// Maps turn into RGBA pixels here; drawing them is someone else's job.

import { mapValue } from "./frames.js";

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

// RGBA pixels (canvas order: first row at the top, y = +6) for a decoded output map, into out if
// given. task: "classification" or "regression"; classes: K; discretize: hard colours.
export function boundaryPixels(map, { task = "classification", discretize = false, palette = "classic" } = {}, out = null) {
  const r = map.resolution;
  const size = r * r;
  out ??= new Uint8ClampedArray(size * 4);
  if (map.planes === 1) {
    const bound = map.range ? Math.max(Math.abs(map.range[0]), Math.abs(map.range[1]), 1e-9) : 1;
    const value = (b) => (task === "regression" ? mapValue(b, map.range) / bound : 2 * (b / 255) - 1);
    return bytePixels(map.data, r, discretize ? (b) => (value(b) > 0 ? 1 : value(b) < 0 ? -1 : 0) : value, palette, out);
  }
  const colors = [];
  for (let k = 0; k < map.planes; k++) colors.push(rgb(classColor(k, palette)));
  for (let row = 0; row < r; row++) {
    const src = (r - 1 - row) * r; // flip: canvas row 0 is y = +6
    for (let col = 0; col < r; col++) {
      const cell = src + col;
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
      mix(out, (row * r + col) * 4, BACKGROUND, colors[best], confidence * STRENGTH);
    }
  }
  return out;
}

const COLOURS = new Uint8ClampedArray(256 * 4);

// RGBA pixels (into out if given) for R x R bytes, first row at y = -6, each standing for value(byte):
// the 256 colours are worked out once, then looked up.
export function bytePixels(bytes, r, value, palette = "classic", out = null) {
  const paint = diverging(palette);
  for (let b = 0; b < 256; b++) paint(COLOURS, b * 4, value(b));
  const colours = new Uint32Array(COLOURS.buffer);
  out ??= new Uint8ClampedArray(r * r * 4);
  const words = new Uint32Array(out.buffer, out.byteOffset, r * r);
  for (let row = 0; row < r; row++) {
    const src = (r - 1 - row) * r;
    for (let col = 0; col < r; col++) words[row * r + col] = colours[bytes[src + col]];
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

// A canvas's own pixels at this resolution: fill them, then paintCanvas(canvas) allocates nothing.
export function canvasPixels(canvas, resolution) {
  if (canvas.width !== resolution || canvas.image?.width !== resolution) {
    canvas.width = canvas.height = resolution;
    canvas.image = new ImageData(resolution, resolution);
  }
  return canvas.image.data;
}

// Draw RGBA pixels (or canvasPixels, filled) into a canvas at their own resolution (CSS scales it).
// Every map pixel is opaque, and an opaque canvas is cheaper to composite: without a GPU, the big
// view's every repaint costs the compositor about a tenth less (nothing under it is drawn, nor blended).
export function paintCanvas(canvas, pixels = null, resolution = canvas.width) {
  const own = canvasPixels(canvas, resolution);
  if (pixels) own.set(pixels);
  canvas.getContext("2d", { alpha: false }).putImageData(canvas.image, 0, 0);
}
