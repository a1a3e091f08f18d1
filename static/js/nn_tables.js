// The engine's tables as the page needs them to draw maps from weights: one row per
// input feature, hidden activation and output head, named as app/nn names them
// (features.py, activations.py, losses.py HEADS). A row added there gets its row here;
// tests/outputs/test_page_tables.py holds the two sides to the same names.

export const FEATURES = {
  x1: (x, y) => x,
  x2: (x, y) => y,
  x1_squared: (x, y) => x * x,
  x2_squared: (x, y) => y * y,
  x1_times_x2: (x, y) => x * y,
  sin_x1: (x, y) => Math.sin(x),
  sin_x2: (x, y) => Math.sin(y),
};

const GELU_C = Math.sqrt(2 / Math.PI);
const sigmoid = (z) => 0.5 * Math.tanh(0.5 * z) + 0.5;

// Each row takes the config's leaky_slope and gives f(z) for one number.
export const ACTIVATIONS = {
  linear: () => (z) => z,
  relu: () => (z) => (z > 0 ? z : 0),
  leaky_relu: (slope) => (z) => (z > 0 ? z : slope * z),
  tanh: () => Math.tanh,
  sigmoid: () => sigmoid,
  elu: () => (z) => (z > 0 ? z : Math.expm1(Math.min(z, 0))),
  softplus: () => (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  gelu: () => (z) => z / (1 + Math.exp(Math.min(-2 * GELU_C * (z + 0.044715 * z * z * z), 700))),
  swish: () => (z) => z * sigmoid(z),
  sine: () => Math.sin,
  step: () => (z) => (z > 0 ? 1 : 0),
};

// Each row squashes the scores in place: planes x n values, plane-major.
export const HEADS = {
  linear: () => {},
  sigmoid: (scores) => {
    for (let i = 0; i < scores.length; i++) scores[i] = sigmoid(scores[i]);
  },
  softmax: (scores, planes, n) => {
    for (let p = 0; p < n; p++) {
      let top = -Infinity;
      for (let k = 0; k < planes; k++) top = Math.max(top, scores[k * n + p]);
      let sum = 0;
      for (let k = 0; k < planes; k++) {
        const e = Math.exp(scores[k * n + p] - top);
        scores[k * n + p] = e;
        sum += e;
      }
      for (let k = 0; k < planes; k++) scores[k * n + p] /= sum;
    }
  },
};
