// Links out of the page: the address bar kept in step with the demo, the share link,
// a saved run with its trained weights, and the read-only link of presenter mode.

import { api } from "./api.js";
import { $ } from "./helpers.js";
import { encodeState } from "./state.js";

export class Sharing {
  // flags: the link's view flags; viewFlags(): the view options now; defaults: the config
  // defaults and each dataset's class count, left out of links; runSlug: the saved run opened.
  constructor({ run, status, flags, viewFlags, defaults, runSlug, lesson }) {
    Object.assign(this, { run, status, flags, viewFlags, defaults, runSlug, lesson });
  }

  flagsNow() {
    return { ...this.flags, ...this.viewFlags(), speed: $("speed").value };
  }

  query() {
    return encodeState(this.run.config, this.flagsNow(), this.defaults);
  }

  // A saved run's link: the run holds the config and weights, the query the view to show them in.
  runUrl(path) {
    const query = encodeState({}, this.flagsNow(), this.defaults);
    return `${path}${query ? `?${query}` : ""}`;
  }

  url() {
    const query = this.query();
    return `${location.origin}/${query ? `?${query}` : ""}`;
  }

  // A lesson keeps its path; a saved run keeps its short link until its config changes.
  updateUrl() {
    if (this.run.watchToken) return;
    if (this.lesson) {
      const query = this.query();
      history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
      return;
    }
    if (this.runSlug && this.runConfig === undefined) this.runConfig = JSON.stringify(this.run.config);
    if (this.runSlug && this.runConfig === JSON.stringify(this.run.config)) {
      history.replaceState(null, "", this.runUrl(`/r/${this.runSlug}`));
      return;
    }
    this.runSlug = null;
    const url = new URL(this.url());
    history.replaceState(null, "", url.pathname + url.search);
  }

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
    const url = this.runSlug ? `${location.origin}${this.runUrl(`/r/${this.runSlug}`)}` : this.url();
    this.offerLink("It opens this demo, data and seed included.", url);
  }

  async present() {
    try {
      const link = await api.watchLink(this.run.id);
      this.offerLink("Students who open it watch this session live, read-only.", `${location.origin}${link.url}`);
    } catch (err) {
      this.status.error(err.message);
    }
  }

  async saveRun(epoch) {
    const c = this.run.config;
    const layers = c.hidden_layers.length ? c.hidden_layers.join("-") : "no hidden layers";
    const title = `${c.dataset.name}, ${layers} ${c.activation}, epoch ${epoch}`;
    try {
      const run = await api.saveRun(this.run.id, title);
      this.offerLink(`Saved “${title}”: it opens with the trained weights and this view.`, `${location.origin}${this.runUrl(run.url)}`);
    } catch (err) {
      this.status.error(err.message);
    }
  }
}
