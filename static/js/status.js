// The status line under the controls: the run's state in words, unless a notice holds it
// (a remark for 5 s, an error for 8 s, a warning for as long as the page is open,
// and the end of the session for good).

import { $, setText } from "./helpers.js";

export class StatusLine {
  constructor() {
    this.notice = null;
  }

  show(state) {
    if (state.status === "diverged") {
      this.set(state.message || "Training diverged. Try a smaller learning rate.", "error");
      return;
    }
    if (state.status === "stopped") {
      this.set(state.message);
      return;
    }
    if (this.notice && this.notice.until > Date.now()) return;
    if (this.notice && this.notice.sticky) {
      this.set(this.notice.text, this.notice.level);
      return;
    }
    // The epoch counter carries the moving number: a live region that changed ten times a second
    // would keep a screen reader talking.
    if (state.status === "training") this.set("Training…");
    else if (state.epoch === 0 && state.step === 0) this.set("Ready: press Play (or the space bar) to train.");
    else this.set(`Paused at epoch ${state.epoch}.`);
  }

  set(text, level = "") {
    const line = $("status");
    setText(line, text);
    line.className = `status ${level}`;
  }

  say(text) {
    this.note({ text, level: "", until: Date.now() + 5000 });
  }

  error(text) {
    this.note({ text, level: "error", until: Date.now() + 8000 });
  }

  warn(text) {
    this.note({ text, level: "warning", sticky: true, until: 0 });
  }

  // The session has gone: this stays, and the errors of requests still on their way do not replace it.
  end(text) {
    this.note({ text, level: "error", sticky: true, until: 0, final: true });
  }

  note(notice) {
    if (this.notice?.final) return;
    this.notice = notice;
    this.set(notice.text, notice.level);
  }

  // A passing remark gives way once the user acts; errors and warnings stay their time.
  clearNotice() {
    if (this.notice && !this.notice.level) this.notice = null;
  }
}
