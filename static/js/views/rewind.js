// Rewind: scrub back through checkpoints of the weights, and branch from one.

import { api } from "../api.js";
import { el, formatNumber } from "../dom.js";

export class RewindView {
  constructor(app, root) {
    this.app = app;
    this.root = root;
    this.points = [];
    this.slider = el("input", { type: "range", min: "0", max: "0", step: "1", testid: "rewind-slider", oninput: () => this.scrub() });
    this.label = el("p", { testid: "rewind-label" });
    this.branch = el("button", { type: "button", testid: "rewind-branch", onclick: () => this.continueHere() }, "Continue training from here");
    this.live = el("button", { type: "button", testid: "rewind-live", onclick: () => this.backToNow() }, "Back to now");
    root.append(
      el("p", {}, "The run keeps its weights every few epochs. Drag to look back at the boundary and the weights; continue from any of them and training branches there (with the same settings it repeats exactly what it did)."),
      this.slider,
      this.label,
      el("div", { className: "row" }, this.branch, this.live),
    );
  }

  async show() {
    try {
      this.points = await api.checkpoints(this.app.sessionId);
    } catch (err) {
      this.label.textContent = err.message;
      return;
    }
    this.slider.max = String(Math.max(0, this.points.length - 1));
    this.slider.value = this.slider.max;
    this.label.textContent = `${this.points.length} checkpoints, epochs ${this.points[0].epoch} to ${this.points[this.points.length - 1].epoch}.`;
  }

  hide() {
    this.backToNow();
  }

  async scrub() {
    const point = this.points[Number(this.slider.value)];
    if (!point) return;
    this.app.pause();
    this.app.scrubbing = true;
    this.label.textContent = `Epoch ${point.epoch}: train loss ${formatNumber(point.train_loss)}, test loss ${formatNumber(point.test_loss)}`;
    const token = (this.token = Symbol("scrub"));
    try {
      const view = await api.checkpoint(this.app.sessionId, point.epoch);
      if (token === this.token && this.app.scrubbing) this.app.showCheckpoint(view);
    } catch (err) {
      this.label.textContent = err.message;
    }
  }

  async continueHere() {
    const point = this.points[Number(this.slider.value)];
    if (!point) return;
    try {
      await api.restore(this.app.sessionId, point.epoch);
      this.backToNow();
      this.app.say(`Continuing from epoch ${point.epoch}.`);
      await this.show();
    } catch (err) {
      this.app.error(err.message);
    }
  }

  backToNow() {
    if (!this.app.scrubbing) return;
    this.app.scrubbing = false;
    this.app.redraw();
  }
}
