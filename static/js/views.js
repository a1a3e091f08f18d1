// The views that can replace the network diagram: one tab each, one module each.
// A view is built as new View(context, root) and has show() (build or refresh), hide(),
// and optionally hooks the page calls on every view: onFrame(frame), follow() when the
// config changed, and onCommand(name, ...args) for play, pause, step and reset.
// Its context is the session id and the API client, plus the entries its row names.

import { $, el } from "./helpers.js";

// A view's module loads when its tab is first opened: the first page load stays small.
const VIEWS = {
  landscape: [() => import("./views/landscape.js").then((m) => m.LandscapeView), ["config"]],
  gradcheck: [() => import("./views/gradcheck.js").then((m) => m.GradcheckView), []],
  health: [() => import("./views/health.js").then((m) => m.HealthView), []],
  collapse: [() => import("./views/collapse.js").then((m) => m.CollapseView), ["config", "patch", "featureLabels", "options"]],
  compare: [() => import("./views/compare.js").then((m) => m.CompareView), ["config", "look", "options", "changes", "reset"]],
  rewind: [() => import("./views/rewind.js").then((m) => m.RewindView), ["pause", "checkpoints", "say", "error"]],
  backprop: [() => import("./views/backprop.js").then((m) => m.BackpropView), ["featureLabels", "ring"]],
  code: [() => import("./views/code.js").then((m) => m.CodeView), []],
};

export class Views {
  // context: {sessionId, api} and every entry a row above asks for; onNetwork() when the diagram is back.
  constructor(context, onNetwork) {
    this.context = context;
    this.onNetwork = onNetwork;
    this.current = "network";
    this.views = {};
    this.building = {};
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
    this.building[name] ??= this.make(name).then((view) => (this.views[name] = view));
    this.building[name].then((view) => {
      if (this.current !== name) return; // another tab was chosen while this one loaded
      body.replaceChildren(view.root);
      view.show();
    });
  }

  async make(name) {
    const [load, needs] = VIEWS[name];
    const View = await load();
    const { sessionId, api } = this.context;
    const context = { sessionId, api, ...Object.fromEntries(needs.map((key) => [key, this.context[key]])) };
    return new View(context, el("div", { testid: `view-${name}-body` }));
  }

  // Call hook(...args) on every view built so far that has it.
  broadcast(hook, ...args) {
    for (const view of Object.values(this.views)) view[hook]?.(...args);
  }
}
