// Linear collapse: with the linear activation, the whole network is one x W + b.

import { el, formatNumber } from "../helpers.js";

export class CollapseView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.body = el("div", { testid: "collapse-result" });
    root.append(
      el("p", {}, "Without a nonlinearity, W₃(W₂(W₁x + b₁) + b₂) + b₃ multiplies out to one affine map x W + b. Below is that single W and b for the network now; its boundary is the network's, to rounding."),
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

  async refresh() {
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
        el("p", {}, `${c.layers} layers collapse to:`),
        el("table", { className: "matrix", testid: "collapse-matrix" }, el("thead", {}, head), el("tbody", {}, rows)),
        el("p", { className: "muted", testid: "collapse-difference" }, `Largest gap between the network and x W + b over the view: ${formatNumber(c.max_difference, 2)}.`),
      );
    } catch (err) {
      this.body.replaceChildren(el("p", { className: "bad" }, err.message));
    }
  }
}
