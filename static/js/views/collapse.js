// Linear collapse: with the linear activation, the whole network is one x W + b.

import { el, formatNumber } from "../helpers.js";

export class CollapseView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.units = el("div", { className: "row", testid: "collapse-units" });
    this.body = el("div", { testid: "collapse-result" });
    root.append(
      el("p", {}, "Without a nonlinearity, W₃(W₂(W₁x + b₁) + b₂) + b₃ multiplies out to one affine map x W + b. Below is that single W and b for the network now; its boundary is the network's, to rounding."),
      this.units,
      this.body,
    );
  }

  show() {
    this.refresh();
  }

  hide() {}

  onFrame(frame) {
    if (this.root.isConnected && frame.version % 10 === 0) this.refresh();
  }

  follow() {
    if (this.root.isConnected) this.refresh();
  }

  // The diagram's unit buttons are hidden behind this view, so it offers its own per layer.
  showUnits() {
    const { hidden_layers: hidden } = this.context.config();
    // Rebuilt only when the layers change, so a button is never swapped out under a click.
    const key = JSON.stringify(hidden);
    if (key === this.shownUnits) return;
    this.shownUnits = key;
    const most = this.context.options.limits.max_units;
    const change = (layer, by) => () =>
      this.context.patch((config) => {
        const units = config.hidden_layers.slice();
        if (layer >= units.length) return null;
        units[layer] = Math.min(most, Math.max(1, units[layer] + by));
        return { hidden_layers: units };
      });
    this.units.replaceChildren(
      el("span", {}, hidden.length ? "Units per hidden layer:" : "No hidden layers: add one with + above."),
      ...hidden.map((units, k) =>
        el(
          "span",
          { className: "layer-units" },
          el("button", { type: "button", testid: `collapse-remove-unit-${k}`, title: `One unit fewer in layer ${k + 1}`, disabled: units <= 1, onclick: change(k, -1) }, "−"),
          el("output", { testid: `collapse-units-${k}` }, String(units)),
          el("button", { type: "button", testid: `collapse-add-unit-${k}`, title: `One unit more in layer ${k + 1}`, disabled: units >= most, onclick: change(k, +1) }, "+"),
        ),
      ),
    );
  }

  async refresh() {
    this.showUnits();
    const { activation } = this.context.config();
    if (activation !== "linear") {
      this.body.replaceChildren(
        el("p", { className: "muted" }, `The ${activation} activation bends the map, so there is nothing to collapse.`),
        el("button", { type: "button", testid: "make-linear", onclick: () => this.context.patch({ activation: "linear" }) }, "Switch to the linear activation"),
      );
      return;
    }
    try {
      const c = await this.context.api.collapsed(this.context.sessionId);
      const outputs = c.weights[0].length;
      const head = el("tr", {}, el("th", {}, ""), Array.from({ length: outputs }, (_, j) => el("th", {}, outputs === 1 ? "output" : `class ${j}`)));
      const rows = c.features.map((f, i) => el("tr", {}, el("td", {}, `W: ${this.context.featureLabels[f] || f}`), c.weights[i].map((w) => el("td", {}, formatNumber(w)))));
      rows.push(el("tr", {}, el("td", {}, "b"), c.biases.map((b) => el("td", {}, formatNumber(b)))));
      this.body.replaceChildren(
        el("p", { testid: "collapse-layers" }, `${c.layers} layers collapse to:`),
        el("table", { className: "matrix", testid: "collapse-matrix" }, el("thead", {}, head), el("tbody", {}, rows)),
        el("p", { className: "muted", testid: "collapse-difference" }, `Largest gap between the network and x W + b over the view: ${formatNumber(c.max_difference, 2)}.`),
      );
    } catch (err) {
      this.body.replaceChildren(el("p", { className: "bad" }, err.message));
    }
  }
}
