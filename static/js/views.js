// The views that can replace the network diagram: one tab each, one module each.
// A view has show() (build or refresh), hide(), and optionally onFrame(frame).

import { CodeView } from "./views/code.js";
import { CollapseView } from "./views/collapse.js";
import { CompareView } from "./views/compare.js";
import { GradcheckView } from "./views/gradcheck.js";
import { HealthView } from "./views/health.js";
import { LandscapeView } from "./views/landscape.js";
import { RewindView } from "./views/rewind.js";

const VIEWS = {
  landscape: LandscapeView,
  gradcheck: GradcheckView,
  health: HealthView,
  collapse: CollapseView,
  compare: CompareView,
  rewind: RewindView,
  code: CodeView,
};

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export class Views {
  constructor(app) {
    this.app = app;
    this.current = "network";
    this.views = {};
    document.querySelectorAll("[data-view]").forEach((button) => {
      button.addEventListener("click", () => this.select(button.dataset.view));
    });
  }

  get active() {
    return this.current === "network" ? null : this.views[this.current];
  }

  select(name) {
    if (!(name in VIEWS) && name !== "network") return;
    if (this.active) this.active.hide();
    this.current = name;
    document.querySelectorAll("[data-view]").forEach((b) => b.classList.toggle("selected", b.dataset.view === name));
    const body = $("view");
    const network = name === "network";
    $("network").hidden = !network;
    $("network-hint").hidden = !network;
    body.hidden = network;
    if (network) {
      this.app.network.layout();
      return;
    }
    if (!this.views[name]) {
      const node = document.createElement("div");
      node.dataset.testid = `view-${name}-body`;
      node.setAttribute("data-testid", `view-${name}-body`);
      this.views[name] = new VIEWS[name](this.app, node);
    }
    body.replaceChildren(this.views[name].root);
    this.views[name].show();
  }

  onFrame(frame) {
    for (const view of Object.values(this.views)) view.onFrame?.(frame);
  }
}
