// Gradient check: backpropagation against central differences, layer by layer.

import { el, formatNumber } from "../helpers.js";

const GOOD = 1e-6;

export class GradcheckView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.result = el("div", { testid: "gradcheck-result" });
    root.append(
      el("p", {}, "Nudge each parameter θ by ε = 1e-5 both ways: (J(θ + ε) − J(θ − ε)) / 2ε should match backpropagation's derivative of the training loss (penalty included). Relative errors below 1e-6 mean they agree."),
      el("div", { className: "row" }, el("button", { type: "button", testid: "run-gradcheck", onclick: () => this.run() }, "Check gradients now")),
      this.result,
    );
  }

  show() {
    if (!this.result.childElementCount) this.run();
  }

  hide() {}

  async run() {
    this.result.replaceChildren(el("p", { className: "muted" }, "Checking…"));
    try {
      const check = await this.context.api.gradcheck(this.context.sessionId);
      this.result.replaceChildren(this.table(check), ...check.layers.map((layer) => this.details(layer)));
    } catch (err) {
      this.result.replaceChildren(el("p", { className: "bad" }, err.message));
    }
  }

  table(check) {
    const rows = check.layers.map((layer) =>
      el(
        "tr",
        {},
        el("td", {}, layer.layer === check.layers.length - 1 ? `layer ${layer.layer} (output)` : `layer ${layer.layer}`),
        el("td", {}, `${layer.checked} of ${layer.parameters}`),
        el("td", { className: layer.relative_error < GOOD ? "good" : "bad" }, formatNumber(layer.relative_error, 2)),
        el("td", {}, formatNumber(layer.max_row_error, 2)),
      ),
    );
    return el(
      "table",
      { testid: "gradcheck-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "checked"), el("th", {}, "relative error"), el("th", {}, "worst single"))),
      el("tbody", {}, rows),
    );
  }

  details(layer) {
    const rows = layer.rows.map((r) =>
      el("tr", {}, el("td", {}, r.name), el("td", {}, formatNumber(r.analytic, 6)), el("td", {}, formatNumber(r.numeric, 6)), el("td", { className: r.relative_error < GOOD ? "good" : "bad" }, formatNumber(r.relative_error, 2))),
    );
    return el(
      "details",
      {},
      el("summary", {}, `Layer ${layer.layer}: every checked parameter`),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "backprop"), el("th", {}, "finite diff."), el("th", {}, "rel. error"))), el("tbody", {}, rows)),
    );
  }
}
