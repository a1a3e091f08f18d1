// Decoding what the server sends: base64 uint8 maps into typed arrays.

export function decodeBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// A map over the view: planes x R x R bytes, plane-major, row-major, first row at y = -6.
export function decodeMap(map) {
  const data = decodeBase64(map.data);
  const expected = map.planes * map.resolution * map.resolution;
  if (data.length !== expected) {
    throw new Error(`map holds ${data.length} bytes, expected ${expected}`);
  }
  return { resolution: map.resolution, planes: map.planes, data, range: map.range || null };
}

// Hidden-unit maps: per layer, units x R x R bytes; byte b stands for (b / 127.5 - 1) * scale.
export function decodeNeurons(neurons) {
  const r = neurons.resolution;
  return neurons.layers.map((layer) => {
    const data = decodeBase64(layer.data);
    return { units: layer.units, scales: layer.scales, resolution: r, data };
  });
}

export function unitBytes(layer, unit) {
  const size = layer.resolution * layer.resolution;
  return layer.data.subarray(unit * size, (unit + 1) * size);
}

export function neuronValue(byte, scale) {
  return (byte / 127.5 - 1) * scale;
}

// The value a boundary byte stands for: a probability, or a regression value within range.
export function mapValue(byte, range) {
  if (!range) return byte / 255;
  return range[0] + (byte / 255) * (range[1] - range[0]);
}

// A lean frame: one binary message. A little-endian uint32 H, H bytes of JSON header, zero
// bytes up to a multiple of 4, then float32 parameters: per layer its weights (fan_in rows of
// fan_out) and its biases. The result is the header with `params` and `weights` (the rounded
// nested view JSON frames carry) added.
export function decodeLeanFrame(buffer) {
  const length = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  const start = (4 + length + 3) & ~3;
  const sizes = header.network.sizes;
  const expected = parameterCount(sizes);
  if (buffer.byteLength - start !== expected * 4) {
    throw new Error(`a lean frame holds ${buffer.byteLength - start} bytes of parameters, expected ${expected * 4}`);
  }
  const params = new Float32Array(buffer, start, expected);
  return { ...header, params, weights: weightsView(sizes, params) };
}

function parameterCount(sizes) {
  let count = 0;
  for (let k = 0; k + 1 < sizes.length; k++) count += (sizes[k] + 1) * sizes[k + 1];
  return count;
}

const round4 = (v) => Math.round(v * 1e4) / 1e4;
// A weight too small to round keeps its value, as in JSON frames: the page counts exact zeros.
const drawn = (v) => round4(v) || v;

// {layers: [{weights, biases}]} as JSON frames carry it, rounded to 4 decimals as they are.
export function weightsView(sizes, params) {
  const layers = [];
  let offset = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    const [fanIn, fanOut] = [sizes[k], sizes[k + 1]];
    const weights = [];
    for (let i = 0; i < fanIn; i++) weights.push(Array.from(params.subarray(offset + i * fanOut, offset + (i + 1) * fanOut), drawn));
    offset += fanIn * fanOut;
    layers.push({ weights, biases: Array.from(params.subarray(offset, offset + fanOut), round4) });
    offset += fanOut;
  }
  return { layers };
}

// A JSON frame's network and parameters, in a lean frame's terms: what the maps are drawn from.
export function leanNetwork(config, layers) {
  const sizes = [layers[0].weights.length, ...layers.map((layer) => layer.biases.length)];
  const params = new Float32Array(parameterCount(sizes));
  let offset = 0;
  for (const layer of layers) {
    for (const row of layer.weights) {
      params.set(row, offset);
      offset += row.length;
    }
    params.set(layer.biases, offset);
    offset += layer.biases.length;
  }
  const classes = config.dataset.classes;
  const output = classes === null || classes === undefined ? "linear" : classes === 2 ? "sigmoid" : "softmax";
  return { network: { features: config.features, activation: config.activation, leaky_slope: config.leaky_slope, sizes, output }, params };
}
