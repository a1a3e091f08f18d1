// What the page shows of the run: the newest frame drawn once per animation frame
// (boundary, diagram, readouts), every history point on the curves, a hovered unit's
// map in the big view, and a checkpoint while the user scrubs back in time. The maps are
// computed here from the frame's weights.

import { api } from "./api.js";
import { boundaryPixels, featurePixels, paintCanvas } from "./colors.js";
import { GridForward } from "./forward.js";
import { decodeMap, decodeNeurons, leanNetwork } from "./frames.js";
import { $, formatNumber, formatPercent, setText } from "./helpers.js";
import { classPixels } from "./network.js";

// A Plotly chart redraw costs several map repaints, and a curve reads fine updated once a second,
// or less often when a redraw takes longer than CURVES_SHARE of the time (but never staler
// than CURVES_AT_MOST: one slow redraw on a busy machine must not hold the charts for a minute).
const CURVES_EVERY = 1000; // ms
const CURVES_AT_MOST = 4000; // ms
const CURVES_SHARE = 0.05;
// Training, numbers and connections that change every frame cost layout and raster, and cannot be read.
// The connections are drawn in another display frame than the numbers, so that no frame has both.
const READOUTS_EVERY = 100; // ms
// Frames not yet painted, while training: the stream's clock and the screen's drift apart, so two
// frames may land in one display frame and none in the next, or a busy moment may hold a few back.
// Painting the oldest first, one per display frame, shows them evenly, at most two display frames late.
const PLAYOUT = 3;

// At most every `every` ms: ready() says if now, else later() is called once it is time.
class Pace {
  constructor(every, later) {
    Object.assign(this, { every, later, at: -Infinity, timer: null });
  }

  ready() {
    const wait = this.at + this.every - performance.now();
    if (wait <= 0) this.at = performance.now();
    else this.timer ??= setTimeout(() => {
      this.timer = null;
      this.later();
    }, wait);
    return wait <= 0;
  }
}

export function tooltip(text, event) {
  const tip = $("tooltip");
  if (!text) {
    tip.hidden = true;
    return;
  }
  tip.textContent = text;
  tip.hidden = false;
  tip.style.left = `${event.clientX + 12}px`;
  tip.style.top = `${event.clientY + 12}px`;
}

export class Display {
  // Widgets that only draw; run: the session's id, config and data; controls: the view options.
  constructor({ boundary, curves, network, controls, status, run }) {
    Object.assign(this, { boundary, curves, network, controls, status, run });
    this.latest = null;
    this.drawn = null;
    this.unpainted = []; // oldest first, at most PLAYOUT
    this.pendingTail = [];
    this.curvesPace = new Pace(CURVES_EVERY, () => this.appendCurves());
    this.readoutsPace = new Pace(READOUTS_EVERY, () => this.scheduleRender());
    this.linksPace = new Pace(READOUTS_EVERY, () => this.scheduleRender());
    this.lastEpoch = -1;
    this.hovered = null;
    this.outputPixels = null;
    this.playing = false;
    this.scrubbing = false;
    this.rewound = null;
    this.forward = new GridForward();
    this.frameConfig = null; // the config the frames came with: the page's own may be ahead of them
    this.outputMap = null;
    this.linksBehind = false; // the connections show older weights than the maps
    this.paints = 0;
    this.paintedAt = null; // the animation frame's timestamp of the latest repaint
    this.firstPaintAt = null; // ms since the navigation started
    this.firstPaint = new Promise((resolve) => (this.firstPainted = resolve));
  }

  // How maps and points are coloured now: the task, and the view options.
  look() {
    const view = this.controls.view;
    return { task: this.run.config.dataset.classes ? "classification" : "regression", ...view };
  }

  initPlots(Plotly) {
    this.boundary.init(Plotly);
    this.curves.init(Plotly);
    this.curves.setTask(this.look().task);
    this.drawPoints();
    this.appendCurves();
  }

  onFrame(frame) {
    if (frame.config) this.frameConfig = frame.config;
    if (frame.state.epoch < this.lastEpoch) {
      this.pendingTail = [];
      this.loadHistory();
    } else {
      this.pendingTail.push(...frame.history_tail);
    }
    this.lastEpoch = frame.state.epoch;
    this.latest = frame;
    if (frame.config) this.unpainted = []; // frames before a change of config are not worth showing late
    this.unpainted.push(frame);
    if (this.unpainted.length > PLAYOUT) this.unpainted.shift();
    this.playing = frame.state.status === "training";
    if (this.playing) this.loadKernel();
    this.curves.setLive(this.playing);
    this.scheduleRender();
  }

  // The WebAssembly forward pass, fetched when a run first plays: a repaint on every animation
  // frame needs it, the first boundary does not.
  loadKernel() {
    this.kernel ??= import("./kernel.js")
      .then((module) => module.loadKernel(`${document.body.dataset.static}/wasm/forward.wasm`))
      .then((kernel) => {
        if (kernel) this.forward.useKernel(kernel);
        return kernel !== null;
      });
    return this.kernel;
  }

  scheduleRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame((time) => {
      this.renderQueued = false;
      this.render(time);
    });
  }

  render(time) {
    const frame = this.latest;
    if (!frame) return;
    const readouts = !this.playing || this.readoutsPace.ready();
    if (readouts) this.showState(frame.state);
    this.appendCurves();
    if (!this.scrubbing) {
      const next = this.playing && this.unpainted.length ? this.unpainted.shift() : frame;
      if (!this.playing) this.unpainted = [];
      if (next !== this.drawn) this.paint(next, time);
      if (this.unpainted.length) this.scheduleRender();
    }
    const links = !this.playing || (!readouts && this.linksPace.ready());
    if (links && this.linksBehind && !this.scrubbing && this.network.weights) {
      this.linksBehind = false;
      this.network.drawLinks();
    }
  }

  paint(frame, time) {
    this.drawn = frame;
    const { network, params } = frame.network ? frame : leanNetwork(this.frameConfig || this.run.config, frame.weights.layers);
    if (network.features.length !== network.sizes[0]) return; // a config newer than these weights: its frame is on its way
    const { output, neurons } = this.forward.maps(network, params);
    this.outputMap = output;
    const reused = this.outputPixels?.resolution === output.resolution ? this.outputPixels.pixels : null;
    this.outputPixels = { pixels: boundaryPixels(output, this.look(), reused), resolution: output.resolution };
    if (!this.hovered) this.drawOutput();
    else if (this.hovered.kind === "hidden") this.drawHovered();
    else if (this.hovered.kind === "output") this.drawClass();
    this.network.update(frame.weights.layers, neurons, output, false);
    this.linksBehind = true;
    this.boundary.el.dataset.version = String(frame.version);
    this.paints += 1;
    this.paintedAt = time;
    this.firstPaintAt ??= performance.now();
    this.firstPainted();
  }

  appendCurves() {
    if (!this.pendingTail.length || !this.curves.ready || !this.curvesPace.ready()) return;
    // The lowest loss and its dashed line on the curves move together, and no faster than the curves.
    const best = this.latest ? this.showBest(this.latest.state) : undefined;
    this.curves.append(this.pendingTail, best);
    this.pendingTail = [];
    const share = (performance.now() - this.curvesPace.at) / CURVES_SHARE;
    this.curvesPace.every = Math.min(CURVES_AT_MOST, Math.max(CURVES_EVERY, share));
  }

  // Draw the latest frame in full again (after a view option changed, say).
  redraw() {
    this.drawn = null;
    this.scheduleRender();
  }

  drawOutput() {
    if (!this.outputPixels) return;
    this.boundary.drawPixels(this.outputPixels.pixels, this.outputPixels.resolution);
  }

  // The diagram's single output unit shows the big view's own pixels.
  paintOutput(canvas) {
    if (this.outputPixels) paintCanvas(canvas, this.outputPixels.pixels, this.outputPixels.resolution);
  }

  drawPoints() {
    if (this.run.data) this.boundary.setPoints(this.run.data, this.look());
  }

  async loadHistory() {
    if (!this.run.id) return;
    try {
      this.curves.reset(await api.history(this.run.id));
    } catch (err) {
      this.status.error(err.message);
    }
  }

  // Scrubbing: hold() stops live frames from being drawn, show(view) draws a checkpoint's
  // maps and weights (the run is untouched), release() goes back to the live run.
  hold() {
    this.scrubbing = true;
  }

  // The header and readouts show the checkpoint's epoch and metrics, not the live run's.
  showCheckpoint(view) {
    const map = decodeMap(view.boundary);
    this.boundary.drawPixels(boundaryPixels(map, this.look()), map.resolution);
    this.network.update(view.weights.layers, decodeNeurons(view.neurons), map);
    this.rewound = view.epoch;
    this.showMetrics({ epoch: view.epoch, ...view.metrics });
    if (this.latest) this.showState(this.latest.state);
  }

  release() {
    this.scrubbing = false;
    this.rewound = null;
    this.hovered = null;
    this.label(null);
    this.redraw();
  }

  showState(state) {
    const rewound = this.scrubbing && this.rewound !== null && this.rewound !== undefined;
    if (!rewound) this.showMetrics(state);
    $("epoch").closest(".counter").classList.toggle("rewound", rewound);
    setText($("epoch-caption"), rewound ? "Rewound to epoch" : "Epoch");
    this.playing = state.status === "training";
    $("play").classList.toggle("active", this.playing);
    $("pause").classList.toggle("active", !this.playing);
    if (!this.playing) this.curves.setBest(this.showBest(state)); // while a run plays, with the curves
    // A live region: its words change with the user's moves, not with every epoch of a playing run.
    const run = this.playing ? "still training" : `at epoch ${state.epoch}`;
    if (rewound) this.status.set(`Looking back at epoch ${this.rewound}; the run itself is ${run}.`);
    else this.status.show(state);
  }

  showMetrics(metrics) {
    setText($("epoch"), String(metrics.epoch));
    setText($("train-loss"), formatNumber(metrics.train_loss, 4, "fixed"));
    setText($("test-loss"), formatNumber(metrics.test_loss, 4, "fixed"));
    setText($("train-accuracy"), formatPercent(metrics.train_accuracy));
    setText($("test-accuracy"), formatPercent(metrics.test_accuracy));
    // Only a run with a validation share has these numbers.
    $("validation-loss-row").toggleAttribute("hidden", metrics.validation_loss === null || metrics.validation_loss === undefined);
    $("validation-accuracy-row").toggleAttribute("hidden", metrics.validation_accuracy === null || metrics.validation_accuracy === undefined);
    setText($("validation-loss"), formatNumber(metrics.validation_loss, 4, "fixed"));
    setText($("validation-accuracy"), formatPercent(metrics.validation_accuracy));
  }

  showBest(state) {
    const best = state.best_epoch;
    const known = best !== null && best !== undefined && state.epoch > 0;
    const useful = known && best < state.epoch;
    const set = state.best_by || "test";
    const lowest = state.best_loss ?? state.best_test_loss;
    // The line stays while the run is at its best epoch too (only the button goes): were it to come
    // and go with each new lowest loss, the big view below it would jump up and down as a run plays.
    setText($("best-epoch"), known ? `Lowest ${set} loss ${formatNumber(lowest, 4, "fixed")} at epoch ${best}` : "");
    $("restore-best").toggleAttribute("hidden", !useful);
    setText($("restore-best"), useful ? `Restore epoch ${best}` : "Restore best");
    return useful ? best : null; // the epoch the curves mark
  }

  // ---- hovering the diagram: an input's, hidden unit's or output's map replaces the output for a while

  hoverNode(node) {
    this.hovered = node;
    this.label(this.nodeLabel(node));
    if (node.kind === "input") {
      this.boundary.drawPixels(featurePixels(node.feature, 100, this.controls.view.palette), 100);
      tooltip(null);
    } else if (node.kind === "hidden") {
      this.drawHovered();
    } else if (node.kind === "output") {
      this.drawClass();
    }
  }

  // What the big view shows while a unit is hovered, as its caption says it.
  nodeLabel(node) {
    if (node.kind !== "output") return this.network.unitName(node.column, node.unit);
    const classes = this.run.config.dataset.classes;
    if (classes === null) return "The network's output";
    return `P(class ${classes > 2 ? node.unit : 1})`;
  }

  // A hovered output unit: its class's probability over the plane (two classes: the output itself).
  drawClass() {
    const map = this.outputMap;
    if (!map || map.planes === 1 || !this.boundary.ready) return this.drawOutput();
    const unit = Math.min(this.hovered.unit, map.planes - 1);
    this.boundary.drawPixels(classPixels(map, unit, this.controls.view.palette), map.resolution);
  }

  // The hovered unit's map from the weights last drawn.
  drawHovered() {
    const map = this.forward.unitMap(this.hovered.layer, this.hovered.unit);
    if (map) this.boundary.drawUnit(map, this.controls.view.palette);
  }

  leaveNode() {
    this.hovered = null;
    this.label(null);
    this.drawOutput();
  }

  // The caption over the big view while it shows something other than the output.
  label(text) {
    const caption = $("boundary-label");
    caption.textContent = text || "";
    caption.hidden = !text;
  }
}
