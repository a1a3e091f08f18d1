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
