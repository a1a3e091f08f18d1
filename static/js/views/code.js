// Export as code: the trained model as a short runnable NumPy script or a PyTorch snippet.

import { el } from "../helpers.js";

export class CodeView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.pre = el("pre", { testid: "code-text" });
    this.download = el("a", { testid: "code-download", download: "model.py" }, "Download");
    root.append(
      el("p", {}, "The network as it is now, as a script that reproduces its predictions. It needs nothing but NumPy (or PyTorch)."),
      el(
        "div",
        { className: "row" },
        el("button", { type: "button", testid: "code-numpy", onclick: () => this.load("numpy") }, "NumPy script"),
        el("button", { type: "button", testid: "code-pytorch", onclick: () => this.load("pytorch") }, "PyTorch snippet"),
        this.download,
      ),
      this.pre,
    );
    this.kind = "numpy";
  }

  show() {
    this.load(this.kind);
  }

  hide() {}

  async load(kind) {
    this.kind = kind;
    try {
      this.pre.textContent = await this.context.api.code(this.context.sessionId, kind);
      this.download.href = `/api/sessions/${encodeURIComponent(this.context.sessionId)}/export/${kind}`;
      this.download.setAttribute("download", `model_${kind}.py`);
    } catch (err) {
      this.pre.textContent = err.message;
    }
  }
}
