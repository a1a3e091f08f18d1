// The maps drawn from the weights, as app/outputs/maps.py makes them: the network run over
// an R x R grid of the view [-6, 6]^2 (row-major, first row at y = -6), in float32, giving
// the output map as bytes and each hidden unit's map on a coarser grid.

import { ACTIVATIONS, FEATURES, HEADS } from "./nn_tables.js";

const VIEW = 6;
// Values saturate here, as on the server: a huge weight makes a flat map, never NaN.
const SATURATION = 1e30;

// Grid coordinates as numpy.linspace(-6, 6, r) gives them.
function axis(r) {
  const step = (2 * VIEW) / (r - 1);
  return Array.from({ length: r }, (_, i) => (i === r - 1 ? VIEW : -VIEW + i * step));
}

// Indices of a coarse grid's points in a fine grid of the same view: the nearest rows and columns.
function sample(fine, coarse) {
  const pick = Array.from({ length: coarse }, (_, i) => Math.round((i * (fine - 1)) / (coarse - 1)));
  const out = new Int32Array(coarse * coarse);
  for (let row = 0; row < coarse; row++) for (let col = 0; col < coarse; col++) out[row * coarse + col] = pick[row] * fine + pick[col];
  return out;
}

const toByte = (unit) => Math.round(Math.min(255, Math.max(0, unit * 255)));

export class GridForward {
  constructor(resolution = 100, unitResolution = 25) {
    this.resolution = resolution;
    this.unitResolution = unitResolution;
    this.index = sample(resolution, unitResolution);
    this.grids = new Map(); // feature names -> their values over the grid, feature-major
    this.buffers = {};
    this.kernel = null; // kernel.js's Kernel, once a run plays
  }

  useKernel(kernel) {
    this.kernel = kernel;
  }

  featureGrid(names) {
    const key = names.join(",");
    let grid = this.grids.get(key);
    if (grid) return grid;
    const r = this.resolution;
    const n = r * r;
    const coords = axis(r);
    grid = new Float32Array(names.length * n);
    names.forEach((name, j) => {
      const f = FEATURES[name];
      if (!f) throw new Error(`the page cannot draw the feature ${name}`);
      for (let row = 0; row < r; row++) for (let col = 0; col < r; col++) grid[j * n + row * r + col] = f(coords[col], coords[row]);
    });
    this.grids.set(key, grid);
    return grid;
  }

  buffer(key, size, Type = Float32Array) {
    const old = this.buffers[key];
    return old instanceof Type && old.length === size ? old : (this.buffers[key] = new Type(size));
  }

  // Every layer's output over the grid, (units x R*R) each: hidden activations, then the raw
  // scores. network: {features, activation, leaky_slope, sizes}; params: each layer's weights
  // (fan_in x fan_out, row-major) then its biases. The arrays are reused by the next call.
  layers(network, params) {
    const row = ACTIVATIONS[network.activation];
    if (!row) throw new Error(`the page cannot draw the activation ${network.activation}`);
    const f = row(network.leaky_slope);
    const n = this.resolution * this.resolution;
    if (this.kernel && n % 4 === 0) return this.kernel.layers(network, params, this.featureGrid(network.features), n, f);
    const sizes = network.sizes;
    let a = this.featureGrid(network.features);
    let offset = 0;
    const out = [];
    for (let k = 0; k + 1 < sizes.length; k++) {
      const [fanIn, fanOut] = [sizes[k], sizes[k + 1]];
      const biases = fanIn * fanOut;
      const z = this.buffer(k, fanOut * n);
      const last = k + 2 === sizes.length;
      for (let j = 0; j < fanOut; j++) {
        const zj = z.subarray(j * n, (j + 1) * n);
        zj.fill(params[offset + biases + j]);
        for (let i = 0; i < fanIn; i++) {
          const w = params[offset + i * fanOut + j];
          const ai = a.subarray(i * n, (i + 1) * n);
          for (let p = 0; p < n; p++) zj[p] += w * ai[p];
        }
        for (let p = 0; p < n; p++) {
          const v = zj[p];
          const clipped = v > SATURATION ? SATURATION : v >= -SATURATION ? v : -SATURATION; // NaN goes low, as on the server
          zj[p] = last ? clipped : f(clipped);
        }
      }
      offset += biases + fanOut;
      out.push(z);
      a = z;
    }
    return out;
  }

  // {output, neurons}: the output map as GET /boundary?format=uint8 gives it once decoded
  // ({resolution, planes, data, range}), and per hidden layer {units, scales, resolution, data}
  // where a byte b stands for (b / 127.5 - 1) * scale, as the frames' neuron maps do. The next
  // call reuses their arrays.
  maps(network, params) {
    const layers = this.layers(network, params);
    this.latest = layers.slice(0, -1);
    const neurons = this.latest.map((a, k) => this.unitMaps(a, k));
    return { output: this.outputMap(network.output, layers[layers.length - 1]), neurons };
  }

  outputMap(head, scores) {
    const r = this.resolution;
    const n = r * r;
    const planes = scores.length / n;
    HEADS[head](scores, planes, n);
    const data = this.buffer("output", scores.length, Uint8Array);
    if (head !== "linear") {
      for (let i = 0; i < scores.length; i++) data[i] = toByte(scores[i]);
      return { resolution: r, planes, data, range: null };
    }
    return spanned(scores, r, planes, data);
  }

  // One hidden unit of the latest maps() over the whole grid, as GET /boundary?layer&unit gives it; null before any.
  unitMap(layer, unit) {
    const n = this.resolution * this.resolution;
    const values = this.latest?.[layer]?.subarray(unit * n, (unit + 1) * n);
    return values?.length === n ? spanned(values, this.resolution, 1) : null;
  }

  unitMaps(a, k) {
    const n = this.resolution * this.resolution;
    const units = a.length / n;
    const index = this.index;
    const size = index.length;
    const data = this.buffer(`units ${k}`, units * size, Uint8Array);
    const scales = [];
    for (let u = 0; u < units; u++) {
      const base = u * n;
      let scale = 1;
      for (let p = 0; p < size; p++) scale = Math.max(scale, Math.abs(a[base + index[p]]));
      for (let p = 0; p < size; p++) data[u * size + p] = toByte((a[base + index[p]] / scale + 1) * 0.5);
      scales.push(scale);
    }
    return { units, scales, resolution: this.unitResolution, data };
  }
}

// Values as bytes over their own [min, max] (rounded to 6 decimals, as the server sends it): regression and unit maps.
function spanned(values, resolution, planes, data = new Uint8Array(values.length)) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = [round6(lo), round6(hi)];
  const width = range[1] > range[0] ? range[1] - range[0] : 1;
  for (let i = 0; i < values.length; i++) data[i] = toByte((values[i] - range[0]) / width);
  return { resolution, planes, data, range };
}

function round6(v) {
  return Math.round(v * 1e6) / 1e6;
}
