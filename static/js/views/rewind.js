// Rewind: scrub back through checkpoints of the weights, and branch from one.

import { el, formatNumber } from "../helpers.js";

export class RewindView {
  constructor(context, root) {
    this.context = context;
    this.root = root;
    this.points = [];
    this.scrubbing = false;
    this.slider = el("input", { type: "range", min: "0", max: "0", step: "1", testid: "rewind-slider", "aria-label": "Checkpoint epoch", oninput: () => this.scrub() });
    this.start = el("span", { testid: "rewind-start" });
    this.current = el("output", { testid: "rewind-current" });
    this.end = el("span", { testid: "rewind-end" });
    this.label = el("p", { testid: "rewind-label" });
    this.branch = el("button", { type: "button", testid: "rewind-branch", onclick: () => this.continueHere() }, "Continue training from here");
    this.live = el("button", { type: "button", testid: "rewind-live", onclick: () => this.backToNow() }, "Back to now");
    root.append(
      el("p", {}, "The run keeps its weights every few epochs. Drag to look back at the boundary and the weights; continue from any of them and training branches there (with the same settings it repeats exactly what it did)."),
      el("div", { className: "rewind-scale" }, this.start, this.current, this.end),
      this.slider,
      this.label,
      el("div", { className: "row" }, this.branch, this.live),
    );
  }

  async show() {
    try {
      this.points = await this.context.api.checkpoints(this.context.sessionId);
    } catch (err) {
      this.label.textContent = err.message;
      return;
    }
    this.slider.max = String(Math.max(0, this.points.length - 1));
    this.slider.value = this.slider.max;
    const [first, last] = [this.points[0].epoch, this.points[this.points.length - 1].epoch];
    this.start.textContent = `epoch ${first}`;
    this.end.textContent = `epoch ${last}`;
    this.showCurrent(last);
    this.label.textContent = `${this.points.length} checkpoints, epochs ${first} to ${last}.`;
  }

  showCurrent(epoch) {
    this.current.textContent = `epoch ${epoch}`;
    this.slider.setAttribute("aria-valuetext", `epoch ${epoch}`);
  }

  hide() {
    this.backToNow();
  }

  async scrub() {
    const point = this.points[Number(this.slider.value)];
    if (!point) return;
    this.context.pause();
    this.scrubbing = true;
    this.context.checkpoints.hold();
    this.showCurrent(point.epoch);
    this.label.textContent = `Epoch ${point.epoch}: train loss ${formatNumber(point.train_loss)}, test loss ${formatNumber(point.test_loss)}`;
    const token = (this.token = Symbol("scrub"));
    try {
      const view = await this.context.api.checkpoint(this.context.sessionId, point.epoch);
      if (token === this.token && this.scrubbing) this.context.checkpoints.show(view);
    } catch (err) {
      this.label.textContent = err.message;
    }
  }

  async continueHere() {
    const point = this.points[Number(this.slider.value)];
    if (!point) return;
    try {
      await this.context.api.restore(this.context.sessionId, point.epoch);
      this.backToNow();
      this.context.say(`Continuing from epoch ${point.epoch}.`);
      await this.show();
    } catch (err) {
      this.context.error(err.message);
    }
  }

  backToNow() {
    if (!this.scrubbing) return;
    this.scrubbing = false;
    this.context.checkpoints.release();
  }
}
