// Changing the run by hand: picking a dataset, clicking points in or out of the data,
// uploading a CSV, adding layers and units, and typing a new value for a weight or bias.

import { api } from "./api.js";
import { tooltip } from "./display.js";

const ERASE_RADIUS = 0.6;

export class Editing {
  // run: the session; controls: the drawing class and eraser; limits: GET /api/options' limits.
  // onPoints: the points changed here before the server knows (a blank plot, a first point).
  constructor({ run, controls, limits, status, onPoints }) {
    Object.assign(this, { run, controls, limits, status, onPoints });
  }

  selectDataset(name) {
    const config = this.run.config;
    if (name === config.dataset.name) return;
    if (name !== "custom") {
      this.run.patch({ dataset: { name } });
      return;
    }
    if (config.dataset.classes === null) {
      this.status.error("Your own points are for classification; pick a classification dataset first.");
      return;
    }
    const { points, labels } = this.allPoints();
    this.putPoints(points, labels);
  }

  // Every point in a stable order: a custom set's own order, else training, test, then validation.
  allPoints() {
    const ds = this.run.config.dataset;
    if (ds.name === "custom") return { points: ds.points.slice(), labels: ds.labels.slice() };
    const { train, test, validation } = this.run.data;
    const held = validation || { points: [], labels: [] };
    return {
      points: [...train.points, ...test.points, ...held.points],
      labels: [...train.labels, ...test.labels, ...held.labels].map((l) => Math.round(l)),
    };
  }

  async putPoints(points, labels) {
    try {
      const result = await api.putPoints(this.run.id, points, labels);
      this.run.apply(result.config);
    } catch (err) {
      this.status.error(err.message);
    }
  }

  // On a touch screen a tap on the plot only adds a point in draw mode: a student who
  // meant to scroll or look must not turn the dataset into "custom".
  toggleDrawMode() {
    const button = document.querySelector('[data-testid="draw-mode"]');
    button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
  }

  clickPlot(x, y, touch) {
    const drawing = document.querySelector('[data-testid="draw-mode"]').getAttribute("aria-pressed") === "true";
    if (touch && !drawing) {
      this.status.say("To add points on a touch screen, turn on “Draw on plot” first.");
      return;
    }
    this.addPoint(x, y);
  }

  // A blank canvas: the points go, and the next two added start the new set.
  clearPoints() {
    if (this.run.config.dataset.classes === null) return;
    this.cleared = true;
    this.run.data = { task: "classification", train: { points: [], labels: [] }, test: { points: [], labels: [] } };
    this.pending = { points: [], labels: [] };
    this.onPoints?.();
    this.status.say("The plot is blank: add points by clicking it (or with the x₁, x₂ fields); training starts from the first two.");
  }

  addPoint(x, y) {
    if (!this.run.data || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 6 || Math.abs(y) > 6) return;
    if (this.run.config.dataset.classes === null) {
      this.status.error("Points can be added to classification data only.");
      return;
    }
    const { points, labels } = this.pending || this.allPoints();
    if (this.controls.erasing) {
      const nearest = nearestPoint(points, x, y);
      if (nearest < 0) return;
      if (points.length <= 2) {
        this.status.error("A dataset needs at least two points.");
        return;
      }
      points.splice(nearest, 1);
      labels.splice(nearest, 1);
    } else {
      if (points.length >= this.limits.max_samples) {
        this.status.error(`A dataset holds at most ${this.limits.max_samples} points.`);
        return;
      }
      points.push([Math.round(x * 100) / 100, Math.round(y * 100) / 100]);
      labels.push(this.controls.drawClass);
    }
    if (points.length < 2) {
      this.pending = { points, labels };
      this.run.data.train = { points: points.slice(), labels: labels.slice() };
      this.onPoints?.();
      return;
    }
    this.pending = null;
    this.putPoints(points, labels);
  }

  async upload(file) {
    try {
      const result = await api.uploadCsv(this.run.id, file);
      this.run.apply(result.config);
      this.status.say(`Loaded ${result.config.dataset.samples} points from ${file.name}.`);
    } catch (err) {
      this.status.error(`${file.name}: ${err.message}`);
    }
  }

  changeUnits(layer, change) {
    this.run.patch((config) => {
      const hidden = config.hidden_layers.slice();
      if (layer >= hidden.length) return null;
      hidden[layer] = Math.min(this.limits.max_units, Math.max(1, hidden[layer] + change));
      return { hidden_layers: hidden };
    });
  }

  changeLayers(change) {
    this.run.patch((config) => {
      const hidden = config.hidden_layers.slice();
      if (change > 0 && hidden.length < this.limits.max_hidden_layers) hidden.push(hidden.length ? hidden[hidden.length - 1] : 4);
      else if (change < 0 && hidden.length) hidden.pop();
      else return null;
      return { hidden_layers: hidden };
    });
  }

  // A small box at the pointer: Enter sends the value, Escape or leaving it drops it.
  // target: {layer, unit, source} with source null for a bias.
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
    input.setAttribute("aria-label", target.label || (target.source === null ? "bias" : "weight"));
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
        await api.setWeight(this.run.id, { layer: target.layer, unit: target.unit, source: target.source, value: number });
      } catch (err) {
        this.status.error(err.message);
      }
    });
    input.addEventListener("blur", close);
    tooltip(null);
  }
}

// The index of the point nearest (x, y) within the eraser's reach, or -1.
function nearestPoint(points, x, y) {
  let best = -1;
  let bestDistance = ERASE_RADIUS;
  points.forEach(([px, py], i) => {
    const d = Math.hypot(px - x, py - y);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return best;
}
