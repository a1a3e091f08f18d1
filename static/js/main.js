// The playground page: one session, driven and watched through the public API.
// This module starts the page and wires its parts together: the form (controls.js),
// the drawing (display.js and its widgets), editing, sharing, the stream and the views.

import { api } from "./api.js";
import { boot } from "./boot.js";
import { BoundaryPlot } from "./boundary.js";
import { Connection } from "./connection.js";
import { Controls } from "./controls.js";
import { Curves } from "./curves.js";
import { Display, tooltip } from "./display.js";
import { Editing } from "./editing.js";
import { $, formatNumber } from "./helpers.js";
import { showLesson } from "./lesson.js";
import { NetworkDiagram } from "./network.js";
import { featureLabels } from "./options.js";
import { plotlyReady } from "./plotly.js";
import { Run } from "./run.js";
import { Sharing } from "./sharing.js";
import { FLAG_DEFAULTS } from "./state.js";
import { StatusLine } from "./status.js";
import { buildThumbnails } from "./thumbnails.js";
import { Views } from "./views.js";

const FIRST_PAINT_WAIT = 3000; // ms

class Playground {
  constructor() {
    const page = document.body.dataset;
    this.runSlug = page.run || null;
    this.lessonName = page.lesson || null;
    this.status = new StatusLine();
    this.run = new Run({
      watchToken: page.watch || null,
      status: this.status,
      onConfig: (config, before) => this.configChanged(config, before),
      onData: () => this.display.drawPoints(),
      onRefused: () => this.controls.set(this.run.config),
    });
    this.views = null;
  }

  // The run as the browser tests (and the console) see it.
  get sessionId() {
    return this.run.id;
  }
  get config() {
    return this.run.config;
  }
  get data() {
    return this.run.data;
  }
  get dataCurrent() {
    return this.run.dataCurrent;
  }
  get latest() {
    return this.display?.latest;
  }
  get drawn() {
    return this.display?.drawn;
  }
  get scrubbing() {
    return this.display?.scrubbing;
  }
  // The output map the page computed from the latest weights drawn: {resolution, planes, data, range}.
  get outputMap() {
    return this.display?.outputMap;
  }

  async start() {
    const [lesson, options] = await Promise.all([boot.lesson, boot.options]);
    const { flags } = boot.link;
    const asked = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(lesson ? lesson.flags : {})) if (!asked.has(key)) flags[key] = value;
    this.options = options;
    this.defaults = { ...options.defaults, datasetClasses: Object.fromEntries(options.datasets.map((d) => [d.name, d.classes])) };
    this.build(flags);
    if (this.run.watchToken) return this.watch();
    const { session, notices, runSlug } = await boot.opening;
    for (const [level, text] of notices) this.status[level](text);
    this.sharing.runSlug = runSlug;
    this.run.id = session.id;
    // The socket opens while the page takes the session on: its first frame is the first boundary.
    const streaming = this.connection.open(this.run.id);
    window.addEventListener("pagehide", () => this.connection.close());
    this.run.apply(session.config);
    this.curves.reset([]);
    this.display.showState(session.state);
    this.views = this.makeViews(lesson);
    await streaming;
    this.loadPlotsAfterPaint();
    // The curves wait for plotly.js anyway: their history need not compete with the first frame.
    this.afterFirstPaint.then(() => this.display.loadHistory());
    if (lesson) {
      showLesson(lesson);
      if (lesson.view !== "network") this.views.select(lesson.view);
    }
    if (flags.autoplay) this.play();
  }

  // The widgets and the parts of the page, once the options are known.
  build(flags) {
    document.documentElement.classList.toggle("big", Boolean(flags.big));
    for (const name of flags.hide) {
      document.querySelectorAll(`[data-control="${CSS.escape(name)}"]`).forEach((el) => el.classList.add("hidden-by-link"));
    }
    const { status, run, options } = this;
    this.boundary = new BoundaryPlot($("boundary"), { onClick: (x, y, touch) => this.views?.active?.onPlotClick?.(x, y) || this.editing.clickPlot(x, y, touch) });
    this.curves = new Curves($("loss-chart"));
    this.controls = new Controls(
      (patch) => run.patch(patch),
      () => this.viewChanged(),
    );
    this.network = new NetworkDiagram(
      $("network"),
      {
        onHoverNode: (node) => this.display.hoverNode(node),
        onLeaveNode: () => this.display.leaveNode(),
        onHoverLink: (link, event) => tooltip(`w = ${formatNumber(link.value, 4, "fixed")} · ${link.label}`, event),
        onLeaveLink: () => tooltip(null),
        onClickLink: (link, event) => this.editing.editParameter({ ...link }, link.value, event),
        onClickBias: (node, event) =>
          this.editing.editParameter({ layer: node.layer, unit: node.unit, source: null, label: `${this.network.unitName(node.column, node.unit)}, bias` }, node.bias, event),
        onUnits: (layer, change) => this.editing.changeUnits(layer, change),
        paintOutput: (canvas) => this.display.paintOutput(canvas),
      },
      featureLabels(options),
    );
    const { boundary, curves, network, controls } = this;
    this.display = new Display({ boundary, curves, network, controls, status, run });
    // What is not the boundary waits for it (or for a while without a frame), so that it comes first.
    this.afterFirstPaint = Promise.race([this.display.firstPaint, new Promise((resolve) => setTimeout(resolve, FIRST_PAINT_WAIT))]);
    this.editing = new Editing({ run, controls, status, limits: options.limits, onPoints: () => this.display.drawPoints() });
    const viewFlags = () => ({ test: controls.view.showTest, discretize: controls.view.discretize, palette: controls.view.palette });
    this.sharing = new Sharing({ run, status, flags, viewFlags, defaults: this.defaults, runSlug: this.runSlug, lesson: Boolean(this.lessonName) });
    const fps = Math.min(60, Math.max(1, flags.fps || 20));
    // Lean frames cost the server no maps, so they come at the screen's rate unless the link asks for fewer.
    const lean = { maps: false, fps: fps === FLAG_DEFAULTS.fps ? 60 : fps };
    const subscribe = { fps, boundary_resolution: 100, neuron_resolution: 12, lean };
    this.connection = new Connection({ onFrame: (frame) => this.onFrame(frame), status, subscribe, onGone: () => this.sessionGone() });
    controls.build(options);
    controls.setView(flags);
    const speeds = [...$("speed").options].map((option) => option.value);
    $("speed").value = speeds.includes(String(flags.speed)) ? String(flags.speed) : "20";
    this.thumbs = buildThumbnails($("datasets"), options.datasets, (name) => this.editing.selectDataset(name), this.afterFirstPaint);
    this.bindButtons();
  }

  // Each view gets the session, the API client and only the callbacks its row in views.js names.
  makeViews(lesson) {
    const { run, display, status } = this;
    const context = {
      sessionId: run.id,
      api,
      options: this.options,
      changes: lesson?.changes,
      featureLabels: featureLabels(this.options),
      config: () => run.config,
      look: () => display.look(),
      patch: (patch) => run.patch(patch),
      pause: () => this.pause(),
      reset: () => this.command("reset"),
      checkpoints: { hold: () => display.hold(), show: (view) => display.showCheckpoint(view), release: () => display.release() },
      ring: (point) => this.boundary.ring(point),
      say: (text) => status.say(text),
      error: (text) => status.error(text),
    };
    return new Views(context, () => this.network.layout());
  }

  // Presenter mode: follow someone else's session; nothing here can change it.
  async watch() {
    document.body.classList.add("watching");
    const view = await api.watched(this.run.watchToken).catch((err) => {
      this.status.error(`${err.message}.`);
      return null;
    });
    if (!view) return;
    this.run.apply(view.config);
    this.display.showState(view.state);
    await this.connection.watch(this.run.watchToken);
    this.status.warn("Watching the presenter's session live. It updates by itself; the controls are the presenter's.");
    this.loadPlotsAfterPaint();
  }

  // The session expired, was deleted or the server restarted: the page offers its own link afresh.
  sessionGone() {
    this.connection.close();
    this.status.end("This session has ended: it expired, was deleted, or the server restarted.");
    $("session-gone").hidden = false;
  }

  // plotly.js is big: it loads once the boundary is on the screen.
  loadPlotsAfterPaint() {
    this.afterFirstPaint.then(() => this.loadPlots());
  }

  loadPlots() {
    plotlyReady()
      .then((Plotly) => this.display.initPlots(Plotly))
      .catch((err) => this.status.error(`${err.message}: the plots cannot be drawn.`));
  }

  onFrame(frame) {
    if (frame.config) this.run.apply(frame.config);
    this.display.onFrame(frame);
    this.views?.broadcast("onFrame", frame);
  }

  configChanged(config, before) {
    this.controls.set(config);
    const classes = config.dataset.classes;
    this.network.build(config.features, config.hidden_layers, classes && classes > 2 ? classes : 1);
    this.network.countZeros = config.regularization.kind === "l1";
    this.thumbs.select(config.dataset.name);
    this.curves.setTask(classes === null ? "regression" : "classification");
    if (before && JSON.stringify(before) !== JSON.stringify(config)) this.views?.broadcast("follow");
    this.sharing.updateUrl();
  }

  viewChanged() {
    this.network.setPalette(this.controls.view.palette);
    this.display.drawPoints();
    this.display.redraw();
    this.controls.drawSwatches();
    this.sharing.updateUrl();
  }

  // ---- transport: the commands go to the run and to any view that follows along

  speed() {
    const value = $("speed").value;
    return value === "max" ? "max" : Number(value);
  }

  command(name, ...args) {
    this.connection.send(name, ...args);
    this.views?.broadcast("onCommand", name, ...args);
  }

  play() {
    this.status.clearNotice();
    this.command("play", this.speed());
  }

  pause() {
    this.command("pause");
  }

  async restoreBest() {
    try {
      this.pause();
      const result = await api.restoreBest(this.run.id);
      this.status.say(`Back at epoch ${result.state.epoch}, the lowest ${result.state.best_by || "test"} loss.`);
    } catch (err) {
      this.status.error(err.message);
    }
  }

  bindButtons() {
    const click = (id, action) => $(id).addEventListener("click", action);
    click("play", () => this.play());
    click("pause", () => this.pause());
    click("step", () => this.command("step", 1, "batch"));
    click("step-epoch", () => this.command("step", 1, "epoch"));
    click("reset", () => this.command("reset"));
    click("present", () => this.sharing.present());
    click("restore-best", () => this.restoreBest());
    click("add-layer", () => this.editing.changeLayers(+1));
    click("remove-layer", () => this.editing.changeLayers(-1));
    click("share-link", () => this.sharing.share());
    click("save-run", () => this.sharing.saveRun(this.display.latest ? this.display.latest.state.epoch : 0));
    click("popover-close", () => ($("popover").hidden = true));
    $("speed").addEventListener("change", () => {
      this.sharing.updateUrl();
      if (this.display.playing) this.play();
    });
    click("start-again", () => location.reload());
    click("draw-mode", () => this.editing.toggleDrawMode());
    click("clear-points", () => this.editing.clearPoints());
    click("add-point", () => this.editing.addPoint(Number($("point-x1").value), Number($("point-x2").value)));
    $("upload").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) this.editing.upload(file);
      event.target.value = "";
    });
    document.addEventListener("keydown", (event) => this.key(event));
  }

  // Shortcuts apply only when focus is on no control: Space on a button presses that button.
  key(event) {
    if (event.key === "Escape" && !$("popover").hidden) {
      $("popover").hidden = true;
      return;
    }
    const control = event.target.closest?.("button, a, input, select, textarea, summary, [role='button'], [tabindex]");
    if (control || event.ctrlKey || event.metaKey || event.altKey) return;
    if (this.run.watchToken && [" ", "s", "r"].includes(event.key)) {
      event.preventDefault();
      this.status.warn("Only the presenter can play, pause or step this session; it updates here by itself.");
    } else if (event.key === " ") {
      event.preventDefault();
      if (this.display.playing) this.pause();
      else this.play();
    } else if (event.key === "s") {
      this.command("step", 1, "batch");
    } else if (event.key === "r") {
      this.command("reset");
    }
  }
}

const app = new Playground();
window.playground = app;
app.start().catch((err) => app.status.error(`The playground could not start: ${err.message}`));
