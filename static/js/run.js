// The session this page drives (or, in presenter mode, watches): its id, config and
// data, and the one queue every change of its config goes through.

import { api } from "./api.js";

// What decides the points: the dataset settings, and the run seed when the data have no seed of their own.
function dataKey(config) {
  return JSON.stringify([config.dataset, config.dataset.seed === null ? config.seed : null]);
}

export class Run {
  // onConfig(config, before) after every config the run takes on; onData() once its points
  // arrive; onRefused() when the server turned a change down (the form shows the config again).
  constructor({ watchToken, status, onConfig, onData, onRefused }) {
    Object.assign(this, { watchToken, status, onConfig, onData, onRefused });
    this.id = null;
    this.config = null;
    this.data = null;
    this.dataKey = null; // what the data were loaded for
  }

  // The data shown are the points of the config now (false while they load).
  get dataCurrent() {
    return this.config !== null && this.dataKey === dataKey(this.config);
  }

  apply(config) {
    const before = this.config;
    this.config = config;
    this.onConfig(config, before);
    if (!before || dataKey(before) !== dataKey(config)) this.loadData();
  }

  async loadData() {
    const key = dataKey(this.config);
    try {
      const data = this.watchToken ? await api.watchedData(this.watchToken) : await api.data(this.id);
      if (key !== dataKey(this.config)) return; // the config moved on: a newer load is on its way
      this.data = data;
      this.dataKey = key;
      this.onData();
    } catch (err) {
      this.status.error(err.message);
    }
  }

  // Changes apply one after another; a function patch is computed from the config at its turn,
  // so two quick clicks on "remove layer" remove two layers.
  patch(patch) {
    this.patches = (this.patches || Promise.resolve()).then(() => this.send(typeof patch === "function" ? patch(this.config) : patch));
    return this.patches;
  }

  async send(patch) {
    if (!patch) return;
    try {
      const result = await api.patch(this.id, patch);
      this.apply(result.config);
      if (result.rebuilt) this.status.say("The network was rebuilt with the new settings.");
    } catch (err) {
      this.status.error(err.message);
      this.onRefused();
    }
  }
}
