// The views that can replace the network diagram: one tab each, one module each.
// A view is built as new View(context, root) and has show() (build or refresh), hide(),
// and optionally hooks the page calls on every view: onFrame(frame), follow() when the
// config changed, and onCommand(name, ...args) for play, pause, step and reset.
// Its context is the session id and the API client, plus the entries its row names.

import { CodeView } from "./views/code.js";
import { CollapseView } from "./views/collapse.js";
import { CompareView } from "./views/compare.js";
import { GradcheckView } from "./views/gradcheck.js";
import { HealthView } from "./views/health.js";
import { LandscapeView } from "./views/landscape.js";
import { RewindView } from "./views/rewind.js";
import { $, el } from "./helpers.js";

const VIEWS = {
  landscape: [LandscapeView, []],
  gradcheck: [GradcheckView, []],
  health: [HealthView, []],
  collapse: [CollapseView, ["config", "patch", "featureLabels"]],
  compare: [CompareView, ["config", "look", "options", "changes"]],
  rewind: [RewindView, ["pause", "checkpoints", "say", "error"]],
  code: [CodeView, []],
};

export class Views {
  // context: {sessionId, api} and every entry a row above asks for; onNetwork() when the diagram is back.
  constructor(context, onNetwork) {
    this.context = context;
    this.onNetwork = onNetwork;
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
      this.onNetwork();
      return;
    }
    if (!this.views[name]) this.views[name] = this.make(name);
    body.replaceChildren(this.views[name].root);
    this.views[name].show();
  }

  make(name) {
    const [View, needs] = VIEWS[name];
    const { sessionId, api } = this.context;
    const context = { sessionId, api, ...Object.fromEntries(needs.map((key) => [key, this.context[key]])) };
    return new View(context, el("div", { testid: `view-${name}-body` }));
  }

  // Call hook(...args) on every view built so far that has it.
  broadcast(hook, ...args) {
    for (const view of Object.values(this.views)) view[hook]?.(...args);
  }
}
