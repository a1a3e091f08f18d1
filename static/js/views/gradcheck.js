// Gradient check: backpropagation against central differences, layer by layer.
// A parameter whose nudges cross a kink (ReLU's at 0, the hinge's, L1's) has no
// derivative to agree with: it is shown apart, with the reason, and left out of the verdict.

import { el, formatNumber } from "../helpers.js";

const GOOD = 1e-6;

const verdict = (error) => ({ className: error < GOOD ? "good" : "bad" });

export class GradcheckView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.result = el("div", { testid: "gradcheck-result" });
    root.append(
      el("p", {}, "Nudge each parameter θ by ε = 1e-5 both ways: (J(θ + ε) − J(θ − ε)) / 2ε should match backpropagation's derivative of the training loss (penalty included); relative errors below 1e-6 mean they agree. Nudges on both sides of a kink (ReLU's at 0, the hinge's, L1's at w = 0) average two slopes: those rows are marked apart and left out of the verdict."),
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
      this.result.replaceChildren(this.table(check), ...this.kinks(check), ...check.layers.map((layer) => this.details(layer)));
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
        el("td", { ...verdict(layer.relative_error), testid: `gradcheck-error-${layer.layer}` }, formatNumber(layer.relative_error, 2)),
        el("td", {}, formatNumber(layer.max_row_error, 2)),
        el("td", { className: layer.kinks ? "kink" : "", testid: `gradcheck-kinks-${layer.layer}` }, String(layer.kinks)),
      ),
    );
    return el(
      "table",
      { testid: "gradcheck-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "checked"), el("th", {}, "relative error"), el("th", {}, "worst single"), el("th", {}, "across a kink"))),
      el("tbody", {}, rows),
    );
  }

  // Every row across a kink, in view: they are the lesson, not a footnote.
  kinks(check) {
    const rows = check.layers.flatMap((layer) => layer.rows.filter((r) => r.kink).map((r) => this.row(r, `layer ${layer.layer} ${r.name}`)));
    if (!rows.length) return [];
    return [
      el("h3", {}, "Across a kink: left out of the verdict"),
      el("table", { testid: "gradcheck-kink-rows" }, this.head(), el("tbody", {}, rows)),
    ];
  }

  details(layer) {
    return el(
      "details",
      {},
      el("summary", {}, `Layer ${layer.layer}: every checked parameter`),
      el("table", {}, this.head(), el("tbody", {}, layer.rows.map((r) => this.row(r, r.name)))),
    );
  }

  head() {
    return el("thead", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "backprop"), el("th", {}, "finite diff."), el("th", {}, "rel. error"), el("th", {}, "note")));
  }

  row(r, name) {
    const error = el("td", r.kink ? {} : verdict(r.relative_error), formatNumber(r.relative_error, 2));
    return el("tr", { className: r.kink ? "kink" : "" }, el("td", {}, name), el("td", {}, formatNumber(r.analytic, 6)), el("td", {}, formatNumber(r.numeric, 6)), error, el("td", {}, r.kink || ""));
  }
}
