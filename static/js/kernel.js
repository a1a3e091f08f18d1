// The maps' layers in WebAssembly (static/wasm/forward.wat, four grid points at a time), for
// GridForward once a run plays: a repaint on every animation frame needs it, the first boundary
// does not, so this module and the .wasm are fetched only then.

// The activations the module applies itself, by its code; GridForward applies the others.
export const KERNEL_ACTIVATIONS = { linear: 0, relu: 1, leaky_relu: 2, tanh: 3, sigmoid: 4, step: 5 };

const align = (bytes) => Math.ceil(bytes / 16) * 16;

// A Kernel, or null where the browser cannot run the module (the JavaScript loops then go on).
export async function loadKernel(url) {
  try {
    const { instance } = await WebAssembly.instantiateStreaming(fetch(url));
    return new Kernel(instance.exports);
  } catch (err) {
    console.warn(`maps are drawn without WebAssembly: ${err.message}`);
    return null;
  }
}

export class Kernel {
  constructor({ dense, memory }) {
    Object.assign(this, { dense, memory });
    this.grid = null; // the feature grid the memory holds
  }

  // GridForward.layers for n grid points (a multiple of 4): grid holds the features over them
  // (feature-major) and f is the hidden activation. The module's memory holds the features, then
  // the params, then each layer's output; the arrays returned are views of it, reused by the next call.
  layers(network, params, grid, n, f) {
    const sizes = network.sizes;
    const paramsAt = align(grid.length * 4);
    let end = align(paramsAt + params.length * 4);
    const outputsAt = [];
    for (const units of sizes.slice(1)) {
      outputsAt.push(end);
      end += units * n * 4;
    }
    if (this.memory.buffer.byteLength < end) this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / 65536));
    const heap = this.memory.buffer;
    if (this.grid !== grid) {
      new Float32Array(heap, 0, grid.length).set(grid);
      this.grid = grid;
    }
    new Float32Array(heap, paramsAt, params.length).set(params);
    const code = KERNEL_ACTIVATIONS[network.activation];
    const out = [];
    let [a, offset] = [0, 0];
    for (let k = 0; k + 1 < sizes.length; k++) {
      const [fanIn, fanOut] = [sizes[k], sizes[k + 1]];
      const last = k + 2 === sizes.length;
      const weights = paramsAt + offset * 4;
      this.dense(a, fanIn, weights, weights + fanIn * fanOut * 4, outputsAt[k], fanOut, n, last ? 0 : (code ?? 0), network.leaky_slope ?? 0);
      const z = new Float32Array(heap, outputsAt[k], fanOut * n);
      if (!last && code === undefined) for (let p = 0; p < z.length; p++) z[p] = f(z[p]);
      offset += fanIn * fanOut + fanOut;
      out.push(z);
      a = outputsAt[k];
    }
    return out;
  }
}
