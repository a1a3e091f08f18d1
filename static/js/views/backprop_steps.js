// What each step of the backpropagation walk-through says, from one GET /backprop answer.
// Step 0 shows the inputs; steps 1..L go forward one layer each; steps L+1..2L go back
// from the output layer to the first; step 2L+1 is the update. Pure: no DOM here.

import { formatNumber } from "../helpers.js";

const LONGEST_SUM = 6; // sums with more terms than this are written Σ rather than spelled out
const SQUASH = { sigmoid: "sigmoid", softmax: "softmax", linear: "identity" };

export const fmt = (x) => formatNumber(x, 4);
const factor = (x) => (x < 0 ? `(${fmt(x)})` : fmt(x));

export function stepCount(r) {
  return 2 * r.layers.length + 2;
}

// Which layer a step is about, and in which phase.
export function phase(r, step) {
  const L = r.layers.length;
  if (step === 0) return { kind: "inputs", layer: -1 };
  if (step <= L) return { kind: "forward", layer: step - 1 };
  if (step <= 2 * L) return { kind: "backward", layer: 2 * L - step };
  return { kind: "update", layer: -1 };
}

export function title(r, step, names) {
  const p = phase(r, step);
  const of = `Step ${step} of ${stepCount(r) - 1}`;
  if (p.kind === "inputs") return `${of}: the point's inputs ${r.inputs.map(fmt).join(", ")}`;
  if (p.kind === "update") return `${of}: the update w ← w − lr × dL/dw, with lr = ${r.update.learning_rate}`;
  const which = names.layer(p.layer);
  return p.kind === "forward" ? `${of}: forward through ${which}` : `${of}: backward through ${which}`;
}

// Per unit, the lines its box shows at this step.
export function unitLines(r, step, c, j) {
  const L = r.layers.length;
  if (c === 0) return [`x = ${fmt(r.inputs[j])}`];
  const k = c - 1;
  const layer = r.layers[k];
  const lines = [];
  if (step >= c) {
    lines.push(`z = ${fmt(layer.z[j])}`);
    lines.push(k === L - 1 ? `${outputName(r)} = ${fmt(layer.a[j])}` : `a = ${fmt(layer.a[j])}`);
  }
  if (step >= 2 * L - k) {
    if (layer.dL_da !== null) lines.push(`dL/da = ${fmt(layer.dL_da[j])}`);
    lines.push(`dL/dz = ${fmt(layer.dL_dz[j])}`);
  }
  return lines;
}

// The number on the edge from unit i of column k to unit j of column k + 1, or null;
// edgeMeaning says what the numbers of a step are.
export function edgeLabel(r, step, k, i, j) {
  const p = phase(r, step);
  const layer = r.layers[k];
  if (p.kind === "update") return fmt(r.update.weights_after[k][i][j]);
  if (p.layer !== k) return null;
  return fmt(p.kind === "forward" ? layer.weights[i][j] : layer.dL_dW[i][j]);
}

export function edgeMeaning(r, step) {
  const kind = phase(r, step).kind;
  return { inputs: "", forward: "Connections: their weights w.", backward: "Connections: dL/dw.", update: "Connections: the new weights." }[kind];
}

function outputName(r) {
  return r.output_function === "linear" ? "ŷ" : "p";
}

function input(r, k) {
  return k === 0 ? r.inputs : r.layers[k - 1].a;
}

// The equations of a step: [{key, text}], each the product or sum the chain rule names.
export function equations(r, step, names) {
  const p = phase(r, step);
  if (p.kind === "inputs") {
    return r.features.map((f, i) => ({ key: `x-${i}`, text: `${names.feature(f)} = ${fmt(r.inputs[i])}` }));
  }
  if (p.kind === "forward") return forward(r, p.layer, names);
  if (p.kind === "backward") return backward(r, p.layer, names);
  return update(r, names);
}

function forward(r, k, names) {
  const layer = r.layers[k];
  const a = input(r, k);
  const last = k === r.layers.length - 1;
  const out = [];
  layer.z.forEach((z, j) => {
    const terms = a.length <= LONGEST_SUM ? a.map((v, i) => `${factor(v)} × ${factor(layer.weights[i][j])}`).join(" + ") : "Σ a × w";
    const unit = names.unit(k, j);
    out.push({ key: `z-${k}-${j}`, text: `${unit}: z = ${terms} + ${factor(layer.biases[j])} = ${fmt(z)}` });
    const f = last ? SQUASH[r.output_function] : r.activation;
    const name = last ? outputName(r) : "a";
    const applied = last && r.output_function === "softmax" ? `softmax(z)[${j}]` : `${f}(${fmt(z)})`;
    out.push({ key: `a-${k}-${j}`, text: `${unit}: ${name} = ${applied} = ${fmt(layer.a[j])}` });
  });
  if (last) {
    const target = r.target.map(fmt).join(", ");
    out.push({ key: "loss", text: `Loss (${r.loss_name}) of ${outputName(r)} against y = ${target}: L = ${fmt(r.loss)}` });
  }
  return out;
}

function backward(r, k, names) {
  const layer = r.layers[k];
  const out = [];
  layer.dL_dz.forEach((g, j) => {
    const unit = names.unit(k, j);
    if (layer.dL_da === null) {
      out.push({ key: `dz-${k}-${j}`, text: `${unit}: ${outputGradient(r, j, g)}` });
      return;
    }
    const above = r.layers[k + 1];
    const terms = above.dL_dz.length <= LONGEST_SUM ? above.dL_dz.map((d, m) => `${factor(above.weights[j][m])} × ${factor(d)}`).join(" + ") : "Σ w × dL/dz";
    out.push({ key: `da-${k}-${j}`, text: `${unit}: dL/da = Σ w × dL/dz above = ${terms} = ${fmt(layer.dL_da[j])}` });
    out.push({ key: `dz-${k}-${j}`, text: `${unit}: dL/dz = dL/da × f′(z) = ${factor(layer.dL_da[j])} × ${factor(layer.df_dz[j])} = ${fmt(g)}` });
  });
  const a = input(r, k);
  a.forEach((v, i) =>
    layer.dL_dz.forEach((g, j) => {
      const text = `${names.edge(k, i, j)}: dL/dw = a × dL/dz = ${factor(v)} × ${factor(g)} = ${fmt(layer.dL_dW[i][j])}`;
      out.push({ key: `dw-${k}-${i}-${j}`, text });
    }),
  );
  layer.dL_db.forEach((g, j) => out.push({ key: `db-${k}-${j}`, text: `${names.unit(k, j)}, bias: dL/db = dL/dz = ${fmt(g)}` }));
  return out;
}

function outputGradient(r, j, g) {
  const [p, y] = [fmt(r.layers[r.layers.length - 1].a[j]), factor(r.target[j])];
  if (r.loss_name === "cross_entropy") return `dL/dz = p − y = ${p} − ${y} = ${fmt(g)}`;
  if (r.loss_name === "mse" && r.output_function === "linear") return `dL/dz = 2 (ŷ − y) = 2 × (${p} − ${y}) = ${fmt(g)}`;
  return `${r.output_gradient}; here ${fmt(g)}`;
}

function update(r, names) {
  const lr = r.update.learning_rate;
  const out = [];
  r.layers.forEach((layer, k) => {
    layer.weights.forEach((row, i) =>
      row.forEach((w, j) => {
        const text = `${names.edge(k, i, j)}: w ← w − lr × dL/dw = ${fmt(w)} − ${lr} × ${factor(layer.dL_dW[i][j])} = ${fmt(r.update.weights_after[k][i][j])}`;
        out.push({ key: `w-${k}-${i}-${j}`, text });
      }),
    );
    layer.biases.forEach((b, j) => {
      const text = `${names.unit(k, j)}, bias: b ← b − lr × dL/db = ${fmt(b)} − ${lr} × ${factor(layer.dL_db[j])} = ${fmt(r.update.biases_after[k][j])}`;
      out.push({ key: `b-${k}-${j}`, text });
    });
  });
  return out;
}
