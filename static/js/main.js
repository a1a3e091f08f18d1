// The playground page: one session, driven and watched through the public API.
// Frames arrive over the stream (or by polling); only the newest is drawn, once
// per animation frame, while every history point goes to the curves.

import { ApiError, api } from "./api.js";
import { BoundaryPlot } from "./boundary.js";
import { boundaryPixels, featurePixels, paintCanvas } from "./colors.js";
import { Controls } from "./controls.js";
import { Curves } from "./curves.js";
import { decodeMap, decodeNeurons } from "./frames.js";
import { NetworkDiagram } from "./network.js";
import { plotlyReady } from "./plotly.js";
import { decodeState, encodeState } from "./state.js";
import { buildThumbnails } from "./thumbnails.js";
import { PollingTransport, StreamTransport } from "./transport.js";
import { Views } from "./views.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const ERASE_RADIUS = 0.6;

function mergeDeep(base, patch) {
  const out = JSON.parse(JSON.stringify(base));
  for (const [key, value] of Object.entries(patch)) {
    out[key] = value && typeof value === "object" && !Array.isArray(value) && out[key] && typeof out[key] === "object" ? mergeDeep(out[key], value) : value;
  }
  return out;
}

// What decides the points: the dataset settings, and the run seed when the data have no seed of their own.
function dataKey(config) {
  return JSON.stringify([config.dataset, config.dataset.seed === null ? config.seed : null]);
}

function formatNumber(x, digits = 4) {
  return x === null || x === undefined ? "–" : Number(x).toFixed(digits);
}

function formatPercent(x) {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

class Playground {
  constructor() {
    this.sessionId = null;
    this.config = null;
    this.data = null;
    this.latest = null;
    this.pendingTail = [];
    this.lastEpoch = -1;
    this.hovered = null;
    this.transport = null;
    this.notice = null;
    this.runSlug = document.body.dataset.run || null;
    this.watchToken = document.body.dataset.watch || null;
    this.lessonName = document.body.dataset.lesson || null;
    this.lesson = null;
    this.mirror = null; // a compare run that follows the transport controls
    this.scrubbing = false;
    this.boundary = new BoundaryPlot($("boundary"), { onClick: (x, y) => this.clickPlot(x, y) });
    this.curves = new Curves($("loss-chart"));
    this.controls = new Controls(
      (patch) => this.patch(patch),
      () => this.viewChanged(),
    );
    this.network = new NetworkDiagram($("network"), {
      onHoverNode: (node) => this.hoverNode(node),
      onLeaveNode: () => this.leaveNode(),
      onHoverLink: (link, event) => this.tooltip(`w = ${formatNumber(link.value)}`, event),
      onLeaveLink: () => this.tooltip(null),
      onClickLink: (link, event) => this.editParameter({ ...link }, link.value, event),
      onClickBias: (node, event) => this.editParameter({ layer: node.layer, unit: node.unit, source: null }, node.bias, event),
      onUnits: (layer, change) => this.changeUnits(layer, change),
      paintOutput: (canvas) => this.outputPixels && paintCanvas(canvas, this.outputPixels.pixels, this.outputPixels.resolution),
    });
  }

  async start() {
    const { config: linked, flags, errors } = decodeState(location.search);
    let config = linked;
    this.flags = flags;
    if (this.lessonName) {
      this.lesson = await api.lesson(this.lessonName);
      config = mergeDeep(this.lesson.config, linked);
      for (const [key, value] of Object.entries(this.lesson.flags)) if (!new URLSearchParams(location.search).has(key)) this.flags[key] = value;
    }
    this.applyFlags();
    this.options = await api.options();
    this.defaults = { ...this.options.defaults, datasetClasses: Object.fromEntries(this.options.datasets.map((d) => [d.name, d.classes])) };
    this.controls.build(this.options);
    this.controls.setView(flags);
    $("speed").value = ["1", "5", "10", "20", "50", "100", "max"].includes(String(flags.speed)) ? String(flags.speed) : "20";
    this.thumbs = buildThumbnails($("datasets"), this.options.datasets, (name) => this.selectDataset(name));
    this.bindButtons();
    this.views = new Views(this);
    if (this.watchToken) return this.startWatching();
    const session = await this.openSession(config, errors);
    this.sessionId = session.id;
    window.addEventListener("pagehide", () => this.transport && this.transport.close());
    this.applyConfig(session.config);
    this.curves.reset([]);
    this.showState(session.state);
    await this.connect();
    plotlyReady()
      .then((Plotly) => {
        this.boundary.init(Plotly);
        this.curves.init(Plotly);
        this.curves.setTask(this.config.dataset.classes === null ? "regression" : "classification");
        if (this.data) this.drawPoints();
        this.drawn = null; // a frame drawn before plotly arrived left the big view blank
        this.scheduleRender();
      })
      .catch((err) => this.error(`${err.message}: the plots cannot be drawn.`));
    this.loadHistory();
    if (this.lesson) this.showLesson();
    if (this.flags.autoplay) this.play();
  }

  // Presenter mode: follow someone else's session; nothing here can change it.
  async startWatching() {
    document.body.classList.add("watching");
    const view = await api.watched(this.watchToken).catch((err) => {
      this.error(`${err.message}.`);
      return null;
    });
    if (!view) return;
    this.applyConfig(view.config);
    this.showState(view.state);
    this.transport = await new StreamTransport(null, {
      onFrame: (frame) => this.onFrame(frame),
      onError: (detail) => this.error(detail),
      onClosed: () => this.warn("The presenter's session ended or the connection dropped. Reload to try again."),
      subscribe: this.subscription(),
      path: `/api/watch/${encodeURIComponent(this.watchToken)}/stream`,
    })
      .open()
      .catch((err) => this.error(err.message));
    this.warn("Watching the presenter's session live. It updates by itself; the controls are the presenter's.");
    plotlyReady().then((Plotly) => {
      this.boundary.init(Plotly);
      this.curves.init(Plotly);
      if (this.data) this.drawPoints();
      this.drawn = null;
      this.scheduleRender();
    });
  }

  showLesson() {
    const lesson = this.lesson;
    $("lesson").hidden = false;
    document.querySelector(".data").classList.add("lesson-mode");
    $("lesson-number").textContent = `Lesson ${lesson.number} of 12`;
    $("lesson-title").textContent = lesson.title;
    $("lesson-text").textContent = lesson.text;
    $("lesson-try").replaceChildren(...lesson.try.map((t) => Object.assign(document.createElement("li"), { textContent: t })));
    document.title = `${lesson.title} · Neural Playground`;
    api.lessons().then((all) => {
      const at = all.findIndex((l) => l.name === lesson.name);
      for (const [id, other, arrow] of [["lesson-prev", all[at - 1], "← "], ["lesson-next", all[at + 1], " →"]]) {
        const link = $(id);
        if (!other) continue;
        link.href = `/lessons/${other.name}`;
        link.textContent = arrow === "← " ? `${arrow}${other.number}` : `${other.number}${arrow}`;
        link.title = other.title;
      }
    });
    $("toggle-data").addEventListener("click", () => document.querySelector(".data").classList.toggle("show-data"));
    if (lesson.view !== "network") this.views.select(lesson.view);
  }

  async openSession(config, errors) {
    if (this.runSlug) {
      try {
        const session = await api.openRun(this.runSlug);
        this.say(`Opened the saved run “${this.runSlug}”.`);
        return session;
      } catch (err) {
        this.error(`That saved run could not be opened (${err.message}); starting a new demo instead.`);
        this.runSlug = null;
        history.replaceState(null, "", "/");
      }
    }
    if (errors.length) this.error(`Some of the link's settings could not be read: ${errors.join("; ")}.`);
    try {
      return await api.create(config);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) throw err;
      this.error(`The link's settings were not valid (${err.message}); showing the defaults instead.`);
      return api.create({});
    }
  }

  applyFlags() {
    document.documentElement.classList.toggle("big", Boolean(this.flags.big));
    for (const name of this.flags.hide) {
      document.querySelectorAll(`[data-control="${CSS.escape(name)}"]`).forEach((el) => el.classList.add("hidden-by-link"));
    }
  }

  subscription() {
    return { fps: Math.min(60, Math.max(1, this.flags.fps || 20)), boundary_resolution: 100, neuron_resolution: 12 };
  }

  async connect() {
    const handlers = {
      onFrame: (frame) => this.onFrame(frame),
      onError: (detail) => this.error(detail),
      onClosed: (code) => this.streamClosed(code),
      subscribe: this.subscription(),
    };
    try {
      this.transport = await new StreamTransport(this.sessionId, handlers).open();
    } catch (err) {
      this.transport = await new PollingTransport(this.sessionId, handlers).open();
      this.warn("Live updates are unavailable here, so the page is polling the server instead.");
    }
  }

  streamClosed(code) {
    if (code === 4404) {
      this.error("This session has expired or was deleted. Reload the page to start again.");
      return;
    }
    this.warn("The live stream closed; polling the server instead.");
    this.transport = null;
    new PollingTransport(this.sessionId, {
      onFrame: (frame) => this.onFrame(frame),
      onError: (detail) => this.error(detail),
      subscribe: this.subscription(),
    })
      .open()
      .then((t) => (this.transport = t))
      .catch((err) => this.error(err.message));
  }

  // ---- frames ---------------------------------------------------------------------

  onFrame(frame) {
    if (frame.config) this.applyConfig(frame.config);
    if (frame.state.epoch < this.lastEpoch) {
      this.pendingTail = [];
      this.lastEpoch = frame.state.epoch;
      this.loadHistory();
    } else {
      this.pendingTail.push(...frame.history_tail);
      this.lastEpoch = frame.state.epoch;
    }
    this.latest = frame;
    this.playing = frame.state.status === "training";
    this.views?.onFrame(frame);
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  render() {
    const frame = this.latest;
    if (!frame) return;
    this.showState(frame.state);
    if (this.pendingTail.length && this.curves.ready) {
      this.curves.append(this.pendingTail);
      this.pendingTail = [];
    }
    if (frame === this.drawn || this.scrubbing) return;
    this.drawn = frame;
    const map = decodeMap(frame.boundary);
    this.outputMap = map;
    const view = this.controls.view;
    this.outputPixels = { pixels: boundaryPixels(map, { task: this.config.dataset.classes ? "classification" : "regression", discretize: view.discretize, palette: view.palette }), resolution: map.resolution };
    if (!this.hovered) this.drawOutput();
    else if (this.hovered.kind === "hidden") this.refreshHovered();
    this.network.update(frame.weights.layers, decodeNeurons(frame.neurons), map);
    $("boundary").dataset.version = String(frame.version);
  }

  // Force a full redraw of the latest frame (after scrubbing, say).
  redraw() {
    this.drawn = null;
    this.hovered = null;
    this.scheduleRender();
  }

  // A checkpoint's maps and weights in the big view and the diagram (the run is untouched).
  showCheckpoint(view) {
    const map = decodeMap(view.boundary);
    const options = this.controls.view;
    const pixels = boundaryPixels(map, { task: this.config.dataset.classes ? "classification" : "regression", discretize: options.discretize, palette: options.palette });
    this.boundary.drawPixels(pixels, map.resolution);
    this.network.update(view.weights.layers, decodeNeurons(view.neurons), map);
  }

  drawOutput() {
    if (!this.outputPixels || !this.boundary.ready) return;
    this.boundary.drawPixels(this.outputPixels.pixels, this.outputPixels.resolution);
  }

  showState(state) {
    $("epoch").textContent = String(state.epoch);
    $("train-loss").textContent = formatNumber(state.train_loss);
    $("test-loss").textContent = formatNumber(state.test_loss);
    $("train-accuracy").textContent = formatPercent(state.train_accuracy);
    $("test-accuracy").textContent = formatPercent(state.test_accuracy);
    this.playing = state.status === "training";
    $("play").classList.toggle("active", this.playing);
    $("pause").classList.toggle("active", !this.playing);
    this.showBest(state);
    this.updateStatus(state);
  }

  showBest(state) {
    const best = state.best_epoch;
    const useful = best !== null && best !== undefined && best < state.epoch;
    $("best-epoch").textContent = useful ? `Lowest test loss ${formatNumber(state.best_test_loss)} at epoch ${best}` : "";
    $("restore-best").hidden = !useful;
    $("restore-best").textContent = useful ? `Restore epoch ${best}` : "Restore best";
    this.curves.setBest(useful ? best : null);
  }

  updateStatus(state) {
    if (state.status === "diverged") {
      this.setStatus(state.message || "Training diverged. Try a smaller learning rate.", "error");
      return;
    }
    if (this.notice && this.notice.until > Date.now()) return;
    if (this.notice && this.notice.sticky) {
      this.setStatus(this.notice.text, this.notice.level);
      return;
    }
    if (state.status === "training") this.setStatus(`Training… epoch ${state.epoch}`);
    else if (state.epoch === 0 && state.step === 0) this.setStatus("Ready: press Play (or the space bar) to train.");
    else this.setStatus(`Paused at epoch ${state.epoch}.`);
  }

  setStatus(text, level = "") {
    const el = $("status");
    if (el.textContent !== text) el.textContent = text;
    el.className = `status ${level}`;
  }

  say(text) {
    this.notice = { text, level: "", until: Date.now() + 5000 };
    this.setStatus(text);
  }

  error(text) {
    this.notice = { text, level: "error", until: Date.now() + 8000 };
    this.setStatus(text, "error");
  }

  warn(text) {
    this.notice = { text, level: "warning", sticky: true, until: 0 };
    this.setStatus(text, "warning");
  }

  async loadHistory() {
    if (!this.sessionId) return;
    try {
      const records = await api.history(this.sessionId);
      this.curves.reset(records);
    } catch (err) {
      this.error(err.message);
    }
  }

  // ---- config and data ------------------------------------------------------------

  applyConfig(config) {
    const before = this.config;
    this.config = config;
    this.controls.set(config);
    const classes = config.dataset.classes;
    this.network.build(config.features, config.hidden_layers, classes && classes > 2 ? classes : 1);
    this.thumbs.select(config.dataset.name);
    this.curves.setTask(classes === null ? "regression" : "classification");
    if (!before || dataKey(before) !== dataKey(config)) this.loadData();
    if (before && this.views?.views.compare && JSON.stringify(before) !== JSON.stringify(config)) this.views.views.compare.follow();
    this.updateUrl();
  }

  async loadData() {
    try {
      this.data = this.watchToken ? await api.watchedData(this.watchToken) : await api.data(this.sessionId);
      this.drawPoints();
    } catch (err) {
      this.error(err.message);
    }
  }

  drawPoints() {
    const view = this.controls.view;
    this.boundary.setPoints(this.data, { palette: view.palette, showTest: view.showTest });
  }

  viewChanged() {
    this.flags = { ...this.flags, ...this.viewFlags() };
    this.network.setPalette(this.controls.view.palette);
    if (this.data) this.drawPoints();
    this.drawn = null;
    this.controls.drawSwatches();
    this.scheduleRender();
    this.updateUrl();
  }

  viewFlags() {
    const view = this.controls.view;
    return { test: view.showTest, discretize: view.discretize, palette: view.palette };
  }

  shareUrl() {
    const query = encodeState(this.config, { ...this.flags, ...this.viewFlags(), speed: $("speed").value }, this.defaults);
    return `${location.origin}/${query ? `?${query}` : ""}`;
  }

  updateUrl() {
    if (this.watchToken) return;
    if (this.lesson) {
      const query = encodeState(this.config, { ...this.flags, ...this.viewFlags(), speed: $("speed").value }, this.defaults);
      history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
      return;
    }
    if (this.runSlug && this.runConfig === undefined) this.runConfig = JSON.stringify(this.config);
    if (this.runSlug && this.runConfig === JSON.stringify(this.config)) return;
    this.runSlug = null;
    const url = new URL(this.shareUrl());
    history.replaceState(null, "", url.pathname + url.search);
  }

  // Changes apply one after another; a function patch is computed from the config at its turn,
  // so two quick clicks on "remove layer" remove two layers.
  patch(patch) {
    this.patches = (this.patches || Promise.resolve()).then(() => this.applyPatch(typeof patch === "function" ? patch(this.config) : patch));
    return this.patches;
  }

  async applyPatch(patch) {
    if (!patch) return;
    try {
      const result = await api.patch(this.sessionId, patch);
      this.applyConfig(result.config);
      if (result.rebuilt) this.say("The network was rebuilt with the new settings.");
    } catch (err) {
      this.error(err.message);
      this.controls.set(this.config);
    }
  }

  selectDataset(name) {
    if (name === this.config.dataset.name) return;
    if (name === "custom") {
      const { points, labels } = this.allPoints();
      if (this.config.dataset.classes === null) {
        this.error("Your own points are for classification; pick a classification dataset first.");
        return;
      }
      this.putPoints(points, labels);
      return;
    }
    this.patch({ dataset: { name } });
  }

  // Every point in a stable order: a custom set's own order, else training then test.
  allPoints() {
    const ds = this.config.dataset;
    if (ds.name === "custom") return { points: ds.points.slice(), labels: ds.labels.slice() };
    return {
      points: [...this.data.train.points, ...this.data.test.points],
      labels: [...this.data.train.labels, ...this.data.test.labels].map((l) => Math.round(l)),
    };
  }

  async putPoints(points, labels) {
    try {
      const result = await api.putPoints(this.sessionId, points, labels);
      this.applyConfig(result.config);
    } catch (err) {
      this.error(err.message);
    }
  }

  clickPlot(x, y) {
    if (!this.data) return;
    if (this.config.dataset.classes === null) {
      this.error("Points can be added to classification data only.");
      return;
    }
    const { points, labels } = this.allPoints();
    if (this.controls.erasing) {
      let best = -1;
      let bestDistance = ERASE_RADIUS;
      points.forEach(([px, py], i) => {
        const d = Math.hypot(px - x, py - y);
        if (d < bestDistance) {
          best = i;
          bestDistance = d;
        }
      });
      if (best < 0) return;
      if (points.length <= 2) {
        this.error("A dataset needs at least two points.");
        return;
      }
      points.splice(best, 1);
      labels.splice(best, 1);
    } else {
      if (points.length >= this.options.limits.max_samples) {
        this.error(`A dataset holds at most ${this.options.limits.max_samples} points.`);
        return;
      }
      points.push([Math.round(x * 100) / 100, Math.round(y * 100) / 100]);
      labels.push(this.controls.drawClass);
    }
    this.putPoints(points, labels);
  }

  async upload(file) {
    try {
      const result = await api.uploadCsv(this.sessionId, file);
      this.applyConfig(result.config);
      this.say(`Loaded ${result.config.dataset.samples} points from ${file.name}.`);
    } catch (err) {
      this.error(`${file.name}: ${err.message}`);
    }
  }

  changeUnits(layer, change) {
    this.patch((config) => {
      const hidden = config.hidden_layers.slice();
      if (layer >= hidden.length) return null;
      hidden[layer] = Math.min(this.options.limits.max_units, Math.max(1, hidden[layer] + change));
      return { hidden_layers: hidden };
    });
  }

  changeLayers(change) {
    this.patch((config) => {
      const hidden = config.hidden_layers.slice();
      if (change > 0 && hidden.length < this.options.limits.max_hidden_layers) hidden.push(hidden.length ? hidden[hidden.length - 1] : 4);
      else if (change < 0 && hidden.length) hidden.pop();
      else return null;
      return { hidden_layers: hidden };
    });
  }

  // ---- transport ------------------------------------------------------------------

  speed() {
    const value = $("speed").value;
    return value === "max" ? "max" : Number(value);
  }

  play() {
    this.clearNotice();
    this.transport && this.transport.play(this.speed());
    this.mirror?.play(this.speed());
  }

  // A passing remark gives way once the user acts; errors and warnings stay their time.
  clearNotice() {
    if (this.notice && !this.notice.level) this.notice = null;
  }

  pause() {
    this.transport && this.transport.pause();
    this.mirror?.pause();
  }

  step(steps, unit) {
    this.transport && this.transport.step(steps, unit);
    this.mirror?.step(steps, unit);
  }

  reset() {
    this.transport && this.transport.reset();
    this.mirror?.reset();
  }

  bindButtons() {
    $("play").addEventListener("click", () => this.play());
    $("pause").addEventListener("click", () => this.pause());
    $("step").addEventListener("click", () => this.step(1, "batch"));
    $("step-epoch").addEventListener("click", () => this.step(1, "epoch"));
    $("reset").addEventListener("click", () => this.reset());
    $("present").addEventListener("click", () => this.present());
    $("restore-best").addEventListener("click", () => this.restoreBest());
    $("speed").addEventListener("change", () => {
      this.flags.speed = $("speed").value;
      if (this.playing) this.play();
    });
    $("add-layer").addEventListener("click", () => this.changeLayers(+1));
    $("remove-layer").addEventListener("click", () => this.changeLayers(-1));
    $("share-link").addEventListener("click", () => this.share());
    $("save-run").addEventListener("click", () => this.saveRun());
    $("popover-close").addEventListener("click", () => ($("popover").hidden = true));
    $("upload").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) this.upload(file);
      event.target.value = "";
    });
    document.addEventListener("keydown", (event) => this.key(event));
  }

  key(event) {
    const tag = event.target.tagName;
    if (["INPUT", "SELECT", "TEXTAREA"].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === " ") {
      event.preventDefault();
      if (this.playing) this.pause();
      else this.play();
    } else if (event.key === "s") {
      this.step(1, "batch");
    } else if (event.key === "r") {
      this.reset();
    } else if (event.key === "Escape") {
      $("popover").hidden = true;
    }
  }

  // ---- hover and edit -------------------------------------------------------------

  hoverNode(node) {
    this.hovered = node;
    if (node.kind === "input") {
      this.boundary.drawPixels(featurePixels(node.feature, 100, this.controls.view.palette), 100);
      this.tooltip(null);
    } else if (node.kind === "hidden" && this.sessionId) {
      this.refreshHovered(true);
    }
  }

  async refreshHovered(now = false) {
    const node = this.hovered;
    if (!node || node.kind !== "hidden" || (!now && this.hoverBusy)) return;
    this.hoverBusy = true;
    try {
      const map = decodeMap(await api.boundary(this.sessionId, { layer: node.layer, unit: node.unit, resolution: 100 }));
      if (this.hovered === node) this.boundary.drawUnit(map, this.controls.view.palette);
    } catch (err) {
      /* the structure changed under the pointer; the next hover will do */
    } finally {
      this.hoverBusy = false;
    }
  }

  leaveNode() {
    this.hovered = null;
    this.drawOutput();
  }

  tooltip(text, event) {
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

  editParameter(target, value, event) {
    document.querySelector(".weight-editor")?.remove();
    const box = document.createElement("div");
    box.className = "weight-editor";
    box.style.left = `${event.clientX}px`;
    box.style.top = `${event.clientY}px`;
    const input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    input.value = value === null || value === undefined ? "0" : String(Math.round(value * 10000) / 10000);
    input.setAttribute("data-testid", "weight-editor");
    input.setAttribute("aria-label", target.source === null ? "bias" : "weight");
    box.append(input);
    document.body.append(box);
    input.focus();
    input.select();
    let closed = false;
    const close = () => {
      // Removing the box blurs its input, whose blur handler closes again: once is enough.
      if (closed) return;
      closed = true;
      box.remove();
    };
    input.addEventListener("keydown", async (e) => {
      if (e.key === "Escape") close();
      if (e.key !== "Enter") return;
      const number = Number(input.value);
      close();
      if (!Number.isFinite(number)) return;
      try {
        await api.setWeight(this.sessionId, { layer: target.layer, unit: target.unit, source: target.source, value: number });
      } catch (err) {
        this.error(err.message);
      }
    });
    input.addEventListener("blur", close);
    this.tooltip(null);
  }

  // ---- sharing ----------------------------------------------------------------------

  popover(text, url) {
    $("popover-text").textContent = text;
    const input = $("share-url");
    input.value = url;
    $("popover").hidden = false;
    input.focus();
    input.select();
  }

  // Show the link at once; copying needs a secure page and may be refused or never answer.
  offerLink(text, url) {
    this.popover(`${text} Copy this link:`, url);
    if (!navigator.clipboard || !window.isSecureContext) return;
    const timeout = new Promise((resolve) => setTimeout(() => resolve(false), 1500));
    const copy = navigator.clipboard.writeText(url).then(
      () => true,
      () => false,
    );
    Promise.race([copy, timeout]).then((copied) => {
      if (copied && $("share-url").value === url) $("popover-text").textContent = `${text} The link is copied:`;
    });
  }

  share() {
    const url = this.runSlug ? `${location.origin}/r/${this.runSlug}` : this.shareUrl();
    this.offerLink("It opens this demo, data and seed included.", url);
  }

  async present() {
    try {
      const link = await api.watchLink(this.sessionId);
      this.offerLink("Students who open it watch this session live, read-only.", `${location.origin}${link.url}`);
    } catch (err) {
      this.error(err.message);
    }
  }

  async restoreBest() {
    try {
      this.pause();
      const result = await api.restoreBest(this.sessionId);
      this.say(`Back at epoch ${result.state.epoch}, the lowest test loss.`);
    } catch (err) {
      this.error(err.message);
    }
  }

  async saveRun() {
    const c = this.config;
    const layers = c.hidden_layers.length ? c.hidden_layers.join("-") : "no hidden layers";
    const title = `${c.dataset.name}, ${layers} ${c.activation}, epoch ${this.latest ? this.latest.state.epoch : 0}`;
    try {
      const run = await api.saveRun(this.sessionId, title);
      this.offerLink(`Saved “${title}”: it opens with the trained weights.`, `${location.origin}${run.url}`);
    } catch (err) {
      this.error(err.message);
    }
  }
}

const app = new Playground();
window.playground = app;
app.start().catch((err) => app.error(`The playground could not start: ${err.message}`));
